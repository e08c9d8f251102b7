// Command server is Kehu (客户): the CRM's HTTP server, serving the GraphQL
// API and the browser app over the embedded store (default) or MongoDB.
//
//	server [-addr 127.0.0.1:8080] [-data ./data] [-demo]   run the server
//	server migrate to-mongodb|to-embedded                   copy all data between stores
//
// Configuration is by flags or environment variables: see README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "kehu:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "migrate" {
		return runMigrate(ctx, args[1:], stdout, stderr)
	}
	cfg, err := parseConfig(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return serve(ctx, cfg, log, crm.SystemClock{}, stdout, nil)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// serve starts the app and the HTTP server, reports the bound address on
// ready (tests listen on port 0), and on ctx's end drains in-flight requests
// and closes the store. It takes the address before it touches the data: a
// busy port fails before the store is opened, the admin created or demo
// data written.
func serve(ctx context.Context, cfg config, log *slog.Logger, clock crm.Clock, stdout io.Writer, ready chan<- string) error {
	start := time.Now()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close() // Serve closes it too; this covers a failed start
	a, err := newApp(ctx, cfg, log, clock, stdout)
	if err != nil {
		return err
	}
	defer func() {
		if err := a.Close(); err != nil {
			log.Error("closing the store", "err", err)
		}
	}()
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.Timeout + 10*time.Second,
		WriteTimeout:      cfg.Timeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	store := "embedded (" + cfg.DataDir + ")"
	if cfg.MongoURI != "" {
		store = "MongoDB database " + cfg.DBName
	}
	addr := ln.Addr().String()
	log.Info("kehu ready", "url", "http://"+addr+"/", "graphiql", "http://"+addr+"/graphiql", "store", store,
		"startup", time.Since(start).Round(time.Millisecond))
	if ready != nil {
		ready <- addr
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go a.sweepSessions(ctx, time.Hour)
	go a.sweepImports(ctx, 24*time.Hour)
	go a.rules.Run(ctx, replicaID(), cfg.ClassifyEvery, log)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests")
	drain, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(drain); err != nil {
		log.Warn("requests still running at shutdown", "err", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
