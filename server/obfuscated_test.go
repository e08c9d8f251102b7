package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Contact details written in disguise (Chinese numerals, e-mails written
// out, QQ numbers) reach a viewer who sees contacts masked only masked, in
// queries, summary filters and exports alike: the API, the app (it renders
// what the API gives) and exports all read crm.MaskFreeText.
func TestDisguisedContactsMaskedOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	ownerID, owner := ts.user(t, "owner@kehu.local", crm.RoleSales)
	_, analyst := ts.user(t, "analyst@kehu.local", crm.RoleAnalyst)
	c := ts.createCustomer(t, owner, map[string]any{"name": "变体公司", "ownerId": ownerID,
		"notes": "老板手机一三八 一二三四 五六七八，邮箱 boss at example dot com，QQ 87654321，合同金额一百三十八万"})
	ts.post(t, owner, `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:PHONE,summary:"客户说加扣扣一二三四五六七八"}){id}}`,
		map[string]any{"id": c.ID}).ok(t, nil)
	full := []string{"一三八 一二三四 五六七八", "boss at example dot com", "QQ 87654321", "扣扣一二三四五六七八"}
	masked := []string{"138****5678", "b***@example.com", "QQ ******21", "扣扣******78", "合同金额一百三十八万"}
	read := func(token string) string {
		var out map[string]any
		ts.post(t, token, `query($id:ID){customer(id:$id){notes interactions(limit:5){summary}}}`, map[string]any{"id": c.ID}).ok(t, &out)
		b, _ := json.Marshal(out)
		return string(b)
	}
	body := read(analyst)
	for _, s := range masked {
		if !strings.Contains(body, s) {
			t.Errorf("analyst: %q missing from %s", s, body)
		}
	}
	for _, s := range full {
		if strings.Contains(body, s) {
			t.Errorf("analyst: %q shown in %s", s, body)
		}
	}
	if body := read(owner); !strings.Contains(body, full[0]) || !strings.Contains(body, full[3]) {
		t.Errorf("owner: %s", body)
	}
	// The summary filter matches what the viewer sees.
	count := func(token, q string) int {
		var out struct{ CustomersCount int }
		ts.post(t, token, `query($q:String){customersCount(query:$q)}`, map[string]any{"q": q}).ok(t, &out)
		return out.CustomersCount
	}
	for _, tc := range []struct {
		token, q string
		want     int
	}{
		{owner, "interactions.some(summary:*一二三四五六*)", 1},
		{analyst, "interactions.some(summary:*一二三四五六*)", 0},
		{analyst, "interactions.some(summary:*扣扣*)", 1},
	} {
		if got := count(tc.token, tc.q); got != tc.want {
			t.Errorf("%s by %s: %d, want %d", tc.q, map[string]string{owner: "owner", analyst: "analyst"}[tc.token], got, tc.want)
		}
	}
	rows := readCSV(t, ts.export(t, analyst, "csv", url.Values{"columns": {"notes"}}))
	if got := rows[1][0]; got != "老板手机138****5678，邮箱 b***@example.com，QQ ******21，合同金额一百三十八万" {
		t.Errorf("analyst export %q", got)
	}
}
