package storetest

import (
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

func init() {
	// Counts (a sidebar's segment counts in one pass) equal each filter's
	// own count and the reference, in every scope.
	register("Counts", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		all := listData(t, s, 30)
		lines := []string{"amount:>=2", "tier:A OR stage:won", "-satisfaction:none"}
		if h.SkipNestedFilters == "" {
			lines = append(lines, "interactions.some(channel:phone)", "interactions.some(summary:*电话*)",
				"interactions.none(summary:*沟通*) tier:B", "interactions.count(summary:*话沟*):>=2")
		}
		filters := []crm.Filter{nil}
		for _, line := range lines {
			n, err := segment.Parse(line)
			if err != nil {
				t.Fatal(err)
			}
			f, err := segment.NewFilter(n, segment.Options{Now: base})
			if err != nil {
				t.Fatal(err)
			}
			filters = append(filters, f)
		}
		for _, scope := range []crm.ArchiveScope{crm.ScopeActive, crm.ScopeArchived, crm.ScopeAll} {
			got, err := s.Customers().Counts(ctx(t), filters, crm.CountQuery{Scope: scope})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(filters) {
				t.Fatalf("%d counts for %d filters", len(got), len(filters))
			}
			for i, f := range filters {
				want := 0
				for _, c := range all {
					inScope := scope == crm.ScopeAll || (c.ArchivedAt != nil) == (scope == crm.ScopeArchived)
					if inScope && (f == nil || f.Match(c)) {
						want++
					}
				}
				page, err := s.Customers().List(ctx(t), crm.ListQuery{First: 1, WithTotal: true, Scope: scope, Filter: f})
				if err != nil {
					t.Fatal(err)
				}
				if got[i] != want || page.Total != want {
					t.Errorf("%s filter %d: Counts %d, List %d, want %d", scope, i, got[i], page.Total, want)
				}
			}
		}
		if _, err := s.Customers().Counts(ctx(t), filters, crm.CountQuery{Scope: "NOPE"}); !crm.IsCode(err, crm.CodeBadUserInput) {
			t.Fatalf("bad scope: %v", err)
		}
	})
}
