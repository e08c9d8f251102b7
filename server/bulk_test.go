package main

import (
	"slices"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

type bulkJobOut struct {
	ID, Status, Action              string
	Total, Done, Changed, Unchanged int
	Failures                        []struct {
		CustomerID, CustomerCode, CustomerName, Code, Message string
		Reason, Field                                         *string
	}
	StartedBy *struct{ ID string }
}

const bulkJobFields = `id status action total done changed unchanged startedBy { id }
  failures { customerId customerCode customerName code reason field message }`

func (ts *testServer) startBulk(t *testing.T, token string, input map[string]any) gqlResponse {
	t.Helper()
	return ts.post(t, token, `mutation($i:BulkChangeInput!){startBulkChange(input:$i){`+bulkJobFields+`}}`, map[string]any{"i": input})
}

// TestBulkChangeOverGraphQL: the actions each role is offered, a reassign
// by filter that moves next actions, per-customer refusals and conflicts,
// input errors with their paths, and jobs private to their starter.
func TestBulkChangeOverGraphQL(t *testing.T) {
	ts := newTestServer(t)
	bossID, boss := ts.user(t, "boss@kehu.local", crm.RoleManager)
	repID, rep := ts.user(t, "rep@kehu.local", crm.RoleSales)
	otherID, other := ts.user(t, "other@kehu.local", crm.RoleSales)
	_, analyst := ts.user(t, "analyst@kehu.local", crm.RoleAnalyst)

	for _, tc := range []struct {
		token string
		want  []string
	}{
		{boss, []string{"REASSIGN", "ADD_TAGS", "REMOVE_TAGS", "SET_STAGE", "ARCHIVE", "RESTORE"}},
		{rep, []string{"ADD_TAGS", "REMOVE_TAGS", "SET_STAGE", "ARCHIVE", "RESTORE"}},
		{analyst, []string{}},
	} {
		var out struct{ BulkActions []string }
		ts.post(t, tc.token, `{ bulkActions }`, nil).ok(t, &out)
		if !slices.Equal(out.BulkActions, tc.want) {
			t.Errorf("bulkActions %v, want %v", out.BulkActions, tc.want)
		}
	}

	var mine []customerOut
	for _, name := range []string{"批量一号公司", "批量二号公司", "批量三号公司"} {
		mine = append(mine, ts.createCustomer(t, rep, map[string]any{"name": name, "tags": []string{"展会"}}))
	}
	theirs := ts.createCustomer(t, other, map[string]any{"name": "别人的公司"})
	ts.post(t, rep, `mutation($id:ID!){logInteraction(customerId:$id, input:{channel:PHONE, summary:"电话", nextAction:{what:"发报价"}}){id}}`,
		map[string]any{"id": mine[0].ID}).ok(t, nil)

	// The manager gives the rep's customers to the other rep, by filter.
	var started struct{ StartBulkChange bulkJobOut }
	ts.startBulk(t, boss, map[string]any{"action": "REASSIGN", "ownerId": otherID,
		"filter": map[string]any{"where": map[string]any{"owner": map[string]any{"eq": repID}}}}).ok(t, &started)
	if j := started.StartBulkChange; j.Status != "DONE" || j.Total != 3 || j.Changed != 3 || j.StartedBy == nil || j.StartedBy.ID != bossID {
		t.Fatalf("reassign: %+v", j)
	}
	var got struct {
		Customer struct {
			Version      int
			Owner        struct{ ID string }
			UpdatedBy    struct{ ID string }
			Interactions []struct {
				NextAction struct{ Owner struct{ ID string } }
			}
			OwnerHistory []struct{ From, To, By *struct{ ID string } }
		}
	}
	ts.post(t, boss, `query($id:ID!){customer(id:$id){version owner{id} updatedBy{id} interactions(limit:5){nextAction{owner{id}}}
  ownerHistory{from{id} to{id} by{id}}}}`,
		map[string]any{"id": mine[0].ID}).ok(t, &got)
	if got.Customer.Owner.ID != otherID || got.Customer.UpdatedBy.ID != bossID || got.Customer.Interactions[0].NextAction.Owner.ID != otherID {
		t.Fatalf("after reassign: %+v", got.Customer)
	}
	if h := got.Customer.OwnerHistory; len(h) != 2 || h[1].From == nil || h[1].From.ID != repID || h[1].To.ID != otherID || h[1].By.ID != bossID {
		t.Fatalf("owner history: %+v", h)
	}

	// The rep no longer owns mine[*]: tagging them is refused per customer;
	// a stale version is CONFLICT; the other rep's own customer changes.
	var tagged struct{ StartBulkChange bulkJobOut }
	ts.startBulk(t, other, map[string]any{"action": "ADD_TAGS", "tags": []string{"重点"}, "customers": []map[string]any{
		{"id": mine[0].ID, "expectedVersion": mine[0].Version}, // stale: reassigned since
		{"id": theirs.ID, "expectedVersion": theirs.Version}}}).ok(t, &tagged)
	if j := tagged.StartBulkChange; j.Changed != 1 || len(j.Failures) != 1 || j.Failures[0].Code != "CONFLICT" ||
		j.Failures[0].CustomerCode != mine[0].Code || j.Failures[0].CustomerName != "批量一号公司" {
		t.Fatalf("tags: %+v", j)
	}
	var refused struct{ StartBulkChange bulkJobOut }
	ts.startBulk(t, rep, map[string]any{"action": "SET_STAGE", "stage": "WON", "customers": []map[string]any{
		{"id": mine[1].ID, "expectedVersion": mine[1].Version + 1}}}).ok(t, &refused)
	if j := refused.StartBulkChange; len(j.Failures) != 1 || j.Failures[0].Code != "FORBIDDEN" {
		t.Fatalf("rep sets stage on a customer it gave away: %+v", j)
	}

	// Refusals of the whole request.
	ts.startBulk(t, analyst, map[string]any{"action": "ADD_TAGS", "tags": []string{"x"}, "filter": map[string]any{}}).fails(t, "FORBIDDEN", "")
	ts.startBulk(t, rep, map[string]any{"action": "REASSIGN", "ownerId": repID, "filter": map[string]any{}}).fails(t, "FORBIDDEN", "")
	ts.startBulk(t, boss, map[string]any{"action": "ADD_TAGS", "filter": map[string]any{}}).fails(t, "BAD_USER_INPUT", "input.tags")
	ts.startBulk(t, boss, map[string]any{"action": "ARCHIVE", "filter": map[string]any{"query": "stage:("}}).fails(t, "BAD_USER_INPUT", "input.filter.query")
	ts.startBulk(t, boss, map[string]any{"action": "ARCHIVE", "filter": map[string]any{"where": map[string]any{"stage": map[string]any{"eq": "X"}}}}).fails(t, "BAD_USER_INPUT", "")
	ts.startBulk(t, boss, map[string]any{"action": "ARCHIVE"}).fails(t, "BAD_USER_INPUT", "input.customers")
	ts.startBulk(t, boss, map[string]any{"action": "REASSIGN", "ownerId": "nobody", "filter": map[string]any{}}).fails(t, "BAD_USER_INPUT", "input.ownerId")

	// A job is its starter's alone.
	id := map[string]any{"id": started.StartBulkChange.ID}
	var read struct{ BulkJob bulkJobOut }
	ts.post(t, boss, `query($id:ID!){bulkJob(id:$id){`+bulkJobFields+`}}`, id).ok(t, &read)
	if read.BulkJob.Changed != 3 {
		t.Fatalf("bulkJob: %+v", read.BulkJob)
	}
	ts.post(t, other, `query($id:ID!){bulkJob(id:$id){id}}`, id).fails(t, "NOT_FOUND", "")
}

// TestBulkDocExamples runs the examples of docs/API.md's "Bulk changes"
// section as written there.
func TestBulkDocExamples(t *testing.T) {
	ts := newTestServer(t)
	ownerID, _ := ts.user(t, "wang@kehu.local", crm.RoleSales)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "示例公司", "tags": []string{"展会"}, "stage": "NEGOTIATION"})
	ts.post(t, ts.admin, `{ bulkActions }`, nil).ok(t, nil)
	var started struct{ StartBulkChange struct{ ID string } }
	ts.post(t, ts.admin, `mutation ($owner: ID!) {
  startBulkChange(input: {
    action: REASSIGN, ownerId: $owner, keepNextActions: false
    filter: { query: "tag:展会 stage:negotiation" }
  }) {
    id status total done changed unchanged
    failures { customerCode customerName code reason message }
  }
}`, map[string]any{"owner": ownerID}).ok(t, &started)
	ts.post(t, ts.admin, `query ($id: ID!) {
  bulkJob(id: $id) {
    status total done changed
    failures { customerCode customerName code reason message }
  }
}`, map[string]any{"id": started.StartBulkChange.ID}).ok(t, nil)
	ts.post(t, ts.admin, `mutation ($c: ID!, $v: Int!) {
  startBulkChange(input: {
    action: ADD_TAGS, tags: ["重点"]
    customers: [{ id: $c, expectedVersion: $v }]
  }) { status changed failures { customerCode code message } }
}`, map[string]any{"c": c.ID, "v": c.Version + 1}).ok(t, nil)
}
