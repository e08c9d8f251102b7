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
)

// TestFunnelMatchesPlainLoops recomputes every step from the documents, and
// runs each step's drill line.
func TestFunnelMatchesPlainLoops(t *testing.T) {
	s, all := demoStore(t)
	svc := service(s)
	ctx := context.Background()
	f, err := svc.Funnel(ctx, analytics.FunnelRequest{Actor: manager(), Range: dateRange(2025, 1, 1, 2026, 11, 30), Locale: crm.LocaleZhCN})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := time.Date(2025, 1, 1, 0, 0, 0, 0, shanghai), time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai)
	stages := analytics.FunnelStages
	want := make([]int, len(stages))
	gaps := make([][]int64, len(stages))
	for _, c := range active(all) {
		if c.CreatedAt.Before(lo) || !c.CreatedAt.Before(hi) {
			continue
		}
		best := 0
		reach := func(st crm.Stage) {
			if st == crm.StageAfterSales {
				st = crm.StageWon
			}
			if i := slices.Index(stages, st); i+1 > best {
				best = i + 1
			}
		}
		reach(c.Stage)
		for i, h := range c.StageHistory {
			reach(h.To)
			if i > 0 && h.From != "" && h.To != crm.StageLost && h.To.Rank() > h.From.Rank() {
				if j := slices.Index(stages, h.From); j >= 0 && j+1 < len(stages) {
					gaps[j+1] = append(gaps[j+1], max(0, h.At.Sub(c.StageHistory[i-1].At).Milliseconds()))
				}
			}
		}
		for i := 0; i < best; i++ {
			want[i]++
		}
	}
	if len(f.Steps) != len(stages) || want[0] == 0 || want[len(want)-1] == 0 {
		t.Fatalf("%d steps; the loop found %v", len(f.Steps), want)
	}
	opts := segment.Options{Now: now, Loc: shanghai}
	for i, st := range f.Steps {
		if st.Customers != want[i] {
			t.Errorf("%s: %d customers, want %d", st.Stage, st.Customers, want[i])
		}
		if i > 0 && want[i-1] > 0 && (st.ConversionFromPrevious == nil || *st.ConversionFromPrevious != float64(want[i])/float64(want[i-1])) {
			t.Errorf("%s: conversion %v", st.Stage, st.ConversionFromPrevious)
		}
		if g := gaps[i]; len(g) > 0 {
			slices.Sort(g)
			twice := 2 * g[len(g)/2]
			if len(g)%2 == 0 {
				twice = g[len(g)/2-1] + g[len(g)/2]
			}
			if w := new(big.Rat).SetFrac64(twice, 2*86_400_000).FloatString(2); st.MedianDaysFromPrevious == nil || *st.MedianDaysFromPrevious != w {
				t.Errorf("%s: median days %v, want %s", st.Stage, st.MedianDaysFromPrevious, w)
			}
		}
		fl, err := segment.FilterOf(nil, *st.Drill, opts)
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Customers().Counts(ctx, []crm.Filter{fl}, crm.CountQuery{Scope: crm.ScopeActive})
		if err != nil || n[0] != st.Customers {
			t.Errorf("%s: drill %q lists %v (%v), want %d", st.Stage, *st.Drill, n, err, st.Customers)
		}
	}
	if f.Steps[1].Label != "初步接触" {
		t.Errorf("label %q", f.Steps[1].Label)
	}
}
