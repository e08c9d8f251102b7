package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// sequenceDoc is the document form of a sequences row.
type sequenceDoc struct {
	Name  string `bson:"_id"`
	Value int64  `bson:"value"`
}

// Dump calls fn with every document of the collection ordered by _id; fn
// owns the slice it is given. Sequences are built as {_id, value: int64}.
func (s *Store) Dump(ctx context.Context, collection string, fn func(doc []byte) error) error {
	var query string
	switch collection {
	case crm.CollectionCustomers:
		query = "SELECT doc FROM customers ORDER BY id"
	case crm.CollectionUsers:
		query = "SELECT doc FROM users ORDER BY id"
	case crm.CollectionSessions:
		query = "SELECT doc FROM sessions ORDER BY id"
	case crm.CollectionSequences:
		query = "SELECT name, value FROM sequences ORDER BY name"
	case crm.CollectionSegments:
		query = "SELECT doc FROM segments ORDER BY id"
	case crm.CollectionAPITokens:
		query = "SELECT doc FROM api_tokens ORDER BY id"
	case crm.CollectionSettings:
		query = "SELECT doc FROM settings ORDER BY key"
	case crm.CollectionImports:
		query = "SELECT doc FROM imports ORDER BY id"
	case crm.CollectionImportUndo:
		query = "SELECT doc FROM import_undo ORDER BY id"
	case crm.CollectionImportRows:
		query = "SELECT doc FROM import_rows ORDER BY id"
	case crm.CollectionMerges:
		query = "SELECT doc FROM merges ORDER BY id"
	default:
		return unknownCollection(collection)
	}
	rows, err := s.rdb.QueryContext(ctx, query)
	if err != nil {
		return crm.Internal(fmt.Errorf("sqlite: dump %s: %w", collection, err))
	}
	defer rows.Close()
	for rows.Next() {
		var doc []byte
		if collection == crm.CollectionSequences {
			var seq sequenceDoc
			if err := rows.Scan(&seq.Name, &seq.Value); err != nil {
				return crm.Internal(fmt.Errorf("sqlite: dump %s: %w", collection, err))
			}
			doc, err = bson.Marshal(bson.D{{Key: "_id", Value: seq.Name}, {Key: "value", Value: seq.Value}})
		} else {
			err = rows.Scan(&doc)
		}
		if err != nil {
			return crm.Internal(fmt.Errorf("sqlite: dump %s: %w", collection, err))
		}
		if err := fn(doc); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return crm.Internal(fmt.Errorf("sqlite: dump %s: %w", collection, err))
	}
	return nil
}

// importChunk reads the import, seq and _id of an undo chunk or a chunk
// of result rows; ok when the _id is the one they make.
func importChunk(doc bson.Raw, collection string) (imp string, seq int64, id string, ok bool) {
	id, ok = doc.Lookup("_id").StringValueOK()
	imp, ok2 := doc.Lookup("import").StringValueOK()
	seq, ok3 := doc.Lookup("seq").AsInt64OK()
	if !ok || !ok2 || !ok3 || imp == "" || seq < 0 {
		return "", 0, "", false
	}
	if collection == crm.CollectionImportRows {
		ok = seq <= crm.MaxImportRowsSeq && id == crm.ImportRowsID(imp, int(seq))
	} else {
		ok = seq <= crm.MaxImportUndoSeq && id == crm.ImportUndoID(imp, int(seq))
	}
	return imp, seq, id, ok
}

func unknownCollection(name string) error {
	return crm.Errorf(crm.CodeBadUserInput, "unknown collection %q", name)
}

// Load upserts raw documents into the collection in one transaction
// (replacing documents with the same _id) and, for customers, publishes the
// read model once for the whole call. Unique keys are enforced as for
// Insert (CONFLICT naming the field). Loaded customer codes raise their
// period's sequence so later generated codes do not collide with them.
func (s *Store) Load(ctx context.Context, collection string, docs [][]byte) error {
	if collection == crm.CollectionUsers {
		defer s.usersGen.Add(1)
	}
	type row struct {
		args  []any
		it    *item
		code  string
		merge *crm.Merge // a merge's id and customers, for merge_customers
	}
	var query string
	switch collection {
	case crm.CollectionCustomers:
		query = `INSERT INTO customers (id, code, credit_code, version, doc) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET code = excluded.code, credit_code = excluded.credit_code,
			version = excluded.version, doc = excluded.doc`
	case crm.CollectionUsers:
		query = `INSERT INTO users (id, email, version, doc) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET email = excluded.email, version = excluded.version, doc = excluded.doc`
	case crm.CollectionSessions:
		query = `INSERT INTO sessions (id, user_id, expires_at, doc) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at, doc = excluded.doc`
	case crm.CollectionSequences:
		query = `INSERT INTO sequences (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`
	case crm.CollectionSegments:
		query = `INSERT INTO segments (id, owner_id, name_key, shared, version, doc) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, name_key = excluded.name_key,
			shared = excluded.shared, version = excluded.version, doc = excluded.doc`
	case crm.CollectionAPITokens:
		query = `INSERT INTO api_tokens (id, hash, created_at, doc) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, created_at = excluded.created_at, doc = excluded.doc`
	case crm.CollectionSettings:
		query = `INSERT INTO settings (key, version, doc) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET version = excluded.version, doc = excluded.doc`
	case crm.CollectionImports:
		query = `INSERT INTO imports (id, user_id, at, version, doc) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, at = excluded.at, version = excluded.version,
			doc = excluded.doc`
	case crm.CollectionImportUndo:
		query = `INSERT INTO import_undo (import_id, seq, id, doc) VALUES (?, ?, ?, ?)
			ON CONFLICT (import_id, seq) DO UPDATE SET doc = excluded.doc`
	case crm.CollectionImportRows:
		query = `INSERT INTO import_rows (import_id, seq, id, doc) VALUES (?, ?, ?, ?)
			ON CONFLICT (import_id, seq) DO UPDATE SET doc = excluded.doc`
	case crm.CollectionMerges:
		query = `INSERT INTO merges (id, at, version, doc) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET at = excluded.at, version = excluded.version, doc = excluded.doc`
	default:
		return unknownCollection(collection)
	}
	rows := make([]row, len(docs))
	for i, doc := range docs {
		if err := bson.Raw(doc).Validate(); err != nil {
			return crm.Errorf(crm.CodeBadUserInput, "%s document %d is not valid BSON: %v", collection, i, err)
		}
		bad := func(err error) error {
			return crm.Errorf(crm.CodeBadUserInput, "%s document %d: %v", collection, i, err)
		}
		switch collection {
		case crm.CollectionCustomers:
			it, err := decodeLean(doc)
			if err != nil {
				return bad(err)
			}
			e := it.e
			if e.code() == "" {
				return bad(fmt.Errorf("customer %s has no code", e.id()))
			}
			rows[i] = row{args: []any{e.id(), e.code(), nullable(e.str(txtCreditCode)), e.version, doc}, it: &it, code: e.code()}
		case crm.CollectionUsers:
			var u crm.User
			if err := bson.Unmarshal(doc, &u); err != nil || u.ID == "" {
				return bad(fmt.Errorf("not a user: %v", err))
			}
			rows[i] = row{args: []any{u.ID, u.Email, u.Version, doc}}
		case crm.CollectionSessions:
			var ss crm.Session
			if err := bson.Unmarshal(doc, &ss); err != nil || ss.ID == "" {
				return bad(fmt.Errorf("not a session: %v", err))
			}
			rows[i] = row{args: []any{ss.ID, ss.UserID, ss.ExpiresAt.UnixMilli(), doc}}
		case crm.CollectionSequences:
			var seq sequenceDoc
			if err := bson.Unmarshal(doc, &seq); err != nil || seq.Name == "" {
				return bad(fmt.Errorf("not a sequence: %v", err))
			}
			rows[i] = row{args: []any{seq.Name, seq.Value}}
		case crm.CollectionSegments:
			var seg crm.SavedSegment
			if err := bson.Unmarshal(doc, &seg); err != nil || seg.ID == "" || seg.NameKey == "" {
				return bad(fmt.Errorf("not a saved segment: %v", err))
			}
			rows[i] = row{args: []any{seg.ID, seg.OwnerID, seg.NameKey, boolInt(seg.Shared), seg.Version, doc}}
		case crm.CollectionAPITokens:
			var t crm.APIToken
			if err := bson.Unmarshal(doc, &t); err != nil || t.ID == "" || t.Hash == "" {
				return bad(fmt.Errorf("not an API token: %v", err))
			}
			rows[i] = row{args: []any{t.ID, t.Hash, t.CreatedAt.UnixMilli(), doc}}
		case crm.CollectionSettings:
			raw := bson.Raw(doc)
			key, ok := raw.Lookup("_id").StringValueOK()
			version, ok2 := raw.Lookup("version").Int64OK()
			_, ok3 := raw.Lookup("value").DocumentOK()
			if !ok || !ok2 || !ok3 || crm.CheckSettingKey(key) != nil || version < 1 {
				return bad(fmt.Errorf("not a setting (a string _id of 1 to %d bytes, an int64 version of 1 or more, a value document)",
					crm.MaxSettingKeyBytes))
			}
			rows[i] = row{args: []any{key, version, doc}}
		case crm.CollectionImports:
			var im crm.Import
			if err := bson.Unmarshal(doc, &im); err != nil || im.ID == "" || im.Version < 1 {
				return bad(fmt.Errorf("not an import: %v", err))
			}
			rows[i] = row{args: []any{im.ID, im.By, millis(im.At), im.Version, doc}}
		case crm.CollectionImportUndo, crm.CollectionImportRows:
			imp, seq, id, ok := importChunk(doc, collection)
			if !ok {
				return bad(errors.New("not a chunk of an import (an import, a seq of 0 or more and the _id they make)"))
			}
			rows[i] = row{args: []any{imp, seq, id, doc}}
		case crm.CollectionMerges:
			m := new(crm.Merge)
			if err := bson.Unmarshal(doc, m); err != nil || m.ID == "" || m.Version < 1 {
				return bad(fmt.Errorf("not a merge: %v", err))
			}
			// Decoded whole to check it; kept without the documents before.
			rows[i] = row{args: []any{m.ID, millis(m.At), m.Version, doc},
				merge: &crm.Merge{ID: m.ID, Survivor: m.Survivor, Others: m.Others}}
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		stmt, err := tx.PrepareContext(ctx, query)
		if err != nil {
			return nil, fmt.Errorf("sqlite: load %s: %w", collection, err)
		}
		defer stmt.Close()
		var items []item
		for _, r := range rows {
			if _, err := stmt.ExecContext(ctx, r.args...); err != nil {
				return nil, execErr("load "+collection, err)
			}
			if r.merge != nil {
				if err := setMergeCustomers(ctx, tx, r.merge); err != nil {
					return nil, err
				}
			}
			if r.it != nil {
				if err := raiseSequence(ctx, tx, r.code); err != nil {
					return nil, err
				}
				row, err := customerRow(ctx, tx, r.it.e.id())
				if err != nil {
					return nil, err
				}
				if err := indexDoc(ctx, tx, row, r.args[4].([]byte)); err != nil {
					return nil, err
				}
				r.it.e.row = row
				items = append(items, *r.it)
			}
		}
		return sortUnique(items), nil
	})
}
