package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// TestCohortsMatchPlainLoops recomputes the retention matrix by first-deal
// month and deals, and by creation quarter and interactions.
func TestCohortsMatchPlainLoops(t *testing.T) {
	s, all := demoStore(t)
	svc := service(s)
	ctx := context.Background()
	cs := active(all)
	type tc struct {
		q        analytics.CohortRequest
		cohortOf func(c *crm.Customer) (time.Time, bool) // the cohort's time
		unitOf   func(t time.Time) string
		activity func(c *crm.Customer) []time.Time
	}
	month := func(t time.Time) string { return t.Format("2006-01") }
	quarter := func(t time.Time) string {
		return t.Format("2006") + "-Q" + string(rune('1'+(int(t.Month())-1)/3))
	}
	for _, c := range []tc{
		{analytics.CohortRequest{Actor: manager(), Range: dateRange(2025, 6, 1, 2026, 5, 31), Periods: 6},
			func(c *crm.Customer) (time.Time, bool) { return c.Stats.FirstDealOn, !c.Stats.FirstDealOn.IsZero() },
			month,
			func(c *crm.Customer) []time.Time {
				var ts []time.Time
				for _, d := range c.Deals {
					ts = append(ts, d.Date)
				}
				return ts
			}},
		{analytics.CohortRequest{Actor: manager(), Range: dateRange(2025, 1, 1, 2026, 12, 31), Periods: 4,
			By: analytics.ByCreated, Activity: analytics.ActivityInteraction, Unit: analytics.Quarter},
			func(c *crm.Customer) (time.Time, bool) { return c.CreatedAt.In(shanghai), true },
			quarter,
			func(c *crm.Customer) []time.Time {
				var ts []time.Time
				for _, x := range c.Interactions {
					ts = append(ts, x.At.In(shanghai))
				}
				return ts
			}},
	} {
		res, err := svc.Cohorts(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		size := map[string]int{}
		active := map[[2]string]map[string]bool{}
		for _, x := range cs {
			at, ok := c.cohortOf(x)
			if !ok {
				continue
			}
			key := c.unitOf(at)
			size[key]++
			for _, t := range c.activity(x) {
				if t.After(now) {
					continue
				}
				k := [2]string{key, c.unitOf(t)}
				if active[k] == nil {
					active[k] = map[string]bool{}
				}
				active[k][x.ID] = true
			}
		}
		cells := 0
		for _, co := range res.Cohorts {
			if co.Size != size[co.Key] {
				t.Errorf("%v cohort %s: size %d, want %d", c.q.By, co.Key, co.Size, size[co.Key])
			}
			for _, p := range co.Periods {
				if want := len(active[[2]string{co.Key, p.Key}]); p.Active != want {
					t.Errorf("%v cohort %s period %d (%s): %d active, want %d", c.q.By, co.Key, p.Index, p.Key, p.Active, want)
				}
				if p.Active > 0 {
					cells++
				}
			}
			if co.Drill == nil {
				t.Fatalf("cohort %s without a drill line", co.Key)
			}
			f, err := segment.FilterOf(nil, *co.Drill, segment.Options{Now: now, Loc: shanghai})
			if err != nil {
				t.Fatal(err)
			}
			n, _ := s.Customers().Counts(ctx, []crm.Filter{f}, crm.CountQuery{Scope: crm.ScopeActive})
			if n[0] != co.Size {
				t.Errorf("cohort %s: drill %q lists %d, size %d", co.Key, *co.Drill, n[0], co.Size)
			}
		}
		if cells < 5 {
			t.Errorf("%v: only %d cells with activity: the test proves little", c.q.By, cells)
		}
		// The running period is marked incomplete, and none after it is listed.
		lastCohort := res.Cohorts[len(res.Cohorts)-1]
		if n := len(lastCohort.Periods); n > 0 && lastCohort.Periods[n-1].Complete && lastCohort.Periods[n-1].Key == c.unitOf(now.In(shanghai)) {
			t.Errorf("the current period is marked complete")
		}
	}
}
