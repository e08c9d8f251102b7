package graph

import (
	"context"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/quality"
)

// The data quality resolvers translate between the API and package quality.

func (r *Resolver) dataQuality(ctx context.Context) (*quality.Report, error) {
	return as(ctx, func(a crm.Actor) (*quality.Report, error) {
		return r.Quality.Report(ctx, a, r.CRM.Clock.Now())
	})
}

func (r *Resolver) removeRepeatedFollowUps(ctx context.Context, customerID string, expectedVersion int) (*model.RepeatedFollowUpsRemoved, error) {
	return as(ctx, func(a crm.Actor) (*model.RepeatedFollowUpsRemoved, error) {
		c, n, err := r.Quality.RemoveRepeatedFollowUps(ctx, a, customerID, int64(expectedVersion))
		if err != nil {
			return nil, err
		}
		return &model.RepeatedFollowUpsRemoved{Customer: c, Removed: n}, nil
	})
}

func (r *Resolver) removeAllRepeatedFollowUps(ctx context.Context) (*quality.Cleanup, error) {
	return as(ctx, func(a crm.Actor) (*quality.Cleanup, error) { return r.Quality.RemoveAllRepeatedFollowUps(ctx, a) })
}

// completeness scores the whole document of c (a list's customer is
// partial: it is read whole).
func (r *Resolver) completeness(ctx context.Context, c *crm.Customer) (int, []string, error) {
	c, err := r.full(ctx, c)
	if err != nil {
		return 0, nil, err
	}
	score, missing := quality.Completeness(c)
	if missing == nil {
		missing = []string{}
	}
	return score, missing, nil
}
