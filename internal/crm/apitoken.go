package crm

import (
	"context"
	"time"
)

// APIToken lets a dashboard (DataV, Grafana, Metabase, a wall screen) read
// without signing in as a person. Its secret is shown once, when it is
// created; the store keeps only Hash, the hex SHA-256 of the secret, which
// is also how a request's token is looked up. A token acts as a read-only
// ANALYST (APITokenActor, policy.go).
type APIToken struct {
	ID         string     `bson:"_id"`
	Name       string     `bson:"name"`
	Hash       string     `bson:"hash"` // unique
	CreatedBy  string     `bson:"createdBy"`
	CreatedAt  time.Time  `bson:"createdAt"`
	ExpiresAt  time.Time  `bson:"expiresAt"`
	LastUsedAt *time.Time `bson:"lastUsedAt,omitempty"`
	RevokedAt  *time.Time `bson:"revokedAt,omitempty"`
	RevokedBy  string     `bson:"revokedBy,omitempty"`
}

// Revoked reports whether the token was revoked.
func (t *APIToken) Revoked() bool { return t.RevokedAt != nil }

// Expired reports whether the token has expired at now.
func (t *APIToken) Expired(now time.Time) bool { return !now.Before(t.ExpiresAt) }

// APITokenStore keeps API tokens. Tokens are few (a handful per company)
// and never deleted, so revoked and expired ones stay listed.
type APITokenStore interface {
	// Insert stores a new token. Errors: CONFLICT with field "hash" when the
	// hash is taken (never, for random secrets).
	Insert(ctx context.Context, t *APIToken) error
	// Get returns a token by id. Errors: NOT_FOUND.
	Get(ctx context.Context, id string) (*APIToken, error)
	// GetByHash returns the token whose Hash is hash. Errors: NOT_FOUND.
	GetByHash(ctx context.Context, hash string) (*APIToken, error)
	// List returns every token, newest first (CreatedAt, then id).
	List(ctx context.Context) ([]*APIToken, error)
	// Revoke sets RevokedAt and RevokedBy unless the token is revoked
	// already, and returns the token as stored afterwards (revoking twice
	// keeps the first time). Errors: NOT_FOUND.
	Revoke(ctx context.Context, id string, at time.Time, by string) (*APIToken, error)
	// Touch sets LastUsedAt to at when it is unset or earlier. A missing
	// token is not an error.
	Touch(ctx context.Context, id string, at time.Time) error
}
