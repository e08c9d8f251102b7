package main

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/kehu-crm/kehu/graph"
	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/export"
)

// GET /import/{id}/result.xlsx?lang=zh-CN|en: a finished import's file with
// its result columns (importer.Jobs.WriteResultFile). Signed in like the
// API; for managers and admins.

// resultFileTimeout bounds the writing of a result file (100,000 rows).
const resultFileTimeout = 5 * time.Minute

func (a *app) importResultHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), max(a.cfg.Timeout, resultFileTimeout))
		defer cancel()
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Now().Add(max(a.cfg.Timeout, resultFileTimeout) + 10*time.Second))
		actor, err := auth.Principal(ctx)
		if err != nil {
			a.writeError(w, r, 0, err)
			return
		}
		q := r.URL.Query()
		for k := range q {
			if k != "lang" {
				a.writeError(w, r, 0, &crm.Error{Code: crm.CodeBadUserInput, Message: "the result file takes one parameter, lang (zh-CN or en)",
					Fields: []crm.FieldError{{Field: k, Reason: crm.ReasonNotAllowed, Message: "not a parameter of the result file"}}})
				return
			}
		}
		id := r.PathValue("id")
		out := &lazyHeaders{w: w, set: func(h http.Header) {
			h.Set("Content-Type", export.ContentType(export.XLSX))
			h.Set("Content-Disposition", `attachment; filename*=UTF-8''`+url.PathEscape("导入结果-"+id+".xlsx"))
			h.Set("Cache-Control", "no-store") // personal data
			h.Set("No-Gzip-Compression", "1")
		}}
		if err := a.imports.WriteResultFile(ctx, actor, id, q.Get("lang"), out); err != nil {
			if out.started {
				a.log.Error("writing an import's result file", "request_id", graph.RequestID(ctx), "import", id, "err", err)
				panic(http.ErrAbortHandler) // a short file must not look whole
			}
			a.writeError(w, r, 0, err)
		}
	})
}

// lazyHeaders sets the file's headers at its first byte, so that an error
// before it is still answered as an error.
type lazyHeaders struct {
	w       http.ResponseWriter
	set     func(http.Header)
	started bool
}

func (l *lazyHeaders) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.set(l.w.Header())
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(p)
}
