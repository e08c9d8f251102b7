package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/mongotest"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// startServer runs the real serve loop (as main does) on a free port and
// returns its base URL and a stop function that drains and waits.
func startServer(t *testing.T, cfg config) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, slog.New(slog.DiscardHandler), crm.NewFixedClock(testNow), io.Discard, ready)
	}()
	select {
	case addr := <-ready:
		return "http://" + addr, func() error { cancel(); return <-done }
	case err := <-done:
		cancel()
		t.Fatalf("server did not start: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start within 60s")
	}
	return "", nil
}

func postJSON(t *testing.T, url, token, query string, vars map[string]any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out["errors"] != nil {
		t.Fatalf("errors: %v", out["errors"])
	}
	return out["data"].(map[string]any)
}

func loginAt(t *testing.T, url string) string {
	data := postJSON(t, url, "", `mutation($p:String!){login(email:"admin@kehu.local",password:$p){token}}`, map[string]any{"p": adminPassword})
	return data["login"].(map[string]any)["token"].(string)
}

func TestRestartKeepsData(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	url, stop := startServer(t, cfg)
	token := loginAt(t, url)
	data := postJSON(t, url, token, `mutation{createCustomer(input:{name:"重启测试公司"}){id code}}`, nil)
	id := data["createCustomer"].(map[string]any)["id"].(string)
	postJSON(t, url, token, `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:PHONE,summary:"重启前"}){id}}`, map[string]any{"id": id})
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	// The session lives in the store: the same token works after the restart.
	url, stop = startServer(t, cfg)
	defer stop()
	got := postJSON(t, url, token, `query($id:ID){customer(id:$id){code interactionCount}}`, map[string]any{"id": id})["customer"].(map[string]any)
	if got["code"] != "C202611001" || got["interactionCount"] != float64(1) {
		t.Fatalf("after restart: %v", got)
	}
}

func TestSecondServerOnSameDataDirFails(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	_, stop := startServer(t, cfg)
	defer stop()
	err := serve(context.Background(), cfg, slog.New(slog.DiscardHandler), crm.SystemClock{}, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "in use by another Kehu process") {
		t.Fatalf("second server: %v", err)
	}
}

func TestUnreachableMongoFailsFast(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.MongoURI = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500&connectTimeoutMS=500"
	start := time.Now()
	err := serve(context.Background(), cfg, slog.New(slog.DiscardHandler), crm.SystemClock{}, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "MongoDB") {
		t.Fatalf("unreachable MongoDB: %v", err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("took %v to fail", d)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Setenv("KEHU_REQUEST_TIMEOUT", "soon")
	if _, err := parseConfig(nil); err == nil || !strings.Contains(err.Error(), "KEHU_REQUEST_TIMEOUT") {
		t.Fatalf("bad duration: %v", err)
	}
	t.Setenv("KEHU_REQUEST_TIMEOUT", "")
	if _, err := parseConfig([]string{"-nonsense"}); err == nil {
		t.Fatal("unknown flag accepted")
	}
	t.Setenv("KEHU_ADDR", "127.0.0.1:9999")
	t.Setenv("KEHU_DEMO", "1")
	cfg, err := parseConfig([]string{"-addr", "127.0.0.1:7777"})
	if err != nil || cfg.Addr != "127.0.0.1:7777" || !cfg.Demo {
		t.Fatalf("flags over env: %+v %v", cfg, err)
	}
}

// TestKill9KeepsAcknowledgedWrites runs the real server in a child process,
// acknowledges writes over HTTP, kills it with SIGKILL mid-stream, and
// checks that every acknowledged write is there after a restart.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	if os.Getenv("KEHU_KILL9_CHILD") != "" {
		t.Skip("child")
	}
	dir := t.TempDir()
	url, cmd, _ := startChild(t, dir)
	token := loginAt(t, url)
	var acked []string
	for i := 0; i < 200; i++ {
		data := postJSON(t, url, token, `mutation($n:String!){createCustomer(input:{name:$n}){id}}`, map[string]any{"n": fmt.Sprint("断电测试", i)})
		acked = append(acked, data["createCustomer"].(map[string]any)["id"].(string))
	}
	// Keep writing while the kill lands.
	go func() {
		for i := 0; ; i++ {
			body := fmt.Sprintf(`{"query":"mutation{createCustomer(input:{name:\"未确认%d\"}){id}}"}`, i)
			req, _ := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			if _, err := http.DefaultClient.Do(req); err != nil {
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	store, err := sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer store.Close()
	got, err := store.Customers().GetMany(context.Background(), acked)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(acked) {
		t.Fatalf("%d of %d acknowledged customers survived kill -9", len(got), len(acked))
	}
}

// TestKill9Child is the child process of TestKill9KeepsAcknowledgedWrites.
func TestKill9Child(t *testing.T) {
	if os.Getenv("KEHU_KILL9_CHILD") == "" {
		t.Skip("only runs as the child of TestKill9KeepsAcknowledgedWrites")
	}
	cfg, err := parseConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		addr := <-ready
		fmt.Printf("LISTENING %s\n", addr)
	}()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, cfg, slog.New(slog.DiscardHandler), crm.SystemClock{}, io.Discard, ready); err != nil {
		fmt.Println("SERVE ERROR", err)
		os.Exit(3)
	}
	fmt.Println("STOPPED CLEANLY")
}

// startChild runs the real server in a child process on dir and returns
// its URL and the command.
func startChild(t *testing.T, dir string) (string, *exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKill9Child$")
	cmd.Env = append(os.Environ(), "KEHU_KILL9_CHILD=1", "KEHU_DATA_DIR="+dir, "KEHU_ADDR=127.0.0.1:0",
		"KEHU_ADMIN_PASSWORD="+adminPassword, "MONGODB_URI=")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
			return "http://" + a, cmd, sc
		}
	}
	t.Fatal("child server did not start")
	return "", nil, nil
}

// TestSIGTERMDrainsInFlightRequests sends SIGTERM while requests are in
// flight: every request the server accepted is answered and stored, and
// the process exits cleanly, releasing the data directory.
func TestSIGTERMDrainsInFlightRequests(t *testing.T) {
	if os.Getenv("KEHU_KILL9_CHILD") != "" {
		t.Skip("child")
	}
	dir := t.TempDir()
	url, cmd, out := startChild(t, dir)
	token := loginAt(t, url)
	id := postJSON(t, url, token, `mutation{createCustomer(input:{name:"优雅停机公司"}){id}}`, nil)["createCustomer"].(map[string]any)["id"].(string)
	var answered atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := fmt.Sprintf(`{"query":"mutation{logInteraction(customerId:\"%s\",input:{channel:PHONE,summary:\"停机前%d\"}){id}}"}`, id, i)
			req, _ := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return // refused after the listener closed: never accepted
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || bytes.Contains(raw, []byte(`"errors"`)) {
				t.Errorf("in-flight request failed during shutdown: %d %s", resp.StatusCode, raw)
				return
			}
			answered.Add(1)
		}(i)
	}
	time.Sleep(5 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	var lines []string
	for out.Scan() {
		lines = append(lines, out.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("server did not exit cleanly: %v %v", err, lines)
	}
	store, err := sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		t.Fatalf("data directory still locked after SIGTERM: %v", err)
	}
	defer store.Close()
	c, err := store.Customers().Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d of 20 requests answered during shutdown", answered.Load())
	if int32(c.Stats.InteractionCount) != answered.Load() {
		t.Fatalf("%d requests answered, %d interactions stored", answered.Load(), c.Stats.InteractionCount)
	}
}

// TestMigrateDemoDataToMongoAndBack loads the demo data into the embedded
// store, migrates it to the MongoDB store (FerretDB in tests, or the real
// MongoDB of KEHU_TEST_MONGODB_URI) and back into a new embedded store;
// migrate itself compares every document byte for byte each way.
func TestMigrateDemoDataToMongoAndBack(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 120 // FerretDB scans every document per query: keep it small
	a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler), crm.NewFixedClock(testNow), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// Saved segments travel too: a private and a shared one.
	segs := []*crm.SavedSegment{
		{ID: crm.NewID(), Name: "A 类", NameKey: "a 类", Where: `{"valueTier":{"eq":"A"}}`, Query: "tier:A", Shared: true,
			OwnerID: "u1", CreatedAt: testNow, CreatedBy: "u1", UpdatedAt: testNow, UpdatedBy: "u1", Version: 1},
		{ID: crm.NewID(), Name: "Empty", NameKey: "empty", Where: `{"or":[]}`,
			OwnerID: "u2", CreatedAt: testNow, CreatedBy: "u2", UpdatedAt: testNow, UpdatedBy: "u2", Version: 3},
	}
	for _, seg := range segs {
		if err := a.store.Segments().Insert(ctx, seg); err != nil {
			t.Fatal(err)
		}
	}
	// So do API tokens, found by their hash on the other side.
	tok := &crm.APIToken{ID: crm.NewID(), Name: "大屏", Hash: "token-hash", CreatedBy: "u1", CreatedAt: testNow, ExpiresAt: testNow.Add(time.Hour)}
	if err := a.store.APITokens().Insert(ctx, tok); err != nil {
		t.Fatal(err)
	}
	// And settings, with their versions.
	type setting struct {
		Name  string    `bson:"name"`
		Until time.Time `bson:"until"`
	}
	lease := setting{Name: "每日规则", Until: testNow.Add(time.Hour)}
	if err := a.store.Settings().Put(ctx, "lease:rules", setting{Name: "旧"}, 0); err != nil {
		t.Fatal(err)
	}
	if err := a.store.Settings().Put(ctx, "lease:rules", lease, 1); err != nil {
		t.Fatal(err)
	}
	// And imports with their undo data and result rows.
	imp := &crm.Import{ID: crm.NewID(), By: "u1", At: testNow, FileName: "客户.xlsx", Status: crm.ImportDone, Created: 2}
	if err := a.store.Imports().Insert(ctx, imp); err != nil {
		t.Fatal(err)
	}
	for seq := range 2 {
		if err := a.store.Imports().AppendUndo(ctx, &crm.ImportUndo{Import: imp.ID, Seq: seq, Created: []string{crm.NewID()}}); err != nil {
			t.Fatal(err)
		}
	}
	for seq := range 3 {
		r := &crm.ImportRows{Import: imp.ID, Seq: seq,
			Rows: []crm.ImportRow{{Row: seq + 2, Cells: []string{"华东物流", ""}, Action: "CREATE", Matched: fmt.Sprintf("C20261100%d", seq)}}}
		if seq == 0 {
			r.HeaderRow, r.Header = 1, []string{"客户名称", "联系人"}
		}
		if err := a.store.Imports().AppendRows(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// And merges, listed by their customers on the other side.
	before, err := bson.Marshal(bson.D{{Key: "_id", Value: "c-survivor"}, {Key: "name", Value: "华东物流"}})
	if err != nil {
		t.Fatal(err)
	}
	merge := &crm.Merge{ID: crm.NewID(), By: "u1", At: testNow, Survivor: "c-survivor", Others: []string{"c-merged"},
		Before: []crm.UndoBefore{{ID: "c-survivor", Version: 2, Doc: before}}}
	if err := a.store.Merges().Insert(ctx, merge); err != nil {
		t.Fatal(err)
	}
	mongo := mongotest.Open(t)
	counts, err := migrate(ctx, a.store, mongo)
	if err != nil {
		t.Fatal(err)
	}
	if counts[crm.CollectionCustomers] != 120 || counts[crm.CollectionUsers] < 2 || counts[crm.CollectionSequences] == 0 ||
		counts[crm.CollectionSegments] != 2 || counts[crm.CollectionAPITokens] != 1 || counts[crm.CollectionSettings] != 1 ||
		counts[crm.CollectionImports] != 1 || counts[crm.CollectionImportUndo] != 2 || counts[crm.CollectionImportRows] != 3 ||
		counts[crm.CollectionMerges] != 1 {
		t.Fatalf("copied %v", counts)
	}
	if got, err := mongo.Segments().Get(ctx, segs[1].ID); err != nil || got.Version != 3 || got.Where != segs[1].Where {
		t.Fatalf("segment on MongoDB: %+v %v", got, err)
	}
	// Migrating again into a non-empty database is refused.
	if _, err := migrate(ctx, a.store, mongo); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("second migration: %v", err)
	}
	back, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if _, err := migrate(ctx, mongo, back); err != nil {
		t.Fatal(err)
	}
	for _, coll := range crm.Collections() {
		if err := verify(ctx, a.store, back, coll); err != nil {
			t.Fatalf("round trip: %v", err)
		}
	}
	if got, err := back.APITokens().GetByHash(ctx, "token-hash"); err != nil || got.ID != tok.ID {
		t.Fatalf("API token after migration: %+v %v", got, err)
	}
	for name, st := range map[string]crm.Store{"MongoDB": mongo, "back": back} {
		if got, err := st.Imports().Get(ctx, imp.ID); err != nil || got.Created != 2 {
			t.Fatalf("import on %s: %+v %v", name, got, err)
		}
		var seqs []int
		if err := st.Imports().EachUndo(ctx, imp.ID, func(u *crm.ImportUndo) error { seqs = append(seqs, u.Seq); return nil }); err != nil ||
			len(seqs) != 2 || seqs[0] != 0 || seqs[1] != 1 {
			t.Fatalf("import undo on %s: %v %v", name, seqs, err)
		}
		var matched []string
		if err := st.Imports().EachRows(ctx, imp.ID, func(r *crm.ImportRows) error {
			for _, row := range r.Rows {
				matched = append(matched, row.Matched)
			}
			return nil
		}); err != nil || fmt.Sprint(matched) != "[C202611000 C202611001 C202611002]" {
			t.Fatalf("import result rows on %s: %v %v", name, matched, err)
		}
		if list, err := st.Merges().List(ctx, "c-merged", 10); err != nil || len(list) != 1 || list[0].ID != merge.ID ||
			!bytes.Equal(list[0].Before[0].Doc, before) {
			t.Fatalf("merges on %s: %+v %v", name, list, err)
		}
		var got setting
		if v, err := st.Settings().Get(ctx, "lease:rules", &got); err != nil || v != 2 || got.Name != lease.Name || !got.Until.Equal(lease.Until) {
			t.Fatalf("setting on %s: %d %+v %v", name, v, got, err)
		}
	}
	// Its segments are live: listed, and their names still unique per owner.
	if list, err := back.Segments().ListVisible(ctx, "u2"); err != nil || len(list) != 2 {
		t.Fatalf("segments after migration: %v %v", list, err)
	}
	dup := *segs[0]
	dup.ID = crm.NewID()
	if err := back.Segments().Insert(ctx, &dup); !crm.IsCode(err, crm.CodeConflict) {
		t.Fatalf("duplicate segment name after migration: %v", err)
	}
	// The migrated store serves reads and continues the code sequence.
	p, err := back.Customers().List(ctx, crm.ListQuery{OrderBy: crm.OrderLastInteractionAt, Desc: true, First: 5, WithTotal: true})
	if err != nil || p.Total < 100 {
		t.Fatalf("list after migration: %v %v", p, err)
	}
}
