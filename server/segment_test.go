package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
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
	ts := newTestServerWith(t, cfg)

	// Every active customer, whole.
	var all []*crm.Customer
	q := crm.ListQuery{OrderBy: crm.OrderCode, First: 100, Full: true}
	for {
		p, err := ts.app.store.Customers().List(context.Background(), q)
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
	if !ex.ExplainSegment.PushedDown || !ex.ExplainSegment.Lean || ex.ExplainSegment.Query == nil || ex.ExplainSegment.MongoFilter == "" {
		t.Fatalf("explain: %+v", ex.ExplainSegment)
	}
	// Interaction summaries are not in the read model: such a filter reads documents.
	ts.post(t, ts.admin, `{explainSegment(query:"interactions.some(summary:*报价*)"){query mongoFilter pushedDown lean}}`, nil).ok(t, &ex)
	if ex.ExplainSegment.Lean {
		t.Fatalf("a filter on summaries explained as lean: %+v", ex.ExplainSegment)
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

// TestBadSegmentInput sends bad and pathological filters over HTTP: each
// gets BAD_USER_INPUT with the path, changes nothing, and the server answers
// the next request normally.
func TestBadSegmentInput(t *testing.T) {
	ts := newTestServer(t)
	ts.createCustomer(t, ts.admin, map[string]any{"name": "上海(测试)*科技.有限公司", "tags": []string{"高意向"}})
	ts.createCustomer(t, ts.admin, map[string]any{"name": "上海测试科技有限公司"})

	deepNot := map[string]any{"valueTier": map[string]any{"eq": "A"}}
	for range 60 {
		deepNot = map[string]any{"not": deepNot}
	}
	manyOr := make([]any, 5000)
	for i := range manyOr {
		manyOr[i] = map[string]any{"name": map[string]any{"eq": fmt.Sprintf("公司%d", i)}}
	}
	deepLine := strings.Repeat("(", 3000) + "tier:A" + strings.Repeat(")", 3000)
	longOr := strings.Repeat("tier:A OR ", 1000) + "tier:B"
	const count = `query($w:CustomerWhere,$q:String){customersCount(where:$w,query:$q)}`
	tests := []struct {
		name  string
		vars  map[string]any
		field string
	}{
		{"unknown field", map[string]any{"w": map[string]any{"idCard": map[string]any{"eq": "x"}}}, ""},
		{"unknown operator", map[string]any{"w": map[string]any{"name": map[string]any{"regex": ".*"}}}, ""},
		{"operator of another kind", map[string]any{"w": map[string]any{"valueTier": map[string]any{"contains": "A"}}}, ""},
		{"wrong value type", map[string]any{"w": map[string]any{"dealCount": map[string]any{"gte": "many"}}}, "w.dealCount.gte"},
		{"unknown enum value", map[string]any{"w": map[string]any{"stage": map[string]any{"eq": "SIGNED_MAYBE"}}}, "w.stage.eq"},
		{"impossible range", map[string]any{"w": map[string]any{"createdAt": map[string]any{"between": map[string]any{"from": "2026-02-01", "to": "2026-01-01"}}}}, "where.createdAt.between"},
		{"empty in", map[string]any{"w": map[string]any{"industry": map[string]any{"in": []any{}}}}, "where.industry.in"},
		{"empty nested in", map[string]any{"w": map[string]any{"interactions": map[string]any{"some": map[string]any{"channel": map[string]any{"in": []any{}}}}}}, "where.interactions.some.channel.in"},
		{"nested count without a comparison", map[string]any{"w": map[string]any{"interactions": map[string]any{"count": map[string]any{"where": map[string]any{"channel": map[string]any{"eq": "VISIT"}}}}}}, "where.interactions.count"},
		{"relative time out of range", map[string]any{"w": map[string]any{"lastInteractionAt": map[string]any{"within": "500y"}}}, "where.lastInteractionAt.within"},
		{"query line that does not parse", map[string]any{"q": "tier:A stage:"}, "query"},
		{"unknown name in the query line", map[string]any{"q": "身份证:110105"}, "query"},
		{"deep nesting", map[string]any{"w": deepNot}, "where" + strings.Repeat(".not", segment.MaxDepth)},
		{"thousands of or branches", map[string]any{"w": map[string]any{"or": manyOr}}, "where.or"},
		{"deep parentheses in the line", map[string]any{"q": deepLine}, "query"},
		{"a thousand ORs in the line", map[string]any{"q": longOr}, "query"},
		{"huge text value", map[string]any{"w": map[string]any{"name": map[string]any{"contains": strings.Repeat("长", 300_000)}}}, "where.name.contains"},
		{"huge query line", map[string]any{"q": "\"" + strings.Repeat("长", 300_000) + "\""}, "query"},
	}
	before := snapshot(t, ts)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ts.post(t, ts.admin, count, tc.vars)
			code := "BAD_USER_INPUT"
			r.fails(t, code, tc.field)
			// The server stays responsive.
			var n struct{ CustomersCount int }
			ts.post(t, ts.admin, `{customersCount(query:"tier:A,B,C OR -tier:A,B,C")}`, nil).ok(t, &n)
			if n.CustomersCount != 2 {
				t.Fatalf("after %s: count %d, want 2", tc.name, n.CustomersCount)
			}
		})
	}
	if after := snapshot(t, ts); after != before {
		t.Fatalf("bad filters changed data:\nbefore %s\nafter  %s", before, after)
	}

	// Regex metacharacters in contains are literal text.
	for _, tc := range []struct {
		text string
		want int
	}{{"(测试)*", 1}, {".*", 0}, {"科技", 2}, {"[", 0}, {"测试)*科技.", 1}} {
		var n struct{ CustomersCount int }
		ts.post(t, ts.admin, count, map[string]any{"w": map[string]any{"name": map[string]any{"contains": tc.text}}}).ok(t, &n)
		if n.CustomersCount != tc.want {
			t.Errorf("contains %q: %d customers, want %d", tc.text, n.CustomersCount, tc.want)
		}
	}
}
