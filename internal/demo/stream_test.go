package demo

import (
	"context"
	"testing"
	"time"
)

// BenchmarkStream measures what Load does besides the store's own writes:
// generating and encoding 50,000 customers, batch by batch.
//
//	go test -run '^$' -bench Stream -benchtime 1x ./internal/demo/
func BenchmarkStream(b *testing.B) {
	const n = 50_000
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	var bytes int
	for b.Loop() {
		bytes = 0
		g := newGenerator(1, n, now, Users(now))
		err := g.stream(context.Background(), func(docs [][]byte) error {
			for _, d := range docs {
				bytes += len(d)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "customers/s")
	b.ReportMetric(float64(bytes)/n, "B/customer")
}
