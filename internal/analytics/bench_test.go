package analytics_test

import (
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
)

// BenchmarkEvaluate groups the demo customers' rows in process, the engine
// alone: on briefs as the read model holds them (Evaluate), and on the
// columns of blocks (EvaluateBlocks, "/columns"):
//
//	go test ./internal/analytics -run '^$' -bench Evaluate -cpu 1,2
func BenchmarkEvaluate(b *testing.B) {
	cs := demo.Customers(3, 5000, now, demo.Users(now))
	for _, c := range cs {
		c.Brief, _ = crm.BriefOf(c)
		c.Interactions, c.Deals, c.Needs, c.Satisfaction, c.StageHistory = nil, nil, nil, nil, nil
		c.Partial = true
	}
	// The blocks of 512 customers the embedded store keeps, all in scope.
	var parts []analytics.Part
	for lo := 0; lo < len(cs); lo += 512 {
		p := analytics.Part{Block: analytics.NewBlock(cs[lo:min(len(cs), lo+512)])}
		for i := range p.Block.Len() {
			p.Rows = append(p.Rows, int32(i))
		}
		parts = append(parts, p)
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
		if !analytics.Columnar(&tc.spec) {
			continue
		}
		b.Run(tc.name+"/columns", func(b *testing.B) {
			start := time.Now()
			var n int64
			for range b.N {
				g, _ := analytics.EvaluateBlocks(&tc.spec, parts)
				n += g.Total.Count
			}
			b.ReportMetric(float64(n)/time.Since(start).Seconds()/1e6, "Mrows/s")
		})
	}
}
