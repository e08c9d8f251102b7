package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/sqlite"
)

// BenchmarkTextIndexRebuild measures the start-up that refreshes the text
// index's masked rows (a change of the masking rules) or rebuilds the whole
// index (damage): Open on a copy of the database at $KEHU_REBUILD_DB (e.g. a
// demo database the server's benchmarks generated).
//
//	KEHU_REBUILD_DB=/tmp/kehu-bench-20240501-10000/kehu.db \
//	  go test -run '^$' -bench TextIndexRebuild -benchtime 1x -v ./internal/sqlite/
func BenchmarkTextIndexRebuild(b *testing.B) {
	src := os.Getenv("KEHU_REBUILD_DB")
	if src == "" {
		b.Skip("KEHU_REBUILD_DB is not set")
	}
	// Brought to this schema and these rules once, untimed.
	prepared := filepath.Join(b.TempDir(), sqlite.DBFile)
	copyFile(b, src, prepared)
	s, err := sqlite.Open(filepath.Dir(prepared), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		setup string
	}{
		{"none", ""}, // the start-up of every day, for comparison
		// New masking rules (or the upgrade from schema 3): the masked rows
		// are brought up to date.
		{"refresh", "DELETE FROM text_index"}, // as after the upgrade from schema 3
		// Damage or another format: the whole index is built again.
		{"rebuild", "DROP TABLE masked_texts"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				dir := b.TempDir()
				copyFile(b, prepared, filepath.Join(dir, sqlite.DBFile))
				db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.DBFile))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := db.Exec(tc.setup); tc.setup != "" && err != nil {
					b.Fatal(err)
				}
				db.Close()
				cpu0 := cpuTime()
				start := time.Now()
				b.StartTimer()
				s, err := sqlite.Open(dir, sqlite.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				b.ReportMetric(time.Since(start).Seconds(), "open-s")
				b.ReportMetric((cpuTime() - cpu0).Seconds(), "cpu-s")
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				os.RemoveAll(dir)
			}
		})
	}
}
