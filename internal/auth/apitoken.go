package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// API tokens let dashboards read without signing in as a person: an
// ADMIN or MANAGER creates one (its secret is shown once), and a request
// that carries it as "Authorization: Bearer kehu_at_..." acts as a
// read-only ANALYST (crm.APITokenActor) until it expires or is revoked.
// The secret is 256 random bits: its SHA-256 is a safe stored key and the
// look-up key (a password hash such as argon2 protects guessable secrets,
// which these are not).

// APITokenPrefix starts every API token, so a bearer token is told apart
// from a session token without a look-up.
const APITokenPrefix = "kehu_at_"

// MaxAPITokenYears bounds how far ahead an API token may expire.
const MaxAPITokenYears = 2

// touchEvery is the precision of APIToken.LastUsedAt: a token in use is
// written at most once per interval, not on every request.
const touchEvery = time.Minute

// Reasons of API token errors.
const (
	// ReasonPastTime (BAD_USER_INPUT): a time that must be in the future is not.
	ReasonPastTime crm.Reason = "PAST_TIME"
	// ReasonTooFarAhead (BAD_USER_INPUT): a time too far in the future;
	// params: years.
	ReasonTooFarAhead crm.Reason = "TOO_FAR_AHEAD"

	// ReasonAPITokenExpired (UNAUTHENTICATED): the API token has expired.
	ReasonAPITokenExpired = "API_TOKEN_EXPIRED"
	// ReasonAPITokenRevoked (UNAUTHENTICATED): the API token was revoked.
	ReasonAPITokenRevoked = "API_TOKEN_REVOKED"
	// ReasonAPITokenReadOnly (FORBIDDEN): an API token changes nothing.
	ReasonAPITokenReadOnly = "API_TOKEN_READ_ONLY"
)

// IsAPIToken reports whether a bearer token is an API token (by its
// prefix; whether it is a valid one is AuthenticateAPIToken's business).
func IsAPIToken(token string) bool { return strings.HasPrefix(token, APITokenPrefix) }

// APITokenHash returns the stored key of an API token, the hex SHA-256 of
// the whole token, and false when token is not shaped like one this
// package issues.
func APITokenHash(token string) (string, bool) {
	secret, ok := strings.CutPrefix(token, APITokenPrefix)
	if !ok || len(secret) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return "", false
	}
	if b, err := base64.RawURLEncoding.Strict().DecodeString(secret); err != nil || len(b) != tokenBytes {
		return "", false
	}
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:]), true
}

// ReadOnlyError is the FORBIDDEN answer to any change asked with an API token.
func ReadOnlyError() error {
	return &crm.Error{Code: crm.CodeForbidden, Reason: ReasonAPITokenReadOnly,
		Message: "API tokens are read-only: they cannot change anything; sign in as a person to make changes"}
}

func (s *Service) tokenLimiter() *RequestLimiter {
	if s.TokenLimiter != nil {
		return s.TokenLimiter
	}
	s.defaultTokenLimiterOnce.Do(func() { s.defaultTokenLimiter = NewRequestLimiter(s.Clock, RequestLimit{}) })
	return s.defaultTokenLimiter
}

func mayNotManageTokens() error {
	return crm.Errorf(crm.CodeForbidden, "only administrators and managers may manage API tokens")
}

// CreateAPIToken creates an API token named name that works until
// expiresAt, and returns its secret (shown this once: only its hash is
// kept) and its record. Only ADMIN and MANAGER may
// (crm.Actor.CanManageAPITokens). Errors: FORBIDDEN; BAD_USER_INPUT on
// "name" (required, at most MaxNameLen characters, no control characters)
// and "expiresAt" (PAST_TIME, or TOO_FAR_AHEAD beyond MaxAPITokenYears);
// INTERNAL.
func (s *Service) CreateAPIToken(ctx context.Context, actor crm.Actor, name string, expiresAt time.Time) (string, *crm.APIToken, error) {
	if !actor.CanManageAPITokens() {
		return "", nil, mayNotManageTokens()
	}
	now := s.now()
	p := crm.NewProblems()
	name = checkName(p, name)
	switch {
	case !expiresAt.After(now):
		p.Fail("expiresAt", ReasonPastTime, nil, "must be in the future")
	case expiresAt.After(now.AddDate(MaxAPITokenYears, 0, 0)):
		p.Fail("expiresAt", ReasonTooFarAhead, map[string]any{"years": MaxAPITokenYears},
			"must be at most %d years ahead", MaxAPITokenYears)
	}
	if err := p.Err(); err != nil {
		return "", nil, err
	}
	random, err := newToken()
	if err != nil {
		return "", nil, crm.Internal(err)
	}
	secret := APITokenPrefix + random
	hash, _ := APITokenHash(secret)
	t := &crm.APIToken{ID: crm.NewID(), Name: name, Hash: hash, CreatedBy: actor.UserID,
		CreatedAt: now.UTC(), ExpiresAt: expiresAt.UTC()}
	if err := s.APITokens.Insert(ctx, t); err != nil {
		return "", nil, asInternal(err)
	}
	return secret, t, nil
}

// ListAPITokens returns every API token, newest first, revoked and expired
// ones included (never a secret: none is kept). Only ADMIN and MANAGER may.
// Errors: FORBIDDEN, INTERNAL.
func (s *Service) ListAPITokens(ctx context.Context, actor crm.Actor) ([]*crm.APIToken, error) {
	if !actor.CanManageAPITokens() {
		return nil, mayNotManageTokens()
	}
	list, err := s.APITokens.List(ctx)
	if err != nil {
		return nil, asInternal(err)
	}
	return list, nil
}

// RevokeAPIToken revokes a token: the next request made with it is
// UNAUTHENTICATED. Revoking a revoked token changes nothing and returns it.
// Only ADMIN and MANAGER may. Errors: FORBIDDEN, NOT_FOUND, INTERNAL.
func (s *Service) RevokeAPIToken(ctx context.Context, actor crm.Actor, id string) (*crm.APIToken, error) {
	if !actor.CanManageAPITokens() {
		return nil, mayNotManageTokens()
	}
	t, err := s.APITokens.Revoke(ctx, id, s.now().UTC(), actor.UserID)
	if err != nil {
		if crm.IsCode(err, crm.CodeNotFound) {
			return nil, crm.NotFound("API token", id)
		}
		return nil, asInternal(err)
	}
	return t, nil
}

// AuthenticateAPIToken returns the API token of a request, counted against
// its rate limit, and notes when it was last used (to the minute). A
// malformed or unknown token is UNAUTHENTICATED; so is an expired one
// (reason API_TOKEN_EXPIRED) and a revoked one (API_TOKEN_REVOKED), with a
// message that says so. Past its rate limit it is RATE_LIMITED (RetryAt
// tells when to try again). A store failure is INTERNAL.
func (s *Service) AuthenticateAPIToken(ctx context.Context, token string) (*crm.APIToken, error) {
	hash, ok := APITokenHash(token)
	if !ok {
		return nil, crm.Errorf(crm.CodeUnauthenticated, "this is not a valid API token (it is cut short or altered?)")
	}
	t, err := s.APITokens.GetByHash(ctx, hash)
	if err != nil {
		if crm.IsCode(err, crm.CodeNotFound) {
			return nil, crm.Errorf(crm.CodeUnauthenticated, "unknown API token")
		}
		return nil, asInternal(err)
	}
	now := s.now()
	if t.Revoked() {
		return nil, &crm.Error{Code: crm.CodeUnauthenticated, Reason: ReasonAPITokenRevoked,
			Message: fmt.Sprintf("the API token %q was revoked at %s; ask an administrator or manager for a new one",
				t.Name, t.RevokedAt.UTC().Format(time.RFC3339))}
	}
	if t.Expired(now) {
		return nil, &crm.Error{Code: crm.CodeUnauthenticated, Reason: ReasonAPITokenExpired,
			Message: fmt.Sprintf("the API token %q expired at %s; ask an administrator or manager for a new one",
				t.Name, t.ExpiresAt.UTC().Format(time.RFC3339))}
	}
	if ok, at := s.tokenLimiter().Allow(t.ID); !ok {
		return nil, &crm.Error{Code: crm.CodeRateLimited, Err: &retryAtError{at: at},
			Message: fmt.Sprintf("too many requests with the API token %q (at most %d a minute); try again after %s",
				t.Name, s.tokenLimiter().PerMinute(), at.UTC().Format(time.RFC3339))}
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchEvery {
		// Best effort: a failed note of use must not fail the request.
		if s.APITokens.Touch(ctx, t.ID, now.UTC()) == nil {
			at := now.UTC()
			t.LastUsedAt = &at
		}
	}
	return t, nil
}

// RequestLimit sets a per-key request rate. Zero fields take the defaults.
type RequestLimit struct {
	// PerMinute is the sustained rate (default DefaultAPITokenPerMinute).
	PerMinute int
	// Burst is how many requests may come at once after a quiet spell
	// (default: PerMinute, a minute's worth).
	Burst int
}

// DefaultAPITokenPerMinute is the default rate of each API token.
const DefaultAPITokenPerMinute = 120

// RequestLimiter limits requests per key (an API token's id) with the
// generic cell rate algorithm: a steady PerMinute, and up to Burst at once
// after a quiet spell. It holds one time per key that is being held back,
// so its memory is bounded by the keys in use (valid tokens only: it is
// asked after the token was found). Safe for concurrent use; each server
// process counts on its own.
type RequestLimiter struct {
	clock     crm.Clock
	perMinute int
	interval  time.Duration // between requests at the steady rate
	tolerance time.Duration // how far ahead of now the schedule may run

	mu  sync.Mutex
	tat map[string]time.Time // theoretical arrival time of the next request
}

// NewRequestLimiter returns a limiter reading time from clock (nil: the
// wall clock).
func NewRequestLimiter(clock crm.Clock, l RequestLimit) *RequestLimiter {
	if clock == nil {
		clock = crm.SystemClock{}
	}
	if l.PerMinute <= 0 {
		l.PerMinute = DefaultAPITokenPerMinute
	}
	if l.Burst <= 0 {
		l.Burst = l.PerMinute
	}
	interval := time.Minute / time.Duration(l.PerMinute)
	return &RequestLimiter{clock: clock, perMinute: l.PerMinute, interval: interval,
		tolerance: interval * time.Duration(l.Burst-1), tat: map[string]time.Time{}}
}

// PerMinute returns the steady rate.
func (l *RequestLimiter) PerMinute() int { return l.perMinute }

// Allow counts one request of key and returns true, or, when key is over
// its rate, counts nothing and returns false and when to try again.
func (l *RequestLimiter) Allow(key string) (ok bool, retryAt time.Time) {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	tat := l.tat[key]
	if tat.Before(now) {
		tat = now
	}
	if earliest := tat.Add(-l.tolerance); now.Before(earliest) {
		return false, earliest
	}
	l.tat[key] = tat.Add(l.interval)
	if len(l.tat) > 1000 {
		for k, t := range l.tat { // keys whose schedule is behind now start afresh anyway
			if !t.After(now) {
				delete(l.tat, k)
			}
		}
	}
	return true, time.Time{}
}
