package graph

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Whole customers by id, batched per operation. A field resolved once per
// element of a list (a duplicate pair's a and b, a merge's survivor, a lean
// row read whole) asks for one customer; gqlgen resolves the elements
// concurrently, and the loader gathers the ids asked for within loaderWait
// into one GetMany, and keeps each customer for the rest of the operation.
// A list resolver that knows its elements' customers reads them at once
// (primeCustomers): one read however the elements are scheduled. Without
// either, a page of 20 pairs read 40 documents one query at a time.
//
// Library: github.com/vikstrous/dataloadgen, the loader gqlgen's docs
// recommend (batching, per-key errors, a cache per operation).

// loaderWait is how long a loader gathers keys before it fetches them.
const loaderWait = time.Millisecond

type loadersKeyType struct{}

var loadersKey loadersKeyType

// loaders are an operation's batching loaders.
type loaders struct {
	customers *dataloadgen.Loader[string, *crm.Customer]
}

// withLoaders gives a query its loaders. A mutation gets none: its fields
// run one after the other and may change what an earlier one read, which
// a loader's cache would hand out again.
func withLoaders(ctx context.Context, r *Resolver) context.Context {
	if oc := graphql.GetOperationContext(ctx); oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return ctx
	}
	return context.WithValue(ctx, loadersKey, &loaders{
		customers: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]*crm.Customer, error) {
			cs, err := r.Store.Customers().GetMany(ctx, ids)
			if err != nil {
				return nil, err
			}
			out := make(map[string]*crm.Customer, len(cs))
			for _, c := range cs {
				out[c.ID] = c
			}
			return out, nil
		}, dataloadgen.WithWait(loaderWait)),
	})
}

// wholeCustomer returns the whole document of customer id (as
// crm.Service.Customer does: NOT_FOUND when there is none), through the
// operation's loader when there is one. The document is shared by the
// operation's resolvers: do not modify it.
func (r *Resolver) wholeCustomer(ctx context.Context, id string) (*crm.Customer, error) {
	l, _ := ctx.Value(loadersKey).(*loaders)
	if l == nil {
		return r.CRM.Customer(ctx, id)
	}
	c, err := l.customers.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, crm.NotFound("customer", id)
	}
	return c, err
}

// primeCustomers reads the customers of ids in one GetMany and leaves them
// in the operation's loader, for the resolvers of a list's elements.
func (r *Resolver) primeCustomers(ctx context.Context, ids []string) error {
	l, _ := ctx.Value(loadersKey).(*loaders)
	if l == nil || len(ids) == 0 {
		return nil
	}
	cs, err := r.Store.Customers().GetMany(ctx, ids)
	if err != nil {
		return err
	}
	for _, c := range cs {
		l.customers.Prime(c.ID, c)
	}
	return nil
}

// selectsUnder reports whether the operation selects, under the current
// field's child list, any of fields (nodes { a b }).
func selectsUnder(ctx context.Context, list string, fields ...string) bool {
	oc := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name != list {
			continue
		}
		for _, g := range graphql.CollectFields(oc, f.Selections, nil) {
			if slices.Contains(fields, g.Name) {
				return true
			}
		}
	}
	return false
}
