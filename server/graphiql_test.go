package main

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kehu-crm/kehu/frontend"
)

var refRe = regexp.MustCompile(`(?:src|href|action)\s*=\s*["']([^"']*)["']|url\(\s*["']?([^"')]*)`)

// externalRefs lists what a page or stylesheet would load from another
// host: every src, href and url() that is not a path on this server or
// inline data.
func externalRefs(text string) []string {
	var out []string
	for _, m := range refRe.FindAllStringSubmatch(text, -1) {
		ref := m[1] + m[2]
		if strings.HasPrefix(ref, "data:") || ref == "" || ref[0] == '#' || (ref[0] == '/' && !strings.HasPrefix(ref, "//")) {
			continue
		}
		if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") {
			out = append(out, ref)
		}
	}
	return out
}

// /graphiql is served from the binary: the page, its scripts and styles
// reference no other host, and the policy lets the browser load nothing
// from one (no CDN an intranet or a network in mainland China may not reach).
func TestGraphiQLServedFromTheBinary(t *testing.T) {
	ts := newTestServer(t)
	get := func(p string) (*http.Response, string) {
		t.Helper()
		resp, err := ts.Client().Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, page := get("/graphiql")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("/graphiql: %d %v", resp.StatusCode, resp.Header)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if csp != graphiqlCSP || strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "http") || strings.Contains(csp, "*") {
		t.Errorf("policy %q", csp)
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("security headers: %v", resp.Header)
	}
	if refs := externalRefs(page); len(refs) > 0 {
		t.Errorf("/graphiql references other hosts: %v", refs)
	}
	if strings.Contains(page, "cdn.jsdelivr") || strings.Contains(page, "unpkg.com") {
		t.Errorf("/graphiql loads from a CDN:\n%s", page)
	}
	// Built: every script and stylesheet it names is embedded, and they too
	// name no other host to load from. Not built: the page lists the docs'
	// examples.
	if dist := frontend.Dist(); dist != nil {
		if _, err := fs.Stat(dist, "graphiql.html"); err != nil {
			t.Fatalf("the bundle has no graphiql.html: %v", err)
		}
		assets := regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`).FindAllStringSubmatch(page, -1)
		if len(assets) == 0 {
			t.Fatalf("the built page names no script:\n%s", page)
		}
		for _, m := range assets {
			resp, body := get(m[1])
			if resp.StatusCode != 200 {
				t.Errorf("%s: %d", m[1], resp.StatusCode)
			}
			if strings.HasSuffix(m[1], ".css") {
				if refs := externalRefs(body); len(refs) > 0 {
					t.Errorf("%s loads from other hosts: %v", m[1], refs)
				}
			}
			if strings.HasSuffix(m[1], ".js") && (strings.Contains(body, "cdn.jsdelivr.net") || strings.Contains(body, "unpkg.com")) {
				t.Errorf("%s names a CDN", m[1])
			}
		}
	} else if !strings.Contains(page, "npm run build") || !strings.Contains(page, "customers(first: 20") {
		t.Errorf("the page without a bundle says nothing useful:\n%s", page)
	}

	// The examples GraphiQL lists: every doc's, with their variables.
	resp, body := get("/graphiql/examples.json")
	var examples []docExample
	if err := json.Unmarshal([]byte(body), &examples); err != nil || resp.StatusCode != 200 {
		t.Fatalf("examples.json: %d %v %s", resp.StatusCode, err, body)
	}
	files := map[string]int{}
	withVars := 0
	for _, e := range examples {
		files[e.File]++
		if e.Variables != "" {
			withVars++
		}
	}
	if files["docs/API.md"] < 20 || files["internal/segment/QUERY.md"] == 0 || withVars < 10 {
		t.Errorf("examples: %v, %d with variables", files, withVars)
	}

	// The handler serves the bundle's page as it is, whatever it holds.
	fake := fstest.MapFS{"graphiql.html": {Data: []byte("<!doctype html><title>built</title>")}}
	rec := httptest.NewRecorder()
	ts.app.graphiqlHandler(fake).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/graphiql", nil))
	if rec.Body.String() != "<!doctype html><title>built</title>" || rec.Header().Get("Content-Security-Policy") != graphiqlCSP {
		t.Errorf("built page: %q %v", rec.Body.String(), rec.Header())
	}
	rec = httptest.NewRecorder()
	ts.app.graphiqlHandler(nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/graphiql", nil))
	if fallback := rec.Body.String(); !strings.Contains(fallback, "npm run build") || len(externalRefs(fallback)) > 0 ||
		!strings.Contains(fallback, "saveSegment") {
		t.Errorf("page without a bundle:\n%s", fallback)
	}
}

// The docs' convention: variables in the json block that follows, markers
// on lines of their own, the prose before a block as its title.
func TestExtractExamples(t *testing.T) {
	md := "# Guide\n\n## Lists\n\nThe first page:\n\n```graphql\n{ a }\n```\n\nwith variables\n\n```json\n{\"x\": 1}\n```\n\n" +
		"A `<!-- may be empty -->` in prose is no marker.\n\n<!-- may be empty -->\n<!-- as: sales1@kehu.local -->\n```graphql\n{ b }\n```\n\n" +
		"```sh\ncurl\n```\n\n```json\n{\"not\": \"vars\"}\n```\n\n<!-- expect error: BAD_USER_INPUT -->\n```graphql\n{ c }\n```\n"
	got := extractExamples("docs/X.md", md)
	if len(got) != 3 {
		t.Fatalf("%d examples: %+v", len(got), got)
	}
	a, b, c := got[0], got[1], got[2]
	if a.Query != "{ a }" || a.Variables != `{"x": 1}` || a.Section != "Lists" || a.Title != "The first page:" || a.Empty || a.As != "" || a.Line != 7 {
		t.Errorf("first: %+v", a)
	}
	if b.Variables != "" || !b.Empty || b.As != "sales1@kehu.local" || b.ErrCode != "" {
		t.Errorf("second: %+v", b)
	}
	if c.ErrCode != "BAD_USER_INPUT" || c.Empty || c.Variables != "" {
		t.Errorf("third: %+v", c)
	}
}

// introspectionQuery is graphql-js 16's getIntrospectionQuery() with the
// options GraphiQL 4 sets (descriptions, specifiedByURL, repeatable
// directives, schema description, deprecated input values).
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    description
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL
  fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}`

// GraphiQL's introspection query passes the depth and complexity limits:
// it is as deep as the schema's type references, not the data.
func TestIntrospectionForGraphiQL(t *testing.T) {
	ts := newTestServer(t)
	var out struct {
		Schema struct{ Types []struct{ Name string } } `json:"__schema"`
	}
	ts.post(t, ts.admin, introspectionQuery, nil).ok(t, &out)
	if len(out.Schema.Types) < 50 {
		t.Fatalf("%d types", len(out.Schema.Types))
	}
	// Data stays bounded: graph's depth tests (transport_test.go) still
	// refuse data selections past the limit.
}
