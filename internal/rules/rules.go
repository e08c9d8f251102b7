// Package rules keeps the classification right (seed 003): a rule set,
// written in the filter language (internal/segment/QUERY.md), says which
// value tier, lifecycle stage, tags and follow-up cadence each customer
// should have, and why. A rule is a condition and what it sets; for each
// field the matching rule of the highest priority wins.
//
// The package is the pure part: validating and compiling a set
// (Compile), classifying one customer (Program.Classify), the seeds'
// default set (Defaults) and the dry run over many customers with its lint
// (Program.Preview). It reads customers and a clock's time; it stores
// nothing.
package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// Days returns a cadence of n days, for Then.CadenceDays.
func Days(n int) *int { return &n }

// Bounds of a rule set.
const (
	MaxRules       = 200
	MaxNameLength  = 60
	MaxPriority    = 1000
	MaxCadenceDays = 365
	MaxRuleTags    = 10
)

// Rule is one classification rule.
type Rule struct {
	Name     string `bson:"name"`
	When     string `bson:"when"` // a query line; "" matches every customer
	Then     Then   `bson:"then"`
	Priority int    `bson:"priority"` // 0 to MaxPriority; per field the highest matching one wins
}

// Then is what a rule sets; zero values (nil, "") set nothing.
type Then struct {
	ValueTier   crm.Tier      `bson:"valueTier,omitempty"`
	Lifecycle   crm.Lifecycle `bson:"lifecycle,omitempty"`
	AddTags     []string      `bson:"addTags,omitempty"`
	RemoveTags  []string      `bson:"removeTags,omitempty"`
	CadenceDays *int          `bson:"cadenceDays,omitempty"` // days between follow-ups, 1 to MaxCadenceDays
}

// Set is a versioned rule set.
type Set struct {
	Version   int64     `bson:"-"` // the settings document's
	Rules     []Rule    `bson:"rules"`
	UpdatedAt time.Time `bson:"updatedAt"`
	UpdatedBy string    `bson:"updatedBy"` // a user id; "" for the defaults
}

// Field is what a rule sets.
type Field string

const (
	ValueTier   Field = "valueTier"
	Lifecycle   Field = "lifecycle"
	CadenceDays Field = "cadenceDays"
	Tag         Field = "tags" // one target per tag: added or removed
)

// Target is one value a rule decides: a field, or for Tag one tag.
type Target struct {
	Field Field
	Tag   string
}

func (t Target) String() string {
	if t.Field == Tag {
		return "tags:" + t.Tag
	}
	return string(t.Field)
}

// The values of a Tag target.
const (
	TagAdded   = "ADDED"
	TagRemoved = "REMOVED"
)

// targets lists what a rule sets, in a fixed order (tier, lifecycle,
// cadence, then its tags as written).
func (r *Rule) targets() []decided {
	var out []decided
	if r.Then.ValueTier != "" {
		out = append(out, decided{Target{Field: ValueTier}, string(r.Then.ValueTier)})
	}
	if r.Then.Lifecycle != "" {
		out = append(out, decided{Target{Field: Lifecycle}, string(r.Then.Lifecycle)})
	}
	if r.Then.CadenceDays != nil {
		out = append(out, decided{Target{Field: CadenceDays}, strconv.Itoa(*r.Then.CadenceDays)})
	}
	for _, t := range r.Then.AddTags {
		out = append(out, decided{Target{Field: Tag, Tag: t}, TagAdded})
	}
	for _, t := range r.Then.RemoveTags {
		out = append(out, decided{Target{Field: Tag, Tag: t}, TagRemoved})
	}
	return out
}

type decided struct {
	target Target
	value  string
}

// Program is a compiled rule set, ready to classify customers at one time.
type Program struct {
	set   *Set
	opts  segment.Options
	order []*compiled // by priority, highest first; at one priority as listed
}

type compiled struct {
	index   int
	rule    *Rule
	filter  *segment.Filter // nil: every customer
	targets []decided
}

// Lean reports whether every condition reads only what a read model's
// Partial customer keeps (crm.Filter.Lean): a dry run can then classify
// those instead of whole documents.
func (p *Program) Lean() bool {
	for _, r := range p.order {
		if r.filter != nil && !r.filter.Lean() {
			return false
		}
	}
	return true
}

// Set returns the rule set the program was compiled from.
func (p *Program) Set() *Set { return p.set }

// inputs are the fields the rules set: a condition on them would read what
// the rules themselves change (the result would depend on the order the
// rules ran in and flip between runs), so conditions may not name them.
var inputs = map[string]bool{"valueTier": true, "lifecycle": true, "cadenceDays": true, "nextFollowUpAt": true}

// Compile validates a rule set and compiles its conditions against o (its
// Now is the time the relative conditions are measured from: the clock's).
// It trims the rules' names and tags in place.
// Errors: BAD_USER_INPUT with every problem's field (rules[2].when with
// the query line's reason and position, rules[0].then.cadenceDays ...).
func Compile(s *Set, o segment.Options) (*Program, error) {
	p := crm.NewProblems()
	if len(s.Rules) > MaxRules {
		p.Fail("rules", crm.ReasonTooMany, map[string]any{"max": MaxRules}, "must have at most %d rules", MaxRules)
		return nil, p.Err()
	}
	prog := &Program{set: s, opts: o}
	names := map[string]int{}
	changed := map[string]bool{} // tags some rule adds or removes
	for i := range s.Rules {
		r := &s.Rules[i]
		for _, t := range append(slices.Clone(r.Then.AddTags), r.Then.RemoveTags...) {
			changed[strings.TrimSpace(t)] = true
		}
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		rp := p.Index("rules", i)
		r.Name = strings.TrimSpace(r.Name)
		switch n := len([]rune(r.Name)); {
		case n == 0:
			rp.Fail("name", crm.ReasonRequired, nil, "is required")
		case n > MaxNameLength:
			rp.Fail("name", crm.ReasonTooLong, map[string]any{"max": MaxNameLength}, "must be at most %d characters", MaxNameLength)
		default:
			if j, ok := names[r.Name]; ok {
				rp.Fail("name", crm.ReasonTaken, map[string]any{"value": r.Name}, "is the name of rule %d too", j+1)
			}
			names[r.Name] = i
		}
		if r.Priority < 0 || r.Priority > MaxPriority {
			rp.Fail("priority", crm.ReasonOutOfRange, map[string]any{"min": 0, "max": MaxPriority}, "must be from 0 to %d", MaxPriority)
		}
		checkThen(rp.At("then"), &r.Then)
		c := &compiled{index: i, rule: r, targets: r.targets()}
		if strings.TrimSpace(r.When) != "" {
			c.filter = compileWhen(rp, r.When, o, changed)
		}
		prog.order = append(prog.order, c)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(prog.order, func(a, b *compiled) int { return b.rule.Priority - a.rule.Priority })
	return prog, nil
}

func checkThen(p crm.Problems, t *Then) {
	if t.ValueTier != "" && !t.ValueTier.Valid() {
		p.Fail("valueTier", crm.ReasonNotAllowed, map[string]any{"value": string(t.ValueTier)}, "is not a value tier (A, B, C)")
	}
	if t.Lifecycle != "" && !t.Lifecycle.Valid() {
		p.Fail("lifecycle", crm.ReasonNotAllowed, map[string]any{"value": string(t.Lifecycle)}, "is not a lifecycle stage")
	}
	if d := t.CadenceDays; d != nil && (*d < 1 || *d > MaxCadenceDays) {
		p.Fail("cadenceDays", crm.ReasonOutOfRange, map[string]any{"min": 1, "max": MaxCadenceDays}, "must be from 1 to %d days", MaxCadenceDays)
	}
	for _, l := range []struct {
		field string
		tags  *[]string
	}{{"addTags", &t.AddTags}, {"removeTags", &t.RemoveTags}} {
		if len(*l.tags) > MaxRuleTags {
			p.Fail(l.field, crm.ReasonTooMany, map[string]any{"max": MaxRuleTags}, "must have at most %d tags", MaxRuleTags)
			continue
		}
		*l.tags = crm.CheckTags(p, l.field, *l.tags)
	}
	for _, tag := range t.AddTags {
		if slices.Contains(t.RemoveTags, tag) {
			p.Fail("removeTags", crm.ReasonExclusive, map[string]any{"value": tag}, "removes %q, which the rule adds", tag)
		}
	}
	if t.ValueTier == "" && t.Lifecycle == "" && t.CadenceDays == nil && len(t.AddTags) == 0 && len(t.RemoveTags) == 0 {
		p.Fail("", crm.ReasonRequired, nil, "sets nothing: give a value tier, a lifecycle stage, tags or a cadence")
	}
}

// compileWhen parses and compiles a rule's condition; its problems go under
// the rule's "when".
func compileWhen(p crm.Problems, line string, o segment.Options, changed map[string]bool) *segment.Filter {
	wp := p.At("when")
	n, err := segment.Parse(line)
	if err == nil {
		err = segment.Validate(n)
	}
	if err != nil {
		addAt(wp, err)
		return nil
	}
	bad := false
	walk(n, func(c segment.Cond, nested bool) {
		switch {
		case nested:
		case inputs[c.Field]:
			bad = true
			wp.Fail("", crm.ReasonNotAllowed, map[string]any{"value": c.Field},
				"names %s, which the rules set: a rule's condition may not read what rules change", c.Field)
		case c.Op == segment.Me:
			bad = true
			wp.Fail("", crm.ReasonNotAllowed, map[string]any{"value": "me"}, "names me: rules run for nobody in particular")
		case c.Field == "tags":
			if vs, ok := c.Value.(segment.Strings); ok {
				for _, v := range vs {
					if changed[v] {
						bad = true
						wp.Fail("", crm.ReasonNotAllowed, map[string]any{"value": v},
							"reads the tag %q, which a rule adds or removes", v)
					}
				}
			}
		}
	})
	if bad {
		return nil
	}
	f, err := segment.NewFilter(n, o)
	if err != nil {
		addAt(wp, err)
		return nil
	}
	return f
}

// addAt records a BAD_USER_INPUT error's problems under p (their own field,
// "query" for a query line, dropped), other errors as one problem.
func addAt(p crm.Problems, err error) {
	e, ok := err.(*crm.Error)
	if !ok || len(e.Fields) == 0 {
		p.Fail("", crm.ReasonInvalidQuery, nil, "%v", err)
		return
	}
	for _, f := range e.Fields {
		f.Field = strings.TrimPrefix(strings.TrimPrefix(f.Field, "query"), ".")
		p.AddError(f)
	}
}

// walk calls fn for every condition of a tree; nested is true inside a
// quantifier or an aggregate (an element's field, not the customer's).
func walk(n segment.Node, fn func(c segment.Cond, nested bool)) {
	var rec func(n segment.Node, nested bool)
	rec = func(n segment.Node, nested bool) {
		switch n := n.(type) {
		case segment.And:
			for _, c := range n.Nodes {
				rec(c, nested)
			}
		case segment.Or:
			for _, c := range n.Nodes {
				rec(c, nested)
			}
		case segment.Not:
			rec(n.Node, nested)
		case segment.Cond:
			fn(n, nested)
		case segment.Quant:
			rec(n.Where, true)
		case segment.Agg:
			rec(n.Where, true)
		}
	}
	rec(n, false)
}

// Decision is the value one rule gives one target of one customer.
type Decision struct {
	Target Target
	Value  string // a tier, a lifecycle stage, a number of days, TagAdded or TagRemoved
	Rule   int    // index in the set
}

// Conflict is two rules of one priority giving one target different
// values for the same customer: the one listed first wins.
type Conflict struct {
	Target       Target
	Winner, Lost int // rule indexes
}

// Outcome is the classification of one customer.
type Outcome struct {
	Decisions []Decision // one per target some matching rule sets
	Matched   []int      // the rules whose condition holds, in set order
	Conflicts []Conflict
}

// Get returns the decision on a target.
func (o Outcome) Get(t Target) (Decision, bool) {
	for _, d := range o.Decisions {
		if d.Target == t {
			return d, true
		}
	}
	return Decision{}, false
}

// Classify runs the rules on a customer: for each target, the matching
// rule of the highest priority (at one priority, the one listed first)
// decides.
func (p *Program) Classify(c *crm.Customer) Outcome {
	var o Outcome
	for _, r := range p.order {
		if r.filter != nil && !r.filter.Match(c) {
			continue
		}
		o.Matched = append(o.Matched, r.index)
		for _, t := range r.targets {
			k := slices.IndexFunc(o.Decisions, func(d Decision) bool { return d.Target == t.target }) // a few targets: no map
			if k < 0 {
				o.Decisions = append(o.Decisions, Decision{Target: t.target, Value: t.value, Rule: r.index})
				continue
			}
			w := o.Decisions[k]
			if p.set.Rules[w.Rule].Priority == r.rule.Priority && w.Value != t.value {
				o.Conflicts = append(o.Conflicts, Conflict{Target: t.target, Winner: w.Rule, Lost: r.index})
			}
		}
	}
	slices.Sort(o.Matched)
	return o
}

// Reason words why a rule (its index) decided: its name and condition.
func (p *Program) Reason(rule int, loc crm.Locale) string { return reasonOf(&p.set.Rules[rule], loc) }

func reasonOf(r *Rule, loc crm.Locale) string {
	when := strings.TrimSpace(r.When)
	if loc == crm.LocaleEn {
		if when == "" {
			return fmt.Sprintf("rule %q (every customer)", r.Name)
		}
		return fmt.Sprintf("rule %q: %s", r.Name, when)
	}
	if when == "" {
		return fmt.Sprintf("规则“%s”（所有客户）", r.Name)
	}
	return fmt.Sprintf("规则“%s”：%s", r.Name, when)
}

// Why words why a classified value is what it is: the manual override and
// its reason, or the rule that gave it with its condition as set has it
// (only its name when set no longer has it); "" when neither. With c (a
// whole document, not a list's Partial customer) and o, the rule's terms
// are followed by the customer's figures at o's time (segment.Figures):
// 规则“A类”：deals.sum(date:<=12m):>=500000（deals(12m):>=500000 实际 620000.00）.
func Why(set *Set, v crm.ClassValue, loc crm.Locale, c *crm.Customer, o segment.Options) string {
	en := loc == crm.LocaleEn
	switch {
	case v.Override != nil:
		if en {
			return "set by hand: " + v.Override.Reason
		}
		return "手动设置：" + v.Override.Reason
	case v.Rule == "":
		return ""
	}
	for i := range set.Rules {
		r := &set.Rules[i]
		if r.Name != v.Rule {
			continue
		}
		out := reasonOf(r, loc)
		if c == nil || c.Partial || strings.TrimSpace(r.When) == "" {
			return out
		}
		n, err := segment.Parse(r.When)
		if err != nil {
			return out
		}
		var parts []string
		for _, f := range segment.Figures(n, c, o) {
			value := f.Value
			if value == "" {
				value = map[bool]string{true: "none", false: "无"}[en]
			}
			parts = append(parts, f.Term+map[bool]string{true: " is ", false: " 实际 "}[en]+value)
		}
		if len(parts) == 0 {
			return out
		}
		if en {
			return out + " (" + strings.Join(parts, "; ") + ")"
		}
		return out + "（" + strings.Join(parts, "；") + "）"
	}
	if en {
		return fmt.Sprintf("rule %q", v.Rule)
	}
	return fmt.Sprintf("规则“%s”", v.Rule)
}
