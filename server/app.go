package main

import (
	"context"
	"fmt"
	"github.com/kehu-crm/kehu/internal/analytics"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/kehu-crm/kehu/graph"
	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/dedupe"
	"github.com/kehu-crm/kehu/internal/demo"
	"github.com/kehu-crm/kehu/internal/importer"
	"github.com/kehu-crm/kehu/internal/mongodb"
	"github.com/kehu-crm/kehu/internal/quality"
	"github.com/kehu-crm/kehu/internal/rules"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sheet"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// DemoPassword signs in every demo user (sales1@kehu.local ...).
const DemoPassword = "kehu-demo-2026"

// demoSeed makes the demo data the same on every machine.
const demoSeed = 20240501

// app is the wired program: the store, the services and the HTTP handler.
type app struct {
	cfg     config
	log     *slog.Logger
	clock   crm.Clock
	store   crm.Store
	auth    *auth.Service
	crm     *crm.Service
	rules   *rules.Service
	imports *importer.Jobs
	handler http.Handler

	// Tests only: the page size of exports (0: the defaults), a hook called
	// after each page is flushed, and one called when an export ends.
	exportPageSize  int
	afterExportPage func(ctx context.Context, rows int)
	afterExport     func(rows int, err error)
}

// openStore opens the embedded store in the data directory, or MongoDB
// when a URI is configured.
func openStore(ctx context.Context, cfg config, log *slog.Logger) (crm.Store, error) {
	if cfg.MongoURI != "" {
		s, err := mongodb.Open(ctx, cfg.MongoURI, cfg.DBName, mongodb.Options{})
		if err != nil {
			return nil, fmt.Errorf("cannot use MongoDB database %q: %w", cfg.DBName, err)
		}
		return s, nil
	}
	s, err := sqlite.Open(cfg.DataDir, sqlite.Options{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("cannot open the embedded store: %w", err)
	}
	return s, nil
}

// newApp opens the store, makes sure there is an admin, loads demo data
// when asked and builds the HTTP handler. out receives the one-time
// generated admin password.
func newApp(ctx context.Context, cfg config, log *slog.Logger, clock crm.Clock, out io.Writer) (*app, error) {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, clock: clock, store: store}
	a.auth = &auth.Service{Users: store.Users(), Sessions: store.Sessions(), Clock: clock,
		SessionTTL: cfg.SessionTTL, Limiter: auth.NewLimiter(clock, auth.LimiterConfig{}),
		APITokens: store.APITokens(), TokenLimiter: auth.NewRequestLimiter(clock, auth.RequestLimit{PerMinute: cfg.APITokenRate})}
	if err := a.bootstrap(ctx, out); err != nil {
		_ = store.Close()
		return nil, err
	}
	a.rules = &rules.Service{Settings: store.Settings(), Customers: store.Customers(), Clock: clock, Loc: cfg.TimeZone}
	a.crm = &crm.Service{Store: store, Clock: clock, Loc: cfg.TimeZone, Filters: segment.SavedFilters{}, Classifier: a.rules}
	a.rules.Reclassify = a.crm.Reclassify
	engine, ok := store.(analytics.Engine)
	if !ok {
		_ = store.Close()
		return nil, fmt.Errorf("the %T store computes no aggregates", store)
	}
	a.imports = &importer.Jobs{
		Svc:      &importer.Service{CRM: a.crm, Loc: cfg.TimeZone},
		Store:    store.Imports(),
		Settings: store.Settings(),
		Sheet:    sheet.Options{MaxBytes: cfg.ImportMaxBytes, MaxRows: cfg.ImportMaxRows},
		Log:      log,
	}
	resolver := &graph.Resolver{
		CRM:           a.crm,
		Analytics:     &analytics.Service{Engine: engine, Customers: store.Customers(), Users: store.Users(), Clock: clock, Loc: cfg.TimeZone},
		Rules:         a.rules,
		Auth:          a.auth,
		Store:         store,
		Imports:       a.imports,
		Duplicates:    &dedupe.Service{Customers: store.Customers()},
		Quality:       &quality.Service{CRM: a.crm},
		SecureCookies: cfg.SecureCookies,
		MaxPageSize:   cfg.MaxPageSize,
	}
	gql := graph.NewHandler(resolver, graph.Limits{MaxDepth: cfg.MaxDepth, MaxComplexity: cfg.MaxComplexity,
		MaxResponse: cfg.MaxResponseBytes, MaxUpload: cfg.ImportMaxBytes}, log)
	a.handler = a.routes(gql)
	return a, nil
}

func (a *app) bootstrap(ctx context.Context, out io.Writer) error {
	created, generated, err := a.auth.EnsureAdmin(ctx, a.cfg.AdminEmail, a.cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("cannot create the first admin %s: %w", a.cfg.AdminEmail, err)
	}
	if created {
		a.log.Info("created the first admin", "email", a.cfg.AdminEmail)
		if generated != "" {
			fmt.Fprintf(out, "\nFirst admin: %s\nPassword (shown once, change it after signing in): %s\n\n", a.cfg.AdminEmail, generated)
		}
	}
	if !a.cfg.Demo {
		return nil
	}
	start := time.Now()
	hash, err := auth.HashPassword(DemoPassword)
	if err != nil {
		return err
	}
	outcome, n, err := demo.Ensure(ctx, a.store, demoSeed, a.cfg.DemoCustomers, a.clock.Now(), hash)
	if err != nil {
		return fmt.Errorf("cannot load demo data (start again to finish it): %w", err)
	}
	switch outcome {
	case demo.Skipped:
		a.log.Info("demo data not loaded: the database already holds customers")
	case demo.Loaded, demo.Resumed:
		msg := "loaded demo data"
		if outcome == demo.Resumed {
			msg = "finished loading demo data that an earlier start left incomplete"
		}
		a.log.Info(msg, "customers", n, "took", time.Since(start).Round(time.Millisecond),
			"users", "sales1@kehu.local ... (password "+DemoPassword+")")
	}
	return nil
}

// sweepSessions deletes expired sessions every interval until ctx ends.
// Every replica may run it: deleting expired sessions twice is harmless.
func (a *app) sweepSessions(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := a.auth.SweepSessions(ctx); err != nil {
				a.log.Warn("sweeping expired sessions", "err", err)
			} else if n > 0 {
				a.log.Info("swept expired sessions", "count", n)
			}
		}
	}
}

// sweepImports deletes, every interval until ctx ends, the imports past
// the 30 days an undo is offered, with their stored data. Every replica
// may run it.
func (a *app) sweepImports(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := a.imports.Sweep(ctx); err != nil {
				a.log.Warn("sweeping old imports", "err", err)
			} else if n > 0 {
				a.log.Info("swept old imports", "count", n)
			}
		}
	}
}

// replicaID names this process among the replicas sharing a database:
// the holder of the classification pass's lease.
func replicaID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), crm.NewID()[:8])
}

// Close waits for the running imports (at most 30 s, then cancels them
// between batches: what they wrote stays, and can be undone) and closes
// the store.
func (a *app) Close() error {
	if a.imports != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		a.imports.Close(ctx)
		cancel()
	}
	return a.store.Close()
}
