package graph

import (
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
