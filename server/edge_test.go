package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
)

// TestCORS: without KEHU_CORS_ORIGINS no response carries a CORS header
// (browsers then keep every other site out); with a list, only the listed
// origins are echoed, preflights included.
func TestCORS(t *testing.T) {
	const listed, other = "https://crm.example.com", "https://evil.example"
	type probe struct {
		preflight bool
		origin    string
		want      string // Access-Control-Allow-Origin, "" for none
	}
	for _, c := range []struct {
		name    string
		origins string
		probes  []probe
	}{
		{"no origins", "", []probe{{false, other, ""}, {true, other, ""}, {false, listed, ""}, {true, listed, ""}}},
		{"one origin", listed + ", http://localhost:5173", []probe{
			{false, listed, listed}, {true, listed, listed}, {false, "http://localhost:5173", "http://localhost:5173"},
			{false, other, ""}, {true, other, ""}, {false, "null", ""}, {true, "https://crm.example.com.evil.example", ""}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("KEHU_CORS_ORIGINS", c.origins)
			ts := newTestServer(t)
			for _, p := range c.probes {
				method := http.MethodPost
				if p.preflight {
					method = http.MethodOptions
				}
				req, _ := http.NewRequest(method, ts.URL+"/graphql", strings.NewReader(`{"query":"{me{id}}"}`))
				req.Header.Set("Origin", p.origin)
				req.Header.Set("Content-Type", "application/json")
				if p.preflight {
					req.Header.Set("Access-Control-Request-Method", "POST")
					req.Header.Set("Access-Control-Request-Headers", "content-type")
				}
				resp, err := ts.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				h := resp.Header
				if got := h.Get("Access-Control-Allow-Origin"); got != p.want {
					t.Fatalf("%s from %s: Allow-Origin %q, want %q", method, p.origin, got, p.want)
				}
				if p.want == "" {
					for name := range h {
						if strings.HasPrefix(name, "Access-Control-") {
							t.Fatalf("%s from %s: %s: %s", method, p.origin, name, h.Get(name))
						}
					}
					continue
				}
				if h.Get("Access-Control-Allow-Credentials") != "true" {
					t.Fatalf("%s from %s: no Allow-Credentials", method, p.origin)
				}
			}
		})
	}
}

func TestConfigOrigins(t *testing.T) {
	for _, c := range []struct {
		in, want string // want "" when refused
	}{
		{"https://crm.example.com", "https://crm.example.com"},
		{"HTTP://LocalHost:5173", "http://localhost:5173"},
		{"https://[::1]:8443", "https://[::1]:8443"},
		{"*", ""},
		{"https://*.example.com", ""},
		{"crm.example.com", ""},
		{"ftp://crm.example.com", ""},
		{"https://crm.example.com/", ""},
		{"https://crm.example.com/app", ""},
		{"https://crm.example.com?x", ""},
		{"https://user@crm.example.com", ""},
		{"https://crm.example.com:99999", ""},
		{"https://", ""},
		{"null", ""},
	} {
		t.Setenv("KEHU_CORS_ORIGINS", c.in)
		cfg, err := parseConfig(nil)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("%q accepted as %v", c.in, cfg.CORSOrigins)
		case c.want != "" && err != nil:
			t.Errorf("%q refused: %v", c.in, err)
		case c.want != "" && (len(cfg.CORSOrigins) != 1 || cfg.CORSOrigins[0] != c.want):
			t.Errorf("%q read as %v, want %s", c.in, cfg.CORSOrigins, c.want)
		}
	}
}

// TestTransportErrors: every refusal at the HTTP edge is the API's error
// envelope with extensions.code (and a reason), and never echoes the body.
func TestTransportErrors(t *testing.T) {
	ts := newTestServer(t)
	const secret = "SECRET-BODY-MARKER"
	for _, c := range []struct {
		name, method, path, ctype, body string
		status                          int
		code, reason                    string
	}{
		{"wrong content type", "POST", "/graphql", "text/plain", `{"query":"{me{id}}"}`, 415, "BAD_USER_INPUT", "UNSUPPORTED_MEDIA_TYPE"},
		{"form post", "POST", "/graphql", "application/x-www-form-urlencoded", "query=" + secret, 415, "BAD_USER_INPUT", "UNSUPPORTED_MEDIA_TYPE"},
		{"no content type", "POST", "/graphql", "", `{"query":"{me{id}}"}`, 415, "BAD_USER_INPUT", "UNSUPPORTED_MEDIA_TYPE"},
		{"PUT", "PUT", "/graphql", "application/json", `{"query":"{me{id}}"}`, 405, "BAD_USER_INPUT", "METHOD_NOT_ALLOWED"},
		{"DELETE", "DELETE", "/graphql", "", "", 405, "BAD_USER_INPUT", "METHOD_NOT_ALLOWED"},
		{"batch", "POST", "/graphql", "application/json", `[{"query":"{me{id}}"},{"query":"{` + secret + `}"}]`, 400, "BAD_USER_INPUT", "BATCH_NOT_SUPPORTED"},
		{"batch after spaces", "POST", "/graphql", "application/json", " \n [{\"query\":\"" + secret + "\"}]", 400, "BAD_USER_INPUT", "BATCH_NOT_SUPPORTED"},
		{"broken JSON", "POST", "/graphql", "application/json", `{"query":"` + secret, 400, "BAD_USER_INPUT", "INVALID_REQUEST"},
		{"not an object", "POST", "/graphql", "application/json", `"` + secret + `"`, 400, "BAD_USER_INPUT", "INVALID_REQUEST"},
		{"query not a string", "POST", "/graphql", "application/json", `{"query":{"` + secret + `":1}}`, 400, "BAD_USER_INPUT", "INVALID_REQUEST"},
		{"trailing data", "POST", "/graphql", "application/json", `{"query":"{me{id}}"} {"query":"` + secret + `"}`, 400, "BAD_USER_INPUT", "INVALID_REQUEST"},
		{"empty body", "POST", "/graphql", "application/json", ``, 400, "BAD_USER_INPUT", "INVALID_REQUEST"},
		{"GET mutation", "GET", "/graphql?query=" + url.QueryEscape(`mutation{logout}`), "", "", 405, "BAD_USER_INPUT", "METHOD_NOT_ALLOWED"},
		{"GET bad variables", "GET", "/graphql?query=" + url.QueryEscape(`{me{id}}`) + "&variables=" + secret, "", "", 400, "BAD_USER_INPUT", "INVALID_REQUEST"},
		{"GET bad escape", "GET", "/graphql?query=%zz", "", "", 400, "BAD_USER_INPUT", "INVALID_REQUEST"},
		{"unknown path under /graphql", "POST", "/graphql/v2", "application/json", `{"query":"{me{id}}"}`, 404, "NOT_FOUND", "NO_SUCH_PATH"},
		{"unknown export", "GET", "/export/customers.pdf", "", "", 404, "NOT_FOUND", "NO_SUCH_PATH"},
		{"POST an export", "POST", "/export/customers.csv", "application/json", "{}", 405, "BAD_USER_INPUT", "METHOD_NOT_ALLOWED"},
		{"POST the app", "POST", "/customers", "application/json", "{}", 405, "BAD_USER_INPUT", "METHOD_NOT_ALLOWED"},
		{"POST healthz", "POST", "/healthz", "application/json", "{}", 405, "BAD_USER_INPUT", "METHOD_NOT_ALLOWED"},
		{"oversized body", "POST", "/graphql", "application/json", `{"query":"` + strings.Repeat("x", 2<<20) + `"}`, 413, "BAD_USER_INPUT", "BODY_TOO_LARGE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			req, _ := http.NewRequest(c.method, ts.URL+c.path, body)
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			req.Header.Set("Authorization", "Bearer "+ts.admin)
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, raw)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("content type %q: %s", ct, raw)
			}
			if strings.Contains(string(raw), secret) {
				t.Fatalf("the body is echoed: %s", raw)
			}
			r := ts.decode(t, raw)
			e := r.fails(t, c.code, "")
			if e.Extensions["reason"] != c.reason {
				t.Fatalf("reason %v, want %s: %s", e.Extensions["reason"], c.reason, raw)
			}
			if c.status == 405 && resp.Header.Get("Allow") == "" {
				t.Fatal("405 without Allow")
			}
		})
	}
}

// TestSessionCookieSecure: the cookie is Secure when the request came over
// HTTPS, directly or via a trusted proxy, or when configured so.
func TestSessionCookieSecure(t *testing.T) {
	for _, c := range []struct {
		name   string
		env    map[string]string
		tls    bool
		proto  string
		secure bool
	}{
		{"plain HTTP", nil, false, "", false},
		{"forged proto from an untrusted peer", nil, false, "https", false},
		{"HTTPS via the trusted proxy", map[string]string{"KEHU_TRUSTED_PROXIES": "127.0.0.1, ::1"}, false, "https", true},
		{"HTTP via the trusted proxy", map[string]string{"KEHU_TRUSTED_PROXIES": "127.0.0.0/8"}, false, "http", false},
		{"configured", map[string]string{"KEHU_SECURE_COOKIES": "1"}, false, "", true},
		{"direct TLS", nil, true, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			cfg := testConfig(t, t.TempDir())
			a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler), crm.NewFixedClock(testNow), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			srv := httptest.NewUnstartedServer(a.handler)
			if c.tls {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			defer srv.Close()
			body := `{"query":"mutation{login(email:\"admin@kehu.local\",password:\"` + adminPassword + `\"){token}}"}`
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if c.proto != "" {
				req.Header.Set("X-Forwarded-Proto", c.proto)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var cookie *http.Cookie
			for _, ck := range resp.Cookies() {
				if ck.Name == auth.CookieName {
					cookie = ck
				}
			}
			if cookie == nil {
				t.Fatalf("no session cookie (status %d)", resp.StatusCode)
			}
			if cookie.Secure != c.secure {
				t.Fatalf("Secure = %v, want %v", cookie.Secure, c.secure)
			}
		})
	}
}

// TestSignInBehindProxy: behind a trusted proxy each client is counted on
// its own; without the setting every client shares the proxy's address.
func TestSignInBehindProxy(t *testing.T) {
	spray := func(ts *testServer, i int) gqlResponse {
		body, _ := json.Marshal(map[string]any{"query": `mutation($e:String!){login(email:$e,password:"wrong-password-1"){token}}`,
			"variables": map[string]any{"e": fmt.Sprintf("nobody%d@kehu.local", i)}})
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i%2))
		return ts.do(t, req)
	}
	t.Run("trusted", func(t *testing.T) {
		t.Setenv("KEHU_TRUSTED_PROXIES", "127.0.0.0/8,::1")
		ts := newTestServer(t)
		for i := range 30 { // 15 per client: under the 20 free
			spray(ts, i).fails(t, "UNAUTHENTICATED", "")
		}
	})
	t.Run("not trusted", func(t *testing.T) {
		ts := newTestServer(t)
		for i := range 20 {
			spray(ts, i).fails(t, "UNAUTHENTICATED", "")
		}
		r := spray(ts, 20)
		r.fails(t, "RATE_LIMITED", "")
		if r.header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
	})
}

// TestResponseSizeBound: a response larger than KEHU_MAX_RESPONSE_BYTES is
// replaced by an error that says to page or select less.
func TestResponseSizeBound(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.MaxResponseBytes = 4096
	ts := newTestServerWith(t, cfg)
	for i := range 30 {
		ts.createCustomer(t, ts.admin, map[string]any{"name": fmt.Sprintf("上海物流有限公司 %02d", i)})
	}
	ts.post(t, ts.admin, `{customers(first:5){nodes{id code name}}}`, nil).ok(t, nil)
	r := ts.post(t, ts.admin, `{customers(first:30){nodes{id code name createdAt updatedAt}}}`, nil)
	e := r.fails(t, "BAD_USER_INPUT", "")
	if e.Extensions["reason"] != "RESPONSE_TOO_LARGE" || !strings.Contains(e.Message, "4 KiB") || !strings.Contains(e.Message, "fewer") {
		t.Fatalf("too large: %+v", e)
	}
	if r.status != http.StatusOK || len(r.Data) > 0 && string(r.Data) != "null" {
		t.Fatalf("status %d, data %s", r.status, r.Data)
	}
	// A mutation's answer: the change is made, the answer says so.
	var long strings.Builder
	for long.Len() < 5000 {
		long.WriteString("客户反馈物流时效需要提升。")
	}
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "北京大数据科技有限公司"})
	e = ts.post(t, ts.admin, `mutation($id:ID!,$s:String!){logInteraction(customerId:$id,input:{channel:WECHAT,summary:$s}){interactions{summary}}}`,
		map[string]any{"id": c.ID, "s": long.String()}).fails(t, "BAD_USER_INPUT", "")
	if e.Extensions["reason"] != "RESPONSE_TOO_LARGE" || !strings.Contains(e.Message, "carried out") {
		t.Fatalf("mutation: %+v", e)
	}
	var got struct {
		Customer struct{ InteractionCount int }
	}
	ts.post(t, ts.admin, `query($id:ID){customer(id:$id){interactionCount}}`, map[string]any{"id": c.ID}).ok(t, &got)
	if got.Customer.InteractionCount != 1 {
		t.Fatalf("the mutation was not carried out: %+v", got)
	}
}

// syncBuffer is a log sink the server writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitLine waits for a log line holding every part.
func waitLine(t *testing.T, log *syncBuffer, parts ...string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, line := range strings.Split(log.String(), "\n") {
			all := true
			for _, p := range parts {
				all = all && strings.Contains(line, p)
			}
			if all {
				return line
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q in:\n%s", parts, log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestExportLogsEveryOutcome: who exported (or tried to) is in the log
// whether the export succeeded, was refused or was cut off.
func TestExportLogsEveryOutcome(t *testing.T) {
	ts := newTestServer(t)
	var log syncBuffer
	ts.app.log = slog.New(slog.NewTextHandler(&log, nil))
	var me struct{ Me struct{ ID string } }
	ts.post(t, ts.admin, `{me{id}}`, nil).ok(t, &me)
	user := "user=" + me.Me.ID
	for i := range 5 {
		ts.createCustomer(t, ts.admin, map[string]any{"name": fmt.Sprintf("杭州贸易有限公司 %d", i)})
	}

	ts.export(t, ts.admin, "csv", url.Values{"columns": {"code,name"}})
	waitLine(t, &log, "msg=export ", user, "rows=5", "format=csv")

	ts.export(t, ts.admin, "xlsx", url.Values{"columns": {"nonsense"}})
	waitLine(t, &log, `msg="export refused"`, user, "code=BAD_USER_INPUT", "format=xlsx")

	ts.export(t, "", "csv", nil)
	waitLine(t, &log, `msg="export refused: not signed in"`, `user=""`)

	// Cut off: the client hangs up after the first page.
	ts.app.exportPageSize = 1
	ctx, cancel := context.WithCancel(context.Background())
	ts.app.afterExportPage = func(server context.Context, rows int) {
		if rows == 1 {
			cancel()
			select {
			case <-server.Done():
			case <-time.After(5 * time.Second):
			}
		}
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/export/customers.csv?columns=code", nil)
	req.Header.Set("Authorization", "Bearer "+ts.admin)
	if resp, err := ts.Client().Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	waitLine(t, &log, `msg="export stopped`, user, "rows=1", "format=csv")
}

func TestConfigTrustedProxies(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" when refused
	}{
		{"10.0.0.1", "[10.0.0.1/32]"},
		{"10.0.0.0/8, ::1", "[10.0.0.0/8 ::1/128]"},
		{"10.1.2.3/8", "[10.0.0.0/8]"},
		{"fd00::/8", "[fd00::/8]"},
		{"::ffff:10.0.0.1", "[10.0.0.1/32]"},
		{"", "[]"},
		{"10.0.0.0/33", ""},
		{"proxy.example.com", ""},
		{"10.0.0.1:8080", ""},
		{"*", ""},
	} {
		t.Setenv("KEHU_TRUSTED_PROXIES", c.in)
		cfg, err := parseConfig(nil)
		switch got := fmt.Sprint(cfg.TrustedProxies); {
		case c.want == "" && err == nil:
			t.Errorf("%q accepted as %s", c.in, got)
		case c.want != "" && err != nil:
			t.Errorf("%q refused: %v", c.in, err)
		case c.want != "" && got != c.want:
			t.Errorf("%q read as %s, want %s", c.in, got, c.want)
		}
	}
}

// TestUntrustedForwardedForWarnsOnce: a proxy in front of a server that
// does not trust it is named in the log, once.
func TestUntrustedForwardedForWarnsOnce(t *testing.T) {
	ts := newTestServer(t)
	var log syncBuffer
	ts.app.log = slog.New(slog.NewTextHandler(&log, nil))
	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/healthz", nil)
		req.Header.Set("X-Forwarded-For", "198.51.100.1")
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	waitLine(t, &log, "level=WARN", "KEHU_TRUSTED_PROXIES")
	if n := strings.Count(log.String(), "KEHU_TRUSTED_PROXIES"); n != 1 {
		t.Fatalf("warned %d times:\n%s", n, log.String())
	}
}
