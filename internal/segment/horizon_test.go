package segment_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
	. "github.com/kehu-crm/kehu/internal/segment"
)

// NextChange is never late: between now and two minutes before the
// instant it gives (its precision: the bracket is halved down to a minute
// and rounded up to one), the filter's result stays as it is now, and
// from the instant on a filter with one relative comparison on a single
// value has flipped. Walked forward through time on demo customers,
// with a zone other than the default too.
func TestNextChangeIsNeverLate(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 30, 0, 0, time.UTC)
	customers := demo.Customers(23, 60, now, demo.Users(now))
	lines := []struct {
		line   string
		single bool // one relative comparison of one value: every crossing flips it
	}{
		{"first-deal:<6m", true},
		{"last-deal:<=3m", true},
		{"last-deal:>6m", true},
		{"first-deal:>=12m last-deal:<=6m", false},
		{"deals.sum(date:<=12m):>=100000", false},
		{"deal-change(12m):<=-30", false},
		{"deal-change(3m):>=0", false},
		{"interactions.some(event:COMPLAINT at:<=90d)", false},
		{"interactions.some(channel:VISIT at:<=30d)", false},
		{"interactions.count(channel:PHONE at:<=60d):>=2", false},
		{"interactions.some(channel:VISIT (at:<=30d OR event:SIGNED))", false},
		{"-interactions.some(at:<=30d)", false},
		{"last-contact:<14d", true},
		{"created:<=60d", true},
		{"created:>2m", true},
		{"interactions.count(at:<=2w):>=2", false},
		{"surveys.some(at:<=1y)", false},
		{"needs.some(opened:<=60d)", false},
		{"stages.some(at:<=7d)", false},
		{"last-deal:1m..3m", false},
		{"interactions.some(at:1w..2w)", false},
		{"tier:A", false}, // no relative time: never changes by itself
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, loc := range []*time.Location{crm.DefaultLocation, time.FixedZone("UTC-5", -5*3600)} {
		match := func(t *testing.T, line string, c *crm.Customer, at time.Time) (bool, *Filter) {
			t.Helper()
			f, err := FilterOf(nil, line, Options{Now: at, Loc: loc})
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f.Match(c), f
		}
		for _, tc := range lines {
			flips := 0
			for _, c := range customers {
				at := now
				for step := 0; step < 8; step++ {
					was, f := match(t, tc.line, c, at)
					next := f.NextChange(c)
					if next.IsZero() {
						if later, _ := match(t, tc.line, c, at.AddDate(5, 0, 0)); later != was {
							t.Errorf("%s on %s at %v: no next change, yet the result differs five years on", tc.line, c.Code, at)
						}
						break
					}
					if !next.After(at) {
						t.Fatalf("%s on %s at %v: next change %v is not after now", tc.line, c.Code, at, next)
					}
					last := next.Add(-2 * time.Minute)
					samples := []time.Time{last}
					for range 4 {
						if span := last.Sub(at); span > 0 {
							samples = append(samples, at.Add(time.Duration(r.Int64N(int64(span)))))
						}
					}
					for _, s := range samples {
						if s.After(at) {
							if got, _ := match(t, tc.line, c, s); got != was {
								t.Errorf("%s on %s: %v at %v, %v at %v, before the next change %v", tc.line, c.Code, was, at, got, s, next)
							}
						}
					}
					if now, _ := match(t, tc.line, c, next); now != was {
						flips++
					} else if tc.single {
						t.Errorf("%s on %s: still %v at the next change %v (from %v)", tc.line, c.Code, was, next, at)
					}
					at = next
				}
			}
			if tc.line != "tier:A" && flips == 0 {
				t.Errorf("%s (%v): no customer's result ever changed: the test shows nothing", tc.line, loc)
			}
		}
	}
}
