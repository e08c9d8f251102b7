package graph

import (
	"context"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// segmentFilter builds the filter of a list from the where input and the
// query line (ANDed); nil when neither is given. Errors: BAD_USER_INPUT
// with the path (where.and[1]..., or query with the position).
func (r *Resolver) segmentFilter(a crm.Actor, where map[string]any, query *string) (*segment.Filter, error) {
	var nodes []segment.Node
	if where != nil {
		n, err := segment.FromInput("where", where)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	if query != nil && *query != "" {
		n, err := segment.Parse(*query)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	if len(nodes) == 0 {
		return nil, nil
	}
	var n segment.Node = segment.And{Nodes: nodes}
	if len(nodes) == 1 {
		n = nodes[0]
	}
	return segment.NewFilter(n, segment.OptionsAt(r.CRM.Clock, r.CRM.Loc, a.UserID))
}

// formatWhere writes a where input as its query line; nil when the filter
// has no one-line form. Errors: BAD_USER_INPUT with the path.
func formatWhere(where map[string]any) (*string, error) {
	n, err := segment.FromInput("where", where)
	if err != nil {
		return nil, err
	}
	if err := segment.Validate(n); err != nil {
		return nil, err
	}
	line, ok := segment.Format(n)
	if !ok {
		return nil, nil
	}
	return &line, nil
}

// parseLine reads a query line into its where input form. Errors:
// BAD_USER_INPUT with the position.
func parseLine(query string) (map[string]any, error) {
	n, err := segment.Parse(query)
	if err != nil {
		return nil, err
	}
	return segment.ToInput(n), nil
}

// asArgs runs fn as the signed-in actor (UNAUTHENTICATED without one). Unlike
// as, it leaves error fields alone: they name top-level arguments (name,
// where.valueTier.in, query), not fields of an input object.
func asArgs[T any](ctx context.Context, fn func(crm.Actor) (T, error)) (T, error) {
	a, err := actor(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return fn(a)
}

// savedFilter builds a saved segment's filter for the viewer a: its stored
// where input goes through the same path as customers(where:), with a as
// owner:me.
func (r *Resolver) savedFilter(a crm.Actor, seg *crm.SavedSegment) (crm.Filter, error) {
	where, err := segment.SavedWhere(seg.Where)
	if err != nil {
		return nil, err
	}
	f, err := r.segmentFilter(a, where, nil)
	if err != nil || f == nil {
		return nil, err
	}
	return f, nil
}

// savedSegmentCount counts a saved segment's customers now, like
// customersCount.
func (r *Resolver) savedSegmentCount(ctx context.Context, a crm.Actor, seg *crm.SavedSegment, scope *crm.ArchiveScope) (int, error) {
	f, err := r.savedFilter(a, seg)
	if err != nil {
		return 0, err
	}
	return r.countCustomers(ctx, f, scope)
}

// savedSegmentCustomers lists a saved segment's customers now, like
// customers(where:).
func (r *Resolver) savedSegmentCustomers(ctx context.Context, a crm.Actor, seg *crm.SavedSegment, first *int, after *string,
	orderBy *model.CustomerOrder, search *string, scope *crm.ArchiveScope) (*model.CustomerConnection, error) {
	q, err := r.listQuery(ctx, first, after, orderBy, search, scope)
	if err != nil {
		return nil, err
	}
	if q.Filter, err = r.savedFilter(a, seg); err != nil {
		return nil, err
	}
	page, err := r.CRM.Customers(ctx, q)
	if err != nil {
		return nil, err
	}
	return connection(q.OrderBy, page), nil
}

// countCustomers counts the customers f selects (every one when f is nil)
// in scope (ACTIVE when nil).
func (r *Resolver) countCustomers(ctx context.Context, f crm.Filter, scope *crm.ArchiveScope) (int, error) {
	q := crm.ListQuery{OrderBy: crm.OrderCode, First: 1, WithTotal: true, Scope: crm.ScopeActive, Filter: f}
	if scope != nil {
		q.Scope = *scope
	}
	page, err := r.CRM.Customers(ctx, q)
	if err != nil {
		return 0, err
	}
	return page.Total, nil
}
