package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// TestBusyPortFailsBeforeTouchingData: a server whose address is taken
// fails before it opens the store, creates the admin or writes demo data.
func TestBusyPortFailsBeforeTouchingData(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := filepath.Join(t.TempDir(), "data")
	cfg := testConfig(t, dir)
	cfg.Addr = busy.Addr().String()
	cfg.Demo, cfg.DemoCustomers = true, 50
	err = serve(context.Background(), cfg, slog.New(slog.DiscardHandler), crm.NewFixedClock(testNow), io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "cannot listen on "+cfg.Addr) {
		t.Fatalf("serve on a busy port: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the data directory was touched before the port was checked: %v", err)
	}
}

// TestStartupRefusesUnusableStore: the server does not report ready on a
// store it cannot use; it fails start-up saying why (the cases themselves
// are tested in internal/sqlite).
func TestStartupRefusesUnusableStore(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, sqlite.DBFile), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	err := serve(context.Background(), testConfig(t, dir), slog.New(slog.DiscardHandler), crm.NewFixedClock(testNow), io.Discard, ready)
	if err == nil || !strings.Contains(err.Error(), "is empty (0 bytes)") {
		t.Fatalf("start-up on an empty database file: %v", err)
	}
	if len(ready) > 0 {
		t.Fatal("reported ready")
	}
}

// TestDiskFullAnswersUnavailable: on a full store a write answers
// UNAVAILABLE with reason DISK_FULL, /readyz says 503 DISK_FULL while it
// lasts, and both recover by themselves once there is room.
func TestDiskFullAnswersUnavailable(t *testing.T) {
	ts := newTestServer(t)
	store := ts.app.store.(*sqlite.Store)
	create := func() gqlResponse {
		return ts.post(t, ts.admin, `mutation($i:CustomerInput!){createCustomer(input:$i){id}}`,
			map[string]any{"i": map[string]any{"name": "大客户", "notes": strings.Repeat("备注", 2400)}})
	}
	readyz := func() (int, string) {
		resp, err := http.Get(ts.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if err := store.SetMaxSize(1); err != nil {
		t.Fatal(err)
	}
	e := create().fails(t, "UNAVAILABLE", "")
	if e.Extensions["reason"] != "DISK_FULL" || !strings.Contains(e.Message, "disk is full") {
		t.Fatalf("write on a full disk: %+v", e)
	}
	if status, body := readyz(); status != http.StatusServiceUnavailable || !strings.HasPrefix(body, "DISK_FULL") {
		t.Fatalf("readyz on a full disk: %d %q", status, body)
	}
	if err := store.SetMaxSize(0); err != nil {
		t.Fatal(err)
	}
	if status, body := readyz(); status != http.StatusOK {
		t.Fatalf("readyz once there is room: %d %q", status, body)
	}
	create().ok(t, nil)
}

// TestMigrateRefusesMissingSource: migrating from a data directory that
// does not exist (a typo) fails and creates nothing there; a source
// without users is not a Kehu store.
func TestMigrateRefusesMissingSource(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo")
	err := run(context.Background(), []string{"migrate", "-data", missing,
		"-uri", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500", "to-mongodb"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "holds no Kehu store") {
		t.Fatalf("migrate from a missing directory: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("migrate created the missing source: %v", err)
	}

	empty, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	dst, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := migrate(context.Background(), empty, dst); err == nil || !strings.Contains(err.Error(), "not a Kehu store") {
		t.Fatalf("migrate from a store without users: %v", err)
	}
}
