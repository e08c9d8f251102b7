package auth

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// CookieName is the session cookie the browser app signs in with.
const CookieName = "kehu_session"

type userKey struct{}

type apiTokenKey struct{}

// WithAPIToken returns a context whose principal is the API token t: a
// read-only ANALYST (crm.APITokenActor).
func WithAPIToken(ctx context.Context, t *crm.APIToken) context.Context {
	return context.WithValue(ctx, apiTokenKey{}, t)
}

// APITokenFrom returns the API token a request came with, if any.
func APITokenFrom(ctx context.Context) (*crm.APIToken, bool) {
	t, ok := ctx.Value(apiTokenKey{}).(*crm.APIToken)
	return t, ok && t != nil
}

// WithUser returns a context carrying the signed-in user (the principal).
func WithUser(ctx context.Context, u *crm.User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the signed-in user of ctx, if any.
func UserFrom(ctx context.Context) (*crm.User, bool) {
	u, ok := ctx.Value(userKey{}).(*crm.User)
	return u, ok && u != nil
}

// ActorFrom returns the actor (id and role) of the signed-in user, if any.
// A user who must change a reset password is no actor yet (false): they may
// only change it (SignedIn), so every permission answers no.
func ActorFrom(ctx context.Context) (crm.Actor, bool) {
	a, err := Principal(ctx)
	return a, err == nil
}

// ReasonPasswordChangeRequired (FORBIDDEN): an administrator reset the
// user's password; they must change it (changeMyPassword) first.
const ReasonPasswordChangeRequired = "PASSWORD_CHANGE_REQUIRED"

// Principal returns the actor of an operation: UNAUTHENTICATED without a
// signed-in user, FORBIDDEN (reason PASSWORD_CHANGE_REQUIRED) while the
// user must change a password an administrator set.
func Principal(ctx context.Context) (crm.Actor, error) {
	a, err := SignedIn(ctx)
	if err != nil {
		return a, err
	}
	if u, ok := UserFrom(ctx); ok && u.MustChangePassword {
		return crm.Actor{}, &crm.Error{Code: crm.CodeForbidden, Reason: ReasonPasswordChangeRequired,
			Message: "an administrator reset your password: change it (changeMyPassword) before anything else"}
	}
	return a, nil
}

// SignedIn returns the signed-in user as an actor even when they must
// change their password, for the operations that allow it (changing the
// password, their own settings), or the actor of the request's API token
// (a read-only ANALYST), or UNAUTHENTICATED.
func SignedIn(ctx context.Context) (crm.Actor, error) {
	if t, ok := APITokenFrom(ctx); ok {
		return crm.APITokenActor(t.ID), nil
	}
	u, ok := UserFrom(ctx)
	if !ok {
		return crm.Actor{}, crm.Errorf(crm.CodeUnauthenticated, "sign in first")
	}
	return crm.Actor{UserID: u.ID, Role: u.Role}, nil
}

// TokenFromRequest returns the session token of r: from an
// "Authorization: Bearer <token>" header (scheme case-insensitive) first,
// else from the CookieName cookie, else "".
func TokenFromRequest(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			if tok = strings.TrimSpace(tok); tok != "" {
				return tok
			}
		}
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value
	}
	return ""
}

// SessionCookie returns the cookie that carries token until expires:
// HttpOnly (no script can read it), SameSite=Lax, Path=/, and Secure when
// the server is reached over HTTPS.
func SessionCookie(token string, expires time.Time, secure bool) *http.Cookie {
	return &http.Cookie{
		Name:     CookieName,
		Value:    token,
		Path:     "/",
		Expires:  expires.UTC(),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
}

// ClearCookie returns the cookie that removes the session cookie.
func ClearCookie(secure bool) *http.Cookie {
	return &http.Cookie{
		Name:     CookieName,
		Value:    "",
		Path:     "/",
		Expires:  time.Unix(0, 0).UTC(),
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
}
