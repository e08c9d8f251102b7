package export

import (
	"context"
	"errors"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// FileFormat is the kind of file an export writes.
type FileFormat string

const (
	CSV  FileFormat = "csv"
	XLSX FileFormat = "xlsx"
)

// Page sizes of an export. Lean rows (no nested arrays) are cheap: on the
// embedded store they are shared pointers into the read model. A filter
// that is not lean (one on interaction summaries) is evaluated on every
// whole document per list call on the embedded store, so such exports take
// few, large pages. Contact columns and notes come with the rows of each
// page (ListQuery.WithContacts), read from the stored documents. The
// history columns need whole documents (ListQuery.Full), which hold every
// interaction and deal: a page of them is held in memory while it is
// written, so their pages are smaller.
const (
	leanPage       = 1000
	nestedPage     = 10000
	fullPage       = 500
	fullNestedPage = 2500
)

// Service exports customers for an actor: the customers a saved segment,
// a query line and a search select, as the actor may see them.
type Service struct {
	CRM *crm.Service // lists, saved segments, the clock and the time zone
	// Users are the staff: the names of owners and collaborators in the
	// file, and the users a query line's operands may name.
	Users crm.UserStore

	// PageSize, when > 0, replaces the page sizes (tests).
	PageSize int
	// AfterPage, when set, is called after each page is written and
	// flushed, with the rows written so far (tests).
	AfterPage func(ctx context.Context, rows int)
}

// Request is a validated export.
type Request struct {
	Format  FileFormat
	Columns []Column
	Lang    Lang
	// Query selects and orders the customers; First and After are left to
	// the export's paging.
	Query crm.ListQuery
}

// params are the parameters an export takes; any other is refused.
var params = map[string]bool{"query": true, "segment": true, "search": true, "columns": true, "orderBy": true,
	"desc": true, "scope": true, "lang": true}

// ParseRequest validates the parameters of an export by a, given like
// url.Values: query (a query line), segment (a saved segment's id; ANDed
// with the query line), search, columns, orderBy, desc, scope and lang,
// each at most once. Every problem is reported. Errors: BAD_USER_INPUT
// with the parameter as the field ("format" for an unknown format);
// UNAUTHENTICATED when a is not signed in and a segment is given.
func (s *Service) ParseRequest(ctx context.Context, a crm.Actor, format FileFormat, v map[string][]string) (*Request, error) {
	p := crm.NewProblems()
	add := func(err error) {
		var e *crm.Error
		if errors.As(err, &e) && len(e.Fields) > 0 {
			for _, f := range e.Fields {
				p.Add(f.Field, "%s", f.Message)
			}
			return
		}
		if err != nil {
			p.Add("", "%s", err.Error())
		}
	}
	get := func(name string) string {
		if vs := v[name]; len(vs) > 0 {
			return vs[0]
		}
		return ""
	}
	if format != CSV && format != XLSX {
		p.Add("format", "%s is not a format of the export; use csv or xlsx", quoteShort(string(format)))
	}
	for _, name := range slices.Sorted(maps.Keys(v)) {
		vals := v[name]
		switch {
		case !params[name]:
			p.Add(name, "is not a parameter of the export (parameters: query, segment, search, columns, orderBy, desc, scope, lang)")
		case len(vals) > 1:
			p.Add(name, "is given %d times; give it once", len(vals))
		}
	}
	req := &Request{Format: format, Query: crm.ListQuery{OrderBy: crm.OrderCode, Scope: crm.ScopeActive}}
	var err error
	if req.Columns, err = ParseColumns(get("columns")); err != nil {
		add(err)
	}
	if req.Lang, err = ParseLang(get("lang")); err != nil {
		add(err)
	}
	if o := get("orderBy"); o != "" {
		f := crm.OrderField(strings.ToUpper(o))
		if !f.Valid() {
			names := make([]string, 0, len(crm.OrderFields()))
			for _, f := range crm.OrderFields() {
				names = append(names, string(f))
			}
			p.Add("orderBy", "%q is not a sortable field; use one of %s", o, strings.Join(names, ", "))
		}
		req.Query.OrderBy = f
	}
	if d := get("desc"); d != "" {
		desc, err := strconv.ParseBool(d)
		if err != nil {
			p.Add("desc", "must be true or false")
		}
		req.Query.Desc = desc
	}
	if sc := get("scope"); sc != "" {
		scope := crm.ArchiveScope(strings.ToUpper(sc))
		if !scope.Valid() {
			p.Add("scope", "%q is not a scope; use ACTIVE, ARCHIVED or ALL", sc)
		}
		req.Query.Scope = scope
	}
	req.Query.Search = get("search")
	var where map[string]any // the saved segment's filter
	if id := get("segment"); id != "" {
		seg, err := s.CRM.Segment(ctx, a, id)
		switch {
		case crm.ErrorCode(err) == crm.CodeNotFound:
			p.Add("segment", "no saved segment %q that you can see", id)
		case err != nil:
			return nil, err
		default:
			if where, err = segment.SavedWhere(seg.Where); err != nil {
				return nil, err
			}
		}
	}
	opts := segment.OptionsAt(s.CRM.Clock, s.CRM.Loc, a.UserID)
	opts.Users = segment.LazyUserDirectory(ctx, s.Users, a)
	f, err := segment.FilterOf(where, get("query"), opts)
	switch {
	case err != nil:
		add(err)
	case f != nil:
		req.Query.Filter = f
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return req, nil
}

// Run is an export begun by Start: its first page is read and nothing is
// written yet.
type Run struct {
	s    *Service
	req  *Request
	q    crm.ListQuery
	page *crm.Page
	opt  Options
}

// Start begins req's export for a. It reads the first page before
// anything is written, so a bad order, search or filter is still an error
// the caller can answer in place of the file. Errors: those of
// crm.Service.Customers (BAD_USER_INPUT on search...), and of the user
// store.
func (s *Service) Start(ctx context.Context, a crm.Actor, req *Request) (*Run, error) {
	q := req.Query
	q.User = a.UserID                  // the evaluation gate counts per user
	q.Full = NeedsRecords(req.Columns) // the history columns
	q.WithContacts = NeedsFull(req.Columns) && !q.Full
	nested := q.Filter != nil && !q.Filter.Lean()
	switch {
	case q.Full && nested:
		q.First = fullNestedPage
	case q.Full:
		q.First = fullPage
	case nested:
		q.First = nestedPage
	default:
		q.First = leanPage
	}
	if s.PageSize > 0 {
		q.First = s.PageSize
	}
	page, err := s.CRM.Customers(ctx, q)
	if err != nil {
		return nil, err
	}
	users, err := s.Users.List(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
	}
	opt := Options{Actor: a, Loc: s.CRM.Loc, Lang: req.Lang, UserName: func(id string) string { return names[id] }}
	return &Run{s: s, req: req, q: q, page: page, opt: opt}, nil
}

// Stream writes the whole file to w, page by page, every row masked for
// the actor (crm.VisibleCustomer), and returns the rows written. When w
// has a Flush() error method (an HTTP response), it is called after each
// page, so CSV rows reach the reader as they are written; XLSX is written
// whole at the end. Stream stops with ctx's error when ctx ends between
// pages; on any error the file is left incomplete. Call it once.
func (r *Run) Stream(ctx context.Context, w io.Writer) (rows int, err error) {
	if r.page == nil {
		return 0, errors.New("export: Run.Stream called twice")
	}
	flush := func() {}
	if f, ok := w.(interface{ Flush() error }); ok {
		flush = func() { _ = f.Flush() }
	}
	var ew Writer
	if r.req.Format == XLSX {
		ew, err = NewXLSX(w, r.req.Columns, r.opt)
	} else {
		ew, err = NewCSV(w, r.req.Columns, r.opt)
	}
	if err != nil {
		return 0, err
	}
	fail := func(err error) (int, error) {
		ew.Discard()
		return rows, err
	}
	q, page := r.q, r.page
	r.page = nil // the rows are the writer's now
	for {
		for _, c := range page.Customers {
			if err := ew.Write(c); err != nil {
				return fail(err)
			}
			rows++
		}
		if err := ew.Flush(); err != nil {
			return fail(err)
		}
		flush()
		if r.s.AfterPage != nil {
			r.s.AfterPage(ctx, rows)
		}
		if !page.HasNext {
			break
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		last := page.Customers[len(page.Customers)-1]
		q.After = &crm.Cursor{Value: last.SortValue(q.OrderBy), ID: last.ID}
		if page, err = r.s.CRM.Customers(ctx, q); err != nil {
			return fail(err)
		}
	}
	if err := ew.Close(); err != nil {
		return fail(err)
	}
	return rows, nil
}
