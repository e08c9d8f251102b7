package mongodb

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kehu-crm/kehu/internal/crm"
)

// idxAPITokenHash makes the hash of a token's secret unique and is how a
// request's token is found.
const idxAPITokenHash = "uniq_hash"

type apiTokenStore struct{ s *Store }

var _ crm.APITokenStore = apiTokenStore{}

// APITokens returns the API token store.
func (s *Store) APITokens() crm.APITokenStore { return apiTokenStore{s} }

func (ts apiTokenStore) coll() *mongo.Collection { return ts.s.db.Collection(crm.CollectionAPITokens) }

func (ts apiTokenStore) Insert(ctx context.Context, t *crm.APIToken) error {
	if t == nil || t.ID == "" || t.Hash == "" {
		return internal("insert API token", errors.New("no token, id or hash"))
	}
	doc, err := bson.Marshal(t)
	if err != nil {
		return internal("encode API token", err)
	}
	if _, err := ts.coll().InsertOne(ctx, bson.Raw(doc)); err != nil {
		if isDuplicate(err) {
			return duplicateError(ctx, ts.coll(), "API token", t.ID, err, []uniqueKey{{"hash", "hash", t.Hash}})
		}
		return internal("insert API token", err)
	}
	return nil
}

func (ts apiTokenStore) findOne(ctx context.Context, filter bson.D) (*crm.APIToken, error) {
	raw, err := ts.coll().FindOne(ctx, filter).Raw()
	if err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, crm.Errorf(crm.CodeNotFound, "API token not found")
		}
		return nil, internal("get API token", err)
	}
	t := new(crm.APIToken)
	if err := bson.Unmarshal(raw, t); err != nil {
		return nil, internal("decode API token", err)
	}
	return t, nil
}

func (ts apiTokenStore) Get(ctx context.Context, id string) (*crm.APIToken, error) {
	return ts.findOne(ctx, bson.D{{Key: "_id", Value: id}})
}

func (ts apiTokenStore) GetByHash(ctx context.Context, hash string) (*crm.APIToken, error) {
	return ts.findOne(ctx, bson.D{{Key: "hash", Value: hash}})
}

func (ts apiTokenStore) List(ctx context.Context) ([]*crm.APIToken, error) {
	cur, err := ts.coll().Find(ctx, bson.D{}, options.Find().
		SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).SetBatchSize(smallBatch))
	if err != nil {
		return nil, internal("list API tokens", err)
	}
	return decodeAll[crm.APIToken](ctx, cur, "list API tokens")
}

// Revoke sets revokedAt only where it is absent, so the first revocation
// stays; then it reads the token back.
func (ts apiTokenStore) Revoke(ctx context.Context, id string, at time.Time, by string) (*crm.APIToken, error) {
	_, err := ts.coll().UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "revokedAt", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revokedAt", Value: at}, {Key: "revokedBy", Value: by}}}})
	if err != nil {
		return nil, internal("revoke API token", err)
	}
	return ts.Get(ctx, id)
}

// Touch moves lastUsedAt forward only: racing requests never move it back.
func (ts apiTokenStore) Touch(ctx context.Context, id string, at time.Time) error {
	_, err := ts.coll().UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "$or", Value: bson.A{
			bson.D{{Key: "lastUsedAt", Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: "lastUsedAt", Value: bson.D{{Key: "$lt", Value: at}}}},
		}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "lastUsedAt", Value: at}}}})
	if err != nil {
		return internal("touch API token", err)
	}
	return nil
}
