// Package sqlite is Kehu's embedded default store: every document is stored
// as BSON (the same bytes as in MongoDB, encoded with the struct tags of
// internal/crm) in a SQLite database inside the data directory, with the
// unique keys and the version as columns.
//
// The package also keeps the in-memory read model that answers customer
// lists: at Open every customer is decoded, on all cores, into a lean
// immutable snapshot, and after every committed write a new snapshot is
// published (copy on write, in commit order), so readers never block writers
// and never see half a write. Point reads (Get, GetByCode, GetMany) read the
// full documents from SQLite.
//
// The process holds an exclusive lock on the data directory while the store
// is open; a second Open of the same directory, in this process or another,
// fails at once.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	modsqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/kehu-crm/kehu/internal/crm"
)

// File names inside the data directory.
const (
	// DBFile is the SQLite database.
	DBFile = "kehu.db"
	// LockFile is locked (flock, exclusive) while a store is open.
	LockFile = "kehu.lock"
)

// SchemaVersion is the schema this package writes, kept in PRAGMA
// user_version. Open upgrades older databases step by step (migrations)
// and refuses newer ones.
const SchemaVersion = 10

// migrations[i] upgrades a database from schema version i to i+1; it has
// SchemaVersion entries.
var migrations = [SchemaVersion]string{
	`CREATE TABLE customers (
		id          TEXT PRIMARY KEY,
		code        TEXT NOT NULL UNIQUE,
		credit_code TEXT UNIQUE, -- NULL when the customer has none
		version     INTEGER NOT NULL,
		doc         BLOB NOT NULL
	) STRICT;
	CREATE TABLE users (
		id      TEXT PRIMARY KEY,
		email   TEXT NOT NULL UNIQUE,
		version INTEGER NOT NULL,
		doc     BLOB NOT NULL
	) STRICT;
	CREATE TABLE sessions (
		id         TEXT PRIMARY KEY,
		user_id    TEXT NOT NULL,
		expires_at INTEGER NOT NULL, -- Unix milliseconds
		doc        BLOB NOT NULL
	) STRICT;
	CREATE INDEX sessions_user_id ON sessions (user_id);
	CREATE INDEX sessions_expires_at ON sessions (expires_at);
	CREATE TABLE sequences (
		name  TEXT PRIMARY KEY,
		value INTEGER NOT NULL
	) STRICT;`,
	// 2: saved segments, names unique per owner (name_key is the folded name).
	`CREATE TABLE segments (
		id       TEXT PRIMARY KEY,
		owner_id TEXT NOT NULL,
		name_key TEXT NOT NULL,
		shared   INTEGER NOT NULL, -- 0 or 1
		version  INTEGER NOT NULL,
		doc      BLOB NOT NULL,
		UNIQUE (owner_id, name_key)
	) STRICT;
	CREATE INDEX segments_shared ON segments (shared) WHERE shared = 1;`,
	// 3: the text index of interactions' free texts (texts.go); filled
	// from the stored customers by goMigrations[2].
	textsTable,
	// 4: the version of the text index's contents (textIndexVersion);
	// without its row, Open rebuilds the index.
	textIndexTable,
	// 5: API tokens for dashboards (apitokens.go).
	apiTokensTable,
	// 6: small versioned documents by key (settings.go).
	settingsTable,
	// 7: the fingerprint of the texts a customer's index rows hold
	// (textsKey): a write whose texts are already indexed skips the index.
	// NULL until the customer's next write.
	`ALTER TABLE customers ADD COLUMN texts_key INTEGER;`,
	// 8: import jobs and their undo data (imports.go).
	importsTables,
	// 9: imports' result rows, for their error files (imports.go).
	importRowsTable,
	// 10: merges of customers, for their undo (merges.go).
	mergesTables,
}

// goMigrations[i], when set, runs in the transaction of migrations[i],
// after it.
var goMigrations = map[int]func(ctx context.Context, tx *sql.Tx) error{
	2: backfillTexts,
}

// Options tune a store. The zero value is ready to use.
type Options struct {
	// Logger receives start-up and shutdown messages; nil discards them.
	Logger *slog.Logger
	// DecodeWorkers is the number of goroutines (each with its own
	// connection) that load and decode customers at Open; 0 means
	// runtime.NumCPU().
	DecodeWorkers int
	// Existing opens only a store that exists: a missing data directory
	// or database file is an error instead of a new, empty store (the
	// source of `kehu migrate`).
	Existing bool
}

// DirInUseError is returned by Open when another store (in this process or
// another) holds the data directory.
type DirInUseError struct {
	Dir string
}

func (e *DirInUseError) Error() string {
	return "data directory " + e.Dir + " is in use by another Kehu process"
}

// Store is the SQLite implementation of crm.Store. It is safe for
// concurrent use.
type Store struct {
	dir  string
	log  *slog.Logger
	lock *os.File

	// wdb has exactly one connection; writes run on it in transactions
	// (several queued writes in one, see write) while holding wmu, and
	// publish the read model before releasing wmu, so snapshots appear in
	// commit order.
	wdb    *sql.DB
	wmu    sync.Mutex
	intern *interner // owned by the writer (guarded by wmu)
	// pubmu is held by the writer from its commit until it has published
	// the read model, and by readAt: a reader that needs the database and
	// the read model at the same version (the text index) gets them.
	pubmu sync.Mutex

	// queue holds the writes waiting for the writer (group commit).
	qmu   sync.Mutex
	queue []*writeReq

	// rdb is the pool for point reads, dumps and the start-up load.
	rdb *sql.DB

	// ckpt copies the WAL into the database file after commits, beside
	// the writer (checkpoint.go).
	ckpt *checkpointer

	snap atomic.Pointer[snapshot]

	// diskFull is set by a write that failed for want of space and cleared
	// by one that succeeded (or by Ping finding room again).
	diskFull atomic.Bool

	// users caches the user list (read on every API request to show
	// owners' names). Every user write bumps usersGen after it commits; a
	// cached list counts only while its generation is current.
	users    atomic.Pointer[userList]
	usersGen atomic.Uint64

	closeOnce sync.Once
	closeErr  error
}

var _ crm.Store = (*Store)(nil)

// Open opens (creating if needed) the store in dir: it creates dir with mode
// 0700, locks it, opens dir/kehu.db in WAL mode with synchronous=FULL,
// upgrades the schema and loads the read model. It fails with a
// *DirInUseError when the directory is locked by another store.
func Open(dir string, opts Options) (_ *Store, err error) {
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	workers := opts.DecodeWorkers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	if opts.Existing {
		if _, err := os.Stat(filepath.Join(dir, DBFile)); err != nil {
			return nil, fmt.Errorf("sqlite: %s holds no Kehu store: %w", dir, err)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create data directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: restrict data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{dir: dir, log: log, lock: lock, intern: newInterner()}
	defer func() {
		if err != nil {
			s.closeHandles()
		}
	}()

	path, err := filepath.Abs(filepath.Join(dir, DBFile))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	defer func() {
		if isDamage(err) {
			err = damaged(path, err.Error())
		}
	}()
	if err := checkFiles(dir, path, opts.Existing); err != nil {
		return nil, err
	}
	if s.wdb, err = openDB(path, "immediate", false); err != nil {
		return nil, err
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	if err := s.checkWritable(path); err != nil {
		return nil, err
	}
	indexDamage, err := s.quickCheck(path)
	if err != nil {
		return nil, err
	}
	if err := s.checkKehu(path); err != nil {
		return nil, err
	}
	if err := s.setJournal(); err != nil {
		return nil, err
	}
	if err := s.migrate(); err != nil {
		return nil, err
	}
	if err := s.checkDocuments(); err != nil {
		return nil, err
	}
	if err := s.checkTextIndex(path, indexDamage); err != nil {
		return nil, err
	}

	if s.rdb, err = openDB(path, "deferred", true); err != nil {
		return nil, err
	}
	readers := max(4, runtime.NumCPU(), workers)
	s.rdb.SetMaxOpenConns(readers)
	s.rdb.SetMaxIdleConns(readers)

	n, stale, err := s.loadReadModel(workers)
	if err != nil {
		return nil, err
	}
	if err := s.writeBackMatchKeys(stale); err != nil {
		return nil, err
	}
	cdb, err := openDB(path, "deferred", false)
	if err != nil {
		return nil, err
	}
	cdb.SetMaxOpenConns(1)
	cdb.SetMaxIdleConns(1)
	s.ckpt = newCheckpointer(cdb, func(err error) {
		s.log.Warn("sqlite: background checkpoint failed (the next commit retries it)", "dir", dir, "err", err)
	})
	log.Info("sqlite store open", "dir", dir, "customers", n, "decodeWorkers", workers,
		"elapsed", time.Since(start).Round(time.Millisecond))
	return s, nil
}

// lockDir takes the exclusive, non-blocking flock on dir/kehu.lock.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open lock file: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &DirInUseError{Dir: dir}
		}
		return nil, fmt.Errorf("sqlite: lock data directory %s: %w", dir, err)
	}
	// The pid is for operators wondering who holds the directory.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(fmt.Sprintf("%d\n", os.Getpid())), 0)
	}
	return f, nil
}

// openDB opens a pool on the database file with the store's PRAGMAs.
func openDB(path, txlock string, queryOnly bool) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	if queryOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// Each write of a group commit runs in a savepoint, whose
		// statement journal (the pages as they were before it) SQLite
		// spills to a temporary file past 64 KiB: a batch of 100
		// customers wrote it with a pwrite per page (an eighth of the
		// batch write's time). In memory it is a copy of the pages the
		// write touches, freed at its release.
		q.Add("_pragma", "temp_store(MEMORY)")
		q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", walBackstopPages))
	}
	q.Set("_txlock", txlock)
	u := url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return db, nil
}

// setJournal switches the database to WAL mode (persistent in the file) and
// checks that it took effect. The page size stays SQLite's default 4096:
// 16384 was measured no faster to load (fewer reads, but 25% more bytes
// read and a 10% larger file for ~25 KB documents).
func (s *Store) setJournal() error {
	ctx := context.Background()
	var mode string
	if err := s.wdb.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return fmt.Errorf("sqlite: set WAL mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("sqlite: %s cannot use WAL mode (journal mode %q)", filepath.Join(s.dir, DBFile), mode)
	}
	return nil
}

// migrate brings the schema to SchemaVersion, one transaction per step.
func (s *Store) migrate() error {
	ctx := context.Background()
	for {
		var v int
		if err := s.wdb.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return fmt.Errorf("sqlite: read schema version: %w", err)
		}
		if v > SchemaVersion {
			return fmt.Errorf("sqlite: %s has schema version %d, newer than this program's %d: use a newer Kehu",
				filepath.Join(s.dir, DBFile), v, SchemaVersion)
		}
		if v == SchemaVersion {
			return nil
		}
		tx, err := s.wdb.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("sqlite: migrate: %w", err)
		}
		_, err = tx.ExecContext(ctx, migrations[v])
		if fn := goMigrations[v]; err == nil && fn != nil {
			err = fn(ctx, tx)
		}
		if err == nil {
			_, err = tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1))
		}
		if err == nil {
			err = tx.Commit()
		} else {
			_ = tx.Rollback()
		}
		if err != nil {
			return fmt.Errorf("sqlite: migrate schema %d to %d: %w", v, v+1, err)
		}
		s.log.Info("sqlite schema upgraded", "from", v, "to", v+1)
	}
}

// Dir returns the data directory.
func (s *Store) Dir() string { return s.dir }

// Customers returns the customer store.
func (s *Store) Customers() crm.CustomerStore { return (*customerStore)(s) }

// Users returns the user store.
func (s *Store) Users() crm.UserStore { return (*userStore)(s) }

// Sessions returns the session store.
func (s *Store) Sessions() crm.SessionStore { return (*sessionStore)(s) }

// Segments returns the saved segment store.
func (s *Store) Segments() crm.SegmentStore { return (*segmentStore)(s) }

// Ping runs a trivial query on the read pool. While the disk is full (a
// write failed for want of space and none succeeded since) it answers
// UNAVAILABLE, reason DISK_FULL, until there is room for a large write.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.rdb.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return crm.Internal(fmt.Errorf("sqlite: ping: %w", err))
	}
	if s.diskFull.Load() {
		room, err := s.room(ctx)
		if err != nil {
			return crm.Internal(fmt.Errorf("sqlite: ping: free space: %w", err))
		}
		if room < roomNeeded {
			return crm.DiskFull(fmt.Errorf("sqlite: %d bytes free", room))
		}
		s.wrote()
	}
	return nil
}

// Close waits for the write in progress, checkpoints the WAL into the
// database file, closes every connection and releases the directory lock.
// Calls after the first return the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.wmu.Lock()
		defer s.wmu.Unlock()
		var errs []error
		if s.ckpt != nil {
			errs = append(errs, s.ckpt.close())
			s.ckpt = nil
		}
		if s.rdb != nil {
			errs = append(errs, s.rdb.Close())
		}
		if s.wdb != nil {
			if _, err := s.wdb.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				errs = append(errs, fmt.Errorf("sqlite: checkpoint: %w", err))
			}
		}
		errs = append(errs, s.closeHandles())
		s.closeErr = errors.Join(errs...)
		s.log.Info("sqlite store closed", "dir", s.dir)
	})
	return s.closeErr
}

// closeHandles closes both pools and releases the lock; used by Close and by
// a failed Open.
func (s *Store) closeHandles() error {
	var errs []error
	if s.ckpt != nil {
		errs = append(errs, s.ckpt.close())
		s.ckpt = nil
	}
	for _, db := range []*sql.DB{s.rdb, s.wdb} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	if s.lock != nil {
		errs = append(errs, syscall.Flock(int(s.lock.Fd()), syscall.LOCK_UN), s.lock.Close())
		s.lock = nil
	}
	return errors.Join(errs...)
}

// writeReq is one write waiting for the writer.
type writeReq struct {
	ctx   context.Context
	fn    func(ctx context.Context, tx *sql.Tx) ([]item, error)
	items []item
	err   error
	done  chan struct{}
}

// maxBatch bounds the writes committed together (a variable for tests).
var maxBatch = 64

// write runs fn in a transaction on the writer connection and returns when
// it is committed (or failed). Writes that arrive while another is being
// committed are committed together, each in its own savepoint, in one
// transaction (group commit): one fsync for the lot instead of one each, so
// concurrent writers do not queue behind each other's disk flushes. A
// failing write rolls back to its savepoint and fails alone. fn gets a
// context that is not cancelled with the request's (interrupting a
// statement would roll back the whole transaction, with the other writes);
// a write whose request is gone before it starts is skipped.
//
// When the transaction commits, the customers each fn returned (decoded
// from the stored bytes, not yet interned; sorted by id without
// duplicates) are published into the read model, in commit order, before
// the writer lock is released, so snapshots follow commit order.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) ([]item, error)) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	s.qmu.Lock()
	s.queue = append(s.queue, req)
	s.qmu.Unlock()
	s.lead(req)
	<-req.done
	return req.err
}

// lead takes the writer lock and commits what is queued, a batch at a
// time, until req is done (a writer before us may have committed it).
func (s *Store) lead(req *writeReq) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for {
		select {
		case <-req.done:
			return
		default:
		}
		s.qmu.Lock()
		batch := s.queue[:min(len(s.queue), maxBatch)]
		s.queue = s.queue[len(batch):]
		s.qmu.Unlock()
		s.commit(batch)
	}
}

// run calls r.fn, turning a panic into an INTERNAL error of that write
// alone (it runs in another request's goroutine).
func (r *writeReq) run(tx *sql.Tx) {
	defer func() {
		if p := recover(); p != nil {
			r.items, r.err = nil, crm.Internal(fmt.Errorf("sqlite: write panicked: %v", p))
		}
	}()
	r.items, r.err = r.fn(context.WithoutCancel(r.ctx), tx)
}

// commit runs a batch of writes in one transaction; called holding wmu.
// It closes every request's done channel.
func (s *Store) commit(batch []*writeReq) {
	defer func() {
		for _, r := range batch {
			close(r.done)
		}
	}()
	fail := func(err error) {
		err = s.writeFailed(err)
		for _, r := range batch {
			if r.err == nil {
				r.err, r.items = err, nil
			}
		}
	}
	bg := context.Background()
	tx, err := s.wdb.BeginTx(bg, nil)
	if err != nil {
		fail(fmt.Errorf("sqlite: begin: %w", err))
		return
	}
	// A write alone in its batch needs no savepoint: when it fails, the
	// whole transaction rolls back. A savepoint's statement journal copies
	// every page the write changes (a batch of the classification pass
	// changes some 700).
	alone := len(batch) == 1
	ok := 0
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		if !alone {
			if _, err := tx.ExecContext(bg, "SAVEPOINT w"); err != nil {
				_ = tx.Rollback()
				fail(fmt.Errorf("sqlite: savepoint: %w", err))
				return
			}
		}
		r.run(tx)
		if r.err == nil {
			if !alone {
				if _, err := tx.ExecContext(bg, "RELEASE w"); err != nil {
					_ = tx.Rollback()
					fail(fmt.Errorf("sqlite: release savepoint: %w", err))
					return
				}
			}
			ok++
			continue
		}
		r.items = nil
		if alone {
			_ = tx.Rollback()
			r.err = s.writeFailed(r.err)
			return
		}
		if _, err := tx.ExecContext(bg, "ROLLBACK TO w"); err != nil {
			// SQLite rolled back the whole transaction (it may on a full
			// disk): the batch's other writes are gone too.
			_ = tx.Rollback()
			r.err = s.writeFailed(r.err)
			fail(r.err)
			return
		}
		if _, err := tx.ExecContext(bg, "RELEASE w"); err != nil {
			_ = tx.Rollback()
			fail(fmt.Errorf("sqlite: release savepoint: %w", err))
			return
		}
		r.err = s.writeFailed(r.err)
	}
	if ok == 0 {
		_ = tx.Rollback()
		return
	}
	s.pubmu.Lock()
	defer s.pubmu.Unlock()
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("sqlite: commit: %w", err))
		return
	}
	s.wrote()
	if s.ckpt != nil {
		s.ckpt.committed()
	}
	for _, r := range batch {
		if r.err != nil || len(r.items) == 0 {
			continue
		}
		for _, it := range r.items {
			s.intern.entry(it.e)
		}
		s.snap.Store(s.snap.Load().with(r.items))
	}
}

// asError passes *crm.Error values through and wraps anything else as
// INTERNAL.
func asError(err error) error {
	var e *crm.Error
	if errors.As(err, &e) {
		return e
	}
	return crm.Internal(err)
}

// uniqueViolation maps a UNIQUE or PRIMARY KEY constraint failure to the
// CONFLICT error naming the API field; ok is false for other errors.
func uniqueViolation(err error) (e *crm.Error, ok bool) {
	var se *modsqlite.Error
	if !errors.As(err, &se) {
		return nil, false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
	default:
		return nil, false
	}
	msg := se.Error()
	for _, k := range []struct{ column, field string }{
		{"customers.credit_code", "creditCode"},
		{"customers.code", "code"},
		{"users.email", "email"},
		{"segments.owner_id", "name"}, // UNIQUE (owner_id, name_key)
		{"api_tokens.hash", "hash"},
	} {
		if containsWord(msg, k.column) {
			return crm.Duplicate(k.field), true
		}
	}
	return crm.Duplicate("id"), true
}

// containsWord reports whether msg contains col not followed by an
// identifier character (so "customers.code" does not match
// "customers.code_x").
func containsWord(msg, col string) bool {
	for i := 0; i+len(col) <= len(msg); i++ {
		if msg[i:i+len(col)] != col {
			continue
		}
		j := i + len(col)
		if j == len(msg) || !(msg[j] == '_' || msg[j] >= 'a' && msg[j] <= 'z' || msg[j] >= '0' && msg[j] <= '9') {
			return true
		}
	}
	return false
}

// execErr maps a failed statement: unique violations become CONFLICT,
// anything else INTERNAL.
func execErr(op string, err error) error {
	if e, ok := uniqueViolation(err); ok {
		return e
	}
	return crm.Internal(fmt.Errorf("sqlite: %s: %w", op, err))
}
