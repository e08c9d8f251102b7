package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

type savedSegmentOut struct {
	ID       string
	Name     string
	Query    *string
	Where    map[string]any
	Shared   bool
	Editable bool
	Version  int
	Count    int
	Owner    *struct{ Email string }
}

const savedSegmentFields = `id name query where shared editable version count owner { email }`

// TestSavedSegmentsOverGraphQL saves segments on demo data through the API
// and checks that they are evaluated live like the same filter given to
// customers and customersCount, and that the policy holds: private to their
// owner, shared ones visible but not editable by others, versions checked.
func TestSavedSegmentsOverGraphQL(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 200
	clock := crm.NewFixedClock(testNow)
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler), clock, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: httptest.NewServer(a.handler), app: a, clock: clock}
	t.Cleanup(func() { ts.Close(); _ = a.Close() })
	ts.admin = ts.login(t, cfg.AdminEmail, adminPassword)
	sales1 := ts.login(t, "sales1@kehu.local", DemoPassword)
	sales2 := ts.login(t, "sales2@kehu.local", DemoPassword)
	analyst := ts.login(t, "analyst@kehu.local", DemoPassword)

	// codes lists every customer of a customers-like connection, page by page.
	codes := func(token, query string, vars map[string]any, pick func(data []byte) (page []string, next *string)) []string {
		var all []string
		var after any
		for {
			vars["after"] = after
			r := ts.post(t, token, query, vars)
			r.ok(t, nil)
			page, next := pick(r.Data)
			all = append(all, page...)
			if next == nil {
				sort.Strings(all)
				return all
			}
			after = *next
		}
	}
	type conn struct {
		Nodes    []struct{ Code string }
		PageInfo struct {
			HasNextPage bool
			EndCursor   string
		}
	}
	page := func(c conn) ([]string, *string) {
		var out []string
		for _, n := range c.Nodes {
			out = append(out, n.Code)
		}
		if !c.PageInfo.HasNextPage {
			return out, nil
		}
		return out, &c.PageInfo.EndCursor
	}
	listed := func(token string, filter map[string]any) []string {
		return codes(token, `query($where:CustomerWhere,$query:String,$after:String){customers(first:100,after:$after,where:$where,query:$query){
			nodes{code} pageInfo{hasNextPage endCursor}}}`, filter, func(d []byte) ([]string, *string) {
			var out struct{ Customers conn }
			decode(t, d, &out)
			return page(out.Customers)
		})
	}
	members := func(token, id string) []string {
		return codes(token, `query($id:ID!,$after:String){segment(id:$id){customers(first:100,after:$after){
			nodes{code} pageInfo{hasNextPage endCursor}}}}`, map[string]any{"id": id}, func(d []byte) ([]string, *string) {
			var out struct{ Segment struct{ Customers conn } }
			decode(t, d, &out)
			return page(out.Segment.Customers)
		})
	}
	count := func(token string, filter map[string]any) int {
		var out struct{ CustomersCount int }
		ts.post(t, token, `query($where:CustomerWhere,$query:String){customersCount(where:$where,query:$query)}`, filter).ok(t, &out)
		return out.CustomersCount
	}
	save := func(token string, vars map[string]any) savedSegmentOut {
		t.Helper()
		var out struct{ SaveSegment savedSegmentOut }
		ts.post(t, token, `mutation($name:String!,$where:CustomerWhere,$query:String,$shared:Boolean){
			saveSegment(name:$name,where:$where,query:$query,shared:$shared){`+savedSegmentFields+`}}`, vars).ok(t, &out)
		return out.SaveSegment
	}

	// Saved with a query line or a where input, a segment holds what the
	// same filter selects now.
	visits, _ := segment.Parse("visits(90d):>=3")
	saved := map[string]savedSegmentOut{}
	nonTrivial := 0
	for _, tc := range []struct {
		name   string
		filter map[string]any // where or query, as customers takes it
		shared bool
	}{
		{"A/B 类", map[string]any{"query": "tier:A,B"}, false},
		{"我的客户", map[string]any{"query": "owner:me"}, true},
		{"近 90 天拜访 3 次", map[string]any{"where": segment.ToInput(visits)}, false},
		{"谈判中的大单", map[string]any{"where": map[string]any{"stage": map[string]any{"in": []any{"NEGOTIATION", "WON"}},
			"totalAmount": map[string]any{"gte": "100000"}}}, true},
		{"nested", map[string]any{"query": `interactions.some(channel:visit at:<=30d) -tag:投诉风险`}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]any{"name": tc.name, "shared": tc.shared}
			for k, v := range tc.filter {
				vars[k] = v
			}
			seg := save(sales1, vars)
			saved[tc.name] = seg
			if seg.Name != tc.name || seg.Version != 1 || seg.Shared != tc.shared || !seg.Editable ||
				seg.Owner == nil || seg.Owner.Email != "sales1@kehu.local" || seg.Query == nil || len(seg.Where) == 0 {
				t.Fatalf("saved: %+v", seg)
			}
			want := listed(sales1, map[string]any{"query": *seg.Query})
			if seg.Count != len(want) || seg.Count != count(sales1, tc.filter) {
				t.Fatalf("count %d, customers %d, customersCount %d", seg.Count, len(want), count(sales1, tc.filter))
			}
			if got := listed(sales1, map[string]any{"where": seg.Where}); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("its where selects %d customers, its query %d", len(got), len(want))
			}
			if got := members(sales1, seg.ID); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("members: %d, want %d", len(got), len(want))
			}
			if len(want) > 0 && len(want) < 200 {
				nonTrivial++
			}
		})
	}
	if nonTrivial < 3 {
		t.Fatalf("only %d segments select some but not all customers: the demo data does not exercise them", nonTrivial)
	}

	// The sidebar: every segment with its count in one request, sorted by name.
	sidebar := func(token string) []savedSegmentOut {
		var out struct{ Segments []savedSegmentOut }
		ts.post(t, token, `{segments{`+savedSegmentFields+`}}`, nil).ok(t, &out)
		return out.Segments
	}
	mine := sidebar(sales1)
	var order []string
	for _, s := range mine {
		order = append(order, s.Name)
	}
	if fmt.Sprint(order) != "[A/B 类 nested 我的客户 谈判中的大单 近 90 天拜访 3 次]" { // Unicode code point order
		t.Fatalf("sales1's sidebar: %v", order)
	}
	for _, s := range mine {
		if s.Count != saved[s.Name].Count {
			t.Fatalf("%s: sidebar count %d, saved count %d", s.Name, s.Count, saved[s.Name].Count)
		}
	}

	// Another user sees only the shared ones, not editable; owner:me is the viewer.
	for _, token := range []string{sales2, analyst} {
		theirs := sidebar(token)
		if len(theirs) != 2 || theirs[0].Name != "我的客户" || theirs[1].Name != "谈判中的大单" || theirs[0].Editable || theirs[1].Editable {
			t.Fatalf("another user's sidebar: %+v", theirs)
		}
		if theirs[0].Count != count(token, map[string]any{"query": "owner:me"}) {
			t.Fatalf("owner:me counted for the owner, not the viewer: %d", theirs[0].Count)
		}
	}
	mineID := saved["我的客户"].ID
	private := saved["A/B 类"]
	ts.post(t, sales2, `query($id:ID!){segment(id:$id){id count}}`, map[string]any{"id": private.ID}).fails(t, "NOT_FOUND", "")
	ts.post(t, sales2, `mutation($id:ID!){updateSegment(id:$id,expectedVersion:1,shared:true){id}}`, map[string]any{"id": private.ID}).fails(t, "NOT_FOUND", "")
	ts.post(t, sales2, `mutation($id:ID!){deleteSegment(id:$id,expectedVersion:1)}`, map[string]any{"id": private.ID}).fails(t, "NOT_FOUND", "")
	ts.post(t, sales2, `mutation($id:ID!){updateSegment(id:$id,expectedVersion:1,name:"抢"){id}}`, map[string]any{"id": mineID}).fails(t, "FORBIDDEN", "")
	ts.post(t, analyst, `mutation($id:ID!){deleteSegment(id:$id,expectedVersion:1)}`, map[string]any{"id": mineID}).fails(t, "FORBIDDEN", "")
	// An admin may read and change it.
	var adminView struct{ Segment savedSegmentOut }
	ts.post(t, ts.admin, `query($id:ID!){segment(id:$id){`+savedSegmentFields+`}}`, map[string]any{"id": private.ID}).ok(t, &adminView)
	if !adminView.Segment.Editable || adminView.Segment.Count != private.Count {
		t.Fatalf("admin's view: %+v", adminView.Segment)
	}

	// Updates are versioned; a new filter is evaluated at once.
	var upd struct{ UpdateSegment savedSegmentOut }
	ts.post(t, sales1, `mutation($id:ID!){updateSegment(id:$id,expectedVersion:1,name:"A 类",query:"tier:A"){`+savedSegmentFields+`}}`,
		map[string]any{"id": private.ID}).ok(t, &upd)
	if u := upd.UpdateSegment; u.Version != 2 || u.Name != "A 类" || *u.Query != "tier:A" || u.Count != count(sales1, map[string]any{"query": "tier:A"}) || u.Count >= private.Count {
		t.Fatalf("after update: %+v (before: %d customers)", u, private.Count)
	}
	ts.post(t, sales1, `mutation($id:ID!){updateSegment(id:$id,expectedVersion:1,shared:true){id}}`, map[string]any{"id": private.ID}).fails(t, "CONFLICT", "")
	ts.post(t, sales1, `mutation($id:ID!){deleteSegment(id:$id,expectedVersion:1)}`, map[string]any{"id": private.ID}).fails(t, "CONFLICT", "")
	var del struct{ DeleteSegment bool }
	ts.post(t, sales1, `mutation($id:ID!){deleteSegment(id:$id,expectedVersion:2)}`, map[string]any{"id": private.ID}).ok(t, &del)
	if !del.DeleteSegment {
		t.Fatal("deleteSegment returned false")
	}
	ts.post(t, sales1, `query($id:ID!){segment(id:$id){id}}`, map[string]any{"id": private.ID}).fails(t, "NOT_FOUND", "")
	if n := len(sidebar(sales1)); n != 4 {
		t.Fatalf("%d segments after delete", n)
	}

	// Bad input: the code and the argument it concerns.
	for _, tc := range []struct {
		name, token, query string
		vars               map[string]any
		code, field        string
	}{
		{"empty name", sales1, `mutation{saveSegment(name:" ",query:"tier:A"){id}}`, nil, "BAD_USER_INPUT", "name"},
		{"long name", sales1, `mutation($n:String!){saveSegment(name:$n,query:"tier:A"){id}}`, map[string]any{"n": strings.Repeat("x", 81)}, "BAD_USER_INPUT", "name"},
		{"no filter", sales1, `mutation{saveSegment(name:"x"){id}}`, nil, "BAD_USER_INPUT", "where"},
		{"both filters", sales1, `mutation{saveSegment(name:"x",query:"tier:A",where:{valueTier:{eq:A}}){id}}`, nil, "BAD_USER_INPUT", "where"},
		{"bad query", sales1, `mutation{saveSegment(name:"x",query:"tier:A ("){id}}`, nil, "BAD_USER_INPUT", "query"},
		{"bad where", sales1, `mutation($w:CustomerWhere){saveSegment(name:"x",where:$w){id}}`,
			map[string]any{"w": map[string]any{"valueTier": map[string]any{"in": []any{}}}}, "BAD_USER_INPUT", "where.valueTier.in"},
		{"name taken", sales1, `mutation{saveSegment(name:"我的客户",query:"tier:C"){id}}`, nil, "CONFLICT", "name"},
		{"name taken in another case", sales1, `mutation{saveSegment(name:"NESTED",query:"tier:C"){id}}`, nil, "CONFLICT", "name"},
		{"update with both filters", sales1, `mutation($id:ID!){updateSegment(id:$id,expectedVersion:1,query:"tier:A",where:{}){id}}`,
			map[string]any{"id": mineID}, "BAD_USER_INPUT", "where"},
		{"update with a bad query", sales1, `mutation($id:ID!){updateSegment(id:$id,expectedVersion:1,query:"tier:"){id}}`,
			map[string]any{"id": mineID}, "BAD_USER_INPUT", "query"},
		{"rename to a taken name", sales1, `mutation($id:ID!){updateSegment(id:$id,expectedVersion:1,name:"Nested"){id}}`,
			map[string]any{"id": mineID}, "CONFLICT", "name"},
		{"missing segment", sales1, `{segment(id:"000000000000000000000000"){id}}`, nil, "NOT_FOUND", ""},
		{"not signed in", "", `{segments{id}}`, nil, "UNAUTHENTICATED", ""},
		{"not signed in, saving", "", `mutation{saveSegment(name:"x",query:"tier:A"){id}}`, nil, "UNAUTHENTICATED", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ts.post(t, tc.token, tc.query, tc.vars).fails(t, tc.code, tc.field)
			if tc.field == "query" && !strings.Contains(e.Message, "at ") {
				t.Fatalf("a bad query line without its position: %s", e.Message)
			}
		})
	}
	// Refused changes left the segment as it was.
	var still struct{ Segment savedSegmentOut }
	ts.post(t, sales1, `query($id:ID!){segment(id:$id){`+savedSegmentFields+`}}`, map[string]any{"id": mineID}).ok(t, &still)
	if still.Segment.Version != 1 || still.Segment.Name != "我的客户" {
		t.Fatalf("after refused changes: %+v", still.Segment)
	}
}

func decode(t *testing.T, data []byte, out any) {
	t.Helper()
	gqlResponse{Data: data}.ok(t, out)
}

// TestSavedSegmentDocExamples runs the examples of docs/API.md's "Saved
// segments" section as written there.
func TestSavedSegmentDocExamples(t *testing.T) {
	ts := newTestServer(t)
	var first struct{ SaveSegment struct{ ID string } }
	ts.post(t, ts.admin, `mutation {
  saveSegment(name: "A/B 类 近 90 天拜访 3 次", query: "tier:A,B visits(90d):>=3", shared: true) {
    id name query where version count
  }
}`, nil).ok(t, &first)
	var second struct{ SaveSegment struct{ Query *string } }
	ts.post(t, ts.admin, `mutation ($w: CustomerWhere) {
  saveSegment(name: "我的谈判中大单", where: $w) { id query count }
}`, map[string]any{"w": map[string]any{"owner": map[string]any{"me": true}, "stage": map[string]any{"in": []any{"NEGOTIATION"}},
		"totalAmount": map[string]any{"gte": "100000"}}}).ok(t, &second)
	if second.SaveSegment.Query == nil {
		t.Fatal("no query line")
	}
	ts.post(t, ts.admin, `{ segments { id name shared editable count owner { name } } }`, nil).ok(t, nil)
	id := map[string]any{"id": first.SaveSegment.ID}
	ts.post(t, ts.admin, `query ($id: ID!) {
  segment(id: $id) {
    name query count(scope: ALL)
    customers(first: 50, orderBy: {field: LAST_INTERACTION_AT, direction: DESC}) {
      totalCount nodes { code name valueTier lastInteractionAt } pageInfo { hasNextPage endCursor }
    }
  }
}`, id).ok(t, nil)
	ts.post(t, ts.admin, `mutation ($id: ID!) {
  updateSegment(id: $id, expectedVersion: 1, name: "A 类", query: "tier:A", shared: false) { version count }
}`, id).ok(t, nil)
	ts.post(t, ts.admin, `mutation ($id: ID!) { deleteSegment(id: $id, expectedVersion: 2) }`, id).ok(t, nil)
}
