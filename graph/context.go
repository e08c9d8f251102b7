package graph

import (
	"context"
	"net/http"
	"sync"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	httpKey
	usersKey
)

// WithRequestID stores the request id used in logs and INTERNAL errors.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the request id, or "-".
func RequestID(ctx context.Context) string {
	if id, ok := ctx.Value(requestIDKey).(string); ok {
		return id
	}
	return "-"
}

type httpExchange struct {
	w http.ResponseWriter
	r *http.Request
}

// WithHTTP gives resolvers the exchange (login and logout set cookies) and
// a per-request user cache.
func WithHTTP(ctx context.Context, w http.ResponseWriter, r *http.Request) context.Context {
	ctx = context.WithValue(ctx, httpKey, httpExchange{w, r})
	return context.WithValue(ctx, usersKey, &userCache{})
}

func exchange(ctx context.Context) (httpExchange, bool) {
	x, ok := ctx.Value(httpKey).(httpExchange)
	return x, ok
}

// actor returns the signed-in user as the actor of an operation, or
// UNAUTHENTICATED, or FORBIDDEN while they must change a reset password
// (auth.Principal).
func actor(ctx context.Context) (crm.Actor, error) {
	return auth.Principal(ctx)
}

// as runs fn as the signed-in actor (UNAUTHENTICATED without one) and
// names the input fields of its errors as the client sent them.
func as[T any](ctx context.Context, fn func(crm.Actor) (T, error)) (T, error) {
	a, err := actor(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := fn(a)
	return v, inputErr(ctx, err)
}

// userCache loads every user once per request, on first use: one query
// however many owners, participants and authors a response names.
type userCache struct {
	once sync.Once
	byID map[string]*crm.User
	err  error
}

// userByID returns the user id names, as the signed-in user may see it
// (crm.VisibleUser), or nil when there is none.
func (r *Resolver) userByID(ctx context.Context, id string) (*crm.User, error) {
	u, err := r.storedUser(ctx, id)
	if u == nil || err != nil {
		return nil, err
	}
	return visibleUser(ctx, u), nil
}

func (r *Resolver) storedUser(ctx context.Context, id string) (*crm.User, error) {
	if id == "" {
		return nil, nil
	}
	c, ok := ctx.Value(usersKey).(*userCache)
	if !ok {
		u, err := r.Store.Users().Get(ctx, id)
		if crm.IsCode(err, crm.CodeNotFound) {
			return nil, nil
		}
		return u, err
	}
	c.once.Do(func() {
		users, err := r.Store.Users().List(ctx)
		c.err = err
		c.byID = make(map[string]*crm.User, len(users))
		for _, u := range users {
			c.byID[u.ID] = u
		}
	})
	if c.err != nil {
		return nil, c.err
	}
	return c.byID[id], nil
}

func (r *Resolver) usersByID(ctx context.Context, ids []string) ([]crm.User, error) {
	out := make([]crm.User, 0, len(ids))
	for _, id := range ids {
		u, err := r.userByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if u != nil {
			out = append(out, *u)
		}
	}
	return out, nil
}
