package segment

import (
	"reflect"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Query line problems carry a reason and parameters that clients
// translate, and the position of the problem.
func TestParseReasons(t *testing.T) {
	for _, tc := range []struct {
		line   string
		reason crm.Reason
		params map[string]any
	}{
		{"foo:1", ReasonUnknownField, map[string]any{"pos": 1, "name": "foo"}},
		{"tier:", ReasonExpectedValue, map[string]any{"pos": 6, "after": "tier:"}},
		{"tier:A OR", ReasonExpectedTerm, map[string]any{"pos": 10, "after": "OR"}},
		{"(tier:A", ReasonUnclosedParen, map[string]any{"pos": 8, "open": 1}},
		{"tier:A)", ReasonUnmatchedParen, map[string]any{"pos": 7}},
		{`name:"abc`, ReasonUnclosedQuote, map[string]any{"pos": 10, "open": 6}},
		{"tier:Z", ReasonNotAValue, map[string]any{"pos": 6, "value": "Z", "field": "tier", "choices": "A, B, C"}},
		{"created:30d", ReasonRelativeTimeCmp, map[string]any{"pos": 9, "field": "created", "value": "30d"}},
		{"tier:A tier:A tier:A \x00", crm.ReasonInvalidQuery, nil},
	} {
		_, err := Parse(tc.line)
		e, ok := err.(*crm.Error)
		if !ok || len(e.Fields) != 1 {
			t.Fatalf("%q: %v", tc.line, err)
		}
		f := e.Fields[0]
		if f.Reason != tc.reason || (tc.params != nil && !reflect.DeepEqual(f.Params, tc.params)) {
			t.Errorf("%q: reason %s params %v, want %s %v (%s)", tc.line, f.Reason, f.Params, tc.reason, tc.params, f.Message)
		}
	}
	// A where input's problems are INVALID_FILTER.
	_, err := FromInput("where", map[string]any{"nope": 1})
	if e, ok := err.(*crm.Error); !ok || e.Fields[0].Reason != crm.ReasonInvalidFilter {
		t.Errorf("where input: %v", err)
	}
}
