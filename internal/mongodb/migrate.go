package mongodb

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kehu-crm/kehu/internal/crm"
)

func (s *Store) collection(name string) (*mongo.Collection, error) {
	if !slices.Contains(crm.Collections(), name) {
		return nil, crm.Internal(fmt.Errorf("mongodb: unknown collection %q", name))
	}
	return s.db.Collection(name), nil
}

// Dump calls fn with the raw BSON of every document of the collection in
// _id order, without the store's own fields (grams.go). fn may keep doc: it
// is a copy.
func (s *Store) Dump(ctx context.Context, collection string, fn func(doc []byte) error) error {
	coll, err := s.collection(collection)
	if err != nil {
		return err
	}
	fo := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(smallBatch)
	switch collection {
	case crm.CollectionCustomers:
		fo.SetBatchSize(fullBatch).SetProjection(withoutStoreFields)
	case crm.CollectionImportUndo, crm.CollectionImportRows, crm.CollectionMerges:
		fo.SetBatchSize(chunkBatch)
	}
	cur, err := coll.Find(ctx, bson.D{}, fo)
	if err != nil {
		return internal("dump "+collection, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		if err := fn(append([]byte(nil), cur.Current...)); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return internal("dump "+collection, err)
	}
	return nil
}

// Load upserts every document by its _id, in unordered bulk writes of a
// few hundred documents. Customers get the store's text index fields
// (grams.go).
func (s *Store) Load(ctx context.Context, collection string, docs [][]byte) error {
	coll, err := s.collection(collection)
	if err != nil {
		return err
	}
	for start := 0; start < len(docs); start += loadBatch {
		chunk := docs[start:min(start+loadBatch, len(docs))]
		models := make([]mongo.WriteModel, 0, len(chunk))
		for i, d := range chunk {
			raw := bson.Raw(d)
			if err := raw.Validate(); err != nil {
				return internal(fmt.Sprintf("load %s: document %d", collection, start+i), err)
			}
			id, err := raw.LookupErr("_id")
			if err != nil {
				return internal(fmt.Sprintf("load %s: document %d has no _id", collection, start+i), err)
			}
			if collection == crm.CollectionCustomers {
				if raw, err = withGrams(raw); err != nil {
					return internal(fmt.Sprintf("load %s: document %d", collection, start+i), err)
				}
			}
			models = append(models, mongo.NewReplaceOneModel().
				SetFilter(bson.D{{Key: "_id", Value: id}}).
				SetReplacement(raw).
				SetUpsert(true))
		}
		if _, err := coll.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
			if isDuplicate(err) {
				return internal("load "+collection+": a unique key (code, credit code, email, segment name or an import's undo or rows seq) is held by another document with a different _id in the target", err)
			}
			return internal("load "+collection, err)
		}
		if collection == crm.CollectionCustomers {
			// One raise per month period: the highest code of the chunk.
			highest := map[string]string{}
			for _, d := range chunk {
				code, ok := bson.Raw(d).Lookup("code").StringValueOK()
				if period, n, ok2 := crm.ParseCode(code); ok && ok2 {
					if _, m, _ := crm.ParseCode(highest[period]); n > m {
						highest[period] = code
					}
				}
			}
			for _, code := range highest {
				if err := s.raiseSequence(ctx, code); err != nil {
					return err
				}
			}
		}
	}
	if collection == crm.CollectionCustomers {
		return s.refreshMatchKeys(ctx) // documents from a store that kept older keys
	}
	return nil
}
