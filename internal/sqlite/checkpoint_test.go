package sqlite_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/sqlite"
)

// TestCommitsAreCheckpointedInTheBackground: what commits reaches the
// database file soon after, copied from the WAL by the store's own
// checkpointer. SQLite's automatic checkpoint is left only as a backstop
// at 64 MiB of WAL, so without the checkpointer the file would not grow
// from these few hundred kilobytes.
func TestCommitsAreCheckpointedInTheBackground(t *testing.T) {
	s := openAt(t, t.TempDir())
	db := filepath.Join(s.Dir(), sqlite.DBFile)
	size := func() int64 {
		st, err := os.Stat(db)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	before := size()
	for i := range 20 {
		c := small(strings.Repeat("检", i+1))
		c.Notes = strings.Repeat("备注", 3000) // 18 KB each
		mustInsert(t, s, c)
	}
	deadline := time.Now().Add(10 * time.Second)
	for size() < before+300_000 {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes after the inserts (%d before): the WAL was not checkpointed", size(), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWriteAloneFailsWhole: a write committed alone runs without a
// savepoint; when it fails, what it wrote before failing is rolled back
// with the transaction, and the next write starts clean.
func TestWriteAloneFailsWhole(t *testing.T) {
	s := openAt(t, t.TempDir())
	boom := errors.New("boom")
	if err := sqlite.WriteAloneThenFail(s, "209901", boom); !errors.Is(err, boom) {
		t.Fatalf("failed write: got %v, want %v", err, boom)
	}
	c := small("回滚后")
	if err := s.Customers().Insert(ctx(t), c, "209901"); err != nil {
		t.Fatal(err)
	}
	if c.Code != "C209901001" {
		t.Fatalf("code after the failed write: %s, want C209901001 (the failed write's sequence rolled back)", c.Code)
	}
}
