package crm

import (
	"context"
	"time"
)

// Corrections: every nested record can be changed or removed, always
// against the version the user saw (a stale one is CONFLICT), by those
// policy.go allows (CanChangeRecord: its author, the customer's owner,
// managers and admins). A change records who made it and when. Removing a
// record recomputes the customer's figures like any other write.

// UpdateInteraction corrects one interaction, or ticks off its next action.
func (s *Service) UpdateInteraction(ctx context.Context, a Actor, customerID, interactionID string, expectedVersion int64, patch InteractionPatch) (*Customer, error) {
	var users []string
	match := func(it Interaction) bool { return it.ID == interactionID }
	allowed := mayChangeRecord(RecordInteraction, func(c *Customer) (string, bool) {
		return authorAt(c.Interactions, indexOf(c.Interactions, match), func(it Interaction) string { return it.CreatedBy })
	})
	if patch.onlyTicksOff() {
		change := allowed
		allowed = func(a Actor, c *Customer) error {
			if i := indexOf(c.Interactions, match); i >= 0 && a.CanTickOff(c, &c.Interactions[i]) {
				return nil
			}
			return change(a, c)
		}
	}
	return s.mutate(ctx, a, customerID, &expectedVersion, allowed, func(c *Customer, p Problems, now time.Time) {
		i := indexOf(c.Interactions, match)
		if i < 0 {
			p.Fail("interactionId", ReasonNotFound, nil, "no such interaction on this customer")
			return
		}
		c.Interactions[i].UpdatedAt, c.Interactions[i].UpdatedBy = &now, a.UserID
		before := interactionUsers(&c.Interactions[i])
		wasComplaint := c.Interactions[i].KeyEvent == KeyEventComplaint
		patch.apply(p, c, &c.Interactions[i], a, now)
		if !wasComplaint {
			openComplaint(c, &c.Interactions[i], a.UserID, now)
		}
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

// onlyTicksOff reports whether the patch does nothing but mark the next
// action done or not done.
func (f *InteractionPatch) onlyTicksOff() bool {
	return f.NextActionDone != nil && f.At == nil && f.Channel == nil && f.Summary == nil && f.Feedback == nil &&
		f.Result == nil && f.ContactIDs == nil && f.Participants == nil && f.NextAction == nil &&
		!f.ClearNextAction && !f.ClearKeyEvent && f.KeyEvent == nil && f.DurationMin == nil
}

// authorAt returns the author of xs[i], and false when i is -1 (no such record).
func authorAt[T any](xs []T, i int, by func(T) string) (string, bool) {
	if i < 0 {
		return "", false
	}
	return by(xs[i]), true
}

// RemoveInteraction deletes one interaction (e.g. logged on the wrong customer).
func (s *Service) RemoveInteraction(ctx context.Context, a Actor, customerID, interactionID string, expectedVersion int64) (*Customer, error) {
	match := func(it Interaction) bool { return it.ID == interactionID }
	return s.removeNested(ctx, a, customerID, expectedVersion, mayChangeRecord(RecordInteraction, func(c *Customer) (string, bool) {
		return authorAt(c.Interactions, indexOf(c.Interactions, match), func(it Interaction) string { return it.CreatedBy })
	}), "interactionId", func(c *Customer) bool { return removeWhere(&c.Interactions, match) })
}

// UpdateDeal corrects one deal.
func (s *Service) UpdateDeal(ctx context.Context, a Actor, customerID, dealID string, expectedVersion int64, patch DealPatch) (*Customer, error) {
	match := func(d Deal) bool { return d.ID == dealID }
	allowed := mayChangeRecord(RecordDeal, func(c *Customer) (string, bool) {
		return authorAt(c.Deals, indexOf(c.Deals, match), func(d Deal) string { return d.CreatedBy })
	})
	return s.mutate(ctx, a, customerID, &expectedVersion, allowed, func(c *Customer, p Problems, now time.Time) {
		i := indexOf(c.Deals, match)
		if i < 0 {
			p.Fail("dealId", ReasonNotFound, nil, "no such deal on this customer")
			return
		}
		c.Deals[i].UpdatedAt, c.Deals[i].UpdatedBy = &now, a.UserID
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
	match := func(d Deal) bool { return d.ID == dealID }
	return s.removeNested(ctx, a, customerID, expectedVersion, mayChangeRecord(RecordDeal, func(c *Customer) (string, bool) {
		return authorAt(c.Deals, indexOf(c.Deals, match), func(d Deal) string { return d.CreatedBy })
	}), "dealId", func(c *Customer) bool { return removeWhere(&c.Deals, match) })
}

// RemoveNeed deletes one need.
func (s *Service) RemoveNeed(ctx context.Context, a Actor, customerID, needID string, expectedVersion int64) (*Customer, error) {
	match := func(n Need) bool { return n.ID == needID }
	return s.removeNested(ctx, a, customerID, expectedVersion, mayChangeRecord(RecordNeed, func(c *Customer) (string, bool) {
		return authorAt(c.Needs, indexOf(c.Needs, match), func(n Need) string { return n.CreatedBy })
	}), "needId", func(c *Customer) bool { return removeWhere(&c.Needs, match) })
}

// UpdateSatisfaction corrects one satisfaction result.
func (s *Service) UpdateSatisfaction(ctx context.Context, a Actor, customerID, resultID string, expectedVersion int64, patch SatisfactionPatch) (*Customer, error) {
	match := func(r Satisfaction) bool { return r.ID == resultID }
	allowed := mayChangeRecord(RecordSatisfaction, func(c *Customer) (string, bool) {
		return authorAt(c.Satisfaction, indexOf(c.Satisfaction, match), func(r Satisfaction) string { return r.CreatedBy })
	})
	return s.mutate(ctx, a, customerID, &expectedVersion, allowed, func(c *Customer, p Problems, now time.Time) {
		i := indexOf(c.Satisfaction, match)
		if i < 0 {
			p.Fail("resultId", ReasonNotFound, nil, "no such satisfaction result on this customer")
			return
		}
		r := &c.Satisfaction[i]
		r.UpdatedAt, r.UpdatedBy = &now, a.UserID
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
	match := func(r Satisfaction) bool { return r.ID == resultID }
	return s.removeNested(ctx, a, customerID, expectedVersion, mayChangeRecord(RecordSatisfaction, func(c *Customer) (string, bool) {
		return authorAt(c.Satisfaction, indexOf(c.Satisfaction, match), func(r Satisfaction) string { return r.CreatedBy })
	}), "resultId", func(c *Customer) bool { return removeWhere(&c.Satisfaction, match) })
}

func (s *Service) removeNested(ctx context.Context, a Actor, customerID string, expectedVersion int64,
	allowed rule, field string, remove func(*Customer) bool) (*Customer, error) {
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
