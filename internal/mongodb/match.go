package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Index names of the match keys (crm.MatchKeys).
const (
	idxMatchName    = "match_name"
	idxMatchPhones  = "match_phones"
	idxMatchVersion = "match_v"
)

// matchIndexes: equality look-ups of the name key and the phone keys (a
// multikey index); the version finds keys to recompute without a scan.
var matchIndexes = []mongo.IndexModel{
	{Keys: bson.D{{Key: "match.name", Value: 1}}, Options: options.Index().SetName(idxMatchName)},
	{Keys: bson.D{{Key: "match.phones", Value: 1}}, Options: options.Index().SetName(idxMatchPhones)},
	{Keys: bson.D{{Key: "match.v", Value: 1}}, Options: options.Index().SetName(idxMatchVersion)},
}

// FindMatches is one find over the credit code, name key and phone key
// indexes (an $or of equalities, each answered by its index).
func (cs customerStore) FindMatches(ctx context.Context, q crm.MatchQuery) ([]*crm.Customer, error) {
	if q.Limit < 1 {
		return nil, crm.Errorf(crm.CodeBadUserInput, "limit must be positive")
	}
	var or bson.A
	if q.CreditCode != "" {
		or = append(or, bson.D{{Key: "creditCode", Value: q.CreditCode}})
	}
	if q.Name != "" {
		or = append(or, bson.D{{Key: "match.name", Value: q.Name}})
	}
	var phones bson.A
	for _, p := range q.Phones {
		if p != "" {
			phones = append(phones, p)
		}
	}
	if len(phones) > 0 {
		or = append(or, bson.D{{Key: "match.phones", Value: bson.D{{Key: "$in", Value: phones}}}})
	}
	out := []*crm.Customer{}
	if len(or) == 0 {
		return out, nil
	}
	fo := options.Find().SetSort(bson.D{{Key: "code", Value: 1}}).SetLimit(int64(q.Limit)).
		SetProjection(listProjection).SetBatchSize(int32(min(q.Limit, smallBatch)))
	cur, err := cs.s.customers.Find(ctx, bson.D{{Key: "$or", Value: or}}, fo)
	if err != nil {
		return nil, internal("find matching customers", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		c := new(crm.Customer)
		if err := bson.Unmarshal(cur.Current, c); err != nil {
			return nil, internal("decode customer", err)
		}
		c.Partial = true
		out = append(out, c)
	}
	if err := cur.Err(); err != nil {
		return nil, internal("find matching customers", err)
	}
	return out, nil
}

// refreshMatchKeys recomputes the match keys of customers whose keys were
// made by older rules or are missing (written before keys were kept, or
// loaded by a migration from such a store). Only the keys change: not the
// version, so no editor sees a conflict; a customer written meanwhile has
// today's keys already, which the filter on the old ones leaves alone.
func (s *Store) refreshMatchKeys(ctx context.Context) error {
	stale := bson.D{{Key: "match.v", Value: bson.D{{Key: "$ne", Value: crm.MatchKeysVersion}}}}
	cur, err := s.customers.Find(ctx, stale, options.Find().
		// What MatchKeysOf reads: the name, the contacts, the industry,
		// the source and the region.
		SetProjection(bson.D{{Key: "name", Value: 1}, {Key: "contacts", Value: 1}, {Key: "industry", Value: 1},
			{Key: "source", Value: 1}, {Key: "region", Value: 1}, {Key: "version", Value: 1}}).
		SetBatchSize(smallBatch))
	if err != nil {
		return internal("find stale match keys", err)
	}
	defer cur.Close(ctx)
	var models []mongo.WriteModel
	flush := func() error {
		if len(models) == 0 {
			return nil
		}
		_, err := s.customers.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
		models = models[:0]
		if err != nil {
			return internal("refresh match keys", err)
		}
		return nil
	}
	for cur.Next(ctx) {
		var c crm.Customer
		if err := bson.Unmarshal(cur.Current, &c); err != nil {
			return internal("decode customer", err)
		}
		models = append(models, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: c.ID}, {Key: "version", Value: c.Version}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "match", Value: crm.MatchKeysOf(&c)}}}}))
		if len(models) == loadBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := cur.Err(); err != nil {
		return internal("find stale match keys", err)
	}
	return flush()
}
