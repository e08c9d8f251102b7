package main

import (
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/kehu-crm/kehu/docs"
	"github.com/kehu-crm/kehu/internal/segment"
)

// docExample is one GraphQL example of the docs, with what the docs say
// around it. The convention (docs/API.md, "Example queries"): a ```graphql
// block is one request; a ```json block that follows it with only prose
// between holds its variables; HTML comments on lines of their own before
// the block qualify it (<!-- as: EMAIL -->, <!-- may be empty -->,
// <!-- expect error: CODE -->). TestDocsExamplesRunAsPasted runs them all;
// /graphiql lists them.
type docExample struct {
	File      string `json:"file"`    // docs/API.md
	Section   string `json:"section"` // the heading above it
	Title     string `json:"title"`   // the prose just before it
	Line      int    `json:"-"`
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"` // JSON text
	As        string `json:"as,omitempty"`        // run it signed in as this user
	Empty     bool   `json:"-"`                   // may answer without data
	ErrCode   string `json:"-"`                   // shows this error
}

var (
	markerRe  = regexp.MustCompile(`^\s*<!--\s*(may be empty|expect error:\s*([A-Z_]+)|as:\s*(\S+))\s*-->\s*$`)
	fenceRe   = regexp.MustCompile("^\\s*```\\s*([A-Za-z]*)")
	headingRe = regexp.MustCompile(`^#{1,6}\s+(.*)$`)
)

// docExamples extracts the examples of every embedded doc: docs/*.md (a
// new file there is picked up by itself) and internal/segment/QUERY.md.
func docExamples() ([]docExample, error) {
	names, err := fs.Glob(docs.Files, "*.md")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []docExample
	for _, name := range names {
		b, err := fs.ReadFile(docs.Files, name)
		if err != nil {
			return nil, err
		}
		out = append(out, extractExamples("docs/"+name, string(b))...)
	}
	return append(out, extractExamples("internal/segment/QUERY.md", string(segment.QueryDoc))...), nil
}

// extractExamples returns the ```graphql blocks of a Markdown text in order.
func extractExamples(file, text string) []docExample {
	lines := strings.Split(text, "\n")
	var out []docExample
	var pending []string // markers seen since the last block
	var prose []string   // the paragraph before the block
	section := ""
	lastGraphQL := -1 // index in out of a graphql block still waiting for variables
	for i := 0; i < len(lines); i++ {
		m := fenceRe.FindStringSubmatch(lines[i])
		if m == nil {
			switch l := strings.TrimSpace(lines[i]); {
			case markerRe.MatchString(l):
				pending = append(pending, l)
			case headingRe.MatchString(l):
				section, prose = headingRe.FindStringSubmatch(l)[1], nil
			case l == "":
				if len(prose) > 0 && prose[len(prose)-1] != "" {
					prose = append(prose, "")
				}
			default:
				if len(prose) > 0 && prose[len(prose)-1] == "" {
					prose = nil // a new paragraph
				}
				prose = append(prose, l)
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
			ex := docExample{File: file, Line: start + 1, Section: section, Title: strings.TrimSpace(strings.Join(prose, " ")), Query: content}
			for _, mk := range pending {
				sm := markerRe.FindStringSubmatch(mk)
				switch {
				case sm[1] == "may be empty":
					ex.Empty = true
				case sm[2] != "":
					ex.ErrCode = sm[2]
				case sm[3] != "":
					ex.As = sm[3]
				}
			}
			out = append(out, ex)
			lastGraphQL = len(out) - 1
		case lang == "json" && lastGraphQL >= 0:
			out[lastGraphQL].Variables = content
			lastGraphQL = -1
		default:
			lastGraphQL = -1
		}
		pending, prose = nil, nil
	}
	return out
}
