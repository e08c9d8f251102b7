package rules_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
	"github.com/kehu-crm/kehu/internal/rules"
	"github.com/kehu-crm/kehu/internal/segment"
)

var (
	now  = time.Date(2026, 12, 6, 10, 30, 0, 0, time.UTC)
	opts = segment.Options{Now: now, Loc: crm.DefaultLocation}
)

func demoCustomers(t testing.TB, n int) []*crm.Customer {
	t.Helper()
	cs := demo.Customers(17, n, now, demo.Users(now))
	if len(cs) != n {
		t.Fatalf("%d demo customers, want %d", len(cs), n)
	}
	return cs
}

func compile(t testing.TB, s *rules.Set) *rules.Program {
	t.Helper()
	p, err := rules.Compile(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// day is a calendar day, compared as the filter language compares dates.
type day struct {
	y int
	m time.Month
	d int
}

func dayOf(t time.Time, loc *time.Location) day {
	y, m, d := t.In(loc).Date()
	return day{y, m, d}
}

func (a day) before(b day) bool {
	return a.y < b.y || (a.y == b.y && (a.m < b.m || (a.m == b.m && a.d < b.d)))
}

// monthsBefore is the day n calendar months before a, the day clamped to
// the month's last (1 month before March 31 is February 28).
func monthsBefore(a day, n int) day {
	t := time.Date(a.y, a.m-time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := t.AddDate(0, 1, -1).Day()
	return day{t.Year(), t.Month(), min(a.d, last)}
}

// expected is what the seeds' definitions say of a customer, computed
// with plain loops over its deals: the value tier by the deals of the last
// 12 months, the lifecycle stage by its first and last deal.
func expected(c *crm.Customer) (crm.Tier, crm.Lifecycle) {
	today := dayOf(now, crm.DefaultLocation)
	var sum crm.Money
	var first, last *day
	for _, d := range c.Deals {
		x := dayOf(d.Date, time.UTC) // a deal's date is a calendar day at midnight UTC
		if !x.before(monthsBefore(today, 12)) {
			sum += d.Amount
		}
		if first == nil || x.before(*first) {
			first = &x
		}
		if last == nil || last.before(x) {
			last = &x
		}
	}
	tier := crm.TierC
	switch {
	case sum >= 500_000*100:
		tier = crm.TierA
	case sum >= 100_000*100:
		tier = crm.TierB
	}
	// As the filter language reads them: first-deal:<6m is after the day 6
	// months ago, >=24m on or before the day 24 months ago, last-deal:>3m
	// before the day 3 months ago.
	m3, m6, m24 := monthsBefore(today, 3), monthsBefore(today, 6), monthsBefore(today, 24)
	switch {
	case first == nil:
		return tier, crm.LifecyclePotential
	case last.before(m6):
		return tier, crm.LifecycleDormant
	case last.before(m3):
		return tier, crm.LifecycleChurned
	case first.after(m6):
		return tier, crm.LifecycleNew
	case first.after(m24):
		return tier, crm.LifecycleStable
	}
	return tier, crm.LifecycleStrategic
}

func (a day) after(b day) bool { return b.before(a) }

// TestDefaultsFollowTheSeeds: on the demo customers, the default rules
// give every customer the value tier and the lifecycle stage the seeds'
// definitions give it (computed with plain loops), with the rule's name as
// the reason, and every stage occurs.
func TestDefaultsFollowTheSeeds(t *testing.T) {
	p := compile(t, rules.Defaults())
	seen := map[crm.Lifecycle]int{}
	for _, c := range append(demoCustomers(t, 1500), boundaryCustomers()...) {
		o := p.Classify(c)
		tier, stage := expected(c)
		d, ok := o.Get(rules.Target{Field: rules.ValueTier})
		if !ok || d.Value != string(tier) {
			t.Errorf("%s: tier %+v, want %s", c.Code, d, tier)
		}
		if ok && !strings.Contains(p.Reason(d.Rule, crm.LocaleZhCN), p.Set().Rules[d.Rule].Name) {
			t.Errorf("%s: reason %q", c.Code, p.Reason(d.Rule, crm.LocaleZhCN))
		}
		l, ok := o.Get(rules.Target{Field: rules.Lifecycle})
		if !ok || l.Value != string(stage) {
			t.Errorf("%s: lifecycle %+v, want %s (deals %d, first %v, last %v)", c.Code, l, stage, len(c.Deals), c.Stats.FirstDealOn, c.Stats.LastDealOn)
		}
		seen[stage]++
		cad, _ := o.Get(rules.Target{Field: rules.CadenceDays})
		if want := map[crm.Tier]string{crm.TierA: "7", crm.TierB: "14", crm.TierC: "30"}[tier]; cad.Value != want {
			t.Errorf("%s: cadence %q, want %s", c.Code, cad.Value, want)
		}
		if len(o.Conflicts) > 0 {
			t.Errorf("%s: conflicts %+v", c.Code, o.Conflicts)
		}
	}
	for _, l := range crm.Lifecycles() {
		if seen[l] == 0 {
			t.Errorf("no demo customer is %s: the test would not check its rule", l)
		}
	}
	t.Logf("lifecycle stages: %v", seen)
}

// boundaryCustomers have deals on the days where a definition changes its
// answer (a month boundary, 12 months for the tier), and sums at the
// tiers' thresholds; the demo data has no customer cooperating for 24
// months.
func boundaryCustomers() []*crm.Customer {
	today := dayOf(now, crm.DefaultLocation)
	on := func(d day, shift int) time.Time { return time.Date(d.y, d.m, d.d+shift, 0, 0, 0, 0, time.UTC) }
	type deal struct {
		at   time.Time
		yuan int64
	}
	var out []*crm.Customer
	add := func(ds ...deal) {
		c := &crm.Customer{ID: fmt.Sprint("b", len(out)), Code: fmt.Sprintf("B%03d", len(out)), Name: "边界", Stage: crm.StageWon}
		for i, d := range ds {
			c.Deals = append(c.Deals, crm.Deal{ID: fmt.Sprint(i), Date: d.at, Amount: crm.Money(d.yuan * 100), Product: "x"})
		}
		c.Recompute()
		out = append(out, c)
	}
	m := func(n int) day { return monthsBefore(today, n) }
	add(deal{on(m(30), 0), 1000}, deal{on(today, -30), 1000})   // strategic
	add(deal{on(m(24), 0), 1000}, deal{on(today, 0), 1000})     // strategic from the day
	add(deal{on(m(24), 1), 1000}, deal{on(today, 0), 1000})     // stable, a day short
	add(deal{on(m(6), 0), 1000}, deal{on(today, 0), 1000})      // stable from the day
	add(deal{on(m(6), 1), 1000}, deal{on(today, 0), 1000})      // new, a day short
	add(deal{on(m(30), 0), 1000}, deal{on(m(3), 0), 1000})      // last deal 3 months ago to the day: not churned
	add(deal{on(m(30), 0), 1000}, deal{on(m(3), -1), 1000})     // churned
	add(deal{on(m(30), 0), 1000}, deal{on(m(6), 0), 1000})      // still churned
	add(deal{on(m(30), 0), 1000}, deal{on(m(6), -1), 1000})     // dormant
	add(deal{on(m(12), 0), 500_000})                            // A: on the day 12 months ago
	add(deal{on(m(12), -1), 500_000}, deal{on(today, 0), 1000}) // C: a day too early
	add(deal{on(today, -1), 499_999}, deal{on(today, -2), 1})   // A: exactly 500,000
	add(deal{on(today, -1), 499_999})                           // B
	add(deal{on(today, -1), 100_000})                           // B: exactly 100,000
	add(deal{on(today, -1), 99_999})                            // C
	return out
}

// TestComplaintRiskTag: the default rules add 投诉风险 for a complaint in
// the last 90 days and take it off otherwise.
func TestComplaintRiskTag(t *testing.T) {
	p := compile(t, rules.Defaults())
	tag := rules.Target{Field: rules.Tag, Tag: rules.ComplaintRiskTag}
	for _, tc := range []struct {
		name string
		at   time.Time
		want string
	}{
		{"complaint yesterday", now.AddDate(0, 0, -1), rules.TagAdded},
		{"complaint 89 days ago", now.AddDate(0, 0, -89), rules.TagAdded},
		{"complaint 120 days ago", now.AddDate(0, 0, -120), rules.TagRemoved},
	} {
		c := &crm.Customer{ID: "x", Tags: []string{rules.ComplaintRiskTag},
			Interactions: []crm.Interaction{{ID: "i", At: tc.at, Channel: crm.ChannelPhone, KeyEvent: crm.KeyEventComplaint}}}
		c.Recompute()
		d, ok := p.Classify(c).Get(tag)
		if !ok || d.Value != tc.want {
			t.Errorf("%s: %+v, want %s", tc.name, d, tc.want)
		}
	}
}

// TestPreviewCountsWhatWouldChange: the dry run's transitions count
// exactly the customers whose stored value differs from the rules' (a
// plain loop over the same customers), its changes list them, and the
// default rules lint clean.
func TestPreviewCountsWhatWouldChange(t *testing.T) {
	cs := append(demoCustomers(t, 1500), boundaryCustomers()...)
	// Some customers whose stored tier is off, some without a lifecycle
	// stage or cadence, and some whose tier a manual override holds.
	for i, c := range cs {
		switch {
		case i%9 == 0:
			c.ValueTier = map[crm.Tier]crm.Tier{crm.TierA: crm.TierC, crm.TierB: crm.TierA, crm.TierC: crm.TierB, "": crm.TierA}[c.ValueTier]
		case i%11 == 0:
			c.Lifecycle, c.CadenceDays = "", 0
		case i%13 == 0:
			c.ValueTier = map[crm.Tier]crm.Tier{crm.TierA: crm.TierC, crm.TierB: crm.TierA, crm.TierC: crm.TierB, "": crm.TierA}[c.ValueTier]
			c.Class.ValueTier.Override = &crm.Override{Value: string(c.ValueTier), Reason: "test"}
		}
	}
	p := compile(t, rules.Defaults())
	pv := p.Preview(cs, 25)
	want := map[string]int{}
	changed, held := 0, 0
	for _, c := range cs {
		tier, stage := expected(c)
		cadence := map[crm.Tier]int{crm.TierA: 7, crm.TierB: 14, crm.TierC: 30}[tier]
		diff := false
		if c.ValueTier != tier {
			if c.Class.ValueTier.Override != nil {
				held++
			} else {
				want[fmt.Sprintf("valueTier %s>%s", c.ValueTier, tier)]++
				diff = true
			}
		}
		if c.Lifecycle != stage {
			want[fmt.Sprintf("lifecycle %s>%s", c.Lifecycle, stage)]++
			diff = true
		}
		// The cadence follows the rules' tier, also while an override
		// holds the tier (the override holds the tier, not the cadence).
		if c.CadenceDays != cadence {
			from := ""
			if c.CadenceDays > 0 {
				from = fmt.Sprint(c.CadenceDays)
			}
			want[fmt.Sprintf("cadenceDays %s>%d", from, cadence)]++
			diff = true
		}
		if diff {
			changed++
		}
	}
	got := map[string]int{}
	for _, x := range pv.Transitions {
		if x.Target.Field == rules.Tag {
			continue
		}
		got[fmt.Sprintf("%s %s>%s", x.Target, x.From, x.To)] += x.Customers
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("transitions\n%v\nwant\n%v", got, want)
	}
	if pv.Customers != len(cs) || pv.Changed != changed || pv.Held != held || held == 0 {
		t.Errorf("%d customers, %d changed, %d held; want %d, %d, %d (>0)", pv.Customers, pv.Changed, pv.Held, len(cs), changed, held)
	}
	if len(pv.Changes) != 25 {
		t.Errorf("%d changes listed, want the limit 25", len(pv.Changes))
	}
	for _, ch := range pv.Changes {
		if ch.From == ch.To || ch.CustomerID == "" || p.Set().Rules[ch.Rule].Name == "" {
			t.Errorf("change %+v", ch)
		}
	}
	if len(pv.Lint) != 0 {
		for _, f := range pv.Lint {
			t.Errorf("defaults lint: %s", p.Text(f, crm.LocaleZhCN))
		}
	}
}

// TestLintFindsEachKindOfProblem: one rule set with one of each problem,
// and the seeds' own example of a strategic customer ("≥ 500,000 and
// cooperating ≥ 12 months"), which contradicts their definition (24
// months).
func TestLintFindsEachKindOfProblem(t *testing.T) {
	cs := append(demoCustomers(t, 1500), boundaryCustomers()...)
	set := rules.Defaults()
	set.Rules = slices.DeleteFunc(set.Rules, func(r rules.Rule) bool { return r.Then.ValueTier == crm.TierC })
	set.Rules = append(set.Rules,
		rules.Rule{Name: "高价值+战略客户", When: "deals.sum():>=500000 first-deal:>=12m", Priority: 40,
			Then: rules.Then{Lifecycle: crm.LifecycleStrategic}},
		rules.Rule{Name: "从不匹配", When: "deals.sum():>=100000000000", Priority: 50, Then: rules.Then{ValueTier: crm.TierA}},
		rules.Rule{Name: "被遮蔽", When: "deals.sum(date:<=12m):>=600000", Priority: 25, Then: rules.Then{ValueTier: crm.TierA, CadenceDays: rules.Days(7)}},
		rules.Rule{Name: "同级冲突", When: "deals.sum(date:<=12m):>=500000", Priority: 30, Then: rules.Then{ValueTier: crm.TierB}},
	)
	idx := func(name string) int {
		return slices.IndexFunc(set.Rules, func(r rules.Rule) bool { return r.Name == name })
	}
	p := compile(t, set)
	pv := p.Preview(cs, 0)
	// Plain counts to compare with.
	tierA, belowB, strategicEarly := 0, 0, 0
	today := dayOf(now, crm.DefaultLocation)
	for _, c := range cs {
		tier, stage := expected(c)
		if tier == crm.TierA {
			tierA++
		}
		if tier == crm.TierC {
			belowB++
		}
		var total crm.Money
		for _, d := range c.Deals {
			total += d.Amount
		}
		first := dayOf(c.Stats.FirstDealOn, time.UTC)
		if total >= 500_000*100 && !c.Stats.FirstDealOn.IsZero() && !monthsBefore(today, 12).before(first) && stage != crm.LifecycleStrategic {
			strategicEarly++
		}
	}
	if tierA == 0 || belowB == 0 || strategicEarly == 0 {
		t.Fatalf("weak data: %d tier A, %d below B, %d matched by the seeds' example and not strategic", tierA, belowB, strategicEarly)
	}
	want := []rules.Finding{
		{Kind: rules.NeverMatches, Rules: []int{idx("从不匹配")}},
		{Kind: rules.Shadowed, Rules: []int{idx("被遮蔽")}, Customers: -1},
		{Kind: rules.Shadowed, Rules: []int{idx("同级冲突")}, Customers: tierA}, // it never wins: the rule listed first does
		{Kind: rules.Unclassified, Field: rules.ValueTier, Customers: belowB},
		{Kind: rules.Conflicting, Rules: []int{idx("A类：近12个月成交≥50万"), idx("同级冲突")}, Field: rules.ValueTier, Customers: tierA},
		{Kind: rules.ContradictsDefinition, Rules: []int{idx("高价值+战略客户")}, Field: rules.Lifecycle, Lifecycle: crm.LifecycleStrategic, Customers: strategicEarly},
	}
	if len(pv.Lint) != len(want) {
		for _, f := range pv.Lint {
			t.Logf("%+v %s", f, p.Text(f, crm.LocaleEn))
		}
		t.Fatalf("%d findings, want %d", len(pv.Lint), len(want))
	}
	for i, w := range want {
		g := pv.Lint[i]
		if w.Customers == -1 {
			w.Customers = g.Customers // shadowed: as many as it matched
			if g.Customers == 0 {
				t.Errorf("shadowed rule matched nobody")
			}
		}
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("finding %d: %+v, want %+v", i, g, w)
		}
		zh, en := p.Text(g, crm.LocaleZhCN), p.Text(g, crm.LocaleEn)
		if zh == en || zh == string(g.Kind) {
			t.Errorf("finding %d worded %q / %q", i, zh, en)
		}
	}
	if s := p.Text(pv.Lint[5], crm.LocaleZhCN); !strings.Contains(s, "高价值+战略客户") || !strings.Contains(s, "first-deal:>=24m") {
		t.Errorf("contradiction worded %q", s)
	}
}

// TestCompileRefusesBadRules: every bad input is BAD_USER_INPUT with the
// field and reason.
func TestCompileRefusesBadRules(t *testing.T) {
	ok := rules.Rule{Name: "A", When: "tier:A", Priority: 1, Then: rules.Then{CadenceDays: rules.Days(7)}}
	ok.When = "deals.count():>=1"
	with := func(f func(r *rules.Rule)) []rules.Rule {
		r := ok
		f(&r)
		return []rules.Rule{r}
	}
	many := make([]rules.Rule, rules.MaxRules+1)
	for i := range many {
		many[i] = ok
		many[i].Name = fmt.Sprint("r", i)
	}
	for _, tc := range []struct {
		name   string
		rules  []rules.Rule
		field  string
		reason crm.Reason
	}{
		{"no name", with(func(r *rules.Rule) { r.Name = "  " }), "rules[0].name", crm.ReasonRequired},
		{"long name", with(func(r *rules.Rule) { r.Name = strings.Repeat("名", 61) }), "rules[0].name", crm.ReasonTooLong},
		{"same name", []rules.Rule{ok, ok}, "rules[1].name", crm.ReasonTaken},
		{"bad line", with(func(r *rules.Rule) { r.When = "tier:" }), "rules[0].when", segment.ReasonExpectedValue},
		{"unknown field", with(func(r *rules.Rule) { r.When = "colour:red" }), "rules[0].when", segment.ReasonUnknownField},
		{"reads a field rules set", with(func(r *rules.Rule) { r.When = "-tier:A deals.count():>=1" }), "rules[0].when", crm.ReasonNotAllowed},
		{"me", with(func(r *rules.Rule) { r.When = "owner:me" }), "rules[0].when", crm.ReasonNotAllowed},
		{"reads a tag rules change", []rules.Rule{ok, {Name: "B", When: "tags:VIP", Priority: 1, Then: rules.Then{AddTags: []string{"VIP"}}}},
			"rules[1].when", crm.ReasonNotAllowed},
		{"unknown tier", with(func(r *rules.Rule) { r.Then.ValueTier = "D" }), "rules[0].then.valueTier", crm.ReasonNotAllowed},
		{"unknown lifecycle", with(func(r *rules.Rule) { r.Then.Lifecycle = "ZOMBIE" }), "rules[0].then.lifecycle", crm.ReasonNotAllowed},
		{"negative cadence", with(func(r *rules.Rule) { r.Then.CadenceDays = rules.Days(-7) }), "rules[0].then.cadenceDays", crm.ReasonOutOfRange},
		{"zero cadence", with(func(r *rules.Rule) { r.Then.CadenceDays = rules.Days(0) }), "rules[0].then.cadenceDays", crm.ReasonOutOfRange},
		{"cadence over a year", with(func(r *rules.Rule) { r.Then.CadenceDays = rules.Days(366) }), "rules[0].then.cadenceDays", crm.ReasonOutOfRange},
		{"sets nothing", with(func(r *rules.Rule) { r.Then = rules.Then{} }), "rules[0].then", crm.ReasonRequired},
		{"adds and removes a tag", with(func(r *rules.Rule) { r.Then.AddTags, r.Then.RemoveTags = []string{"x"}, []string{"x"} }),
			"rules[0].then.removeTags", crm.ReasonExclusive},
		{"empty tag", with(func(r *rules.Rule) { r.Then.AddTags = []string{" "} }), "rules[0].then.addTags[0]", crm.ReasonRequired},
		{"negative priority", with(func(r *rules.Rule) { r.Priority = -1 }), "rules[0].priority", crm.ReasonOutOfRange},
		{"too many rules", many, "rules", crm.ReasonTooMany},
	} {
		_, err := rules.Compile(&rules.Set{Rules: tc.rules}, opts)
		e, isErr := err.(*crm.Error)
		if !isErr || e.Code != crm.CodeBadUserInput {
			t.Errorf("%s: %v, want BAD_USER_INPUT", tc.name, err)
			continue
		}
		if !slices.ContainsFunc(e.Fields, func(f crm.FieldError) bool { return f.Field == tc.field && f.Reason == tc.reason }) {
			t.Errorf("%s: %+v, want %s %s", tc.name, e.Fields, tc.field, tc.reason)
		}
	}
	// The good rule compiles, and a condition may read a tag no rule changes.
	if _, err := rules.Compile(&rules.Set{Rules: []rules.Rule{ok, {Name: "B", When: "tags:VIP", Priority: 1, Then: rules.Then{CadenceDays: rules.Days(3)}}}}, opts); err != nil {
		t.Errorf("good rules: %v", err)
	}
}

// TestClassifyPriorityAndConflicts: per field the highest matching rule
// wins, a lower one still decides the fields the higher leaves, and two
// rules of one priority that disagree are reported, the first listed
// winning.
func TestClassifyPriorityAndConflicts(t *testing.T) {
	set := &rules.Set{Rules: []rules.Rule{
		{Name: "low", When: "", Priority: 1, Then: rules.Then{ValueTier: crm.TierC, CadenceDays: rules.Days(30)}},
		{Name: "high", When: "stage:WON", Priority: 5, Then: rules.Then{ValueTier: crm.TierA}},
		{Name: "same1", When: "stage:WON", Priority: 3, Then: rules.Then{Lifecycle: crm.LifecycleNew}},
		{Name: "same2", When: "stage:WON", Priority: 3, Then: rules.Then{Lifecycle: crm.LifecycleStable}},
		{Name: "same3", When: "stage:WON", Priority: 3, Then: rules.Then{Lifecycle: crm.LifecycleNew}},
	}}
	p := compile(t, set)
	won := p.Classify(&crm.Customer{Stage: crm.StageWon})
	for target, want := range map[rules.Target]string{
		{Field: rules.ValueTier}: "A", {Field: rules.CadenceDays}: "30", {Field: rules.Lifecycle}: "NEW",
	} {
		if d, ok := won.Get(target); !ok || d.Value != want {
			t.Errorf("%s: %+v, want %s", target, d, want)
		}
	}
	if fmt.Sprint(won.Conflicts) != fmt.Sprint([]rules.Conflict{{Target: rules.Target{Field: rules.Lifecycle}, Winner: 2, Lost: 3}}) {
		t.Errorf("conflicts %+v", won.Conflicts)
	}
	if fmt.Sprint(won.Matched) != "[0 1 2 3 4]" {
		t.Errorf("matched %v", won.Matched)
	}
	other := p.Classify(&crm.Customer{Stage: crm.StageLost})
	if d, _ := other.Get(rules.Target{Field: rules.ValueTier}); d.Value != "C" || len(other.Decisions) != 2 || len(other.Conflicts) != 0 {
		t.Errorf("lost customer: %+v", other)
	}
}

// BenchmarkPreviewDefaults: the dry run of the default rules over demo
// customers held in memory (whole documents), per customer.
//
//	go test ./internal/rules -run '^$' -bench Preview -benchtime 5x
func BenchmarkPreviewDefaults(b *testing.B) {
	cs := demoCustomers(b, 10_000)
	p := compile(b, rules.Defaults())
	b.ResetTimer()
	for range b.N {
		p.Preview(cs, 50)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cs)), "ns/customer")
}
