package mongodb

import (
	"context"
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

// mergeDocs keeps the crm.Merge documents.
var mergeDocs = &versionedColl[crm.Merge]{
	kind:       "merge",
	plural:     "merges",
	collection: crm.CollectionMerges,
	maxBytes:   crm.MaxMergeBytes,
	tooLarge:   crm.MergeTooLarge,
	key:        func(m *crm.Merge) (*string, *int64) { return &m.ID, &m.Version },
}

// Insert stores m as Version 1; the unique _id refuses a second.
func (ms mergeStore) Insert(ctx context.Context, m *crm.Merge) error {
	return mergeDocs.insert(ctx, ms.s, m)
}

func (ms mergeStore) Get(ctx context.Context, id string) (*crm.Merge, error) {
	return mergeDocs.get(ctx, ms.s, id)
}

// Replace replaces the document only where it still has the expected
// version.
func (ms mergeStore) Replace(ctx context.Context, m *crm.Merge, expectedVersion int64) error {
	return mergeDocs.replace(ctx, ms.s, m, expectedVersion)
}

// List reads the merges newest first: a customer's by its survivor or
// others, every merge along merges_at.
func (ms mergeStore) List(ctx context.Context, customer string, limit int) ([]*crm.Merge, error) {
	filter := bson.D{}
	if customer != "" {
		filter = bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "survivor", Value: customer}},
			bson.D{{Key: "others", Value: customer}},
		}}}
	}
	return mergeDocs.list(ctx, ms.s, filter, limit)
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
