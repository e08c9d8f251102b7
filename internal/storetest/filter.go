package storetest

import (
	"fmt"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

func init() {
	register("ListFilter", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		all := listData(t, s, 30)
		lines := []struct {
			line   string
			nested bool
		}{
			{"amount:>=2", false},
			{"satisfaction:>=70 OR amount:3", false},
			{"-satisfaction:none interaction-count:>=1", false},
			{"interactions.some(channel:phone)", true},
			{"interactions.count(channel:phone):>=2 amount:>=1", true},
		}
		for _, tc := range lines {
			t.Run(tc.line, func(t *testing.T) {
				if tc.nested && h.SkipNestedFilters != "" {
					t.Skip(h.SkipNestedFilters)
				}
				n, err := segment.Parse(tc.line)
				if err != nil {
					t.Fatal(err)
				}
				f, err := segment.NewFilter(n, segment.Options{Now: base})
				if err != nil {
					t.Fatal(err)
				}
				// The reference: the filter on every whole document.
				want := expected(all, func(c *crm.Customer) bool { return c.ArchivedAt == nil && f.Match(c) }, crm.OrderTotalAmount, true)
				got, total := pageAll(t, s, crm.ListQuery{OrderBy: crm.OrderTotalAmount, Desc: true, First: 4, WithTotal: true, Filter: f})
				if fmt.Sprint(got) != fmt.Sprint(want) || total != len(want) {
					t.Fatalf("%q: got %v (total %d), want %v", tc.line, got, total, want)
				}
				if len(want) == 0 || len(want) == 26 {
					t.Fatalf("%q selects %d of 26 active customers: the case proves nothing", tc.line, len(want))
				}
			})
		}
	})
}
