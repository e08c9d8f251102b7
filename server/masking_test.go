package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Phone numbers, e-mails and WeChat IDs written into free text reach a
// viewer who sees the customer's contacts masked only masked: in queries,
// in mutation answers and in exports. The owner reads them in full.
func TestFreeTextMaskedOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	ownerID, owner := ts.user(t, "owner@kehu.local", crm.RoleSales)
	_, other := ts.user(t, "other@kehu.local", crm.RoleSales)
	_, service := ts.user(t, "service@kehu.local", crm.RoleService)
	_, analyst := ts.user(t, "analyst@kehu.local", crm.RoleAnalyst)
	c := ts.createCustomer(t, owner, map[string]any{"name": "自由文本公司", "ownerId": ownerID,
		"notes": "老板手机13812345678", "commPreference": "微信：wangjl88", "mainBusiness": "热线400-820-1234",
		"address": "某某路88号，前台010-12345678", "website": "https://example.com", "tags": []string{"回电13900001111"},
		"contacts": []any{map[string]any{"name": "李总", "title": "总监 13700001111", "bestTime": "上午，或发 li@example.cn"}}})
	var v struct{ Customer struct{ Version int } }
	for _, step := range []string{
		`logInteraction(customerId:$id,input:{channel:PHONE,summary:"客户留了手机 139 1234 5678",feedback:"邮箱 zhang@example.com",result:"加了微信 zhang_2024",nextAction:{what:"打 0755-2345678 确认"}}){id}`,
		`addNeed(customerId:$id,input:{title:"需求联系人 13512345678"}){id}`,
		`recordDeal(customerId:$id,input:{product:"软件",amount:"100.00",note:"发票寄 13612345678"}){id}`,
		`recordSatisfaction(customerId:$id,input:{score:90,comment:"满意，回电 13312345678"}){id}`,
	} {
		ts.post(t, owner, `mutation($id:ID!){`+step+`}`, map[string]any{"id": c.ID}).ok(t, nil)
	}
	ts.post(t, owner, `query($id:ID){customer(id:$id){version}}`, map[string]any{"id": c.ID}).ok(t, &v)

	const fields = `notes commPreference mainBusiness address tags contacts{title bestTime}
		interactions(limit:50){summary feedback result nextAction{what}} needs{title} deals{note} satisfaction{comment}`
	full := []string{"13812345678", "wangjl88", "400-820-1234", "010-12345678", "13900001111", "13700001111", "li@example.cn",
		"139 1234 5678", "zhang@example.com", "zhang_2024", "0755-2345678", "13512345678", "13612345678", "13312345678"}
	masked := []string{"138****5678", "w***8", "400-****234", "010-****5678", "139****1111", "137****1111", "l***@example.cn",
		"139****5678", "z***@example.com", "z***4", "0755-****678", "135****5678", "136****5678", "133****5678"}
	read := func(token, query string, vars map[string]any) string {
		t.Helper()
		var out map[string]any
		ts.post(t, token, query, vars).ok(t, &out)
		b, _ := json.Marshal(out)
		return string(b)
	}
	expect := func(who, body string, want, not []string) {
		t.Helper()
		for _, s := range want {
			if !strings.Contains(body, s) {
				t.Errorf("%s: %q missing from %s", who, s, body)
			}
		}
		for _, s := range not {
			if strings.Contains(body, s) {
				t.Errorf("%s: %q shown in %s", who, s, body)
			}
		}
	}
	vars := map[string]any{"id": c.ID}
	expect("owner", read(owner, `query($id:ID){customer(id:$id){`+fields+`}}`, vars), full, masked)
	for name, token := range map[string]string{"other sales": other, "service": service, "analyst": analyst} {
		expect(name, read(token, `query($id:ID){customer(id:$id){`+fields+`}}`, vars), masked, full)
		expect(name+" list", read(token, `{customers{nodes{notes tags interactions(limit:20){summary}}}}`, nil), masked[:1], full[:1])
	}
	// A mutation answer shows the service user's own summary masked too:
	// the customer is not theirs.
	body := read(service, `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:PHONE,summary:"回拨 13812345678"}){notes interactions(limit:50){summary}}}`, vars)
	expect("service mutation", body, []string{"回拨 138****5678", "老板手机138****5678"}, []string{"13812345678"})

	// Exports, as the API.
	params := url.Values{"columns": {"notes,commPreference,address,tags,primaryContactTitle"}}
	rows := readCSV(t, ts.export(t, analyst, "csv", params))
	if got := strings.Join(rows[1], "|"); got != "老板手机138****5678|微信：w***8|某某路88号，前台010-****5678|回电139****1111|总监 137****1111" {
		t.Errorf("analyst export %q", got)
	}
	rows = readCSV(t, ts.export(t, owner, "csv", params))
	if got := strings.Join(rows[1], "|"); got != "老板手机13812345678|微信：wangjl88|某某路88号，前台010-12345678|回电13900001111|总监 13700001111" {
		t.Errorf("owner export %q", got)
	}
}
