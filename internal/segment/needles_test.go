package segment_test

import (
	"fmt"
	"testing"

	. "github.com/kehu-crm/kehu/internal/segment"
)

// TestTextNeeds: the needles a filter must find, by hand for each shape;
// nothing where a customer can be selected without finding a text.
func TestTextNeeds(t *testing.T) {
	for line, want := range map[string]string{
		"interactions.some(summary:*电话*)":                                                                   "[[电话]]",
		"interactions.some(summary:*Wx*)":                                                                   "[[WX]]", // folded
		"interactions.some(summary:*电话* channel:phone)":                                                     "[[电话]]",
		"interactions.some(summary:*电话*) interactions.some(summary:*物流*)":                                   "[[电话 物流]]",
		"interactions.some(summary:*电话*) OR interactions.some(summary:*物流*)":                                "[[电话] [物流]]",
		"interactions.some(summary:*电话*) OR tier:A":                                                         "[]",
		"(interactions.some(summary:*a*) OR interactions.some(summary:*b*)) interactions.some(summary:*c*)": "[[A C] [B C]]",
		"interactions.some(summary:*电话*) tier:A":                                                            "[[电话]]",
		"interactions.none(summary:*沟通*) tier:B":                                                            "[]",
		"interactions.every(summary:*沟通*)":                                                                  "[]",
		"-interactions.some(summary:*沟通*)":                                                                  "[]",
		"interactions.count(summary:*话沟*):>=2":                                                              "[[话沟]]",
		"interactions.count(summary:*话沟*):>0":                                                               "[[话沟]]",
		"interactions.count(summary:*话沟*):<2":                                                               "[]",
		"interactions.count(summary:*话沟*):0":                                                                "[]",
		"interactions.some(channel:phone)":                                                                  "[]",
		"name:*电话*":                                                                                         "[]",
		"interactions.some(-summary:*电话*)":                                                                  "[]",
	} {
		n, err := Parse(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		f, err := NewFilter(n, Options{Now: testNow})
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if got := fmt.Sprint(f.TextNeeds()); got != want {
			t.Errorf("%s: %s, want %s", line, got, want)
		}
	}
	for _, tc := range []struct {
		node Node
		want string
	}{
		{Quant{Array: Interactions, Q: Some, Where: Cond{Field: "summary", Op: StartsWith, Value: String("客户")}}, "[[客户]]"},
		{Quant{Array: Interactions, Q: Some, Where: Cond{Field: "summary", Op: Eq, Value: String("电话沟通")}}, "[[电话沟通]]"},
		{Quant{Array: Interactions, Q: Some, Where: Cond{Field: "summary", Op: In, Value: Strings{"甲", "乙"}}}, "[[甲] [乙]]"},
		{Quant{Array: Interactions, Q: Some, Where: Cond{Field: "summary", Op: Ne, Value: String("甲")}}, "[]"},
		{Quant{Array: Interactions, Q: Some, Where: Cond{Field: "summary", Op: NotIn, Value: Strings{"甲"}}}, "[]"},
		{Quant{Array: Interactions, Q: Some, Where: Cond{Field: "summary", Op: IsNull, Value: Bool(false)}}, "[]"},
		{Quant{Array: Interactions, Q: Some, Where: Not{Node: Not{Node: Cond{Field: "summary", Op: Contains, Value: String("甲")}}}}, "[]"},
	} {
		f, err := NewFilter(tc.node, Options{Now: testNow})
		if err != nil {
			t.Fatalf("%#v: %v", tc.node, err)
		}
		if got := fmt.Sprint(f.TextNeeds()); got != tc.want {
			t.Errorf("%#v: %s, want %s", tc.node, got, tc.want)
		}
	}
}
