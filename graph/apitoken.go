package graph

import (
	"context"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
)

// API tokens (docs/API.md, "API tokens"): the resolvers call auth.Service;
// refuseReadOnlyMutations keeps a token's requests from changing anything.

// refuseReadOnlyMutations answers every mutation of a read-only actor (an
// API token, crm.Actor.ReadOnly) with FORBIDDEN before any resolver runs:
// one guard for every mutation, present and future.
func refuseReadOnlyMutations(log *slog.Logger) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
			return next(ctx)
		}
		if a, err := auth.SignedIn(ctx); err != nil || !a.ReadOnly() {
			return next(ctx)
		}
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{ErrorPresenter(log)(ctx, auth.ReadOnlyError())}})
	}
}

func (r *Resolver) createAPIToken(ctx context.Context, name string, expiresAt time.Time) (*model.CreatedAPIToken, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	secret, t, err := r.Auth.CreateAPIToken(ctx, a, name, expiresAt)
	if err != nil {
		return nil, err
	}
	return &model.CreatedAPIToken{Token: secret, APIToken: t}, nil
}

func (r *Resolver) apiTokens(ctx context.Context) ([]crm.APIToken, error) {
	return as(ctx, func(a crm.Actor) ([]crm.APIToken, error) {
		list, err := r.Auth.ListAPITokens(ctx, a)
		if err != nil {
			return nil, err
		}
		out := make([]crm.APIToken, len(list))
		for i, t := range list {
			out[i] = *t
		}
		return out, nil
	})
}

func (r *Resolver) revokeAPIToken(ctx context.Context, id string) (*crm.APIToken, error) {
	return as(ctx, func(a crm.Actor) (*crm.APIToken, error) { return r.Auth.RevokeAPIToken(ctx, a, id) })
}

// apiTokenStatus is a token's state at the request's time.
func (r *Resolver) apiTokenStatus(t *crm.APIToken) model.APITokenStatus {
	now := time.Now()
	if r.Auth != nil && r.Auth.Clock != nil {
		now = r.Auth.Clock.Now()
	}
	switch {
	case t.Revoked():
		return model.APITokenStatusRevoked
	case t.Expired(now):
		return model.APITokenStatusExpired
	}
	return model.APITokenStatusActive
}
