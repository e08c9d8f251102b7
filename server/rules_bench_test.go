package main

// The classification rules' dry run on the embedded default
// (docs/PERFORMANCE.md, "Classification rules"):
//
//	KEHU_BENCH_SIZES=10000,50000 go test -run '^$' -bench BenchmarkRulesPreview -benchtime 10x -v -timeout 60m ./server
//
// previewRules of the default rules over every customer, over HTTP (median
// and p90), as a manager.

import (
	"fmt"
	"testing"
)

func BenchmarkRulesPreview(b *testing.B) {
	for _, n := range benchSizes() {
		dir := benchData(b, n)
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			a, _, _ := startBenchApp(b, dir, n)
			defer a.Close()
			ts := benchServer(b, a)
			token := ts.login(&testing.T{}, "manager@kehu.local", DemoPassword)
			medianOver(b, ts, token, `{ previewRules(first: 50) { customers changed transitions { field from to customers } lint { kind message } } }`)
		})
	}
}
