package crm

import (
	"context"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// Classification is what the classification rules (internal/rules) keep
// on a customer beside the values themselves (ValueTier, Lifecycle, the
// tags they add or remove, CadenceDays): what the rules suggest for each
// value and which rule said so, the manual overrides, and when time alone
// may next change the outcome.
type Classification struct {
	// RuleSet is the version of the rule set last applied (0: the
	// defaults); At is when the rules last ran on the customer, zero when
	// they never have.
	RuleSet int64     `bson:"ruleSet"`
	At      time.Time `bson:"at"`
	// NextCheckAt is the earliest time at which the rules' relative
	// conditions (deals in the last 12 months ...) may give another outcome
	// with no change to the customer; zero when none can. The periodic pass
	// visits only the customers whose NextCheckAt has come.
	NextCheckAt time.Time `bson:"nextCheckAt"`

	ValueTier ClassValue `bson:"valueTier"`
	Lifecycle ClassValue `bson:"lifecycle"`
	Cadence   ClassValue `bson:"cadence"` // in days, as a decimal string
}

// ClassValue is one classified value: the rules' suggestion and the rule
// that made it, and a manual override that holds instead of it.
type ClassValue struct {
	Suggested string    `bson:"suggested,omitempty"` // "" when no rule sets the value
	Rule      string    `bson:"rule,omitempty"`      // the deciding rule's name
	Override  *Override `bson:"override,omitempty"`
}

// Source says where a classified value comes from.
type Source string

const (
	SourceRule   Source = "RULE"
	SourceManual Source = "MANUAL"
)

// Source is MANUAL while an override holds, RULE when a rule gave the
// value, "" when neither did (a value typed before rules kept it, or none).
func (v ClassValue) Source() Source {
	switch {
	case v.Override != nil:
		return SourceManual
	case v.Rule != "":
		return SourceRule
	}
	return ""
}

// Override is a value set by hand over the rules' suggestion.
type Override struct {
	Value    string     `bson:"value"`
	Reason   string     `bson:"reason"`
	By       string     `bson:"by"`
	At       time.Time  `bson:"at"`
	ReviewOn *time.Time `bson:"reviewOn,omitempty"` // a date: when to look at it again
}

// LifecycleChange records one change of lifecycle stage.
type LifecycleChange struct {
	From   Lifecycle `bson:"from,omitempty"`
	To     Lifecycle `bson:"to"`
	At     time.Time `bson:"at"`
	Change `bson:",inline"`
}

// Change says who or what made a classification change: a user (By, with
// the override's Reason), or a rule of a rule set (By empty).
type Change struct {
	By      string `bson:"by,omitempty"`
	Reason  string `bson:"reason,omitempty"`
	Rule    string `bson:"rule,omitempty"`
	RuleSet int64  `bson:"ruleSet,omitempty"`
}

// TagChange records a tag a rule added or removed.
type TagChange struct {
	Tag    string    `bson:"tag"`
	Added  bool      `bson:"added"`
	At     time.Time `bson:"at"`
	Change `bson:",inline"`
}

// Bounds of the classification.
const (
	MaxLifecycleChanges = 500 // entries of the lifecycle history; the oldest go first
	MaxTagChanges       = 500 // entries of the rules' tag history; the oldest go first
	MaxOverrideReason   = 500 // characters
)

// NextFollowUp is when the customer is next due a follow-up: the last
// interaction (or, with none, the creation) plus the cadence; zero without
// a cadence.
func (c *Customer) NextFollowUp() time.Time {
	if c.CadenceDays <= 0 {
		return time.Time{}
	}
	from := c.Stats.LastInteractionAt
	if from.IsZero() {
		from = c.CreatedAt
	}
	return from.AddDate(0, 0, c.CadenceDays)
}

// AppendBounded appends x to *list, dropping the oldest entries beyond max:
// histories that rules write must never refuse a write.
func AppendBounded[T any](list *[]T, max int, x T) {
	*list = append(*list, x)
	if over := len(*list) - max; over > 0 {
		*list = append((*list)[:0:0], (*list)[over:]...)
	}
}

// Classifier keeps a customer's classification as the rules in force say
// (internal/rules implements it). The service calls it on every write, on
// the document about to be written, so a rule's change is part of the
// write that caused it.
type Classifier interface {
	// Classify applies the rules at now to c (its figures recomputed) in
	// place: the values, their suggestions and rules, the histories of what
	// changed, what follows from a new cadence (Stats.NextFollowUpAt), the
	// tasks, NextCheckAt. It reports whether anything changed.
	Classify(ctx context.Context, c *Customer, now time.Time) (bool, error)
}

// ClassTarget is a value a manual override may hold.
type ClassTarget string

const (
	ClassValueTier ClassTarget = "VALUE_TIER"
	ClassLifecycle ClassTarget = "LIFECYCLE"
	ClassCadence   ClassTarget = "CADENCE"
)

// OverrideInput sets classified values by hand; at least one value is
// needed, and a reason always.
type OverrideInput struct {
	ValueTier   *Tier
	Lifecycle   *Lifecycle
	CadenceDays *int
	Reason      string
	ReviewOn    *time.Time // a date, today or later
}

// MaxCadenceDays bounds a follow-up cadence.
const MaxCadenceDays = 365

// OverrideClassification holds values of the customer's classification
// by hand over the rules' suggestions, with a reason and an optional review
// date. Errors: NOT_FOUND, FORBIDDEN, BAD_USER_INPUT (no value, no reason,
// a bad value, a review date in the past), CONFLICT.
func (s *Service) OverrideClassification(ctx context.Context, a Actor, id string, expectedVersion int64, in OverrideInput) (*Customer, error) {
	return s.mutate(ctx, a, id, &expectedVersion, may(Actor.CanEdit), func(c *Customer, p Problems, now time.Time) {
		reason := checkText(p, "reason", in.Reason, MaxOverrideReason, true)
		if in.ValueTier == nil && in.Lifecycle == nil && in.CadenceDays == nil {
			p.Fail("", ReasonRequired, nil, "give a value tier, a lifecycle stage or a cadence to hold")
		}
		if in.ValueTier != nil && !in.ValueTier.Valid() {
			p.Fail("valueTier", ReasonNotAllowed, map[string]any{"value": string(*in.ValueTier)}, "is not a value tier (A, B, C)")
		}
		if in.Lifecycle != nil && !in.Lifecycle.Valid() {
			p.Fail("lifecycle", ReasonNotAllowed, map[string]any{"value": string(*in.Lifecycle)}, "is not a lifecycle stage")
		}
		if d := in.CadenceDays; d != nil && (*d < 1 || *d > MaxCadenceDays) {
			p.Fail("cadenceDays", ReasonOutOfRange, map[string]any{"min": 1, "max": MaxCadenceDays}, "must be from 1 to %d days", MaxCadenceDays)
		}
		var review *time.Time
		if in.ReviewOn != nil {
			d := DateOf(*in.ReviewOn, time.UTC)
			if d.Before(DateOf(now, s.loc())) {
				p.Fail("reviewOn", ReasonPastDate, nil, "must be today or later")
			}
			review = &d
		}
		if p.HasErrors() {
			return
		}
		hold := func(v *ClassValue, value string) {
			v.Override = &Override{Value: value, Reason: reason, By: a.UserID, At: now, ReviewOn: review}
		}
		ch := Change{By: a.UserID, Reason: reason}
		if in.ValueTier != nil {
			hold(&c.Class.ValueTier, string(*in.ValueTier))
			c.SetTier(*in.ValueTier, now, ch)
		}
		if in.Lifecycle != nil {
			hold(&c.Class.Lifecycle, string(*in.Lifecycle))
			c.SetLifecycle(*in.Lifecycle, now, ch)
		}
		if in.CadenceDays != nil {
			hold(&c.Class.Cadence, strconv.Itoa(*in.CadenceDays))
			c.CadenceDays = *in.CadenceDays
		}
	}, nil)
}

// ClearOverride lets the rules decide the targets again (none given: every
// overridden one); the rules' suggestion takes effect in the same write.
// Errors: NOT_FOUND, FORBIDDEN, BAD_USER_INPUT (nothing overridden),
// CONFLICT.
func (s *Service) ClearOverride(ctx context.Context, a Actor, id string, expectedVersion int64, targets []ClassTarget) (*Customer, error) {
	return s.mutate(ctx, a, id, &expectedVersion, may(Actor.CanEdit), func(c *Customer, p Problems, now time.Time) {
		if len(targets) == 0 {
			targets = []ClassTarget{ClassValueTier, ClassLifecycle, ClassCadence}
		}
		cleared := 0
		for i, t := range targets {
			v := c.Class.value(t)
			if v == nil {
				p.Index("targets", i).Fail("", ReasonNotAllowed, map[string]any{"value": string(t)}, "is not a classified value")
				continue
			}
			if v.Override != nil {
				v.Override = nil
				cleared++
			}
		}
		if cleared == 0 && !p.HasErrors() {
			p.Fail("targets", ReasonNotFound, nil, "customer %s has no manual override to clear", c.Code)
		}
		// The rules run on the write (Service.replace) and put their
		// suggestion back; without a classifier the held value stays.
	}, nil)
}

func (k *Classification) value(t ClassTarget) *ClassValue {
	switch t {
	case ClassValueTier:
		return &k.ValueTier
	case ClassLifecycle:
		return &k.Lifecycle
	case ClassCadence:
		return &k.Cadence
	}
	return nil
}

// SetTier changes the value tier, recording the change; a no-op when it
// is the tier already.
func (c *Customer) SetTier(t Tier, now time.Time, ch Change) {
	if c.ValueTier == t {
		return
	}
	AppendBounded(&c.TierHistory, MaxTierChanges, TierChange{From: c.ValueTier, To: t, At: now, By: ch.By, Reason: ch.Reason, Rule: ch.Rule, RuleSet: ch.RuleSet})
	c.ValueTier = t
}

// SetLifecycle changes the lifecycle stage, recording the change.
func (c *Customer) SetLifecycle(l Lifecycle, now time.Time, ch Change) {
	if c.Lifecycle == l {
		return
	}
	AppendBounded(&c.LifecycleHistory, MaxLifecycleChanges, LifecycleChange{From: c.Lifecycle, To: l, At: now, Change: ch})
	c.Lifecycle = l
}

// SetTag adds (on) or removes a tag, recording the change.
func (c *Customer) SetTag(tag string, on bool, now time.Time, ch Change) {
	has := false
	for i, t := range c.Tags {
		if t == tag {
			has = true
			if !on {
				c.Tags = append(c.Tags[:i:i], c.Tags[i+1:]...)
			}
			break
		}
	}
	if has == on {
		return
	}
	if on {
		c.Tags = append(c.Tags, tag)
	}
	AppendBounded(&c.TagHistory, MaxTagChanges, TagChange{Tag: tag, Added: on, At: now, Change: ch})
}

// keptByRules refuses a typed value tier that differs from the customer's:
// with a classifier the rules keep the tier, and a person holds another
// one only through OverrideClassification, with a reason.
func (s *Service) keptByRules(p Problems, before, after Tier) {
	if s.Classifier != nil && before != after {
		p.Fail("valueTier", ReasonKeptByRules, nil,
			"is kept by the classification rules: hold another tier with overrideClassification and a reason")
	}
}

// Reclassify applies the rules at now (the periodic pass's time, one for
// all the customers it visits) to one stored customer and writes it when
// they change something, retrying over concurrent writes; an archived
// customer, or one the rules leave as it is, is not written. A rule's
// change is not a person's: UpdatedAt and UpdatedBy stay, the histories
// and Class.At say what the rules did and when. Errors: NOT_FOUND, and
// the store's.
func (s *Service) Reclassify(ctx context.Context, id string, now time.Time) (changed bool, err error) {
	if s.Classifier == nil {
		return false, nil
	}
	unlock, err := s.writing.lock(ctx, id)
	if err != nil {
		return false, err
	}
	defer unlock()
	for attempt := 0; ; attempt++ {
		c, err := s.Store.Customers().Get(ctx, id)
		if err != nil || c.Archived() {
			return false, err
		}
		c.Recompute()
		changed, err := s.Classifier.Classify(ctx, c, now.Truncate(time.Millisecond))
		if err != nil || !changed {
			return false, err
		}
		v := c.Version
		c.Version++
		err = s.Store.Customers().Replace(ctx, c, v)
		if err == nil {
			return true, nil
		}
		if !IsVersionConflict(err) || attempt >= maxAppendAttempts {
			return false, err
		}
		if err := sleep(ctx, time.Duration(rand.IntN(1+min(attempt, 20)))*time.Millisecond); err != nil {
			return false, err
		}
	}
}

var (
	sources      = []Source{SourceRule, SourceManual}
	classTargets = []ClassTarget{ClassValueTier, ClassLifecycle, ClassCadence}
)

func (s *Source) UnmarshalGQL(v any) error {
	return unmarshalEnum(s, v, sources, "ClassificationSource")
}
func (s Source) MarshalGQL(w io.Writer) { marshalEnum(w, string(s)) }
func (t *ClassTarget) UnmarshalGQL(v any) error {
	return unmarshalEnum(t, v, classTargets, "ClassificationTarget")
}
func (t ClassTarget) MarshalGQL(w io.Writer) { marshalEnum(w, string(t)) }
