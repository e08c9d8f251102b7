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

// apiTokensTable (schema 5) keeps API tokens, looked up by the hash of
// their secret.
const apiTokensTable = `CREATE TABLE api_tokens (
		id         TEXT PRIMARY KEY,
		hash       TEXT NOT NULL UNIQUE,
		created_at INTEGER NOT NULL, -- Unix milliseconds, for the list's order
		doc        BLOB NOT NULL
	) STRICT;`

// apiTokenStore is the crm.APITokenStore view of a Store.
type apiTokenStore Store

var _ crm.APITokenStore = (*apiTokenStore)(nil)

// APITokens returns the API token store.
func (s *Store) APITokens() crm.APITokenStore { return (*apiTokenStore)(s) }

func apiTokenArgs(t *crm.APIToken) ([]any, error) {
	doc, err := bson.Marshal(t)
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: encode API token: %w", err))
	}
	return []any{t.ID, t.Hash, t.CreatedAt.UnixMilli(), doc}, nil
}

// Insert stores a new token. Errors: CONFLICT on "hash" (or "id").
func (ts *apiTokenStore) Insert(ctx context.Context, t *crm.APIToken) error {
	if t == nil || t.ID == "" || t.Hash == "" {
		return crm.Internal(errors.New("sqlite: insert API token: no token, id or hash"))
	}
	args, err := apiTokenArgs(t)
	if err != nil {
		return err
	}
	return (*Store)(ts).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		if _, err := tx.ExecContext(ctx, "INSERT INTO api_tokens (id, hash, created_at, doc) VALUES (?, ?, ?, ?)", args...); err != nil {
			return nil, execErr("insert API token", err)
		}
		return nil, nil
	})
}

func decodeAPIToken(doc []byte) (*crm.APIToken, error) {
	t := new(crm.APIToken)
	if err := bson.Unmarshal(doc, t); err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: decode API token: %w", err))
	}
	return t, nil
}

func getAPIToken(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, column, key string) (*crm.APIToken, error) {
	var doc []byte
	err := q.QueryRowContext(ctx, "SELECT doc FROM api_tokens WHERE "+column+" = ?", key).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, crm.Errorf(crm.CodeNotFound, "API token not found")
	}
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: get API token: %w", err))
	}
	return decodeAPIToken(doc)
}

// Get reads a token by id. Errors: NOT_FOUND.
func (ts *apiTokenStore) Get(ctx context.Context, id string) (*crm.APIToken, error) {
	return getAPIToken(ctx, ts.rdb, "id", id)
}

// GetByHash reads a token by the hash of its secret. Errors: NOT_FOUND.
func (ts *apiTokenStore) GetByHash(ctx context.Context, hash string) (*crm.APIToken, error) {
	return getAPIToken(ctx, ts.rdb, "hash", hash)
}

// List returns every token, newest first.
func (ts *apiTokenStore) List(ctx context.Context) ([]*crm.APIToken, error) {
	return queryDocs(ctx, ts.rdb, decodeAPIToken, "API tokens", "SELECT doc FROM api_tokens ORDER BY created_at DESC, id DESC")
}

// update reads the token id in the write transaction, lets change modify
// it (false: nothing to write) and writes it back.
func (ts *apiTokenStore) update(ctx context.Context, id string, missingOK bool, change func(t *crm.APIToken) bool) (*crm.APIToken, error) {
	var out *crm.APIToken
	err := (*Store)(ts).write(ctx, func(ctx context.Context, tx *sql.Tx) ([]item, error) {
		t, err := getAPIToken(ctx, tx, "id", id)
		if err != nil {
			if missingOK && crm.IsCode(err, crm.CodeNotFound) {
				return nil, nil
			}
			return nil, err
		}
		out = t
		if !change(t) {
			return nil, nil
		}
		args, err := apiTokenArgs(t)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE api_tokens SET doc = ? WHERE id = ?", args[3], id); err != nil {
			return nil, execErr("update API token", err)
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Revoke marks the token revoked at at by by, once. Errors: NOT_FOUND.
func (ts *apiTokenStore) Revoke(ctx context.Context, id string, at time.Time, by string) (*crm.APIToken, error) {
	return ts.update(ctx, id, false, func(t *crm.APIToken) bool {
		if t.RevokedAt != nil {
			return false
		}
		at := at
		t.RevokedAt, t.RevokedBy = &at, by
		return true
	})
}

// Touch moves LastUsedAt forward to at.
func (ts *apiTokenStore) Touch(ctx context.Context, id string, at time.Time) error {
	_, err := ts.update(ctx, id, true, func(t *crm.APIToken) bool {
		if t.LastUsedAt != nil && !t.LastUsedAt.Before(at) {
			return false
		}
		at := at
		t.LastUsedAt = &at
		return true
	})
	return err
}
