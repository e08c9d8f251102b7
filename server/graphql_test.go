package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

func TestSignInOutAndMe(t *testing.T) {
	ts := newTestServer(t)
	var me struct{ Me *struct{ Email, Role string } }
	ts.post(t, ts.admin, `{me{email role}}`, nil).ok(t, &me)
	if me.Me == nil || me.Me.Email != "admin@kehu.local" || me.Me.Role != "ADMIN" {
		t.Fatalf("me = %+v", me.Me)
	}
	ts.post(t, "", `{me{email}}`, nil).ok(t, &me)
	if me.Me != nil {
		t.Fatal("anonymous me is not null")
	}
	ts.post(t, "", `{customers{totalCount}}`, nil).fails(t, "UNAUTHENTICATED", "")
	ts.post(t, "not-a-token", `{customers{totalCount}}`, nil).fails(t, "UNAUTHENTICATED", "")

	// Wrong password and unknown user look the same.
	bad := ts.post(t, "", `mutation{login(email:"admin@kehu.local",password:"wrong-password"){token}}`, nil).fails(t, "UNAUTHENTICATED", "")
	unknown := ts.post(t, "", `mutation{login(email:"nobody@kehu.local",password:"wrong-password"){token}}`, nil).fails(t, "UNAUTHENTICATED", "")
	if bad.Message != unknown.Message {
		t.Fatalf("sign-in errors differ: %q vs %q", bad.Message, unknown.Message)
	}

	// The session cookie works like the bearer token, and logout ends it.
	body := `{"query":"mutation{login(email:\"admin@kehu.local\",password:\"` + adminPassword + `\"){token}}"}`
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp := ts.do(t, req)
	setCookie := resp.header.Get("Set-Cookie")
	if !strings.Contains(setCookie, "HttpOnly") || !strings.Contains(setCookie, "SameSite") {
		t.Fatalf("session cookie %q is not HttpOnly+SameSite", setCookie)
	}
	cookie := strings.SplitN(setCookie, ";", 2)[0]
	withCookie := func(q string) gqlResponse {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(`{"query":"`+q+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Cookie", cookie)
		return ts.do(t, req)
	}
	withCookie(`{me{email}}`).ok(t, &me)
	if me.Me == nil {
		t.Fatal("cookie session not recognized")
	}
	withCookie(`mutation{logout}`).ok(t, nil)
	withCookie(`{customers{totalCount}}`).fails(t, "UNAUTHENTICATED", "")
}

func TestSignInIsRateLimited(t *testing.T) {
	ts := newTestServer(t)
	var last gqlResponse
	for i := 0; i < 8; i++ {
		last = ts.post(t, "", `mutation{login(email:"admin@kehu.local",password:"wrong-password"){token}}`, nil)
	}
	last.fails(t, "RATE_LIMITED", "")
	if ra := last.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After = %q", ra)
	}
	// Even the right password is refused while limited.
	ts.post(t, "", `mutation{login(email:"admin@kehu.local",password:"`+adminPassword+`"){token}}`, nil).fails(t, "RATE_LIMITED", "")
}

func TestCustomerLifecycle(t *testing.T) {
	ts := newTestServer(t)
	c := ts.createCustomer(t, ts.admin, map[string]any{
		"name": "杭州云栖科技有限公司", "creditCode": "91350100M000100Y43", "industry": "信息技术服务业",
		"province": "浙江省", "city": "杭州市", "website": "https://www.yunqi.example.com", "foundedOn": "2015-06-01",
		"source": "展会", "intentGrade": "A", "tags": []string{"高意向", "高意向", "技术优先型"},
		"contacts": []any{map[string]any{"name": "王经理", "phone": "138 1234 5678", "email": "wang@yunqi.example.com", "role": "DECISION_MAKER"}},
	})
	if c.Code != "C202611001" || c.Version != 1 || len(c.Contacts) != 1 || c.Contacts[0].Phone != "13812345678" {
		t.Fatalf("created %+v", c)
	}
	second := ts.createCustomer(t, ts.admin, map[string]any{"name": "第二家公司"})
	if second.Code != "C202611002" {
		t.Fatalf("second code %s", second.Code)
	}

	var got struct {
		Customer struct {
			Code, Stage, ValueTier, FoundedOn, CreditCode, TotalAmount string
			Tags                                                       []string
			Owner                                                      struct{ Email string }
			StageHistory                                               []struct{ To string }
		}
	}
	ts.post(t, ts.admin, `query($c:String){customer(code:$c){code stage valueTier foundedOn creditCode totalAmount tags owner{email} stageHistory{to}}}`,
		map[string]any{"c": "c202611001"}).ok(t, &got)
	g := got.Customer
	if g.Code != c.Code || g.Stage != "POTENTIAL" || g.ValueTier != "C" || g.FoundedOn != "2015-06-01" || g.TotalAmount != "0.00" ||
		fmt.Sprint(g.Tags) != "[高意向 技术优先型]" || g.Owner.Email != "admin@kehu.local" || len(g.StageHistory) != 1 {
		t.Fatalf("customer by code: %+v", g)
	}

	// Update with the version seen; the stage change lands in the history.
	var upd struct {
		UpdateCustomer struct {
			Version      int
			Stage        string
			StageHistory []struct{ From, To string }
		}
	}
	ts.post(t, ts.admin, `mutation($id:ID!){updateCustomer(id:$id,expectedVersion:1,input:{stage:NEGOTIATION,notes:"报价已发"}){version stage stageHistory{from to}}}`,
		map[string]any{"id": c.ID}).ok(t, &upd)
	if upd.UpdateCustomer.Version != 2 || len(upd.UpdateCustomer.StageHistory) != 2 || upd.UpdateCustomer.StageHistory[1].From != "POTENTIAL" {
		t.Fatalf("update: %+v", upd)
	}
	// The same version again is a CONFLICT and changes nothing.
	ts.post(t, ts.admin, `mutation($id:ID!){updateCustomer(id:$id,expectedVersion:1,input:{name:"覆盖"}){version}}`,
		map[string]any{"id": c.ID}).fails(t, "CONFLICT", "")

	// Nested records and computed figures.
	ts.post(t, ts.admin, `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:VISIT,summary:"上门拜访，演示方案",keyEvent:COMPLAINT,nextAction:{what:"发送报价",due:"2026-11-25T10:00:00+08:00"}}){version}}`,
		map[string]any{"id": c.ID}).ok(t, nil)
	ts.post(t, ts.admin, `mutation($id:ID!){recordDeal(customerId:$id,input:{product:"仓储管理系统",amount:"680000.50",date:"2026-11-01"}){version}}`,
		map[string]any{"id": c.ID}).ok(t, nil)
	ts.post(t, ts.admin, `mutation($id:ID!){recordSatisfaction(customerId:$id,input:{score:90}){version}}`, map[string]any{"id": c.ID}).ok(t, nil)
	var needOut struct {
		AddNeed struct {
			Version int
			Needs   []struct{ ID, Status string }
		}
	}
	ts.post(t, ts.admin, `mutation($id:ID!){addNeed(customerId:$id,input:{title:"物流配送效率提升",priority:HIGH,budgetMax:"500000"}){version needs{id status}}}`,
		map[string]any{"id": c.ID}).ok(t, &needOut)
	ts.post(t, ts.admin, `mutation($id:ID!,$n:ID!,$v:Int!){updateNeed(customerId:$id,needId:$n,expectedVersion:$v,input:{status:RESOLVED}){version}}`,
		map[string]any{"id": c.ID, "n": needOut.AddNeed.Needs[0].ID, "v": needOut.AddNeed.Version}).ok(t, nil)
	var figs struct {
		Customer struct {
			InteractionCount, DealCount, ComplaintCount, OpenNeedCount int
			TotalAmount                                                string
			AvgSatisfaction                                            float64
			LastInteractionAt                                          string
			Interactions                                               []struct {
				Channel    string
				NextAction struct {
					What  string
					Owner struct{ Email string }
				}
			}
			Needs []struct{ Status, ResolvedAt string }
		}
	}
	ts.post(t, ts.admin, `query($id:ID){customer(id:$id){interactionCount dealCount complaintCount openNeedCount totalAmount avgSatisfaction lastInteractionAt
		interactions(newestFirst:true,limit:100){channel nextAction{what owner{email}}} needs{status resolvedAt}}}`, map[string]any{"id": c.ID}).ok(t, &figs)
	f := figs.Customer
	if f.InteractionCount != 1 || f.DealCount != 1 || f.ComplaintCount != 1 || f.OpenNeedCount != 0 || f.TotalAmount != "680000.50" ||
		f.AvgSatisfaction != 90 || f.LastInteractionAt == "" || f.Interactions[0].NextAction.Owner.Email != "admin@kehu.local" ||
		f.Needs[0].Status != "RESOLVED" || f.Needs[0].ResolvedAt == "" {
		t.Fatalf("computed figures: %+v", f)
	}

	// Archive hides it from the default list; restore brings it back.
	var v struct{ Customer struct{ Version int } }
	ts.post(t, ts.admin, `query($id:ID){customer(id:$id){version}}`, map[string]any{"id": c.ID}).ok(t, &v)
	ts.post(t, ts.admin, `mutation($id:ID!,$v:Int!){archiveCustomer(id:$id,expectedVersion:$v){archivedAt}}`, map[string]any{"id": c.ID, "v": v.Customer.Version}).ok(t, nil)
	var list struct{ Customers struct{ TotalCount int } }
	ts.post(t, ts.admin, `{customers{totalCount}}`, nil).ok(t, &list)
	if list.Customers.TotalCount != 1 {
		t.Fatalf("archived customer still listed: %d", list.Customers.TotalCount)
	}
	ts.post(t, ts.admin, `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:PHONE,summary:"x"}){version}}`,
		map[string]any{"id": c.ID}).fails(t, "BAD_USER_INPUT", "id")
	ts.post(t, ts.admin, `mutation($id:ID!,$v:Int!){restoreCustomer(id:$id,expectedVersion:$v){archivedAt}}`, map[string]any{"id": c.ID, "v": v.Customer.Version + 1}).ok(t, nil)
	ts.post(t, ts.admin, `{customers{totalCount}}`, nil).ok(t, &list)
	if list.Customers.TotalCount != 2 {
		t.Fatalf("restored customer not listed: %d", list.Customers.TotalCount)
	}
}

func TestListPagingSortingAndSearch(t *testing.T) {
	ts := newTestServer(t)
	for i := 0; i < 25; i++ {
		c := ts.createCustomer(t, ts.admin, map[string]any{"name": fmt.Sprintf("分页测试%02d有限公司", (i*11)%25),
			"contacts": []any{map[string]any{"name": fmt.Sprintf("联系人%02d", i)}}})
		for j := 0; j < i%3; j++ {
			ts.post(t, ts.admin, `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:PHONE,summary:"电话"}){version}}`, map[string]any{"id": c.ID}).ok(t, nil)
		}
		ts.clock.Advance(1000)
	}
	type page struct {
		Customers struct {
			TotalCount int
			Edges      []struct {
				Cursor string
				Node   struct {
					Name             string
					InteractionCount int
				}
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   string
			}
		}
	}
	q := `query($after:String){customers(first:10,after:$after,orderBy:{field:NAME,direction:DESC}){totalCount edges{cursor node{name interactionCount}} pageInfo{hasNextPage endCursor}}}`
	var names []string
	var after any
	for {
		var p page
		ts.post(t, ts.admin, q, map[string]any{"after": after}).ok(t, &p)
		if p.Customers.TotalCount != 25 {
			t.Fatalf("totalCount %d", p.Customers.TotalCount)
		}
		for _, e := range p.Customers.Edges {
			names = append(names, e.Node.Name)
		}
		if !p.Customers.PageInfo.HasNextPage {
			break
		}
		after = p.Customers.PageInfo.EndCursor
	}
	if len(names) != 25 || names[0] != "分页测试24有限公司" || names[24] != "分页测试00有限公司" {
		t.Fatalf("pages: %v", names)
	}
	var s page
	ts.post(t, ts.admin, `{customers(search:"联系人07"){totalCount edges{node{name}}}}`, nil).ok(t, &s)
	if s.Customers.TotalCount != 1 {
		t.Fatalf("search by contact name: %+v", s)
	}
	// A cursor from another order is refused rather than silently misused.
	ts.post(t, ts.admin, `query($a:String){customers(after:$a,orderBy:{field:CODE}){totalCount}}`, map[string]any{"a": after}).fails(t, "BAD_USER_INPUT", "after")
	// Page size is bounded.
	ts.post(t, ts.admin, `{customers(first:101){totalCount}}`, nil).fails(t, "BAD_USER_INPUT", "first")
}

func TestContactDetailsMaskedByRole(t *testing.T) {
	ts := newTestServer(t)
	ownerID, owner := ts.user(t, "owner@kehu.local", crm.RoleSales)
	collabID, collab := ts.user(t, "collab@kehu.local", crm.RoleSales)
	_, other := ts.user(t, "other@kehu.local", crm.RoleSales)
	_, service := ts.user(t, "service@kehu.local", crm.RoleService)
	_, analyst := ts.user(t, "analyst@kehu.local", crm.RoleAnalyst)
	_, manager := ts.user(t, "manager@kehu.local", crm.RoleManager)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "保密联系人公司", "ownerId": ownerID, "collaborators": []string{collabID},
		"contacts": []any{map[string]any{"name": "李总", "phone": "13912345678", "email": "li@example.cn", "wechat": "li_wechat"}}})
	tests := []struct {
		name   string
		token  string
		masked bool
	}{
		{"admin", ts.admin, false}, {"manager", manager, false}, {"owner", owner, false}, {"collaborator", collab, true},
		{"other sales", other, true}, {"service", service, true}, {"analyst", analyst, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			check := func(ct struct{ ID, Name, Phone, Email, Wechat string }) {
				t.Helper()
				if tc.masked != (ct.Phone == "139****5678") || tc.masked != (ct.Email == "l***@example.cn") || tc.masked != (ct.Wechat == "l***t") {
					t.Fatalf("masked=%v but got %+v", tc.masked, ct)
				}
			}
			var one struct{ Customer customerOut }
			ts.post(t, tc.token, `query($id:ID){customer(id:$id){`+customerFields+`}}`, map[string]any{"id": c.ID}).ok(t, &one)
			check(one.Customer.Contacts[0])
			var list struct{ Customers struct{ Nodes []customerOut } }
			ts.post(t, tc.token, `{customers{nodes{`+customerFields+`}}}`, nil).ok(t, &list)
			check(list.Customers.Nodes[0].Contacts[0])
		})
	}
	// Mutation responses are masked the same way: service may log on any customer.
	var out struct{ LogInteraction customerOut }
	ts.post(t, service, `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:PHONE,summary:"客户来电投诉",keyEvent:COMPLAINT}){`+customerFields+`}}`,
		map[string]any{"id": c.ID}).ok(t, &out)
	if out.LogInteraction.Contacts[0].Phone != "139****5678" {
		t.Fatalf("mutation response not masked: %+v", out.LogInteraction.Contacts[0])
	}
	// Other sales may read but not change; the analyst may not write at all.
	ts.post(t, other, `mutation($id:ID!){updateCustomer(id:$id,expectedVersion:2,input:{name:"x公司"}){version}}`, map[string]any{"id": c.ID}).fails(t, "FORBIDDEN", "")
	ts.post(t, analyst, `mutation{createCustomer(input:{name:"分析员建的"}){id}}`, nil).fails(t, "FORBIDDEN", "")
	ts.post(t, owner, `{users{id}}`, nil).fails(t, "FORBIDDEN", "")
	ts.post(t, owner, `mutation{createUser(input:{email:"x@kehu.local",name:"x",role:SALES,password:"long-enough-1"}){id}}`, nil).fails(t, "FORBIDDEN", "")
}

func TestConcurrentWrites(t *testing.T) {
	ts := newTestServer(t)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "并发写入公司"})
	// Many clients update with the same version: exactly one wins per version.
	for v := 1; v <= 3; v++ {
		var won, conflicts atomic.Int32
		parallel(10, func(i int) {
			r := ts.post(t, ts.admin, `mutation($id:ID!,$v:Int!,$n:String){updateCustomer(id:$id,expectedVersion:$v,input:{notes:$n}){version}}`,
				map[string]any{"id": c.ID, "v": v, "n": fmt.Sprint("第", v, "轮 ", i)})
			switch {
			case len(r.Errors) == 0:
				won.Add(1)
			case r.Errors[0].code() == "CONFLICT":
				conflicts.Add(1)
			default:
				t.Errorf("unexpected: %+v", r.Errors)
			}
		})
		if won.Load() != 1 || conflicts.Load() != 9 {
			t.Fatalf("version %d: %d won, %d conflicts", v, won.Load(), conflicts.Load())
		}
	}
	// 50 concurrent logInteraction calls: none lost.
	parallel(50, func(i int) {
		ts.post(t, ts.admin, `mutation($id:ID!,$s:String!){logInteraction(customerId:$id,input:{channel:WECHAT,summary:$s}){version}}`,
			map[string]any{"id": c.ID, "s": fmt.Sprint("并发互动 ", i)}).ok(t, nil)
	})
	var got struct {
		Customer struct {
			InteractionCount, Version int
			Interactions              []struct{ Summary string }
		}
	}
	ts.post(t, ts.admin, `query($id:ID){customer(id:$id){interactionCount version interactions{summary}}}`, map[string]any{"id": c.ID}).ok(t, &got)
	seen := map[string]bool{}
	for _, in := range got.Customer.Interactions {
		seen[in.Summary] = true
	}
	if got.Customer.InteractionCount != 50 || len(seen) != 50 || got.Customer.Version != 4+50 {
		t.Fatalf("after 50 concurrent appends: count %d, distinct %d, version %d", got.Customer.InteractionCount, len(seen), got.Customer.Version)
	}
}

func TestGraphQLOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	get := func(q string, accept string) gqlResponse {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/graphql?query="+url.QueryEscape(q), nil)
		req.Header.Set("Authorization", "Bearer "+ts.admin)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		return ts.do(t, req)
	}
	r := get(`{me{email}}`, "application/graphql-response+json")
	r.ok(t, nil)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/graphql-response+json") {
		t.Fatalf("content type %q", ct)
	}
	if r := get(`mutation{logout}`, ""); len(r.Errors) == 0 || r.status < 400 {
		t.Fatalf("mutation over GET was accepted: %d %+v", r.status, r)
	}
	if r.header.Get("X-Request-Id") == "" {
		t.Fatal("no request id header")
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/graphiql": 200, "/": 200, "/customers/C202611001": 200} {
		resp, err := ts.Client().Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
	}
}

func TestReadyzReportsAnUnreachableStore(t *testing.T) {
	ts := newTestServer(t)
	if err := ts.app.store.Close(); err != nil {
		t.Fatal(err)
	}
	resp, err := ts.Client().Get(ts.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with a closed store: %d", resp.StatusCode)
	}
	resp, err = ts.Client().Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %d", resp.StatusCode)
	}
}

func TestOwnSettingsAndPassword(t *testing.T) {
	ts := newTestServer(t)
	_, token := ts.user(t, "self@kehu.local", crm.RoleAnalyst)
	var me struct{ Me struct{ Locale string } }
	ts.post(t, token, `{me{locale}}`, nil).ok(t, &me)
	if me.Me.Locale != "ZH_CN" {
		t.Fatalf("default locale %q", me.Me.Locale)
	}
	ts.post(t, token, `mutation{updateMySettings(input:{locale:EN}){locale}}`, nil).ok(t, nil)
	ts.post(t, token, `{me{locale}}`, nil).ok(t, &me)
	if me.Me.Locale != "EN" {
		t.Fatalf("locale after update %q", me.Me.Locale)
	}
	other := ts.login(t, "self@kehu.local", "password-self@kehu.local")
	ts.post(t, token, `mutation{changeMyPassword(currentPassword:"wrong-password",newPassword:"new-password-123")}`, nil).
		fails(t, "BAD_USER_INPUT", "currentPassword")
	ts.post(t, token, `mutation{changeMyPassword(currentPassword:"password-self@kehu.local",newPassword:"short")}`, nil).
		fails(t, "BAD_USER_INPUT", "newPassword")
	ts.post(t, token, `mutation{changeMyPassword(currentPassword:"password-self@kehu.local",newPassword:"new-password-123")}`, nil).ok(t, nil)
	// This session goes on; the other one is signed out; the new password works.
	ts.post(t, token, `{me{locale}}`, nil).ok(t, &me)
	ts.post(t, other, `{customers{totalCount}}`, nil).fails(t, "UNAUTHENTICATED", "")
	ts.login(t, "self@kehu.local", "new-password-123")
	// Guessing the current password is limited like signing in.
	var guessed gqlResponse
	for i := 0; i < 6; i++ {
		guessed = ts.post(t, token, `mutation{changeMyPassword(currentPassword:"guess-password",newPassword:"other-password-9")}`, nil)
	}
	guessed.fails(t, "RATE_LIMITED", "")
	// It is the same budget as signing in with that e-mail.
	ts.post(t, "", `mutation{login(email:"self@kehu.local",password:"new-password-123"){token}}`, nil).fails(t, "RATE_LIMITED", "")
}

func TestStaffDirectoryAndCompression(t *testing.T) {
	ts := newTestServer(t)
	id, token := ts.user(t, "staff1@kehu.local", crm.RoleSales)
	gone, _ := ts.user(t, "gone@kehu.local", crm.RoleSales)
	ts.post(t, ts.admin, `mutation($id:ID!){updateUser(id:$id,expectedVersion:1,input:{disabled:true}){id}}`, map[string]any{"id": gone}).ok(t, nil)
	var out struct{ Staff []struct{ ID, Email string } }
	ts.post(t, token, `{staff{id email}}`, nil).ok(t, &out)
	seen := map[string]bool{}
	for _, u := range out.Staff {
		seen[u.ID] = true
	}
	if !seen[id] || seen[gone] || len(out.Staff) != 2 {
		t.Fatalf("staff for a sales user: %+v", out.Staff)
	}
	ts.post(t, "", `{staff{id}}`, nil).fails(t, "UNAUTHENTICATED", "")

	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(`{"query":"{staff{id email name role}}"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Encoding", "gzip")
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Vary") == "" {
		t.Fatalf("no Vary header from the compressing handler: %v", resp.Header)
	}
	// An answer larger than the compression threshold comes gzipped (the
	// docs' examples that /graphiql lists; its page itself is under 1 KB).
	req, _ = http.NewRequest(http.MethodGet, ts.URL+"/graphiql/examples.json", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err = (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("/graphiql/examples.json not compressed: %v", resp.Header)
	}
}

// After an administrator resets a password, the user may read me and change
// the password, and nothing else (FORBIDDEN, PASSWORD_CHANGE_REQUIRED), the
// export included, until they have changed it.
func TestResetPasswordMustBeChangedFirst(t *testing.T) {
	ts := newTestServer(t)
	id, _ := ts.user(t, "reset@kehu.local", crm.RoleSales)
	ts.post(t, ts.admin, `mutation($id:ID!){updateUser(id:$id,expectedVersion:1,input:{password:"temp-password-55"}){mustChangePassword}}`,
		map[string]any{"id": id}).ok(t, nil)
	token := ts.login(t, "reset@kehu.local", "temp-password-55")
	var me struct {
		Me struct{ MustChangePassword bool }
	}
	ts.post(t, token, `{me{mustChangePassword}}`, nil).ok(t, &me)
	if !me.Me.MustChangePassword {
		t.Fatal("me.mustChangePassword is false after a reset")
	}
	e := ts.post(t, token, `{customers{totalCount}}`, nil).fails(t, "FORBIDDEN", "")
	if r, _ := e.Extensions["reason"].(string); r != "PASSWORD_CHANGE_REQUIRED" {
		t.Fatalf("reason %q", r)
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/export/customers.csv", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("export while the password must change: %d", resp.StatusCode)
	}
	ts.post(t, token, `mutation{changeMyPassword(currentPassword:"temp-password-55",newPassword:"my-own-password-9")}`, nil).ok(t, nil)
	ts.post(t, token, `{me{mustChangePassword} customers{totalCount}}`, nil).ok(t, &me)
	if me.Me.MustChangePassword {
		t.Fatal("the flag stayed after the change")
	}
}
