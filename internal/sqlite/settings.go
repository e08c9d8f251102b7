package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// settingsTable (schema 6) keeps small versioned documents by key
// (crm.SettingStore); doc is a crm.Setting.
const settingsTable = `CREATE TABLE settings (
		key     TEXT PRIMARY KEY,
		version INTEGER NOT NULL,
		doc     BLOB NOT NULL
	) STRICT;`

// settingStore is the crm.SettingStore view of a Store.
type settingStore Store

var _ crm.SettingStore = (*settingStore)(nil)

// Settings returns the setting store.
func (s *Store) Settings() crm.SettingStore { return (*settingStore)(s) }

// encodeSetting builds the stored document of value as version of key.
// The store has no clock of its own: updatedAt is the wall clock, in
// milliseconds as BSON keeps it.
func encodeSetting(key string, version int64, value any) ([]byte, error) {
	v, err := bson.Marshal(value)
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: encode setting %s: %w", key, err))
	}
	doc, err := bson.Marshal(crm.Setting{Key: key, Version: version, Value: bson.Raw(v),
		UpdatedAt: time.Now().UTC().Truncate(time.Millisecond)})
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: encode setting %s: %w", key, err))
	}
	return doc, nil
}

// Get decodes the value stored under key into value. Errors: NOT_FOUND.
func (ss *settingStore) Get(ctx context.Context, key string, value any) (int64, error) {
	var version int64
	var doc []byte
	err := ss.rdb.QueryRowContext(ctx, "SELECT version, doc FROM settings WHERE key = ?", key).Scan(&version, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, crm.NotFound("setting", key)
	}
	if err != nil {
		return 0, crm.Internal(fmt.Errorf("sqlite: get setting %s: %w", key, err))
	}
	v, ok := bson.Raw(doc).Lookup("value").DocumentOK()
	if !ok {
		return 0, crm.Internal(fmt.Errorf("sqlite: setting %s has no value document", key))
	}
	if err := bson.Unmarshal(v, value); err != nil {
		return 0, crm.Internal(fmt.Errorf("sqlite: decode setting %s: %w", key, err))
	}
	return version, nil
}

// Put stores value under key as version expectedVersion+1. Errors:
// CONFLICT (field "expectedVersion"), BAD_USER_INPUT (field "key").
func (ss *settingStore) Put(ctx context.Context, key string, value any, expectedVersion int64) error {
	if err := crm.CheckSettingKey(key); err != nil {
		return err
	}
	doc, err := encodeSetting(key, expectedVersion+1, value)
	if err != nil {
		return err
	}
	return (*Store)(ss).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		if expectedVersion == 0 {
			if _, err := tx.ExecContext(ctx, "INSERT INTO settings (key, version, doc) VALUES (?, 1, ?)", key, doc); err != nil {
				if _, ok := uniqueViolation(err); ok {
					return nil, crm.SettingConflict(key, expectedVersion)
				}
				return nil, execErr("insert setting", err)
			}
			return nil, nil
		}
		res, err := tx.ExecContext(ctx, "UPDATE settings SET version = ?, doc = ? WHERE key = ? AND version = ?",
			expectedVersion+1, doc, key, expectedVersion)
		if err != nil {
			return nil, execErr("update setting", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, crm.Internal(fmt.Errorf("sqlite: update setting: %w", err))
		}
		if n == 0 {
			return nil, crm.SettingConflict(key, expectedVersion)
		}
		return nil, nil
	})
}
