package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"go.mongodb.org/mongo-driver/v2/bson"
	modsqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Start-up refuses a store it cannot keep its promises on (Open): a file it
// cannot write, an empty file where a database should be, a damaged file,
// a database of another program. While running, a write that fails for
// want of disk space answers UNAVAILABLE (reason DISK_FULL), and Ping keeps
// saying so until there is room again (writes are still tried: the first
// one that fits ends the state).

// roomNeeded is the free space (on the disk and under the size limit) that
// ends the disk-full state in Ping: room to rewrite the largest document
// twice (the WAL keeps both copies until a checkpoint).
const roomNeeded = 2 * crm.MaxDocumentBytes

// checkFiles runs before SQLite touches the files: an empty database file
// is not a new install, and every file of the store must be writable.
func checkFiles(dir, path string, existing bool) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if existing {
			return fmt.Errorf("sqlite: %s holds no Kehu store (%s is missing)", dir, DBFile)
		}
	case err != nil:
		return fmt.Errorf("sqlite: %w", err)
	case st.Size() == 0:
		return fmt.Errorf("sqlite: %s is empty (0 bytes), so it is not a Kehu database: "+
			"if this is a new install, delete the file and start again; if it should hold your data, "+
			"restore it from a backup (a disk that filled up or a copy that was cut short leaves such a file)", path)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		h, err := os.OpenFile(f, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return cannotWrite(f, err)
		}
		h.Close()
	}
	if err := syscall.Access(dir, 2 /* W_OK */); err != nil {
		return cannotWrite(dir, err)
	}
	return nil
}

func cannotWrite(file string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot write to %s: %w (Kehu needs to write to its data directory and every file in it)", file, err)
}

// checkWritable takes the database's write lock once, so that a file
// SQLite opened read-only fails here and not at the first write.
func (s *Store) checkWritable(path string) error {
	tx, err := s.wdb.Begin() // BEGIN IMMEDIATE: takes the write lock
	if err != nil {
		return cannotWrite(path, err)
	}
	return tx.Rollback()
}

// quickCheck runs PRAGMA quick_check on every ordinary table (the text
// index's shadow tables included) with its indexes: it reads their pages
// and checks the structure (not the index contents). Checked table by
// table, because a whole-database quick_check also runs FTS5's own
// integrity check, which compares the text index with every text: 22 s
// instead of 2.5 s at 50,000 customers (docs/PERFORMANCE.md). Damage in the
// text index's tables (derived data, isIndexTable) is returned as
// indexDamage, for Open to rebuild the index; damage anywhere else is the
// error.
func (s *Store) quickCheck(path string) (indexDamage string, err error) {
	return quickCheck(s.wdb, path)
}

// ErrIndexDamaged is wrapped by CheckFile's error when only the text index
// is damaged: start-up rebuilds it from the stored customers.
var ErrIndexDamaged = errors.New("the text index is damaged (it is rebuilt from the customers at the next start)")

// CheckFile runs start-up's structural check on the database file at path,
// read-only, without loading anything (benchmarks, operators). Damage that
// only touches the text index is reported wrapping ErrIndexDamaged.
func CheckFile(path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	idx, err := quickCheck(db, path)
	if err == nil && idx != "" {
		err = fmt.Errorf("sqlite: %s: %w: %s", path, ErrIndexDamaged, idx)
	}
	return err
}

func quickCheck(db *sql.DB, path string) (string, error) {
	tables, err := ordinaryTables(db)
	if err != nil {
		return "", fmt.Errorf("sqlite: check %s: %w", path, err)
	}
	var problems, indexProblems []string
	for _, t := range tables {
		found := &problems
		if isIndexTable(t) {
			found = &indexProblems
		}
		add := func(line string) {
			if len(*found) < 10 {
				*found = append(*found, line)
			}
		}
		rows, err := db.Query(`PRAGMA quick_check("` + strings.ReplaceAll(t, `"`, `""`) + `")`)
		if err != nil {
			add(t + ": " + err.Error())
			continue
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				add(t + ": " + err.Error())
				break
			}
			if line != "ok" {
				add(line)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			add(t + ": " + err.Error())
		}
	}
	if len(problems) > 0 {
		return "", damaged(path, strings.Join(problems, "; "))
	}
	return strings.Join(indexProblems, "; "), nil
}

// ordinaryTables lists the tables that are not virtual (sqlite_schema
// itself is read by the listing).
func ordinaryTables(db *sql.DB) ([]string, error) {
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// checkKehu refuses a database of another program: no schema version,
// yet tables.
func (s *Store) checkKehu(path string) error {
	var v, tables int
	if err := s.wdb.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("sqlite: read schema version: %w", err)
	}
	if err := s.wdb.QueryRow("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").Scan(&tables); err != nil {
		return fmt.Errorf("sqlite: read schema: %w", err)
	}
	if v == 0 && tables > 0 {
		return fmt.Errorf("sqlite: %s is not a Kehu database (it holds %d tables of another program): "+
			"point the data directory at a Kehu store, or at an empty directory for a new one", path, tables)
	}
	return nil
}

// errBadDocument marks a stored document that does not decode: damage
// below what quick_check sees (the bytes inside a record).
var errBadDocument = errors.New("a stored document does not decode")

// checkDocuments decodes every user and session (a few thousand rows at
// most): a damaged one would make sign-in fail for everyone. Customers are
// all decoded by the read model's load.
func (s *Store) checkDocuments() error {
	for _, q := range []struct {
		table string
		into  func() any
	}{{"users", func() any { return new(crm.User) }}, {"sessions", func() any { return new(crm.Session) }}} {
		rows, err := s.wdb.Query("SELECT id, doc FROM " + q.table)
		if err != nil {
			return fmt.Errorf("sqlite: read %s: %w", q.table, err)
		}
		for rows.Next() {
			var id string
			var doc []byte
			if err := rows.Scan(&id, &doc); err != nil {
				rows.Close()
				return fmt.Errorf("sqlite: read %s: %w", q.table, err)
			}
			if err := bson.Unmarshal(doc, q.into()); err != nil {
				rows.Close()
				return fmt.Errorf("%w: %s %s: %v", errBadDocument, q.table, id, err)
			}
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("sqlite: read %s: %w", q.table, err)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlite: read %s: %w", q.table, err)
		}
	}
	return nil
}

// isDamage reports whether SQLite found the file corrupt or not a database,
// or a stored document does not decode.
func isDamage(err error) bool {
	if errors.Is(err, errBadDocument) {
		return true
	}
	var se *modsqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	}
	return false
}

func damaged(path, detail string) error {
	dir := filepath.Dir(path)
	return fmt.Errorf("sqlite: %s is damaged (%s). Kehu does not start on a damaged store. To restore: stop Kehu, "+
		"move %s aside, and put back the data directory from your latest backup, or copy the data back from MongoDB "+
		"into an empty directory with `kehu migrate -data %s to-embedded`", path, detail, dir, dir)
}

// isDiskFull reports whether err is SQLite's SQLITE_FULL (the disk, or the
// size limit, is full) or ENOSPC from the file system.
func isDiskFull(err error) bool {
	var se *modsqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	return errors.Is(err, syscall.ENOSPC)
}

// writeFailed maps the error of a write: disk full becomes UNAVAILABLE and
// starts the disk-full state; *crm.Error values pass; anything else is
// INTERNAL.
func (s *Store) writeFailed(err error) error {
	if isDiskFull(err) {
		if !s.diskFull.Swap(true) {
			s.log.Error("the disk is full: writes fail until there is space", "dir", s.dir, "err", err)
		}
		return crm.DiskFull(err)
	}
	return asError(err)
}

// wrote ends the disk-full state after a write that succeeded.
func (s *Store) wrote() {
	if s.diskFull.Load() && s.diskFull.Swap(false) {
		s.log.Info("disk space is back: writes work again", "dir", s.dir)
	}
}

// room returns the bytes the database can still grow by: free space on the
// disk, or under the size limit (SetMaxSize), whichever is smaller.
func (s *Store) room(ctx context.Context) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.dir, &st); err != nil {
		return 0, err
	}
	disk := int64(st.Bavail) * int64(st.Bsize)
	var pageSize, pages, limit, free int64
	for _, p := range []struct {
		pragma string
		v      *int64
	}{{"page_size", &pageSize}, {"page_count", &pages}, {"max_page_count", &limit}, {"freelist_count", &free}} {
		if err := s.wdb.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(p.v); err != nil {
			return 0, err
		}
	}
	return min(disk, (limit-pages+free)*pageSize), nil
}

// SetMaxSize limits the database file to about bytes (SQLite's
// max_page_count; never below its current size); 0 lifts the limit.
// Writes that would grow it further fail as on a full disk: UNAVAILABLE,
// reason DISK_FULL.
func (s *Store) SetMaxSize(bytes int64) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var pageSize int64
	if err := s.wdb.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		return crm.Internal(err)
	}
	pages := int64(4294967294) // SQLite's largest
	if bytes > 0 {
		pages = max(1, bytes/pageSize)
	}
	if _, err := s.wdb.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		return crm.Internal(err)
	}
	return nil
}
