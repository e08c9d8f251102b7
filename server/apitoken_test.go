package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

type apiTokenOut struct {
	ID, Name, Status     string
	CreatedAt, ExpiresAt string
	LastUsedAt           *string
	RevokedAt            *string
	CreatedBy            *struct{ ID string }
}

const apiTokenFields = `id name status createdAt expiresAt lastUsedAt revokedAt createdBy { id }`

// createAPIToken creates a token as who and returns its secret and record.
func (ts *testServer) createAPIToken(t *testing.T, who, name string, expires time.Time) (string, apiTokenOut) {
	t.Helper()
	var out struct {
		CreateAPIToken struct {
			Token    string
			APIToken apiTokenOut
		} `json:"createApiToken"`
	}
	ts.post(t, who, `mutation($n:String!,$e:Time!){createApiToken(name:$n,expiresAt:$e){token apiToken{`+apiTokenFields+`}}}`,
		map[string]any{"n": name, "e": expires.Format(time.RFC3339)}).ok(t, &out)
	return out.CreateAPIToken.Token, out.CreateAPIToken.APIToken
}

func (ts *testServer) apiTokens(t *testing.T, who string) ([]apiTokenOut, string) {
	t.Helper()
	var out struct {
		APITokens []apiTokenOut `json:"apiTokens"`
	}
	r := ts.post(t, who, `{apiTokens{`+apiTokenFields+`}}`, nil)
	r.ok(t, &out)
	return out.APITokens, string(r.Data)
}

// A dashboard's whole life over HTTP: created by an admin, it reads what an
// analyst reads (contact details masked, the same answer as an analyst's),
// changes nothing, is listed without its secret, and stops on revocation.
func TestAPITokenOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	ownerID, owner := ts.user(t, "owner@kehu.local", crm.RoleSales)
	_, analyst := ts.user(t, "analyst@kehu.local", crm.RoleAnalyst)
	ts.createCustomer(t, owner, map[string]any{"name": "大屏客户", "ownerId": ownerID, "notes": "老板手机13812345678",
		"contacts": []any{map[string]any{"name": "王总", "phone": "13912345678", "email": "wang@example.com", "wechat": "wangzong88"}}})

	secret, tok := ts.createAPIToken(t, ts.admin, "数据大屏", testNow.Add(30*24*time.Hour))
	if !strings.HasPrefix(secret, "kehu_at_") || tok.Name != "数据大屏" || tok.Status != "ACTIVE" || tok.LastUsedAt != nil ||
		tok.CreatedBy == nil || tok.CreatedBy.ID == "" {
		t.Fatalf("created %q %+v", secret, tok)
	}

	// Reads as an analyst: the very same answer, contact details masked.
	const read = `{ me { id } customersCount customers(first: 5) { totalCount nodes { name notes contactDetailsMasked
		viewerCanEdit contacts { name phone email wechat } } } }`
	var asToken, asAnalyst map[string]any
	ts.post(t, secret, read, nil).ok(t, &asToken)
	ts.post(t, analyst, read, nil).ok(t, &asAnalyst)
	if asToken["me"] != nil {
		t.Errorf("me with a token: %v", asToken["me"])
	}
	delete(asAnalyst, "me")
	delete(asToken, "me")
	gotJSON, _ := json.Marshal(asToken)
	wantJSON, _ := json.Marshal(asAnalyst)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("token reads\n%s\nanalyst reads\n%s", gotJSON, wantJSON)
	}
	for _, full := range []string{"13912345678", "wang@example.com", "wangzong88", "13812345678"} {
		if strings.Contains(string(gotJSON), full) {
			t.Errorf("%s shown to a token: %s", full, gotJSON)
		}
	}
	if !strings.Contains(string(gotJSON), "139****5678") || !strings.Contains(string(gotJSON), `"customersCount":1`) {
		t.Errorf("masked contact or count missing: %s", gotJSON)
	}
	// The dashboard query of docs/API.md (API tokens) runs as pasted.
	var dash struct{ All, TierA, Complaints int }
	ts.post(t, secret, `{ all: customersCount tierA: customersCount(query: "tier:A") complaints: customersCount(query: "complaints(180d):>=1") }`, nil).ok(t, &dash)
	if dash.All != 1 {
		t.Errorf("dashboard query: %+v", dash)
	}
	// The export too reads as an analyst.
	exp := ts.export(t, secret, "csv", url.Values{"columns": {"name,contacts"}})
	if exp.status != http.StatusOK || strings.Contains(string(exp.body), "13912345678") || !strings.Contains(string(exp.body), "大屏客户") {
		t.Errorf("export with a token: %d %s", exp.status, exp.body)
	}

	// Every mutation is refused, whatever it is, and changes nothing.
	for _, m := range []string{
		`mutation{createCustomer(input:{name:"不该有"}){id}}`,
		`mutation{saveSegment(name:"A",query:"tier:A"){id}}`,
		`mutation{updateMySettings(input:{locale:EN}){id}}`,
		`mutation{createApiToken(name:"再来一个",expiresAt:"2026-12-20T00:00:00Z"){token}}`,
		`mutation{revokeApiToken(id:"` + tok.ID + `"){id}}`,
		`mutation{logout}`,
		`mutation{login(email:"admin@kehu.local",password:"` + adminPassword + `"){token}}`,
	} {
		e := ts.post(t, secret, m, nil).fails(t, "FORBIDDEN", "")
		if e.Extensions["reason"] != "API_TOKEN_READ_ONLY" || !strings.Contains(e.Message, "read-only") {
			t.Errorf("%s: %+v", m, e)
		}
	}
	var after struct {
		CustomersCount int
		Segments       []struct{ ID string }
	}
	ts.post(t, ts.admin, `{customersCount segments{id}}`, nil).ok(t, &after)
	if after.CustomersCount != 1 || len(after.Segments) != 0 {
		t.Fatalf("a refused mutation changed something: %+v", after)
	}

	// Listed for managers, never with its secret.
	list, raw := ts.apiTokens(t, ts.admin)
	if len(list) != 1 || list[0].ID != tok.ID || list[0].Status != "ACTIVE" || list[0].LastUsedAt == nil {
		t.Fatalf("list %+v", list)
	}
	if strings.Contains(raw, secret) || strings.Contains(raw, strings.TrimPrefix(secret, "kehu_at_")) {
		t.Fatalf("the secret is listed: %s", raw)
	}
	ts.post(t, ts.admin, `{apiTokens{token}}`, nil).fails(t, "BAD_USER_INPUT", "") // no such field

	// Revoked: refused from the next request on; revoking again is fine.
	var rev struct {
		RevokeAPIToken apiTokenOut `json:"revokeApiToken"`
	}
	ts.post(t, ts.admin, `mutation($id:ID!){revokeApiToken(id:$id){`+apiTokenFields+`}}`, map[string]any{"id": tok.ID}).ok(t, &rev)
	if rev.RevokeAPIToken.Status != "REVOKED" || rev.RevokeAPIToken.RevokedAt == nil {
		t.Fatalf("revoked %+v", rev.RevokeAPIToken)
	}
	first := *rev.RevokeAPIToken.RevokedAt
	ts.clock.Advance(time.Minute)
	ts.post(t, ts.admin, `mutation($id:ID!){revokeApiToken(id:$id){`+apiTokenFields+`}}`, map[string]any{"id": tok.ID}).ok(t, &rev)
	if *rev.RevokeAPIToken.RevokedAt != first {
		t.Fatalf("revoking again moved revokedAt: %s, was %s", *rev.RevokeAPIToken.RevokedAt, first)
	}
	r := ts.post(t, secret, read, nil)
	e := r.fails(t, "UNAUTHENTICATED", "")
	if r.status != http.StatusUnauthorized || e.Extensions["reason"] != "API_TOKEN_REVOKED" || !strings.Contains(e.Message, "revoked") {
		t.Fatalf("revoked token: %d %+v", r.status, e)
	}
	ts.post(t, ts.admin, `mutation{revokeApiToken(id:"nope"){id}}`, nil).fails(t, "NOT_FOUND", "")
}

func TestAPITokenExpires(t *testing.T) {
	ts := newTestServer(t)
	secret, _ := ts.createAPIToken(t, ts.admin, "报表", testNow.Add(time.Hour))
	ts.post(t, secret, `{customersCount}`, nil).ok(t, nil)
	ts.clock.Advance(time.Hour)
	r := ts.post(t, secret, `{customersCount}`, nil)
	e := r.fails(t, "UNAUTHENTICATED", "")
	if r.status != http.StatusUnauthorized || e.Extensions["reason"] != "API_TOKEN_EXPIRED" || !strings.Contains(e.Message, "expired") {
		t.Fatalf("expired token: %d %+v", r.status, e)
	}
	list, _ := ts.apiTokens(t, ts.admin)
	if len(list) != 1 || list[0].Status != "EXPIRED" {
		t.Fatalf("list %+v", list)
	}
	// Malformed and unknown tokens are refused too, never served anonymously.
	for _, bad := range []string{"kehu_at_garbage", "kehu_at_" + strings.Repeat("A", 43), secret + "x"} {
		if r := ts.post(t, bad, `{customersCount}`, nil); r.status != http.StatusUnauthorized {
			t.Errorf("%q: status %d", bad, r.status)
		} else {
			r.fails(t, "UNAUTHENTICATED", "")
		}
	}
}

// Only ADMIN and MANAGER create, list and revoke tokens, as
// canManageApiTokens says; bad input is BAD_USER_INPUT on the argument.
func TestAPITokensForManagersOnly(t *testing.T) {
	ts := newTestServer(t)
	_, tok := ts.createAPIToken(t, ts.admin, "大屏", testNow.Add(time.Hour))
	can := map[crm.Role]bool{crm.RoleManager: true, crm.RoleSales: false, crm.RoleService: false, crm.RoleAnalyst: false}
	for role, want := range can {
		_, who := ts.user(t, strings.ToLower(string(role))+"@kehu.local", role)
		var me struct {
			Me struct {
				CanManageAPITokens bool `json:"canManageApiTokens"`
			}
		}
		ts.post(t, who, `{me{canManageApiTokens}}`, nil).ok(t, &me)
		if me.Me.CanManageAPITokens != want {
			t.Errorf("%s: canManageApiTokens %v", role, me.Me.CanManageAPITokens)
		}
		create := ts.post(t, who, `mutation{createApiToken(name:"x",expiresAt:"2026-12-01T00:00:00Z"){token}}`, nil)
		list := ts.post(t, who, `{apiTokens{id}}`, nil)
		revoke := ts.post(t, who, `mutation($id:ID!){revokeApiToken(id:$id){id}}`, map[string]any{"id": tok.ID})
		if want {
			create.ok(t, nil)
			list.ok(t, nil)
			revoke.ok(t, nil)
			continue
		}
		create.fails(t, "FORBIDDEN", "")
		list.fails(t, "FORBIDDEN", "")
		revoke.fails(t, "FORBIDDEN", "")
	}
	ts.post(t, "", `{apiTokens{id}}`, nil).fails(t, "UNAUTHENTICATED", "")

	for _, c := range []struct {
		name, expires, field, reason string
	}{
		{"", "2026-12-01T00:00:00Z", "name", "REQUIRED"},
		{strings.Repeat("长", 101), "2026-12-01T00:00:00Z", "name", "TOO_LONG"},
		{"大屏", "2026-11-20T09:00:00+08:00", "expiresAt", "PAST_TIME"},
		{"大屏", "2028-11-21T00:00:00+08:00", "expiresAt", "TOO_FAR_AHEAD"},
	} {
		e := ts.post(t, ts.admin, `mutation($n:String!,$e:Time!){createApiToken(name:$n,expiresAt:$e){token}}`,
			map[string]any{"n": c.name, "e": c.expires}).fails(t, "BAD_USER_INPUT", c.field)
		if e.Extensions["reason"] != c.reason {
			t.Errorf("%q %s: reason %v, want %s", c.name, c.expires, e.Extensions["reason"], c.reason)
		}
	}
}

// Each token has its own rate (KEHU_API_TOKEN_RATE a minute, as many at
// once), answered RATE_LIMITED with Retry-After beyond it; requests are
// logged with the token's name.
func TestAPITokenRateLimitAndLog(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.APITokenRate = 2
	var logs bytes.Buffer
	clock := crm.NewFixedClock(testNow)
	a, err := newApp(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)), clock, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: httptest.NewServer(a.handler), app: a, clock: clock}
	t.Cleanup(func() { ts.Close(); _ = a.Close() })
	ts.admin = ts.login(t, cfg.AdminEmail, adminPassword)
	one, _ := ts.createAPIToken(t, ts.admin, "一号大屏", testNow.Add(time.Hour))
	two, _ := ts.createAPIToken(t, ts.admin, "二号大屏", testNow.Add(time.Hour))

	for i := 0; i < 2; i++ {
		ts.post(t, one, `{customersCount}`, nil).ok(t, nil)
	}
	r := ts.post(t, one, `{customersCount}`, nil)
	r.fails(t, "RATE_LIMITED", "")
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "30" {
		t.Fatalf("status %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	ts.post(t, two, `{customersCount}`, nil).ok(t, nil) // its own limit
	ts.post(t, ts.admin, `{customersCount}`, nil).ok(t, nil)
	clock.Advance(30 * time.Second)
	ts.post(t, one, `{customersCount}`, nil).ok(t, nil)

	if !strings.Contains(logs.String(), "API token request") || !strings.Contains(logs.String(), "token=一号大屏") ||
		!strings.Contains(logs.String(), "token=二号大屏") {
		t.Fatalf("token requests not logged with the name:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), strings.TrimPrefix(one, "kehu_at_")) {
		t.Fatal("a secret reached the log")
	}
}
