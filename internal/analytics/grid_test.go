package analytics

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestGridFindsTheBucketersBuckets checks the grid's constant-time lookup
// against the bucketer's calendar conversion for every unit, in zones
// with daylight saving time, half- and three-quarter-hour offsets, a
// half-hour saving shift (Lord Howe), a skipped calendar day (Apia,
// 2011-12-30) and a day repeated (Kwajalein, 1969 → 1993), at random times
// and at every bucket boundary of the stretch and the millisecond before.
func TestGridFindsTheBucketersBuckets(t *testing.T) {
	zones := []string{"Asia/Shanghai", "UTC", "America/New_York", "Europe/London", "America/St_Johns",
		"Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Apia", "Pacific/Kwajalein", "America/Sao_Paulo"}
	r := rand.New(rand.NewPCG(3, 16))
	for _, name := range zones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range TimeUnits {
			for _, stretch := range [][2]time.Time{
				{time.Date(2011, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2012, 2, 1, 0, 0, 0, 0, time.UTC)},
				{time.Date(1993, 8, 1, 0, 0, 0, 0, time.UTC), time.Date(1993, 9, 1, 0, 0, 0, 0, time.UTC)},
				{time.Date(2019, 1, 1, 7, 13, 0, 0, time.UTC), time.Date(2026, 12, 6, 23, 59, 59, 999e6, time.UTC)},
				{time.Date(2026, 3, 1, 0, 0, 0, 0, loc), time.Date(2026, 3, 1, 0, 0, 0, 0, loc)}, // one instant
			} {
				lo, hi := stretch[0].UnixMilli(), stretch[1].UnixMilli()
				gb := newBucketer(u, loc)
				g, ok := newGrid(gb, lo, hi)
				if !ok {
					t.Fatalf("%s %s: no grid over %v", name, u, stretch)
				}
				ref := newBucketer(u, loc)
				check := func(ms int64) {
					if ms < lo || ms > hi {
						return
					}
					// The grid's ids are its bucketer's; compare keys.
					if got, want := gb.keys[g.id(ms)], ref.key(ms); got != want {
						t.Fatalf("%s %s at %s: grid %q, calendar %q", name, u, time.UnixMilli(ms).In(loc), got, want)
					}
				}
				for range 2000 {
					check(lo + r.Int64N(hi-lo+1))
				}
				for _, s := range ref.spans {
					check(s.lo)
					check(s.lo - 1)
					check(s.hi)
					check(s.hi - 1)
				}
				check(lo)
				check(hi)
			}
		}
	}
}

// A stretch needing too many slots has no grid (the engine then asks the
// bucketer row by row).
func TestGridRefusesAHugeStretch(t *testing.T) {
	lo := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	hi := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	if _, ok := newGrid(newBucketer(Day, time.UTC), lo, hi); ok {
		t.Fatal("a grid of days over 9,998 years")
	}
	if _, ok := newGrid(newBucketer(Year, time.UTC), lo, hi); ok {
		t.Fatal("a grid of 24.9-day slots over 9,998 years")
	}
}

// TestBucketsTileTime: consecutive buckets meet exactly, with no gap,
// overlap or empty bucket, also where a zone skips a midnight or a whole
// day (the bucketer once made a new empty span for every time of
// Samoa's 2011-12-29).
func TestBucketsTileTime(t *testing.T) {
	for _, name := range []string{"Pacific/Apia", "America/Sao_Paulo", "Asia/Shanghai", "America/Havana", "Asia/Beirut"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		b := newBucketer(Day, loc)
		lo, hi := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
		for ms := lo; ms < hi; ms += 3600_000 {
			b.find(ms)
		}
		for i, s := range b.spans {
			if s.hi <= s.lo {
				t.Fatalf("%s: empty day %s", name, s.key)
			}
			if i > 0 && b.spans[i-1].hi != s.lo {
				t.Fatalf("%s: %s ends at %d, %s starts at %d", name, b.spans[i-1].key, b.spans[i-1].hi, s.key, s.lo)
			}
		}
		if b.created != len(b.spans) {
			t.Fatalf("%s: %d spans made for %d days", name, b.created, len(b.spans))
		}
	}
}
