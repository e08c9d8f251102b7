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

// mergeStore keeps crm.Merge documents in the merges collection, each the
// encoded Merge and nothing more (so Dump and `kehu migrate` copy it as
// the SQLite store keeps it). List by customer is an $or of the survivor
// and the others, along the indexes merges_survivor and merges_others
// (multikey), each with at and _id for the order; every merge is listed,
// and DeleteBefore finds the old ones, along merges_at.
type mergeStore struct{ s *Store }

var _ crm.MergeStore = mergeStore{}

// Merges returns the merge store.
func (s *Store) Merges() crm.MergeStore { return mergeStore{s} }

func (ms mergeStore) merges() *mongo.Collection { return ms.s.db.Collection(crm.CollectionMerges) }

// mergeIndexes are the indexes of the merges collection (createIndexes).
var mergeIndexes = []mongo.IndexModel{
	{Keys: bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("merges_at")},
	{Keys: bson.D{{Key: "survivor", Value: 1}, {Key: "at", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("merges_survivor")},
	{Keys: bson.D{{Key: "others", Value: 1}, {Key: "at", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("merges_others")},
}

func encodeMerge(m *crm.Merge) ([]byte, error) {
	doc, err := bson.Marshal(m)
	if err != nil {
		return nil, internal("encode merge "+m.ID, err)
	}
	if len(doc) > crm.MaxMergeBytes {
		return nil, crm.MergeTooLarge(m.ID, len(doc))
	}
	return doc, nil
}

// Insert stores m as Version 1; the unique _id refuses a second.
func (ms mergeStore) Insert(ctx context.Context, m *crm.Merge) error {
	if m == nil {
		return crm.Internal(errors.New("mongodb: insert merge: nil merge"))
	}
	orig := *m
	if m.ID == "" {
		m.ID = crm.NewID()
	}
	m.Version = 1
	doc, err := encodeMerge(m)
	if err == nil {
		if _, err = ms.merges().InsertOne(ctx, bson.Raw(doc)); err != nil {
			if isDuplicate(err) {
				err = crm.Duplicate("id")
			} else {
				err = internal("insert merge "+m.ID, err)
			}
		}
	}
	if err != nil {
		m.ID, m.Version = orig.ID, orig.Version
	}
	return err
}

func (ms mergeStore) Get(ctx context.Context, id string) (*crm.Merge, error) {
	raw, err := ms.merges().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, crm.NotFound("merge", id)
		}
		return nil, internal("get merge "+id, err)
	}
	m := new(crm.Merge)
	if err := bson.Unmarshal(raw, m); err != nil {
		return nil, internal("decode merge "+id, err)
	}
	return m, nil
}

// Replace replaces the document only where it still has the expected
// version.
func (ms mergeStore) Replace(ctx context.Context, m *crm.Merge, expectedVersion int64) error {
	if m == nil {
		return crm.Internal(errors.New("mongodb: replace merge: nil merge"))
	}
	if m.Version != expectedVersion+1 {
		return crm.Internal(fmt.Errorf("mongodb: replace merge: version %d, want expected version %d + 1", m.Version, expectedVersion))
	}
	doc, err := encodeMerge(m)
	if err != nil {
		return err
	}
	res, err := ms.merges().ReplaceOne(ctx, bson.D{{Key: "_id", Value: m.ID}, {Key: "version", Value: expectedVersion}}, bson.Raw(doc))
	if err != nil {
		return internal("replace merge "+m.ID, err)
	}
	if res.MatchedCount > 0 {
		return nil
	}
	ok, err := exists(ctx, ms.merges(), m.ID)
	if err != nil {
		return internal("merge "+m.ID, err)
	}
	if !ok {
		return crm.NotFound("merge", m.ID)
	}
	return crm.VersionConflict("merge")
}

// List reads the merges newest first: a customer's by its survivor or
// others, every merge along merges_at.
func (ms mergeStore) List(ctx context.Context, customer string, limit int) ([]*crm.Merge, error) {
	if limit <= 0 {
		return nil, crm.Internal(fmt.Errorf("mongodb: list merges: limit %d", limit))
	}
	filter := bson.D{}
	if customer != "" {
		filter = bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "survivor", Value: customer}},
			bson.D{{Key: "others", Value: customer}},
		}}}
	}
	cur, err := ms.merges().Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(limit)).SetBatchSize(int32(min(limit, smallBatch))))
	if err != nil {
		return nil, internal("list merges", err)
	}
	return decodeAll[crm.Merge](ctx, cur, "list merges")
}

// DeleteBefore deletes the old merges in one DeleteMany: a merge is one
// document, so a failure part way leaves none half deleted.
func (ms mergeStore) DeleteBefore(ctx context.Context, t time.Time) (int, error) {
	res, err := ms.merges().DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: t}}}})
	if err != nil {
		return 0, internal("delete merges", err)
	}
	return int(res.DeletedCount), nil
}
