package analytics_test

import (
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
)

// BenchmarkEvaluate groups the demo customers' interactions by month and
// channel in process (the engine alone, on briefs as the read model holds
// them):
//
//	go test ./internal/analytics -run '^$' -bench Evaluate -cpu 1,2
func BenchmarkEvaluate(b *testing.B) {
	cs := demo.Customers(3, 5000, now, demo.Users(now))
	var rows int64
	for _, c := range cs {
		c.Brief, _ = crm.BriefOf(c)
		rows += int64(len(c.Interactions))
		c.Interactions, c.Deals, c.Needs, c.Satisfaction, c.StageHistory = nil, nil, nil, nil, nil
		c.Partial = true
	}
	for _, tc := range []struct {
		name string
		spec analytics.Spec
	}{
		{"interactions-by-month-and-channel", analytics.Spec{Fact: analytics.Interactions, Loc: shanghai, Now: now,
			Dims: []analytics.Dimension{analytics.Month, analytics.Channel}}},
		{"interactions-by-week-owner-tag", analytics.Spec{Fact: analytics.Interactions, Loc: shanghai, Now: now,
			Dims: []analytics.Dimension{analytics.Week, analytics.Owner, analytics.Tag}}},
		{"customers-by-industry", analytics.Spec{Fact: analytics.Customers, Loc: shanghai, Now: now,
			Dims: []analytics.Dimension{analytics.Industry}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			start := time.Now()
			var n int64
			for range b.N {
				g, _ := analytics.Evaluate(&tc.spec, cs)
				n += g.Total.Count
			}
			b.ReportMetric(float64(n)/time.Since(start).Seconds()/1e6, "Mrows/s")
		})
	}
	_ = rows
}
