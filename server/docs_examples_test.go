package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// docExample is one GraphQL example of the docs, with what the docs say
// around it (docs/API.md, "Examples in these docs", holds the convention).
type docExample struct {
	file    string
	line    int
	query   string
	vars    string // the JSON block that follows, or ""
	as      string // <!-- as: EMAIL -->: run signed in as that user
	empty   bool   // <!-- may be empty -->
	errCode string // <!-- expect error: CODE -->
}

func (e docExample) String() string { return fmt.Sprintf("%s:%d", e.file, e.line) }

var (
	markerRe = regexp.MustCompile(`^\s*<!--\s*(may be empty|expect error:\s*([A-Z_]+)|as:\s*(\S+))\s*-->\s*$`)
	fenceRe  = regexp.MustCompile("^\\s*```\\s*([A-Za-z]*)")
)

// docFiles lists every Markdown file whose examples the test runs: all of
// docs/ (new files are picked up by themselves) and the filter language's
// reference.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../docs/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no docs found: %v", err)
	}
	files = append(files, "../internal/segment/QUERY.md")
	sort.Strings(files)
	return files
}

// extractExamples returns the ```graphql blocks of a Markdown text in order.
// A ```json block that follows a graphql block, with nothing but prose
// between them, holds its variables. Markers in HTML comments between the
// previous block and this one, each on a line of its own, qualify the
// example.
func extractExamples(file, text string) []docExample {
	lines := strings.Split(text, "\n")
	var out []docExample
	var pending []string // markers seen since the last block
	lastGraphQL := -1    // index in out of a graphql block still waiting for variables
	for i := 0; i < len(lines); i++ {
		m := fenceRe.FindStringSubmatch(lines[i])
		if m == nil {
			if markerRe.MatchString(lines[i]) {
				pending = append(pending, lines[i])
			}
			continue
		}
		lang, start := m[1], i
		var body []string
		for i++; i < len(lines) && !fenceRe.MatchString(lines[i]); i++ {
			body = append(body, lines[i])
		}
		content := strings.Join(body, "\n")
		switch {
		case lang == "graphql":
			ex := docExample{file: file, line: start + 1, query: content}
			for _, mk := range pending {
				sm := markerRe.FindStringSubmatch(mk)
				switch {
				case sm[1] == "may be empty":
					ex.empty = true
				case sm[2] != "":
					ex.errCode = sm[2]
				case sm[3] != "":
					ex.as = sm[3]
				}
			}
			out = append(out, ex)
			lastGraphQL = len(out) - 1
		case lang == "json" && lastGraphQL >= 0:
			out[lastGraphQL].vars = content
			lastGraphQL = -1
		default:
			lastGraphQL = -1
		}
		pending = nil
	}
	return out
}

// TestDocsExamplesRunAsPasted runs every GraphQL example of the docs, in
// document order, with its variables, against a fresh server holding the
// demo data: it must answer without errors (or with exactly the error an
// example says it shows) and with data, unless marked as possibly empty.
func TestDocsExamplesRunAsPasted(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 300
	clock := crm.NewFixedClock(testNow)
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler), clock, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: httptest.NewServer(a.handler), app: a, clock: clock}
	t.Cleanup(func() { ts.Close(); _ = a.Close() })
	ts.admin = ts.login(t, cfg.AdminEmail, adminPassword)

	tokens := map[string]string{}
	tokenOf := func(email string) string {
		if email == "" {
			return ts.admin
		}
		if tok, ok := tokens[email]; ok {
			return tok
		}
		tokens[email] = ts.login(t, email, DemoPassword)
		return tokens[email]
	}
	returned := map[string]map[string]any{} // root field -> its last answer (for <id returned by FIELD>)

	total := 0
	for _, file := range docFiles(t) {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(file, "../")
		for _, ex := range extractExamples(name, string(raw)) {
			total++
			ex := ex
			t.Run(fmt.Sprintf("%s:%d", filepath.Base(name), ex.line), func(t *testing.T) {
				vars := map[string]any{}
				if ex.vars != "" {
					if err := json.Unmarshal([]byte(ex.vars), &vars); err != nil {
						t.Fatalf("%s: variables are not a JSON object: %v", ex, err)
					}
					for k, v := range vars {
						vars[k] = fillPlaceholders(t, ts, returned, v)
					}
				}
				r := ts.post(t, tokenOf(ex.as), ex.query, vars)
				if ex.errCode != "" {
					if len(r.Errors) == 0 || r.Errors[0].code() != ex.errCode {
						t.Fatalf("%s: the docs show a %s error, got %+v (data %s)", ex, ex.errCode, r.Errors, r.Data)
					}
					return
				}
				if len(r.Errors) > 0 {
					t.Fatalf("%s fails as pasted: %+v", ex, r.Errors)
				}
				var data map[string]any
				if err := json.Unmarshal(r.Data, &data); err != nil || len(data) == 0 {
					t.Fatalf("%s: no data: %s", ex, r.Data)
				}
				for field, v := range data {
					if obj, ok := v.(map[string]any); ok {
						returned[field] = obj
					}
					if !ex.empty {
						if why := emptiness(v); why != "" {
							t.Errorf("%s: %s answers nothing on the demo data (%s): %s; show real data or mark it <!-- may be empty -->",
								ex, field, why, r.Data)
						}
					}
				}
			})
		}
	}
	if total < 20 {
		t.Fatalf("only %d examples found: is the extraction broken?", total)
	}
}

// emptiness says why a root field's answer shows nothing: null, an empty
// list, a zero, or a connection or job with no rows.
func emptiness(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case []any:
		if len(v) == 0 {
			return "an empty list"
		}
	case float64:
		if v == 0 {
			return "zero"
		}
	case map[string]any:
		for _, k := range []string{"totalCount", "count", "total"} {
			if n, ok := v[k].(float64); ok && n == 0 {
				return k + " is 0"
			}
		}
		for _, k := range []string{"nodes", "edges", "customers"} {
			if l, ok := v[k].([]any); ok && len(l) == 0 {
				return k + " is empty"
			}
			if c, ok := v[k].(map[string]any); ok {
				if why := emptiness(c); why != "" {
					return k + ": " + why
				}
			}
		}
	}
	return ""
}

var placeholderRe = regexp.MustCompile(`^<(id|version) (?:of (customer|user|a deal of customer|an interaction of customer) (\S+)|returned by (\w+))>$`)

// fillPlaceholders replaces the placeholders of the docs' variables
// (docs/API.md, "Examples in these docs") with values from the server.
func fillPlaceholders(t *testing.T, ts *testServer, returned map[string]map[string]any, v any) any {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = fillPlaceholders(t, ts, returned, e)
		}
		return v
	case []any:
		for i, e := range v {
			v[i] = fillPlaceholders(t, ts, returned, e)
		}
		return v
	case string:
		if !strings.HasPrefix(v, "<") || !strings.HasSuffix(v, ">") {
			return v
		}
		m := placeholderRe.FindStringSubmatch(v)
		if m == nil {
			t.Fatalf("unknown placeholder %q (see docs/API.md, Examples in these docs)", v)
		}
		what, kind, key, field := m[1], m[2], m[3], m[4]
		if field != "" {
			got, ok := returned[field][what]
			if !ok {
				t.Fatalf("%s: no earlier example returned %s { %s }", v, field, what)
			}
			return got
		}
		switch kind {
		case "user":
			var out struct{ Users []struct{ ID, Email string } }
			ts.post(t, ts.admin, `{ users { id email } }`, nil).ok(t, &out)
			for _, u := range out.Users {
				if u.Email == key {
					return u.ID
				}
			}
			t.Fatalf("%s: no such user", v)
		default:
			var out struct {
				Customer *struct {
					ID           string
					Version      int
					Deals        []struct{ ID string }
					Interactions []struct{ ID string }
				}
			}
			ts.post(t, ts.admin, `query($c:String){customer(code:$c){id version deals(limit:1){id} interactions(limit:1){id}}}`,
				map[string]any{"c": key}).ok(t, &out)
			c := out.Customer
			if c == nil {
				t.Fatalf("%s: no such customer", v)
			}
			switch {
			case what == "version":
				return c.Version
			case kind == "a deal of customer" && len(c.Deals) > 0:
				return c.Deals[0].ID
			case kind == "an interaction of customer" && len(c.Interactions) > 0:
				return c.Interactions[0].ID
			case kind == "customer":
				return c.ID
			}
			t.Fatalf("%s: the customer has none", v)
		}
	}
	return v
}
