package main

// The classification pass on the embedded default (docs/PERFORMANCE.md,
// "Classification rules"):
//
//	KEHU_BENCH_SIZES=10000,50000 go test -run '^$' -bench BenchmarkClassificationPass -benchtime 1x -v -timeout 60m ./server
//
// A copy of the demo data is moved forward one day at a time, at 01:00 in
// Shanghai, and the pass runs once a day: its time, the customers it
// visits and changes. It runs twice on fresh copies: alone (writer=none,
// the night it is scheduled for), and with a writer beside it that logs an
// interaction on random customers without pause (writer=nonstop, taking
// one of the two cores): its write times with the pass running are set
// against the same writes with no pass (writers wait for one batch write
// at most).

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
)

// passDays is how many daily passes each run makes.
const passDays = 10

func BenchmarkClassificationPass(b *testing.B) {
	for _, n := range benchSizes() {
		src := benchData(b, n)
		for _, nonstop := range []bool{false, true} {
			name := fmt.Sprintf("customers=%d/writer=none", n)
			if nonstop {
				name = fmt.Sprintf("customers=%d/writer=nonstop", n)
			}
			b.Run(name, func(b *testing.B) {
				a, _, _ := startBenchApp(b, benchCopy(b, src), n)
				defer a.Close()
				ctx := context.Background()
				clock := a.clock.(*crm.FixedClock)
				// The first pass after the start applies the rule set to every
				// customer once (the demo is classified already: it changes
				// nothing); then one pass a day.
				start := time.Now()
				first, err := a.rules.Pass(ctx, "bench")
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("n=%d full pass: %v, %d visited, %d changed", n, time.Since(start).Round(time.Millisecond), first.Visited, first.Changed)

				ids := customerIDs(b, a, 500)
				sales := crm.Actor{UserID: demo.UserID(0), Role: crm.RoleManager}
				write := func(r *rand.Rand) time.Duration {
					t0 := time.Now()
					if _, err := a.crm.LogInteraction(ctx, sales, ids[r.IntN(len(ids))], nil,
						crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "基准电话回访"}); err != nil {
						b.Fatal(err)
					}
					return time.Since(t0)
				}
				r := rand.New(rand.NewPCG(1, 2))
				var alone timings
				for range 200 {
					alone = append(alone, write(r))
				}

				var took timings
				var during timings
				visited, changed := 0, 0
				day0 := time.Date(testNow.Year(), testNow.Month(), testNow.Day()+1, 1, 0, 0, 0, crm.DefaultLocation)
				for d := range passDays {
					clock.Advance(day0.AddDate(0, 0, d).Sub(clock.Now()))
					var wg sync.WaitGroup
					done := make(chan struct{})
					var mu sync.Mutex
					wg.Add(1)
					go func() { // the writer
						defer wg.Done()
						if !nonstop {
							return
						}
						r := rand.New(rand.NewPCG(uint64(d), 3))
						for {
							select {
							case <-done:
								return
							default:
							}
							t := write(r)
							mu.Lock()
							during = append(during, t)
							mu.Unlock()
						}
					}()
					t0 := time.Now()
					res, err := a.rules.Pass(ctx, "bench")
					took = append(took, time.Since(t0))
					close(done)
					wg.Wait()
					if err != nil || res.Skipped || res.Full {
						b.Fatalf("day %d: %+v %v", d+1, res, err)
					}
					visited += res.Visited
					changed += res.Changed
				}
				slicesMax := func(t timings) time.Duration {
					m := time.Duration(0)
					for _, x := range t {
						m = max(m, x)
					}
					return m
				}
				b.ReportMetric(float64(took.median().Milliseconds()), "pass-p50-ms")
				b.ReportMetric(float64(slicesMax(took).Milliseconds()), "pass-max-ms")
				b.ReportMetric(float64(visited)/passDays, "visited/day")
				b.ReportMetric(float64(changed)/passDays, "changed/day")
				b.Logf("%s: daily pass over %d days: median %v, slowest %v; %.0f customers visited and %.0f changed a day",
					name, passDays, took.median().Round(time.Millisecond), slicesMax(took).Round(time.Millisecond), float64(visited)/passDays, float64(changed)/passDays)
				if !nonstop {
					return
				}
				b.Logf("a write alone: median %v, p99 %v, max %v; during the passes (%d writes): median %v, p99 %v, max %v",
					alone.median().Round(10*time.Microsecond), alone.quantile(0.99).Round(10*time.Microsecond), slicesMax(alone).Round(10*time.Microsecond),
					len(during), during.median().Round(10*time.Microsecond), during.quantile(0.99).Round(10*time.Microsecond), slicesMax(during).Round(10*time.Microsecond))
			})
		}
	}
}

// customerIDs returns the ids of the first n active customers by code.
func customerIDs(b *testing.B, a *app, n int) []string {
	page, err := a.store.Customers().List(context.Background(), crm.ListQuery{OrderBy: crm.OrderCode, First: n})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for _, c := range page.Customers {
		ids = append(ids, c.ID)
	}
	return ids
}

// benchCopy copies the demo data of src into the benchmark's temporary
// directory, for benchmarks that write.
func benchCopy(b *testing.B, src string) string {
	dir := filepath.Join(b.TempDir(), "data")
	if out, err := exec.Command("cp", "-r", src, dir).CombinedOutput(); err != nil {
		b.Fatalf("copy the demo data: %v %s", err, out)
	}
	return dir
}
