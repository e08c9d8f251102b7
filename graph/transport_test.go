package graph

import (
	"context"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kehu-crm/kehu/internal/crm"
)

// TestResponseBudgetStopsBuilding: once the fields resolved so far exceed
// the budget, later strings and lists resolve empty, so an oversized
// response is never held in full before it is refused.
func TestResponseBudgetStopsBuilding(t *testing.T) {
	b := &responseBudget{max: 100}
	ctx := context.WithValue(context.Background(), budgetKey{}, b)
	resolve := func(v any) any {
		t.Helper()
		got, err := countResponse(ctx, func(context.Context) (any, error) { return v, nil })
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	long := strings.Repeat("客", 10) // 30 bytes
	for i := range 3 {
		if got := resolve(long); got != long || b.over.Load() {
			t.Fatalf("field %d within the budget: %q, over %v", i, got, b.over.Load())
		}
	}
	if got := resolve(long); got != "" || !b.over.Load() {
		t.Fatalf("the field that crosses the budget: %q, over %v", got, b.over.Load())
	}
	list := []crm.Interaction{{Summary: long}, {Summary: long}}
	if got := resolve(list).([]crm.Interaction); len(got) != 0 {
		t.Fatalf("a list after the budget: %d elements", len(got))
	}
	if got := resolve(&long).(*string); *got != "" {
		t.Fatalf("a *string after the budget: %q", *got)
	}
	c := &crm.Customer{Name: long}
	if got := resolve(c); got != c {
		t.Fatal("an object is replaced; only its fields shrink")
	}
	if got := resolve(42); got != 42 {
		t.Fatal("a number is changed")
	}

	// Without a budget (no transport), nothing is counted or changed.
	got, _ := countResponse(context.Background(), func(context.Context) (any, error) { return list, nil })
	if len(got.([]crm.Interaction)) != 2 {
		t.Fatal("changed without a budget")
	}
	var _ graphql.FieldMiddleware = countResponse
}

// TestMinJSONSizeIsALowerBound: the estimate never exceeds what the value
// takes in JSON, so the budget refuses no response under the limit.
func TestMinJSONSizeIsALowerBound(t *testing.T) {
	s := "客户 \"quoted\" <tag>"
	for _, c := range []struct {
		v    any
		json string
	}{
		{nil, `null`},
		{s, `"客户 \"quoted\" <tag>"`},
		{&s, `"客户 \"quoted\" <tag>"`},
		{[]string{"a", "客"}, `["a","客"]`},
		{[]string{}, `[]`},
		{true, `true`},
		{false, `false`},
		{7, `7`},
		{[]crm.Interaction{{}, {}}, `[{},{}]`},
	} {
		if n := minJSONSize(c.v); n > len(c.json) {
			t.Errorf("minJSONSize(%#v) = %d > %d (%s)", c.v, n, len(c.json), c.json)
		}
	}
}

// BenchmarkCountResponse is the cost the response budget adds to every
// resolved field.
func BenchmarkCountResponse(b *testing.B) {
	ctx := context.WithValue(context.Background(), budgetKey{}, &responseBudget{max: 1 << 40})
	for range 12 { // a field context as deep as the depth limit
		ctx = context.WithValue(ctx, struct{ n int }{0}, 0)
	}
	s := "上海物流有限公司"
	next := func(context.Context) (any, error) { return s, nil }
	b.ReportAllocs()
	for b.Loop() {
		_, _ = countResponse(ctx, next)
	}
}
