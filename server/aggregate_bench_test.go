package main

// Aggregates on the embedded default (docs/PERFORMANCE.md, "Aggregates"):
//
//	KEHU_BENCH_SIZES=10000,50000 go test -run '^$' -bench BenchmarkAggregates -benchtime 10x -v -timeout 60m ./server
//
// For each size: every aggregate of the dashboard over HTTP (median of
// the runs), the dashboard's whole request, and in process the fact rows
// grouped per second by the engine on one core and on all of them.

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
)

var dashboardParts = map[string]string{
	"tiers":        `tiers: customersAggregate(groupBy: [VALUE_TIER]) { groups { keys labels customers drill } }`,
	"stages":       `stages: customersAggregate(groupBy: [STAGE], orderBy: {by: KEY}) { groups { keys labels customers drill } }`,
	"newCustomers": `newCustomers: customersAggregate(groupBy: [MONTH], range: {last: 12, unit: MONTH}) { groups { keys labels count } }`,
	"amount":       `amount: dealsAggregate(groupBy: [MONTH], range: {last: 12, unit: MONTH}) { groups { keys labels sum(metric: AMOUNT) } }`,
	"channels":     `channels: interactionsAggregate(groupBy: [MONTH, CHANNEL], range: {last: 12, unit: MONTH}, limit: 10) { groups { keys labels count drill } }`,
	"needs":        `needs: needsAggregate(groupBy: [STATUS, PRIORITY]) { groups { keys labels count drill } }`,
	"industries":   `industries: customersAggregate(groupBy: [INDUSTRY], limit: 10) { groups { labels customers other drill } }`,
	"sources":      `sources: customersAggregate(groupBy: [SOURCE], limit: 10) { groups { labels customers other drill } }`,
	"kpis":         `kpis(range: {last: 1, unit: MONTH}) { kpis { code value previous change target targetMet } }`,
	"funnel":       `funnel { steps { stage customers conversionFromPrevious medianDaysFromPrevious } }`,
}

func BenchmarkAggregates(b *testing.B) {
	for _, n := range benchSizes() {
		dir := benchData(b, n)
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			a, ready, heap := startBenchApp(b, dir, n)
			defer a.Close()
			b.Logf("n=%d ready in %v; heap %d B/customer (read model)", n, ready.Round(time.Millisecond), heap)
			ts := benchServer(b, a)
			token := ts.login(&testing.T{}, "manager@kehu.local", DemoPassword)
			keys := make([]string, 0, len(dashboardParts))
			for k := range dashboardParts {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			var all []string
			for _, k := range keys {
				all = append(all, dashboardParts[k])
				k := k
				b.Run(k, func(b *testing.B) { medianOver(b, ts, token, "{ "+dashboardParts[k]+" }") })
			}
			b.Run("dashboard", func(b *testing.B) { medianOver(b, ts, token, "{ "+strings.Join(all, "\n")+" }") })

			// In process: interactions by month and channel, one core and all;
			// each group's count and customers, what the dashboard's chart reads
			// (no metric).
			eng := a.store.(analytics.Engine)
			spec := &analytics.Spec{Fact: analytics.Interactions, Archive: crm.ScopeAll, Loc: crm.DefaultLocation, Now: testNow,
				Dims: []analytics.Dimension{analytics.Month, analytics.Channel}, Metrics: []analytics.Metric{},
				Viewer: &crm.Actor{UserID: demo.UserID(0), Role: crm.RoleManager}}
			for _, procs := range []int{1, runtime.NumCPU()} {
				b.Run(fmt.Sprintf("engine/interactions-by-month-and-channel/cpu=%d", procs), func(b *testing.B) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
					var rows int64
					start := time.Now()
					for range b.N {
						g, err := eng.Aggregate(context.Background(), spec)
						if err != nil {
							b.Fatal(err)
						}
						rows += g.Total.Count
					}
					el := time.Since(start)
					b.ReportMetric(float64(rows)/el.Seconds()/1e6, "Mrows/s")
					b.ReportMetric(float64(el.Milliseconds())/float64(b.N), "ms/agg")
				})
			}
			// The columns the aggregates built (one block per chunk of the
			// read model, on its first aggregate).
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			a.store.(interface{ DropBlocks() }).DropBlocks()
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.Logf("n=%d the aggregates' columns: %d B/customer", n, (int64(before.HeapAlloc)-int64(after.HeapAlloc))/int64(n))
		})
	}
}

// medianOver sends the query b.N times and reports the median latency.
func medianOver(b *testing.B, ts *testServer, token, query string) {
	lat := make([]time.Duration, 0, b.N)
	for range b.N {
		start := time.Now()
		r := ts.post(&testing.T{}, token, query, nil)
		lat = append(lat, time.Since(start))
		if len(r.Errors) > 0 || r.status != http.StatusOK {
			b.Fatalf("%s: %+v", query, r.Errors)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds())/1000, "ms-p90")
}
