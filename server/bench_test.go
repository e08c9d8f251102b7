package main

// Benchmarks of the whole program on the embedded default, at the sizes of
// docs/PERFORMANCE.md. They only run with -bench:
//
//	KEHU_BENCH_SIZES=10000,50000 go test -run '^$' -bench . -benchtime 400x ./server
//
// Each size's database is generated once (demo data, ~40 interactions per
// customer) and cached in the temp directory (KEHU_BENCH_FRESH=1 rebuilds).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

func benchSizes() []int {
	var sizes []int
	for _, s := range strings.Split(os.Getenv("KEHU_BENCH_SIZES"), ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n > 0 {
			sizes = append(sizes, n)
		}
	}
	if len(sizes) == 0 {
		sizes = []int{10000}
	}
	return sizes
}

// benchDataVersion names the demo documents' shape in the cached data's
// directory: bump it when the demo writes other documents (v2: the
// classification rules' fields; v3: service requests; v4: reviews due at
// the end of their day; v5: the text index keys of schema 7).
const benchDataVersion = 5

// benchData returns a data directory holding n demo customers.
func benchData(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("kehu-bench-%d-%d-v%d", demoSeed, n, benchDataVersion))
	marker := filepath.Join(dir, "complete")
	if os.Getenv("KEHU_BENCH_FRESH") == "" {
		if _, err := os.Stat(marker); err == nil {
			return dir
		}
	}
	_ = os.RemoveAll(dir)
	start := time.Now()
	s, err := sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	hash, _ := auth.HashPassword(DemoPassword)
	if err := demo.Load(context.Background(), s, demoSeed, n, testNow, hash); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	_ = os.WriteFile(marker, nil, 0o600)
	b.Logf("generated %d customers in %v", n, time.Since(start).Round(time.Millisecond))
	return dir
}

// timings collects one duration per operation and reports median and p95.
type timings []time.Duration

func (t timings) report(b *testing.B) {
	if len(t) == 0 {
		return
	}
	s := slices.Clone(t)
	slices.Sort(s)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(s[len(s)/2]), "p50-ms")
	b.ReportMetric(ms(s[len(s)*95/100]), "p95-ms")
}

func (t timings) median() time.Duration { return t.quantile(0.5) }

// quantile returns the q-quantile (0 to 1) of the durations, nearest rank.
func (t timings) quantile(q float64) time.Duration {
	s := slices.Clone(t)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func BenchmarkServer(b *testing.B) {
	for _, n := range benchSizes() {
		dir := benchData(b, n)
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) { benchAt(b, dir, n) })
	}
}

// startBenchApp starts the program on dir (n customers) as the
// benchmarks do, and returns it with its time until ready and the read
// model's heap per customer. The caller closes it.
func startBenchApp(b *testing.B, dir string, n int) (a *app, ready time.Duration, heapPerCustomer int64) {
	cfg := testConfig(&testing.T{}, dir)
	cfg.AdminPassword = adminPassword
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler), crm.NewFixedClock(testNow), io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	ready = time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	return a, ready, (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / int64(n)
}

func benchAt(b *testing.B, dir string, n int) {
	ctx := context.Background()
	// Start-up until ready, and the read model's memory per customer.
	a, ready, heap := startBenchApp(b, dir, n)
	defer a.Close()
	var bsonBytes int64
	_ = a.store.Dump(ctx, crm.CollectionCustomers, func(d []byte) error { bsonBytes += int64(len(d)); return nil })
	b.Logf("n=%d ready in %v; heap %d B/customer (read model); stored BSON %d B/customer",
		n, ready.Round(time.Millisecond), heap, bsonBytes/int64(n))

	ts := benchServer(b, a)
	token := ts.login(&testing.T{}, "manager@kehu.local", DemoPassword)
	actor := crm.Actor{UserID: demo.UserID(0), Role: crm.RoleManager}
	svc := &crm.Service{Store: a.store, Clock: crm.NewFixedClock(testNow), Loc: crm.DefaultLocation}
	page, _ := a.store.Customers().List(ctx, crm.ListQuery{OrderBy: crm.OrderCode, First: 100})
	codes := make([]string, len(page.Customers))
	ids := make([]string, len(page.Customers))
	for i, c := range page.Customers {
		codes[i], ids[i] = c.Code, c.ID
	}
	client := ts.Client()
	post := func(query string, vars map[string]any) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if bytes.Contains(raw, []byte(`"errors"`)) {
			b.Fatalf("%s", raw)
		}
	}
	run := func(name string, op func(i int)) timings {
		var t timings
		b.Run(name, func(b *testing.B) {
			t = make(timings, 0, b.N)
			for i := 0; i < b.N; i++ {
				s := time.Now()
				op(i)
				t = append(t, time.Since(s))
			}
			t.report(b)
		})
		return t
	}
	overhead := func(name string, http, direct timings) {
		if len(http) > 0 && len(direct) > 0 {
			b.Logf("n=%d %s: HTTP+GraphQL median %v, direct %v: GraphQL layer adds %v (%.0f%%)", n, name,
				http.median(), direct.median(), http.median()-direct.median(),
				100*float64(http.median()-direct.median())/float64(direct.median()))
		}
	}

	// The floor: one authenticated GraphQL request that touches no store.
	run("noop/http", func(int) { post(`{__typename}`, nil) })

	const listQuery = `{customers(first:50,orderBy:{field:LAST_INTERACTION_AT,direction:DESC}){totalCount
		pageInfo{hasNextPage endCursor} nodes{id code name stage valueTier intentGrade industry city tags
		lastInteractionAt interactionCount totalAmount owner{name}}}}`
	listHTTP := run("list50/http", func(int) { post(listQuery, nil) })
	listDirect := run("list50/direct", func(int) {
		p, err := svc.Customers(ctx, crm.ListQuery{OrderBy: crm.OrderLastInteractionAt, Desc: true, First: 50, WithTotal: true})
		if err != nil || len(p.Customers) != 50 {
			b.Fatal(err)
		}
		if _, err := a.store.Users().List(ctx); err != nil {
			b.Fatal(err)
		}
	})
	overhead("list page", listHTTP, listDirect)

	const byCode = `query($c:String){customer(code:$c){id code name version stage valueTier tags industry
		interactionCount lastInteractionAt totalAmount avgSatisfaction owner{name}
		contacts{name phone email} interactions(newestFirst:true,limit:20){at channel summary}
		needs{title status} deals{date amount product}}}`
	codeHTTP := run("byCode/http", func(i int) { post(byCode, map[string]any{"c": codes[i%len(codes)]}) })
	codeDirect := run("byCode/direct", func(i int) {
		if _, err := svc.CustomerByCode(ctx, codes[i%len(codes)]); err != nil {
			b.Fatal(err)
		}
	})
	overhead("customer by code", codeHTTP, codeDirect)

	createHTTP := run("create/http", func(i int) {
		post(`mutation($n:String!){createCustomer(input:{name:$n,industry:"制造业",tags:["高意向"]}){id code version}}`,
			map[string]any{"n": fmt.Sprintf("基准HTTP公司%d-%d", time.Now().UnixNano(), i)})
	})
	createDirect := run("create/direct", func(i int) {
		if _, err := svc.CreateCustomer(ctx, actor, crm.CustomerInput{Name: fmt.Sprintf("基准直连公司%d-%d", time.Now().UnixNano(), i)}); err != nil {
			b.Fatal(err)
		}
	})
	overhead("create", createHTTP, createDirect)

	logHTTP := run("logInteraction/http", func(i int) {
		post(`mutation($id:ID!){logInteraction(customerId:$id,input:{channel:PHONE,summary:"电话回访"}){id version interactionCount}}`,
			map[string]any{"id": ids[i%len(ids)]})
	})
	logDirect := run("logInteraction/direct", func(i int) {
		if _, err := svc.LogInteraction(ctx, actor, ids[i%len(ids)], nil, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "电话回访"}); err != nil {
			b.Fatal(err)
		}
	})
	overhead("logInteraction", logHTTP, logDirect)

	// Segments: a list page plus its count for a filter, over HTTP and
	// directly (the store's List with the compiled filter).
	const segmentList = `query($q:String){customers(first:50,query:$q,orderBy:{field:LAST_INTERACTION_AT,direction:DESC}){
		totalCount pageInfo{hasNextPage endCursor} nodes{id code name stage valueTier intentGrade industry city tags
		lastInteractionAt interactionCount totalAmount owner{name}}}}`
	for _, sg := range benchSegments {
		f, err := segment.Parse(sg.line)
		if err != nil {
			b.Fatal(err)
		}
		filter, err := segment.NewFilter(f, segment.OptionsAt(crm.NewFixedClock(testNow), crm.DefaultLocation, actor.UserID))
		if err != nil {
			b.Fatal(err)
		}
		q := crm.ListQuery{OrderBy: crm.OrderLastInteractionAt, Desc: true, First: 50, WithTotal: true, Filter: filter}
		p, err := svc.Customers(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("n=%d segment %s (%s): %d customers", n, sg.name, sg.line, p.Total)
		segHTTP := run("segment-"+sg.name+"/http", func(int) { post(segmentList, map[string]any{"q": sg.line}) })
		segDirect := run("segment-"+sg.name+"/direct", func(int) {
			if _, err := svc.Customers(ctx, q); err != nil {
				b.Fatal(err)
			}
		})
		overhead("segment "+sg.name, segHTTP, segDirect)
	}
}

// benchSegments are the segments of docs/PERFORMANCE.md: five conditions,
// one nested (some visit in the last 90 days) and one windowed (deals of
// the last year adding up to 100,000 yuan), and a scalar-only one.
var benchSegments = []struct{ name, line string }{
	{"five", "tier:A,B -tag:投诉风险 last-contact:<=180d interactions.some(channel:visit at:<=90d) deals(365d):>=100000"},
	{"scalar", "tier:A,B stage:negotiation,won amount:>=100000"},
}
