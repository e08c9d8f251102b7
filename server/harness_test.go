package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/mongotest"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

const adminPassword = "admin-password-123"

// testNow is the fixed clock of the tests: customer codes are C202611xxx.
var testNow = time.Date(2026, 11, 20, 10, 0, 0, 0, crm.DefaultLocation)

func testConfig(t *testing.T, dir string) config {
	t.Helper()
	cfg, err := parseConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = dir
	cfg.MongoURI = ""
	cfg.Addr = "127.0.0.1:0"
	cfg.AdminEmail = "admin@kehu.local"
	cfg.AdminPassword = adminPassword
	cfg.Demo = false
	return cfg
}

type testServer struct {
	*httptest.Server
	app   *app
	clock *crm.FixedClock
	admin string // admin's token
}

// newTestServer runs the real app (real SQLite store in a temp dir) behind
// an httptest server.
func newTestServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, testConfig(t, t.TempDir()))
}

func newTestServerWith(t *testing.T, cfg config) *testServer {
	t.Helper()
	clock := crm.NewFixedClock(testNow)
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler), clock, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: httptest.NewServer(a.handler), app: a, clock: clock}
	t.Cleanup(func() { ts.Close(); _ = a.Close() })
	ts.admin = ts.login(t, cfg.AdminEmail, adminPassword)
	return ts
}

// gqlResponse is a GraphQL response with errors decoded.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	status int
	header http.Header
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (e gqlError) code() string  { s, _ := e.Extensions["code"].(string); return s }
func (e gqlError) field() string { s, _ := e.Extensions["field"].(string); return s }

func (ts *testServer) post(t *testing.T, token, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return ts.do(t, req)
}

func (ts *testServer) do(t *testing.T, req *http.Request) gqlResponse {
	t.Helper()
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := ts.decode(t, raw)
	r.status, r.header = resp.StatusCode, resp.Header
	return r
}

func (ts *testServer) decode(t *testing.T, raw []byte) gqlResponse {
	t.Helper()
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("body not JSON: %s", raw)
	}
	return r
}

// ok fails on any error and decodes data into out.
func (r gqlResponse) ok(t *testing.T, out any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", r.Errors)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("decoding %s: %v", r.Data, err)
		}
	}
}

// fails asserts exactly the error code (and the field, when given).
func (r gqlResponse) fails(t *testing.T, code, field string) gqlError {
	t.Helper()
	if len(r.Errors) == 0 {
		t.Fatalf("want %s error on %q, got data %s", code, field, r.Data)
	}
	e := r.Errors[0]
	if e.code() != code || (field != "" && e.field() != field) {
		t.Fatalf("want %s on %q, got %s on %q: %s", code, field, e.code(), e.field(), e.Message)
	}
	if strings.Contains(strings.ToLower(e.Message), "goroutine") || strings.Contains(e.Message, ".go:") {
		t.Fatalf("error leaks internals: %s", e.Message)
	}
	return e
}

func (ts *testServer) login(t *testing.T, email, password string) string {
	t.Helper()
	var out struct{ Login struct{ Token string } }
	ts.post(t, "", `mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}`,
		map[string]any{"e": email, "p": password}).ok(t, &out)
	return out.Login.Token
}

// user creates a user with role and returns its id and token.
func (ts *testServer) user(t *testing.T, email string, role crm.Role) (id, token string) {
	t.Helper()
	var out struct{ CreateUser struct{ ID string } }
	ts.post(t, ts.admin, `mutation($i:CreateUserInput!){createUser(input:$i){id}}`, map[string]any{"i": map[string]any{
		"email": email, "name": "用户 " + email, "role": role, "password": "password-" + email}}).ok(t, &out)
	return out.CreateUser.ID, ts.login(t, email, "password-"+email)
}

type customerOut struct {
	ID               string
	Code             string
	Name             string
	Version          int
	InteractionCount int
	Contacts         []struct{ ID, Name, Phone, Email, Wechat string }
}

const customerFields = `id code name version interactionCount contacts { id name phone email wechat }`

func (ts *testServer) createCustomer(t *testing.T, token string, input map[string]any) customerOut {
	t.Helper()
	var out struct{ CreateCustomer customerOut }
	ts.post(t, token, `mutation($i:CustomerInput!){createCustomer(input:$i){`+customerFields+`}}`,
		map[string]any{"i": input}).ok(t, &out)
	return out.CreateCustomer
}

// parallel runs n calls of f at once and waits.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) { defer wg.Done(); f(i) }(i)
	}
	wg.Wait()
}
