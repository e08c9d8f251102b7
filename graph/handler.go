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
	"github.com/kehu-crm/kehu/internal/segment"
)

// Limits bound what one request may ask for.
type Limits struct {
	MaxDepth      int // selection depth, fragments included (default 12)
	MaxComplexity int // estimated cost: list fields count their page size or the most they hold (default 20000)
	MaxResponse   int // bytes of a response's data; larger ones are replaced by an error (default 8 MiB)
	// MaxUpload bounds the files of one multipart request (default 50 MiB),
	// spooled to temporary files in UploadDir ("": the system's).
	MaxUpload int64
	UploadDir string
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
	if l.MaxUpload <= 0 {
		l.MaxUpload = 50 << 20
	}
	return l
}

// NewHandler builds the GraphQL HTTP handler: POST and GET (queries only)
// per the GraphQL over HTTP specification, introspection, the depth and
// complexity limits, and the error presenter.
func NewHandler(r *Resolver, limits Limits, log *slog.Logger) *handler.Server {
	limits = limits.withDefaults()
	cfg := config(r, func(text bool) int { return r.CRM.FilterCost(context.Background(), text) })
	srv := handler.New(NewExecutableSchema(cfg))
	srv.AddTransport(transport{log: log, maxResponse: limits.MaxResponse, maxUpload: limits.MaxUpload, tmpDir: limits.UploadDir})
	srv.AroundFields(countResponse)
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(depthLimit{max: limits.MaxDepth})
	srv.Use(extension.FixedComplexityLimit(limits.MaxComplexity))
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(withLoaders(withUserDirectory(withSegmentCounts(ctx)), r))
	})
	srv.AroundOperations(refuseReadOnlyMutations(log))
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

// config is the executable schema's configuration: the resolvers and the
// cost model, with filterCost the cost of evaluating one filter (text: it
// reads free text), crm.Service.FilterCost in the server.
func config(r *Resolver, filterCost func(text bool) int) Config {
	cfg := Config{Resolvers: r}
	// The cost model (crm.FilterCost): every list or count evaluates its
	// filter over all customers, and a filter that reads free text costs
	// more; each alias is charged. Nested lists count the most elements
	// they can return (nestedCosts).
	scan := func(where map[string]any, query *string) int {
		line := ""
		if query != nil {
			line = *query
		}
		return filterCost(segment.ReadsText(where, line))
	}
	page := func(first *int) int {
		if first != nil && *first > 0 {
			return *first
		}
		return 20
	}
	cfg.Complexity.Query.Customers = func(child int, first *int, _ *string, _ *model.CustomerOrder, _ *string, _ *crm.ArchiveScope, where map[string]any, query *string) int {
		return scan(where, query) + page(first)*child
	}
	cfg.Complexity.Query.CustomersCount = func(_ int, where map[string]any, query *string, _ *crm.ArchiveScope) int {
		return scan(where, query)
	}
	cfg.Complexity.Query.ExplainSegment = func(child int, where map[string]any, query *string) int {
		return 1 + child
	}
	// A saved segment's filter is not known before it is read: its list is
	// charged as one that reads free text; its count as a lean one, since
	// a sidebar's counts share one pass (Service.CountEach).
	cfg.Complexity.SavedSegment.Customers = func(child int, first *int, _ *string, _ *model.CustomerOrder, _ *string, _ *crm.ArchiveScope) int {
		return filterCost(true) + page(first)*child
	}
	cfg.Complexity.SavedSegment.Count = func(int, *crm.ArchiveScope) int {
		return filterCost(false)
	}
	// A bulk change over a filter evaluates it once, when the job starts
	// (the changes themselves are bounded by crm.MaxBulkSelection and run
	// as a job); picked customers cost one each.
	cfg.Complexity.Mutation.StartBulkChange = func(child int, input model.BulkChangeInput) int {
		if input.Filter != nil {
			return scan(input.Filter.Where, input.Filter.Query) + child
		}
		return len(input.Customers) + child
	}
	aggregateCosts(&cfg.Complexity, scan, filterCost)
	// A task list scans the customers with open tasks (the read model, an
	// index on MongoDB): charged as a lean filter, plus its page. Done and
	// closed tasks are read from whole documents (the read model keeps only
	// open ones): charged as a filter on texts.
	cfg.Complexity.Query.Tasks = func(child int, _ *string, _ *bool, status *crm.TaskStatus, _ *crm.TaskKind, _ *time.Time, _ *bool, first *int, _ *string) int {
		n := 50
		if first != nil && *first > 0 {
			n = *first
		}
		return filterCost(status != nil && *status != crm.TaskOpen) + n*child
	}
	// A list of service requests scans the customers with requests not
	// closed (the read model, an index on MongoDB), as tasks do.
	cfg.Complexity.Query.ServiceRequests = func(child int, _ *string, _ *bool, _ *crm.ServiceKind, _ []crm.ServiceStatus, _ *bool, first *int, _ *string) int {
		n := 50
		if first != nil && *first > 0 {
			n = *first
		}
		return filterCost(false) + n*child
	}
	// The digest scans the customers with the caller's open tasks and
	// service requests, as the two lists do.
	cfg.Complexity.Query.Digest = func(child int) int { return 2*filterCost(false) + child }
	cfg.Complexity.Mutation.MarkDigestRead = func(child int) int { return 2*filterCost(false) + child }
	// A sidebar: an estimate of how many segments a user sees.
	cfg.Complexity.Query.Segments = func(child int) int { return 1 + 20*child }
	nestedCosts(&cfg.Complexity)
	return cfg
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
	// Introspection (__schema, __type) is as deep as the schema's type
	// references, not the data: GraphiQL's and other tools' standard query
	// nests ofType 9 levels, and it reads no customer.
	var set ast.SelectionSet
	for _, sel := range oc.Operation.SelectionSet {
		if f, ok := sel.(*ast.Field); ok && (f.Name == "__schema" || f.Name == "__type") {
			continue
		}
		set = append(set, sel)
	}
	if depth := selectionDepth(set, oc.Doc.Fragments, 0, d.max); depth > d.max {
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
