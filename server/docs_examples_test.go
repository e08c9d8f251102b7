package main

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"
	"testing"
)

// TestDocsExamplesRunAsPasted runs every GraphQL example of the docs, in
// document order, with its variables, against a fresh server holding the
// demo data: it must answer without errors (or with exactly the error an
// example says it shows) and with data, unless marked as possibly empty.
func TestDocsExamplesRunAsPasted(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 300
	ts := newTestServerWith(t, cfg)

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

	examples, err := docExamples()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, ex := range examples {
		files[ex.File] = true
		t.Run(fmt.Sprintf("%s:%d", path.Base(ex.File), ex.Line), func(t *testing.T) {
			{
				vars := map[string]any{}
				if ex.Variables != "" {
					if err := json.Unmarshal([]byte(ex.Variables), &vars); err != nil {
						t.Fatalf("%s: variables are not a JSON object: %v", ex, err)
					}
					for k, v := range vars {
						vars[k] = fillPlaceholders(t, ts, returned, v)
					}
				}
				var r gqlResponse
				if ex.Upload != nil {
					r = ts.uploadExample(t, tokenOf(ex.As), ex, vars)
				} else {
					r = ts.post(t, tokenOf(ex.As), ex.Query, vars)
				}
				if ex.ErrCode != "" {
					if len(r.Errors) == 0 || r.Errors[0].code() != ex.ErrCode {
						t.Fatalf("%s: the docs show a %s error, got %+v (data %s)", ex, ex.ErrCode, r.Errors, r.Data)
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
					if !ex.Empty {
						if why := emptiness(v); why != "" {
							t.Errorf("%s: %s answers nothing on the demo data (%s): %s; show real data or mark it <!-- may be empty -->",
								ex, field, why, r.Data)
						}
					}
				}
			}
		})
	}
	// Every doc is read: each of these has examples.
	for _, f := range []string{"docs/API.md", "internal/segment/QUERY.md"} {
		if !files[f] {
			t.Errorf("no example found in %s: is the extraction broken?", f)
		}
	}
	if len(examples) < 20 {
		t.Fatalf("only %d examples found: is the extraction broken?", len(examples))
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

var placeholderRe = regexp.MustCompile(`^<(id|version) (?:of (customer|user|a deal of customer|an interaction of customer) (\S+)|returned by ([\w.]+))>$`)

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
			// FIELD or FIELD.sub.sub: an object inside the answer.
			path := strings.Split(field, ".")
			obj := returned[path[0]]
			for _, p := range path[1:] {
				obj, _ = obj[p].(map[string]any)
			}
			got, ok := obj[what]
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

func (e docExample) String() string { return fmt.Sprintf("%s:%d", e.File, e.Line) }

// uploadExample sends a curl upload example of the docs (docUpload) as a
// multipart request, and waits for the import it starts to finish, as a
// client polling importJob would: the next examples read its outcome.
func (ts *testServer) uploadExample(t *testing.T, token string, ex docExample, vars map[string]any) gqlResponse {
	t.Helper()
	ops, _ := json.Marshal(map[string]any{"query": ex.Query, "variables": vars})
	var files []upload
	for field, body := range ex.Upload.Files {
		files = append(files, upload{field, "customers.csv", body})
	}
	req := multipartRequest(t, ts.URL, string(ops), ex.Upload.Map, files...)
	for k, v := range ex.Upload.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	r := ts.do(t, req)
	var started struct{ ImportCustomers *struct{ ID string } }
	if len(r.Errors) == 0 && json.Unmarshal(r.Data, &started) == nil && started.ImportCustomers != nil {
		ts.waitImport(t, token, started.ImportCustomers.ID)
	}
	return r
}
