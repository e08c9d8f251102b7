package main

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/graph"
	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/export"
	"github.com/kehu-crm/kehu/internal/segment"
)

// GET /export/customers.csv and /export/customers.xlsx: the customers an
// ad-hoc filter selects, as a spreadsheet with the columns the user picked,
// streamed page by page. Signed in like the API; contact details masked
// for the user exactly as the API masks them (crm.VisibleCustomer, also
// inside free text).
// A saved segment (the segment parameter) and a query line are ANDed.

// Page sizes of an export. Lean rows (no nested arrays) are cheap: on the
// embedded store they are shared pointers into the read model. A filter
// that is not lean (one on interaction summaries) is evaluated on every
// whole document per list call on the embedded store, so such exports take
// few, large pages. Contact columns and notes come with the rows of each
// page (ListQuery.WithContacts), read from the stored documents.
const (
	exportLeanPage   = 1000
	exportNestedPage = 10000
)

// exportTimeout bounds an export (or KEHU_REQUEST_TIMEOUT when longer): a
// file of every customer may take longer than an API request.
const exportTimeout = 10 * time.Minute

// exportParams are the parameters an export takes; any other is refused.
var exportParams = map[string]bool{"query": true, "segment": true, "search": true, "columns": true, "orderBy": true,
	"desc": true, "scope": true, "lang": true}

// exportRequest is a validated export.
type exportRequest struct {
	format string // csv or xlsx
	cols   []export.Column
	lang   export.Lang
	q      crm.ListQuery // without First and After
}

func (a *app) exportHandler(format string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		limit := max(a.cfg.Timeout, exportTimeout)
		ctx, cancel := context.WithTimeout(r.Context(), limit)
		defer cancel()
		r = r.WithContext(ctx)
		// The server's read and write deadlines are those of an API request.
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(start.Add(limit + 10*time.Second))
		_ = rc.SetWriteDeadline(start.Add(limit + 10*time.Second))
		id := graph.RequestID(r.Context())
		actor, refused := auth.Principal(r.Context())
		// Exports carry personal data: every one is logged with who asked,
		// whatever its outcome.
		logged := func(level slog.Level, msg string, args ...any) {
			a.log.Log(r.Context(), level, msg, append([]any{"request_id", id, "user", actor.UserID,
				"client", auth.ClientFrom(r.Context()).Addr.String(), "format", format}, args...)...)
		}
		if refused != nil {
			msg := "export refused: the password must be changed first"
			if crm.IsCode(refused, crm.CodeUnauthenticated) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="kehu"`)
				msg = "export refused: not signed in"
			}
			logged(slog.LevelInfo, msg, "code", crm.ErrorCode(refused))
			a.writeError(w, r, 0, refused)
			return
		}
		req, err := a.parseExport(r.Context(), r.URL.Query(), actor, format)
		if err != nil {
			logged(slog.LevelInfo, "export refused", "code", crm.ErrorCode(err))
			a.writeError(w, r, 0, err)
			return
		}
		rows, started, err := a.runExport(w, r, actor, req)
		if a.afterExport != nil {
			a.afterExport(rows, err)
		}
		filtered := req.q.Filter != nil || req.q.Search != ""
		took := time.Since(start).Round(time.Millisecond)
		switch {
		case err == nil:
			logged(slog.LevelInfo, "export", "filtered", filtered, "rows", rows, "took", took)
			return
		case !started:
			logged(slog.LevelInfo, "export refused", "filtered", filtered, "code", crm.ErrorCode(err))
			a.writeError(w, r, 0, err)
			return
		case r.Context().Err() != nil:
			logged(slog.LevelInfo, "export stopped: the client went away or the time ran out", "filtered", filtered,
				"rows", rows, "took", took, "err", r.Context().Err())
		default:
			logged(slog.LevelError, "export failed", "filtered", filtered, "rows", rows, "took", took, "err", err)
		}
		// The status and part of the file are out: break the response off
		// so the client sees an incomplete download, not a short file that
		// looks whole.
		panic(http.ErrAbortHandler)
	})
}

// parseExport validates the parameters; every problem is reported.
// Errors: BAD_USER_INPUT with the parameter as the field.
func (a *app) parseExport(ctx context.Context, v url.Values, actor crm.Actor, format string) (*exportRequest, error) {
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
	for _, name := range slices.Sorted(maps.Keys(v)) {
		vals := v[name]
		switch {
		case !exportParams[name]:
			p.Add(name, "is not a parameter of the export (parameters: query, segment, search, columns, orderBy, desc, scope, lang)")
		case len(vals) > 1:
			p.Add(name, "is given %d times; give it once", len(vals))
		}
	}
	req := &exportRequest{format: format, q: crm.ListQuery{OrderBy: crm.OrderCode, Scope: crm.ScopeActive}}
	var err error
	if req.cols, err = export.ParseColumns(v.Get("columns")); err != nil {
		add(err)
	}
	if req.lang, err = export.ParseLang(v.Get("lang")); err != nil {
		add(err)
	}
	if s := v.Get("orderBy"); s != "" {
		f := crm.OrderField(strings.ToUpper(s))
		if !f.Valid() {
			names := make([]string, 0, len(crm.OrderFields()))
			for _, f := range crm.OrderFields() {
				names = append(names, string(f))
			}
			p.Add("orderBy", "%q is not a sortable field; use one of %s", s, strings.Join(names, ", "))
		}
		req.q.OrderBy = f
	}
	if s := v.Get("desc"); s != "" {
		d, err := strconv.ParseBool(s)
		if err != nil {
			p.Add("desc", "must be true or false")
		}
		req.q.Desc = d
	}
	if s := v.Get("scope"); s != "" {
		sc := crm.ArchiveScope(strings.ToUpper(s))
		if !sc.Valid() {
			p.Add("scope", "%q is not a scope; use ACTIVE, ARCHIVED or ALL", s)
		}
		req.q.Scope = sc
	}
	req.q.Search = v.Get("search")
	var where map[string]any // the saved segment's filter
	if id := v.Get("segment"); id != "" {
		seg, err := a.crm.Segment(ctx, actor, id)
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
	opts := segment.OptionsAt(a.crm.Clock, a.crm.Loc, actor.UserID)
	opts.Users = graph.LazyUserDirectory(ctx, a.store.Users(), actor)
	f, err := segment.FilterOf(where, v.Get("query"), opts)
	switch {
	case err != nil:
		add(err)
	case f != nil:
		req.q.Filter = f
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return req, nil
}

// runExport streams the file. It returns the rows written and whether the
// response began: an error before that is answered as an error response.
func (a *app) runExport(w http.ResponseWriter, r *http.Request, actor crm.Actor, req *exportRequest) (rows int, started bool, err error) {
	ctx := r.Context()
	q := req.q
	q.User = actor.UserID                       // the evaluation gate counts per user
	q.WithContacts = export.NeedsFull(req.cols) // contact columns and notes
	q.First = exportLeanPage
	if q.Filter != nil && !q.Filter.Lean() {
		q.First = exportNestedPage
	}
	if s := a.exportPageSize; s > 0 {
		q.First = s
	}
	// The first page before any byte: a bad order, search or filter is
	// still a proper error response.
	page, err := a.crm.Customers(ctx, q)
	if err != nil {
		return 0, false, err
	}
	users, err := a.store.Users().List(ctx)
	if err != nil {
		return 0, false, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
	}
	opt := export.Options{Actor: actor, Loc: a.crm.Loc, Lang: req.lang, UserName: func(id string) string { return names[id] }}

	h := w.Header()
	h.Set("Content-Type", export.ContentType(req.format))
	h.Set("Content-Disposition", `attachment; filename="customers-`+a.clock.Now().In(a.loc()).Format("20060102")+"."+req.format+`"`)
	h.Set("Cache-Control", "no-store") // personal data
	if req.format == "xlsx" {
		h.Set("No-Gzip-Compression", "1") // a zip already; the gzip middleware strips this header
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return 0, true, nil
	}
	rc := http.NewResponseController(w)
	_ = rc.Flush() // the download starts now, even for XLSX, which is written at the end
	var ew export.Writer
	if req.format == "xlsx" {
		ew, err = export.NewXLSX(w, req.cols, opt)
	} else {
		ew, err = export.NewCSV(w, req.cols, opt)
	}
	if err != nil {
		return 0, true, err
	}
	fail := func(err error) (int, bool, error) {
		ew.Discard()
		return rows, true, err
	}
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
		_ = rc.Flush() // CSV rows reach the client page by page
		if a.afterExportPage != nil {
			a.afterExportPage(ctx, rows)
		}
		if !page.HasNext {
			break
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		last := page.Customers[len(page.Customers)-1]
		q.After = &crm.Cursor{Value: last.SortValue(q.OrderBy), ID: last.ID}
		if page, err = a.crm.Customers(ctx, q); err != nil {
			return fail(err)
		}
	}
	if err := ew.Close(); err != nil {
		return fail(err)
	}
	return rows, true, nil
}

func (a *app) loc() *time.Location {
	if a.crm.Loc == nil {
		return crm.DefaultLocation
	}
	return a.crm.Loc
}
