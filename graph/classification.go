package graph

import (
	"context"
	"strconv"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/rules"
)

// A customer's classification translates crm.Classification; its reasons
// come from internal/rules.

// ruleSet returns the rule set in force, read once per operation.
func (r *Resolver) ruleSet(ctx context.Context) (*rules.Set, error) {
	cache, _ := ctx.Value(userDirKey).(*userDirectories)
	if cache != nil {
		cache.mu.Lock()
		defer cache.mu.Unlock()
		if cache.rules != nil {
			return cache.rules, nil
		}
	}
	set, err := r.Rules.Rules(ctx)
	if err != nil {
		return nil, err
	}
	if cache != nil {
		cache.rules = set
	}
	return set, nil
}

// why is the reason of one of c's classified values in the request's
// locale, with c's figures when c is a whole document.
func (r *Resolver) why(ctx context.Context, c *crm.Customer, v crm.ClassValue, locale *crm.Locale) (*string, error) {
	if v.Override == nil && v.Rule == "" {
		return nil, nil
	}
	set, err := r.ruleSet(ctx)
	if err != nil {
		return nil, err
	}
	a, _ := auth.ActorFrom(ctx)
	return orNull(r.Rules.Explain(set, v, r.locale(ctx, a, locale), c)), nil
}

func sourceOf(v crm.ClassValue) *crm.Source {
	if s := v.Source(); s != "" {
		return &s
	}
	return nil
}

func (r *Resolver) classification(ctx context.Context, c *crm.Customer, locale *crm.Locale) (*model.Classification, error) {
	value := func(v crm.ClassValue, current string) (*model.ClassifiedValue, error) {
		out := &model.ClassifiedValue{Value: orNull(current), Source: sourceOf(v), Suggested: orNull(v.Suggested), Rule: orNull(v.Rule)}
		var err error
		if out.Reason, err = r.why(ctx, c, v, locale); err != nil {
			return nil, err
		}
		if o := v.Override; o != nil {
			by, err := r.userByID(ctx, o.By)
			if err != nil {
				return nil, err
			}
			out.Override = &model.ClassificationOverride{Value: o.Value, Reason: o.Reason, By: by, At: o.At, ReviewOn: o.ReviewOn}
		}
		return out, nil
	}
	k := &c.Class
	out := &model.Classification{RuleSet: int(k.RuleSet), ClassifiedAt: crm.OptTime(k.At), NextCheckAt: crm.OptTime(k.NextCheckAt)}
	cadence := ""
	if c.CadenceDays > 0 {
		cadence = strconv.Itoa(c.CadenceDays)
	}
	var err error
	if out.ValueTier, err = value(k.ValueTier, string(c.ValueTier)); err != nil {
		return nil, err
	}
	if out.Lifecycle, err = value(k.Lifecycle, string(c.Lifecycle)); err != nil {
		return nil, err
	}
	if out.Cadence, err = value(k.Cadence, cadence); err != nil {
		return nil, err
	}
	return out, nil
}

// ruleSetOf is a change's rule set, null for a user's change.
func ruleSetOf(ch crm.Change) *int {
	if ch.Rule == "" {
		return nil
	}
	v := int(ch.RuleSet)
	return &v
}

func (r *Resolver) overrideClassification(ctx context.Context, id string, expectedVersion int, in crm.OverrideInput) (*crm.Customer, error) {
	return asArgs(ctx, func(a crm.Actor) (*crm.Customer, error) {
		return r.CRM.OverrideClassification(ctx, a, id, int64(expectedVersion), in)
	})
}

func (r *Resolver) clearOverride(ctx context.Context, id string, expectedVersion int, targets []crm.ClassTarget) (*crm.Customer, error) {
	return asArgs(ctx, func(a crm.Actor) (*crm.Customer, error) {
		return r.CRM.ClearOverride(ctx, a, id, int64(expectedVersion), targets)
	})
}
