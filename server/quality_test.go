package main

import (
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// The data quality report through the API: who may read it, a finding with
// its drill list, a customer's completeness, and the removal of repeated
// follow-ups.
func TestDataQualityOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	_, boss := ts.user(t, "boss@kehu.local", crm.RoleManager)
	_, analyst := ts.user(t, "analyst@kehu.local", crm.RoleAnalyst)
	_, rep := ts.user(t, "rep@kehu.local", crm.RoleSales)
	c := ts.createCustomer(t, boss, map[string]any{"name": "重复跟进公司", "contacts": []any{map[string]any{"name": "张三"}}})
	log := `mutation($id: ID!) { logInteraction(customerId: $id, input: {at: "2026-11-19T10:00:00+08:00", channel: PHONE, summary: "电话回访"}) { version } }`
	for range 3 {
		ts.post(t, boss, log, map[string]any{"id": c.ID}).ok(t, nil)
	}
	const report = `{ dataQuality { customers averageCompleteness histogram { min max customers }
		missing { field weight customers drill { code } } leastComplete { customer { code } score }
		findings { kind customers records drill { id code name } } } }`
	type findingOut struct {
		Kind               string
		Customers, Records int
		Drill              []struct{ ID, Code, Name string }
	}
	var out struct {
		DataQuality struct {
			Customers           int
			AverageCompleteness float64
			Histogram           []struct{ Min, Max, Customers int }
			Findings            []findingOut
		}
	}
	ts.post(t, analyst, report, nil).ok(t, &out)
	q := out.DataQuality
	if q.Customers != 1 || q.AverageCompleteness <= 0 || q.AverageCompleteness >= 100 || len(q.Histogram) != 5 {
		t.Fatalf("report: %+v", q)
	}
	finding := func(kind string) findingOut {
		for _, f := range out.DataQuality.Findings {
			if f.Kind == kind {
				return f
			}
		}
		t.Fatalf("no %s finding", kind)
		return findingOut{}
	}
	if f := finding("REPEATED_FOLLOW_UPS"); f.Customers != 1 || f.Records != 2 || len(f.Drill) != 1 || f.Drill[0].Code != c.Code {
		t.Fatalf("repeats: %+v", f)
	}
	if f := finding("UNREACHABLE_CONTACTS"); f.Customers != 1 || f.Records != 1 {
		t.Fatalf("unreachable: %+v", f)
	}
	ts.post(t, rep, report, nil).fails(t, "FORBIDDEN", "")

	var cust struct {
		Customer struct {
			Version       int
			Completeness  int
			MissingFields []string
		}
	}
	ts.post(t, boss, `query($id: ID) { customer(id: $id) { version completeness missingFields } }`, map[string]any{"id": c.ID}).ok(t, &cust)
	if cust.Customer.Completeness <= 0 || cust.Customer.Completeness >= 100 || len(cust.Customer.MissingFields) == 0 {
		t.Fatalf("completeness: %+v", cust.Customer)
	}
	const remove = `mutation($id: ID!, $v: Int!) { removeRepeatedFollowUps(customerId: $id, expectedVersion: $v) { removed customer { interactionCount version } } }`
	ts.post(t, boss, remove, map[string]any{"id": c.ID, "v": cust.Customer.Version - 1}).fails(t, "CONFLICT", "")
	var removed struct {
		RemoveRepeatedFollowUps struct {
			Removed  int
			Customer struct{ InteractionCount, Version int }
		}
	}
	ts.post(t, boss, remove, map[string]any{"id": c.ID, "v": cust.Customer.Version}).ok(t, &removed)
	if r := removed.RemoveRepeatedFollowUps; r.Removed != 2 || r.Customer.InteractionCount != 1 || r.Customer.Version != cust.Customer.Version+1 {
		t.Fatalf("removed: %+v", r)
	}
	var all struct {
		RemoveAllRepeatedFollowUps struct{ Customers, Removed int }
	}
	ts.post(t, boss, `mutation { removeAllRepeatedFollowUps { customers removed changed { code } } }`, nil).ok(t, &all)
	if all.RemoveAllRepeatedFollowUps.Removed != 0 {
		t.Fatalf("bulk: %+v", all)
	}
	ts.post(t, rep, `mutation { removeAllRepeatedFollowUps { removed } }`, nil).fails(t, "FORBIDDEN", "")
}
