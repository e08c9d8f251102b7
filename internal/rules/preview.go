package rules

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/followup"
	"github.com/kehu-crm/kehu/internal/segment"
)

// Preview is the dry run of a rule set over customers: what would change,
// on how many customers, and what is wrong with the rules (Lint).
type Preview struct {
	Customers   int          // customers classified
	Changed     int          // customers with at least one change
	Held        int          // customers with a change a manual override holds back (not in Changed unless they have another)
	Transitions []Transition // per target, from and to, most customers first
	Changes     []Change     // the changes of the first customers that change, up to the limit
	// Tasks counts, by kind, the generated tasks the changes would open
	// and close (internal/followup), in the kinds' order.
	Tasks []TaskEffect
	Lint  []Finding
}

// TaskEffect is how many tasks of a kind applying the rules would open
// and close.
type TaskEffect struct {
	Kind           crm.TaskKind
	Opened, Closed int
}

// Transition counts the customers whose target goes from one value to
// another ("" is unset; for a tag, the tag or "": present or not).
type Transition struct {
	Target    Target
	From, To  string
	Customers int
}

// Change is one customer's new value of one target, and the rule behind it.
type Change struct {
	CustomerID, Code, Name string
	Target                 Target
	From, To               string
	Rule                   int
}

// LintKind is a kind of problem with a rule set.
type LintKind string

const (
	// NeverMatches: the rule's condition holds for none of the customers.
	NeverMatches LintKind = "NEVER_MATCHES"
	// Shadowed: the rule matches customers but decides nothing for any of
	// them: rules of higher priority set everything it sets.
	Shadowed LintKind = "SHADOWED"
	// Unclassified: customers that no rule gives a value tier (a lifecycle
	// stage), where the set has rules that give one.
	Unclassified LintKind = "UNCLASSIFIED"
	// Conflicting: two rules of one priority set different values of one
	// field for the same customers (the one listed first wins).
	Conflicting LintKind = "CONFLICT"
	// ContradictsDefinition: a rule sets a lifecycle stage for customers
	// outside the stage's definition (Definitions).
	ContradictsDefinition LintKind = "CONTRADICTS_DEFINITION"
)

// Finding is one problem the lint found.
type Finding struct {
	Kind      LintKind
	Rules     []int // the rules concerned (indexes in the set); none for UNCLASSIFIED
	Field     Field // UNCLASSIFIED, CONFLICT
	Lifecycle crm.Lifecycle
	Customers int // the customers concerned; 0 for NEVER_MATCHES
}

// wanted is the value a decision gives its target.
func wanted(d Decision) string {
	switch {
	case d.Target.Field != Tag:
		return d.Value
	case d.Value == TagAdded:
		return d.Target.Tag
	default:
		return ""
	}
}

// Preview classifies customers and reports the changes (DryRun over all
// of them).
func (p *Program) Preview(customers []*crm.Customer, limit int) *Preview {
	d := p.DryRun(limit)
	for _, c := range customers {
		d.Add(c)
	}
	return d.Result()
}

// DryRun accumulates a preview one customer at a time (Add), for callers
// that visit customers without keeping them.
type DryRun struct {
	p      *Program
	limit  int
	out    *Preview
	trans  map[transitionKey]int
	match  []int // by rule: customers matched
	won    []int // by rule: customers it decided something for
	clash  map[Conflict]int
	contra map[ruleStage]int
	none   map[Field]int // customers without a decision, of the fields some rule sets
	sets   map[Field]bool
	defs   map[crm.Lifecycle]*segment.Filter
	here   []int // the rules that decided something for the current customer
	tasks  map[crm.TaskKind]*TaskEffect
}

type transitionKey struct {
	t        Target
	from, to string
}

type ruleStage struct {
	rule  int
	stage crm.Lifecycle
}

// DryRun starts a preview that lists the changes of the first customers
// that change, up to limit changes.
func (p *Program) DryRun(limit int) *DryRun {
	n := len(p.set.Rules)
	d := &DryRun{p: p, limit: limit, out: &Preview{}, trans: map[transitionKey]int{}, match: make([]int, n), won: make([]int, n),
		clash: map[Conflict]int{}, contra: map[ruleStage]int{}, none: map[Field]int{}, sets: map[Field]bool{}, defs: definitions(p.opts),
		tasks: map[crm.TaskKind]*TaskEffect{}}
	for _, r := range p.order {
		for _, t := range r.targets {
			d.sets[t.target.Field] = true
		}
	}
	return d
}

// Add classifies one customer into the preview; c is not kept.
func (d *DryRun) Add(c *crm.Customer) {
	d.out.Customers++
	o := d.p.Classify(c)
	for _, i := range o.Matched {
		d.match[i]++
	}
	d.here = d.here[:0]
	for _, x := range o.Decisions {
		if !slices.Contains(d.here, x.Rule) {
			d.here = append(d.here, x.Rule)
		}
		if x.Target.Field == Lifecycle && !d.defs[crm.Lifecycle(x.Value)].Match(c) {
			d.contra[ruleStage{x.Rule, crm.Lifecycle(x.Value)}]++
		}
	}
	changed, held := false, false
	for _, st := range steps(c, o) {
		if st.Held {
			held = true
			continue
		}
		changed = true
		d.trans[transitionKey{st.Target, st.From, st.To}]++
		if len(d.out.Changes) < d.limit {
			d.out.Changes = append(d.out.Changes, Change{CustomerID: c.ID, Code: c.Code, Name: c.Name,
				Target: st.Target, From: st.From, To: st.To, Rule: st.Rule})
		}
	}
	if held {
		d.out.Held++
	}
	for _, i := range d.here {
		d.won[i]++
	}
	if changed {
		d.out.Changed++
		d.countTasks(c)
	}
	for _, f := range []Field{ValueTier, Lifecycle} {
		if _, ok := o.Get(Target{Field: f}); d.sets[f] && !ok {
			d.none[f]++
		}
	}
	for _, x := range o.Conflicts {
		d.clash[x]++
	}
}

// countTasks adds the tasks applying the rules to c would open and close:
// the follow-up of a copy of c with its changes applied, against that of
// a copy as it is (so that what time alone opens is not counted).
func (d *DryRun) countTasks(c *crm.Customer) {
	loc := d.p.opts.Loc
	if loc == nil {
		loc = crm.DefaultLocation
	}
	open := func(x *crm.Customer) map[string]crm.TaskKind {
		out := map[string]crm.TaskKind{}
		for _, t := range x.Tasks {
			if t.Open() {
				out[string(t.Kind)+"|"+t.Key] = t.Kind
			}
		}
		return out
	}
	as := forTasks(c)
	followup.Sync(as, d.p.opts.Now, loc)
	with := forTasks(c)
	d.p.Keep(with, loc)
	before, after := open(as), open(with)
	effect := func(k crm.TaskKind) *TaskEffect {
		if d.tasks[k] == nil {
			d.tasks[k] = &TaskEffect{Kind: k}
		}
		return d.tasks[k]
	}
	for key, k := range after {
		if _, ok := before[key]; !ok {
			effect(k).Opened++
		}
	}
	for key, k := range before {
		if _, ok := after[key]; !ok {
			effect(k).Closed++
		}
	}
}

// forTasks copies what applying the rules and following up change of c:
// the classification, its histories and the tasks (the rest is shared,
// and only read).
func forTasks(c *crm.Customer) *crm.Customer {
	x := *c
	x.Tags = slices.Clone(c.Tags)
	x.Tasks = slices.Clone(c.Tasks)
	x.TierHistory = slices.Clone(c.TierHistory)
	x.LifecycleHistory = slices.Clone(c.LifecycleHistory)
	x.TagHistory = slices.Clone(c.TagHistory)
	return &x
}

// Result returns the preview of the customers added: the transitions
// (most customers first) and the lint (by kind, then rule).
func (d *DryRun) Result() *Preview {
	out := *d.out
	out.Transitions = nil
	for k, v := range d.trans {
		out.Transitions = append(out.Transitions, Transition{Target: k.t, From: k.from, To: k.to, Customers: v})
	}
	slices.SortFunc(out.Transitions, func(a, b Transition) int {
		return cmp.Or(cmp.Compare(b.Customers, a.Customers), cmp.Compare(a.Target.String(), b.Target.String()),
			cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	out.Tasks = nil
	for _, k := range crm.TaskKinds() {
		if e := d.tasks[k]; e != nil {
			out.Tasks = append(out.Tasks, *e)
		}
	}
	out.Lint = nil
	for i := range d.match {
		switch {
		case d.match[i] == 0:
			out.Lint = append(out.Lint, Finding{Kind: NeverMatches, Rules: []int{i}})
		case d.won[i] == 0:
			out.Lint = append(out.Lint, Finding{Kind: Shadowed, Rules: []int{i}, Customers: d.match[i]})
		}
	}
	for _, f := range []Field{ValueTier, Lifecycle} {
		if k := d.none[f]; k > 0 {
			out.Lint = append(out.Lint, Finding{Kind: Unclassified, Field: f, Customers: k})
		}
	}
	var cs []Finding
	for x, k := range d.clash {
		cs = append(cs, Finding{Kind: Conflicting, Rules: []int{x.Winner, x.Lost}, Field: x.Target.Field, Customers: k})
	}
	slices.SortFunc(cs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Rules[0], b.Rules[0]), cmp.Compare(a.Rules[1], b.Rules[1]), cmp.Compare(a.Field, b.Field))
	})
	out.Lint = append(out.Lint, cs...)
	var ds []Finding
	for k, v := range d.contra {
		ds = append(ds, Finding{Kind: ContradictsDefinition, Rules: []int{k.rule}, Field: Lifecycle, Lifecycle: k.stage, Customers: v})
	}
	slices.SortFunc(ds, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Rules[0], b.Rules[0]), cmp.Compare(a.Lifecycle, b.Lifecycle))
	})
	out.Lint = append(out.Lint, ds...)
	return &out
}

// Text words a finding for people, with the rules' names.
func (p *Program) Text(f Finding, loc crm.Locale) string {
	name := func(k int) string { return p.set.Rules[f.Rules[k]].Name }
	field := map[Field]crm.Label{ValueTier: {Zh: "价值分级", En: "value tier"}, Lifecycle: {Zh: "生命周期", En: "lifecycle stage"},
		CadenceDays: {Zh: "跟进周期", En: "cadence"}, Tag: {Zh: "标签", En: "tag"}}[f.Field]
	en := loc == crm.LocaleEn
	switch f.Kind {
	case NeverMatches:
		if en {
			return fmt.Sprintf("Rule %q matches no customer.", name(0))
		}
		return fmt.Sprintf("规则“%s”不匹配任何客户。", name(0))
	case Shadowed:
		if en {
			return fmt.Sprintf("Rule %q matches %d customers but decides nothing: rules of higher priority set all it sets.", name(0), f.Customers)
		}
		return fmt.Sprintf("规则“%s”匹配 %d 位客户，但它设置的内容都被更高优先级的规则决定了，不起作用。", name(0), f.Customers)
	case Unclassified:
		if en {
			return fmt.Sprintf("%d customers get no %s from any rule.", f.Customers, field.En)
		}
		return fmt.Sprintf("%d 位客户没有任何规则给出%s。", f.Customers, field.Zh)
	case Conflicting:
		if en {
			return fmt.Sprintf("Rules %q and %q have the same priority and set different %s values for %d customers; %q, listed first, wins.",
				name(0), name(1), field.En, f.Customers, name(0))
		}
		return fmt.Sprintf("规则“%s”和“%s”优先级相同，却给 %d 位客户设置了不同的%s；排在前面的“%s”生效。",
			name(0), name(1), f.Customers, field.Zh, name(0))
	case ContradictsDefinition:
		l := crm.LifecycleLabels[string(f.Lifecycle)]
		if en {
			return fmt.Sprintf("Rule %q makes %d customers %s who do not meet its definition (%s).", name(0), f.Customers, l.En, Definitions[f.Lifecycle])
		}
		return fmt.Sprintf("规则“%s”把 %d 位不符合定义（%s）的客户设为%s。", name(0), f.Customers, Definitions[f.Lifecycle], l.Zh)
	}
	return string(f.Kind)
}
