package graph

import (
	"context"

	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/crm"
)

// nestedFields are Customer fields a lean list row does not carry (their
// resolvers read the whole document, nested; completeness and
// missingFields score it): when a list selects any of them, the store
// returns whole documents in one batch.
var nestedFields = map[string]bool{"contacts": true, "interactions": true, "needs": true, "deals": true,
	"satisfaction": true, "stageHistory": true, "tierHistory": true, "lifecycleHistory": true, "ruleTagHistory": true,
	"ownerHistory": true, "tasks": true, "serviceRequests": true, "notes": true, "completeness": true, "missingFields": true}

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
// whole documents already when nested fields are selected), batched with
// the other rows' (wholeCustomer).
func (r *Resolver) full(ctx context.Context, c *crm.Customer) (*crm.Customer, error) {
	if !c.Partial {
		return c, nil
	}
	return r.wholeCustomer(ctx, c.ID)
}

// withContacts returns c when it holds its contacts (a whole document, or a
// lean row loaded with them), else its whole document.
func (r *Resolver) withContacts(ctx context.Context, c *crm.Customer) (*crm.Customer, error) {
	if c.ContactsLoaded {
		return c, nil
	}
	return r.full(ctx, c)
}

// nodesSelect returns the fields the nodes of the connection being
// resolved select, and whether they select a nested field of their
// customer (nestedFields under customer).
func nodesSelect(ctx context.Context) (fields map[string]bool, customerNested bool) {
	if graphql.GetFieldContext(ctx) == nil {
		return nil, false
	}
	fields = map[string]bool{}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name != "nodes" {
			continue
		}
		for _, n := range graphql.CollectFields(graphql.GetOperationContext(ctx), f.Selections, nil) {
			fields[n.Name] = true
			if n.Name == "customer" && selectsNested(ctx, n.Selections) {
				customerNested = true
			}
		}
	}
	return fields, customerNested
}

// wholeDocuments replaces each lean customer *cs[i] by its whole document,
// read in one batch. The rows of a list of tasks or service requests
// point at lean customers, and their field resolvers would otherwise read
// one document each (full): 50 reads for a page of 50. The caller passes
// the rows whose selected fields read the document; rows of one customer
// share it.
func (r *Resolver) wholeDocuments(ctx context.Context, cs []**crm.Customer) error {
	var ids []string
	seen := map[string]bool{}
	for _, c := range cs {
		if id := (*c).ID; (*c).Partial && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	docs, err := r.Store.Customers().GetMany(ctx, ids)
	if err != nil {
		return err
	}
	byID := make(map[string]*crm.Customer, len(docs))
	for _, d := range docs {
		byID[d.ID] = d
	}
	for _, c := range cs {
		if d, ok := byID[(*c).ID]; ok {
			*c = d
		}
	}
	return nil
}

// wholeTaskCustomers gives the rows of a page of tasks the whole documents
// of their customers when the nodes select a nested field of the customer
// (a task's own fields are all on the lean row).
func (r *Resolver) wholeTaskCustomers(ctx context.Context, items []crm.TaskItem) error {
	if _, nested := nodesSelect(ctx); !nested {
		return nil
	}
	cs := make([]**crm.Customer, len(items))
	for i := range items {
		cs[i] = &items[i].Customer
	}
	return r.wholeDocuments(ctx, cs)
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
