package sqlite

import (
	"context"
	"database/sql"
	"time"

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

// mergeDocs keeps crm.Merge documents, each with its merge_customers rows.
var mergeDocs = &versionedTable[crm.Merge]{
	kind:     "merge",
	table:    "merges",
	maxBytes: crm.MaxMergeBytes,
	tooLarge: crm.MergeTooLarge,
	key:      func(m *crm.Merge) (*string, *int64) { return &m.ID, &m.Version },
	columns:  func(m *crm.Merge) ([]string, []any) { return []string{"at"}, []any{millis(m.At)} },
	after:    setMergeCustomers,
	children: [][2]string{{"merge_customers", "merge_id"}},
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
	return mergeDocs.insert(ctx, (*Store)(ms), m)
}

// Get reads a merge. Errors: NOT_FOUND.
func (ms *mergeStore) Get(ctx context.Context, id string) (*crm.Merge, error) {
	return mergeDocs.get(ctx, (*Store)(ms), id)
}

// Replace writes m when the stored version is expectedVersion, and its
// customers' rows with it. Errors: NOT_FOUND, CONFLICT, BAD_USER_INPUT
// (reason DOCUMENT_TOO_LARGE).
func (ms *mergeStore) Replace(ctx context.Context, m *crm.Merge, expectedVersion int64) error {
	return mergeDocs.replace(ctx, (*Store)(ms), m, expectedVersion)
}

// List reads the customer's merges along merge_customers (every merge
// along merges_at), newest first.
func (ms *mergeStore) List(ctx context.Context, customer string, limit int) ([]*crm.Merge, error) {
	if customer == "" {
		return mergeDocs.list(ctx, (*Store)(ms), limit, "SELECT doc FROM merges ORDER BY at DESC, id DESC LIMIT ?")
	}
	return mergeDocs.list(ctx, (*Store)(ms), limit, `SELECT m.doc FROM merge_customers mc JOIN merges m ON m.id = mc.merge_id
		WHERE mc.customer_id = ? ORDER BY m.at DESC, m.id DESC LIMIT ?`, customer)
}

// DeleteBefore removes the merges made before t with their customers'
// rows in one transaction.
func (ms *mergeStore) DeleteBefore(ctx context.Context, t time.Time) (int, error) {
	return mergeDocs.deleteBefore(ctx, (*Store)(ms), t)
}
