package graph

import (
	"context"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/dedupe"
)

// The merge's resolvers translate between the API and crm's merges
// (crm.Service.MergeCustomers, UndoMerge, Merges).

func (r *Resolver) mergeCustomers(ctx context.Context, survivorID string, otherIDs []string, versions []int, choices []model.MergeChoiceInput) (*model.MergeResult, error) {
	return as(ctx, func(a crm.Actor) (*model.MergeResult, error) {
		in := crm.MergeInput{SurvivorID: survivorID, OtherIDs: otherIDs, ExpectedVersions: make([]int64, len(versions))}
		for i, v := range versions {
			in.ExpectedVersions[i] = int64(v)
		}
		for _, ch := range choices {
			in.Choices = append(in.Choices, crm.MergeChoice{Field: ch.Field, From: ch.From})
		}
		m, c, err := r.CRM.MergeCustomers(ctx, a, in)
		if err != nil {
			return nil, err
		}
		return &model.MergeResult{Merge: m, Customer: c}, nil
	})
}

func (r *Resolver) customerMerges(ctx context.Context, customerID *string, first *int) ([]crm.Merge, error) {
	return as(ctx, func(a crm.Actor) ([]crm.Merge, error) {
		id, n := "", 20
		if customerID != nil {
			id = *customerID
		}
		if first != nil {
			n = *first
		}
		list, err := r.CRM.Merges(ctx, a, id, n)
		if err != nil {
			return nil, err
		}
		out := make([]crm.Merge, len(list))
		for i, m := range list {
			out[i] = *m
		}
		return out, nil
	})
}

// customerOrNil is the customer of id, nil when it no longer exists.
func (r *Resolver) customerOrNil(ctx context.Context, id string) (*crm.Customer, error) {
	if id == "" {
		return nil, nil
	}
	c, err := r.wholeCustomer(ctx, id)
	if crm.IsCode(err, crm.CodeNotFound) {
		return nil, nil
	}
	return c, err
}

func (r *Resolver) mergedCustomers(ctx context.Context, ids []string) ([]crm.Customer, error) {
	cs, err := r.Store.Customers().GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]crm.Customer, len(cs))
	for i, c := range cs {
		out[i] = *c
	}
	return out, nil
}

func (r *Resolver) duplicateCandidates(ctx context.Context, first *int, after *string) (*model.DuplicateCandidates, error) {
	return as(ctx, func(a crm.Actor) (*model.DuplicateCandidates, error) {
		n, cur := 20, ""
		if first != nil {
			n = *first
		}
		if after != nil {
			cur = *after
		}
		c, err := r.Duplicates.Candidates(ctx, a, n, cur)
		if err != nil {
			return nil, err
		}
		if selectsUnder(ctx, "nodes", "a", "b") {
			ids := make([]string, 0, 2*len(c.Pairs))
			for _, p := range c.Pairs {
				ids = append(ids, p.A.ID, p.B.ID)
			}
			if err := r.primeCustomers(ctx, ids); err != nil {
				return nil, err
			}
		}
		out := &model.DuplicateCandidates{TotalCount: c.Total, Nodes: c.Pairs, Skipped: c.Skipped,
			PageInfo: &model.PageInfo{HasNextPage: c.HasNext, HasPreviousPage: cur != ""}}
		if out.Nodes == nil {
			out.Nodes = []dedupe.Pair{}
		}
		if len(c.Pairs) > 0 {
			out.PageInfo.StartCursor = optional(c.Pairs[0].Cursor().Encode())
			out.PageInfo.EndCursor = optional(c.Pairs[len(c.Pairs)-1].Cursor().Encode())
		}
		return out, nil
	})
}
