package rules

import (
	"context"
	"sync"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// SettingKey is the key of the rule set in the settings store.
const SettingKey = "classification-rules"

// MaxPreviewChanges bounds the changes a dry run lists.
const MaxPreviewChanges = 500

// Service reads, saves, previews and applies the rule set: it is the
// crm.Classifier of the customer service, and runs the periodic pass.
type Service struct {
	Settings  crm.SettingStore  // where the rule set is kept
	Customers crm.CustomerStore // the customers previews classify
	Clock     crm.Clock
	Loc       *time.Location // the configured zone: relative conditions count its days
	// Reclassify applies the rules at a time to one stored customer and
	// writes the change (crm.Service.Reclassify): the pass's write of a
	// customer written meanwhile by someone else.
	Reclassify func(ctx context.Context, id string, now time.Time) (bool, error)

	kickOnce sync.Once
	kick     chan struct{} // a rule set was saved: run the pass

	// last is the program compiled last: the pass classifies all its
	// customers at one time with one set, and compiles it once.
	lastMu sync.Mutex
	last   struct {
		version int64
		at      time.Time
		prog    *Program
	}
}

var _ crm.Classifier = (*Service)(nil)

// Classify applies the rule set in force at now to c and keeps its
// generated tasks in step (crm.Classifier).
func (s *Service) Classify(ctx context.Context, c *crm.Customer, now time.Time) (bool, error) {
	p, err := s.program(ctx, now)
	if err != nil {
		return false, err
	}
	values, next := s.keep(p, c, now)
	return values || next, nil
}

// keep is p.Keep in the configured zone.
func (s *Service) keep(p *Program, c *crm.Customer, _ time.Time) (values, next bool) {
	return p.Keep(c, s.location())
}

func (s *Service) location() *time.Location {
	if s.Loc == nil {
		return crm.DefaultLocation
	}
	return s.Loc
}

// program returns the set in force compiled at now: the one compiled
// last when it is of the same set (version) and time.
func (s *Service) program(ctx context.Context, now time.Time) (*Program, error) {
	set, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	s.lastMu.Lock()
	defer s.lastMu.Unlock()
	if l := &s.last; l.prog != nil && l.version == set.Version && l.at.Equal(now) {
		return l.prog, nil
	}
	p, err := Compile(set, segment.Options{Now: now, Loc: s.Loc})
	if err != nil {
		// A saved set compiled when it was saved; failing now is a bug
		// (or a filter field since removed), not the writer's input.
		return nil, crm.Internal(err)
	}
	s.last.version, s.last.at, s.last.prog = set.Version, now, p
	return p, nil
}

func (s *Service) opts() segment.Options {
	return segment.Options{Now: s.Clock.Now(), Loc: s.Loc}
}

// Explain is Why with the customer's figures as of now.
func (s *Service) Explain(set *Set, v crm.ClassValue, loc crm.Locale, c *crm.Customer) string {
	return Why(set, v, loc, c, s.opts())
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
	s.notifySaved()
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
