package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/kehu-crm/kehu/graph"
	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/export"
)

// GET /export/customers.csv and /export/customers.xlsx: the customers an
// ad-hoc filter selects, as a spreadsheet (internal/export does the work).
// Signed in like the API; contact details masked for the user exactly as
// the API masks them.

// exportTimeout bounds an export (or KEHU_REQUEST_TIMEOUT when longer): a
// file of every customer may take longer than an API request.
const exportTimeout = 10 * time.Minute

// exportService is the export use case with the app's store and the
// tests' hooks.
func (a *app) exportService() *export.Service {
	return &export.Service{CRM: a.crm, Users: a.store.Users(), PageSize: a.exportPageSize, AfterPage: a.afterExportPage}
}

func (a *app) exportHandler(format export.FileFormat) http.Handler {
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
				"client", auth.ClientFrom(r.Context()).Addr.String(), "format", string(format)}, args...)...)
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
		svc := a.exportService()
		req, err := svc.ParseRequest(r.Context(), actor, format, r.URL.Query())
		if err != nil {
			logged(slog.LevelInfo, "export refused", "code", crm.ErrorCode(err))
			a.writeError(w, r, 0, err)
			return
		}
		rows, started, err := a.writeExport(w, r, svc, actor, req)
		if a.afterExport != nil {
			a.afterExport(rows, err)
		}
		filtered := req.Query.Filter != nil || req.Query.Search != ""
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

// writeExport answers with the file. It returns the rows written and
// whether the response began: an error before that is answered as an
// error response.
func (a *app) writeExport(w http.ResponseWriter, r *http.Request, svc *export.Service, actor crm.Actor, req *export.Request) (rows int, started bool, err error) {
	run, err := svc.Start(r.Context(), actor, req)
	if err != nil {
		return 0, false, err
	}
	h := w.Header()
	h.Set("Content-Type", export.ContentType(req.Format))
	h.Set("Content-Disposition", `attachment; filename="customers-`+a.clock.Now().In(a.loc()).Format("20060102")+"."+string(req.Format)+`"`)
	h.Set("Cache-Control", "no-store") // personal data
	if req.Format == export.XLSX {
		h.Set("No-Gzip-Compression", "1") // a zip already; the gzip middleware strips this header
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return 0, true, nil
	}
	rc := http.NewResponseController(w)
	_ = rc.Flush() // the download starts now, even for XLSX, which is written at the end
	rows, err = run.Stream(r.Context(), flushingWriter{w, rc})
	return rows, true, err
}

// flushingWriter lets the export push each page of CSV to the client.
type flushingWriter struct {
	io.Writer
	rc *http.ResponseController
}

func (f flushingWriter) Flush() error { return f.rc.Flush() }

func (a *app) loc() *time.Location {
	if a.crm.Loc == nil {
		return crm.DefaultLocation
	}
	return a.crm.Loc
}
