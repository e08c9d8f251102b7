package main

// BenchmarkExport times whole exports over HTTP on 2,000 demo customers
// (the demo data's default size), as the demo manager (contacts in full):
//
//	go test -run '^$' -bench BenchmarkExport -benchtime 20x ./server
//
// The database is generated once into the temp directory, like
// BenchmarkServer's (KEHU_BENCH_FRESH=1 rebuilds).

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/export"
)

func BenchmarkExport(b *testing.B) {
	const n = 2000
	dir := benchData(b, n)
	cfg := testConfig(&testing.T{}, dir)
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler), crm.NewFixedClock(testNow), io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	ts := benchServer(b, a)
	token := ts.login(&testing.T{}, "manager@kehu.local", DemoPassword)
	client := ts.Client()

	all := strings.Join(export.Keys(), ",")
	for _, bc := range []struct{ name, format, params string }{
		{"csv/default", "csv", ""},
		{"csv/all-columns", "csv", "columns=" + all},
		{"csv/lean-columns", "csv", "columns=code,name,stage,valueTier,owner,totalAmount,lastInteractionAt"},
		{"csv/nested-filter", "csv", "query=visits(90d):%3E%3D3"},
		{"xlsx/default", "xlsx", ""},
		{"xlsx/all-columns", "xlsx", "columns=" + all},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var size int64
			var peak uint64
			var lines int
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				req, _ := http.NewRequest(http.MethodGet, ts.URL+"/export/customers."+bc.format+"?"+bc.params, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Accept-Encoding", "identity")
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				lc := &lineCounter{}
				size, err = io.Copy(lc, resp.Body)
				lines = lc.n
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d, %v", resp.StatusCode, err)
				}
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			b.ReportMetric(float64(size)/1e6, "MB/file")
			if bc.format == "csv" {
				b.ReportMetric(float64(lines-1), "rows")
			}
			b.ReportMetric(float64(peak)/1e6, "heap-MB")
		})
	}
}

// lineCounter counts the CRLF-ended lines of a CSV export (no field of the
// demo data holds a line break).
type lineCounter struct{ n int }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n += bytes.Count(p, []byte("\r\n"))
	return len(p), nil
}
