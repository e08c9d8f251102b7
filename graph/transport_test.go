package graph

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kehu-crm/kehu/internal/crm"
)

// TestResponseBudgetStopsBuilding: once the fields resolved so far exceed
// the budget, later strings and lists resolve empty, so an oversized
// response is never held in full before it is refused.
func TestResponseBudgetStopsBuilding(t *testing.T) {
	b := &responseBudget{max: 100}
	ctx := context.WithValue(context.Background(), budgetKey{}, b)
	resolve := func(v any) any {
		t.Helper()
		got, err := countResponse(ctx, func(context.Context) (any, error) { return v, nil })
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	long := strings.Repeat("客", 10) // 30 bytes
	for i := range 3 {
		if got := resolve(long); got != long || b.over.Load() {
			t.Fatalf("field %d within the budget: %q, over %v", i, got, b.over.Load())
		}
	}
	if got := resolve(long); got != "" || !b.over.Load() {
		t.Fatalf("the field that crosses the budget: %q, over %v", got, b.over.Load())
	}
	list := []crm.Interaction{{Summary: long}, {Summary: long}}
	if got := resolve(list).([]crm.Interaction); len(got) != 0 {
		t.Fatalf("a list after the budget: %d elements", len(got))
	}
	if got := resolve(&long).(*string); *got != "" {
		t.Fatalf("a *string after the budget: %q", *got)
	}
	c := &crm.Customer{Name: long}
	if got := resolve(c); got != c {
		t.Fatal("an object is replaced; only its fields shrink")
	}
	if got := resolve(42); got != 42 {
		t.Fatal("a number is changed")
	}

	// Without a budget (no transport), nothing is counted or changed.
	got, _ := countResponse(context.Background(), func(context.Context) (any, error) { return list, nil })
	if len(got.([]crm.Interaction)) != 2 {
		t.Fatal("changed without a budget")
	}
	var _ graphql.FieldMiddleware = countResponse
}

// TestMinJSONSizeIsALowerBound: the estimate never exceeds what the value
// takes in JSON, so the budget refuses no response under the limit.
func TestMinJSONSizeIsALowerBound(t *testing.T) {
	s := "客户 \"quoted\" <tag>"
	for _, c := range []struct {
		v    any
		json string
	}{
		{nil, `null`},
		{s, `"客户 \"quoted\" <tag>"`},
		{&s, `"客户 \"quoted\" <tag>"`},
		{[]string{"a", "客"}, `["a","客"]`},
		{[]string{}, `[]`},
		{true, `true`},
		{false, `false`},
		{7, `7`},
		{[]crm.Interaction{{}, {}}, `[{},{}]`},
	} {
		if n := minJSONSize(c.v); n > len(c.json) {
			t.Errorf("minJSONSize(%#v) = %d > %d (%s)", c.v, n, len(c.json), c.json)
		}
	}
}

// BenchmarkCountResponse is the cost the response budget adds to every
// resolved field.
func BenchmarkCountResponse(b *testing.B) {
	ctx := context.WithValue(context.Background(), budgetKey{}, &responseBudget{max: 1 << 40})
	for range 12 { // a field context as deep as the depth limit
		ctx = context.WithValue(ctx, struct{ n int }{0}, 0)
	}
	s := "上海物流有限公司"
	next := func(context.Context) (any, error) { return s, nil }
	b.ReportAllocs()
	for b.Loop() {
		_, _ = countResponse(ctx, next)
	}
}

// FuzzTransport: whatever the method, content type and body, the answer is
// JSON, and every error in it has extensions.code. A batch or a body that
// is not a GraphQL request is refused without echoing it.
func FuzzTransport(f *testing.F) {
	for _, seed := range []struct{ method, ctype, body string }{
		{"POST", "application/json", `{"query":"{__typename}"}`},
		{"POST", "application/json", `[{"query":"{__typename}"}]`},
		{"POST", "application/json; charset=utf-8", `{"query":"{__typename}","variables":{"a":1}}`},
		{"POST", "text/plain", `{"query":"{__typename}"}`},
		{"POST", "application/json", `{"query":`},
		{"GET", "", "query=%7B__typename%7D"},
		{"GET", "", "query=mutation%7Blogout%7D"},
		{"GET", "", "query=%7B__typename%7D&variables=%5B"},
		{"PUT", "application/json", `{}`},
		{"OPTIONS", "", ""},
	} {
		f.Add(seed.method, seed.ctype, seed.body)
	}
	srv := NewHandler(&Resolver{}, Limits{MaxResponse: 1 << 16}, slog.New(slog.DiscardHandler))
	f.Fuzz(func(t *testing.T, method, ctype, body string) {
		if len(method) == 0 || len(method) > 10 || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") {
			return // not an HTTP method a server would receive
		}
		target := "/graphql"
		var rd io.Reader = strings.NewReader(body)
		if method == http.MethodGet {
			target += "?" + body
			rd = nil
		}
		req, err := http.NewRequest(method, "http://kehu.test"+target, rd)
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", ctype)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if method == http.MethodOptions || method == http.MethodHead {
			return
		}
		var resp struct {
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%s %q %q: status %d, not JSON: %s", method, ctype, body, w.Code, w.Body)
		}
		for _, e := range resp.Errors {
			if code, _ := e.Extensions["code"].(string); code == "" {
				t.Fatalf("%s %q %q: error without a code: %+v", method, ctype, body, e)
			}
			if r, _ := e.Extensions["reason"].(string); (r == ReasonBatchNotSupported || r == ReasonInvalidRequest) &&
				len(body) > 8 && strings.Contains(e.Message, body) {
				t.Fatalf("the body is echoed: %s", e.Message)
			}
		}
	})
}
