package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Every list nested in a customer answers oldest first, newest first with
// newestFirst, and only limit elements; contacts come primary first. A
// limit out of range is refused with OUT_OF_RANGE and the range.
func TestNestedListArguments(t *testing.T) {
	ts := newTestServer(t)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "嵌套列表测试公司", "contacts": []map[string]any{
		{"name": "甲"}, {"name": "乙", "primary": true}, {"name": "丙"}}})
	id := map[string]any{"id": c.ID}
	for _, at := range []string{"2026-11-02T10:00:00+08:00", "2026-11-01T10:00:00+08:00", "2026-11-03T10:00:00+08:00"} {
		ts.post(t, ts.admin, `mutation($id:ID!,$at:Time!,$s:String!){logInteraction(customerId:$id,input:{channel:PHONE,summary:$s,at:$at}){id}}`,
			map[string]any{"id": c.ID, "at": at, "s": at}).ok(t, nil)
	}
	for _, title := range []string{"需求1", "需求2", "需求3"} {
		ts.post(t, ts.admin, `mutation($id:ID!,$t:String!){addNeed(customerId:$id,input:{title:$t}){id}}`,
			map[string]any{"id": c.ID, "t": title}).ok(t, nil)
	}
	for _, date := range []string{"2026-10-02", "2026-10-01", "2026-10-03"} {
		ts.post(t, ts.admin, `mutation($id:ID!,$d:Date!,$p:String!){recordDeal(customerId:$id,input:{product:$p,amount:"100",date:$d}){id}}`,
			map[string]any{"id": c.ID, "d": date, "p": date}).ok(t, nil)
	}
	for i, at := range []string{"2026-09-02T10:00:00+08:00", "2026-09-01T10:00:00+08:00", "2026-09-03T10:00:00+08:00"} {
		ts.post(t, ts.admin, `mutation($id:ID!,$at:Time!,$s:Int!){recordSatisfaction(customerId:$id,input:{score:$s,at:$at}){id}}`,
			map[string]any{"id": c.ID, "at": at, "s": 80 + i}).ok(t, nil)
	}
	for _, change := range []string{`updateCustomer(id:$id,expectedVersion:$v,input:{stage:CONTACTED})`,
		`updateCustomer(id:$id,expectedVersion:$v,input:{stage:PROPOSAL})`,
		`overrideClassification(customerId:$id,expectedVersion:$v,valueTier:A,reason:"大客户")`,
		`overrideClassification(customerId:$id,expectedVersion:$v,valueTier:B,reason:"降级")`} {
		var v struct{ Customer struct{ Version int } }
		ts.post(t, ts.admin, `query($id:ID){customer(id:$id){version}}`, id).ok(t, &v)
		ts.post(t, ts.admin, `mutation($id:ID!,$v:Int!){`+change+`{id}}`,
			map[string]any{"id": c.ID, "v": v.Customer.Version}).ok(t, nil)
	}

	var out struct{ Customer map[string][]map[string]any }
	ts.post(t, ts.admin, `query($id:ID){customer(id:$id){
		c: contacts { name } c1: contacts(limit: 1) { name }
		i: interactions { summary } in: interactions(newestFirst: true, limit: 2) { summary }
		n: needs { title } nn: needs(newestFirst: true, limit: 2) { title } n0: needs(limit: 0) { title }
		d: deals { product } dn: deals(newestFirst: true, limit: 2) { product }
		s: satisfaction { score } sn: satisfaction(newestFirst: true, limit: 2) { score }
		h: stageHistory { to } hn: stageHistory(newestFirst: true, limit: 2) { to }
		r: tierHistory { to } rn: tierHistory(newestFirst: true, limit: 1) { to }
	}}`, id).ok(t, &out)
	got := map[string]string{}
	for alias, list := range out.Customer {
		var vals []string
		for _, e := range list {
			for _, v := range e {
				vals = append(vals, fmt.Sprint(v))
			}
		}
		got[alias] = strings.Join(vals, " ")
	}
	want := map[string]string{
		"c": "乙 甲 丙", "c1": "乙",
		"i":  "2026-11-01T10:00:00+08:00 2026-11-02T10:00:00+08:00 2026-11-03T10:00:00+08:00",
		"in": "2026-11-03T10:00:00+08:00 2026-11-02T10:00:00+08:00",
		"n":  "需求1 需求2 需求3", "nn": "需求3 需求2", "n0": "",
		"d": "2026-10-01 2026-10-02 2026-10-03", "dn": "2026-10-03 2026-10-02",
		"s": "81 80 82", "sn": "82 80",
		"h": "POTENTIAL CONTACTED PROPOSAL", "hn": "PROPOSAL CONTACTED",
		"r": "C A B", "rn": "B",
	}
	if !reflect.DeepEqual(got, want) {
		raw, _ := json.Marshal(got)
		t.Fatalf("got %s", raw)
	}

	// A write past a maximum: TOO_MANY with the maximum, on the input.
	staff := make([]string, crm.MaxParticipants+1)
	for i := range staff {
		staff[i] = fmt.Sprint("u", i)
	}
	e := ts.post(t, ts.admin, `mutation($id:ID!,$p:[ID!]){logInteraction(customerId:$id,input:{channel:MEETING,summary:"会",participants:$p}){id}}`,
		map[string]any{"id": c.ID, "p": staff}).fails(t, "BAD_USER_INPUT", "input.participants")
	if e.Extensions["reason"] != string(crm.ReasonTooMany) || e.Extensions["params"].(map[string]any)["max"] != 20.0 {
		t.Errorf("participants: %+v", e.Extensions)
	}

	for _, tc := range []struct {
		field string
		max   int
	}{
		{"contacts", 100}, {"interactions", 10000}, {"needs", 500}, {"deals", 5000},
		{"satisfaction", 1000}, {"stageHistory", 500}, {"tierHistory", 500},
	} {
		for _, limit := range []int{-1, tc.max + 1} {
			q := fmt.Sprintf(`query($id:ID){customer(id:$id){%s(limit: %d) { __typename }}}`, tc.field, limit)
			e := ts.post(t, ts.admin, q, id).fails(t, "BAD_USER_INPUT", "limit")
			params, _ := e.Extensions["params"].(map[string]any)
			if e.Extensions["reason"] != string(crm.ReasonOutOfRange) || params["min"] != 0.0 || params["max"] != float64(tc.max) {
				t.Errorf("%s(limit: %d): %+v", tc.field, limit, e.Extensions)
			}
		}
		q := fmt.Sprintf(`query($id:ID){customer(id:$id){%s(limit: %d) { __typename }}}`, tc.field, tc.max)
		ts.post(t, ts.admin, q, id).ok(t, nil)
	}
}

// A page of 100 customers with all their nested lists and no limits is
// refused before it runs, whatever they hold; with limits it answers.
func TestNestedListsOfAPageAreCharged(t *testing.T) {
	ts := newTestServer(t)
	ts.createCustomer(t, ts.admin, map[string]any{"name": "计费测试公司", "contacts": []map[string]any{{"name": "甲"}}})
	const all = `contacts%s { id name } interactions%s { id summary } needs%s { id title } deals%s { id amount }
		satisfaction%s { id score } stageHistory%s { to at } tierHistory%s { to at }`
	unlimited := `{customers(first: 100) { nodes { id ` + strings.ReplaceAll(all, "%s", "") + ` } } }`
	e := ts.post(t, ts.admin, unlimited, nil).fails(t, "BAD_USER_INPUT", "")
	if e.Extensions["reason"] != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("want a complexity refusal, got %+v", e)
	}
	limited := `{customers(first: 100) { nodes { id ` + strings.ReplaceAll(all, "%s", "(limit: 5)") + ` } } }`
	var out struct {
		Customers struct {
			Nodes []struct{ Contacts []struct{ Name string } }
		}
	}
	ts.post(t, ts.admin, limited, nil).ok(t, &out)
	if len(out.Customers.Nodes) != 1 || len(out.Customers.Nodes[0].Contacts) != 1 {
		t.Fatalf("got %+v", out)
	}
}
