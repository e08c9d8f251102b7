package rules_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/rules"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// world is the customer service with the rules as its classifier, over
// an embedded store in a temporary directory, on a clock the test moves.
type world struct {
	crm   *crm.Service
	rules *rules.Service
	clock *crm.FixedClock
	boss  crm.Actor // a manager
	sales crm.Actor
}

func newWorld(t testing.TB, start time.Time) *world {
	t.Helper()
	s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	clock := crm.NewFixedClock(start)
	w := &world{clock: clock, boss: crm.Actor{UserID: "u-boss", Role: crm.RoleManager}, sales: crm.Actor{UserID: "u-sales", Role: crm.RoleSales}}
	for _, a := range []crm.Actor{w.boss, w.sales} {
		u := &crm.User{ID: a.UserID, Email: a.UserID + "@kehu.cn", Name: a.UserID, Role: a.Role, Version: 1, CreatedAt: start, UpdatedAt: start}
		if err := s.Users().Insert(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	w.rules = &rules.Service{Settings: s.Settings(), Customers: s.Customers(), Clock: clock, Loc: crm.DefaultLocation}
	w.crm = &crm.Service{Store: s, Clock: clock, Loc: crm.DefaultLocation, Filters: segment.SavedFilters{}, Classifier: w.rules}
	w.rules.Reclassify = w.crm.Reclassify
	return w
}

func (w *world) get(t testing.TB, id string) *crm.Customer {
	t.Helper()
	c, err := w.crm.Customer(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *world) pass(t testing.TB) rules.PassResult {
	t.Helper()
	res, err := w.rules.Pass(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (w *world) deal(t testing.TB, id string, yuan int64) {
	t.Helper()
	day := crm.DateOf(w.clock.Now(), crm.DefaultLocation)
	if _, err := w.crm.RecordDeal(context.Background(), w.sales, id, nil, crm.DealInput{Product: "产品", Amount: crm.Money(yuan * 100), Date: &day}); err != nil {
		t.Fatal(err)
	}
}

// at moves the clock to t, which must be later.
func (w *world) at(t time.Time) {
	if !t.After(w.clock.Now()) {
		panic(fmt.Sprintf("the clock goes back from %v to %v", w.clock.Now(), t))
	}
	w.clock.Advance(t.Sub(w.clock.Now()))
}

// A customer's whole life, with time moved by the clock: each transition
// is made by the write that causes it or, when only time passes, by the
// pass, which visits only the customers whose next check has come; each
// change is in the history with the rule and the rule set.
func TestWholeLife(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2025, 1, 6, 10, 0, 0, 0, crm.DefaultLocation)
	w := newWorld(t, start)
	c, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: "杭州云栖科技有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	bystander, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: "不相干的公司"})
	if err != nil {
		t.Fatal(err)
	}
	type state struct {
		tier      crm.Tier
		lifecycle crm.Lifecycle
		cadence   int
	}
	expect := func(what string, want state, rule string) {
		t.Helper()
		got := w.get(t, c.ID)
		if s := (state{got.ValueTier, got.Lifecycle, got.CadenceDays}); s != want {
			t.Fatalf("%s: %+v, want %+v", what, s, want)
		}
		if h := got.LifecycleHistory; len(h) == 0 || h[len(h)-1].To != want.lifecycle || h[len(h)-1].By != "" {
			t.Fatalf("%s: lifecycle history %+v", what, h)
		}
		if rule != "" && got.Class.Lifecycle.Rule != rule {
			t.Fatalf("%s: lifecycle by rule %q, want %q", what, got.Class.Lifecycle.Rule, rule)
		}
		if h := got.TierHistory; len(h) == 0 || h[len(h)-1].To != want.tier || h[len(h)-1].Rule == "" || h[len(h)-1].By != "" {
			t.Fatalf("%s: tier history %+v", what, h)
		}
		if got.Stats.NextFollowUpAt.IsZero() {
			t.Fatalf("%s: no next follow-up with cadence %d", what, got.CadenceDays)
		}
	}
	expect("a new lead", state{crm.TierC, crm.LifecyclePotential, 30}, "潜在客户")
	if res := w.pass(t); !res.Full || res.Changed != 0 {
		t.Fatalf("first pass %+v: every customer was classified on its write", res)
	}

	// The first deal: a new customer, tier A; then one deal every two
	// months keeps it cooperating.
	w.at(start.AddDate(0, 0, 1))
	w.deal(t, c.ID, 600_000)
	expect("first deal", state{crm.TierA, crm.LifecycleNew, 7}, "新客户")
	// Why, with the figures behind it.
	set, err := w.rules.Rules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := w.get(t, c.ID)
	if why := w.rules.Explain(set, got.Class.ValueTier, crm.LocaleZhCN, got); why != "规则“A类：近12个月成交≥50万”：deals.sum(date:<=12m):>=500000（deals(12m):>=500000 实际 600000.00）" {
		t.Errorf("why tier A: %s", why)
	}
	if why := w.rules.Explain(set, got.Class.Lifecycle, crm.LocaleEn, got); !strings.Contains(why, "first-deal:<6m is 2025-01-07; last-deal:<=3m is 2025-01-07") {
		t.Errorf("why new: %s", why)
	}
	partial := *got
	partial.Partial = true
	if why := w.rules.Explain(set, got.Class.ValueTier, crm.LocaleEn, &partial); strings.Contains(why, "600000") {
		t.Errorf("figures from a list's partial customer: %s", why)
	}
	first := crm.DateOf(w.clock.Now(), crm.DefaultLocation)
	for m := 2; m <= 22; m += 2 {
		w.at(start.AddDate(0, m, 1))
		w.deal(t, c.ID, 300_000)
		if m == 4 {
			expect("a deal within six months of the first", state{crm.TierA, crm.LifecycleNew, 7}, "新客户")
		}
		if m == 6 {
			// Six months after the first deal, the day after it: time alone
			// made the customer stable, and the deal's write applied it.
			expect("six months on", state{crm.TierA, crm.LifecycleStable, 7}, "稳定客户")
		}
	}
	// Only time passes: 24 months after the first deal (midnight of its
	// day in Shanghai) the pass makes it strategic.
	w.at(time.Date(first.Year()+2, first.Month(), first.Day(), 0, 30, 0, 0, crm.DefaultLocation))
	res := w.pass(t)
	if res.Full || res.Visited != 2 || res.Changed != 2 {
		t.Fatalf("pass at 24 months: %+v, want two due customers changed", res)
	}
	expect("24 months", state{crm.TierA, crm.LifecycleStrategic, 7}, "战略客户")
	// The bystander was due for its first follow-up (30 days after its
	// creation, never called): the task is open, and nothing else it has
	// changes with time.
	if got := w.get(t, bystander.ID); !got.Class.NextCheckAt.IsZero() || len(got.Tasks) != 1 ||
		got.Tasks[0].Kind != crm.TaskFollowUp || !got.Tasks[0].Open() || !got.Tasks[0].Due.Equal(start.AddDate(0, 0, 30)) {
		t.Fatalf("bystander: check %v, tasks %+v", got.Class.NextCheckAt, got.Tasks)
	}

	// Silence. The pass runs every day: the customer churns three months
	// after the last deal, falls to B and C as deals leave the 12-month
	// window, and goes dormant after six months.
	last := w.get(t, c.ID).Stats.LastDealOn
	seen := map[crm.Lifecycle]time.Time{}
	tiers := map[crm.Tier]time.Time{}
	for d := 1; d <= 400; d++ {
		w.at(start.AddDate(0, 24, 1+d).Add(-9 * time.Hour)) // 01:00 in Shanghai, every day
		w.pass(t)
		got := w.get(t, c.ID)
		if _, ok := seen[got.Lifecycle]; !ok {
			seen[got.Lifecycle] = w.clock.Now()
		}
		if _, ok := tiers[got.ValueTier]; !ok {
			tiers[got.ValueTier] = w.clock.Now()
		}
	}
	day := func(t time.Time) string { return crm.DateOf(t, crm.DefaultLocation).Format("2006-01-02") }
	if got, want := day(seen[crm.LifecycleChurned]), last.AddDate(0, 3, 1).Format("2006-01-02"); got != want {
		t.Errorf("churned on %s, want %s (3 months and a day after the last deal %s)", got, want, last.Format("2006-01-02"))
	}
	if got, want := day(seen[crm.LifecycleDormant]), last.AddDate(0, 6, 1).Format("2006-01-02"); got != want {
		t.Errorf("dormant on %s, want %s", got, want)
	}
	if tiers[crm.TierB].IsZero() || tiers[crm.TierC].IsZero() || !tiers[crm.TierB].Before(tiers[crm.TierC]) {
		t.Errorf("tiers over the silence: %v, want B then C", tiers)
	}
	expect("after the silence", state{crm.TierC, crm.LifecycleDormant, 30}, "休眠客户")

	// Won back: a deal makes it a strategic customer again at once.
	w.deal(t, c.ID, 800_000)
	expect("won back", state{crm.TierA, crm.LifecycleStrategic, 7}, "战略客户")
	got = w.get(t, c.ID)
	var stages []string
	for _, h := range got.LifecycleHistory {
		stages = append(stages, string(h.To))
		if h.Rule == "" || h.RuleSet != 0 {
			t.Errorf("lifecycle change %+v without its rule", h)
		}
	}
	if fmt.Sprint(stages) != "[POTENTIAL NEW STABLE STRATEGIC CHURNED DORMANT STRATEGIC]" {
		t.Errorf("lifecycle history %v", stages)
	}
	// Rule changes are not a person's edits.
	if !got.UpdatedAt.Equal(w.clock.Now().Truncate(time.Millisecond)) || got.UpdatedBy != w.sales.UserID {
		t.Errorf("updated %v by %s", got.UpdatedAt, got.UpdatedBy)
	}
}

func wantFieldError(t *testing.T, what string, err error, field string, reason crm.Reason) {
	t.Helper()
	var e *crm.Error
	if !errors.As(err, &e) || e.Code != crm.CodeBadUserInput || len(e.Fields) == 0 || e.Fields[0].Field != field || e.Fields[0].Reason != reason {
		t.Errorf("%s: want BAD_USER_INPUT %s on %q, got %v", what, reason, field, err)
	}
}

// A manual override holds a value against the rules, which keep their
// suggestion; every bad override is refused with its field; clearing it
// gives the value back to the rules in the same write.
func TestOverride(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, time.Date(2026, 3, 2, 10, 0, 0, 0, crm.DefaultLocation))
	c, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: "苏州明辉物流有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	tierA, zero, over, cadence := crm.TierA, 0, 366, 10
	yesterday := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	today := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	bad := crm.Tier("Z")
	for _, tc := range []struct {
		name   string
		in     crm.OverrideInput
		field  string
		reason crm.Reason
	}{
		{"no reason", crm.OverrideInput{ValueTier: &tierA}, "reason", crm.ReasonRequired},
		{"blank reason", crm.OverrideInput{ValueTier: &tierA, Reason: "  "}, "reason", crm.ReasonRequired},
		{"nothing to hold", crm.OverrideInput{Reason: "因为"}, "", crm.ReasonRequired},
		{"a review date in the past", crm.OverrideInput{ValueTier: &tierA, Reason: "因为", ReviewOn: &yesterday}, "reviewOn", crm.ReasonPastDate},
		{"no tier", crm.OverrideInput{ValueTier: &bad, Reason: "因为"}, "valueTier", crm.ReasonNotAllowed},
		{"a zero cadence", crm.OverrideInput{CadenceDays: &zero, Reason: "因为"}, "cadenceDays", crm.ReasonOutOfRange},
		{"a cadence over a year", crm.OverrideInput{CadenceDays: &over, Reason: "因为"}, "cadenceDays", crm.ReasonOutOfRange},
	} {
		_, err := w.crm.OverrideClassification(ctx, w.sales, c.ID, c.Version, tc.in)
		wantFieldError(t, tc.name, err, tc.field, tc.reason)
	}
	// A typed tier other than the customer's is the rules' to keep.
	_, err = w.crm.UpdateCustomer(ctx, w.sales, c.ID, c.Version, crm.CustomerPatch{CustomerFields: crm.CustomerFields{ValueTier: &tierA}})
	wantFieldError(t, "typed tier", err, "valueTier", crm.ReasonKeptByRules)
	_, err = w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: "另一家", CustomerFields: crm.CustomerFields{ValueTier: &tierA}})
	wantFieldError(t, "typed tier on create", err, "valueTier", crm.ReasonKeptByRules)
	same := c.ValueTier
	if _, err := w.crm.UpdateCustomer(ctx, w.sales, c.ID, c.Version, crm.CustomerPatch{CustomerFields: crm.CustomerFields{ValueTier: &same}}); err != nil {
		t.Fatalf("the customer's own tier sent back: %v", err)
	}
	c = w.get(t, c.ID)

	held, err := w.crm.OverrideClassification(ctx, w.sales, c.ID, c.Version,
		crm.OverrideInput{ValueTier: &tierA, CadenceDays: &cadence, Reason: " 战略合作伙伴 ", ReviewOn: &today})
	if err != nil {
		t.Fatal(err)
	}
	o := held.Class.ValueTier.Override
	if held.ValueTier != crm.TierA || held.CadenceDays != 10 || o == nil || o.Reason != "战略合作伙伴" || o.By != w.sales.UserID ||
		!o.ReviewOn.Equal(today) || held.Class.ValueTier.Suggested != "C" || held.Class.ValueTier.Source() != crm.SourceManual {
		t.Fatalf("held %+v, class %+v", held.ValueTier, held.Class)
	}
	if h := held.TierHistory[len(held.TierHistory)-1]; h.To != crm.TierA || h.By != w.sales.UserID || h.Reason != "战略合作伙伴" || h.Rule != "" {
		t.Fatalf("tier history %+v", h)
	}
	if _, err := w.crm.OverrideClassification(ctx, w.sales, c.ID, c.Version, crm.OverrideInput{ValueTier: &tierA, Reason: "x"}); !crm.IsVersionConflict(err) {
		t.Fatalf("stale version: %v", err)
	}
	// The rules keep computing: a deal that makes the customer B changes
	// the suggestion, not the held tier; the dry run counts it as held.
	w.deal(t, c.ID, 200_000)
	got := w.get(t, c.ID)
	if got.ValueTier != crm.TierA || got.Class.ValueTier.Suggested != "B" || got.CadenceDays != 10 || got.Lifecycle != crm.LifecycleNew {
		t.Fatalf("after a deal: tier %s (suggested %s), cadence %d, lifecycle %s", got.ValueTier, got.Class.ValueTier.Suggested, got.CadenceDays, got.Lifecycle)
	}
	pv, _, err := w.rules.PreviewRules(ctx, w.boss, nil, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	if pv.Held != 1 || pv.Changed != 0 {
		t.Fatalf("preview: %d held, %d changed; want 1 held, none changed", pv.Held, pv.Changed)
	}
	// Clearing lets the rules decide again, in the same write.
	if _, err := w.crm.ClearOverride(ctx, w.sales, c.ID, got.Version, []crm.ClassTarget{"COLOUR"}); err == nil {
		t.Fatal("cleared an unknown target")
	}
	cleared, err := w.crm.ClearOverride(ctx, w.sales, c.ID, got.Version, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cleared.ValueTier != crm.TierB || cleared.CadenceDays != 14 || cleared.Class.ValueTier.Override != nil || cleared.Class.ValueTier.Source() != crm.SourceRule {
		t.Fatalf("cleared: tier %s, cadence %d, class %+v", cleared.ValueTier, cleared.CadenceDays, cleared.Class.ValueTier)
	}
	if h := cleared.TierHistory[len(cleared.TierHistory)-1]; h.From != crm.TierA || h.To != crm.TierB || h.Rule == "" || h.By != "" {
		t.Fatalf("tier history after clearing %+v", h)
	}
	_, err = w.crm.ClearOverride(ctx, w.sales, c.ID, cleared.Version, nil)
	wantFieldError(t, "nothing to clear", err, "targets", crm.ReasonNotFound)
	// Whoever may not edit the customer may not override it.
	other := crm.Actor{UserID: "u-other", Role: crm.RoleSales}
	if _, err := w.crm.OverrideClassification(ctx, other, c.ID, cleared.Version, crm.OverrideInput{ValueTier: &tierA, Reason: "x"}); !crm.IsCode(err, crm.CodeForbidden) {
		t.Fatalf("a stranger's override: %v", err)
	}
}

// A saved rule set is applied to every customer by the next pass, and
// only once; the preview before saving counts exactly what applying
// changes.
func TestNewRuleSetIsAppliedOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, time.Date(2026, 3, 2, 10, 0, 0, 0, crm.DefaultLocation))
	for i, yuan := range []int64{0, 50_000, 150_000, 600_000, 90_000} {
		c, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: fmt.Sprintf("公司%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if yuan > 0 {
			w.deal(t, c.ID, yuan)
		}
	}
	w.at(time.Date(2026, 3, 22, 10, 0, 0, 0, crm.DefaultLocation)) // 20 days on: a C follow-up (30 days) is not due, a B one (14) is
	w.pass(t)
	openTasks := func() map[string]crm.TaskKind {
		out := map[string]crm.TaskKind{}
		page, err := w.crm.Tasks(ctx, w.boss, crm.TaskQuery{Snoozed: true}, crm.MaxTaskPage, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range page.Items {
			out[x.Customer.ID+"|"+x.ID] = x.Kind
		}
		return out
	}
	before := openTasks()
	set := rules.Defaults()
	set.Rules[1].When = "deals.sum(date:<=12m):>=80000" // B from 80,000 yuan
	pv, _, err := w.rules.PreviewRules(ctx, w.boss, set.Rules, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.rules.SaveRules(ctx, w.boss, 0, set.Rules); err != nil {
		t.Fatal(err)
	}
	res := w.pass(t)
	if !res.Full || res.Visited != 5 || res.Changed != pv.Changed || res.Changed != 1 {
		t.Fatalf("pass after saving: %+v; the preview said %d change", res, pv.Changed)
	}
	// The tasks the preview said would open and close are those that did.
	after := openTasks()
	did := map[crm.TaskKind]*rules.TaskEffect{}
	effect := func(k crm.TaskKind) *rules.TaskEffect {
		if did[k] == nil {
			did[k] = &rules.TaskEffect{Kind: k}
		}
		return did[k]
	}
	for id, k := range after {
		if _, ok := before[id]; !ok {
			effect(k).Opened++
		}
	}
	for id, k := range before {
		if _, ok := after[id]; !ok {
			effect(k).Closed++
		}
	}
	var want []rules.TaskEffect
	for _, k := range crm.TaskKinds() {
		if e := did[k]; e != nil {
			want = append(want, *e)
		}
	}
	if fmt.Sprint(pv.Tasks) != fmt.Sprint(want) || len(want) == 0 {
		t.Fatalf("the preview's tasks %+v, the pass's %+v", pv.Tasks, want)
	}
	if res := w.pass(t); res.Full || res.Visited != 0 {
		t.Fatalf("second pass: %+v, want nothing due", res)
	}
	if _, err := w.rules.SaveRules(ctx, w.boss, 0, set.Rules); !crm.IsCode(err, crm.CodeConflict) {
		t.Fatalf("saved over version 1 with 0: %v", err)
	}
}

// One replica runs the pass: a lease another holds is respected until it
// expires, then taken over.
func TestPassLease(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, time.Date(2026, 3, 2, 10, 0, 0, 0, crm.DefaultLocation))
	if _, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: "公司"}); err != nil {
		t.Fatal(err)
	}
	first, err := w.rules.Pass(ctx, "replica-a")
	if err != nil || first.Skipped {
		t.Fatalf("first pass: %+v %v", first, err)
	}
	// replica-a stops in the middle of its next pass: its lease stands.
	var st bson.M
	v, err := w.rules.Settings.Get(ctx, rules.PassKey, &st)
	if err != nil {
		t.Fatal(err)
	}
	st["holder"], st["until"] = "replica-a", w.clock.Now().Add(rules.Lease)
	if err := w.rules.Settings.Put(ctx, rules.PassKey, st, v); err != nil {
		t.Fatal(err)
	}
	if res, err := w.rules.Pass(ctx, "replica-b"); err != nil || !res.Skipped {
		t.Fatalf("pass while another holds the lease: %+v %v", res, err)
	}
	w.clock.Advance(rules.Lease + time.Second)
	if res, err := w.rules.Pass(ctx, "replica-b"); err != nil || res.Skipped {
		t.Fatalf("pass after the lease expired: %+v %v", res, err)
	}
}

// The pass and people's writes on the same customers never lose an
// update: every appended interaction is there, and the classification
// is the one the rules give the final document.
func TestPassRacesWriters(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, crm.DefaultLocation)
	w := newWorld(t, start)
	var ids []string
	for i := range 20 {
		c, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: fmt.Sprintf("公司%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		w.deal(t, c.ID, int64(100_000*(i%7)+1))
		ids = append(ids, c.ID)
	}
	// Four months later every customer is due (its deal left "the last
	// three months").
	w.at(start.AddDate(0, 4, 0))
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 3 {
				_, err := w.crm.LogInteraction(ctx, w.sales, id, nil, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: fmt.Sprintf("电话 %d", k)})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := w.rules.Pass(ctx, "racer"); err != nil {
			errs <- err
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, id := range ids {
		c := w.get(t, id)
		if len(c.Interactions) != 3 {
			t.Errorf("%s: %d interactions, want 3", c.Code, len(c.Interactions))
		}
		if c.Lifecycle != crm.LifecycleChurned {
			t.Errorf("%s: %s four months after its only deal, want CHURNED", c.Code, c.Lifecycle)
		}
		if changed, err := w.rules.Classify(ctx, c, w.clock.Now()); err != nil || changed {
			t.Errorf("%s: the stored classification is not what the rules give it (%v)", c.Code, err)
		}
	}
}

// A due customer whose values stay is not written: the pass stores its
// next check alone, with no new version, so a person editing it meanwhile
// saves without a conflict.
func TestPassMovesTheCheckWithoutAVersion(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, crm.DefaultLocation)
	w := newWorld(t, start)
	set := []rules.Rule{
		{Name: "近期拜访", When: "interactions.some(channel:VISIT at:<=30d)", Priority: 10, Then: rules.Then{AddTags: []string{"近期拜访"}}},
		{Name: "近期未拜访", When: "-interactions.some(channel:VISIT at:<=30d)", Priority: 10, Then: rules.Then{RemoveTags: []string{"近期拜访"}}},
	}
	if _, err := w.rules.SaveRules(ctx, w.boss, 0, set); err != nil {
		t.Fatal(err)
	}
	c, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: "公司"})
	if err != nil {
		t.Fatal(err)
	}
	// Two visits: when the first leaves the last 30 days, the second keeps
	// the tag, so the customer is due then with nothing to change.
	for _, ago := range []int{10, 5} {
		at := start.AddDate(0, 0, -ago)
		c, err = w.crm.LogInteraction(ctx, w.sales, c.ID, nil, crm.InteractionInput{At: &at, Channel: crm.ChannelVisit, Summary: "拜访"})
		if err != nil {
			t.Fatal(err)
		}
	}
	if check := c.Class.NextCheckAt; !slices.Contains(c.Tags, "近期拜访") || check.Before(start.AddDate(0, 0, 20)) || check.After(start.AddDate(0, 0, 20).Add(time.Minute)) {
		t.Fatalf("tags %v, next check %v: want the tag, and a check 30 days after the first visit", c.Tags, check)
	}
	w.at(c.Class.NextCheckAt.Add(time.Hour))
	if res := w.pass(t); res.Visited != 1 || res.Changed != 0 {
		t.Fatalf("pass: %+v, want one visited, none changed", res)
	}
	got := w.get(t, c.ID)
	if got.Version != c.Version || !slices.Contains(got.Tags, "近期拜访") || got.Class.NextCheckAt.Sub(start.AddDate(0, 0, 25)).Abs() > time.Minute {
		t.Fatalf("after the pass: version %d (was %d), tags %v, next check %v (want 30 days after the second visit)", got.Version, c.Version, got.Tags, got.Class.NextCheckAt)
	}
	// The person's edit from before the pass saves.
	name := "公司（新名）"
	if _, err := w.crm.UpdateCustomer(ctx, w.sales, c.ID, c.Version, crm.CustomerPatch{Name: &name}); err != nil {
		t.Fatalf("an edit of the version read before the pass: %v", err)
	}
	if res := w.pass(t); res.Visited != 0 {
		t.Fatalf("second pass: %+v, want nothing due", res)
	}
	// When the second visit leaves the window, the tag goes: a change.
	w.at(start.AddDate(0, 0, 26))
	if res := w.pass(t); res.Visited != 1 || res.Changed != 1 {
		t.Fatalf("pass after both visits: %+v, want one changed", res)
	}
	if got := w.get(t, c.ID); slices.Contains(got.Tags, "近期拜访") || got.Version != c.Version+2 {
		t.Fatalf("after both visits left: tags %v, version %d", got.Tags, got.Version)
	}
}

// Tasks follow the customer: a next action opens one, completing it ticks
// the next action off (twice is refused); the cadence opens a follow-up
// when it falls due (the pass) and logging the follow-up closes it; a
// silent A customer is a churn risk; an override's review date opens a
// review; lists, snoozing and reassigning, with who may do what.
func TestTasksFollowTheCustomer(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, crm.DefaultLocation)
	w := newWorld(t, start)
	other := crm.Actor{UserID: "u-other", Role: crm.RoleSales}
	analyst := crm.Actor{UserID: "u-analyst", Role: crm.RoleAnalyst}
	for _, a := range []crm.Actor{other, analyst} {
		u := &crm.User{ID: a.UserID, Email: a.UserID + "@kehu.cn", Name: a.UserID, Role: a.Role, Version: 1, CreatedAt: start, UpdatedAt: start}
		if err := w.crm.Store.Users().Insert(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	c, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: "任务公司"})
	if err != nil {
		t.Fatal(err)
	}
	open := func(c *crm.Customer) map[crm.TaskKind]int {
		n := map[crm.TaskKind]int{}
		for _, x := range c.Tasks {
			if x.Open() {
				n[x.Kind]++
			}
		}
		return n
	}
	if len(c.Tasks) != 0 || !c.Class.NextCheckAt.Equal(start.AddDate(0, 0, 30).UTC()) {
		t.Fatalf("a new customer: tasks %+v, next check %v (want the first follow-up, 30 days on)", c.Tasks, c.Class.NextCheckAt)
	}

	// A next action: its task, completed once.
	due := start.AddDate(0, 0, 2)
	c, err = w.crm.LogInteraction(ctx, w.sales, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "电话",
		NextAction: &crm.NextActionInput{What: "寄送报价单", Due: &due}})
	if err != nil {
		t.Fatal(err)
	}
	var na crm.Task
	for _, x := range c.Tasks {
		if x.Kind == crm.TaskNextAction {
			na = x
		}
	}
	if !na.Open() || na.Title != "寄送报价单" || na.AssigneeID != w.sales.UserID || !na.Due.Equal(due.UTC()) || na.Key != c.Interactions[0].ID {
		t.Fatalf("next action task %+v", na)
	}
	if _, err := w.crm.CompleteTask(ctx, other, c.ID, na.ID, nil); !crm.IsCode(err, crm.CodeForbidden) {
		t.Fatalf("another salesperson completes it: %v", err)
	}
	c, err = w.crm.CompleteTask(ctx, w.sales, c.ID, na.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Interactions[0].NextAction.Done || open(c)[crm.TaskNextAction] != 0 {
		t.Fatalf("after completing: next action %+v, open %v", c.Interactions[0].NextAction, open(c))
	}
	_, err = w.crm.CompleteTask(ctx, w.sales, c.ID, na.ID, nil)
	wantFieldError(t, "completed twice", err, "taskId", crm.ReasonAlready)
	_, err = w.crm.CompleteTask(ctx, w.sales, c.ID, "nope", nil)
	wantFieldError(t, "no such task", err, "taskId", crm.ReasonNotFound)

	// The cadence (C: 30 days after the call) falls due: the pass opens
	// the follow-up; logging it closes it.
	w.at(start.AddDate(0, 0, 31))
	if res := w.pass(t); res.Changed != 1 {
		t.Fatalf("pass at 31 days: %+v", res)
	}
	c = w.get(t, c.ID)
	if open(c)[crm.TaskFollowUp] != 1 {
		t.Fatalf("after 31 days: open %v", open(c))
	}
	page, err := w.crm.Tasks(ctx, w.sales, crm.TaskQuery{Assignee: w.sales.UserID}, 10, nil)
	if err != nil || page.Total != 1 || page.Items[0].Kind != crm.TaskFollowUp || page.Items[0].Customer.Code != c.Code {
		t.Fatalf("my tasks: %+v %v", page, err)
	}
	fu := page.Items[0].Task
	// Snoozed: gone from the list until then; reassigned: the other's.
	if _, err := w.crm.SnoozeTask(ctx, w.sales, c.ID, fu.ID, nil, w.clock.Now().Add(-time.Minute)); err == nil {
		t.Fatal("snoozed into the past")
	}
	if _, err := w.crm.SnoozeTask(ctx, w.sales, c.ID, fu.ID, nil, w.clock.Now().Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if page, _ := w.crm.Tasks(ctx, w.sales, crm.TaskQuery{Assignee: w.sales.UserID}, 10, nil); page.Total != 0 {
		t.Fatalf("a snoozed task listed: %+v", page.Items)
	}
	if page, _ := w.crm.Tasks(ctx, w.sales, crm.TaskQuery{Assignee: w.sales.UserID, Snoozed: true}, 10, nil); page.Total != 1 {
		t.Fatalf("snoozed tasks asked for: %+v", page.Items)
	}
	_, err = w.crm.ReassignTask(ctx, w.sales, c.ID, fu.ID, nil, analyst.UserID)
	wantFieldError(t, "to an analyst", err, "assigneeId", crm.ReasonAnalystAssigned)
	if _, err := w.crm.ReassignTask(ctx, w.sales, c.ID, fu.ID, nil, other.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.crm.Tasks(ctx, w.sales, crm.TaskQuery{Assignee: other.UserID}, 10, nil); !crm.IsCode(err, crm.CodeForbidden) {
		t.Fatalf("a salesperson lists another's tasks: %v", err)
	}
	if page, err := w.crm.Tasks(ctx, w.boss, crm.TaskQuery{Assignee: other.UserID, Snoozed: true}, 10, nil); err != nil || page.Total != 1 {
		t.Fatalf("a manager lists the other's tasks: %+v %v", page, err)
	}
	c, err = w.crm.LogInteraction(ctx, w.sales, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelVisit, Summary: "回访"})
	if err != nil {
		t.Fatal(err)
	}
	if n := open(c); len(n) != 0 {
		t.Fatalf("after the follow-up was logged: open %v", n)
	}
	for _, x := range c.Tasks {
		if x.ID == fu.ID && (x.Status != crm.TaskClosed || x.ClosedBy != "") {
			t.Fatalf("the follow-up did not close itself: %+v", x)
		}
	}

	// A deal of 600,000 makes it A; silent for 60 days it is a churn risk
	// (and due a follow-up every 7 days).
	w.deal(t, c.ID, 600_000)
	last := w.get(t, c.ID).Stats.LastInteractionAt
	w.at(last.AddDate(0, 0, 61))
	w.pass(t)
	c = w.get(t, c.ID)
	if n := open(c); n[crm.TaskChurnRisk] != 1 || n[crm.TaskFollowUp] != 1 {
		t.Fatalf("silent for 61 days: open %v", n)
	}

	// An override with a review date: the review task opens that morning.
	tierB := crm.TierB
	review := crm.DateOf(w.clock.Now(), crm.DefaultLocation).AddDate(0, 0, 3)
	if _, err := w.crm.OverrideClassification(ctx, w.sales, c.ID, c.Version, crm.OverrideInput{ValueTier: &tierB, Reason: "降级观察", ReviewOn: &review}); err != nil {
		t.Fatal(err)
	}
	w.at(time.Date(review.Year(), review.Month(), review.Day(), 9, 30, 0, 0, crm.DefaultLocation))
	w.pass(t)
	c = w.get(t, c.ID)
	if n := open(c); n[crm.TaskReview] != 1 || n[crm.TaskChurnRisk] != 1 {
		t.Fatalf("on the review day: open %v (the review, and B is still silent)", n)
	}
	for _, x := range c.Tasks {
		if x.Kind == crm.TaskReview && (x.AssigneeID != w.sales.UserID || !strings.Contains(x.Title, "价值分级")) {
			t.Fatalf("review task %+v", x)
		}
	}
}

// A change the seeds name opens one classification review for the owner:
// the 12-month amount moving by 30% or more, a stage change, a need type
// change; a later trigger while it is open adds its reason; a smaller
// swing opens none; the review done, the scheduled ones count from it.
func TestReviewTriggers(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, crm.DefaultLocation)
	w := newWorld(t, start)
	c, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: "复核公司", CustomerFields: crm.CustomerFields{NeedType: ptr(crm.NeedTypeProduct)}})
	if err != nil {
		t.Fatal(err)
	}
	reviews := func(c *crm.Customer) []crm.Task {
		var out []crm.Task
		for _, x := range c.Tasks {
			if x.Kind == crm.TaskReview && x.Open() {
				out = append(out, x)
			}
		}
		return out
	}
	w.deal(t, c.ID, 100000) // the first deal: from nothing, no swing to measure
	if r := reviews(w.get(t, c.ID)); len(r) != 0 {
		t.Fatalf("the first deal opened a review: %+v", r)
	}
	w.at(start.AddDate(0, 0, 10))
	w.deal(t, c.ID, 20000) // +20%
	if r := reviews(w.get(t, c.ID)); len(r) != 0 {
		t.Fatalf("a 20%% swing opened a review: %+v", r)
	}
	w.at(start.AddDate(0, 0, 20))
	w.deal(t, c.ID, 60000) // 120,000 → 180,000: +50%
	c = w.get(t, c.ID)
	r := reviews(c)
	y, m, d := w.clock.Now().In(crm.DefaultLocation).Date() // due at the end of the third day
	if len(r) != 1 || r[0].Title != "复核客户分级：12个月成交额+50%（120000.00→180000.00元）" || r[0].AssigneeID != w.sales.UserID ||
		!r[0].Due.Equal(time.Date(y, m, d+3, 23, 59, 59, 999e6, crm.DefaultLocation)) || !r[0].Triggered() {
		t.Fatalf("review after a 50%% swing: %+v", r)
	}
	// A stage change and a need type change while it is open: one review, more reasons.
	c, err = w.crm.UpdateCustomer(ctx, w.sales, c.ID, c.Version, crm.CustomerPatch{CustomerFields: crm.CustomerFields{
		Stage: ptr(crm.StageAfterSales), NeedType: ptr(crm.NeedTypeSolution)}})
	if err != nil {
		t.Fatal(err)
	}
	if r = reviews(c); len(r) != 1 || !strings.HasSuffix(r[0].Title, "；阶段潜在客户→售后维护；需求类型产品采购型→解决方案型") {
		t.Fatalf("review after the stage and need type changed: %+v", r)
	}
	// The pass leaves it open (a person closes it).
	w.at(start.AddDate(0, 1, 0))
	w.pass(t)
	if r2 := reviews(w.get(t, c.ID)); len(r2) != 1 || r2[0].ID != r[0].ID {
		t.Fatalf("the pass changed the review: %+v", r2)
	}
	c, err = w.crm.CompleteTask(ctx, w.sales, c.ID, r[0].ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(reviews(c)) != 0 {
		t.Fatalf("a review open after completing it: %+v", reviews(c))
	}
	// Done on 2026-04-02: a B customer's scheduled review falls six months
	// later, opening at the start of that day (the next check is no later
	// than that).
	want := time.Date(2026, 10, 2, 0, 0, 0, 0, crm.DefaultLocation).UTC()
	if c.ValueTier != crm.TierB || c.Class.NextCheckAt.After(want) {
		t.Fatalf("tier %s, next check %v, want no later than %v", c.ValueTier, c.Class.NextCheckAt, want)
	}
	// Still buying (not churned): +28% and +22%, no review.
	w.at(time.Date(2026, 6, 1, 10, 0, 0, 0, crm.DefaultLocation))
	w.deal(t, c.ID, 50000)
	w.at(time.Date(2026, 8, 15, 10, 0, 0, 0, crm.DefaultLocation))
	w.deal(t, c.ID, 50000)
	if r = reviews(w.get(t, c.ID)); len(r) != 0 {
		t.Fatalf("reviews before their time: %+v", r)
	}
	w.at(want.Add(time.Minute))
	w.pass(t)
	if r = reviews(w.get(t, c.ID)); len(r) != 1 || r[0].Triggered() || !r[0].Due.Equal(want.AddDate(0, 0, 1).Add(-time.Millisecond)) {
		t.Fatalf("the scheduled review six months on (due at the end of its day): %+v", r)
	}
}

func ptr[T any](v T) *T { return &v }

// A rule on the change of the 12-month deal amount: time alone flips it
// when a deal moves from the last 12 months into the 12 before, and the
// pass, visiting only the customers whose next check has come, applies it.
func TestDealChangeRule(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, crm.DefaultLocation)
	w := newWorld(t, start)
	set := []rules.Rule{
		{Name: "交易下滑", When: "deal-change(12m):<=-30", Priority: 10, Then: rules.Then{AddTags: []string{"交易下滑"}}},
		{Name: "交易未下滑", When: "-deal-change(12m):<=-30", Priority: 10, Then: rules.Then{RemoveTags: []string{"交易下滑"}}},
	}
	if _, err := w.rules.SaveRules(ctx, w.boss, 0, set); err != nil {
		t.Fatal(err)
	}
	c, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: "公司"})
	if err != nil {
		t.Fatal(err)
	}
	// 100,000 thirteen months ago and 100,000 eleven months ago: no change.
	for _, day := range []time.Time{time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)} {
		if c, err = w.crm.RecordDeal(ctx, w.sales, c.ID, nil, crm.DealInput{Product: "产品", Amount: crm.Money(100_000 * 100), Date: &day}); err != nil {
			t.Fatal(err)
		}
	}
	// The next check: when the April deal leaves the last 12 months (its
	// day a year on, 2026-04-01, has passed in Shanghai).
	leaves := time.Date(2026, 4, 2, 0, 0, 0, 0, crm.DefaultLocation)
	if slices.Contains(c.Tags, "交易下滑") || c.Class.NextCheckAt.After(leaves.Add(time.Minute)) {
		t.Fatalf("tags %v, next check %v: want no tag and a check by %v", c.Tags, c.Class.NextCheckAt, leaves)
	}
	w.at(leaves.Add(-time.Hour))
	if res := w.pass(t); res.Changed != 0 {
		t.Fatalf("pass before the deal left: %+v", res)
	}
	// Both deals in the earlier 12 months: -100%.
	w.at(leaves.Add(time.Hour))
	if res := w.pass(t); res.Changed != 1 {
		t.Fatalf("pass after the deal left: %+v, want one changed", res)
	}
	got := w.get(t, c.ID)
	if !slices.Contains(got.Tags, "交易下滑") {
		t.Fatalf("tags %v: want 交易下滑", got.Tags)
	}
	if h := got.TagHistory; len(h) == 0 || h[len(h)-1].Tag != "交易下滑" || !h[len(h)-1].Added || h[len(h)-1].Rule != "交易下滑" {
		t.Fatalf("tag history %+v", h)
	}
	// A new deal of 150,000 against the 200,000 before: -25%, the tag goes.
	if _, err := w.crm.RecordDeal(ctx, w.sales, c.ID, nil, crm.DealInput{Product: "产品", Amount: crm.Money(150_000 * 100)}); err != nil {
		t.Fatal(err)
	}
	if got := w.get(t, c.ID); slices.Contains(got.Tags, "交易下滑") {
		t.Fatalf("after a deal of 150,000: tags %v", got.Tags)
	}
}

// racingCustomers runs race just before each batch write of the pass's
// changes: a write landing between the pass's read and its write.
type racingCustomers struct {
	crm.CustomerStore
	race func()
}

func (r racingCustomers) ReplaceMany(ctx context.Context, cs []*crm.Customer, expected []int64) ([]int, error) {
	r.race()
	return r.CustomerStore.ReplaceMany(ctx, cs, expected)
}

// The pass writes its changes in batches, checked against the versions it
// read: a person's write in between wins, and the pass classifies that
// customer again on its own, so nothing is lost and the change is made.
func TestPassBatchesYieldToWriters(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, crm.DefaultLocation)
	w := newWorld(t, start)
	var ids []string
	for _, name := range []string{"甲公司", "乙公司", "丙公司"} {
		c, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		w.deal(t, c.ID, 2000)
		ids = append(ids, c.ID)
	}
	races := 0
	w.rules.Customers = racingCustomers{w.crm.Store.Customers(), func() {
		races++
		if races > 1 {
			return
		}
		// A write that classifies nothing (another replica's, say): the
		// pass must classify the customer again itself.
		c, err := w.crm.Store.Customers().Get(ctx, ids[1])
		if err != nil {
			t.Error(err)
			return
		}
		c.Version++
		c.Name = "乙公司（同时改名）"
		if err := w.crm.Store.Customers().Replace(ctx, c, c.Version-1); err != nil {
			t.Error(err)
		}
	}}
	set := []rules.Rule{{Name: "有成交", When: "deals(12m):>=1000", Priority: 10, Then: rules.Then{AddTags: []string{"有成交"}}}}
	if _, err := w.rules.SaveRules(ctx, w.boss, 0, set); err != nil {
		t.Fatal(err)
	}
	w.at(start.Add(time.Hour))
	res := w.pass(t)
	if !res.Full || res.Changed != 3 || races != 1 {
		t.Fatalf("pass %+v after %d racing writes: want a full pass changing all 3 in one batch", res, races)
	}
	for i, id := range ids {
		c := w.get(t, id)
		if !slices.Contains(c.Tags, "有成交") {
			t.Errorf("%s: tags %v", c.Name, c.Tags)
		}
		if raced := c.Name == "乙公司（同时改名）"; raced != (i == 1) {
			t.Errorf("%s: the racing write kept: %v", c.Name, raced)
		}
	}
}

// failingCustomers fails the pass's batch writes for which fail says so.
type failingCustomers struct {
	crm.CustomerStore
	fail func() error
}

func (f failingCustomers) ReplaceMany(ctx context.Context, cs []*crm.Customer, expected []int64) ([]int, error) {
	if err := f.fail(); err != nil {
		return nil, err
	}
	return f.CustomerStore.ReplaceMany(ctx, cs, expected)
}

// The pass hands its changes to a writer a batch at a time and reads on:
// every batch lands; a batch write that fails stops the pass with its
// error, nothing after it is written, and the next pass makes the rest.
func TestPassWritesBatchesWhileReading(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, crm.DefaultLocation)
	w := newWorld(t, start)
	const n = 250 // three batches
	for i := range n {
		if _, err := w.crm.CreateCustomer(ctx, w.sales, crm.CustomerInput{Name: fmt.Sprintf("批量客户%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	set := []rules.Rule{{Name: "全部", When: "", Priority: 1, Then: rules.Then{AddTags: []string{"已分类"}}}}
	if _, err := w.rules.SaveRules(ctx, w.boss, 0, set); err != nil {
		t.Fatal(err)
	}
	store := w.rules.Customers
	broken := errors.New("第二批写入失败")
	batches := 0
	w.rules.Customers = failingCustomers{store, func() error {
		if batches++; batches == 2 {
			return broken
		}
		return nil
	}}
	tagged := func() int {
		k := 0
		err := store.Each(ctx, crm.EachQuery{Scope: crm.ScopeActive, Full: true}, func(c *crm.Customer) error {
			if slices.Contains(c.Tags, "已分类") {
				k++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	w.at(start.Add(time.Hour))
	if _, err := w.rules.Pass(ctx, "test"); !errors.Is(err, broken) {
		t.Fatalf("pass with a failing batch write: %v, want %v", err, broken)
	}
	if k := tagged(); k != 100 || batches != 2 {
		t.Fatalf("%d customers tagged in %d batch writes, want the first batch's 100 in 2", k, batches)
	}
	w.rules.Customers = store
	res := w.pass(t)
	if !res.Full || res.Changed != n-100 {
		t.Fatalf("pass after the failure: %+v, want a full pass changing the other %d", res, n-100)
	}
	if k := tagged(); k != n {
		t.Fatalf("%d of %d customers tagged", k, n)
	}
}
