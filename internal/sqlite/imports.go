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

// importsTables (schema 8) keep import jobs (doc a crm.Import) and their
// undo chunks (doc the chunk with its _id, undoDoc). An undo chunk's id is
// crm.ImportUndoID(import_id, seq), kept for Dump's _id order.
const importsTables = `CREATE TABLE imports (
		id      TEXT PRIMARY KEY,
		user_id TEXT NOT NULL,    -- Import.By
		at      INTEGER NOT NULL, -- Import.At, Unix milliseconds
		version INTEGER NOT NULL,
		doc     BLOB NOT NULL
	) STRICT;
	CREATE INDEX imports_user_at ON imports (user_id, at, id);
	CREATE INDEX imports_at ON imports (at, id);
	CREATE TABLE import_undo (
		import_id TEXT NOT NULL,
		seq       INTEGER NOT NULL,
		id        TEXT NOT NULL UNIQUE,
		doc       BLOB NOT NULL,
		PRIMARY KEY (import_id, seq)
	) STRICT;`

// importRowsTable (schema 9) keeps the chunks of imports' result rows as
// import_undo keeps the undo chunks (doc a rowsDoc, id
// crm.ImportRowsID(import_id, seq)).
const importRowsTable = `CREATE TABLE import_rows (
		import_id TEXT NOT NULL,
		seq       INTEGER NOT NULL,
		id        TEXT NOT NULL UNIQUE,
		doc       BLOB NOT NULL,
		PRIMARY KEY (import_id, seq)
	) STRICT;`

// importStore is the crm.ImportStore view of a Store. Imports are few:
// they are read from SQLite, not kept in the read model.
type importStore Store

var _ crm.ImportStore = (*importStore)(nil)

// Imports returns the import store.
func (s *Store) Imports() crm.ImportStore { return (*importStore)(s) }

// undoDoc is the stored form of an undo chunk.
type undoDoc struct {
	ID             string `bson:"_id"`
	crm.ImportUndo `bson:",inline"`
}

// rowsDoc is the stored form of a chunk of result rows.
type rowsDoc struct {
	ID             string `bson:"_id"`
	crm.ImportRows `bson:",inline"`
}

// millis is t as a BSON datetime holds it (what MongoDB compares).
func millis(t time.Time) int64 { return int64(bson.NewDateTimeFromTime(t)) }

// importDocs keeps crm.Import documents; their undo chunks and result rows
// are appended and read by importStore itself.
var importDocs = &versionedTable[crm.Import]{
	kind:     "import",
	table:    "imports",
	maxBytes: crm.MaxDocumentBytes,
	tooLarge: crm.ImportTooLarge,
	key:      func(im *crm.Import) (*string, *int64) { return &im.ID, &im.Version },
	columns: func(im *crm.Import) ([]string, []any) {
		return []string{"user_id", "at"}, []any{im.By, millis(im.At)}
	},
	children: [][2]string{{"import_undo", "import_id"}, {"import_rows", "import_id"}},
}

// Insert stores im as Version 1. Errors: CONFLICT (field "id"),
// BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE).
func (is *importStore) Insert(ctx context.Context, im *crm.Import) error {
	return importDocs.insert(ctx, (*Store)(is), im)
}

// Get reads an import. Errors: NOT_FOUND.
func (is *importStore) Get(ctx context.Context, id string) (*crm.Import, error) {
	return importDocs.get(ctx, (*Store)(is), id)
}

// Replace writes im when the stored version is expectedVersion. Errors:
// NOT_FOUND, CONFLICT, BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE).
func (is *importStore) Replace(ctx context.Context, im *crm.Import, expectedVersion int64) error {
	return importDocs.replace(ctx, (*Store)(is), im, expectedVersion)
}

// List returns by's imports ("" for everyone's), newest first.
func (is *importStore) List(ctx context.Context, by string, limit int) ([]*crm.Import, error) {
	if by == "" {
		return importDocs.list(ctx, (*Store)(is), limit, "SELECT doc FROM imports ORDER BY at DESC, id DESC LIMIT ?")
	}
	return importDocs.list(ctx, (*Store)(is), limit, "SELECT doc FROM imports WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT ?", by)
}

// encodeUndo builds the stored document of an undo chunk. Errors: as
// AppendUndo's.
func encodeUndo(u *crm.ImportUndo) ([]byte, error) {
	if u == nil || u.Import == "" || u.Seq < 0 || u.Seq > crm.MaxImportUndoSeq {
		return nil, crm.Internal(fmt.Errorf("sqlite: undo chunk without an import or with seq out of range: %+v", u))
	}
	doc, err := bson.Marshal(undoDoc{ID: crm.ImportUndoID(u.Import, u.Seq), ImportUndo: *u})
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: encode undo chunk %d of import %s: %w", u.Seq, u.Import, err))
	}
	if len(doc) > crm.MaxImportUndoBytes {
		return nil, crm.ImportUndoTooLarge(u.Import, u.Seq, len(doc))
	}
	return doc, nil
}

// encodeRows builds the stored document of a chunk of result rows.
// Errors: as AppendRows'.
func encodeRows(r *crm.ImportRows) ([]byte, error) {
	if r == nil || r.Import == "" || r.Seq < 0 || r.Seq > crm.MaxImportRowsSeq {
		return nil, crm.Internal(fmt.Errorf("sqlite: result rows without an import or with seq out of range: %+v", r))
	}
	doc, err := bson.Marshal(rowsDoc{ID: crm.ImportRowsID(r.Import, r.Seq), ImportRows: *r})
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: encode result rows %d of import %s: %w", r.Seq, r.Import, err))
	}
	if len(doc) > crm.MaxImportRowsBytes {
		return nil, crm.ImportRowsTooLarge(r.Import, r.Seq, len(doc))
	}
	return doc, nil
}

// AppendUndo stores one undo chunk. Errors: CONFLICT (field "seq"),
// BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE).
func (is *importStore) AppendUndo(ctx context.Context, u *crm.ImportUndo) error {
	doc, err := encodeUndo(u)
	if err != nil {
		return err
	}
	return is.appendChunk(ctx, "import_undo", u.Import, u.Seq, crm.ImportUndoID(u.Import, u.Seq), doc)
}

// AppendRows stores one chunk of result rows. Errors: CONFLICT (field
// "seq"), BAD_USER_INPUT (reason DOCUMENT_TOO_LARGE).
func (is *importStore) AppendRows(ctx context.Context, r *crm.ImportRows) error {
	doc, err := encodeRows(r)
	if err != nil {
		return err
	}
	return is.appendChunk(ctx, "import_rows", r.Import, r.Seq, crm.ImportRowsID(r.Import, r.Seq), doc)
}

// appendChunk inserts a chunk's document into table (import_undo or
// import_rows). Errors: CONFLICT (field "seq").
func (is *importStore) appendChunk(ctx context.Context, table, importID string, seq int, id string, doc []byte) error {
	return (*Store)(is).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" (import_id, seq, id, doc) VALUES (?, ?, ?, ?)",
			importID, seq, id, doc); err != nil {
			if _, ok := uniqueViolation(err); ok {
				return nil, crm.Duplicate("seq")
			}
			return nil, execErr("append to "+table, err)
		}
		return nil, nil
	})
}

// EachUndo reads the chunks one query each, so no read transaction stays
// open while fn works (an undo writes for a long time, and an open reader
// keeps the WAL from being reset).
func (is *importStore) EachUndo(ctx context.Context, importID string, fn func(*crm.ImportUndo) error) error {
	return is.eachChunk(ctx, "import_undo", importID, func(seq int64, doc []byte) error {
		u := new(crm.ImportUndo)
		if err := bson.Unmarshal(doc, u); err != nil {
			return crm.Internal(fmt.Errorf("sqlite: decode undo chunk %d of import %s: %w", seq, importID, err))
		}
		return fn(u)
	})
}

// EachRows reads the chunks one query each, as EachUndo (the error file
// is written to a client, which may be slow).
func (is *importStore) EachRows(ctx context.Context, importID string, fn func(*crm.ImportRows) error) error {
	return is.eachChunk(ctx, "import_rows", importID, func(seq int64, doc []byte) error {
		r := new(crm.ImportRows)
		if err := bson.Unmarshal(doc, r); err != nil {
			return crm.Internal(fmt.Errorf("sqlite: decode result rows %d of import %s: %w", seq, importID, err))
		}
		return fn(r)
	})
}

// eachChunk calls fn with the seq and document of each of the import's
// chunks in table (import_undo or import_rows), in seq order, one query
// each, and stops at fn's first error.
func (is *importStore) eachChunk(ctx context.Context, table, importID string, fn func(seq int64, doc []byte) error) error {
	after := int64(-1)
	for {
		var doc []byte
		err := is.rdb.QueryRowContext(ctx, "SELECT seq, doc FROM "+table+" WHERE import_id = ? AND seq > ? ORDER BY seq LIMIT 1",
			importID, after).Scan(&after, &doc)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return crm.Internal(fmt.Errorf("sqlite: read %s of import %s: %w", table, importID, err))
		}
		if err := fn(after, doc); err != nil {
			return err
		}
	}
}

// DeleteBefore removes the imports created before t with their undo
// chunks and result rows in one transaction.
func (is *importStore) DeleteBefore(ctx context.Context, t time.Time) (int, error) {
	return importDocs.deleteBefore(ctx, (*Store)(is), t)
}
