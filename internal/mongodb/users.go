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

type userStore struct{ s *Store }

func userKeys(u *crm.User) []uniqueKey { return []uniqueKey{{"email", "email", u.Email}} }

func (us userStore) Insert(ctx context.Context, u *crm.User) error {
	doc, err := bson.Marshal(u)
	if err != nil {
		return internal("encode user", err)
	}
	if _, err := us.s.users.InsertOne(ctx, bson.Raw(doc)); err != nil {
		if isDuplicate(err) {
			return duplicateError(ctx, us.s.users, "user", u.ID, err, userKeys(u))
		}
		return internal("insert user", err)
	}
	return nil
}

func (us userStore) Get(ctx context.Context, id string) (*crm.User, error) {
	return us.findOne(ctx, bson.D{{Key: "_id", Value: id}}, id)
}

func (us userStore) GetByEmail(ctx context.Context, email string) (*crm.User, error) {
	return us.findOne(ctx, bson.D{{Key: "email", Value: email}}, email)
}

func (us userStore) findOne(ctx context.Context, filter bson.D, key string) (*crm.User, error) {
	raw, err := us.s.users.FindOne(ctx, filter).Raw()
	if err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, crm.NotFound("user", key)
		}
		return nil, internal("get user "+key, err)
	}
	u := new(crm.User)
	if err := bson.Unmarshal(raw, u); err != nil {
		return nil, internal("decode user "+key, err)
	}
	return u, nil
}

func (us userStore) GetMany(ctx context.Context, ids []string) ([]*crm.User, error) {
	raws, err := getMany(ctx, us.s.users, ids, smallBatch)
	if err != nil {
		return nil, internal("get users", err)
	}
	out := make([]*crm.User, 0, len(raws))
	for _, id := range ids {
		raw, ok := raws[id]
		if !ok {
			continue
		}
		u := new(crm.User)
		if err := bson.Unmarshal(raw, u); err != nil {
			return nil, internal("decode user "+id, err)
		}
		out = append(out, u)
	}
	return out, nil
}

func (us userStore) List(ctx context.Context) ([]*crm.User, error) {
	cur, err := us.s.users.Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "email", Value: 1}, {Key: "_id", Value: 1}}).SetBatchSize(smallBatch))
	if err != nil {
		return nil, internal("list users", err)
	}
	return decodeAll[crm.User](ctx, cur, "list users")
}

func (us userStore) Replace(ctx context.Context, u *crm.User, expectedVersion int64) error {
	doc, err := bson.Marshal(u)
	if err != nil {
		return internal("encode user", err)
	}
	return replace(ctx, us.s.users, "user", u.ID, doc, expectedVersion, userKeys(u))
}

func (us userStore) Count(ctx context.Context) (int, error) {
	n, err := us.s.users.CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, internal("count users", err)
	}
	return int(n), nil
}

type sessionStore struct{ s *Store }

func (ss sessionStore) Insert(ctx context.Context, sess *crm.Session) error {
	doc, err := bson.Marshal(sess)
	if err != nil {
		return internal("encode session", err)
	}
	if _, err := ss.s.sessions.InsertOne(ctx, bson.Raw(doc)); err != nil {
		return internal("insert session", err)
	}
	return nil
}

// Get reads a session by id. Like the SQLite store it does not check the
// expiry (the TTL monitor removes expired sessions only about once a
// minute): the caller compares ExpiresAt with its own clock.
func (ss sessionStore) Get(ctx context.Context, id string) (*crm.Session, error) {
	raw, err := ss.s.sessions.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, crm.Errorf(crm.CodeNotFound, "session not found")
		}
		return nil, internal("get session", err)
	}
	sess := new(crm.Session)
	if err := bson.Unmarshal(raw, sess); err != nil {
		return nil, internal("decode session", err)
	}
	return sess, nil
}

func (ss sessionStore) Delete(ctx context.Context, id string) error {
	if _, err := ss.s.sessions.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return internal("delete session", err)
	}
	return nil
}

func (ss sessionStore) DeleteUser(ctx context.Context, userID string) error {
	if _, err := ss.s.sessions.DeleteMany(ctx, bson.D{{Key: "userId", Value: userID}}); err != nil {
		return internal("delete sessions of user "+userID, err)
	}
	return nil
}

// DeleteExpired removes the sessions whose ExpiresAt is before now.
func (ss sessionStore) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	res, err := ss.s.sessions.DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}})
	if err != nil {
		return 0, internal("delete expired sessions", err)
	}
	return int(res.DeletedCount), nil
}
