package rules

import (
	"context"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// SettingKey is the key of the rule set in the settings store.
const SettingKey = "classification-rules"

// MaxPreviewChanges bounds the changes a dry run lists.
const MaxPreviewChanges = 500

// Service reads, saves and previews the rule set.
type Service struct {
	Settings  crm.SettingStore  // where the rule set is kept
	Customers crm.CustomerStore // the customers previews classify
	Clock     crm.Clock
	Loc       *time.Location // the configured zone: relative conditions count its days
}

func (s *Service) opts() segment.Options {
	return segment.Options{Now: s.Clock.Now(), Loc: s.Loc}
}

// Rules returns the rule set in force: the saved one, or the seeds'
// defaults (Version 0) until one is saved. Everyone signed in may read
// it (the classification is explained with it).
func (s *Service) Rules(ctx context.Context) (*Set, error) {
	set := new(Set)
	v, err := s.Settings.Get(ctx, SettingKey, set)
	if crm.IsCode(err, crm.CodeNotFound) {
		return Defaults(), nil
	}
	if err != nil {
		return nil, err
	}
	set.Version = v
	return set, nil
}

// SaveRules replaces the rule set when its version is expectedVersion (0:
// the defaults are in force). Errors: FORBIDDEN unless a may edit rules
// (crm.Actor.CanEditRules); BAD_USER_INPUT as Compile's; CONFLICT (field
// expectedVersion) when the set was saved meanwhile.
func (s *Service) SaveRules(ctx context.Context, a crm.Actor, expectedVersion int64, rules []Rule) (*Set, error) {
	if !a.CanEditRules() {
		return nil, crm.Errorf(crm.CodeForbidden, "only administrators and managers may change the classification rules")
	}
	set := &Set{Rules: rules, UpdatedAt: s.Clock.Now().UTC().Truncate(time.Millisecond), UpdatedBy: a.UserID}
	if _, err := Compile(set, s.opts()); err != nil {
		return nil, err
	}
	if err := s.Settings.Put(ctx, SettingKey, set, expectedVersion); err != nil {
		return nil, err
	}
	set.Version = expectedVersion + 1
	return set, nil
}

// PreviewRules is the dry run of rules (nil: the set in force) over the
// active customers in scope (nil: all), listing up to limit changes.
// Nothing is written. Errors: FORBIDDEN unless a may edit rules;
// BAD_USER_INPUT as Compile's, or on "first" for a limit outside 0 to
// MaxPreviewChanges.
func (s *Service) PreviewRules(ctx context.Context, a crm.Actor, rules []Rule, scope crm.Filter, limit int) (*Preview, *Program, error) {
	if !a.CanEditRules() {
		return nil, nil, crm.Errorf(crm.CodeForbidden, "only administrators and managers may preview the classification rules")
	}
	if limit < 0 || limit > MaxPreviewChanges {
		p := crm.NewProblems()
		p.Fail("first", crm.ReasonOutOfRange, map[string]any{"min": 0, "max": MaxPreviewChanges}, "must be from 0 to %d", MaxPreviewChanges)
		return nil, nil, p.Err()
	}
	set := &Set{Rules: rules}
	if rules == nil {
		var err error
		if set, err = s.Rules(ctx); err != nil {
			return nil, nil, err
		}
	}
	p, err := Compile(set, s.opts())
	if err != nil {
		return nil, nil, err
	}
	d := p.DryRun(limit)
	q := crm.EachQuery{Scope: crm.ScopeActive, Filter: scope, Full: !p.Lean(), User: a.UserID, Viewer: &a}
	err = s.Customers.Each(ctx, q, func(c *crm.Customer) error {
		d.Add(c)
		if err := ctx.Err(); err != nil {
			return crm.Internal(err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return d.Result(), p, nil
}
