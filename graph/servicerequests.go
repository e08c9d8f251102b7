package graph

import (
	"context"
	"fmt"
	"slices"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
)

// Service requests translate to crm's service request use cases.

func (r *Resolver) serviceRequests(ctx context.Context, assignee *string, mine bool, kind *crm.ServiceKind, statuses []crm.ServiceStatus,
	overdue bool, first *int, after *string) (*model.ServiceRequestConnection, error) {
	return asArgs(ctx, func(a crm.Actor) (*model.ServiceRequestConnection, error) {
		q := crm.ServiceQuery{Statuses: statuses}
		switch {
		case mine && assignee != nil:
			p := crm.NewProblems()
			p.Fail("mine", crm.ReasonExclusive, nil, "give assignee or mine, not both")
			return nil, p.Err()
		case mine:
			q.Assignee = a.UserID
		case assignee != nil:
			q.Assignee = *assignee
		}
		if kind != nil {
			q.Kind = *kind
		}
		if overdue {
			q.OverdueAt = r.CRM.Clock.Now()
		}
		n := 50
		if first != nil {
			n = *first
		}
		var cur *crm.DueCursor
		if after != nil {
			var err error
			if cur, err = parseDueCursor(*after); err != nil {
				return nil, err
			}
		}
		page, err := r.CRM.ServiceRequests(ctx, a, q, n, cur)
		if err != nil {
			return nil, err
		}
		if err := r.wholeRequestCustomers(ctx, page.Items); err != nil {
			return nil, err
		}
		out := &model.ServiceRequestConnection{Nodes: page.Items, TotalCount: page.Total, PageInfo: &model.PageInfo{HasNextPage: page.HasNext}}
		if k := len(page.Items); k > 0 {
			start := dueCursor(page.Items[0].Due, page.Items[0].ID)
			end := dueCursor(page.Items[k-1].Due, page.Items[k-1].ID)
			out.PageInfo.StartCursor, out.PageInfo.EndCursor = &start, &end
		}
		return out, nil
	})
}

// wholeRequestCustomers gives the rows of a page of service requests the
// whole documents of their customers, in one batch, when the nodes select
// what a lean row lacks: the request's contact (unless the row holds the
// contacts), interaction or satisfaction result, or a nested field of the
// customer.
func (r *Resolver) wholeRequestCustomers(ctx context.Context, items []crm.ServiceItem) error {
	sel, nested := nodesSelect(ctx)
	var cs []**crm.Customer
	for i := range items {
		it := &items[i]
		if nested || sel["interaction"] && it.InteractionID != "" || sel["satisfaction"] && it.SatisfactionID != "" ||
			sel["contact"] && it.ContactID != "" && !it.Customer.ContactsLoaded {
			cs = append(cs, &it.Customer)
		}
	}
	return r.wholeDocuments(ctx, cs)
}

// customerServiceRequests lists a customer's requests: those not closed
// first, then by due time; of one status when given.
func (r *Resolver) customerServiceRequests(ctx context.Context, obj *crm.Customer, status *crm.ServiceStatus, limit *int) ([]crm.ServiceItem, error) {
	c, err := r.nested(ctx, obj, limit, crm.MaxServiceRequests)
	if err != nil {
		return nil, err
	}
	var out []crm.ServiceItem
	for _, s := range c.ServiceRequests {
		if status == nil || s.Status == *status {
			out = append(out, crm.ServiceItem{ServiceRequest: s, Customer: c})
		}
	}
	slices.SortStableFunc(out, func(x, y crm.ServiceItem) int {
		switch {
		case x.Closed() != y.Closed():
			if y.Closed() {
				return -1
			}
			return 1
		case x.Closed():
			return y.ClosedAt.Compare(*x.ClosedAt) // last closed first
		}
		return x.Due.Compare(y.Due)
	})
	if limit != nil && *limit < len(out) {
		out = out[:*limit]
	}
	return out, nil
}

// visibleRequest is a request as the signed-in viewer may read it.
func visibleRequest(ctx context.Context, s *crm.ServiceItem) crm.ServiceRequest {
	a, _ := auth.ActorFrom(ctx)
	return crm.VisibleServiceRequests(a, s.Customer, []crm.ServiceRequest{s.ServiceRequest})[0]
}

// requestOf returns request id of a customer a mutation returned.
func requestOf(c *crm.Customer, id string) (*crm.ServiceItem, error) {
	for _, s := range c.ServiceRequests {
		if s.ID == id {
			return &crm.ServiceItem{ServiceRequest: s, Customer: c}, nil
		}
	}
	return nil, crm.Internal(fmt.Errorf("graph: service request %s is not on customer %s", id, c.Code))
}

// requestChange runs a service request mutation as the signed-in actor
// and returns the request as it is after it; errors on the fields of its
// input argument name them under input (inputErr).
func (r *Resolver) requestChange(ctx context.Context, id string, fn func(a crm.Actor) (*crm.Customer, string, error)) (*crm.ServiceItem, error) {
	return asArgs(ctx, func(a crm.Actor) (*crm.ServiceItem, error) {
		c, got, err := fn(a)
		if err != nil {
			return nil, inputErr(ctx, err)
		}
		if got != "" {
			id = got
		}
		return requestOf(c, id)
	})
}
