package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/rs/cors"

	"github.com/kehu-crm/kehu/frontend"
	"github.com/kehu-crm/kehu/graph"
	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
)

// routes builds the HTTP surface:
//
//	POST/GET /graphql   the API (GET for queries only)
//	/graphiql           GraphiQL for analysts, from the embedded bundle (graphiql.go)
//	/healthz            the process is up
//	/readyz             the store is reachable and can write (503 and the reason otherwise)
//	GET /export/customers.csv, .xlsx   customers as a spreadsheet (export.go)
//	GET /import/{id}/result.xlsx        an import's file with its result columns (importfile.go)
//	/                   the single-page app, with history fallback
func (a *app) routes(gql http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", a.limitBody(a.authenticate(gql)))
	mux.HandleFunc("/graphql/", func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, http.StatusNotFound, graph.WithReason(crm.Errorf(crm.CodeNotFound, "no such path; the API is at /graphql"), graph.ReasonNoSuchPath))
	})
	mux.Handle("/export/customers.csv", a.methods(a.authenticate(a.exportHandler("csv")), http.MethodGet, http.MethodHead))
	mux.Handle("/export/customers.xlsx", a.methods(a.authenticate(a.exportHandler("xlsx")), http.MethodGet, http.MethodHead))
	mux.HandleFunc("/export/", func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, http.StatusNotFound, graph.WithReason(crm.Errorf(crm.CodeNotFound,
			"no such export; there are /export/customers.csv and /export/customers.xlsx"), graph.ReasonNoSuchPath))
	})
	mux.Handle("GET /import/{id}/result.xlsx", a.authenticate(a.importResultHandler()))
	mux.Handle("GET /graphiql", a.graphiqlHandler(frontend.Dist()))
	mux.Handle("GET /graphiql/examples.json", a.examplesHandler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := a.store.Ping(ctx); err != nil {
			a.log.Warn("not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			var e *crm.Error
			if errors.As(err, &e) && e.Reason != "" { // e.g. DISK_FULL: reachable, but cannot write
				_, _ = w.Write([]byte(e.Reason + ": " + e.Message + "\n"))
				return
			}
			_, _ = w.Write([]byte("store unreachable\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.Handle("/", a.methods(a.spaHandler(), http.MethodGet, http.MethodHead))

	var h http.Handler = mux
	h = a.timeout(h)
	if len(a.cfg.CORSOrigins) > 0 {
		// Only the listed origins are echoed. With none, no CORS header is
		// ever sent and browsers keep other sites out (rs/cors would treat
		// an empty list as every origin).
		h = cors.New(cors.Options{
			AllowedOrigins:   a.cfg.CORSOrigins,
			AllowedMethods:   []string{http.MethodGet, http.MethodPost},
			AllowedHeaders:   []string{"Authorization", "Content-Type", "Accept"},
			AllowCredentials: true,
			MaxAge:           600,
		}).Handler(h)
	}
	h = securityHeaders(h)
	h = gzhttp.GzipHandler(h) // JSON answers and the app's assets compress 3-10x
	h = a.client(h)
	h = a.requestID(h)
	return h
}

// client puts the request's client (address and HTTPS, through the
// trusted proxies only) in the context, for the sign-in limits and the
// session cookie.
func (a *app) client(next http.Handler) http.Handler {
	var warned atomic.Bool
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(a.cfg.TrustedProxies) == 0 && r.Header.Get("X-Forwarded-For") != "" && !warned.Swap(true) {
			// Behind a proxy that is not listed, every user shares the
			// proxy's address: one guesser slows down everyone's sign-in.
			a.log.Warn("requests carry X-Forwarded-For but KEHU_TRUSTED_PROXIES is empty: the header is ignored and "+
				"every client behind a proxy counts as the proxy's address; list the proxy if there is one",
				"peer", r.RemoteAddr)
		}
		c := auth.ClientOf(r, a.cfg.TrustedProxies)
		next.ServeHTTP(w, r.WithContext(auth.WithClient(r.Context(), c)))
	})
}

// writeError answers with the API's error envelope (graph.WriteError).
func (a *app) writeError(w http.ResponseWriter, r *http.Request, status int, err error) {
	graph.WriteError(r.Context(), w, a.log, status, err)
}

// requestID tags every request with an id (logs, INTERNAL errors, header).
func (a *app) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		ctx := graph.WithRequestID(r.Context(), id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// timeout bounds the time of every request; exports set their own, longer
// limit (export.go).
func (a *app) timeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/export/") || strings.HasPrefix(r.URL.Path, "/import/") {
			next.ServeHTTP(w, r)
			return
		}
		limit := a.cfg.Timeout
		if isMultipart(r) {
			limit += uploadTime // the files arrive first (limitBody)
		}
		ctx, cancel := context.WithTimeout(r.Context(), limit)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

// uploadTime is how long an upload may take to arrive: 50 MB at 1 Mbit/s.
const uploadTime = 10 * time.Minute

// limitBody refuses bodies over the limit with 413 and a GraphQL error,
// whether the client declared the length or streamed it in chunks: the
// body (at most the limit) is read here, before the GraphQL transport.
func (a *app) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tooLarge := func() {
			a.writeError(w, r, http.StatusRequestEntityTooLarge, graph.WithReason(crm.Errorf(crm.CodeBadUserInput,
				"request body is larger than the limit of %s", humanBytes(a.cfg.MaxBodyBytes)), graph.ReasonBodyTooLarge))
		}
		if isMultipart(r) {
			// An upload: the GraphQL transport streams the files to disk
			// and bounds them (ImportMaxBytes); the limit here is its
			// backstop. It may take longer to arrive than a request.
			limit := a.cfg.ImportMaxBytes + a.cfg.MaxBodyBytes
			if r.ContentLength > limit {
				a.writeError(w, r, http.StatusRequestEntityTooLarge, graph.WithReason(crm.Errorf(crm.CodeBadUserInput,
					"the upload is larger than the limit of %s", humanBytes(a.cfg.ImportMaxBytes)), graph.ReasonUploadTooLarge))
				return
			}
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Now().Add(uploadTime))
			_ = rc.SetWriteDeadline(time.Now().Add(uploadTime + a.cfg.Timeout))
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > a.cfg.MaxBodyBytes {
			tooLarge()
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, a.cfg.MaxBodyBytes+1))
		if err != nil {
			a.writeError(w, r, http.StatusBadRequest, graph.WithReason(crm.Errorf(crm.CodeBadUserInput,
				"the request body could not be read"), graph.ReasonInvalidRequest))
			return
		}
		if int64(len(body)) > a.cfg.MaxBodyBytes {
			tooLarge()
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// authenticate puts the signed-in user (bearer token or session cookie) in
// the context. A missing, unknown or expired session token leaves the
// request anonymous: resolvers that need a user answer UNAUTHENTICATED. An
// API token (auth.IsAPIToken) makes the request its read-only principal,
// or is refused here, before anything runs: UNAUTHENTICATED (unknown,
// expired, revoked) or RATE_LIMITED (with Retry-After). Requests made with
// an API token are logged with its name.
func (a *app) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		token := auth.TokenFromRequest(r)
		if auth.IsAPIToken(token) {
			a.serveWithAPIToken(w, r, token, next)
			return
		}
		if token != "" {
			if u, err := a.auth.Authenticate(ctx, token); err == nil {
				ctx = auth.WithUser(ctx, u)
			}
		}
		r = r.WithContext(ctx)
		next.ServeHTTP(w, r.WithContext(graph.WithHTTP(ctx, w, r)))
	})
}

// serveWithAPIToken serves a request made with an API token (authenticate).
func (a *app) serveWithAPIToken(w http.ResponseWriter, r *http.Request, token string, next http.Handler) {
	ctx := r.Context()
	start := time.Now()
	t, err := a.auth.AuthenticateAPIToken(ctx, token)
	if err != nil {
		if at, ok := auth.RetryAt(err); ok {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(at.Sub(a.clock.Now()).Seconds()+0.999))))
		}
		if crm.IsCode(err, crm.CodeRateLimited) || crm.IsCode(err, crm.CodeUnauthenticated) {
			a.log.Warn("API token refused", "request_id", graph.RequestID(ctx), "path", r.URL.Path, "err", err)
		}
		a.writeError(w, r, 0, err)
		return
	}
	ctx = auth.WithAPIToken(ctx, t)
	r = r.WithContext(ctx)
	next.ServeHTTP(w, r.WithContext(graph.WithHTTP(ctx, w, r)))
	a.log.Info("API token request", "request_id", graph.RequestID(ctx), "token", t.Name, "token_id", t.ID,
		"method", r.Method, "path", r.URL.Path, "ms", time.Since(start).Milliseconds())
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return itoa(n>>10) + " KiB"
	}
	return itoa(n) + " bytes"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// spaCSP confines the browser app to its own origin. Ant Design injects
// its styles at run time, hence 'unsafe-inline' for styles only.
const spaCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// spaHandler serves the built app with history fallback: a path that is
// not a file gets index.html. Hashed assets are cached for a year; the
// index is always revalidated.
func (a *app) spaHandler() http.Handler {
	dist := frontend.Dist()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if dist == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			_, _ = w.Write(frontend.Placeholder())
			return
		}
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if p != "" && p != "index.html" {
			if st, err := fs.Stat(dist, p); err == nil && !st.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				http.ServeFileFS(w, r, dist, p)
				return
			}
			if strings.HasPrefix(p, "assets/") || path.Ext(p) != "" {
				a.writeError(w, r, http.StatusNotFound, graph.WithReason(crm.Errorf(crm.CodeNotFound, "no such file"), graph.ReasonNoSuchPath))
				return
			}
		}
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", spaCSP)
		index, err := fs.ReadFile(dist, "index.html")
		if err != nil {
			a.writeError(w, r, 0, fmt.Errorf("the app's index.html is missing: %w", err))
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(index)
	})
}

// methods answers 405 to any method not listed.
func (a *app) methods(next http.Handler, allowed ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, m := range allowed {
			if r.Method == m {
				next.ServeHTTP(w, r)
				return
			}
		}
		list := strings.Join(allowed, ", ")
		w.Header().Set("Allow", list)
		a.writeError(w, r, http.StatusMethodNotAllowed, graph.WithReason(crm.Errorf(crm.CodeBadUserInput,
			"method %.10s is not allowed here; use %s", r.Method, list), graph.ReasonMethodNotAllowed))
	})
}
