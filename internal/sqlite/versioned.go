package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// versionedTable keeps documents of type T (a crm.Import, a crm.Merge) in
// a table (id, the caller's index columns, version, doc): Insert at
// Version 1 with CONFLICT on the id, Get with NOT_FOUND, Replace at an
// expected version, the encoded size bounded with the caller's error. What
// a store keeps beside its documents (side tables, chunks) stays with the
// store, as the after and children hooks.
type versionedTable[T any] struct {
	kind     string // "merge": in messages, NOT_FOUND and CONFLICT
	table    string // "merges"; also the plural in messages
	maxBytes int
	tooLarge func(id string, size int) *crm.Error
	// key points at the document's ID and Version.
	key func(*T) (id *string, version *int64)
	// columns names the index columns kept beside doc and their values.
	columns func(*T) ([]string, []any)
	// after, when set, writes what goes with a document in its Insert or
	// Replace transaction.
	after func(ctx context.Context, tx *sql.Tx, v *T) error
	// children are the tables (and their column holding the id) whose rows
	// DeleteBefore removes with their documents.
	children [][2]string
}

func (vt *versionedTable[T]) encode(v *T) ([]byte, error) {
	id, _ := vt.key(v)
	doc, err := bson.Marshal(v)
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: encode %s %s: %w", vt.kind, *id, err))
	}
	if len(doc) > vt.maxBytes {
		return nil, vt.tooLarge(*id, len(doc))
	}
	return doc, nil
}

func (vt *versionedTable[T]) decode(doc []byte) (*T, error) {
	v := new(T)
	if err := bson.Unmarshal(doc, v); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: decode %s: %w", vt.kind, err))
	}
	return v, nil
}

// insert stores v as Version 1 (a new ID when it has none); on failure v
// keeps its ID and Version. Errors: CONFLICT (field "id"), the caller's
// tooLarge.
func (vt *versionedTable[T]) insert(ctx context.Context, s *Store, v *T) error {
	if v == nil {
		return crm.Internal(fmt.Errorf("sqlite: insert %s: nil %s", vt.kind, vt.kind))
	}
	id, version := vt.key(v)
	origID, origVersion := *id, *version
	if *id == "" {
		*id = crm.NewID()
	}
	*version = 1
	doc, err := vt.encode(v)
	if err == nil {
		cols, vals := vt.columns(v)
		query := "INSERT INTO " + vt.table + " (id, " + strings.Join(cols, ", ") + ", version, doc) VALUES (?, " +
			strings.Repeat("?, ", len(cols)) + "?, ?)"
		args := append(append([]any{*id}, vals...), *version, doc)
		err = s.write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
			if _, err := tx.ExecContext(ctx, query, args...); err != nil {
				if _, ok := uniqueViolation(err); ok {
					return nil, crm.Duplicate("id")
				}
				return nil, execErr("insert "+vt.kind, err)
			}
			return nil, vt.runAfter(ctx, tx, v)
		})
	}
	if err != nil {
		*id, *version = origID, origVersion
	}
	return err
}

func (vt *versionedTable[T]) runAfter(ctx context.Context, tx *sql.Tx, v *T) error {
	if vt.after == nil {
		return nil
	}
	return vt.after(ctx, tx, v)
}

// get reads a document. Errors: NOT_FOUND.
func (vt *versionedTable[T]) get(ctx context.Context, s *Store, id string) (*T, error) {
	var doc []byte
	err := s.rdb.QueryRowContext(ctx, "SELECT doc FROM "+vt.table+" WHERE id = ?", id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, crm.NotFound(vt.kind, id)
	}
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: get %s %s: %w", vt.kind, id, err))
	}
	return vt.decode(doc)
}

// replace writes v when the stored version is expectedVersion (v's
// Version must be expectedVersion+1). Errors: NOT_FOUND, CONFLICT, the
// caller's tooLarge.
func (vt *versionedTable[T]) replace(ctx context.Context, s *Store, v *T, expectedVersion int64) error {
	if v == nil {
		return crm.Internal(fmt.Errorf("sqlite: replace %s: nil %s", vt.kind, vt.kind))
	}
	id, version := vt.key(v)
	if *version != expectedVersion+1 {
		return crm.Internal(fmt.Errorf("sqlite: replace %s: version %d, want expected version %d + 1", vt.kind, *version, expectedVersion))
	}
	doc, err := vt.encode(v)
	if err != nil {
		return err
	}
	cols, vals := vt.columns(v)
	query := "UPDATE " + vt.table + " SET " + strings.Join(cols, " = ?, ") + " = ?, version = ?, doc = ? WHERE id = ? AND version = ?"
	args := append(append([]any{}, vals...), *version, doc, *id, expectedVersion)
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return nil, execErr("update "+vt.kind, err)
		}
		if err := versionCheck(ctx, tx, res, vt.table, vt.kind, *id); err != nil {
			return nil, err
		}
		return nil, vt.runAfter(ctx, tx, v)
	})
}

// list reads the documents query selects, with limit as its last
// argument (the query ends in LIMIT ?).
func (vt *versionedTable[T]) list(ctx context.Context, s *Store, limit int, query string, args ...any) ([]*T, error) {
	if limit <= 0 {
		return nil, crm.Internal(fmt.Errorf("sqlite: list %s: limit %d", vt.table, limit))
	}
	return queryDocs(ctx, s.rdb, vt.decode, vt.table, query, append(args, limit)...)
}

// queryDocs decodes the doc column of each row query selects. Errors:
// INTERNAL "sqlite: list <what>: ...".
func queryDocs[T any](ctx context.Context, db *sql.DB, decode func([]byte) (*T, error), what, query string, args ...any) ([]*T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: list %s: %w", what, err))
	}
	defer rows.Close()
	out := []*T{}
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: list %s: %w", what, err))
		}
		v, err := decode(doc)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: list %s: %w", what, err))
	}
	return out, nil
}

// deleteBefore removes the documents made before t (column at) with their
// children's rows in one transaction, and counts the documents.
func (vt *versionedTable[T]) deleteBefore(ctx context.Context, s *Store, t time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		at := millis(t)
		for _, c := range vt.children {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+c[0]+" WHERE "+c[1]+" IN (SELECT id FROM "+vt.table+" WHERE at < ?)", at); err != nil {
				return nil, execErr("delete from "+c[0], err)
			}
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM "+vt.table+" WHERE at < ?", at)
		if err != nil {
			return nil, execErr("delete "+vt.table, err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: delete %s: %w", vt.table, err))
		}
		return nil, nil
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}
