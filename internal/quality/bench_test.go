package quality_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
	"github.com/kehu-crm/kehu/internal/quality"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// The benchmarks read a SQLite store of 50,000 demo customers (about 7 ms
// each to write: minutes to build), built once per process, or once for
// good in -kehu.benchdir:
//
//	go test ./internal/quality/ -run '^$' -bench . -benchtime 5x -timeout 60m -args -kehu.benchdir=/tmp/kehu-quality-bench
var benchDir = flag.String("kehu.benchdir", "", "directory keeping the benchmark store across runs (default: a temporary directory removed at exit)")

const benchCustomers = 50_000

var benchNow = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

var bench struct {
	sync.Mutex
	dir string
	tmp bool
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if bench.tmp {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// benchStore opens the store of benchCustomers demo customers, building it
// on first use.
func benchStore(b *testing.B) *sqlite.Store {
	b.Helper()
	bench.Lock()
	defer bench.Unlock()
	if bench.dir == "" {
		if *benchDir != "" {
			bench.dir = filepath.Join(*benchDir, "n50000")
		} else {
			dir, err := os.MkdirTemp("", "kehu-quality-bench-")
			if err != nil {
				b.Fatal(err)
			}
			bench.dir, bench.tmp = dir, true
		}
	}
	done := filepath.Join(bench.dir, "complete")
	if _, err := os.Stat(done); err != nil {
		os.RemoveAll(bench.dir)
		start := time.Now()
		st, err := sqlite.Open(bench.dir, sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := demo.Load(context.Background(), st, 1, benchCustomers, benchNow, ""); err != nil {
			b.Fatal(err)
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(done, nil, 0o600); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %d customers in %s", benchCustomers, time.Since(start).Round(time.Second))
	}
	st, err := sqlite.Open(bench.dir, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	return st
}

var benchManager = crm.Actor{UserID: "bench-manager", Role: crm.RoleManager}

// BenchmarkReport is the report as the app asks for it: one scan of the
// read model, the customers it leaves open read whole.
func BenchmarkReport(b *testing.B) {
	st := benchStore(b)
	q := &quality.Service{CRM: &crm.Service{Store: st, Clock: crm.NewFixedClock(benchNow)}}
	b.ReportAllocs()
	b.ResetTimer()
	var r *quality.Report
	for b.Loop() {
		var err error
		if r, err = q.Report(context.Background(), benchManager, benchNow); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(r.Customers), "customers")
	b.ReportMetric(float64(r.ReadWhole), "read-whole")
}

// BenchmarkReportWhole is the same report from every customer read whole
// (EachQuery.Full): what the read model saves.
func BenchmarkReportWhole(b *testing.B) {
	st := benchStore(b)
	b.ReportAllocs()
	b.ResetTimer()
	var r *quality.Report
	for b.Loop() {
		z := quality.NewAnalyzer(quality.Config{Now: benchNow})
		err := st.Customers().Each(context.Background(), crm.EachQuery{Scope: crm.ScopeActive, Full: true}, func(c *crm.Customer) error {
			z.Add(c)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		r = z.Report()
	}
	b.ReportMetric(float64(r.Customers), "customers")
}

// BenchmarkScan is one scan of the read model doing nothing: the floor.
func BenchmarkScan(b *testing.B) {
	st := benchStore(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		err := st.Customers().Each(context.Background(), crm.EachQuery{Scope: crm.ScopeActive}, func(*crm.Customer) error {
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
