package graph

import (
	"context"

	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/crm"
)

// nestedFields are Customer fields a lean list row does not carry: when a
// list selects any of them, the store returns whole documents in one batch.
var nestedFields = map[string]bool{"contacts": true, "interactions": true, "needs": true, "deals": true,
	"satisfaction": true, "stageHistory": true, "tierHistory": true, "ownerHistory": true, "notes": true}

// DefaultMaxPageSize bounds `first` when the Resolver sets no other bound.
const DefaultMaxPageSize = 100

func (r *Resolver) listQuery(ctx context.Context, first *int, after *string, orderBy *model.CustomerOrder, search *string, scope *crm.ArchiveScope) (crm.ListQuery, error) {
	q := crm.ListQuery{OrderBy: crm.OrderCode, First: 20, Scope: crm.ScopeActive}
	max := r.MaxPageSize
	if max <= 0 {
		max = DefaultMaxPageSize
	}
	if first != nil {
		if *first < 1 || *first > max {
			return q, badArg("first", "must be between 1 and "+itoa(max))
		}
		q.First = *first
	}
	if orderBy != nil {
		q.OrderBy = orderBy.Field
		q.Desc = orderBy.Direction != nil && *orderBy.Direction == model.OrderDirectionDesc
	}
	if search != nil {
		q.Search = *search
	}
	if scope != nil {
		q.Scope = *scope
	}
	if after != nil && *after != "" {
		c, err := decodeCursor(*after, q.OrderBy)
		if err != nil {
			return q, err
		}
		q.After = c
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		switch f.Name {
		case "totalCount":
			q.WithTotal = true
		case "nodes":
			q.Full = q.Full || selectsNested(ctx, f.Selections)
		case "edges":
			for _, e := range graphql.CollectFields(graphql.GetOperationContext(ctx), f.Selections, nil) {
				if e.Name == "node" {
					q.Full = q.Full || selectsNested(ctx, e.Selections)
				}
			}
		}
	}
	return q, nil
}

func selectsNested(ctx context.Context, sel []ast.Selection) bool {
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), sel, nil) {
		if nestedFields[f.Name] {
			return true
		}
	}
	return false
}

func connection(f crm.OrderField, p *crm.Page) *model.CustomerConnection {
	conn := &model.CustomerConnection{TotalCount: p.Total, PageInfo: &model.PageInfo{HasNextPage: p.HasNext}}
	conn.Nodes = make([]crm.Customer, len(p.Customers))
	conn.Edges = make([]model.CustomerEdge, len(p.Customers))
	for i, c := range p.Customers {
		conn.Nodes[i] = *c
		conn.Edges[i] = model.CustomerEdge{Node: &conn.Nodes[i], Cursor: encodeCursor(f, c)}
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn
}

// full returns the whole document of a lean list row (normally lists load
// whole documents already when nested fields are selected).
func (r *Resolver) full(ctx context.Context, c *crm.Customer) (*crm.Customer, error) {
	if !c.Partial {
		return c, nil
	}
	return r.Store.Customers().Get(ctx, c.ID)
}

func version(v *int) *int64 {
	if v == nil {
		return nil
	}
	x := int64(*v)
	return &x
}

func badArg(field, msg string) error {
	return &crm.Error{Code: crm.CodeBadUserInput, Message: field + ": " + msg,
		Fields: []crm.FieldError{{Field: field, Message: msg}}}
}

func itoa(i int) string { return strconv.Itoa(i) }

// nested checks the limit argument of a nested list of at most max
// elements, then loads the customer's full document.
func (r *Resolver) nested(ctx context.Context, c *crm.Customer, limit *int, max int) (*crm.Customer, error) {
	if err := crm.CheckLimit("limit", limit, max); err != nil {
		return nil, err
	}
	return r.full(ctx, c)
}

func isTrue(b *bool) bool { return b != nil && *b }
