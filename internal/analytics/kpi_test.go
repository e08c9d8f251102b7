package analytics_test

import (
	"context"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// TestKPIsMatchPlainLoops computes every KPI's numerator and denominator
// from the demo documents with plain loops, following docs/KPIS.md word
// for word, and compares them with the service's.
// It runs unfiltered and filtered (the scope ANDed to every figure and
// drill line).
func TestKPIsMatchPlainLoops(t *testing.T) {
	s, all := demoStore(t)
	for _, tc := range []struct {
		name  string
		scope string
		keep  func(*crm.Customer) bool
	}{
		{"unfiltered", "", nil},
		{"tiers A and B", "tier:A,B", func(c *crm.Customer) bool { return c.ValueTier == crm.TierA || c.ValueTier == crm.TierB }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := analytics.KPIRequest{Actor: manager(), Range: dateRange(2026, 6, 1, 2026, 11, 30), Compare: analytics.PreviousYear}
			cs := active(all)
			if tc.scope != "" {
				f, err := segment.FilterOf(nil, tc.scope, segment.Options{Now: now, Loc: shanghai})
				if err != nil {
					t.Fatal(err)
				}
				q.Scope = f
				cs = slices.DeleteFunc(cs, func(c *crm.Customer) bool { return !tc.keep(c) })
			}
			checkKPIs(t, s, service(s), q, cs)
		})
	}
}

func checkKPIs(t *testing.T, s *sqlite.Store, svc *analytics.Service, q analytics.KPIRequest, cs []*crm.Customer) {
	rep, err := svc.KPIs(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Previous == nil || rep.Previous.First.Year != 2025 || rep.Previous.Last.Month != 11 {
		t.Fatalf("previous range %+v", rep.Previous)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, shanghai) }
	from, to := day(2026, 6, 1), day(2026, 12, 1) // [from, to)
	dFrom, dTo := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	in := func(t, lo, hi time.Time) bool { return !t.Before(lo) && t.Before(hi) }
	activeIn := func(c *crm.Customer, lo, hi time.Time, dlo, dhi time.Time) bool {
		for _, x := range c.Interactions {
			if in(x.At, lo, hi) {
				return true
			}
		}
		for _, d := range c.Deals {
			if in(d.Date, dlo, dhi) {
				return true
			}
		}
		return false
	}
	b90, b90d := from.AddDate(0, 0, -90), dFrom.AddDate(0, 0, -90)
	l90, l90d := to.AddDate(0, 0, -90), dTo.AddDate(0, 0, -90)
	type nd struct{ n, d int64 }
	want := map[analytics.KPICode]nd{}
	add := func(k analytics.KPICode, num, den bool) {
		w := want[k]
		if den {
			w.d++
			if num {
				w.n++
			}
		}
		want[k] = w
	}
	drills := map[analytics.KPICode]int{} // the customers each drill line must list, where it is not the numerator's
	var complaints, onTime, late, overdue int64
	var surveys, satisfied, scoreSum int64
	var needs, resolved int64
	var resolveMs []int64
	var cycleMs, cycleN int64
	var hours []int64
	onTimeCustomers, hoursCustomers, tasksOnTimeCustomers := 0, 0, 0
	for _, c := range cs {
		wasActive := c.CreatedAt.Before(from) && activeIn(c, b90, from, b90d, dFrom)
		stillActive := activeIn(c, l90, to, l90d, dTo)
		add(analytics.HighValueRetention, stillActive, c.ValueTier == crm.TierA && wasActive)
		add(analytics.ChurnRate, !stillActive, wasActive)
		first := c.Stats.FirstDealOn
		add(analytics.PotentialConversion, !first.IsZero() && in(first, dFrom, dTo),
			c.CreatedAt.Before(to) && (first.IsZero() || !first.Before(dFrom)))
		bought := slices.ContainsFunc(c.Deals, func(d crm.Deal) bool { return in(d.Date, dFrom, dTo) })
		add(analytics.RepurchaseRate, !first.IsZero() && first.Before(dFrom), bought)
		touched, complained, overdueCustomer, loggedOnTime := false, false, false, false
		for _, x := range c.Interactions {
			if in(x.At, from, to) {
				touched = true
				if x.KeyEvent == crm.KeyEventComplaint {
					complained = true
					complaints++
				}
				if x.RecordedAt != nil {
					if x.RecordedAt.Sub(x.At) <= 24*time.Hour {
						onTime++
						loggedOnTime = true
					} else {
						late++
					}
				}
			}
			if na := x.NextAction; na != nil && !na.Done && na.Due != nil && na.Due.Before(now) {
				overdue++
				if !overdueCustomer {
					drills[analytics.OverdueNextActions]++ // customers with an overdue next action
				}
				overdueCustomer = true
			}
		}
		add(analytics.ComplaintRate, complained, touched)
		if loggedOnTime {
			drills[analytics.TimelyRecording]++ // customers with an interaction of the range logged on time
		}
		if complained {
			drills[analytics.ComplaintCountKPI]++
		}
		surveyed, pleased := false, false
		for _, x := range c.Satisfaction {
			if in(x.At, from, to) {
				surveys++
				surveyed = true
				scoreSum += int64(x.Score)
				if x.Score >= 85 {
					satisfied++
					pleased = true
				}
			}
		}
		if surveyed {
			drills[analytics.AvgSatisfactionKPI]++
		}
		if pleased {
			drills[analytics.SatisfiedShare]++
		}
		solved := false
		for _, n := range c.Needs {
			if in(n.OpenedAt, from, to) {
				needs++
				if n.Status == crm.NeedStatusResolved {
					solved = true
					resolved++
					if n.ResolvedAt != nil {
						resolveMs = append(resolveMs, max(0, n.ResolvedAt.Sub(n.OpenedAt).Milliseconds()))
					}
				}
			}
		}
		if solved {
			drills[analytics.NeedResolutionRate]++
		}
		// Service requests opened in the range: of those resolved (or
		// closed) with a time of resolution, resolved by their due time;
		// the stored hours of those that have them.
		servedOnTime, resolvedIn := false, false
		for _, x := range c.ServiceRequests {
			if !in(x.OpenedAt, from, to) {
				continue
			}
			if (x.Status == crm.ServiceResolved || x.Status == crm.ServiceClosed) && x.ResolvedAt != nil {
				onTime := !x.ResolvedAt.After(x.Due)
				add(analytics.ServiceOnTime, onTime, true)
				servedOnTime = servedOnTime || onTime
			}
			if x.ResolutionHours != nil {
				hours = append(hours, *x.ResolutionHours)
				resolvedIn = true
			}
		}
		onTimeCustomers += btoi(servedOnTime)
		// Tasks due in the range and done by a person: done at or before
		// their due time (those that closed themselves are left out).
		doneOnTime := false
		for _, x := range c.Tasks {
			if !in(x.Due, from, to) || x.Status != crm.TaskDone || x.ClosedAt == nil {
				continue
			}
			ok := !x.ClosedAt.After(x.Due)
			add(analytics.TasksOnTime, ok, true)
			doneOnTime = doneOnTime || ok
		}
		tasksOnTimeCustomers += btoi(doneOnTime)
		hoursCustomers += btoi(resolvedIn)
		// Cadences as of now: customers with one, not lost, whose next
		// follow-up is not before now.
		if c.CadenceDays > 0 && c.Stage != crm.StageLost {
			next := c.Stats.NextFollowUpAt
			add(analytics.CadenceKept, !next.IsZero() && !next.Before(now), true)
		}
		if !first.IsZero() && in(first, dFrom, dTo) && !c.Stats.FirstInteractionAt.IsZero() {
			y, m, d := c.Stats.FirstInteractionAt.In(shanghai).Date()
			fi := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
			if !first.Before(fi) {
				cycleMs += first.Sub(fi).Milliseconds()
				cycleN++
			}
		}
	}
	got := map[analytics.KPICode]*analytics.KPI{}
	for _, k := range rep.KPIs {
		got[k.Code] = k
	}
	if len(got) != len(analytics.KPICodes()) {
		t.Fatalf("%d KPIs, want %d", len(got), len(analytics.KPICodes()))
	}
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	pct := func(n, d int64) string {
		if d == 0 {
			return "<nil>"
		}
		return new(big.Rat).SetFrac64(100*n, d).FloatString(2)
	}
	for code, w := range want {
		k := got[code]
		if str(k.Numerator) != big.NewInt(w.n).String() || str(k.Denominator) != big.NewInt(w.d).String() {
			t.Errorf("%s: %s/%s, want %d/%d", code, str(k.Numerator), str(k.Denominator), w.n, w.d)
		}
		if str(k.Value) != pct(w.n, w.d) {
			t.Errorf("%s: value %s, want %s", code, str(k.Value), pct(w.n, w.d))
		}
		if w.d == 0 {
			t.Errorf("%s: no customers in the denominator on the demo data: the test proves little", code)
		}
	}
	checks := []struct {
		code analytics.KPICode
		want string
	}{
		{analytics.ComplaintCountKPI, big.NewInt(complaints).String()},
		{analytics.TimelyRecording, pct(onTime, onTime+late)},
		{analytics.OverdueNextActions, big.NewInt(overdue).String()},
		{analytics.AvgSatisfactionKPI, new(big.Rat).SetFrac64(scoreSum, max(surveys, 1)).FloatString(2)},
		{analytics.SatisfiedShare, pct(satisfied, surveys)},
		{analytics.NeedResolutionRate, pct(resolved, needs)},
		{analytics.SalesCycleKPI, new(big.Rat).SetFrac64(cycleMs, max(cycleN, 1)*86_400_000).FloatString(2)},
	}
	slices.Sort(hours)
	if n := len(hours); n > 0 {
		twice := 2 * hours[n/2]
		if n%2 == 0 {
			twice = hours[n/2-1] + hours[n/2]
		}
		checks = append(checks, struct {
			code analytics.KPICode
			want string
		}{analytics.ServiceHours, new(big.Rat).SetFrac64(twice, 2).FloatString(2)})
	} else {
		t.Error("no service request of the range resolved: the test proves little")
	}
	slices.Sort(resolveMs)
	if n := len(resolveMs); n > 0 {
		twice := 2 * resolveMs[n/2]
		if n%2 == 0 {
			twice = resolveMs[n/2-1] + resolveMs[n/2]
		}
		checks = append(checks, struct {
			code analytics.KPICode
			want string
		}{analytics.NeedResolutionDays, new(big.Rat).SetFrac64(twice, 2*86_400_000).FloatString(2)})
	}
	for _, c := range checks {
		if got := str(got[c.code].Value); got != c.want {
			t.Errorf("%s: %s, want %s", c.code, got, c.want)
		}
	}
	if surveys == 0 || needs == 0 || complaints == 0 || cycleN == 0 || overdue == 0 {
		t.Errorf("the demo data lacks surveys %d, needs %d, complaints %d, first deals %d or overdue actions %d in the range",
			surveys, needs, complaints, cycleN, overdue)
	}
	// Each drill line lists the customers behind the figure: the
	// numerator's customers for the rates of customers, the customers with
	// such rows for the figures of rows.
	for code, w := range want {
		if code != analytics.RepurchaseGrowth {
			drills[code] = int(w.n)
		}
	}
	drills[analytics.NeedResolutionDays] = drills[analytics.NeedResolutionRate]
	drills[analytics.SalesCycleKPI] = drills[analytics.PotentialConversion] // the customers whose first deal is in the range
	drills[analytics.RepurchaseGrowth] = drills[analytics.RepurchaseRate]
	drills[analytics.ServiceOnTime] = onTimeCustomers // rows counted: the customers with a request of the range resolved on time
	drills[analytics.ServiceHours] = hoursCustomers
	drills[analytics.TasksOnTime] = tasksOnTimeCustomers // the customers with a task of the range done on time
	if w := want[analytics.TasksOnTime]; w.n == 0 || w.n == w.d {
		t.Errorf("tasks of the range done: %d on time of %d: the test proves little", w.n, w.d)
	}
	for code, n := range drills {
		k := got[code]
		if k.Drill == nil {
			t.Errorf("%s: no drill line", code)
			continue
		}
		f, err := segment.FilterOf(nil, *k.Drill, segment.Options{Now: now, Loc: shanghai})
		if err != nil {
			t.Fatalf("%s: drill %q: %v", code, *k.Drill, err)
		}
		a := manager()
		c, err := s.Customers().Counts(context.Background(), []crm.Filter{f}, crm.CountQuery{Scope: crm.ScopeActive, User: a.UserID, Viewer: &a})
		if err != nil {
			t.Fatal(err)
		}
		if c[0] != n {
			t.Errorf("%s: drill %q lists %d customers, want %d", code, *k.Drill, c[0], n)
		}
	}
	// Targets: the seeds' four, and whether they are met.
	for code, target := range map[analytics.KPICode]string{analytics.HighValueRetention: "90.00",
		analytics.PotentialConversion: "20.00", analytics.AvgSatisfactionKPI: "85.00", analytics.RepurchaseGrowth: "15.00"} {
		k := got[code]
		if str(k.Target) != target || (k.Value != nil && k.TargetMet == nil) {
			t.Errorf("%s: target %s met %v", code, str(k.Target), k.TargetMet)
		}
	}
	// The KPIs as of now have no previous figures; the others have.
	for _, code := range []analytics.KPICode{analytics.OverdueNextActions, analytics.CadenceKept} {
		if k := got[code]; k.Previous != nil || k.Change != nil {
			t.Errorf("%s: previous %s change %s, want none (as of now)", code, str(k.Previous), str(k.Change))
		}
	}
	if k := got[analytics.ServiceOnTime]; k.Previous == nil || got[analytics.ServiceHours].Previous == nil {
		t.Errorf("service requests: no previous figures (%s, %s)", str(k.Previous), str(got[analytics.ServiceHours].Previous))
	}
	if u := got[analytics.ServiceHours].Unit; u != analytics.Hours {
		t.Errorf("service hours in %s", u)
	}
	// The previous year's figures are there and the change is their difference.
	k := got[analytics.PotentialConversion]
	if k.Previous == nil || k.Change == nil {
		t.Fatalf("conversion without previous figures: %+v", k)
	}
	v, _ := new(big.Rat).SetString(*k.Value)
	p, _ := new(big.Rat).SetString(*k.Previous)
	if c := new(big.Rat).Sub(v, p).FloatString(2); c != *k.Change {
		t.Errorf("change %s, want %s", *k.Change, c)
	}
}
