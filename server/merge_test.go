package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// A merge through the API: the survivor's answer, the pointer on the
// merged customer, the merges of a customer, the undo; a salesperson may
// not merge.
func TestMergeOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	_, boss := ts.user(t, "boss@kehu.local", crm.RoleManager)
	_, rep := ts.user(t, "rep@kehu.local", crm.RoleSales)
	a := ts.createCustomer(t, boss, map[string]any{"name": "杭州云帆科技有限公司", "contacts": []any{map[string]any{"name": "陈经理", "phone": "13912345678"}}})
	b := ts.createCustomer(t, boss, map[string]any{"name": "杭州云帆科技", "industry": "软件",
		"contacts": []any{map[string]any{"name": "陈经理", "phone": "139 1234 5678"}, map[string]any{"name": "李工"}}})
	const merge = `mutation($s: ID!, $o: [ID!]!, $v: [Int!]!, $c: [MergeChoiceInput!]) {
		mergeCustomers(survivorId: $s, otherIds: $o, expectedVersions: $v, choices: $c) {
			merge { id canUndo by { email } survivor { code } others { code archivedAt mergedInto { code } } }
			customer { name industry version contacts { name } } } }`
	vars := map[string]any{"s": a.ID, "o": []string{b.ID}, "v": []int{a.Version, b.Version}, "c": []any{map[string]any{"field": "name", "from": b.ID}}}
	ts.post(t, rep, merge, vars).fails(t, "FORBIDDEN", "")
	ts.post(t, boss, merge, map[string]any{"s": a.ID, "o": []string{b.ID}, "v": []int{a.Version, b.Version - 1}}).fails(t, "CONFLICT", "otherIds[0]")
	var out struct {
		MergeCustomers struct {
			Merge struct {
				ID       string
				CanUndo  bool
				By       struct{ Email string }
				Survivor struct{ Code string }
				Others   []struct {
					Code       string
					ArchivedAt *string
					MergedInto struct{ Code string }
				}
			}
			Customer struct {
				Name, Industry string
				Version        int
				Contacts       []struct{ Name string }
			}
		}
	}
	ts.post(t, boss, merge, vars).ok(t, &out)
	mc := out.MergeCustomers
	if mc.Customer.Name != "杭州云帆科技" || mc.Customer.Industry != "软件" || len(mc.Customer.Contacts) != 2 || !mc.Merge.CanUndo ||
		mc.Merge.By.Email != "boss@kehu.local" || mc.Merge.Survivor.Code != a.Code || len(mc.Merge.Others) != 1 ||
		mc.Merge.Others[0].ArchivedAt == nil || mc.Merge.Others[0].MergedInto.Code != a.Code {
		t.Fatalf("merge: %+v", mc)
	}
	var list struct{ CustomerMerges []struct{ ID string } }
	ts.post(t, boss, `query($c: ID) { customerMerges(customerId: $c) { id } }`, map[string]any{"c": b.ID}).ok(t, &list)
	if len(list.CustomerMerges) != 1 || list.CustomerMerges[0].ID != mc.Merge.ID {
		t.Fatalf("merges: %+v", list)
	}
	var undone struct {
		UndoMerge struct {
			CanUndo  bool
			UndoneAt *string
			Kept     []struct{ Code string }
			Others   []struct{ ArchivedAt *string }
		}
	}
	ts.post(t, boss, `mutation($id: ID!) { undoMerge(id: $id) { canUndo undoneAt kept { code } others { archivedAt } } }`,
		map[string]any{"id": mc.Merge.ID}).ok(t, &undone)
	if u := undone.UndoMerge; u.CanUndo || u.UndoneAt == nil || len(u.Kept) != 0 || u.Others[0].ArchivedAt != nil {
		t.Fatalf("undo: %+v", u)
	}
	ts.post(t, boss, `mutation($id: ID!) { undoMerge(id: $id) { id } }`, map[string]any{"id": mc.Merge.ID}).fails(t, "BAD_USER_INPUT", "id")
	var fields struct{ MergeFields []string }
	ts.post(t, boss, `{ mergeFields }`, nil).ok(t, &fields)
	if len(fields.MergeFields) < 10 {
		t.Fatalf("merge fields: %q", fields.MergeFields)
	}
}

// The duplicate review through the API: pairs strongest first, paged by
// cursor, for managers and admins.
func TestDuplicateCandidatesOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	_, boss := ts.user(t, "boss@kehu.local", crm.RoleManager)
	_, rep := ts.user(t, "rep@kehu.local", crm.RoleSales)
	ts.createCustomer(t, boss, map[string]any{"name": "杭州云帆科技有限公司", "contacts": []any{map[string]any{"name": "陈经理", "phone": "13912345678"}}})
	ts.createCustomer(t, boss, map[string]any{"name": "杭州云帆科技", "contacts": []any{map[string]any{"name": "陈", "phone": "139-1234-5678"}}})
	ts.createCustomer(t, boss, map[string]any{"name": "宁波港通物流", "contacts": []any{map[string]any{"name": "张", "email": "zhang@gangtong.cn"}}})
	ts.createCustomer(t, boss, map[string]any{"name": "港通物流（宁波）", "contacts": []any{map[string]any{"name": "王", "email": "Zhang@GangTong.cn"}}})
	ts.createCustomer(t, boss, map[string]any{"name": "上海云帆科技有限公司"})
	const q = `query($after: String) { duplicateCandidates(first: 1, after: $after) {
		totalCount pageInfo { hasNextPage endCursor } nodes { a { name } b { name } score reasons legalFormsDiffer } skipped { reason count } } }`
	type page struct {
		DuplicateCandidates struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage bool
				EndCursor   string
			}
			Nodes []struct {
				A, B    struct{ Name string }
				Score   int
				Reasons []string
			}
		}
	}
	var p1, p2 page
	ts.post(t, boss, q, nil).ok(t, &p1)
	d := p1.DuplicateCandidates
	if d.TotalCount != 2 || !d.PageInfo.HasNextPage || len(d.Nodes) != 1 || d.Nodes[0].Score != 90 ||
		strings.Join(d.Nodes[0].Reasons, ",") != "NAME,PHONE" {
		t.Fatalf("first page: %+v", d)
	}
	ts.post(t, boss, q, map[string]any{"after": d.PageInfo.EndCursor}).ok(t, &p2)
	d = p2.DuplicateCandidates
	if len(d.Nodes) != 1 || d.PageInfo.HasNextPage || d.Nodes[0].Score != 30 || strings.Join(d.Nodes[0].Reasons, ",") != "EMAIL" {
		t.Fatalf("second page: %+v", d)
	}
	ts.post(t, rep, q, nil).fails(t, "FORBIDDEN", "")
	ts.post(t, boss, q, map[string]any{"after": "nonsense"}).fails(t, "BAD_USER_INPUT", "after")
	ts.post(t, boss, `{ duplicateCandidates(first: 0) { totalCount } }`, nil).fails(t, "BAD_USER_INPUT", "first")
}

// TestDataMaintenanceCapabilities: me's canImport, canMergeCustomers and
// canSeeDataQuality say what the server allows each role (the app shows
// its pages by them): each is true exactly when its operation is not
// FORBIDDEN.
func TestDataMaintenanceCapabilities(t *testing.T) {
	ts := newTestServer(t)
	allowed := func(r gqlResponse) bool {
		for _, e := range r.Errors {
			if e.code() == "FORBIDDEN" {
				return false
			}
			t.Fatalf("unexpected error: %+v", e)
		}
		return true
	}
	for i, role := range []crm.Role{crm.RoleAdmin, crm.RoleManager, crm.RoleSales, crm.RoleService, crm.RoleAnalyst} {
		_, token := ts.user(t, fmt.Sprintf("cap%d@kehu.local", i), role)
		var me struct {
			Me struct{ CanImport, CanMergeCustomers, CanSeeDataQuality bool }
		}
		ts.post(t, token, `{ me { canImport canMergeCustomers canSeeDataQuality } }`, nil).ok(t, &me)
		for _, c := range []struct {
			what  string
			claim bool
			query string
		}{
			{"import", me.Me.CanImport, `{ importJobs(first: 1) { id } }`},
			{"merge", me.Me.CanMergeCustomers, `{ duplicateCandidates(first: 1) { totalCount } }`},
			{"data quality", me.Me.CanSeeDataQuality, `{ dataQuality { customers } }`},
		} {
			if got := allowed(ts.post(t, token, c.query, nil)); got != c.claim {
				t.Errorf("%s: may %s %v, me says %v", role, c.what, got, c.claim)
			}
		}
		if want := role == crm.RoleAdmin || role == crm.RoleManager; me.Me.CanImport != want || me.Me.CanMergeCustomers != want ||
			me.Me.CanSeeDataQuality != (want || role == crm.RoleAnalyst) {
			t.Errorf("%s: %+v", role, me.Me)
		}
	}
}
