package main

import (
	"encoding/json"
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
	// Upload, for a ```sh block of curl sending a multipart request (an
	// upload; GraphiQL does not list these): Query and Variables are its
	// operations field's.
	Upload *docUpload `json:"-"`
}

// docUpload is the rest of a curl upload example: its map field, its
// headers, and each file field's content: the ```csv block before it.
type docUpload struct {
	Map     string
	Headers map[string]string
	Files   map[string][]byte // field -> content
}

var (
	curlFormRe   = regexp.MustCompile(`-F\s+'([^'=]+)=([^']*)'`)
	curlHeaderRe = regexp.MustCompile(`-H\s+'([^':]+):\s*([^']*)'`)
	markerRe     = regexp.MustCompile(`^\s*<!--\s*(may be empty|expect error:\s*([A-Z_]+)|as:\s*(\S+))\s*-->\s*$`)
	fenceRe      = regexp.MustCompile("^\\s*```\\s*([A-Za-z]*)")
	headingRe    = regexp.MustCompile(`^#{1,6}\s+(.*)$`)
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
func extractExamples(file0, text string) []docExample {
	file := []byte(nil) // the last ```csv block: an upload example's file
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
			ex := docExample{File: file0, Line: start + 1, Section: section, Title: strings.TrimSpace(strings.Join(prose, " ")), Query: content}
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
		case lang == "csv":
			file = []byte(content + "\n")
			lastGraphQL = -1
			continue // the markers and prose are the curl example's
		case lang == "sh" && strings.Contains(content, "-F 'operations="):
			if ex, ok := uploadExample(content, file); ok {
				ex.File, ex.Line, ex.Section, ex.Title = file0, start+1, section, strings.TrimSpace(strings.Join(prose, " "))
				for _, mk := range pending {
					if sm := markerRe.FindStringSubmatch(mk); sm[3] != "" {
						ex.As = sm[3]
					}
				}
				out = append(out, ex)
			}
			lastGraphQL = -1
		default:
			lastGraphQL = -1
		}
		pending, prose = nil, nil
	}
	return out
}

// uploadExample reads a curl command sending a GraphQL multipart request:
// its -F 'operations=...', -F 'map=...' and -F 'FIELD=@NAME' (the file,
// whose content is file), and its -H headers.
func uploadExample(cmd string, file []byte) (docExample, bool) {
	var ex docExample
	up := &docUpload{Headers: map[string]string{}, Files: map[string][]byte{}}
	for _, m := range curlFormRe.FindAllStringSubmatch(cmd, -1) {
		switch name, value := m[1], m[2]; {
		case name == "operations":
			var ops struct {
				Query     string          `json:"query"`
				Variables json.RawMessage `json:"variables"`
			}
			if json.Unmarshal([]byte(value), &ops) != nil {
				return ex, false
			}
			ex.Query, ex.Variables = ops.Query, string(ops.Variables)
		case name == "map":
			up.Map = value
		case strings.HasPrefix(value, "@"):
			up.Files[name] = file
		}
	}
	for _, m := range curlHeaderRe.FindAllStringSubmatch(cmd, -1) {
		up.Headers[m[1]] = m[2]
	}
	ex.Upload = up
	return ex, ex.Query != ""
}
