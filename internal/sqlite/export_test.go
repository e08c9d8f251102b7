package sqlite

import (
	"context"
	"database/sql"
	"reflect"
)

// LeanDocType lets the external tests check that the read model decodes
// every field of crm.Customer it keeps.
var LeanDocType = reflect.TypeFor[leanDoc]()

// SetChunkLimit makes snapshot chunks split at n entries until restore is
// called, so that tests with few customers exercise splits.
func SetChunkLimit(n int) (restore func()) {
	old := chunkLimit
	chunkLimit = n
	return func() { chunkLimit = old }
}

// CheckSnapshot verifies the invariants of the store's current snapshot.
func CheckSnapshot(s *Store) error { return s.snap.Load().check() }

// TextPaths returns how many text conditions were answered by an index
// lookup and by reading every indexed text.
func TextPaths() (lookups, scans int64) { return textLookups.Load(), textScans.Load() }

// SetMaxBatch makes group commits take at most n writes until restore is
// called, so that tests see writes left queued behind a full batch.
func SetMaxBatch(n int) (restore func()) {
	old := maxBatch
	maxBatch = n
	return func() { maxBatch = old }
}

// SetParallelCountsFrom makes Counts run on every core from n customers
// until restore is called.
func SetParallelCountsFrom(n int) (restore func()) {
	old := parallelCountsFrom
	parallelCountsFrom = n
	return func() { parallelCountsFrom = old }
}

// WriteAloneThenFail runs one write, alone in its transaction, that raises
// a code sequence and then fails with failure: the raise must not stay.
func WriteAloneThenFail(s *Store, period string, failure error) error {
	return s.write(context.Background(), func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		if _, err := tx.ExecContext(ctx, "INSERT INTO sequences (name, value) VALUES (?, 999)", sequenceName(period)); err != nil {
			return nil, err
		}
		return nil, failure
	})
}
