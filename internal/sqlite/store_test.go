package sqlite_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
	"github.com/kehu-crm/kehu/internal/storetest"
)

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// openAt opens the store in dir and closes it when the test ends.
func openAt(t testing.TB, dir string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(dir, sqlite.Options{DecodeWorkers: 2})
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func reopen(t testing.TB, s *sqlite.Store) *sqlite.Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return openAt(t, s.Dir())
}

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Open: func(t *testing.T) crm.Store { return openAt(t, t.TempDir()) },
		Reopen: func(t *testing.T, s crm.Store) crm.Store {
			return reopen(t, s.(*sqlite.Store))
		},
	})
}

// small builds a minimal valid customer.
func small(name string) *crm.Customer {
	at := genNow.Truncate(time.Millisecond)
	c := &crm.Customer{ID: crm.NewID(), Name: name, Type: crm.CustomerTypeNew, Stage: crm.StagePotential,
		CreatedAt: at, UpdatedAt: at, CreatedBy: "u", UpdatedBy: "u", Version: 1}
	c.Recompute()
	return c
}

func mustInsert(t testing.TB, s crm.Store, c *crm.Customer) *crm.Customer {
	t.Helper()
	if err := s.Customers().Insert(ctx(t), c, "202611"); err != nil {
		t.Fatalf("insert %s: %v", c.Name, err)
	}
	return c
}

func TestDirLock(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	_, err := sqlite.Open(dir, sqlite.Options{})
	want := "data directory " + dir + " is in use by another Kehu process"
	var inUse *sqlite.DirInUseError
	if err == nil || err.Error() != want || !errors.As(err, &inUse) {
		t.Fatalf("second open: got %v, want %q", err, want)
	}
	// The failed open must not have disturbed the first store.
	mustInsert(t, s, small("甲"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := openAt(t, dir)
	if err := s2.Ping(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

func TestDirPermissions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(dir string) error
	}{
		{"created", func(string) error { return nil }},
		{"existing 0755 is tightened", func(dir string) error { return os.Mkdir(dir, 0o755) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data", "kehu")
			if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := tc.setup(dir); err != nil {
				t.Fatal(err)
			}
			openAt(t, dir)
			fi, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if perm := fi.Mode().Perm(); perm != 0o700 {
				t.Fatalf("data directory mode %o, want 700", perm)
			}
			if _, err := os.Stat(filepath.Join(dir, sqlite.DBFile)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestRestart(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	r := rand.New(rand.NewPCG(1, 2))
	var want []*crm.Customer
	for i := range 20 {
		want = append(want, mustInsert(t, s, genCustomer(r, i, 4)))
	}
	u := &crm.User{ID: crm.NewID(), Email: "a@example.com", Name: "A", Role: crm.RoleAdmin, CreatedAt: genNow, UpdatedAt: genNow}
	if err := s.Users().Insert(ctx(t), u); err != nil {
		t.Fatal(err)
	}
	// A replace just before the restart must survive it too.
	c := want[3]
	c.Name += "（新）"
	c.Version++
	if err := s.Customers().Replace(ctx(t), c, c.Version-1); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s)
	for _, c := range want {
		got, err := s.Customers().Get(ctx(t), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameDoc(t, c, got)
	}
	if got, err := s.Users().GetByEmail(ctx(t), "a@example.com"); err != nil || got.ID != u.ID {
		t.Fatalf("user after restart: %v %v", got, err)
	}
	checkReadModel(t, s)
	// The sequence continues after the restart.
	next := mustInsert(t, s, small("乙"))
	if next.Code != "C202611021" {
		t.Fatalf("code after restart %s, want C202611021", next.Code)
	}
}

// TestKill9 starts a child process that inserts customers and prints each
// acknowledged code, kills it with SIGKILL after 200 acknowledgements and
// checks that every acknowledged customer is there after reopening.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "KEHU_SQLITE_HELPER_DIR="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	for len(acked) < 200 && sc.Scan() {
		if code, ok := strings.CutPrefix(sc.Text(), "ACK "); ok {
			acked = append(acked, code)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() { // acknowledgements written before the kill landed
		if code, ok := strings.CutPrefix(sc.Text(), "ACK "); ok {
			acked = append(acked, code)
		}
	}
	_ = cmd.Wait()
	if len(acked) < 200 {
		t.Fatalf("child acknowledged only %d inserts", len(acked))
	}
	s := openAt(t, dir)
	for _, code := range acked {
		if _, err := s.Customers().GetByCode(ctx(t), code); err != nil {
			t.Fatalf("acknowledged %s lost: %v", code, err)
		}
	}
	page, err := s.Customers().List(ctx(t), crm.ListQuery{First: 1, Scope: crm.ScopeAll, WithTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total < len(acked) {
		t.Fatalf("read model has %d customers, %d acknowledged", page.Total, len(acked))
	}
	t.Logf("%d acknowledged, %d stored", len(acked), page.Total)
}

// TestHelperProcess is the child of TestKill9; it does nothing unless
// started by it.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv("KEHU_SQLITE_HELPER_DIR")
	if dir == "" {
		t.Skip("helper process for TestKill9")
	}
	s, err := sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; ; i++ {
		c := genCustomer(r, i, 8)
		if err := s.Customers().Insert(context.Background(), c, "202611"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stdout, "ACK %s\n", c.Code)
	}
}

// TestOpenFailures checks that a failed Open explains itself and releases
// the directory.
func TestOpenFailures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, dir string)
		want  string
	}{
		{"not a database", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, sqlite.DBFile), bytes.Repeat([]byte("not sqlite "), 1000), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "not a database"},
		{"newer schema", func(t *testing.T, dir string) {
			s := openAt(t, dir)
			s.Close()
			db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.DBFile))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", sqlite.SchemaVersion+1)); err != nil {
				t.Fatal(err)
			}
		}, "newer than this program's"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.spoil(t, dir)
			_, err := sqlite.Open(dir, sqlite.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("open: got %v, want an error containing %q", err, tc.want)
			}
			// The lock was released: the directory can be cleaned up and
			// used again.
			os.Remove(filepath.Join(dir, sqlite.DBFile))
			os.Remove(filepath.Join(dir, sqlite.DBFile+"-wal"))
			os.Remove(filepath.Join(dir, sqlite.DBFile+"-shm"))
			openAt(t, dir)
		})
	}
}

// TestUpgradeSchema1: a data directory written before saved segments
// (schema 1) keeps its customers and gains the segments table on Open.
func TestUpgradeSchema1(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := &crm.Customer{ID: crm.NewID(), Name: "旧库客户", Type: crm.CustomerTypeNew, Stage: crm.StagePotential, Version: 1,
		Interactions: []crm.Interaction{{ID: "i1", Channel: crm.ChannelPhone, Summary: "客户反馈物流效率低", CreatedBy: "u"}}}
	c.Recompute()
	if err := s.Customers().Insert(ctx(t), c, "202611"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Make it a schema 1 database again.
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DROP TABLE segments; DROP TABLE texts; DROP TABLE grams; DROP TABLE masked_texts; DROP TABLE text_index; DROP TABLE api_tokens; DROP TABLE settings; ALTER TABLE customers DROP COLUMN texts_key; DROP TABLE imports; DROP TABLE import_undo; DROP TABLE import_rows; DROP TABLE merges; DROP TABLE merge_customers; PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s = openAt(t, dir)
	if got, err := s.Customers().Get(ctx(t), c.ID); err != nil || got.Name != c.Name {
		t.Fatalf("customer after upgrade: %v %v", got, err)
	}
	seg := &crm.SavedSegment{ID: crm.NewID(), Name: "A 类", NameKey: "a 类", Where: "{}", OwnerID: "u", Version: 1}
	if err := s.Segments().Insert(ctx(t), seg); err != nil {
		t.Fatalf("segments after upgrade: %v", err)
	}
	tok := &crm.APIToken{ID: crm.NewID(), Name: "大屏", Hash: "h", CreatedAt: seg.CreatedAt, ExpiresAt: seg.CreatedAt}
	if err := s.APITokens().Insert(ctx(t), tok); err != nil {
		t.Fatalf("API tokens after upgrade: %v", err)
	}
	if err := s.Settings().Put(ctx(t), "rules", tok, 0); err != nil {
		t.Fatalf("settings after upgrade: %v", err)
	}
	if err := s.Imports().Insert(ctx(t), &crm.Import{ID: "imp", By: "u", At: seg.CreatedAt, Status: crm.ImportQueued}); err != nil {
		t.Fatalf("imports after upgrade: %v", err)
	}
	if err := s.Imports().AppendUndo(ctx(t), &crm.ImportUndo{Import: "imp", Created: []string{c.ID}}); err != nil {
		t.Fatalf("import undo after upgrade: %v", err)
	}
	// The text index was built from the stored customers.
	for needle, want := range map[string]int{"物流效率": 1, "物流": 1, "仓储管理": 0} {
		f, err := segment.FilterOf(nil, "interactions.some(summary:*"+needle+"*)", segment.Options{})
		if err != nil {
			t.Fatal(err)
		}
		page, err := s.Customers().List(ctx(t), crm.ListQuery{First: 1, WithTotal: true, Filter: f})
		if err != nil || page.Total != want {
			t.Fatalf("%s after upgrade: %v %v", needle, page, err)
		}
	}
}

// TestUpgradeSchema8: a data directory written before imports kept their
// result rows (schema 8) keeps its imports and undo data, and gains the
// import_rows table on Open.
func TestUpgradeSchema8(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	if err := s.Imports().Insert(ctx(t), &crm.Import{ID: "imp", By: "u", At: at, Status: crm.ImportDone, Created: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Imports().AppendUndo(ctx(t), &crm.ImportUndo{Import: "imp", Created: []string{"c1"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rawExec(t, dir, "DROP TABLE import_rows", "DROP TABLE merges", "DROP TABLE merge_customers", "PRAGMA user_version = 8")
	if n := rawInt(t, dir, "SELECT count(*) FROM sqlite_schema WHERE name = 'import_rows'"); n != 0 {
		t.Fatalf("import_rows still there")
	}

	s = openAt(t, dir)
	is := s.Imports()
	if got, err := is.Get(ctx(t), "imp"); err != nil || got.Created != 1 {
		t.Fatalf("import after upgrade: %+v %v", got, err)
	}
	var undo []string
	if err := is.EachUndo(ctx(t), "imp", func(u *crm.ImportUndo) error { undo = append(undo, u.Created...); return nil }); err != nil ||
		fmt.Sprint(undo) != "[c1]" {
		t.Fatalf("undo after upgrade: %v %v", undo, err)
	}
	rows := &crm.ImportRows{Import: "imp", HeaderRow: 1, Header: []string{"客户名称"},
		Rows: []crm.ImportRow{{Row: 2, Cells: []string{"华东物流"}, Action: "CREATE", Matched: "C202611001"}}}
	if err := is.AppendRows(ctx(t), rows); err != nil {
		t.Fatalf("result rows after upgrade: %v", err)
	}
	var got []crm.ImportRow
	if err := is.EachRows(ctx(t), "imp", func(r *crm.ImportRows) error { got = append(got, r.Rows...); return nil }); err != nil ||
		len(got) != 1 || got[0].Matched != "C202611001" {
		t.Fatalf("result rows after upgrade: %+v %v", got, err)
	}
	if n, err := is.DeleteBefore(ctx(t), at.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("DeleteBefore after upgrade: %d %v", n, err)
	}
	if n := rawInt(t, dir, "SELECT count(*) FROM import_rows"); n != 0 {
		t.Fatalf("%d result rows left after DeleteBefore", n)
	}
	if v := rawInt(t, dir, "PRAGMA user_version"); v != sqlite.SchemaVersion {
		t.Fatalf("schema version %d after upgrade, want %d", v, sqlite.SchemaVersion)
	}
}

// TestLoadImportChunks: Load takes an undo chunk or a chunk of result rows
// only with the _id its import and seq make, and a seq in range.
func TestLoadImportChunks(t *testing.T) {
	s := openAt(t, t.TempDir())
	doc := func(id, imp string, seq int64) []byte {
		t.Helper()
		b, err := bson.Marshal(bson.D{{Key: "_id", Value: id}, {Key: "import", Value: imp}, {Key: "seq", Value: seq}, {Key: "rows", Value: bson.A{}}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, coll := range []string{crm.CollectionImportUndo, crm.CollectionImportRows} {
		for _, bad := range [][]byte{
			doc("imp:1", "imp", 1),
			doc("imp:0000000002", "imp", 1),
			doc("other:0000000001", "imp", 1),
			doc(":0000000001", "", 1),
			doc("imp:-000000001", "imp", -1),
			doc(crm.ImportRowsID("imp", crm.MaxImportRowsSeq+1), "imp", crm.MaxImportRowsSeq+1),
		} {
			if err := s.Load(ctx(t), coll, [][]byte{bad}); !crm.IsCode(err, crm.CodeBadUserInput) {
				t.Fatalf("%s: loaded %v: %v", coll, bson.Raw(bad), err)
			}
		}
		if err := s.Load(ctx(t), coll, [][]byte{doc("imp:0000000001", "imp", 1)}); err != nil {
			t.Fatalf("%s: %v", coll, err)
		}
	}
	var seqs []int
	if err := s.Imports().EachRows(ctx(t), "imp", func(r *crm.ImportRows) error { seqs = append(seqs, r.Seq); return nil }); err != nil ||
		fmt.Sprint(seqs) != "[1]" {
		t.Fatalf("loaded rows: %v %v", seqs, err)
	}
}

// TestUpgradeSchema9: a data directory written before merges (schema 9)
// keeps its customers and imports, and gains the merge tables on Open.
func TestUpgradeSchema9(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	c := mustInsert(t, s, small("华东物流"))
	if err := s.Imports().Insert(ctx(t), &crm.Import{ID: "imp", By: "u", At: at, Status: crm.ImportDone, Created: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Imports().AppendRows(ctx(t), &crm.ImportRows{Import: "imp", Rows: []crm.ImportRow{{Row: 2, Action: "CREATE"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rawExec(t, dir, "DROP TABLE merge_customers", "DROP TABLE merges", "PRAGMA user_version = 9")
	if n := rawInt(t, dir, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'merge%'"); n != 0 {
		t.Fatalf("%d merge tables or indexes still there", n)
	}

	s = openAt(t, dir)
	if got, err := s.Customers().Get(ctx(t), c.ID); err != nil || got.Name != c.Name {
		t.Fatalf("customer after upgrade: %+v %v", got, err)
	}
	if got, err := s.Imports().Get(ctx(t), "imp"); err != nil || got.Created != 1 {
		t.Fatalf("import after upgrade: %+v %v", got, err)
	}
	rows := 0
	if err := s.Imports().EachRows(ctx(t), "imp", func(r *crm.ImportRows) error { rows += len(r.Rows); return nil }); err != nil || rows != 1 {
		t.Fatalf("result rows after upgrade: %d %v", rows, err)
	}
	ms := s.Merges()
	before, err := bson.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	m := &crm.Merge{ID: "m1", By: "u", At: at, Survivor: c.ID, Others: []string{"c-other"},
		Before: []crm.UndoBefore{{ID: c.ID, Version: 2, Doc: before}}}
	if err := ms.Insert(ctx(t), m); err != nil {
		t.Fatalf("merge after upgrade: %v", err)
	}
	for _, customer := range []string{c.ID, "c-other"} {
		if list, err := ms.List(ctx(t), customer, 10); err != nil || len(list) != 1 || list[0].ID != "m1" {
			t.Fatalf("merges of %s after upgrade: %v %v", customer, list, err)
		}
	}
	if n := rawInt(t, dir, "SELECT count(*) FROM merge_customers"); n != 2 {
		t.Fatalf("%d merge_customers rows, want 2", n)
	}
	if n, err := ms.DeleteBefore(ctx(t), at.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("DeleteBefore after upgrade: %d %v", n, err)
	}
	if n := rawInt(t, dir, "SELECT count(*) FROM merge_customers"); n != 0 {
		t.Fatalf("%d merge_customers rows left after DeleteBefore", n)
	}
	if v := rawInt(t, dir, "PRAGMA user_version"); v != sqlite.SchemaVersion {
		t.Fatalf("schema version %d after upgrade, want %d", v, sqlite.SchemaVersion)
	}
}

// TestLoadMerges: Load takes only merges (a string _id and a version of 1
// or more), and a merge loaded again over one of another customer set
// lists under the new customers only.
func TestLoadMerges(t *testing.T) {
	s := openAt(t, t.TempDir())
	doc := func(v any) []byte {
		t.Helper()
		b, err := bson.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	for _, bad := range [][]byte{
		doc(bson.D{{Key: "at", Value: at}, {Key: "version", Value: int64(1)}}),
		doc(bson.D{{Key: "_id", Value: "m"}, {Key: "version", Value: int64(0)}}),
		doc(bson.D{{Key: "_id", Value: 7}, {Key: "version", Value: int64(1)}}),
		doc(bson.D{{Key: "_id", Value: "m"}, {Key: "version", Value: int64(1)}, {Key: "others", Value: "c1"}}),
	} {
		if err := s.Load(ctx(t), crm.CollectionMerges, [][]byte{bad}); !crm.IsCode(err, crm.CodeBadUserInput) {
			t.Fatalf("loaded %v: %v", bson.Raw(bad), err)
		}
	}
	m := &crm.Merge{ID: "m", By: "u", At: at, Survivor: "c1", Others: []string{"c2", "c3"}, Version: 2}
	if err := s.Load(ctx(t), crm.CollectionMerges, [][]byte{doc(m)}); err != nil {
		t.Fatal(err)
	}
	m.Others, m.Version = []string{"c4"}, 3
	if err := s.Load(ctx(t), crm.CollectionMerges, [][]byte{doc(m)}); err != nil {
		t.Fatal(err)
	}
	for customer, want := range map[string]int{"c1": 1, "c2": 0, "c3": 0, "c4": 1} {
		if list, err := s.Merges().List(ctx(t), customer, 10); err != nil || len(list) != want {
			t.Fatalf("merges of %s: %v %v, want %d", customer, list, err, want)
		}
	}
}
