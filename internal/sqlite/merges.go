package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// mergesTables (schema 10) keep merges (doc a crm.Merge) and, for List by
// customer, one merge_customers row for each customer a merge names (its
// survivor and others), written in the merge's transaction.
const mergesTables = `CREATE TABLE merges (
		id      TEXT PRIMARY KEY,
		at      INTEGER NOT NULL, -- Merge.At, Unix milliseconds
		version INTEGER NOT NULL,
		doc     BLOB NOT NULL
	) STRICT;
	CREATE INDEX merges_at ON merges (at, id);
	CREATE TABLE merge_customers (
		customer_id TEXT NOT NULL,
		merge_id    TEXT NOT NULL,
		PRIMARY KEY (customer_id, merge_id)
	) STRICT, WITHOUT ROWID;
	CREATE INDEX merge_customers_merge ON merge_customers (merge_id);`

// mergeStore is the crm.MergeStore view of a Store. Merges are few and
// read one customer at a time: they are read from SQLite, not kept in the
// read model.
type mergeStore Store

var _ crm.MergeStore = (*mergeStore)(nil)

// Merges returns the merge store.
func (s *Store) Merges() crm.MergeStore { return (*mergeStore)(s) }

func encodeMerge(m *crm.Merge) ([]byte, error) {
	doc, err := bson.Marshal(m)
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: encode merge %s: %w", m.ID, err))
	}
	if len(doc) > crm.MaxMergeBytes {
		return nil, crm.MergeTooLarge(m.ID, len(doc))
	}
	return doc, nil
}

func decodeMerge(doc []byte) (*crm.Merge, error) {
	m := new(crm.Merge)
	if err := bson.Unmarshal(doc, m); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: decode merge: %w", err))
	}
	return m, nil
}

// setMergeCustomers makes merge_customers hold exactly the customers m
// names (a customer named twice once; an empty id not at all).
func setMergeCustomers(ctx context.Context, tx *sql.Tx, m *crm.Merge) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM merge_customers WHERE merge_id = ?", m.ID); err != nil {
		return execErr("delete the customers of merge "+m.ID, err)
	}
	for _, c := range append([]string{m.Survivor}, m.Others...) {
		if c == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO merge_customers (customer_id, merge_id) VALUES (?, ?)", c, m.ID); err != nil {
			return execErr("insert the customers of merge "+m.ID, err)
		}
	}
	return nil
}

// Insert stores m as Version 1. Errors: CONFLICT (field "id"),
// BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE).
func (ms *mergeStore) Insert(ctx context.Context, m *crm.Merge) error {
	if m == nil {
		return crm.Internal(errors.New("sqlite: insert merge: nil merge"))
	}
	orig := *m
	if m.ID == "" {
		m.ID = crm.NewID()
	}
	m.Version = 1
	doc, err := encodeMerge(m)
	if err == nil {
		err = (*Store)(ms).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
			if _, err := tx.ExecContext(ctx, "INSERT INTO merges (id, at, version, doc) VALUES (?, ?, ?, ?)",
				m.ID, millis(m.At), m.Version, doc); err != nil {
				if _, ok := uniqueViolation(err); ok {
					return nil, crm.Duplicate("id")
				}
				return nil, execErr("insert merge", err)
			}
			return nil, setMergeCustomers(ctx, tx, m)
		})
	}
	if err != nil {
		m.ID, m.Version = orig.ID, orig.Version
	}
	return err
}

// Get reads a merge. Errors: NOT_FOUND.
func (ms *mergeStore) Get(ctx context.Context, id string) (*crm.Merge, error) {
	var doc []byte
	err := ms.rdb.QueryRowContext(ctx, "SELECT doc FROM merges WHERE id = ?", id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, crm.NotFound("merge", id)
	}
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: get merge %s: %w", id, err))
	}
	return decodeMerge(doc)
}

// Replace writes m when the stored version is expectedVersion, and its
// customers' rows with it. Errors: NOT_FOUND, CONFLICT, BAD_USER_INPUT
// (reason DOCUMENT_TOO_LARGE).
func (ms *mergeStore) Replace(ctx context.Context, m *crm.Merge, expectedVersion int64) error {
	if m == nil {
		return crm.Internal(errors.New("sqlite: replace merge: nil merge"))
	}
	if m.Version != expectedVersion+1 {
		return crm.Internal(fmt.Errorf("sqlite: replace merge: version %d, want expected version %d + 1", m.Version, expectedVersion))
	}
	doc, err := encodeMerge(m)
	if err != nil {
		return err
	}
	return (*Store)(ms).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		res, err := tx.ExecContext(ctx, "UPDATE merges SET at = ?, version = ?, doc = ? WHERE id = ? AND version = ?",
			millis(m.At), m.Version, doc, m.ID, expectedVersion)
		if err != nil {
			return nil, execErr("update merge", err)
		}
		if err := versionCheck(ctx, tx, res, "merges", "merge", m.ID); err != nil {
			return nil, err
		}
		return nil, setMergeCustomers(ctx, tx, m)
	})
}

// List reads the customer's merges along merge_customers (every merge
// along merges_at), newest first.
func (ms *mergeStore) List(ctx context.Context, customer string, limit int) ([]*crm.Merge, error) {
	if limit <= 0 {
		return nil, crm.Internal(fmt.Errorf("sqlite: list merges: limit %d", limit))
	}
	query, args := "SELECT doc FROM merges ORDER BY at DESC, id DESC LIMIT ?", []any{limit}
	if customer != "" {
		query = `SELECT m.doc FROM merge_customers mc JOIN merges m ON m.id = mc.merge_id
			WHERE mc.customer_id = ? ORDER BY m.at DESC, m.id DESC LIMIT ?`
		args = []any{customer, limit}
	}
	rows, err := ms.rdb.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: list merges: %w", err))
	}
	defer rows.Close()
	out := []*crm.Merge{}
	for rows.Next() {
		var doc sql.RawBytes
		if err := rows.Scan(&doc); err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: list merges: %w", err))
		}
		m, err := decodeMerge(doc)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: list merges: %w", err))
	}
	return out, nil
}

// DeleteBefore removes the merges made before t with their customers'
// rows in one transaction.
func (ms *mergeStore) DeleteBefore(ctx context.Context, t time.Time) (int, error) {
	var n int64
	err := (*Store)(ms).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		at := millis(t)
		if _, err := tx.ExecContext(ctx, "DELETE FROM merge_customers WHERE merge_id IN (SELECT id FROM merges WHERE at < ?)", at); err != nil {
			return nil, execErr("delete from merge_customers", err)
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM merges WHERE at < ?", at)
		if err != nil {
			return nil, execErr("delete merges", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: delete merges: %w", err))
		}
		return nil, nil
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}
