package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestBadInput sends every kind of bad input a client can send and checks
// that each gets a clear error (code and field) and changes nothing.
func TestBadInput(t *testing.T) {
	ts := newTestServer(t)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "基准公司", "contacts": []any{map[string]any{"name": "张三"}}})
	archived := ts.createCustomer(t, ts.admin, map[string]any{"name": "已归档公司"})
	ts.post(t, ts.admin, `mutation($id:ID!){archiveCustomer(id:$id,expectedVersion:1){id}}`, map[string]any{"id": archived.ID}).ok(t, nil)

	const create = `mutation($i:CustomerInput!){createCustomer(input:$i){id}}`
	const update = `mutation($id:ID!,$i:CustomerPatch!){updateCustomer(id:$id,expectedVersion:1,input:$i){id}}`
	const addContact = `mutation($id:ID!,$i:ContactInput!){addContact(customerId:$id,input:$i){id}}`
	const logIt = `mutation($id:ID!,$i:InteractionInput!){logInteraction(customerId:$id,input:$i){id}}`
	const deal = `mutation($id:ID!,$i:DealInput!){recordDeal(customerId:$id,input:$i){id}}`
	const need = `mutation($id:ID!,$i:NeedInput!){addNeed(customerId:$id,input:$i){id}}`
	const sat = `mutation($id:ID!,$i:SatisfactionInput!){recordSatisfaction(customerId:$id,input:$i){id}}`
	idNumber := "身份证11010519491231002X"
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		code  string
		field string
	}{
		{"missing name", create, map[string]any{"i": map[string]any{"industry": "制造业"}}, "BAD_USER_INPUT", "i.name"},
		{"blank name", create, map[string]any{"i": map[string]any{"name": "   "}}, "BAD_USER_INPUT", "input.name"},
		{"over-long name", create, map[string]any{"i": map[string]any{"name": strings.Repeat("长", 201)}}, "BAD_USER_INPUT", "input.name"},
		{"unknown enum value", create, map[string]any{"i": map[string]any{"name": "甲", "valueTier": "D"}}, "BAD_USER_INPUT", "i.valueTier"},
		{"unknown enum literal", `mutation{createCustomer(input:{name:"甲",stage:WINNING}){id}}`, nil, "BAD_USER_INPUT", ""},
		{"unknown input field", create, map[string]any{"i": map[string]any{"name": "甲", "idCard": "x"}}, "BAD_USER_INPUT", ""},
		{"bad credit code", create, map[string]any{"i": map[string]any{"name": "甲", "creditCode": "91350100M000100Y44"}}, "BAD_USER_INPUT", "input.creditCode"},
		{"malformed phone", create, map[string]any{"i": map[string]any{"name": "甲", "contacts": []any{map[string]any{"name": "王", "phone": "1385678"}}}}, "BAD_USER_INPUT", "input.contacts[0].phone"},
		{"malformed email", addContact, map[string]any{"id": c.ID, "i": map[string]any{"name": "王", "email": "wang@"}}, "BAD_USER_INPUT", "input.email"},
		{"malformed url", create, map[string]any{"i": map[string]any{"name": "甲", "website": "www.example.com"}}, "BAD_USER_INPUT", "input.website"},
		{"future founded date", create, map[string]any{"i": map[string]any{"name": "甲", "foundedOn": "2099-01-01"}}, "BAD_USER_INPUT", "input.foundedOn"},
		{"malformed date", create, map[string]any{"i": map[string]any{"name": "甲", "foundedOn": "2020-13-01"}}, "BAD_USER_INPUT", "input.foundedOn"},
		{"resident ID in notes", create, map[string]any{"i": map[string]any{"name": "甲", "notes": idNumber}}, "BAD_USER_INPUT", "input.notes"},
		{"resident ID in address", update, map[string]any{"id": c.ID, "i": map[string]any{"address": idNumber}}, "BAD_USER_INPUT", "input.address"},
		{"resident ID in summary", logIt, map[string]any{"id": c.ID, "i": map[string]any{"channel": "PHONE", "summary": idNumber}}, "BAD_USER_INPUT", "input.summary"},
		{"resident ID in contact name", addContact, map[string]any{"id": c.ID, "i": map[string]any{"name": idNumber}}, "BAD_USER_INPUT", "input.name"},
		{"money with 3 decimals", deal, map[string]any{"id": c.ID, "i": map[string]any{"product": "A", "amount": "10.001"}}, "BAD_USER_INPUT", "input.amount"},
		{"negative money", deal, map[string]any{"id": c.ID, "i": map[string]any{"product": "A", "amount": "-5"}}, "BAD_USER_INPUT", "input.amount"},
		{"future deal date", deal, map[string]any{"id": c.ID, "i": map[string]any{"product": "A", "amount": "1", "date": "2099-01-01"}}, "BAD_USER_INPUT", "input.date"},
		{"blank product", deal, map[string]any{"id": c.ID, "i": map[string]any{"product": " ", "amount": "1"}}, "BAD_USER_INPUT", "input.product"},
		{"money not a number", deal, map[string]any{"id": c.ID, "i": map[string]any{"product": "A", "amount": "68万"}}, "BAD_USER_INPUT", "input.amount"},
		{"budget range reversed", need, map[string]any{"id": c.ID, "i": map[string]any{"title": "需求", "budgetMin": "10", "budgetMax": "5"}}, "BAD_USER_INPUT", "input.budgetMax"},
		{"score out of range", sat, map[string]any{"id": c.ID, "i": map[string]any{"score": 101}}, "BAD_USER_INPUT", "input.score"},
		{"unknown contact in interaction", logIt, map[string]any{"id": c.ID, "i": map[string]any{"channel": "PHONE", "summary": "x", "contactIds": []string{"nope"}}}, "BAD_USER_INPUT", "input.contactIds[0]"},
		{"unknown owner", update, map[string]any{"id": c.ID, "i": map[string]any{"ownerId": "000000000000000000000000"}}, "BAD_USER_INPUT", "input.ownerId"},
		{"unknown customer", logIt, map[string]any{"id": "000000000000000000000000", "i": map[string]any{"channel": "PHONE", "summary": "x"}}, "NOT_FOUND", ""},
		{"archived customer", logIt, map[string]any{"id": archived.ID, "i": map[string]any{"channel": "PHONE", "summary": "x"}}, "BAD_USER_INPUT", "id"},
		{"stale version", update, map[string]any{"id": archived.ID, "i": map[string]any{"name": "乙"}}, "BAD_USER_INPUT", "id"},
		{"neither id nor code", `{customer{id}}`, nil, "BAD_USER_INPUT", "id"},
		{"syntax error", `{customers{`, nil, "BAD_USER_INPUT", ""},
		{"unknown field", `{customers{nodes{idCardNumber}}}`, nil, "BAD_USER_INPUT", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, ts)
			ts.post(t, ts.admin, tc.query, tc.vars).fails(t, tc.code, tc.field)
			if after := snapshot(t, ts); after != before {
				t.Fatalf("bad input changed data:\nbefore %s\nafter  %s", before, after)
			}
		})
	}

	t.Run("realistic queries pass the default limits", func(t *testing.T) {
		ts.post(t, ts.admin, `query{customers(first:50){edges{node{interactions(limit:20){nextAction{owner{id}}}}}}}`, nil).ok(t, nil)
		// A nested list without a limit is charged as the most a customer
		// may hold (crm.MaxInteractions, crm.MaxStageChanges ...): a list of
		// customers asks for limits.
		frag := `fragment F on Customer { stageHistory(limit: 20) { by { id } } }
			query { customers { edges { node { ...F interactions(limit: 20) { participants { id } } } } } }`
		ts.post(t, ts.admin, frag, nil).ok(t, nil)
	})

	t.Run("oversized body", func(t *testing.T) {
		big := `{"query":"{me{id}}","variables":{"x":"` + strings.Repeat("a", 2<<20) + `"}}`
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(big))
		req.Header.Set("Content-Type", "application/json")
		r := ts.do(t, req)
		if r.status != http.StatusRequestEntityTooLarge || r.Errors[0].code() != "BAD_USER_INPUT" {
			t.Fatalf("oversized body: %d %+v", r.status, r.Errors)
		}
	})

	t.Run("oversized body without a declared length", func(t *testing.T) {
		big := `{"query":"{me{id}}","variables":{"x":"` + strings.Repeat("a", 2<<20) + `"}}`
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", io.NopCloser(strings.NewReader(big)))
		req.ContentLength = -1 // sent in chunks
		req.Header.Set("Content-Type", "application/json")
		r := ts.do(t, req)
		if r.status != http.StatusRequestEntityTooLarge || r.Errors[0].code() != "BAD_USER_INPUT" {
			t.Fatalf("oversized chunked body: %d %+v", r.status, r.Errors)
		}
	})

	for _, body := range []string{`{"query": "{me{id}}"`, `not json`, `{"query": 5}`} {
		t.Run("malformed request "+body, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			r := ts.do(t, req)
			if r.status != http.StatusBadRequest || len(r.Errors) == 0 || r.Errors[0].code() != "BAD_USER_INPUT" {
				t.Fatalf("malformed request: %d %+v", r.status, r.Errors)
			}
		})
	}
}

// TestQueryLimits checks the depth and complexity limits with a tight
// configuration, so the shapes that pass at the defaults are refused here.
func TestQueryLimits(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.MaxDepth, cfg.MaxComplexity = 4, 300
	ts := newTestServerWith(t, cfg)
	e := ts.post(t, ts.admin, `{customers{edges{node{owner{id}}}}}`, nil).fails(t, "BAD_USER_INPUT", "")
	if e.Extensions["reason"] != "DEPTH_LIMIT_EXCEEDED" {
		t.Fatalf("depth: %+v", e)
	}
	e = ts.post(t, ts.admin, `fragment F on User { id } {customers{edges{node{owner{...F}}}}}`, nil).fails(t, "BAD_USER_INPUT", "")
	if e.Extensions["reason"] != "DEPTH_LIMIT_EXCEEDED" {
		t.Fatalf("depth through a fragment: %+v", e)
	}
	e = ts.post(t, ts.admin, `{customers(first:100){nodes{id code name}}}`, nil).fails(t, "BAD_USER_INPUT", "")
	if e.Extensions["reason"] != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("complexity: %+v", e)
	}
	ts.post(t, ts.admin, `{customers(first:10){nodes{id code name}}}`, nil).ok(t, nil)
}

// snapshot summarizes everything stored, to prove a failed write changed nothing.
func snapshot(t *testing.T, ts *testServer) string {
	t.Helper()
	r := ts.post(t, ts.admin, `{customers(scope:ALL,first:100){totalCount nodes{code version}} users{email version}}`, nil)
	r.ok(t, nil)
	return string(r.Data)
}
