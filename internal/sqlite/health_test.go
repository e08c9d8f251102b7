package sqlite_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// storeWithSession makes a store holding a user and a session, closed.
func storeWithSession(t *testing.T, dir string) {
	t.Helper()
	s := openAt(t, dir)
	now := time.Now()
	if err := s.Users().Insert(ctx(t), &crm.User{Email: "a@example.com", Name: "A", Role: crm.RoleAdmin,
		CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.Sessions().Insert(ctx(t), &crm.Session{ID: "s1", UserID: "u", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	mustInsert(t, s, small("甲"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// spoilPage overwrites the first page of table's b-tree with garbage, as a
// failing disk or a stray write would.
func spoilPage(t *testing.T, dir, table string) {
	t.Helper()
	path := filepath.Join(dir, sqlite.DBFile)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var root, pageSize int64
	if err := db.QueryRow("SELECT rootpage FROM sqlite_schema WHERE name = ?", table).Scan(&root); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	db.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, int(pageSize)), (root-1)*pageSize); err != nil {
		t.Fatal(err)
	}
}

// spoilString breaks the BSON string field key = value inside a stored
// document (its length prefix), leaving SQLite's record intact: damage
// that quick_check cannot see.
func spoilString(t *testing.T, dir, key, value string) {
	t.Helper()
	path := filepath.Join(dir, sqlite.DBFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := len(value) + 1
	field := append([]byte(key+"\x00"), byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	field = append(field, value...)
	i := bytes.Index(b, field)
	if i < 0 {
		t.Fatalf("%s = %q not found in the file", key, value)
	}
	copy(b[i+len(key)+1:], []byte{0xff, 0xff, 0xff, 0x7f})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestOpenRefusesUnsafeStores: start-up fails with a message that says
// what is wrong and what to do, and touches nothing, for a file that
// looks like a new install but is not, a damaged file, and a database of
// another program.
func TestOpenRefusesUnsafeStores(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, dir string)
		want  []string
	}{
		{"empty file", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, sqlite.DBFile), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, []string{"is empty (0 bytes)", "new install, delete the file", "restore it from a backup"}},
		{"damaged users page", func(t *testing.T, dir string) {
			storeWithSession(t, dir)
			spoilPage(t, dir, "users")
		}, []string{"is damaged", "from your latest backup", "kehu migrate -data", "to-embedded"}},
		{"damaged sessions page", func(t *testing.T, dir string) {
			storeWithSession(t, dir)
			spoilPage(t, dir, "sessions")
		}, []string{"is damaged", "from your latest backup"}},
		{"damaged index", func(t *testing.T, dir string) {
			storeWithSession(t, dir)
			spoilPage(t, dir, "sessions_expires_at")
		}, []string{"is damaged"}},
		{"damaged user document", func(t *testing.T, dir string) {
			storeWithSession(t, dir)
			spoilString(t, dir, "email", "a@example.com")
		}, []string{"is damaged", "users", "from your latest backup"}},
		{"damaged customer document", func(t *testing.T, dir string) {
			storeWithSession(t, dir)
			spoilString(t, dir, "name", "甲")
		}, []string{"is damaged", "customer", "from your latest backup"}},
		{"another program's database", func(t *testing.T, dir string) {
			db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.DBFile))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec("CREATE TABLE orders (id INTEGER PRIMARY KEY)"); err != nil {
				t.Fatal(err)
			}
		}, []string{"is not a Kehu database"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.spoil(t, dir)
			before, err := os.ReadFile(filepath.Join(dir, sqlite.DBFile))
			if err != nil {
				t.Fatal(err)
			}
			_, err = sqlite.Open(dir, sqlite.Options{})
			for _, want := range tc.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("open: got %v, want an error containing %q", err, want)
				}
			}
			after, _ := os.ReadFile(filepath.Join(dir, sqlite.DBFile))
			if !bytes.Equal(before, after) {
				t.Fatal("a refused Open changed the database file")
			}
		})
	}
}

// TestOpenExisting: with Options.Existing (the source of a migration) a
// missing directory or database is refused and nothing is created.
func TestOpenExisting(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := sqlite.Open(missing, sqlite.Options{Existing: true}); err == nil || !strings.Contains(err.Error(), "holds no Kehu store") {
		t.Fatalf("missing directory: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the missing directory was created: %v", err)
	}
	empty := t.TempDir()
	if _, err := sqlite.Open(empty, sqlite.Options{Existing: true}); err == nil || !strings.Contains(err.Error(), "holds no Kehu store") {
		t.Fatalf("directory without a database: %v", err)
	}
	if names, _ := os.ReadDir(empty); len(names) != 0 {
		t.Fatalf("files were created: %v", names)
	}
	dir := t.TempDir()
	storeWithSession(t, dir)
	s, err := sqlite.Open(dir, sqlite.Options{Existing: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// TestOpenRefusesReadOnlyFile: a database file the server may not write,
// in a directory it may write, fails start-up naming the file, instead of
// a server that is ready and answers INTERNAL to every write. Root may
// write any file, so as root the check runs in a child process under the
// nobody account.
func TestOpenRefusesReadOnlyFile(t *testing.T) {
	if dir := os.Getenv("KEHU_SQLITE_READONLY_DIR"); dir != "" {
		checkReadOnlyOpen(t, dir)
		return
	}
	base, err := os.MkdirTemp("", "kehu-readonly-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	dir := filepath.Join(base, "data")
	storeWithSession(t, dir)
	for _, f := range []string{sqlite.LockFile, sqlite.DBFile + "-wal", sqlite.DBFile + "-shm"} {
		os.Remove(filepath.Join(dir, f))
	}
	if err := os.Chmod(filepath.Join(dir, sqlite.DBFile), 0o444); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		checkReadOnlyOpen(t, dir)
		return
	}
	// Copy this test binary where nobody may run it, and open the way.
	exe := filepath.Join(base, "test.bin")
	copyFile(t, os.Args[0], exe)
	for _, p := range []struct {
		path string
		mode os.FileMode
	}{{base, 0o755}, {exe, 0o755}} {
		if err := os.Chmod(p.path, p.mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(dir, 65534, 65534); err != nil { // the directory is the server's
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestOpenRefusesReadOnlyFile$", "-test.v")
	cmd.Env = append(os.Environ(), "KEHU_SQLITE_READONLY_DIR="+dir, "TMPDIR="+base)
	cmd.Dir = base
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("--- PASS")) {
		t.Fatalf("child as nobody: %v\n%s", err, out)
	}
}

func checkReadOnlyOpen(t *testing.T, dir string) {
	_, err := sqlite.Open(dir, sqlite.Options{})
	want := "cannot write to " + filepath.Join(dir, sqlite.DBFile) + ": permission denied"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("open of a read-only database: got %v, want %q", err, want)
	}
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestDiskFull: a write that finds no room answers UNAVAILABLE with reason
// DISK_FULL (not INTERNAL), Ping reports it while it lasts, reads go on,
// and writing resumes by itself once there is room. SQLite's
// max_page_count (SetMaxSize) makes the database full for real.
func TestDiskFull(t *testing.T) {
	s := openAt(t, t.TempDir())
	kept := mustInsert(t, s, small("甲"))
	if err := s.Ping(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMaxSize(1); err != nil { // no more pages than today
		t.Fatal(err)
	}
	big := small("大")
	big.Notes = strings.Repeat("备注", 2400)
	for i := range 20 {
		big.Contacts = append(big.Contacts, crm.Contact{ID: crm.NewID(), Name: strings.Repeat("联系人", 10+i)})
	}
	err := s.Customers().Insert(ctx(t), big, "202611")
	wantDiskFull(t, "insert", err)
	err = s.Users().Insert(ctx(t), &crm.User{Email: "b@example.com", Name: strings.Repeat("名", 5000)})
	wantDiskFull(t, "user insert", err)
	wantDiskFull(t, "ping", s.Ping(ctx(t)))
	if _, err := s.Customers().Get(ctx(t), kept.ID); err != nil {
		t.Fatalf("reads while the disk is full: %v", err)
	}

	// Room again: the next write works without a restart, and Ping agrees.
	if err := s.SetMaxSize(0); err != nil {
		t.Fatal(err)
	}
	if err := s.Customers().Insert(ctx(t), big, "202611"); err != nil {
		t.Fatalf("insert once there is room: %v", err)
	}
	if err := s.Ping(ctx(t)); err != nil {
		t.Fatalf("ping after a write worked: %v", err)
	}

	// Ping alone also notices the room (a server nobody writes to while
	// its /readyz says full must come back).
	if err := s.SetMaxSize(1); err != nil {
		t.Fatal(err)
	}
	big2 := small("大二")
	big2.Notes = big.Notes
	big2.Contacts = big.Contacts
	wantDiskFull(t, "insert", s.Customers().Insert(ctx(t), big2, "202611"))
	wantDiskFull(t, "ping", s.Ping(ctx(t)))
	if err := s.SetMaxSize(0); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx(t)); err != nil {
		t.Fatalf("ping once there is room: %v", err)
	}
}

func wantDiskFull(t *testing.T, what string, err error) {
	t.Helper()
	var e *crm.Error
	if !errors.As(err, &e) || e.Code != crm.CodeUnavailable || e.Reason != crm.ReasonDiskFull {
		t.Fatalf("%s on a full disk: got %v, want UNAVAILABLE/DISK_FULL", what, err)
	}
}

// TestConcurrentWritesCommitTogether: writes that arrive together are
// committed together (group commit, in batches of at most 64), yet each
// succeeds or fails alone: of 200 concurrent inserts, the 50 that reuse one
// credit code lose (but one), the others all land, and the read model
// agrees with the table.
func TestConcurrentWritesCommitTogether(t *testing.T) {
	for _, batch := range []int{64, 3} { // 3: writes wait behind full batches
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			defer sqlite.SetMaxBatch(batch)()
			concurrentInserts(t)
		})
	}
}

func concurrentInserts(t *testing.T) {
	s := openAt(t, t.TempDir())
	const n = 200
	errs := make([]error, n)
	done := make(chan int)
	for i := range n {
		go func() {
			c := small(fmt.Sprintf("并发%d", i))
			if i%4 == 0 {
				c.CreditCode = "91350100M000100Y43"
			}
			errs[i] = s.Customers().Insert(ctx(t), c, "202611")
			done <- i
		}()
	}
	for range n {
		<-done
	}
	won, lost := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case i%4 == 0 && crm.IsCode(err, crm.CodeConflict):
			lost++
		default:
			t.Errorf("insert %d: %v", i, err)
		}
	}
	if won != n-49 || lost != 49 {
		t.Fatalf("%d inserted, %d refused; want %d and 49", won, lost, n-49)
	}
	page, err := s.Customers().List(ctx(t), crm.ListQuery{First: 1, Scope: crm.ScopeAll, WithTotal: true})
	if err != nil || page.Total != won {
		t.Fatalf("read model: %v, %d customers, want %d", err, page.Total, won)
	}
	if err := sqlite.CheckSnapshot(s); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s)
	if page, err := s.Customers().List(ctx(t), crm.ListQuery{First: 1, Scope: crm.ScopeAll, WithTotal: true}); err != nil || page.Total != won {
		t.Fatalf("after reopening: %v, %d customers, want %d", err, page.Total, won)
	}
}

// TestRealDiskFull fills a real (tmpfs) file system: writes answer
// UNAVAILABLE/DISK_FULL, reads go on, Ping reports it, and after the file
// system grows (as when an administrator frees space) Ping is ready and
// writes work, without a restart. It needs root (mount); elsewhere
// TestDiskFull covers the same path with SQLite's size limit.
func TestRealDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", mnt).Run() })
	s, err := sqlite.Open(filepath.Join(mnt, "data"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	kept := mustInsert(t, s, small("甲"))
	var full error
	for i := 0; i < 200 && full == nil; i++ {
		c := small("大" + strings.Repeat("乙", i%50))
		c.Notes = strings.Repeat("备注", 2400)
		full = s.Customers().Insert(ctx(t), c, "202611")
	}
	wantDiskFull(t, "insert on a full file system", full)
	t.Logf("cause: %v", full.(*crm.Error).Err)
	wantDiskFull(t, "ping", s.Ping(ctx(t)))
	if _, err := s.Customers().Get(ctx(t), kept.ID); err != nil {
		t.Fatalf("reads on a full disk: %v", err)
	}
	if out, err := exec.Command("mount", "-o", "remount,size=64m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("growing the file system: %v %s", err, out)
	}
	if err := s.Ping(ctx(t)); err != nil {
		t.Fatalf("ping once there is space: %v", err)
	}
	c := small("恢复")
	c.Notes = strings.Repeat("备注", 2400)
	if err := s.Customers().Insert(ctx(t), c, "202611"); err != nil {
		t.Fatalf("insert once there is space: %v", err)
	}
}
