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
// (indexes imports_by_at and imports_at for the lists and DeleteBefore)
// and their undo chunks in importUndo, one document each with the _id
// crm.ImportUndoID(import, seq) (index uniq_import_seq).
type importStore struct{ s *Store }

var _ crm.ImportStore = importStore{}

// Imports returns the import store.
func (s *Store) Imports() crm.ImportStore { return importStore{s} }

func (is importStore) imports() *mongo.Collection { return is.s.db.Collection(crm.CollectionImports) }
func (is importStore) undo() *mongo.Collection    { return is.s.db.Collection(crm.CollectionImportUndo) }

// undoDoc is the stored form of an undo chunk (as the SQLite store's).
type undoDoc struct {
	ID             string `bson:"_id"`
	crm.ImportUndo `bson:",inline"`
}

func encodeImport(im *crm.Import) ([]byte, error) {
	doc, err := bson.Marshal(im)
	if err != nil {
		return nil, internal("encode import "+im.ID, err)
	}
	if len(doc) > crm.MaxDocumentBytes {
		return nil, crm.ImportTooLarge(im.ID, len(doc))
	}
	return doc, nil
}

// Insert stores im as Version 1; the unique _id refuses a second.
func (is importStore) Insert(ctx context.Context, im *crm.Import) error {
	if im == nil {
		return crm.Internal(errors.New("mongodb: insert import: nil import"))
	}
	orig := *im
	if im.ID == "" {
		im.ID = crm.NewID()
	}
	im.Version = 1
	doc, err := encodeImport(im)
	if err == nil {
		if _, err = is.imports().InsertOne(ctx, bson.Raw(doc)); err != nil {
			if isDuplicate(err) {
				err = crm.Duplicate("id")
			} else {
				err = internal("insert import "+im.ID, err)
			}
		}
	}
	if err != nil {
		im.ID, im.Version = orig.ID, orig.Version
	}
	return err
}

func (is importStore) Get(ctx context.Context, id string) (*crm.Import, error) {
	raw, err := is.imports().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, crm.NotFound("import", id)
		}
		return nil, internal("get import "+id, err)
	}
	im := new(crm.Import)
	if err := bson.Unmarshal(raw, im); err != nil {
		return nil, internal("decode import "+id, err)
	}
	return im, nil
}

// Replace replaces the document only where it still has the expected
// version.
func (is importStore) Replace(ctx context.Context, im *crm.Import, expectedVersion int64) error {
	if im == nil {
		return crm.Internal(errors.New("mongodb: replace import: nil import"))
	}
	if im.Version != expectedVersion+1 {
		return crm.Internal(fmt.Errorf("mongodb: replace import: version %d, want expected version %d + 1", im.Version, expectedVersion))
	}
	doc, err := encodeImport(im)
	if err != nil {
		return err
	}
	res, err := is.imports().ReplaceOne(ctx, bson.D{{Key: "_id", Value: im.ID}, {Key: "version", Value: expectedVersion}}, bson.Raw(doc))
	if err != nil {
		return internal("replace import "+im.ID, err)
	}
	if res.MatchedCount > 0 {
		return nil
	}
	ok, err := exists(ctx, is.imports(), im.ID)
	if err != nil {
		return internal("import "+im.ID, err)
	}
	if !ok {
		return crm.NotFound("import", im.ID)
	}
	return crm.VersionConflict("import")
}

// List reads the imports newest first along imports_by_at (or imports_at).
func (is importStore) List(ctx context.Context, by string, limit int) ([]*crm.Import, error) {
	if limit <= 0 {
		return nil, crm.Internal(fmt.Errorf("mongodb: list imports: limit %d", limit))
	}
	filter := bson.D{}
	if by != "" {
		filter = bson.D{{Key: "by", Value: by}}
	}
	cur, err := is.imports().Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(limit)).SetBatchSize(int32(min(limit, smallBatch))))
	if err != nil {
		return nil, internal("list imports", err)
	}
	return decodeAll[crm.Import](ctx, cur, "list imports")
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
	if _, err := is.undo().InsertOne(ctx, bson.Raw(doc)); err != nil {
		if isDuplicate(err) {
			return crm.Duplicate("seq")
		}
		return internal(fmt.Sprintf("append undo chunk %d of import %s", u.Seq, u.Import), err)
	}
	return nil
}

// EachUndo reads the chunks one query each (along uniq_import_seq), so no
// cursor waits on fn: an undo may work for longer than a cursor lives
// idle, and a batch of chunks could be tens of megabytes.
func (is importStore) EachUndo(ctx context.Context, importID string, fn func(*crm.ImportUndo) error) error {
	after := -1
	for {
		raw, err := is.undo().FindOne(ctx,
			bson.D{{Key: "import", Value: importID}, {Key: "seq", Value: bson.D{{Key: "$gt", Value: after}}}},
			options.FindOne().SetSort(bson.D{{Key: "seq", Value: 1}})).Raw()
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		}
		if err != nil {
			return internal("read undo of import "+importID, err)
		}
		u := new(crm.ImportUndo)
		if err := bson.Unmarshal(raw, u); err != nil {
			return internal(fmt.Sprintf("decode undo chunk after %d of import %s", after, importID), err)
		}
		if u.Seq <= after {
			return internal("read undo of import "+importID, fmt.Errorf("chunk %d came after %d", u.Seq, after))
		}
		after = u.Seq
		if err := fn(u); err != nil {
			return err
		}
	}
}

// DeleteBefore deletes, a thousand imports at a time, their undo chunks
// and then the imports, so a failure part way leaves no chunk without its
// import: the next call finds the import again.
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
		if _, err := is.undo().DeleteMany(ctx, bson.D{{Key: "import", Value: in}}); err != nil {
			return deleted, internal("delete undo chunks", err)
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
