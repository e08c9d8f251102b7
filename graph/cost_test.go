package graph

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/complexity"
	"github.com/vektah/gqlparser/v2"

	"github.com/kehu-crm/kehu/internal/crm"
)

// The store size the cost model is checked at (the README's target).
const costCustomers = 50000

func costSchema() *executableSchema {
	es := NewExecutableSchema(config(&Resolver{}, func(text bool) int { return crm.FilterCost(costCustomers, text) }))
	return es.(*executableSchema)
}

// cost is the complexity of the one operation in query, as the handler's
// limit computes it.
func cost(t *testing.T, es *executableSchema, query string, vars map[string]any) int {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(es.Schema(), query)
	if errs != nil {
		t.Fatalf("%s: %v", query, errs)
	}
	return complexity.Calculate(context.Background(), es, doc.Operations[0], vars)
}

// Every list nested in a customer costs the most elements it can return
// (its limit, or the most a customer holds) times its element's selection,
// and a page multiplies that by its size. The expected costs are written
// out by hand: 100 customers × (1 + elements × fields per element).
func TestNestedListsCostWhatTheyCanReturn(t *testing.T) {
	es := costSchema()
	page := func(sel string) string { return `{customers(first: 100) { nodes { ` + sel + ` } } }` }
	base := cost(t, es, page("id"), nil) - 100 // the page and its filter, without the id
	for _, tc := range []struct {
		sel  string
		want int // of the field, per customer
	}{
		{"contacts { id name }", 1 + 100*2},
		{"contacts(limit: 1) { id name }", 1 + 1*2},
		{"interactions { id }", 1 + 10000*1},
		{"interactions(limit: 30, newestFirst: true) { id at }", 1 + 30*2},
		{"interactions(limit: 10) { participants { id name } }", 1 + 10*(1+20*2)},
		{"interactions(limit: 10) { contactIds }", 1 + 10*(1+20*1)},
		{"needs { id title }", 1 + 500*2},
		{"needs(limit: 5) { id title }", 1 + 5*2},
		{"deals { id amount }", 1 + 5000*2},
		{"deals(newestFirst: true, limit: 3) { id amount }", 1 + 3*2},
		{"satisfaction { score }", 1 + 1000*1},
		{"satisfaction(limit: 0) { score }", 1},
		{"stageHistory { to by { id } }", 1 + 500*(1+2)},
		{"tierHistory(limit: 2) { to }", 1 + 2*1},
		{"collaborators { id name }", 1 + 20*2},
		{"tags", 1 + 50},
		// A limit above the most a customer holds is refused by the
		// resolver; it is charged as the most.
		{"needs(limit: 100000) { id }", 1 + 500*1},
	} {
		if got := cost(t, es, page(tc.sel), nil) - base; got != 100*tc.want {
			t.Errorf("%s: costs %d, want 100 × %d", tc.sel, got, tc.want)
		}
	}
}

// A page of 100 customers with every nested list and no limits is refused
// under the default limit; the same with limits passes.
func TestAllNestedListsOfAPageNeedLimits(t *testing.T) {
	es := costSchema()
	max := Limits{}.withDefaults().MaxComplexity
	const unlimited = `{customers(first: 100) { nodes { id contacts { id } interactions { id } needs { id }
		deals { id } satisfaction { id } stageHistory { at } tierHistory { at } collaborators { id } tags } } }`
	const limited = `{customers(first: 100) { nodes { id contacts(limit: 3) { id } interactions(limit: 5) { id }
		needs(limit: 5) { id } deals(limit: 5) { id } satisfaction(limit: 5) { id } stageHistory(limit: 5) { at }
		tierHistory(limit: 5) { at } collaborators { id } tags } } }`
	if c := cost(t, es, unlimited, nil); c <= max {
		t.Errorf("every nested list without limits costs %d, under the limit %d", c, max)
	}
	if c := cost(t, es, limited, nil); c > max {
		t.Errorf("with limits: %d, over the limit %d", c, max)
	}
	// Each list alone, unlimited, on a page of 100 with a whole element.
	for _, sel := range []string{
		"contacts { id name title phone email wechat role primary commPreference bestTime }",
		"interactions { id }", "needs { id title kind }", "deals { id date amount }", "satisfaction { id at score }",
		"stageHistory { from to at by { id name } }", "tierHistory { from to at by { id name } }",
	} {
		if c := cost(t, es, `{customers(first: 100) { nodes { `+sel+` } } }`, nil); c <= max {
			t.Errorf("%s of 100 customers costs %d, under the limit %d", sel, c, max)
		}
	}
}

// The app's GraphQL documents (frontend/src, every graphql(`...`)).
var appDocument = regexp.MustCompile("graphql\\(\\s*`([^`]*)`\\s*\\)")

func appOperations(t *testing.T) string {
	t.Helper()
	var docs []string
	err := filepath.WalkDir("../frontend/src", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "gql" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(path); d.IsDir() || (ext != ".ts" && ext != ".tsx") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range appDocument.FindAllStringSubmatch(string(b), -1) {
			docs = append(docs, m[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(docs, "\n")
}

// appConst reads `export const NAME = 123;` from the app's sources.
func appConst(t *testing.T, file, name string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../frontend/src", file))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`export const ` + name + ` = (\d+);`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s: no export const %s = <number>;", file, name)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// Every operation of the app passes the default complexity limit at the
// largest values the app sends (its largest page size, its largest limits)
// and with a filter that reads free text, at 50,000 customers.
func TestAppOperationsPassTheComplexityLimit(t *testing.T) {
	es := costSchema()
	max := Limits{}.withDefaults().MaxComplexity
	doc, errs := gqlparser.LoadQuery(es.Schema(), appOperations(t))
	if errs != nil {
		t.Fatalf("the app's documents: %v", errs)
	}
	// The largest value the app sends for each Int variable: a new one
	// needs its entry here (and a bound in the app).
	largest := map[string]int{
		"first":            100, // the largest page size (PAGE_SIZES in src/lib/urlState.ts)
		"interactionLimit": appConst(t, "api/operations.ts", "MAX_INTERACTION_LIMIT"),
		"recordLimit":      appConst(t, "api/operations.ts", "RECORD_LIMIT"),
		"historyLimit":     appConst(t, "api/operations.ts", "HISTORY_LIMIT"),
	}
	if sizes := appPageSizes(t); sizes != largest["first"] {
		t.Fatalf("the app's largest page size is %d, the test checks %d", sizes, largest["first"])
	}
	seen := map[string]int{}
	for _, op := range doc.Operations {
		vars := map[string]any{}
		for _, v := range op.VariableDefinitions {
			switch v.Type.Name() {
			case "Int":
				n, ok := largest[v.Variable]
				if !ok {
					// Not a size (a version): the cost must not depend on it.
					n = 1
					if complexity.Calculate(context.Background(), es, op, map[string]any{v.Variable: 1}) !=
						complexity.Calculate(context.Background(), es, op, map[string]any{v.Variable: 1 << 20}) {
						t.Errorf("%s: $%s: add the largest value the app sends to this test", op.Name, v.Variable)
					}
				}
				vars[v.Variable] = n
			case "String":
				if v.Variable == "query" {
					vars[v.Variable] = "interactions.some(summary:*跟进*)" // the dearest filter
				}
			}
		}
		c := complexity.Calculate(context.Background(), es, op, vars)
		seen[op.Name] = c
		t.Logf("%-24s %6d", op.Name, c)
		if c > max {
			t.Errorf("%s costs %d, over the default limit %d", op.Name, c, max)
		}
	}
	for _, name := range []string{"Customers", "Customer", "Segments", "CustomerProfile"} {
		if _, ok := seen[name]; !ok {
			t.Errorf("operation %s not found in the app's documents", name)
		}
	}
	if len(seen) < 20 {
		t.Errorf("only %d operations found", len(seen))
	}
}

// appPageSizes returns the largest page size the list offers.
func appPageSizes(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("../frontend/src/lib/urlState.ts")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`PAGE_SIZES = \[([\d, ]+)\]`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no PAGE_SIZES in src/lib/urlState.ts")
	}
	largest := 0
	for _, s := range strings.Split(string(m[1]), ",") {
		if n, _ := strconv.Atoi(strings.TrimSpace(s)); n > largest {
			largest = n
		}
	}
	return largest
}

// A bulk change over a filter is charged as evaluating that filter once
// (free text ten times more), like customersCount; picked customers one
// each.
func TestBulkChangeIsChargedItsFilter(t *testing.T) {
	es := costSchema()
	sel := `{ id }`
	count := func(q string) int { return cost(t, es, `{ customersCount(query: "`+q+`") }`, nil) }
	bulk := func(filter string) int {
		return cost(t, es, `mutation { startBulkChange(input: {action: ARCHIVE, `+filter+`}) `+sel+` }`, nil)
	}
	lean, text := count("tier:A"), count("interactions.some(summary:*x*)")
	if text != 10*lean {
		t.Fatalf("customersCount: lean %d, text %d", lean, text)
	}
	if got := bulk(`filter: {query: "tier:A"}`); got != lean+1 {
		t.Errorf("bulk over a lean filter costs %d, want %d", got, lean+1)
	}
	if got := bulk(`filter: {query: "interactions.some(summary:*x*)"}`); got != text+1 {
		t.Errorf("bulk over a text filter costs %d, want %d", got, text+1)
	}
	if got := bulk(`customers: [{id: "a", expectedVersion: 1}, {id: "b", expectedVersion: 1}]`); got != 2+1 {
		t.Errorf("bulk over two picked customers costs %d, want 3", got)
	}
}
