package main

// The cost of free-text filters and of the attack of issue 14 (100 aliased
// summary filters in one request; a sidebar of 40 shared summary segments),
// on the embedded default with demo data. Only with -bench:
//
//	KEHU_BENCH_SIZES=10000,50000 go test -run '^$' -bench Cost -benchtime 1x -timeout 60m ./server
//
// The databases are benchData's (bench_test.go): generated once per size
// and cached in the temp directory (KEHU_BENCH_FRESH=1 rebuilds).

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// documentsOnly hides a filter's text conditions: the store evaluates it on
// every whole document, as before the text index ("before" figures).
type documentsOnly struct{ f crm.Filter }

func (d documentsOnly) Match(c *crm.Customer) bool { return d.f.Match(c) }
func (d documentsOnly) Lean() bool                 { return false }
func (d documentsOnly) Mongo() (any, error)        { return d.f.Mongo() }

// peakHeap samples the heap in use while fn runs.
func peakHeap(fn func()) (time.Duration, uint64) {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	fn()
	d := time.Since(start)
	close(stop)
	<-done
	p := peak.Load()
	if p < base.HeapInuse {
		return d, 0
	}
	return d, p - base.HeapInuse
}

func BenchmarkCost(b *testing.B) {
	for _, n := range benchSizes() {
		dir := benchData(b, n)
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) { costAt(b, dir, n) })
	}
}

func costAt(b *testing.B, dir string, n int) {
	ctx := context.Background()
	a, ready, heap := startBenchApp(b, dir, n)
	defer a.Close()
	fi, _ := os.Stat(filepath.Join(dir, sqlite.DBFile))
	b.Logf("n=%d: ready in %v; read model heap %d B/customer; database file %d B/customer",
		n, ready.Round(time.Millisecond), heap, fi.Size()/int64(n))

	// The text index on disk, and what n-grams in the read model would
	// cost instead: the distinct bigrams and trigrams of each customer's
	// folded texts, 4 bytes per posting at the least.
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.DBFile)+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	var rows, textBytes int64
	if err := raw.QueryRow("SELECT count(*), coalesce(sum(length(CAST(coalesce(o, t) AS BLOB))), 0) FROM texts WHERE rowid & 1 = 0").Scan(&rows, &textBytes); err != nil {
		b.Fatal(err)
	}
	var idxBytes, gramBytes, masked int64
	_ = raw.QueryRow("SELECT coalesce(sum(length(block)), 0) FROM texts_data").Scan(&idxBytes)
	_ = raw.QueryRow("SELECT coalesce(sum(length(block)), 0) FROM grams_data").Scan(&gramBytes)
	_ = raw.QueryRow("SELECT count(*) FROM masked_texts").Scan(&masked)
	grams2, grams3 := 0, 0
	{
		rs, err := raw.Query("SELECT rowid >> 20, t FROM texts WHERE rowid & 1 = 0 ORDER BY rowid")
		if err != nil {
			b.Fatal(err)
		}
		cur := int64(-1)
		g2, g3 := map[string]struct{}{}, map[string]struct{}{}
		flush := func() { grams2 += len(g2); grams3 += len(g3); clear(g2); clear(g3) }
		for rs.Next() {
			var c int64
			var t string
			_ = rs.Scan(&c, &t)
			if c != cur {
				flush()
				cur = c
			}
			r := []rune(t)
			for i := range r {
				if i+2 <= len(r) {
					g2[string(r[i:i+2])] = struct{}{}
				}
				if i+3 <= len(r) {
					g3[string(r[i:i+3])] = struct{}{}
				}
			}
		}
		flush()
		rs.Close()
	}
	b.Logf("n=%d: text index %d texts (%d with a masked variant), %d B/customer of text, trigram index %d B/customer, grams index %d B/customer (on disk); n-grams in memory would hold >= %d B/customer (%d distinct bigrams + %d trigrams per customer)",
		n, rows, masked, textBytes/int64(n), idxBytes/int64(n), gramBytes/int64(n), 4*(grams2+grams3)/n, grams2/n, grams3/n)

	// One text filter: through the index, and on every document as before.
	store := a.store.Customers()
	count := func(f crm.Filter) int {
		p, err := store.List(ctx, crm.ListQuery{First: 1, WithTotal: true, Filter: f})
		if err != nil {
			b.Fatal(err)
		}
		return p.Total
	}
	filter := func(needle string) crm.Filter {
		f, err := segment.FilterOf(nil, "interactions.some(summary:*"+needle+"*)", segment.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return f
	}
	for _, needle := range []string{"合同金额", "物流效率", "客户", "x", "投"} {
		f := filter(needle)
		var got int
		d, heap := peakHeap(func() { got = count(f) })
		b.Logf("n=%d: summary:*%s*: %d customers in %v, peak heap +%d MB (text index)", n, needle, got, d.Round(time.Millisecond), heap>>20)
		if needle == "合同金额" || needle == "x" {
			var old int
			d, heap := peakHeap(func() { old = count(documentsOnly{f}) })
			if old != got {
				b.Fatalf("%s: %d on documents, %d through the index", needle, old, got)
			}
			b.Logf("n=%d: summary:*%s*: %d customers in %v, peak heap +%d MB (every document, as before)", n, needle, old, d.Round(time.Millisecond), heap>>20)
		}
	}

	// The attack over HTTP, as an ANALYST.
	ts := benchServer(b, a)
	t := &testing.T{}
	analyst := ts.login(t, "analyst@kehu.local", DemoPassword)
	manager := ts.login(t, "manager@kehu.local", DemoPassword)
	if analyst == "" || manager == "" {
		b.Fatal("demo sign-in failed")
	}
	var q strings.Builder
	q.WriteString("{")
	for i := range 100 {
		fmt.Fprintf(&q, "c%d: customersCount(query: %q) ", i, "interactions.some(summary:*x*)")
	}
	q.WriteString("}")
	start := time.Now()
	r := ts.post(t, analyst, q.String(), nil)
	b.Logf("n=%d: 100 aliased summary filters: %v in %v", n, errCode(r), time.Since(start).Round(time.Microsecond))

	// The most aliases the cost model allows in one request, with a plain
	// list by another user running alongside.
	allowed := a.cfg.MaxComplexity / crm.FilterCost(n, true)
	q.Reset()
	q.WriteString("{")
	for i := range allowed {
		fmt.Fprintf(&q, "c%d: customersCount(query: %q) ", i, "interactions.some(summary:*x*)")
	}
	q.WriteString("}")
	var wg sync.WaitGroup
	var attack time.Duration
	var attackHeap uint64
	stop := make(chan struct{})
	var lists timings
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			s := time.Now()
			ts.post(t, manager, `{customers(first:20){nodes{code name}}}`, nil)
			lists = append(lists, time.Since(s))
		}
	}()
	attack, attackHeap = peakHeap(func() {
		var aw sync.WaitGroup
		for range 3 { // three such requests at once, as in the issue
			aw.Add(1)
			go func() {
				defer aw.Done()
				if r := ts.post(t, analyst, q.String(), nil); len(r.Errors) > 0 {
					b.Errorf("allowed aliases: %+v", r.Errors[0])
				}
			}()
		}
		aw.Wait()
	})
	close(stop)
	wg.Wait()
	b.Logf("n=%d: 3 requests of %d allowed summary aliases at once: %v, peak heap +%d MB; another user's list meanwhile: median %v (%d lists)",
		n, allowed, attack.Round(time.Millisecond), attackHeap>>20, lists.median().Round(time.Microsecond), len(lists))

	// The sidebar: 40 shared segments with summary filters.
	words := []string{"合同", "客户", "投诉", "物流", "方案", "价格", "演示", "续费"}
	// 40 shared segments, as by several analysts (the quota is 20 shared
	// per user): two users' worth.
	sharers := []string{analyst, ts.login(t, "service1@kehu.local", DemoPassword)}
	for _, tok := range sharers { // the segments of an earlier run
		var out struct {
			Segments []struct {
				ID, Name string
				Version  int
				Editable bool
			}
		}
		ts.post(t, tok, `{segments{id name version editable}}`, nil).ok(t, &out)
		for _, sg := range out.Segments {
			if sg.Editable && strings.HasPrefix(sg.Name, "bench-") {
				ts.post(t, tok, `mutation($id:ID!,$v:Int!){deleteSegment(id:$id,expectedVersion:$v)}`, map[string]any{"id": sg.ID, "v": sg.Version})
			}
		}
	}
	for i := range 40 {
		r := ts.post(t, sharers[i/20], `mutation($n:String!,$q:String!){saveSegment(name:$n,query:$q,shared:true){id}}`,
			map[string]any{"n": fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i),
				"q": fmt.Sprintf("interactions.some(summary:*%s%d*) OR interactions.some(summary:*%s*)", words[i%8], i, words[(i+3)%8])})
		if len(r.Errors) > 0 {
			b.Fatalf("save segment: %+v", r.Errors)
		}
	}
	var side timings
	var sideHeap uint64
	for range 3 {
		var r gqlResponse
		d, h := peakHeap(func() { r = ts.post(t, manager, `{segments{id count}}`, nil) })
		if len(r.Errors) > 0 {
			b.Fatalf("sidebar: %+v", r.Errors[0])
		}
		side = append(side, d)
		sideHeap = max(sideHeap, h)
	}
	b.Logf("n=%d: sidebar of 40 shared summary segments: median %v, peak heap +%d MB", n, side.median().Round(time.Millisecond), sideHeap>>20)
}

func errCode(r gqlResponse) string {
	if len(r.Errors) == 0 {
		return "answered"
	}
	return "refused " + r.Errors[0].code() + "/" + fmt.Sprint(r.Errors[0].Extensions["reason"]) + ": " + r.Errors[0].Message
}
