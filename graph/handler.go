package graph

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/crm"
)

// Limits bound what one request may ask for.
type Limits struct {
	MaxDepth      int // selection depth, fragments included (default 12)
	MaxComplexity int // estimated cost: list fields count their page size (default 20000)
	MaxResponse   int // bytes of a response's data; larger ones are replaced by an error (default 8 MiB)
}

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = 12
	}
	if l.MaxComplexity <= 0 {
		l.MaxComplexity = 20000
	}
	if l.MaxResponse <= 0 {
		l.MaxResponse = 8 << 20
	}
	return l
}

// NewHandler builds the GraphQL HTTP handler: POST and GET (queries only)
// per the GraphQL over HTTP specification, introspection, the depth and
// complexity limits, and the error presenter.
func NewHandler(r *Resolver, limits Limits, log *slog.Logger) *handler.Server {
	limits = limits.withDefaults()
	cfg := Config{Resolvers: r}
	cfg.Complexity.Query.Customers = func(child int, first *int, _ *string, _ *model.CustomerOrder, _ *string, _ *crm.ArchiveScope, _ map[string]any, _ *string) int {
		n := 20
		if first != nil && *first > 0 {
			n = *first
		}
		return 1 + n*child
	}
	cfg.Complexity.SavedSegment.Customers = func(child int, first *int, _ *string, _ *model.CustomerOrder, _ *string, _ *crm.ArchiveScope) int {
		n := 20
		if first != nil && *first > 0 {
			n = *first
		}
		return 1 + n*child
	}
	// A sidebar: an estimate of how many segments a user sees.
	cfg.Complexity.Query.Segments = func(child int) int { return 1 + 20*child }
	cfg.Complexity.Customer.Interactions = func(child int, _ *bool, limit *int) int {
		n := 50 // an estimate of the average customer's interactions
		if limit != nil && *limit >= 0 && *limit < n {
			n = *limit
		}
		return 1 + n*child
	}
	for _, f := range []*func(int) int{&cfg.Complexity.Customer.Contacts, &cfg.Complexity.Customer.Needs,
		&cfg.Complexity.Customer.Deals, &cfg.Complexity.Customer.Satisfaction} {
		*f = func(child int) int { return 1 + 10*child }
	}

	srv := handler.New(NewExecutableSchema(cfg))
	srv.AddTransport(transport{log: log, maxResponse: limits.MaxResponse})
	srv.AroundFields(countResponse)
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(depthLimit{max: limits.MaxDepth})
	srv.Use(extension.FixedComplexityLimit(limits.MaxComplexity))
	srv.SetErrorPresenter(ErrorPresenter(log))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		return crm.Internal(fmt.Errorf("panic: %v", v))
	})
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		start := time.Now()
		resp := next(ctx)
		if graphql.HasOperationContext(ctx) && resp != nil {
			oc := graphql.GetOperationContext(ctx)
			log.DebugContext(ctx, "graphql", "request_id", RequestID(ctx), "op", oc.OperationName,
				"errors", len(resp.Errors), "ms", time.Since(start).Milliseconds())
		}
		return resp
	})
	return srv
}

// depthLimit rejects operations whose selections nest deeper than max.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, oc.Doc.Fragments, 0, d.max); depth > d.max {
		err := gqlerror.Errorf("operation is nested deeper than the limit of %d levels", d.max)
		err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

// selectionDepth returns the depth of set, stopping early past max (which
// also stops fragment cycles, already rejected by validation).
func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth, max int) int {
	if depth > max {
		return depth
	}
	deepest := depth
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) == 0 {
				d = depth + 1
			} else {
				d = selectionDepth(s.SelectionSet, frags, depth+1, max)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, depth, max)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				d = selectionDepth(f.SelectionSet, frags, depth, max)
			}
		}
		if d > deepest {
			deepest = d
		}
	}
	return deepest
}
