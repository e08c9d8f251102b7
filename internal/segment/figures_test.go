package segment_test

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
	. "github.com/kehu-crm/kehu/internal/segment"
)

// The figures of a rule's terms: a customer field's value and a count or a
// sum as the filter computes it; terms without one value give none.
func TestFigures(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 30, 0, 0, time.UTC)
	o := Options{Now: now, Loc: crm.DefaultLocation}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	c := &crm.Customer{ID: "x", ValueTier: crm.TierA, Tags: []string{"VIP"},
		Deals: []crm.Deal{
			{ID: "d1", Amount: 40_000_000, Date: day(2024, 5, 3)},  // 400,000 yuan, outside the last 24 months
			{ID: "d0", Amount: 50_000_000, Date: day(2025, 6, 1)},  // in the 12 months before the last 12
			{ID: "d2", Amount: 45_000_000, Date: day(2026, 1, 10)}, // inside
			{ID: "d3", Amount: 17_000_000, Date: day(2026, 11, 1)}, // inside
		},
		Interactions: []crm.Interaction{{ID: "i", At: now.Add(-48 * time.Hour), Channel: crm.ChannelVisit}},
	}
	c.Recompute()
	n, err := Parse("deals.sum(date:<=12m):>=500000 first-deal:>=24m tier:A -tag:x interactions.some(channel:VISIT) visits(30d):>=1 satisfaction:none deal-change(12m):>=20 deal-change(1m):<0 deal-change(2w):<0")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range Figures(n, c, o) {
		got[f.Term] = f.Value
	}
	want := map[string]string{
		"deals(12m):>=500000":   "620000.00", // the shorthand Format writes
		"first-deal:>=24m":      "2024-05-03",
		"tier:A":                "A",
		"-tag:x":                "VIP",
		"visits(30d):>=1":       "1",
		"satisfaction:none":     "",
		"deal-change(12m):>=20": "+24%",  // 620,000 against 500,000
		"deal-change(1m):<0":    "-100%", // 0 against the 170,000 of November
		"deal-change(2w):<0":    "",      // no deals in the fortnight before the last: no change
	}
	if len(got) != len(want) {
		t.Errorf("figures %v, want %v", got, want)
	}
	for term, v := range want {
		if g, ok := got[term]; !ok || g != v {
			t.Errorf("%s: %q (present %v), want %q", term, g, ok, v)
		}
	}
}

// A sum's or count's figure decides the term as the filter does: the
// figure against the threshold is the term's match, on demo customers.
func TestFiguresAgreeWithMatch(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 30, 0, 0, time.UTC)
	o := Options{Now: now, Loc: crm.DefaultLocation}
	lines := []string{"deals.sum(date:<=12m):>=100000", "deals.sum():>=500000", "interactions.count(channel:VISIT at:<=90d):>=3",
		"deals.count(date:<=6m):>=1", "needs.count(status:OPEN):>=1",
		"deal-change(12m):>=30", "deal-change(6m):>=-50", "deal-change(3m):>=0"}
	changes := map[string]int{} // the change lines with a figure, by line and match
	defer func() {
		for _, line := range lines {
			if strings.HasPrefix(line, "deal-change") && (changes[line+"true"] == 0 || changes[line+"false"] == 0) {
				t.Errorf("%s: the demo customers with a change match %d, miss %d: the test tells nothing", line, changes[line+"true"], changes[line+"false"])
			}
		}
	}()
	for _, c := range demo.Customers(29, 300, now, demo.Users(now)) {
		for _, line := range lines {
			n, err := Parse(line)
			if err != nil {
				t.Fatal(err)
			}
			f, err := NewFilter(n, o)
			if err != nil {
				t.Fatal(err)
			}
			figs := Figures(n, c, o)
			if len(figs) != 1 {
				t.Fatalf("%s: %d figures", line, len(figs))
			}
			if agg := n.(Agg); agg.Fn == Change {
				// A percent with one decimal; none (no earlier deals) never matches.
				if figs[0].Value == "" {
					if f.Match(c) {
						t.Errorf("%s on %s: no change, but matches", line, c.Code)
					}
					continue
				}
				changes[line+strconv.FormatBool(f.Match(c))]++
				v, err := strconv.ParseFloat(strings.TrimSuffix(figs[0].Value, "%"), 64)
				if limit := float64(agg.Value.(Int)); err != nil || (math.Abs(v-limit) > 0.05 && (v >= limit) != f.Match(c)) {
					t.Errorf("%s on %s: figure %s, match %v", line, c.Code, figs[0].Value, f.Match(c))
				}
				continue
			}
			v, err := strconv.ParseFloat(figs[0].Value, 64)
			if err != nil {
				t.Fatalf("%s: figure %q", line, figs[0].Value)
			}
			agg := n.(Agg)
			var limit float64
			switch x := agg.Value.(type) {
			case Money:
				limit = float64(x) / 100
			case Int:
				limit = float64(x)
			}
			if (v >= limit) != f.Match(c) {
				t.Errorf("%s on %s: figure %s, match %v", line, c.Code, figs[0].Value, f.Match(c))
			}
		}
	}
}
