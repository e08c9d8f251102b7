package graph

import (
	"context"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/crm"
)

// startBulkChange turns the input into a crm.BulkChange (the filter built
// as Query.customers builds it) and starts it.
func (r *Resolver) startBulkChange(ctx context.Context, in model.BulkChangeInput) (*crm.BulkJob, error) {
	return as(ctx, func(a crm.Actor) (*crm.BulkJob, error) {
		ch := crm.BulkChange{Action: in.Action, Tags: in.Tags}
		if in.OwnerID != nil {
			ch.OwnerID = *in.OwnerID
		}
		if in.KeepNextActions != nil {
			ch.KeepNextActions = *in.KeepNextActions
		}
		if in.Stage != nil {
			ch.Stage = *in.Stage
		}
		if in.Customers != nil {
			ch.Targets = make([]crm.BulkTarget, len(in.Customers))
			for i, t := range in.Customers {
				ch.Targets[i] = crm.BulkTarget{ID: t.ID, Version: int64(t.ExpectedVersion)}
			}
		}
		if f := in.Filter; f != nil {
			q := &crm.ListQuery{Scope: crm.ScopeActive}
			if f.Search != nil {
				q.Search = *f.Search
			}
			if f.Scope != nil {
				q.Scope = *f.Scope
			}
			flt, err := r.segmentFilter(ctx, a, f.Where, f.Query)
			if err != nil {
				return nil, crm.UnderField("filter", err)
			}
			if flt != nil {
				q.Filter = flt
			}
			ch.List = q
		}
		return r.CRM.StartBulkChange(ctx, a, ch)
	})
}

// optional is s, or nil when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
