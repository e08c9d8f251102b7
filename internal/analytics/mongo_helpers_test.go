package analytics_test

import (
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
)

func TestSpecAccessorsForACompilingEngine(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	day := analytics.Date{Year: 2026, Month: 3, Day: 1}
	w := &analytics.Range{First: day, Last: day}
	for _, tc := range []struct {
		spec   analytics.Spec
		loc    *time.Location
		lo, hi time.Time
	}{
		{analytics.Spec{Fact: analytics.Interactions, Loc: ny, Window: w}, ny,
			time.Date(2026, 3, 1, 0, 0, 0, 0, ny), time.Date(2026, 3, 2, 0, 0, 0, 0, ny)},
		{analytics.Spec{Fact: analytics.Deals, Loc: ny, Window: w}, time.UTC, // a date
			time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
		{analytics.Spec{Fact: analytics.Needs, Window: w}, crm.DefaultLocation, // the default zone
			time.Date(2026, 3, 1, 0, 0, 0, 0, crm.DefaultLocation), time.Date(2026, 3, 2, 0, 0, 0, 0, crm.DefaultLocation)},
	} {
		if got := tc.spec.FactLocation(); got != tc.loc {
			t.Errorf("%s: fact location %v, want %v", tc.spec.Fact, got, tc.loc)
		}
		lo, hi, ok := tc.spec.WindowMillis()
		if !ok || lo != tc.lo.UnixMilli() || hi != tc.hi.UnixMilli() {
			t.Errorf("%s: window %d %d %v, want %d %d", tc.spec.Fact, lo, hi, ok, tc.lo.UnixMilli(), tc.hi.UnixMilli())
		}
	}
	if _, _, ok := (&analytics.Spec{Fact: analytics.Deals}).WindowMillis(); ok {
		t.Error("a spec without a window has one")
	}
	// Every dimension is the fact's time, its own, or the customer's; the
	// calendar dimensions bucket another time.
	for _, f := range analytics.Facts() {
		for _, d := range f.Dimensions() {
			own := f.Own(d)
			if d.IsTime() && own {
				t.Errorf("%s: %s is a time unit and the rows' own", f, d)
			}
			if d == analytics.Channel && !own && f == analytics.Interactions || d == analytics.ValueTier && own {
				t.Errorf("%s: %s own %v", f, d, own)
			}
		}
	}
	for d, want := range map[analytics.Dimension]analytics.Dimension{analytics.CreatedMonth: analytics.Month,
		analytics.CreatedQuarter: analytics.Quarter, analytics.CreatedYear: analytics.Year, analytics.OpenedMonth: analytics.Month,
		analytics.FirstDealMonth: analytics.Month, analytics.FirstDealQuarter: analytics.Quarter, analytics.Stage: ""} {
		u, utc, ok := d.Calendar()
		if u != want || ok != (want != "") || utc != (d == analytics.FirstDealMonth || d == analytics.FirstDealQuarter) {
			t.Errorf("%s: calendar %s utc %v ok %v", d, u, utc, ok)
		}
	}
	if high, medium, _, _, _ := analytics.ScoreBands(); high != 85 || medium != 60 {
		t.Errorf("score bands %d %d", high, medium)
	}
}
