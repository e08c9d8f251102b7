package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/kehu-crm/kehu/internal/crm"
)

// settingStore keeps crm.Setting documents in the settings collection,
// found by _id alone (no other index).
type settingStore struct{ s *Store }

var _ crm.SettingStore = settingStore{}

// Settings returns the setting store.
func (s *Store) Settings() crm.SettingStore { return settingStore{s} }

func (ss settingStore) coll() *mongo.Collection { return ss.s.db.Collection(crm.CollectionSettings) }

func (ss settingStore) Get(ctx context.Context, key string, value any) (int64, error) {
	raw, err := ss.coll().FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Raw()
	if err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return 0, crm.NotFound("setting", key)
		}
		return 0, internal("get setting "+key, err)
	}
	version, ok := raw.Lookup("version").Int64OK()
	v, ok2 := raw.Lookup("value").DocumentOK()
	if !ok || !ok2 {
		return 0, internal("get setting "+key, errors.New("no int64 version or no value document"))
	}
	if err := bson.Unmarshal(v, value); err != nil {
		return 0, internal("decode setting "+key, err)
	}
	return version, nil
}

// Put inserts version 1 (the unique _id refuses a second) or replaces the
// document only where it still has the expected version.
func (ss settingStore) Put(ctx context.Context, key string, value any, expectedVersion int64) error {
	if err := crm.CheckSettingKey(key); err != nil {
		return err
	}
	v, err := bson.Marshal(value)
	if err != nil {
		return internal("encode setting "+key, err)
	}
	// The store has no clock of its own: updatedAt is the wall clock, in
	// milliseconds as BSON keeps it.
	doc, err := bson.Marshal(crm.Setting{Key: key, Version: expectedVersion + 1, Value: bson.Raw(v),
		UpdatedAt: time.Now().UTC().Truncate(time.Millisecond)})
	if err != nil {
		return internal("encode setting "+key, err)
	}
	if expectedVersion == 0 {
		if _, err := ss.coll().InsertOne(ctx, bson.Raw(doc)); err != nil {
			if isDuplicate(err) {
				return crm.SettingConflict(key, expectedVersion)
			}
			return internal("insert setting "+key, err)
		}
		return nil
	}
	res, err := ss.coll().ReplaceOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "version", Value: expectedVersion}}, bson.Raw(doc))
	if err != nil {
		return internal(fmt.Sprintf("replace setting %s version %d", key, expectedVersion), err)
	}
	if res.MatchedCount == 0 {
		return crm.SettingConflict(key, expectedVersion)
	}
	return nil
}
