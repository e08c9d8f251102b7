package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
)

// graphiqlCSP is the SPA's policy: GraphiQL is built into the same bundle
// (frontend/graphiql.html), loads nothing from elsewhere and needs no eval.
const graphiqlCSP = spaCSP

// graphiqlHandler serves GET /graphiql: GraphiQL from the embedded bundle
// (no CDN, so it works on an intranet without Internet access), or, in a
// binary built without the bundle, a page that says how to build it and
// lists the docs' examples.
func (a *app) graphiqlHandler(dist fs.FS) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", graphiqlCSP)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if dist != nil {
			if page, err := fs.ReadFile(dist, "graphiql.html"); err == nil {
				_, _ = w.Write(page)
				return
			}
		}
		examples, err := docExamples()
		if err != nil {
			a.writeError(w, r, 0, fmt.Errorf("reading the docs' examples: %w", err))
			return
		}
		var b bytes.Buffer
		if err := graphiqlPlaceholder.Execute(&b, examples); err != nil {
			a.writeError(w, r, 0, err)
			return
		}
		_, _ = w.Write(b.Bytes())
	})
}

// examplesHandler serves GET /graphiql/examples.json: every GraphQL example
// of the docs embedded in the binary, for GraphiQL's examples list.
func (a *app) examplesHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		examples, err := docExamples()
		if err != nil {
			a.writeError(w, r, 0, fmt.Errorf("reading the docs' examples: %w", err))
			return
		}
		// GraphiQL sends no files: the upload examples are left out.
		examples = slices.DeleteFunc(examples, func(ex docExample) bool { return ex.Upload != nil })
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		_ = json.NewEncoder(w).Encode(examples)
	})
}

var graphiqlPlaceholder = template.Must(template.New("graphiql").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kehu GraphQL</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}pre{background:#f5f7fa;padding:.75rem;overflow:auto}</style>
</head><body>
<h1>Kehu GraphQL</h1>
<p>GraphiQL is part of the app's bundle, which this binary was built without. Build it with
<code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>, then <code>go build ./server</code>.
Meanwhile the API answers at <code>POST /graphql</code> (docs/API.md); the examples of the docs:</p>
{{range .}}<h2>{{.Section}}</h2><p>{{.Title}}</p><pre>{{.Query}}</pre>{{if .Variables}}<pre>{{.Variables}}</pre>{{end}}
{{end}}</body></html>
`))
