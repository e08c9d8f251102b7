package rules

import (
	"slices"
	"strconv"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/followup"
)

// Step is what the rules do to one target of one customer: give it
// another value, or, where a manual override holds the target, only
// suggest another value (Held).
type Step struct {
	Target   Target
	From, To string // the customer's value and the rules' ("" unset; for a tag, the tag or "")
	Rule     int    // the deciding rule's index in the set
	Held     bool
}

// steps lists what outcome o does to c: one Step per decision whose value
// differs from c's. The dry run counts them and Apply makes them, so the
// preview is what applying does.
func steps(c *crm.Customer, o Outcome) []Step {
	var out []Step
	for _, x := range o.Decisions {
		from, to := current(c, x.Target), wanted(x)
		if from == to {
			continue
		}
		held := false
		if v := classValue(c, x.Target.Field); v != nil {
			held = v.Override != nil
		}
		out = append(out, Step{Target: x.Target, From: from, To: to, Rule: x.Rule, Held: held})
	}
	return out
}

// classValue is the classification state of a field the rules set, nil
// for tags (no override holds a tag).
func classValue(c *crm.Customer, f Field) *crm.ClassValue {
	switch f {
	case ValueTier:
		return &c.Class.ValueTier
	case Lifecycle:
		return &c.Class.Lifecycle
	case CadenceDays:
		return &c.Class.Cadence
	}
	return nil
}

// current is a customer's value of a target as the rules compare it.
func current(c *crm.Customer, t Target) string {
	switch t.Field {
	case ValueTier:
		return string(c.ValueTier)
	case Lifecycle:
		return string(c.Lifecycle)
	case CadenceDays:
		if c.CadenceDays > 0 {
			return strconv.Itoa(c.CadenceDays)
		}
	case Tag:
		if slices.Contains(c.Tags, t.Tag) {
			return t.Tag
		}
	}
	return ""
}

// Apply classifies c and makes the outcome's steps on it, except where a
// manual override holds: the values, each change in c's histories with the
// rule and ruleSet (the set's version), the suggestions and their rules,
// and NextCheckAt. A value no rule decides is left as it is. It reports
// whether any of that changed; only then are Class.RuleSet and Class.At
// set, so a customer the rules leave alone is not written.
func (p *Program) Apply(c *crm.Customer, ruleSet int64) bool {
	values, next := p.apply(c, ruleSet)
	return values || next
}

// apply is Apply, reporting apart whether anything but NextCheckAt
// changed (values) and whether NextCheckAt did (next).
func (p *Program) apply(c *crm.Customer, ruleSet int64) (values, next bool) {
	now := p.opts.Now.UTC().Truncate(time.Millisecond)
	o := p.Classify(c)
	before := snapshot(c)
	for _, f := range []Field{ValueTier, Lifecycle, CadenceDays} {
		v := classValue(c, f)
		v.Suggested, v.Rule = "", ""
		if d, ok := o.Get(Target{Field: f}); ok {
			v.Suggested, v.Rule = d.Value, p.set.Rules[d.Rule].Name
		}
	}
	for _, st := range steps(c, o) {
		if st.Held {
			continue
		}
		ch := crm.Change{Rule: p.set.Rules[st.Rule].Name, RuleSet: ruleSet}
		switch st.Target.Field {
		case ValueTier:
			c.SetTier(crm.Tier(st.To), now, ch)
		case Lifecycle:
			c.SetLifecycle(crm.Lifecycle(st.To), now, ch)
		case CadenceDays:
			c.CadenceDays, _ = strconv.Atoi(st.To)
		case Tag:
			c.SetTag(st.Target.Tag, st.To != "", now, ch)
		}
	}
	values = !snapshot(c).equal(before)
	check := p.NextCheck(c)
	next = !check.Equal(c.Class.NextCheckAt)
	c.Class.NextCheckAt = check
	if values {
		c.Class.RuleSet, c.Class.At = ruleSet, now
	}
	return values, next
}

// Keep applies the rules to c at the program's time, then keeps its
// follow-up tasks in step with the result (internal/followup; days in
// loc): values reports a change of the classification or the tasks, next
// a new Class.NextCheckAt, the earlier of the rules' and the tasks'. The
// classification hook and the demo data use it.
func (p *Program) Keep(c *crm.Customer, loc *time.Location) (values, next bool) {
	before := c.Class.NextCheckAt
	values, _ = p.apply(c, p.set.Version)
	c.Stats.NextFollowUpAt = c.NextFollowUp() // the cadence may be new
	tasks, due := followup.Sync(c, p.opts.Now, loc)
	check := c.Class.NextCheckAt
	if !due.IsZero() && (check.IsZero() || due.Before(check)) {
		check = due
	}
	c.Class.NextCheckAt = check
	return values || tasks, !check.Equal(before)
}

// NextCheck is the earliest time after the program's now at which time
// alone may change c's outcome (segment.Filter.NextChange over every
// rule); zero when it cannot.
func (p *Program) NextCheck(c *crm.Customer) time.Time {
	var next time.Time
	for _, r := range p.order {
		if r.filter == nil {
			continue
		}
		if t := r.filter.NextChange(c); !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}

// state is what Apply may change on a customer.
type state struct {
	tier      crm.Tier
	lifecycle crm.Lifecycle
	cadence   int
	tags      []string
	class     crm.Classification
}

func snapshot(c *crm.Customer) state {
	return state{c.ValueTier, c.Lifecycle, c.CadenceDays, slices.Clone(c.Tags), c.Class}
}

func (a state) equal(b state) bool {
	ca, cb := a.class, b.class
	ca.RuleSet, ca.At, cb.RuleSet, cb.At = 0, time.Time{}, 0, time.Time{}
	return a.tier == b.tier && a.lifecycle == b.lifecycle && a.cadence == b.cadence &&
		slices.Equal(a.tags, b.tags) &&
		sameValue(ca.ValueTier, cb.ValueTier) && sameValue(ca.Lifecycle, cb.Lifecycle) && sameValue(ca.Cadence, cb.Cadence)
}

// sameValue compares suggestions and rules; an override is only changed by
// a person, never by Apply.
func sameValue(a, b crm.ClassValue) bool { return a.Suggested == b.Suggested && a.Rule == b.Rule }
