package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every field error carries a machine-readable reason (and parameters)
// beside the English message, per field and for the first field.
func TestFieldErrorReasons(t *testing.T) {
	ts := newTestServer(t)
	type field struct {
		Field, Message, Reason string
		Params                 map[string]any
	}
	fieldsOf := func(e gqlError) []field {
		var out []field
		b, _ := json.Marshal(e.Extensions["fields"])
		_ = json.Unmarshal(b, &out)
		return out
	}
	e := ts.post(t, ts.admin, `mutation($i:CustomerInput!){createCustomer(input:$i){id}}`, map[string]any{"i": map[string]any{
		"name": strings.Repeat("长", 201), "notes": "身份证 １１０１０５１９９００３０７８５１０", "website": "ftp://x",
		"contacts": []any{map[string]any{"name": "王", "phone": "12345", "email": "no", "bestTime": "家住阳光小区3栋2单元301"}}}}).
		fails(t, "BAD_USER_INPUT", "input.name")
	if e.Extensions["reason"] != "TOO_LONG" || e.Extensions["params"].(map[string]any)["max"] != float64(200) {
		t.Errorf("first field: %v", e.Extensions)
	}
	want := map[string]string{"input.name": "TOO_LONG", "input.notes": "ID_NUMBER", "input.website": "INVALID_URL",
		"input.contacts[0].phone": "INVALID_PHONE", "input.contacts[0].email": "INVALID_EMAIL", "input.contacts[0].bestTime": "HOME_ADDRESS"}
	got := map[string]string{}
	for _, f := range fieldsOf(e) {
		got[f.Field] = f.Reason
		if f.Message == "" {
			t.Errorf("%s has no message", f.Field)
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: reason %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	// Scalars read by the edge: an amount that is no amount.
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "原因公司"})
	e = ts.post(t, ts.admin, `mutation($id:ID!){recordDeal(customerId:$id,input:{product:"x",amount:"12.345"}){id}}`,
		map[string]any{"id": c.ID}).fails(t, "BAD_USER_INPUT", "")
	if e.Extensions["reason"] != "INVALID_MONEY" {
		t.Errorf("money: %v", e.Extensions)
	}
	// A query line: the reason, the position and what the message names.
	e = ts.post(t, ts.admin, `{customers(query:"tier:A foo:1"){totalCount}}`, nil).fails(t, "BAD_USER_INPUT", "query")
	if f := fieldsOf(e)[0]; f.Reason != "UNKNOWN_FIELD" || f.Params["name"] != "foo" || f.Params["pos"] != float64(8) {
		t.Errorf("query: %+v", f)
	}
}
