package sqlite_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// The benchmarks run only with -bench. Their databases (N generated
// customers of ~27 KB BSON each, written through Insert) are built once per
// size and process; -kehu.benchdir keeps them across runs.
//
//	go test -run '^$' -bench . -benchtime 5x ./internal/sqlite/
//	go test -run '^$' -bench 'List/n=50000' -kehu.benchdir /tmp/kehu-bench ./internal/sqlite/
var (
	benchSizes = flag.String("kehu.sizes", "10000,50000", "comma-separated customer counts for the benchmarks")
	benchDir   = flag.String("kehu.benchdir", "", "directory keeping the benchmark databases across runs (default: a temporary directory removed at exit)")
)

var benchDBs struct {
	sync.Mutex
	root string
	tmp  bool
	docs map[int]float64 // average stored BSON bytes per customer, by size
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if benchDBs.tmp {
		os.RemoveAll(benchDBs.root)
	}
	os.Exit(code)
}

func sizes(b *testing.B) []int {
	var out []int
	for _, f := range strings.Split(*benchSizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("bad -kehu.sizes %q", *benchSizes)
		}
		out = append(out, n)
	}
	return out
}

// benchDB returns the data directory holding n generated customers,
// building it on first use, and the average BSON size of a customer.
func benchDB(b *testing.B, n int) (string, float64) {
	b.Helper()
	benchDBs.Lock()
	defer benchDBs.Unlock()
	if benchDBs.root == "" {
		if *benchDir != "" {
			benchDBs.root = *benchDir
		} else {
			dir, err := os.MkdirTemp("", "kehu-sqlite-bench-")
			if err != nil {
				b.Fatal(err)
			}
			benchDBs.root, benchDBs.tmp = dir, true
		}
		benchDBs.docs = map[int]float64{}
	}
	dir := filepath.Join(benchDBs.root, fmt.Sprintf("n%d", n))
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err != nil {
		os.RemoveAll(dir)
		start := time.Now()
		s, err := sqlite.Open(dir, sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		generate(b, s, n)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(done, nil, 0o600); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %d customers in %s", n, time.Since(start).Round(time.Second))
	}
	if _, ok := benchDBs.docs[n]; !ok {
		s, err := sqlite.Open(dir, sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		var total, count int
		err = s.Dump(context.Background(), crm.CollectionCustomers, func(doc []byte) error {
			total += len(doc)
			count++
			return nil
		})
		s.Close()
		if err != nil {
			b.Fatal(err)
		}
		benchDBs.docs[n] = float64(total) / float64(count)
	}
	return dir, benchDBs.docs[n]
}

// generate inserts n generated customers, generating them on every core
// while Insert runs.
func generate(b *testing.B, s *sqlite.Store, n int) {
	ch := make(chan *crm.Customer, 256)
	workers := runtime.NumCPU()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), uint64(n)))
			for i := w; i < n; i += workers {
				ch <- genCustomer(r, i, 40)
			}
		})
	}
	go func() { wg.Wait(); close(ch) }()
	for c := range ch {
		if err := s.Customers().Insert(context.Background(), c, crm.CodePeriod(c.CreatedAt, crm.DefaultLocation)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen measures start-up (load and decode of every customer into
// the read model) and the read model's heap bytes per customer.
func BenchmarkOpen(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			dir, docBytes := benchDB(b, n)
			var perCustomer float64
			var cpu time.Duration
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				before := heapAlloc()
				cpu0 := cpuTime()
				b.StartTimer()
				s, err := sqlite.Open(dir, sqlite.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cpu += cpuTime() - cpu0
				perCustomer = float64(heapAlloc()-before) / float64(n)
				runtime.KeepAlive(s)
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(perCustomer, "heapB/customer")
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
			b.ReportMetric(docBytes, "bsonB/customer")
		})
	}
}

// BenchmarkOpenUpgrade measures the first start after crm.MatchKeysVersion
// was raised: every customer's match keys are recomputed at load and
// written back into its document once (writeBackMatchKeys). Each
// iteration opens a fresh copy of a store whose customers carry keys of
// the version before.
func BenchmarkOpenUpgrade(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			src := b.TempDir()
			s, err := sqlite.Open(src, sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, uint64(n)))
			for i := range n {
				c := genCustomer(r, i, 40)
				c.Match.V, c.Match.Order = crm.MatchKeysVersion-1, "" // as the version before wrote them
				if err := s.Customers().Insert(context.Background(), c, crm.CodePeriod(c.CreatedAt, crm.DefaultLocation)); err != nil {
					b.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			var again time.Duration
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				dir := b.TempDir()
				copyFile(b, filepath.Join(src, sqlite.DBFile), filepath.Join(dir, sqlite.DBFile))
				b.StartTimer()
				s, err := sqlite.Open(dir, sqlite.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				t0 := time.Now()
				if s, err = sqlite.Open(dir, sqlite.Options{}); err != nil {
					b.Fatal(err)
				}
				again += time.Since(t0)
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(again.Seconds()/float64(b.N), "next-open-s")
		})
	}
}

// cpuTime is the process's user and system CPU time: unlike wall time it
// does not grow when other processes compete for the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapAlloc() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// BenchmarkList measures one 50-row page ordered by last interaction
// (descending) with the total, over the whole read model.
func BenchmarkList(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			dir, _ := benchDB(b, n)
			s, err := sqlite.Open(dir, sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			base := crm.ListQuery{OrderBy: crm.OrderLastInteractionAt, Desc: true, First: 50, WithTotal: true}
			first, err := s.Customers().List(context.Background(), base)
			if err != nil {
				b.Fatal(err)
			}
			last := first.Customers[len(first.Customers)-1]
			for _, v := range []struct {
				name string
				mod  func(q *crm.ListQuery)
			}{
				{"first-page", func(*crm.ListQuery) {}},
				{"second-page", func(q *crm.ListQuery) {
					q.After = &crm.Cursor{Value: last.SortValue(q.OrderBy), ID: last.ID}
				}},
				{"search", func(q *crm.ListQuery) { q.Search = "华信" }},
				{"full-docs", func(q *crm.ListQuery) { q.Full = true }},
				{"segment-scalar", func(q *crm.ListQuery) { q.Filter = benchFilter(b, benchScalarSegment) }},
				{"segment-five", func(q *crm.ListQuery) { q.Filter = benchFilter(b, benchFiveSegment) }},
			} {
				q := base
				v.mod(&q)
				b.Run(v.name, func(b *testing.B) {
					lat := make([]time.Duration, 0, b.N)
					for b.Loop() {
						start := time.Now()
						if _, err := s.Customers().List(context.Background(), q); err != nil {
							b.Fatal(err)
						}
						lat = append(lat, time.Since(start))
					}
					reportMedian(b, lat)
					if q.Filter != nil && len(lat) > 0 {
						// Every customer is evaluated once per list.
						b.ReportMetric(float64(n)/lat[len(lat)/2].Seconds()/1e6, "M-evals/s")
					}
				})
			}
		})
	}
}

// The segments of the list benchmarks: scalar conditions only, and five
// conditions with a nested and a windowed one (docs/PERFORMANCE.md).
const (
	benchScalarSegment = "tier:A,B stage:negotiation,won amount:>=100000"
	benchFiveSegment   = "tier:A,B -tag:投诉风险 last-contact:<=180d interactions.some(channel:visit at:<=90d) deals(365d):>=100000"
)

func benchFilter(b *testing.B, line string) crm.Filter {
	n, err := segment.Parse(line)
	if err != nil {
		b.Fatal(err)
	}
	f, err := segment.NewFilter(n, segment.Options{Now: genNow, Loc: crm.DefaultLocation})
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkWrite measures a versioned Replace of a full customer in a store
// of n customers, and an Insert.
func BenchmarkWrite(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("n=%d/replace", n), func(b *testing.B) {
			dir, _ := benchDB(b, n)
			s, err := sqlite.Open(dir, sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			page, err := s.Customers().List(context.Background(), crm.ListQuery{First: 200, Scope: crm.ScopeAll})
			if err != nil {
				b.Fatal(err)
			}
			var cs []*crm.Customer
			for _, c := range page.Customers {
				full, err := s.Customers().Get(context.Background(), c.ID)
				if err != nil {
					b.Fatal(err)
				}
				cs = append(cs, full)
			}
			lat := make([]time.Duration, 0, b.N)
			i := 0
			for b.Loop() {
				c := cs[i%len(cs)]
				i++
				c.UpdatedAt = c.UpdatedAt.Add(time.Second)
				c.Version++
				start := time.Now()
				if err := s.Customers().Replace(context.Background(), c, c.Version-1); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			reportMedian(b, lat)
		})
	}
	b.Run("insert", func(b *testing.B) {
		s, err := sqlite.Open(b.TempDir(), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		r := rand.New(rand.NewPCG(9, 9))
		cs := make([]*crm.Customer, 100)
		for i := range cs {
			cs[i] = genCustomer(r, i, 40)
		}
		lat := make([]time.Duration, 0, b.N)
		i := 0
		for b.Loop() {
			c := *cs[i%len(cs)]
			c.ID, c.Code, c.CreditCode = crm.NewID(), "", ""
			i++
			start := time.Now()
			if err := s.Customers().Insert(context.Background(), &c, "202611"); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		reportMedian(b, lat)
	})
}

func reportMedian(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
}

// BenchmarkFindMatches is the duplicate check before a customer is created:
// a scan of the read model comparing the credit code, name key and phone
// keys of every customer.
//
//	go test ./internal/sqlite/ -run '^$' -bench FindMatches -benchtime 50x -kehu.sizes 10000
func BenchmarkFindMatches(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			dir, _ := benchDB(b, n)
			s, err := sqlite.Open(dir, sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			q := crm.MatchQuery{Name: crm.CompanyNameKey("苏州市华信机械股份有限公司"), CreditCode: "91320500MA1XXXXX0X",
				Phones: []string{"13812345678", "051288886666"}, Limit: 41}
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				if _, err := s.Customers().FindMatches(context.Background(), q); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			reportMedian(b, lat)
		})
	}
}
