package main

// BenchmarkLoad: many people at once. Clients (50 by default) each sign in
// over HTTP and loop over a realistic mix for a fixed time against the real
// server on the embedded default:
//
//	KEHU_BENCH_SIZES=10000,50000 KEHU_LOAD_DURATION=60s [KEHU_LOAD_THINK=1s] go test -run '^$' -bench BenchmarkLoad -benchtime 1x -v -timeout 60m ./server
//
// The mix, per client: list pages without a segment (25%) and with one of
// the benchSegments (15%), a customer by code with its detail (30%), log an
// interaction (15%) and update a customer (15%) on 10 customers of its own
// (owned by the client's sales account; every tenth client is a manager),
// so that no two clients write the same customer and every answer must be
// an error-free one. Each client has its own account and address. It prints a table of throughput and p50/p95/p99 per operation and
// reports each operation's p95 as a metric.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

func loadSetting(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func BenchmarkLoad(b *testing.B) {
	duration := 30 * time.Second
	if d, err := time.ParseDuration(os.Getenv("KEHU_LOAD_DURATION")); err == nil && d > 0 {
		duration = d
	}
	clients := loadSetting("KEHU_LOAD_CLIENTS", 50)
	// KEHU_LOAD_THINK: a pause after each answer (a person reading it);
	// 0, the default, is the worst case: every client sends its next
	// request at once.
	think, _ := time.ParseDuration(os.Getenv("KEHU_LOAD_THINK"))
	for _, n := range benchSizes() {
		dir := benchData(b, n)
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			for range b.N {
				loadAt(b, dir, n, clients, duration, think)
			}
		})
	}
}

// loadOps are the operations of the mix, with their weights.
var loadOps = []struct {
	name   string
	weight int
}{{"list", 25}, {"segment", 15}, {"byCode", 30}, {"logInteraction", 15}, {"updateCustomer", 15}}

type loadClient struct {
	http    *http.Client
	email   string
	token   string
	mine    []crm.Customer // id, code, version: only this client writes them
	results map[string][]time.Duration
	errors  map[string]int
	first   map[string]string // the first error of each operation
}

func loadAt(b *testing.B, dir string, n, clients int, duration, think time.Duration) {
	ctx := context.Background()
	cfg := testConfig(&testing.T{}, dir)
	a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler), crm.NewFixedClock(testNow), io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.handler)
	defer srv.Close()

	// Who is who: one account per client (people do not share accounts,
	// and sign-in limits are per account), every tenth a manager, the
	// others sales users who own the 10 customers they write; nobody else
	// writes those. The accounts are upserted, and the customers
	// reassigned, on every run (the data directory is kept between runs).
	hash, err := auth.HashPassword(DemoPassword)
	if err != nil {
		b.Fatal(err)
	}
	var userDocs [][]byte
	accounts := make([]*crm.User, clients)
	for k := range accounts {
		role := crm.RoleSales
		if k%10 == 0 {
			role = crm.RoleManager
		}
		u := &crm.User{ID: fmt.Sprintf("10ad%020x", k), Email: fmt.Sprintf("load%d@kehu.local", k), Name: fmt.Sprintf("压测用户%d", k),
			Role: role, PasswordHash: hash, CreatedAt: testNow, UpdatedAt: testNow, Version: 1}
		accounts[k] = u
		doc, err := bson.Marshal(u)
		if err != nil {
			b.Fatal(err)
		}
		userDocs = append(userDocs, doc)
	}
	if err := a.store.Load(ctx, crm.CollectionUsers, userDocs); err != nil {
		b.Fatal(err)
	}
	page, err := a.store.Customers().List(ctx, crm.ListQuery{OrderBy: crm.OrderCode, First: clients * 10})
	if err != nil || len(page.Customers) < clients*10 {
		b.Fatalf("%d customers for %d clients: %v", len(page.Customers), clients, err)
	}
	cs := make([]*loadClient, clients)
	for k, u := range accounts {
		// Each client comes from its own address (127.0.0.2, .3, ...), as
		// people at their own computers do: the sign-in limits are per
		// address.
		dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, byte((k+2)>>8), byte(k+2))}}
		transport := &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute}
		defer transport.CloseIdleConnections()
		c := &loadClient{email: u.Email, http: &http.Client{Transport: transport, Timeout: time.Minute},
			results: map[string][]time.Duration{}, errors: map[string]int{}, first: map[string]string{}}
		for _, cu := range page.Customers[k*10 : (k+1)*10] {
			version := cu.Version
			if u.Role == crm.RoleSales && cu.OwnerID != u.ID {
				owned, err := a.crm.UpdateCustomer(ctx, crm.System, cu.ID, cu.Version,
					crm.CustomerPatch{CustomerFields: crm.CustomerFields{OwnerID: &u.ID}})
				if err != nil {
					b.Fatal(err)
				}
				version = owned.Version
			}
			c.mine = append(c.mine, crm.Customer{ID: cu.ID, Code: cu.Code, Version: version})
		}
		cs[k] = c
	}

	post := func(client *http.Client, token, query string, vars map[string]any) (map[string]any, error) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		var out struct {
			Data   map[string]any    `json:"data"`
			Errors []json.RawMessage `json:"errors"`
		}
		if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != http.StatusOK || len(out.Errors) > 0 {
			return nil, fmt.Errorf("status %d: %.300s", resp.StatusCode, raw)
		}
		return out.Data, nil
	}
	const listQuery = `query($q:String){customers(first:50,query:$q,orderBy:{field:LAST_INTERACTION_AT,direction:DESC}){
		totalCount pageInfo{hasNextPage endCursor} nodes{id code name stage valueTier intentGrade industry city tags
		lastInteractionAt interactionCount totalAmount owner{name}}}}`
	const byCode = `query($c:String){customer(code:$c){id code name version stage valueTier tags industry
		interactionCount lastInteractionAt totalAmount avgSatisfaction owner{name}
		contacts{name phone email} interactions(newestFirst:true,limit:20){at channel summary}
		needs{title status} deals{date amount product}}}`
	const logMutation = `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:PHONE,summary:"电话回访，客户对交付时间满意"}){id version interactionCount}}`
	const updateMutation = `mutation($id:ID!,$v:Int!,$notes:String){updateCustomer(id:$id,expectedVersion:$v,input:{notes:$notes}){id version}}`

	version := func(data map[string]any, field string) int64 {
		m, _ := data[field].(map[string]any)
		v, _ := m["version"].(float64)
		return int64(v)
	}
	op := func(c *loadClient, r *rand.Rand, name string) error {
		cu := &c.mine[r.IntN(len(c.mine))]
		switch name {
		case "list":
			_, err := post(c.http, c.token, listQuery, nil)
			return err
		case "segment":
			_, err := post(c.http, c.token, listQuery, map[string]any{"q": benchSegments[r.IntN(len(benchSegments))].line})
			return err
		case "byCode":
			_, err := post(c.http, c.token, byCode, map[string]any{"c": cu.Code})
			return err
		case "logInteraction":
			data, err := post(c.http, c.token, logMutation, map[string]any{"id": cu.ID})
			if err == nil {
				cu.Version = version(data, "logInteraction")
			}
			return err
		case "updateCustomer":
			data, err := post(c.http, c.token, updateMutation, map[string]any{"id": cu.ID, "v": cu.Version,
				"notes": fmt.Sprintf("第 %d 次回访后更新", cu.Version)})
			if err == nil {
				cu.Version = version(data, "updateCustomer")
			}
			return err
		}
		return fmt.Errorf("unknown operation %s", name)
	}
	record := func(c *loadClient, name string, d time.Duration, err error) {
		c.results[name] = append(c.results[name], d)
		if err != nil {
			if c.errors[name]++; c.errors[name] == 1 {
				c.first[name] = err.Error()
			}
		}
	}
	total := 0
	for _, o := range loadOps {
		total += o.weight
	}

	// Everyone signs in (at once), then the mix runs for the fixed time.
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() {
			s := time.Now()
			data, err := post(c.http, "", `mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}`,
				map[string]any{"e": c.email, "p": DemoPassword})
			if err == nil {
				c.token, _ = data["login"].(map[string]any)["token"].(string)
			}
			record(c, "signIn", time.Since(s), err)
		})
	}
	wg.Wait()
	start := time.Now()
	deadline := start.Add(duration)
	for k, c := range cs {
		if c.token == "" {
			continue
		}
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(k), 42))
			for time.Now().Before(deadline) {
				w := r.IntN(total)
				name := loadOps[0].name
				for _, o := range loadOps {
					if w < o.weight {
						name = o.name
						break
					}
					w -= o.weight
				}
				s := time.Now()
				err := op(c, r, name)
				record(c, name, time.Since(s), err)
				if think > 0 {
					time.Sleep(think/2 + time.Duration(r.Int64N(int64(think))))
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	// One table for all clients.
	var out strings.Builder
	fmt.Fprintf(&out, "n=%d, %d clients, %v of the mix, think time %v:\n", n, clients, elapsed.Round(time.Millisecond), think)
	fmt.Fprintf(&out, "| operation | requests | per second | p50 ms | p95 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|---:|---:|\n")
	all, errs := 0, 0
	for _, name := range append([]string{"signIn"}, opNames()...) {
		var ds []time.Duration
		e := 0
		first := ""
		for _, c := range cs {
			ds = append(ds, c.results[name]...)
			e += c.errors[name]
			if first == "" {
				first = c.first[name]
			}
		}
		if len(ds) == 0 {
			continue
		}
		slices.Sort(ds)
		q := func(p int) float64 { return float64(ds[min(len(ds)-1, len(ds)*p/100)].Microseconds()) / 1000 }
		rate := fmt.Sprintf("%.1f", float64(len(ds))/elapsed.Seconds())
		if name == "signIn" {
			rate = "(before)" // all at once, before the timed mix
		}
		fmt.Fprintf(&out, "| %s | %d | %s | %.1f | %.1f | %.1f | %d |\n", name, len(ds), rate, q(50), q(95), q(99), e)
		if name != "signIn" {
			b.ReportMetric(q(95), name+"-p95-ms")
		}
		if first != "" {
			fmt.Fprintf(&out, "first %s error: %s\n", name, first)
		}
		if name != "signIn" {
			all += len(ds)
		}
		errs += e
	}
	fmt.Fprintf(&out, "total %d requests, %.1f per second, %d errors\n", all, float64(all)/elapsed.Seconds(), errs)
	b.ReportMetric(float64(all)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(errs), "errors")
	b.Log("\n" + out.String())
}

func opNames() []string {
	var names []string
	for _, o := range loadOps {
		names = append(names, o.name)
	}
	return names
}

// BenchmarkQuickCheck measures what start-up's PRAGMA quick_check costs on
// the demo database of each size (file in the page cache, as after the
// first start), beside the whole Open it is part of:
//
//	KEHU_BENCH_SIZES=50000 go test -run '^$' -bench BenchmarkQuickCheck -benchtime 3x -v ./server
func BenchmarkQuickCheck(b *testing.B) {
	for _, n := range benchSizes() {
		dir := benchData(b, n)
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			path := filepath.Join(dir, sqlite.DBFile)
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			var check timings
			for range b.N {
				s := time.Now()
				if err := sqlite.CheckFile(path); err != nil {
					b.Fatal(err)
				}
				check = append(check, time.Since(s))
			}
			var open timings
			for range 2 {
				s := time.Now()
				st, err := sqlite.Open(dir, sqlite.Options{})
				if err != nil {
					b.Fatal(err)
				}
				open = append(open, time.Since(s))
				st.Close()
			}
			b.ReportMetric(float64(check.median().Milliseconds()), "quick_check-ms")
			b.ReportMetric(float64(open.median().Milliseconds()), "open-ms")
			b.Logf("n=%d: %d MB file; quick_check %v (median of %d), whole Open %v", n, st.Size()>>20,
				check.median().Round(time.Millisecond), len(check), open.median().Round(time.Millisecond))
		})
	}
}
