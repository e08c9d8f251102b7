package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kehu-crm/kehu/internal/crm"
)

// versionedColl keeps documents of type T (a crm.Import, a crm.Merge) in
// a collection, each the encoded T and nothing more: Insert at Version 1
// with CONFLICT on the _id, Get with NOT_FOUND, Replace at an expected
// version, the encoded size bounded with the caller's error, a list newest
// first by at and _id. What differs (the filters, DeleteBefore, chunks)
// stays with the store.
type versionedColl[T any] struct {
	kind       string // "merge": in messages, NOT_FOUND and CONFLICT
	plural     string // "merges": in the list's messages
	collection string
	maxBytes   int
	tooLarge   func(id string, size int) *crm.Error
	// key points at the document's ID and Version.
	key func(*T) (id *string, version *int64)
}

func (vc *versionedColl[T]) coll(s *Store) *mongo.Collection { return s.db.Collection(vc.collection) }

func (vc *versionedColl[T]) encode(v *T) ([]byte, error) {
	id, _ := vc.key(v)
	doc, err := bson.Marshal(v)
	if err != nil {
		return nil, internal("encode "+vc.kind+" "+*id, err)
	}
	if len(doc) > vc.maxBytes {
		return nil, vc.tooLarge(*id, len(doc))
	}
	return doc, nil
}

// insert stores v as Version 1 (a new ID when it has none); the unique
// _id refuses a second. On failure v keeps its ID and Version. Errors:
// CONFLICT (field "id"), the caller's tooLarge.
func (vc *versionedColl[T]) insert(ctx context.Context, s *Store, v *T) error {
	if v == nil {
		return crm.Internal(fmt.Errorf("mongodb: insert %s: nil %s", vc.kind, vc.kind))
	}
	id, version := vc.key(v)
	origID, origVersion := *id, *version
	if *id == "" {
		*id = crm.NewID()
	}
	*version = 1
	doc, err := vc.encode(v)
	if err == nil {
		if _, err = vc.coll(s).InsertOne(ctx, bson.Raw(doc)); err != nil {
			if isDuplicate(err) {
				err = crm.Duplicate("id")
			} else {
				err = internal("insert "+vc.kind+" "+*id, err)
			}
		}
	}
	if err != nil {
		*id, *version = origID, origVersion
	}
	return err
}

// get reads a document. Errors: NOT_FOUND.
func (vc *versionedColl[T]) get(ctx context.Context, s *Store, id string) (*T, error) {
	raw, err := vc.coll(s).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, crm.NotFound(vc.kind, id)
		}
		return nil, internal("get "+vc.kind+" "+id, err)
	}
	v := new(T)
	if err := bson.Unmarshal(raw, v); err != nil {
		return nil, internal("decode "+vc.kind+" "+id, err)
	}
	return v, nil
}

// replace replaces the document only where it still has the expected
// version (v's Version must be expectedVersion+1). Errors: NOT_FOUND,
// CONFLICT, the caller's tooLarge.
func (vc *versionedColl[T]) replace(ctx context.Context, s *Store, v *T, expectedVersion int64) error {
	if v == nil {
		return crm.Internal(fmt.Errorf("mongodb: replace %s: nil %s", vc.kind, vc.kind))
	}
	id, version := vc.key(v)
	if *version != expectedVersion+1 {
		return crm.Internal(fmt.Errorf("mongodb: replace %s: version %d, want expected version %d + 1", vc.kind, *version, expectedVersion))
	}
	doc, err := vc.encode(v)
	if err != nil {
		return err
	}
	coll := vc.coll(s)
	res, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: *id}, {Key: "version", Value: expectedVersion}}, bson.Raw(doc))
	if err != nil {
		return internal("replace "+vc.kind+" "+*id, err)
	}
	if res.MatchedCount > 0 {
		return nil
	}
	ok, err := exists(ctx, coll, *id)
	if err != nil {
		return internal(vc.kind+" "+*id, err)
	}
	if !ok {
		return crm.NotFound(vc.kind, *id)
	}
	return crm.VersionConflict(vc.kind)
}

// list reads the documents filter selects, newest first (at, then _id).
func (vc *versionedColl[T]) list(ctx context.Context, s *Store, filter bson.D, limit int) ([]*T, error) {
	if limit <= 0 {
		return nil, crm.Internal(fmt.Errorf("mongodb: list %s: limit %d", vc.plural, limit))
	}
	cur, err := vc.coll(s).Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(limit)).SetBatchSize(int32(min(limit, smallBatch))))
	if err != nil {
		return nil, internal("list "+vc.plural, err)
	}
	return decodeAll[T](ctx, cur, "list "+vc.plural)
}
