package sqlite

import (
	"context"

	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
)

var _ analytics.Engine = (*Store)(nil)

// Aggregate computes an aggregate in process over one snapshot of the read
// model: the customers in scope are selected as Counts selects them, then
// analytics.Evaluate groups their briefs on every core. A customer whose
// brief the read model could not build is read from its document.
func (s *Store) Aggregate(ctx context.Context, spec *analytics.Spec) (*analytics.Groups, error) {
	cs := (*customerStore)(s)
	var in []*crm.Customer
	var missing []string
	err := cs.eachInScope(ctx, []crm.Filter{spec.Scope}, crm.CountQuery{Scope: spec.Archive, User: spec.User, Viewer: spec.Viewer},
		func(e *entry, _ int) {
			if e.c.Brief == nil {
				missing = append(missing, e.c.ID)
				return
			}
			in = append(in, &e.c)
		})
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		docs, err := cs.GetMany(ctx, missing)
		if err != nil {
			return nil, err
		}
		in = append(in, docs...)
	}
	g, _ := analytics.Evaluate(spec, in)
	return g, nil
}
