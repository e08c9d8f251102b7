package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kehu-crm/kehu/internal/crm"
)

// importStore keeps crm.Import documents in the imports collection
// (indexes imports_by_at and imports_at for the lists and DeleteBefore),
// their undo chunks in importUndo and their result rows in importRows,
// one document a chunk with the _id crm.ImportUndoID(import, seq) or
// crm.ImportRowsID(import, seq) (index uniq_import_seq in each).
type importStore struct{ s *Store }

var _ crm.ImportStore = importStore{}

// Imports returns the import store.
func (s *Store) Imports() crm.ImportStore { return importStore{s} }

func (is importStore) imports() *mongo.Collection { return is.s.db.Collection(crm.CollectionImports) }
func (is importStore) undo() *mongo.Collection    { return is.s.db.Collection(crm.CollectionImportUndo) }
func (is importStore) rows() *mongo.Collection    { return is.s.db.Collection(crm.CollectionImportRows) }

// undoDoc and rowsDoc are the stored forms of an undo chunk and of a chunk
// of result rows (as the SQLite store's).
type undoDoc struct {
	ID             string `bson:"_id"`
	crm.ImportUndo `bson:",inline"`
}

type rowsDoc struct {
	ID             string `bson:"_id"`
	crm.ImportRows `bson:",inline"`
}

// importDocs keeps the crm.Import documents (their chunks are the
// importStore's own).
var importDocs = &versionedColl[crm.Import]{
	kind:       "import",
	plural:     "imports",
	collection: crm.CollectionImports,
	maxBytes:   crm.MaxDocumentBytes,
	tooLarge:   crm.ImportTooLarge,
	key:        func(im *crm.Import) (*string, *int64) { return &im.ID, &im.Version },
}

// Insert stores im as Version 1; the unique _id refuses a second.
func (is importStore) Insert(ctx context.Context, im *crm.Import) error {
	return importDocs.insert(ctx, is.s, im)
}

func (is importStore) Get(ctx context.Context, id string) (*crm.Import, error) {
	return importDocs.get(ctx, is.s, id)
}

// Replace replaces the document only where it still has the expected
// version.
func (is importStore) Replace(ctx context.Context, im *crm.Import, expectedVersion int64) error {
	return importDocs.replace(ctx, is.s, im, expectedVersion)
}

// List reads the imports newest first along imports_by_at (or imports_at).
func (is importStore) List(ctx context.Context, by string, limit int) ([]*crm.Import, error) {
	filter := bson.D{}
	if by != "" {
		filter = bson.D{{Key: "by", Value: by}}
	}
	return importDocs.list(ctx, is.s, filter, limit)
}

// AppendUndo inserts the chunk as one document. A chunk must stay under
// crm.MaxImportUndoBytes (8 MB) encoded, half of MongoDB's 16 MB document
// limit: the caller splits its undo data, and a larger chunk is refused
// (BAD_USER_INPUT, reason DOCUMENT_TOO_LARGE) as the SQLite store refuses
// it. Errors: CONFLICT (field "seq") when the import has a chunk of that
// Seq.
func (is importStore) AppendUndo(ctx context.Context, u *crm.ImportUndo) error {
	if u == nil || u.Import == "" || u.Seq < 0 || u.Seq > crm.MaxImportUndoSeq {
		return crm.Internal(fmt.Errorf("mongodb: undo chunk without an import or with seq out of range: %+v", u))
	}
	doc, err := bson.Marshal(undoDoc{ID: crm.ImportUndoID(u.Import, u.Seq), ImportUndo: *u})
	if err != nil {
		return internal(fmt.Sprintf("encode undo chunk %d of import %s", u.Seq, u.Import), err)
	}
	if len(doc) > crm.MaxImportUndoBytes {
		return crm.ImportUndoTooLarge(u.Import, u.Seq, len(doc))
	}
	return appendChunk(ctx, is.undo(), u.Import, u.Seq, doc)
}

// AppendRows inserts the chunk as one document, under
// crm.MaxImportRowsBytes as AppendUndo's chunks. Errors: CONFLICT (field
// "seq") when the import has a chunk of rows of that Seq.
func (is importStore) AppendRows(ctx context.Context, r *crm.ImportRows) error {
	if r == nil || r.Import == "" || r.Seq < 0 || r.Seq > crm.MaxImportRowsSeq {
		return crm.Internal(fmt.Errorf("mongodb: result rows without an import or with seq out of range: %+v", r))
	}
	doc, err := bson.Marshal(rowsDoc{ID: crm.ImportRowsID(r.Import, r.Seq), ImportRows: *r})
	if err != nil {
		return internal(fmt.Sprintf("encode result rows %d of import %s", r.Seq, r.Import), err)
	}
	if len(doc) > crm.MaxImportRowsBytes {
		return crm.ImportRowsTooLarge(r.Import, r.Seq, len(doc))
	}
	return appendChunk(ctx, is.rows(), r.Import, r.Seq, doc)
}

// appendChunk inserts a chunk's document into coll (importUndo or
// importRows). Errors: CONFLICT (field "seq").
func appendChunk(ctx context.Context, coll *mongo.Collection, importID string, seq int, doc []byte) error {
	if _, err := coll.InsertOne(ctx, bson.Raw(doc)); err != nil {
		if isDuplicate(err) {
			return crm.Duplicate("seq")
		}
		return internal(fmt.Sprintf("append chunk %d of import %s to %s", seq, importID, coll.Name()), err)
	}
	return nil
}

// EachUndo reads the chunks one query each (eachChunk).
func (is importStore) EachUndo(ctx context.Context, importID string, fn func(*crm.ImportUndo) error) error {
	return eachChunk(ctx, is.undo(), importID, func(raw bson.Raw) error {
		u := new(crm.ImportUndo)
		if err := bson.Unmarshal(raw, u); err != nil {
			return internal(fmt.Sprintf("decode undo chunk of import %s", importID), err)
		}
		return fn(u)
	})
}

// EachRows reads the chunks one query each (eachChunk).
func (is importStore) EachRows(ctx context.Context, importID string, fn func(*crm.ImportRows) error) error {
	return eachChunk(ctx, is.rows(), importID, func(raw bson.Raw) error {
		r := new(crm.ImportRows)
		if err := bson.Unmarshal(raw, r); err != nil {
			return internal(fmt.Sprintf("decode result rows of import %s", importID), err)
		}
		return fn(r)
	})
}

// eachChunk calls fn with each of the import's chunks in coll (importUndo
// or importRows) in seq order, and stops at fn's first error. One query a
// chunk (along uniq_import_seq), so no cursor waits on fn: an undo may
// work for longer than a cursor lives idle, an error file is written as
// fast as its client reads, and a batch of chunks could be tens of
// megabytes.
func eachChunk(ctx context.Context, coll *mongo.Collection, importID string, fn func(bson.Raw) error) error {
	after := int64(-1)
	for {
		raw, err := coll.FindOne(ctx,
			bson.D{{Key: "import", Value: importID}, {Key: "seq", Value: bson.D{{Key: "$gt", Value: after}}}},
			options.FindOne().SetSort(bson.D{{Key: "seq", Value: 1}})).Raw()
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		}
		if err != nil {
			return internal(fmt.Sprintf("read %s of import %s", coll.Name(), importID), err)
		}
		seq, ok := raw.Lookup("seq").AsInt64OK()
		if !ok || seq <= after {
			return internal(fmt.Sprintf("read %s of import %s", coll.Name(), importID),
				fmt.Errorf("chunk %v came after %d", raw.Lookup("seq"), after))
		}
		after = seq
		if err := fn(raw); err != nil {
			return err
		}
	}
}

// DeleteBefore deletes, a thousand imports at a time, their undo chunks
// and result rows and then the imports, so a failure part way leaves no
// chunk without its import: the next call finds the import again.
func (is importStore) DeleteBefore(ctx context.Context, t time.Time) (int, error) {
	filter := bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: t}}}}
	deleted := 0
	for {
		cur, err := is.imports().Find(ctx, filter, options.Find().
			SetProjection(bson.D{{Key: "_id", Value: 1}}).
			SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}).
			SetLimit(smallBatch).SetBatchSize(smallBatch))
		if err != nil {
			return deleted, internal("find old imports", err)
		}
		var ids bson.A
		for cur.Next(ctx) {
			ids = append(ids, cur.Current.Lookup("_id"))
		}
		err = cur.Err()
		_ = cur.Close(ctx)
		if err != nil {
			return deleted, internal("find old imports", err)
		}
		if len(ids) == 0 {
			return deleted, nil
		}
		in := bson.D{{Key: "$in", Value: ids}}
		for _, coll := range []*mongo.Collection{is.undo(), is.rows()} {
			if _, err := coll.DeleteMany(ctx, bson.D{{Key: "import", Value: in}}); err != nil {
				return deleted, internal("delete from "+coll.Name(), err)
			}
		}
		res, err := is.imports().DeleteMany(ctx, bson.D{{Key: "_id", Value: in}})
		if err != nil {
			return deleted, internal("delete imports", err)
		}
		deleted += int(res.DeletedCount)
		if len(ids) < smallBatch {
			return deleted, nil
		}
	}
}
