package crm

import (
	"context"
	"time"
)

// Corrections: every nested record can be changed or removed, always
// against the version the user saw (a stale one is CONFLICT). Removing a
// record recomputes the customer's figures like any other write.

// UpdateInteraction corrects one interaction, or ticks off its next action.
func (s *Service) UpdateInteraction(ctx context.Context, a Actor, customerID, interactionID string, expectedVersion int64, patch InteractionPatch) (*Customer, error) {
	var users []string
	return s.mutate(ctx, a, customerID, &expectedVersion, Actor.CanLog, func(c *Customer, p Problems, now time.Time) {
		i := indexOf(c.Interactions, func(it Interaction) bool { return it.ID == interactionID })
		if i < 0 {
			p.Fail("interactionId", ReasonNotFound, nil, "no such interaction on this customer")
			return
		}
		before := interactionUsers(&c.Interactions[i])
		patch.apply(p, c, &c.Interactions[i], a, now)
		// Only people the change brings in, and the owner of a new next
		// action, must be active: staff who have left may stay on old
		// interactions, which can still be corrected and ticked off.
		for _, u := range interactionUsers(&c.Interactions[i]) {
			if indexOf(before, func(b string) bool { return b == u }) < 0 {
				users = append(users, u)
			}
		}
		if patch.NextAction != nil {
			users = append(users, c.Interactions[i].NextAction.OwnerID)
		}
	}, func(*Customer) error { return s.checkUsers(ctx, "", users) })
}

// RemoveInteraction deletes one interaction (e.g. logged on the wrong customer).
func (s *Service) RemoveInteraction(ctx context.Context, a Actor, customerID, interactionID string, expectedVersion int64) (*Customer, error) {
	return s.removeNested(ctx, a, customerID, expectedVersion, Actor.CanLog, "interactionId", func(c *Customer) bool {
		return removeWhere(&c.Interactions, func(it Interaction) bool { return it.ID == interactionID })
	})
}

// UpdateDeal corrects one deal.
func (s *Service) UpdateDeal(ctx context.Context, a Actor, customerID, dealID string, expectedVersion int64, patch DealPatch) (*Customer, error) {
	return s.mutate(ctx, a, customerID, &expectedVersion, Actor.CanEdit, func(c *Customer, p Problems, now time.Time) {
		i := indexOf(c.Deals, func(d Deal) bool { return d.ID == dealID })
		if i < 0 {
			p.Fail("dealId", ReasonNotFound, nil, "no such deal on this customer")
			return
		}
		patch.apply(p, &c.Deals[i], DateOf(now, s.loc()))
	}, nil)
}

// apply validates the patch and writes it onto d; today is the calendar
// date now, so a deal may be dated at most one day ahead (time zones).
func (f *DealPatch) apply(p Problems, d *Deal, today time.Time) {
	if f.Product != nil {
		d.Product = checkText(p, "product", *f.Product, MaxLineText, true)
	}
	if f.Amount != nil {
		if m := checkMoney(p, "amount", *f.Amount); m != nil {
			d.Amount = *m
		}
	}
	if f.Date != nil {
		d.Date = DateOf(*f.Date, time.UTC)
		if d.Date.After(today.AddDate(0, 0, 1)) {
			p.Fail("date", ReasonFutureDate, nil, "must not be in the future")
		}
	}
	applyText(p, "note", f.Note, &d.Note, MaxLineText)
}

// RemoveDeal deletes one deal.
func (s *Service) RemoveDeal(ctx context.Context, a Actor, customerID, dealID string, expectedVersion int64) (*Customer, error) {
	return s.removeNested(ctx, a, customerID, expectedVersion, Actor.CanEdit, "dealId", func(c *Customer) bool {
		return removeWhere(&c.Deals, func(d Deal) bool { return d.ID == dealID })
	})
}

// RemoveNeed deletes one need.
func (s *Service) RemoveNeed(ctx context.Context, a Actor, customerID, needID string, expectedVersion int64) (*Customer, error) {
	return s.removeNested(ctx, a, customerID, expectedVersion, Actor.CanLog, "needId", func(c *Customer) bool {
		return removeWhere(&c.Needs, func(n Need) bool { return n.ID == needID })
	})
}

// UpdateSatisfaction corrects one satisfaction result.
func (s *Service) UpdateSatisfaction(ctx context.Context, a Actor, customerID, resultID string, expectedVersion int64, patch SatisfactionPatch) (*Customer, error) {
	return s.mutate(ctx, a, customerID, &expectedVersion, Actor.CanLog, func(c *Customer, p Problems, now time.Time) {
		i := indexOf(c.Satisfaction, func(r Satisfaction) bool { return r.ID == resultID })
		if i < 0 {
			p.Fail("resultId", ReasonNotFound, nil, "no such satisfaction result on this customer")
			return
		}
		r := &c.Satisfaction[i]
		if patch.Score != nil {
			if *patch.Score < 0 || *patch.Score > 100 {
				p.Fail("score", ReasonOutOfRange, map[string]any{"min": 0, "max": 100}, "must be between 0 and 100")
			}
			r.Score = *patch.Score
		}
		if patch.At != nil {
			r.At = patch.At.Truncate(time.Millisecond)
			if r.At.After(now.Add(24 * time.Hour)) {
				p.Fail("at", ReasonFutureDate, nil, "must not be in the future")
			}
		}
		applyText(p, "comment", patch.Comment, &r.Comment, MaxLongText)
	}, nil)
}

// RemoveSatisfaction deletes one satisfaction result.
func (s *Service) RemoveSatisfaction(ctx context.Context, a Actor, customerID, resultID string, expectedVersion int64) (*Customer, error) {
	return s.removeNested(ctx, a, customerID, expectedVersion, Actor.CanLog, "resultId", func(c *Customer) bool {
		return removeWhere(&c.Satisfaction, func(r Satisfaction) bool { return r.ID == resultID })
	})
}

func (s *Service) removeNested(ctx context.Context, a Actor, customerID string, expectedVersion int64,
	allowed func(Actor, *Customer) bool, field string, remove func(*Customer) bool) (*Customer, error) {
	return s.mutate(ctx, a, customerID, &expectedVersion, allowed, func(c *Customer, p Problems, _ time.Time) {
		if !remove(c) {
			p.Fail(field, ReasonNotFound, nil, "no such record on this customer")
		}
	}, nil)
}

// removeWhere deletes the first element matching pred; false when none does.
func removeWhere[T any](xs *[]T, pred func(T) bool) bool {
	i := indexOf(*xs, pred)
	if i < 0 {
		return false
	}
	*xs = append((*xs)[:i], (*xs)[i+1:]...)
	return true
}
