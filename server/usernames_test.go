package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
)

// A filter that names a user (owner:王磊, by:, owner: {eq: ...}, a saved
// segment, the export) matches that user's records or is BAD_USER_INPUT,
// never silently empty; saved segments keep the id.
func TestFiltersNameUsers(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 80
	clock := crm.NewFixedClock(testNow)
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler), clock, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: httptest.NewServer(a.handler), app: a, clock: clock}
	t.Cleanup(func() { ts.Close(); _ = a.Close() })
	ts.admin = ts.login(t, cfg.AdminEmail, adminPassword)
	wang := demo.UserID(1) // 王磊, sales1@kehu.local

	count := func(token, query string, where map[string]any) gqlResponse {
		return ts.post(t, token, `query($q:String,$w:CustomerWhere){customersCount(query:$q,where:$w)}`,
			map[string]any{"q": query, "w": where})
	}
	n := func(r gqlResponse) int {
		var out struct{ CustomersCount int }
		r.ok(t, &out)
		return out.CustomersCount
	}
	byID := n(count(ts.admin, "owner:"+wang, nil))
	if byID == 0 {
		t.Fatal("王磊 owns no demo customer: the test proves nothing")
	}
	for _, q := range []string{"owner:王磊", "owner:SALES1@kehu.local", "负责人:王磊", "owner:王磊,nobody@kehu.local"} {
		if strings.Contains(q, "nobody") {
			e := count(ts.admin, q, nil).fails(t, "BAD_USER_INPUT", "query")
			if e.Extensions["reason"] != "UNKNOWN_USER" {
				t.Fatalf("%s: %v", q, e.Extensions)
			}
			continue
		}
		if got := n(count(ts.admin, q, nil)); got != byID {
			t.Errorf("%s: %d customers, by id %d", q, got, byID)
		}
	}
	if got := n(count(ts.admin, "", map[string]any{"owner": map[string]any{"eq": "王磊"}})); got != byID {
		t.Errorf("where owner eq 王磊: %d, want %d", got, byID)
	}
	if by, name := n(count(ts.admin, "interactions.some(by:"+wang+")", nil)), n(count(ts.admin, "interactions.some(by:王磊)", nil)); by == 0 || by != name {
		t.Errorf("by: %d by id, %d by name", by, name)
	}

	e := count(ts.admin, "tier:A owner:王小磊", nil).fails(t, "BAD_USER_INPUT", "query")
	if e.Extensions["reason"] != "UNKNOWN_USER" || !strings.Contains(e.Message, "at 14") {
		t.Errorf("unknown: %s %v", e.Message, e.Extensions)
	}
	count(ts.admin, "", map[string]any{"owner": map[string]any{"in": []any{"王磊", "王小磊"}}}).fails(t, "BAD_USER_INPUT", "where.owner.in[1]")

	// Two users of one name: ambiguous, and the e-mail picks one.
	twinID, _ := ts.user(t, "wanglei2@kehu.local", crm.RoleSales)
	var u struct{ UpdateUser struct{ Name string } }
	ts.post(t, ts.admin, `mutation($id:ID!){updateUser(id:$id,expectedVersion:1,input:{name:"王磊"}){name}}`,
		map[string]any{"id": twinID}).ok(t, &u)
	e = count(ts.admin, "owner:王磊", nil).fails(t, "BAD_USER_INPUT", "query")
	if e.Extensions["reason"] != "AMBIGUOUS_USER" || !strings.Contains(e.Message, wang) || !strings.Contains(e.Message, twinID) {
		t.Errorf("ambiguous: %s %v", e.Message, e.Extensions)
	}
	if got := n(count(ts.admin, "owner:sales1@kehu.local", nil)); got != byID {
		t.Errorf("by e-mail among namesakes: %d, want %d", got, byID)
	}

	// A disabled user's name still finds the customers they owned.
	var d struct{ UpdateUser struct{ Disabled bool } }
	ts.post(t, ts.admin, `mutation($id:ID!){updateUser(id:$id,expectedVersion:2,input:{disabled:true}){disabled}}`,
		map[string]any{"id": twinID}).ok(t, &d)
	ts.post(t, ts.admin, `mutation($id:ID!){updateUser(id:$id,expectedVersion:3,input:{name:"王大磊"}){name}}`,
		map[string]any{"id": twinID}).ok(t, nil)
	if got := n(count(ts.admin, "owner:王大磊", nil)); got != 0 {
		t.Errorf("the disabled 王大磊 owns nothing, got %d", got)
	}
	if got := n(count(ts.admin, "owner:王磊", nil)); got != byID {
		t.Errorf("王磊 again unique: %d, want %d", got, byID)
	}

	// A rep sees colleagues' names but not their e-mails: an e-mail it may
	// not read names nobody.
	_, rep := ts.user(t, "rep@kehu.local", crm.RoleSales)
	count(rep, "owner:王磊", nil).ok(t, nil)
	count(rep, "owner:sales1@kehu.local", nil).fails(t, "BAD_USER_INPUT", "query")

	// The export reads filters the same way.
	if recs := readCSV(t, ts.export(t, ts.admin, "csv", url.Values{"query": {"owner:王磊"}, "columns": {"code"}})); len(recs)-1 != byID {
		t.Errorf("export owner:王磊: %d rows, want %d", len(recs)-1, byID)
	}
	ts.export(t, ts.admin, "csv", url.Values{"query": {"owner:王小磊"}}).failsWith(t, http.StatusBadRequest, "BAD_USER_INPUT", "query")

	// Saved segments keep ids, whatever the filter named.
	var s struct {
		SaveSegment struct {
			Query string
			Where map[string]any
			Count int
		}
	}
	ts.post(t, ts.admin, `mutation{saveSegment(name:"王磊的客户",query:"owner:王磊 tier:A,B,C"){query where count}}`, nil).ok(t, &s)
	if !strings.Contains(s.SaveSegment.Query, wang) || strings.Contains(s.SaveSegment.Query, "王磊") {
		t.Errorf("saved query %q holds no id", s.SaveSegment.Query)
	}
	ts.post(t, ts.admin, `mutation($w:CustomerWhere){saveSegment(name:"王磊的客户 2",where:$w){query where count}}`,
		map[string]any{"w": map[string]any{"owner": map[string]any{"eq": "sales1@kehu.local"}}}).ok(t, &s)
	if !strings.Contains(s.SaveSegment.Query, wang) || s.SaveSegment.Count != byID {
		t.Errorf("saved where: %q, %d customers (want %d)", s.SaveSegment.Query, s.SaveSegment.Count, byID)
	}
	ts.post(t, ts.admin, `mutation{saveSegment(name:"谁",query:"owner:王小磊"){id}}`, nil).fails(t, "BAD_USER_INPUT", "query")
}
