package analytics_test

import (
	"fmt"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/crmtest"
	"github.com/kehu-crm/kehu/internal/demo"
	"github.com/kehu-crm/kehu/internal/segment"
)

// materialize is an At as a compact store's: it builds customer i of src
// into dst, reusing dst's tag storage, so the previous customer built into
// dst is gone, its tags overwritten in place. The brief is shared, as a
// store shares it. calls counts the calls.
func materialize(src []*crm.Customer, calls *atomic.Int64) analytics.At {
	return func(i int, dst *crm.Customer) *crm.Customer {
		calls.Add(1)
		tags := append(dst.Tags[:0], src[i].Tags...)
		*dst = crm.Customer{} // nothing of the previous customer survives
		*dst = *src[i]
		dst.Tags = tags
		if src[i].Tags == nil {
			dst.Tags = nil
		}
		return dst
	}
}

// TestAtKeepsNoCustomer: EvaluateFrom and blocks built by NewBlockFrom,
// reading customers through an At that builds each into the caller's
// scratch customer, give exactly the groups of Evaluate and NewBlock over
// the same customers as structs. An engine that kept a customer (or its
// tags) past the next call with the same scratch would read another
// customer's values and group rows under the wrong keys.
func TestAtKeepsNoCustomer(t *testing.T) {
	// Enough customers for several workers (Evaluate: one per 2,000
	// customers; EvaluateBlocks: one per 50,000 rows) where there are
	// cores, so that the At runs on several goroutines at once.
	cs := demo.Customers(11, 4500, now, demo.Users(now))
	briefed := make([]*crm.Customer, len(cs))
	mixed := make([]*crm.Customer, len(cs)) // every third one a whole document, its brief built by Evaluate
	for i, c := range cs {
		x := *c
		b, ok := crm.BriefOf(&x)
		if !ok {
			t.Fatalf("%s: no brief", x.ID)
		}
		if i%3 == 0 {
			mixed[i] = c
		}
		x.Brief = b
		x.Interactions, x.Deals, x.Needs, x.Satisfaction, x.StageHistory, x.ServiceRequests, x.Tasks = nil, nil, nil, nil, nil, nil, nil
		x.Partial = true
		briefed[i] = &x
		if i%3 != 0 {
			mixed[i] = &x
		}
	}
	// The data are varied enough for a customer read in place of another
	// to show.
	seen := map[analytics.Dimension]map[string]bool{analytics.Industry: {}, analytics.ValueTier: {}, analytics.Owner: {}, analytics.Tag: {}}
	for _, c := range cs {
		seen[analytics.Industry][c.Industry] = true
		seen[analytics.ValueTier][string(c.ValueTier)] = true
		seen[analytics.Owner][c.OwnerID] = true
		for _, tag := range c.Tags {
			seen[analytics.Tag][tag] = true
		}
	}
	for d, vs := range seen {
		if len(vs) < 3 {
			t.Fatalf("%s: only %d values in the demo customers", d, len(vs))
		}
	}

	specs := atSpecs(t)

	// Blocks of 512 customers, as the embedded store keeps, and some
	// customers of each left out of scope.
	var plain, from []analytics.Part
	var inScope []*crm.Customer
	var calls atomic.Int64
	for lo := 0; lo < len(briefed); lo += 512 {
		run := briefed[lo:min(len(briefed), lo+512)]
		p := analytics.Part{Block: analytics.NewBlock(run)}
		q := analytics.Part{Block: analytics.NewBlockFrom(len(run), materialize(run, &calls))}
		for i := range run {
			if i%5 != 2 {
				p.Rows = append(p.Rows, int32(i))
				inScope = append(inScope, run[i])
			}
		}
		q.Rows = p.Rows
		if q.Block.Len() != p.Block.Len() || q.Block.Rows(analytics.Interactions) != p.Block.Rows(analytics.Interactions) {
			t.Fatalf("block at %d: %d customers %d interactions, want %d and %d", lo,
				q.Block.Len(), q.Block.Rows(analytics.Interactions), p.Block.Len(), p.Block.Rows(analytics.Interactions))
		}
		plain, from = append(plain, p), append(from, q)
	}

	rows := map[analytics.Fact]int64{}
	for _, s := range specs {
		s.Loc, s.Now = shanghai, now
		name := fmt.Sprintf("%s by %v elements %v", s.Fact, s.Dims, s.Elements != nil)

		want, wantSkipped := analytics.Evaluate(&s, mixed)
		calls.Store(0)
		got, skipped := analytics.EvaluateFrom(&s, len(mixed), materialize(mixed, &calls))
		if skipped != wantSkipped || calls.Load() != int64(len(mixed)) {
			t.Errorf("%s: EvaluateFrom skipped %d after %d calls, want %d after %d", name, skipped, calls.Load(), wantSkipped, len(mixed))
		}
		sameGroups(t, name+": EvaluateFrom", got, want)
		rows[s.Fact] += want.Total.Count

		if !analytics.Columnar(&s) {
			continue
		}
		for _, sparse := range []bool{false, true} { // the dense scan, where it applies, and the sparse one
			analytics.SetSparseOnly(sparse)
			want, ok := analytics.EvaluateBlocks(&s, plain)
			got, ok2 := analytics.EvaluateBlocks(&s, from)
			analytics.SetSparseOnly(false)
			if !ok || !ok2 {
				t.Fatalf("%s: not computed on blocks", name)
			}
			name := fmt.Sprintf("%s (sparse only: %v)", name, sparse)
			sameGroups(t, name+": blocks through At", got, want)
			// And the same as Evaluate over the customers in scope.
			ref, _ := analytics.Evaluate(&s, inScope)
			if d := diffGroups(got, ref); d != "" {
				t.Errorf("%s: blocks through At vs Evaluate: %s", name, d)
			}
		}
	}
	for _, f := range []analytics.Fact{analytics.Customers, analytics.Interactions, analytics.Deals, analytics.ServiceRequests, analytics.Tasks} {
		if rows[f] == 0 {
			t.Errorf("%s: no rows", f)
		}
	}
}

// atSpecs are aggregates of every kind of fact and dimension: customers'
// own dimensions, tags, times, figures and their medians, nested facts
// with and without element filters.
func atSpecs(t *testing.T) []analytics.Spec {
	t.Helper()
	visits, err := segment.ElementsFromInput("where", segment.Interactions,
		map[string]any{"channel": map[string]any{"in": []any{"VISIT", "PHONE"}}}, segment.Options{Now: now, Me: demo.UserID(2)})
	if err != nil {
		t.Fatal(err)
	}
	bigDeals, err := segment.ElementsFromInput("where", segment.Deals,
		map[string]any{"amount": map[string]any{"gte": "50000"}}, segment.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return []analytics.Spec{
		{Fact: analytics.Customers, Dims: []analytics.Dimension{analytics.Industry, analytics.ValueTier}},
		{Fact: analytics.Customers, Dims: []analytics.Dimension{analytics.Tag, analytics.Owner},
			Medians: analytics.Customers.Metrics()},
		{Fact: analytics.Customers, Dims: []analytics.Dimension{analytics.CreatedMonth, analytics.Stage, analytics.Tag}},
		{Fact: analytics.Interactions, Dims: []analytics.Dimension{analytics.Month, analytics.Owner, analytics.Tag}},
		{Fact: analytics.Interactions, Dims: []analytics.Dimension{analytics.Channel, analytics.Industry}, Elements: visits},
		{Fact: analytics.Interactions, Dims: []analytics.Dimension{analytics.Tag}, Elements: visits, Metrics: []analytics.Metric{}},
		{Fact: analytics.Interactions, Dims: []analytics.Dimension{analytics.Quarter}, Elements: visits},
		{Fact: analytics.Interactions, Dims: []analytics.Dimension{analytics.Participant, analytics.ValueTier}},
		{Fact: analytics.Deals, Dims: []analytics.Dimension{analytics.Product, analytics.Industry},
			Medians: analytics.Deals.Metrics()},
		{Fact: analytics.Deals, Dims: []analytics.Dimension{analytics.Owner, analytics.Tag}, Elements: bigDeals},
		{Fact: analytics.ServiceRequests, Dims: []analytics.Dimension{analytics.Timeliness, analytics.ValueTier}},
		{Fact: analytics.Tasks, Dims: []analytics.Dimension{analytics.Assignee, analytics.Tag, analytics.Month}},
	}
}

// TestEvaluateReadsItsParts: a store builds for Evaluate only the parts of
// a customer Spec.Reads names (crm.Parts), the others holding what an
// earlier customer left. Evaluate over customers whose other parts hold
// garbage must give exactly the groups it gives over the customers.
func TestEvaluateReadsItsParts(t *testing.T) {
	cs := demo.Customers(12, 1500, now, demo.Users(now))
	briefed := make([]*crm.Customer, len(cs))
	for i, c := range cs {
		x := *c
		b, ok := crm.BriefOf(&x)
		if !ok {
			t.Fatalf("%s: no brief", x.ID)
		}
		x.Brief, x.Partial = b, true
		x.Interactions, x.Deals, x.Needs, x.Satisfaction, x.StageHistory = nil, nil, nil, nil, nil
		briefed[i] = &x
	}
	specs := append(atSpecs(t),
		analytics.Spec{Fact: analytics.Customers, Dims: []analytics.Dimension{analytics.ValueTier}, Metrics: []analytics.Metric{}},
		analytics.Spec{Fact: analytics.Customers, Dims: []analytics.Dimension{analytics.Source}, Metrics: []analytics.Metric{analytics.Amount}},
		analytics.Spec{Fact: analytics.Customers, Dims: []analytics.Dimension{analytics.FirstDealQuarter}, Metrics: []analytics.Metric{}},
		analytics.Spec{Fact: analytics.Deals, Dims: []analytics.Dimension{analytics.FirstDealMonth, analytics.Province}},
		analytics.Spec{Fact: analytics.Needs, Dims: []analytics.Dimension{analytics.City, analytics.CustomerType}},
	)
	var withoutStats int
	for _, s := range specs {
		s.Loc, s.Now = shanghai, now
		reads := s.Reads()
		if reads&crm.PartStats == 0 {
			withoutStats++
		}
		want, _ := analytics.Evaluate(&s, briefed)
		got, _ := analytics.EvaluateFrom(&s, len(briefed), func(i int, _ *crm.Customer) *crm.Customer {
			return crmtest.Garble(briefed[i], reads)
		})
		sameGroups(t, fmt.Sprintf("%s by %v, parts %05b", s.Fact, s.Dims, reads), got, want)
	}
	if withoutStats < len(specs)/2 {
		t.Fatalf("weak test: %d of %d aggregates read without the Stats", withoutStats, len(specs))
	}
}

// sameGroups fails unless got and want are deeply equal, their groups
// taken in the order of their keys (an engine gives them in no order).
func sameGroups(t *testing.T, name string, got, want *analytics.Groups) {
	t.Helper()
	for _, g := range []*analytics.Groups{got, want} {
		slices.SortFunc(g.Groups, func(a, b *analytics.Group) int {
			return slices.Compare(a.Keys, b.Keys)
		})
	}
	if !reflect.DeepEqual(got, want) {
		d := diffGroups(got, want)
		if d == "" {
			d = "equal figures, different unexported state"
		}
		t.Errorf("%s: %s", name, d)
	}
}
