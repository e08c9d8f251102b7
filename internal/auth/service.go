package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kehu-crm/kehu/internal/crm"
)

// DefaultSessionTTL is how long a session lasts when Service.SessionTTL is 0.
const DefaultSessionTTL = 12 * time.Hour

// MaxNameLen bounds a user's display name, in characters.
const MaxNameLen = 100

// Service signs staff in and manages their accounts. Users and Sessions are
// required, and APITokens for the API token methods; a zero Clock is the
// wall clock, a zero SessionTTL is DefaultSessionTTL, and a nil Limiter is a
// default Limiter (made on first use with the service's clock). Use a
// *Service: it must not be copied after first use.
type Service struct {
	Users      crm.UserStore
	Sessions   crm.SessionStore
	Clock      crm.Clock
	SessionTTL time.Duration
	Limiter    *Limiter
	// APITokens keeps API tokens (apitoken.go); TokenLimiter limits each
	// token's requests (nil: a default RequestLimiter).
	APITokens    crm.APITokenStore
	TokenLimiter *RequestLimiter

	defaultLimiter          *Limiter
	defaultLimiterOnce      sync.Once
	defaultTokenLimiter     *RequestLimiter
	defaultTokenLimiterOnce sync.Once
}

// NewUser is the input of CreateUser.
type NewUser struct {
	Email    string
	Name     string
	Role     crm.Role
	Password string
}

// UserPatch is the input of UpdateUser; nil fields stay as they are.
type UserPatch struct {
	Name     *string
	Role     *crm.Role
	Disabled *bool
	Password *string
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return time.Now()
	}
	return s.Clock.Now()
}

func (s *Service) ttl() time.Duration {
	if s.SessionTTL <= 0 {
		return DefaultSessionTTL
	}
	return s.SessionTTL
}

func (s *Service) limiter() *Limiter {
	if s.Limiter != nil {
		return s.Limiter
	}
	s.defaultLimiterOnce.Do(func() { s.defaultLimiter = NewLimiter(s.Clock, LimiterConfig{}) })
	return s.defaultLimiter
}

// NormalizeEmail is how emails are compared and stored: trimmed, lower case.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func wrongCredentials() error {
	return crm.Errorf(crm.CodeUnauthenticated, "wrong email or password")
}

func notSignedIn() error {
	return crm.Errorf(crm.CodeUnauthenticated, "not signed in, or the session has expired; please sign in again")
}

func forbidden(what string) error {
	return crm.Errorf(crm.CodeForbidden, "only an administrator may %s", what)
}

// asInternal passes application errors through and wraps anything else.
func asInternal(err error) error {
	var e *crm.Error
	if errors.As(err, &e) {
		return err
	}
	return crm.Internal(err)
}

// retryAtError rides in crm.Error.Err of a RATE_LIMITED error.
type retryAtError struct{ at time.Time }

func (e *retryAtError) Error() string { return "retry at " + e.at.Format(time.RFC3339) }

// RetryAt returns when a RATE_LIMITED error from Login allows trying again
// (for a Retry-After header).
func RetryAt(err error) (time.Time, bool) {
	var r *retryAtError
	if errors.As(err, &r) {
		return r.at, true
	}
	return time.Time{}, false
}

func rateLimited(now, at time.Time) error {
	wait := at.Sub(now)
	var in string
	switch {
	case wait <= time.Minute:
		in = fmt.Sprintf("%d seconds", max(1, int((wait+time.Second-1)/time.Second)))
	default:
		in = fmt.Sprintf("%d minutes", int((wait+time.Minute-1)/time.Minute))
	}
	return &crm.Error{
		Code:    crm.CodeRateLimited,
		Message: fmt.Sprintf("too many sign-in attempts; try again in %s (after %s)", in, at.UTC().Format(time.RFC3339)),
		Err:     &retryAtError{at: at},
	}
}

// dummyHash is verified against when the email is unknown, so an unknown
// email costs the same time as a wrong password (no user enumeration).
var dummyHash = sync.OnceValue(func() string {
	pw, _ := GeneratePassword(20)
	h, err := HashPassword(pw)
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return h
})

// public returns a copy of u without its password hash: the store's value
// is never mutated and no caller ever sees a hash.
func public(u *crm.User) *crm.User {
	c := *u
	c.PasswordHash = ""
	return &c
}

const tokenBytes = 32

// newToken returns a random bearer token (32 bytes, base64url without
// padding: 43 characters).
func newToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// SessionID returns the stored session id of a bearer token, the hex
// SHA-256 of the token, and false when token is not shaped like one this
// package issues.
func SessionID(token string) (string, bool) {
	if len(token) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return "", false
	}
	if b, err := base64.RawURLEncoding.Strict().DecodeString(token); err != nil || len(b) != tokenBytes {
		return "", false
	}
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:]), true
}

// Login checks an email and password and opens a session.
//
// The email is trimmed and lower-cased. Attempts are slowed down by the
// Limiter per email and per clientKey (Client.Key: the address, an IPv6
// one's /64; "" is not counted) before the password is looked at. Every failure of the credentials, an unknown email or a disabled
// account alike, is the same UNAUTHENTICATED "wrong email or password" and
// costs the same argon2 computation. Errors: UNAUTHENTICATED, RATE_LIMITED
// (RetryAt tells when), INTERNAL.
//
// On success it returns the bearer token (kept only by the client; the store
// keeps its SHA-256), the user and when the session expires.
func (s *Service) Login(ctx context.Context, email, password, clientKey string) (token string, u *crm.User, expires time.Time, err error) {
	email = NormalizeEmail(email)
	lim := s.limiter()
	if ok, at := lim.Attempt(email, clientKey); !ok {
		return "", nil, time.Time{}, rateLimited(s.now(), at)
	}
	var stored *crm.User
	if email != "" && len(email) <= 254 {
		stored, err = s.Users.GetByEmail(ctx, email)
		if err != nil && !crm.IsCode(err, crm.CodeNotFound) {
			return "", nil, time.Time{}, asInternal(err)
		}
	}
	if stored == nil || len(password) > 4*MaxPasswordLen {
		_, _ = VerifyPassword(dummyHash(), password)
		return "", nil, time.Time{}, wrongCredentials()
	}
	ok, verr := VerifyPassword(stored.PasswordHash, password)
	if verr != nil {
		return "", nil, time.Time{}, crm.Internal(fmt.Errorf("user %s: %w", stored.ID, verr))
	}
	if !ok || stored.Disabled {
		return "", nil, time.Time{}, wrongCredentials()
	}

	if NeedsRehash(stored.PasswordHash) {
		s.upgradeHash(ctx, stored, password)
	}
	token, err = newToken()
	if err != nil {
		return "", nil, time.Time{}, crm.Internal(err)
	}
	id, _ := SessionID(token)
	now := s.now()
	sess := &crm.Session{ID: id, UserID: stored.ID, CreatedAt: now, ExpiresAt: now.Add(s.ttl())}
	if err := s.Sessions.Insert(ctx, sess); err != nil {
		return "", nil, time.Time{}, asInternal(err)
	}
	lim.Succeeded(email, clientKey)
	return token, public(stored), sess.ExpiresAt, nil
}

// upgradeHash rehashes a correct password made with older parameters. It is
// best effort: when the write loses a race, the next sign-in tries again.
func (s *Service) upgradeHash(ctx context.Context, u *crm.User, password string) {
	h, err := HashPassword(password)
	if err != nil {
		return
	}
	c := *u
	c.PasswordHash = h
	c.Version = u.Version + 1
	c.UpdatedAt = s.now()
	if s.Users.Replace(ctx, &c, u.Version) == nil {
		*u = c
	}
}

// Authenticate returns the user of a session token. A malformed, unknown or
// expired token (an expired session is deleted), a deleted user or a
// disabled one is UNAUTHENTICATED. A store failure is INTERNAL, not
// UNAUTHENTICATED, so an outage does not sign everybody out of the app.
func (s *Service) Authenticate(ctx context.Context, token string) (*crm.User, error) {
	id, ok := SessionID(token)
	if !ok {
		return nil, notSignedIn()
	}
	sess, err := s.Sessions.Get(ctx, id)
	if err != nil {
		if crm.IsCode(err, crm.CodeNotFound) {
			return nil, notSignedIn()
		}
		return nil, asInternal(err)
	}
	if !s.now().Before(sess.ExpiresAt) {
		_ = s.Sessions.Delete(ctx, id)
		return nil, notSignedIn()
	}
	u, err := s.Users.Get(ctx, sess.UserID)
	if err != nil {
		if crm.IsCode(err, crm.CodeNotFound) {
			_ = s.Sessions.Delete(ctx, id)
			return nil, notSignedIn()
		}
		return nil, asInternal(err)
	}
	if u.Disabled {
		_ = s.Sessions.Delete(ctx, id)
		return nil, notSignedIn()
	}
	return public(u), nil
}

// Logout ends the session of token. Unknown or malformed tokens are not an
// error (signing out twice is fine). Errors: INTERNAL.
func (s *Service) Logout(ctx context.Context, token string) error {
	id, ok := SessionID(token)
	if !ok {
		return nil
	}
	if err := s.Sessions.Delete(ctx, id); err != nil {
		return asInternal(err)
	}
	return nil
}

// SweepSessions deletes expired sessions (for a periodic job) and returns
// how many went.
func (s *Service) SweepSessions(ctx context.Context) (int, error) {
	n, err := s.Sessions.DeleteExpired(ctx, s.now())
	if err != nil {
		return n, asInternal(err)
	}
	return n, nil
}

// checkName trims a display name and checks it: 1 to MaxNameLen characters,
// no control characters.
func checkName(p crm.Problems, name string) string {
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case !utf8.ValidString(name):
		p.Fail("name", crm.ReasonInvalidText, nil, "must be valid text")
	case n == 0:
		p.Fail("name", crm.ReasonRequired, nil, "is required")
	case n > MaxNameLen:
		p.Fail("name", crm.ReasonTooLong, map[string]any{"max": MaxNameLen}, "must be at most %d characters", MaxNameLen)
	case strings.ContainsFunc(name, unicode.IsControl):
		p.Fail("name", crm.ReasonControlCharacters, nil, "must not contain control characters")
	default:
		if f, bad := crm.PersonalData("name", name); bad {
			p.AddError(f)
		}
	}
	return name
}

func checkRole(p crm.Problems, r crm.Role) {
	if !r.Valid() {
		p.Fail("role", crm.ReasonNotAllowed, map[string]any{"value": string(r)}, "must be one of ADMIN, MANAGER, SALES, SERVICE, ANALYST")
	}
}

// CreateUser adds a staff account. Only an ADMIN may. The email is trimmed
// and lower-cased. Errors: FORBIDDEN; BAD_USER_INPUT listing every invalid
// field of "email", "name", "role", "password"; CONFLICT with field "email"
// when the email is taken; INTERNAL.
func (s *Service) CreateUser(ctx context.Context, actor crm.Actor, in NewUser) (*crm.User, error) {
	if actor.Role != crm.RoleAdmin {
		return nil, forbidden("create users")
	}
	p := crm.NewProblems()
	email := NormalizeEmail(in.Email)
	if f, bad := crm.PersonalData("email", email); bad {
		p.AddError(f)
	} else if email == "" {
		p.Fail("email", crm.ReasonRequired, nil, "is required")
	} else if !crm.ValidEmail(email) {
		p.Fail("email", crm.ReasonInvalidEmail, nil, "must be an e-mail address such as name@example.com")
	}
	name := checkName(p, in.Name)
	checkRole(p, in.Role)
	checkPassword(p, "password", in.Password, email)
	if err := p.Err(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, crm.Internal(err)
	}
	now := s.now()
	u := &crm.User{
		ID: crm.NewID(), Email: email, Name: name, Role: in.Role, PasswordHash: hash,
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if err := crm.CheckStored(u, nil); err != nil {
		return nil, err
	}
	if err := s.Users.Insert(ctx, u); err != nil {
		return nil, asInternal(err)
	}
	return public(u), nil
}

// UpdateUser changes a staff account when its stored version is
// expectedVersion. Only an ADMIN may; an administrator cannot disable
// themself (field "disabled") or take away their own ADMIN role (field
// "role"). Disabling an account or setting its password ends all its
// sessions; a password set for another user is temporary: that user must
// change it before doing anything else (MustChangePassword, Principal). Errors: FORBIDDEN; NOT_FOUND; BAD_USER_INPUT with fields "name",
// "role", "disabled", "password"; CONFLICT when the version moved on;
// INTERNAL (also when the account was written but its sessions could not
// be ended: disabled accounts are refused by Authenticate regardless).
func (s *Service) UpdateUser(ctx context.Context, actor crm.Actor, id string, expectedVersion int64, in UserPatch) (*crm.User, error) {
	if actor.Role != crm.RoleAdmin {
		return nil, forbidden("change users")
	}
	stored, err := s.Users.Get(ctx, id)
	if err != nil {
		return nil, asInternal(err)
	}
	if stored.Version != expectedVersion {
		return nil, crm.VersionConflict("user")
	}
	u := *stored
	self := actor.UserID == u.ID
	p := crm.NewProblems()
	if in.Name != nil {
		u.Name = checkName(p, *in.Name)
	}
	if in.Role != nil {
		if !in.Role.Valid() {
			checkRole(p, *in.Role)
		} else if self && *in.Role != crm.RoleAdmin && u.Role == crm.RoleAdmin {
			p.Fail("role", crm.ReasonSelfChange, nil, "you cannot take away your own administrator role")
		}
		u.Role = *in.Role
	}
	if in.Disabled != nil {
		if self && *in.Disabled {
			p.Fail("disabled", crm.ReasonSelfChange, nil, "you cannot disable your own account")
		}
		u.Disabled = *in.Disabled
	}
	if in.Password != nil && checkPassword(p, "password", *in.Password, u.Email) {
		checkNotSame(p, "password", stored.PasswordHash, *in.Password)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if in.Password != nil {
		if u.PasswordHash, err = HashPassword(*in.Password); err != nil {
			return nil, crm.Internal(err)
		}
		u.MustChangePassword = !self
	}
	if err := crm.CheckStored(&u, crm.StoredStrings(stored)); err != nil {
		return nil, err
	}
	u.Version = expectedVersion + 1
	u.UpdatedAt = s.now()
	if err := s.Users.Replace(ctx, &u, expectedVersion); err != nil {
		return nil, asInternal(err)
	}
	if u.Disabled || in.Password != nil {
		if err := s.Sessions.DeleteUser(ctx, u.ID); err != nil {
			return nil, crm.Internal(fmt.Errorf("user %s updated but its sessions were not ended: %w", u.ID, err))
		}
	}
	return public(&u), nil
}

// checkNotSame refuses a new password that is the one stored in hash: a
// change or reset must replace it.
func checkNotSame(p crm.Problems, field, hash, pw string) {
	if same, _ := VerifyPassword(hash, pw); same {
		p.Fail(field, ReasonSamePassword, nil, "is the password the account already has; choose a new one")
	}
}

// Settings are what users change about their own account.
type Settings struct {
	Locale *crm.Locale
}

// UpdateSettings changes the signed-in user's own settings; any role may.
// Errors: BAD_USER_INPUT, NOT_FOUND, INTERNAL. Concurrent changes of the
// same user are retried: settings are last-writer-wins per field.
func (s *Service) UpdateSettings(ctx context.Context, actor crm.Actor, in Settings) (*crm.User, error) {
	for attempt := 0; ; attempt++ {
		stored, err := s.Users.Get(ctx, actor.UserID)
		if err != nil {
			return nil, asInternal(err)
		}
		u := *stored
		p := crm.NewProblems()
		if in.Locale != nil {
			if !in.Locale.Valid() {
				p.Fail("locale", crm.ReasonNotAllowed, map[string]any{"value": string(*in.Locale)}, "%q is not a supported language", string(*in.Locale))
			}
			u.Locale = *in.Locale
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		u.Version = stored.Version + 1
		u.UpdatedAt = s.now()
		err = s.Users.Replace(ctx, &u, stored.Version)
		if err == nil {
			return public(&u), nil
		}
		if !crm.IsVersionConflict(err) || attempt >= 10 {
			return nil, asInternal(err)
		}
	}
}

// ChangePassword changes the signed-in user's own password after checking
// the current one, and ends the user's other sessions. It clears
// MustChangePassword (it is how a user leaves a reset password behind). Errors:
// BAD_USER_INPUT (field "currentPassword" when it is wrong, "newPassword"
// when it breaks the policy or is the current one), RATE_LIMITED (wrong
// current passwords, from the client in ctx (ClientFrom), count
// like failed sign-ins), CONFLICT, INTERNAL.
func (s *Service) ChangePassword(ctx context.Context, actor crm.Actor, current, next, keepSessionToken string) error {
	stored, err := s.Users.Get(ctx, actor.UserID)
	if err != nil {
		return asInternal(err)
	}
	// Guessing the current password counts against the same limit as
	// guessing it at sign-in: a stolen session must not become an oracle.
	client := ClientFrom(ctx).Key()
	if ok, at := s.limiter().Attempt(stored.Email, client); !ok {
		return rateLimited(s.now(), at)
	}
	p := crm.NewProblems()
	if ok, err := VerifyPassword(stored.PasswordHash, current); err != nil {
		return crm.Internal(err)
	} else if !ok {
		p.Fail("currentPassword", crm.ReasonWrongPassword, nil, "is not your current password")
	} else {
		s.limiter().Succeeded(stored.Email, client)
	}
	if checkPassword(p, "newPassword", next, stored.Email) {
		checkNotSame(p, "newPassword", stored.PasswordHash, next)
	}
	if err := p.Err(); err != nil {
		return err
	}
	u := *stored
	if u.PasswordHash, err = HashPassword(next); err != nil {
		return crm.Internal(err)
	}
	u.MustChangePassword = false
	u.Version = stored.Version + 1
	u.UpdatedAt = s.now()
	if err := s.Users.Replace(ctx, &u, stored.Version); err != nil {
		return asInternal(err)
	}
	if err := s.Sessions.DeleteUser(ctx, u.ID); err != nil {
		return crm.Internal(err)
	}
	// The session that asked stays signed in: re-create it.
	if id, ok := SessionID(keepSessionToken); ok {
		now := s.now()
		if err := s.Sessions.Insert(ctx, &crm.Session{ID: id, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.ttl())}); err != nil {
			return crm.Internal(err)
		}
	}
	return nil
}

// Staff returns the active staff ordered by email, each as actor may see
// it (crm.VisibleUser: colleagues' e-mail only for ADMIN and MANAGER):
// every signed-in user may read it, to pick owners, collaborators and
// participants. Errors: UNAUTHENTICATED, INTERNAL.
func (s *Service) Staff(ctx context.Context, actor crm.Actor) ([]*crm.User, error) {
	if !actor.Role.Valid() {
		return nil, notSignedIn()
	}
	users, err := s.Users.List(ctx)
	if err != nil {
		return nil, asInternal(err)
	}
	out := make([]*crm.User, 0, len(users))
	for _, u := range users {
		if !u.Disabled {
			out = append(out, crm.VisibleUser(actor, u))
		}
	}
	return out, nil
}

// ListUsers returns every staff account ordered by email. ADMIN and MANAGER
// may. Errors: FORBIDDEN, INTERNAL.
func (s *Service) ListUsers(ctx context.Context, actor crm.Actor) ([]*crm.User, error) {
	if actor.Role != crm.RoleAdmin && actor.Role != crm.RoleManager {
		return nil, crm.Errorf(crm.CodeForbidden, "only administrators and managers may list users")
	}
	us, err := s.Users.List(ctx)
	if err != nil {
		return nil, asInternal(err)
	}
	out := make([]*crm.User, len(us))
	for i, u := range us {
		out[i] = public(u)
	}
	return out, nil
}

// GeneratedPasswordLen is the length of EnsureAdmin's generated password.
const GeneratedPasswordLen = 20

// EnsureAdmin creates the first administrator, with name "Administrator",
// when there are no users at all; otherwise it does nothing. With password
// "" it generates a GeneratedPasswordLen-character one and returns it, for
// the server to print once. When another replica creates the same admin at
// the same moment, the loser reports created=false. Errors: BAD_USER_INPUT
// (invalid email or password), INTERNAL.
func (s *Service) EnsureAdmin(ctx context.Context, email, password string) (created bool, generated string, err error) {
	n, err := s.Users.Count(ctx)
	if err != nil {
		return false, "", asInternal(err)
	}
	if n > 0 {
		return false, "", nil
	}
	if password == "" {
		if generated, err = GeneratePassword(GeneratedPasswordLen); err != nil {
			return false, "", crm.Internal(err)
		}
		password = generated
	}
	_, err = s.CreateUser(ctx, crm.System, NewUser{Email: email, Name: "Administrator", Role: crm.RoleAdmin, Password: password})
	if crm.IsCode(err, crm.CodeConflict) {
		return false, "", nil
	}
	if err != nil {
		return false, "", err
	}
	return true, generated, nil
}
