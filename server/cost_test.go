package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// aliases builds one request of n aliased customersCount with the filter.
func aliases(n int, query string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, "c%d: customersCount(query: %q) ", i, query)
	}
	b.WriteString("}")
	return b.String()
}

// The cost model charges each alias, a filter that reads free text more
// than a lean one, in proportion to the customers; nested arrays by the
// most they can return. A request over the limit is refused before it runs.
func TestExpensiveAliasesAreRefusedBeforeRunning(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 200
	cfg.MaxComplexity = 2000
	// The allowed aliases run one after another at the gate (one text
	// evaluation per user); under -race on a busy machine that can pass the
	// default 30 s request timeout, which is not what this test is about.
	cfg.Timeout = 5 * time.Minute
	ts := newTestServerWith(t, cfg)
	// This test is about the complexity model: the aliases that are allowed
	// wait for their turn at the evaluation gate.
	ts.app.crm.Evals = crm.NewEvalGate(crm.EvalLimits{Wait: time.Minute})
	_, analyst := ts.user(t, "cost-analyst@kehu.local", crm.RoleAnalyst)

	text := crm.FilterCost(200, true)
	lean := crm.FilterCost(200, false)
	if text <= lean {
		t.Fatalf("a text filter costs %d, a lean one %d", text, lean)
	}
	cases := []struct {
		name, query string
		refused     bool
	}{
		{"100 text aliases", aliases(100, "interactions.some(summary:*客户*)"), true},
		{"100 lean aliases", aliases(100, "tier:A"), false},
		{"few text aliases", aliases(2000/text, "interactions.some(summary:*客户*)"), false},
		{"one alias too many", aliases(2000/text+1, "interactions.some(summary:*客户*)"), true},
		{"text in where and in a list", `{a: customersCount(where: {interactions: {some: {summary: {contains: "客户"}}}})
			b: customers(first: 1, query: "interactions.some(summary:*a*)") { totalCount } }`, false},
		{"interactions without limit", `{customers(first: 1) { nodes { interactions { id } } } }`, true},
		{"interactions with a limit", `{customers(first: 1) { nodes { interactions(limit: 20) { id } } } }`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ts.post(t, analyst, c.query, nil)
			if !c.refused {
				r.ok(t, nil)
				return
			}
			e := r.fails(t, "BAD_USER_INPUT", "")
			if e.Extensions["reason"] != "COMPLEXITY_LIMIT_EXCEEDED" || !strings.Contains(e.Message, "complexity") {
				t.Fatalf("want a complexity refusal, got %+v", e)
			}
			if string(r.Data) != "" && string(r.Data) != "null" {
				t.Fatalf("a refused request ran: %s", r.Data)
			}
		})
	}
}

// At most PerUser expensive evaluations of one user, and Total in all, run
// at once; the rest are refused with RATE_LIMITED and a retry-after.
func TestExpensiveEvaluationsAreBounded(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 50
	ts := newTestServerWith(t, cfg)
	gate := crm.NewEvalGate(crm.EvalLimits{Total: 2, PerUser: 1, Wait: -1})
	ts.app.crm.Evals = gate
	aID, a := ts.user(t, "cost-a@kehu.local", crm.RoleAnalyst)
	_, b := ts.user(t, "cost-b@kehu.local", crm.RoleAnalyst)
	cID, _ := ts.user(t, "cost-c@kehu.local", crm.RoleAnalyst)
	const text = `{customersCount(query: "interactions.some(summary:*客户*)")}`
	const lean = `{customersCount(query: "tier:A")}`

	var want struct{ CustomersCount int }
	ts.post(t, a, text, nil).ok(t, &want)

	// a's one slot is taken (an evaluation of a's in progress).
	releaseA, err := gate.Acquire(context.Background(), aID)
	if err != nil {
		t.Fatal(err)
	}
	e := ts.post(t, a, text, nil).fails(t, "RATE_LIMITED", "")
	if e.Extensions["retryAfter"] == nil {
		t.Fatalf("no retryAfter: %+v", e)
	}
	ts.post(t, a, lean, nil).ok(t, nil)   // lean filters are not gated
	ts.post(t, b, text, nil).ok(t, &want) // b has a slot, and one is free in all

	// Both slots taken: b is refused too.
	releaseC, err := gate.Acquire(context.Background(), cID)
	if err != nil {
		t.Fatal(err)
	}
	ts.post(t, b, text, nil).fails(t, "RATE_LIMITED", "")
	// A sidebar's counts take a slot as well when a segment reads text.
	ts.post(t, b, `mutation{saveSegment(name:"text",query:"interactions.some(summary:*客户*)"){id}}`, nil).ok(t, nil)
	ts.post(t, b, `{segments{count}}`, nil).fails(t, "RATE_LIMITED", "")
	releaseA()
	releaseC()
	var got struct{ CustomersCount int }
	ts.post(t, a, text, nil).ok(t, &got)
	if got != want {
		t.Fatalf("count %d, want %d", got.CustomersCount, want.CustomersCount)
	}

	// The sidebar's counts take one slot in all, however many segments
	// read text: with a single slot and no wait, a sidebar of five text
	// segments answers.
	ts.app.crm.Evals = crm.NewEvalGate(crm.EvalLimits{Total: 1, PerUser: 1, Wait: -1})
	for i := range 4 {
		ts.post(t, b, `mutation($n:String!,$q:String!){saveSegment(name:$n,query:$q){id}}`,
			map[string]any{"n": fmt.Sprint("text ", i), "q": fmt.Sprintf("interactions.some(summary:*客户%d*)", i)}).ok(t, nil)
	}
	ts.post(t, b, `{segments{count}}`, nil).ok(t, nil)
	ts.app.crm.Evals = gate

	// Real concurrent requests of one user: each either answers the right
	// count or is refused with RATE_LIMITED, never anything else.
	results := make([]gqlResponse, 12)
	parallel(len(results), func(i int) { results[i] = ts.post(t, a, text, nil) })
	for _, r := range results {
		if len(r.Errors) > 0 {
			if r.Errors[0].code() != "RATE_LIMITED" {
				t.Fatalf("unexpected error %+v", r.Errors[0])
			}
			continue
		}
		var n struct{ CustomersCount int }
		r.ok(t, &n)
		if n != want {
			t.Fatalf("count %d under load, want %d", n.CustomersCount, want.CustomersCount)
		}
	}
}

// A sidebar's segments { count } come from one pass and equal each
// segment's own count, for every viewer (owner:me resolves per viewer).
func TestSidebarCountsEqualEachSegmentsCount(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 60
	ts := newTestServerWith(t, cfg)
	_, a := ts.user(t, "cost-side-a@kehu.local", crm.RoleSales)
	_, b := ts.user(t, "cost-side-b@kehu.local", crm.RoleAnalyst)
	lines := []string{"tier:A", "interactions.some(summary:*客户*)", "owner:me", "interactions.count(channel:phone):>=2",
		"-interactions.some(summary:*需求*) stage:won OR tier:B"}
	for i, line := range lines {
		ts.post(t, a, `mutation($n:String!,$q:String!){saveSegment(name:$n,query:$q,shared:true){id}}`,
			map[string]any{"n": fmt.Sprint("s", i), "q": line}).ok(t, nil)
	}
	ts.post(t, b, `mutation{saveSegment(name:"mine",query:"interactions.some(summary:*跟进*)"){id}}`, nil).ok(t, nil)
	for _, tok := range []string{a, b, ts.admin} {
		for _, scope := range []string{"ACTIVE", "ALL"} {
			var out struct {
				Segments []struct {
					Query string
					Count int
					All   int
				}
			}
			ts.post(t, tok, `query($s:ArchiveScope){segments{query count(scope:$s) all: count(scope:ALL)}}`,
				map[string]any{"s": scope}).ok(t, &out)
			if len(out.Segments) < len(lines) {
				t.Fatalf("%d segments", len(out.Segments))
			}
			for _, seg := range out.Segments {
				var one struct{ CustomersCount, All int }
				ts.post(t, tok, `query($q:String!,$s:ArchiveScope){customersCount(query:$q,scope:$s) all: customersCount(query:$q,scope:ALL)}`,
					map[string]any{"q": seg.Query, "s": scope}).ok(t, &one)
				if seg.Count != one.CustomersCount || seg.All != one.All {
					t.Errorf("%s in %s: sidebar %d/%d, alone %d/%d", seg.Query, scope, seg.Count, seg.All, one.CustomersCount, one.All)
				}
			}
		}
	}
}

// A save over a quota answers BAD_USER_INPUT with reason QUOTA_EXCEEDED.
func TestSegmentQuotaOverTheAPI(t *testing.T) {
	ts := newTestServer(t)
	for i := range crm.MaxSharedSegments + 1 {
		r := ts.post(t, ts.admin, `mutation($n:String!){saveSegment(name:$n,query:"tier:A",shared:true){id}}`, map[string]any{"n": fmt.Sprint("s", i)})
		if i < crm.MaxSharedSegments {
			r.ok(t, nil)
			continue
		}
		e := r.fails(t, "BAD_USER_INPUT", "shared")
		if e.Extensions["reason"] != string(crm.ReasonQuotaExceeded) {
			t.Fatalf("reason: %+v", e)
		}
	}
}

// A viewer who sees a customer's contact details masked cannot recover a
// phone number written into an interaction's summary through summary
// filters, digit by digit; its owner can. Lists, counts and a sidebar's
// counts alike.
func TestMaskedViewersFilterTheMaskedText(t *testing.T) {
	ts := newTestServer(t)
	ownerID, owner := ts.user(t, "cost-owner@kehu.local", crm.RoleSales)
	_, other := ts.user(t, "cost-other@kehu.local", crm.RoleSales)
	_, analyst := ts.user(t, "cost-analyst2@kehu.local", crm.RoleAnalyst)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "电话在摘要里的公司", "ownerId": ownerID})
	ts.post(t, owner, `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:PHONE,summary:"客户电话13812345678，邮箱 li.lei@example.cn，请回电"}){version}}`,
		map[string]any{"id": c.ID}).ok(t, nil)
	count := func(token, needle string) int {
		t.Helper()
		var out struct {
			CustomersCount int
			Customers      struct{ TotalCount int }
		}
		ts.post(t, token, `query($w:CustomerWhere){customersCount(where:$w) customers(where:$w){totalCount}}`,
			map[string]any{"w": map[string]any{"interactions": map[string]any{"some": map[string]any{"summary": map[string]any{"contains": needle}}}}}).ok(t, &out)
		if out.CustomersCount != out.Customers.TotalCount {
			t.Fatalf("%s: count %d, list %d", needle, out.CustomersCount, out.Customers.TotalCount)
		}
		return out.CustomersCount
	}
	for _, who := range []struct {
		name   string
		token  string
		masked bool
	}{{"owner", owner, false}, {"admin", ts.admin, false}, {"other sales", other, true}, {"analyst", analyst, true}} {
		t.Run(who.name, func(t *testing.T) {
			// What everyone sees.
			for _, n := range []string{"138", "5678", "客户电话", "请回电", "example.cn"} {
				if count(who.token, n) != 1 {
					t.Fatalf("%s not found", n)
				}
			}
			// Digit by digit after the visible prefix.
			found := ""
			for range 8 {
				next := ""
				for d := '0'; d <= '9'; d++ {
					if count(who.token, "138"+found+string(d)) == 1 {
						next = string(d)
						break
					}
				}
				if next == "" {
					break
				}
				found += next
			}
			if who.masked && found != "" {
				t.Fatalf("a masked viewer recovered 138%s", found)
			}
			if !who.masked && found != "12345678" {
				t.Fatalf("the owner found 138%s", found)
			}
			for _, n := range []string{"13812345678", "li.lei@", "1234"} {
				if got := count(who.token, n); got != map[bool]int{true: 0, false: 1}[who.masked] {
					t.Fatalf("%s: %d", n, got)
				}
			}
			if who.masked && count(who.token, "138****5678") != 1 {
				t.Fatal("the masked text is not what masked viewers filter")
			}
			// A sidebar's counts too.
			ts.post(t, who.token, `mutation($n:String!){saveSegment(name:$n,query:"interactions.some(summary:*1381*)"){id}}`,
				map[string]any{"n": "phone " + who.name}).ok(t, nil)
			var side struct {
				Segments []struct {
					Name  string
					Count int
				}
			}
			ts.post(t, who.token, `{segments{name count}}`, nil).ok(t, &side)
			for _, s := range side.Segments {
				if s.Name == "phone "+who.name && s.Count != map[bool]int{true: 0, false: 1}[who.masked] {
					t.Fatalf("sidebar: %+v", s)
				}
			}
		})
	}
}
