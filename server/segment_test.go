package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"sort"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// TestSegmentsOverGraphQL runs filters (query lines and where inputs) over
// demo data through the API and checks them against the reference: the
// segment evaluator on every whole document.
func TestSegmentsOverGraphQL(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 300
	clock := crm.NewFixedClock(testNow)
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler), clock, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: httptest.NewServer(a.handler), app: a, clock: clock}
	t.Cleanup(func() { ts.Close(); _ = a.Close() })
	ts.admin = ts.login(t, cfg.AdminEmail, adminPassword)

	// Every active customer, whole.
	var all []*crm.Customer
	q := crm.ListQuery{OrderBy: crm.OrderCode, First: 100, Full: true}
	for {
		p, err := a.store.Customers().List(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Customers...)
		if !p.HasNext {
			break
		}
		last := p.Customers[len(p.Customers)-1]
		q.After = &crm.Cursor{Value: last.Code, ID: last.ID}
	}
	reference := func(n segment.Node) []string {
		f, err := segment.NewFilter(n, segment.Options{Now: testNow, Loc: crm.DefaultLocation, Me: "nobody"})
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, c := range all {
			if f.Match(c) {
				codes = append(codes, c.Code)
			}
		}
		return codes
	}
	listed := func(vars map[string]any) ([]string, int) {
		var codes []string
		var after any
		total := -1
		for {
			vars["after"] = after
			var out struct {
				Customers struct {
					TotalCount int
					Nodes      []struct{ Code string }
					PageInfo   struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
			ts.post(t, ts.admin, `query($where:CustomerWhere,$query:String,$after:String){customers(first:100,after:$after,where:$where,query:$query){
				totalCount nodes{code} pageInfo{hasNextPage endCursor}}}`, vars).ok(t, &out)
			total = out.Customers.TotalCount
			for _, n := range out.Customers.Nodes {
				codes = append(codes, n.Code)
			}
			if !out.Customers.PageInfo.HasNextPage {
				return codes, total
			}
			after = out.Customers.PageInfo.EndCursor
		}
	}
	lines := []string{
		"tier:A,B",
		"stage:negotiation OR stage:成交",
		"amount:>=100000 -tag:投诉风险",
		"last-contact:>90d",
		"visits(90d):>=3",
		"deals(365d):>=500000",
		"interactions.some(channel:visit at:<=30d)",
		`"科技" satisfaction:>=80`,
		"created:2026-03-01 OR interactions.some(at:2026-03-02)", // eq takes a Date on time fields
	}
	nonTrivial := 0
	for _, line := range lines {
		t.Run(line, func(t *testing.T) {
			n, err := segment.Parse(line)
			if err != nil {
				t.Fatal(err)
			}
			want := reference(n)
			got, total := listed(map[string]any{"query": line})
			sort.Strings(got)
			if fmt.Sprint(got) != fmt.Sprint(want) || total != len(want) {
				t.Fatalf("%q: API %d rows (total %d), reference %d", line, len(got), total, len(want))
			}
			// The where input of the same tree gives the same rows, and so does the count.
			got2, _ := listed(map[string]any{"where": segment.ToInput(n)})
			sort.Strings(got2)
			if fmt.Sprint(got2) != fmt.Sprint(want) {
				t.Fatalf("%q as where: %d rows, want %d", line, len(got2), len(want))
			}
			// parseQuery and formatQuery are inverses of each other.
			var parsed struct{ ParseQuery map[string]any }
			ts.post(t, ts.admin, `query($q:String!){parseQuery(query:$q)}`, map[string]any{"q": line}).ok(t, &parsed)
			var formatted struct{ FormatQuery *string }
			ts.post(t, ts.admin, `query($w:CustomerWhere!){formatQuery(where:$w)}`, map[string]any{"w": parsed.ParseQuery}).ok(t, &formatted)
			canon, _ := segment.Format(n)
			if formatted.FormatQuery == nil || *formatted.FormatQuery != canon {
				t.Fatalf("%q: parseQuery then formatQuery gave %v, want %q", line, formatted.FormatQuery, canon)
			}
			var cnt struct{ CustomersCount int }
			ts.post(t, ts.admin, `query($q:String){customersCount(query:$q)}`, map[string]any{"q": line}).ok(t, &cnt)
			if cnt.CustomersCount != len(want) {
				t.Fatalf("%q: count %d, want %d", line, cnt.CustomersCount, len(want))
			}
			if len(want) > 0 && len(want) < len(all) {
				nonTrivial++
			}
		})
	}
	if nonTrivial < len(lines)/2 {
		t.Fatalf("only %d of %d segments select some but not all customers: the demo data does not exercise them", nonTrivial, len(lines))
	}

	var ex struct {
		ExplainSegment struct {
			Query       *string
			MongoFilter string
			PushedDown  bool
			Lean        bool
		}
	}
	ts.post(t, ts.admin, `{explainSegment(query:"tier:A visits(90d):>=3"){query mongoFilter pushedDown lean}}`, nil).ok(t, &ex)
	if !ex.ExplainSegment.PushedDown || ex.ExplainSegment.Lean || ex.ExplainSegment.Query == nil || ex.ExplainSegment.MongoFilter == "" {
		t.Fatalf("explain: %+v", ex.ExplainSegment)
	}

	// Numbers in a where input arrive as JSON numbers.
	var n struct{ CustomersCount int }
	ts.post(t, ts.admin, `query($w:CustomerWhere){customersCount(where:$w)}`, map[string]any{"w": map[string]any{
		"interactionCount": map[string]any{"gte": 40}, "totalAmount": map[string]any{"gt": "0"}}}).ok(t, &n)
	ref, _ := segment.Parse("interaction-count:>=40 amount:>0")
	if want := len(reference(ref)); n.CustomersCount != want || want == 0 {
		t.Fatalf("count with numbers: %d, want %d", n.CustomersCount, want)
	}

	// Bad filters: clear errors with the path.
	ts.post(t, ts.admin, `{customers(query:"tier:"){totalCount}}`, nil).fails(t, "BAD_USER_INPUT", "query")
	ts.post(t, ts.admin, `query($w:CustomerWhere){customers(where:$w){totalCount}}`, map[string]any{"w": map[string]any{"valueTier": map[string]any{"in": []any{}}}}).
		fails(t, "BAD_USER_INPUT", "where.valueTier.in")
	ts.post(t, ts.admin, `query($w:CustomerWhere){customers(where:$w){totalCount}}`, map[string]any{"w": map[string]any{"idCard": map[string]any{"eq": "x"}}}).
		fails(t, "BAD_USER_INPUT", "")
	ts.post(t, ts.admin, `{explainSegment{pushedDown}}`, nil).fails(t, "BAD_USER_INPUT", "where")
	ts.post(t, ts.admin, `{parseQuery(query:"tier:A (")}`, nil).fails(t, "BAD_USER_INPUT", "query")
	ts.post(t, ts.admin, `query($w:CustomerWhere!){formatQuery(where:$w)}`, map[string]any{"w": map[string]any{"valueTier": map[string]any{"in": []any{}}}}).
		fails(t, "BAD_USER_INPUT", "where.valueTier.in")
	// An or without branches matches nothing and has no one-line form.
	var empty struct{ FormatQuery *string }
	ts.post(t, ts.admin, `{formatQuery(where:{or:[]})}`, nil).ok(t, &empty)
	if empty.FormatQuery != nil {
		t.Fatalf("formatQuery(or: []) = %q, want null", *empty.FormatQuery)
	}
	ts.post(t, "", `{parseQuery(query:"tier:A")}`, nil).fails(t, "UNAUTHENTICATED", "")
}
