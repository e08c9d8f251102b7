package storetest

import (
	"fmt"
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

func init() {
	// Free-text filters for a viewer who sees some customers' contact
	// details masked match the masked texts there (crm.ForViewer), in lists
	// and counts, and the stored texts elsewhere and for everyone else.
	register("ViewerTextFilters", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		viewer := crm.Actor{UserID: "viewer", Role: crm.RoleSales}
		summaries := []string{"客户电话13812345678，请回电", "邮箱 li.lei@example.cn", "电话 0755-12345678 转 8", "普通沟通"}
		var all []*crm.Customer
		for i := range 12 {
			c := plain(fmt.Sprintf("文本客户%02d", i), base)
			if i%3 == 0 {
				c.OwnerID = viewer.UserID
			}
			c.Interactions = []crm.Interaction{{ID: "i", At: base, Channel: crm.ChannelPhone, Summary: summaries[i%len(summaries)], CreatedBy: "u"}}
			c.Recompute()
			all = append(all, insert(t, s, c))
		}
		for _, needle := range []string{"1381", "138", "5678", "li.lei", "l***@", "普通", "12345678"} {
			n := segment.Quant{Array: segment.Interactions, Q: segment.Some,
				Where: segment.Cond{Field: "summary", Op: segment.Contains, Value: segment.String(needle)}}
			f, err := segment.NewFilter(n, segment.Options{Now: base})
			if err != nil {
				t.Fatal(err)
			}
			viewers := []*crm.Actor{&viewer}
			if h.SkipNestedFilters == "" {
				viewers = append(viewers, nil, &crm.Actor{UserID: "m", Role: crm.RoleManager})
			}
			for _, v := range viewers {
				ref := crm.ForViewer(f, v)
				want := 0
				for _, c := range all {
					if ref.Match(c) {
						want++
					}
				}
				page, err := s.Customers().List(ctx(t), crm.ListQuery{First: 3, WithTotal: true, Filter: f, Viewer: v})
				if err != nil {
					t.Fatal(err)
				}
				counts, err := s.Customers().Counts(ctx(t), []crm.Filter{f, nil}, crm.CountQuery{Viewer: v})
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != want || counts[0] != want || counts[1] != len(all) {
					t.Errorf("%s for %v: list %d, counts %v, want %d", needle, v, page.Total, counts, want)
				}
			}
		}
		// The masked viewer finds the hidden digits only on its own
		// customers' summaries, whichever it tries one by one (138?, then
		// 1381?...), and finds the others' numbers as it sees them.
		probe := func(needle string) *crm.Page {
			f, _ := segment.NewFilter(segment.Quant{Array: segment.Interactions, Q: segment.Some,
				Where: segment.Cond{Field: "summary", Op: segment.Contains, Value: segment.String(needle)}}, segment.Options{Now: base})
			page, err := s.Customers().List(ctx(t), crm.ListQuery{First: 20, WithTotal: true, Filter: f, Viewer: &viewer})
			if err != nil {
				t.Fatal(err)
			}
			return page
		}
		for _, prefix := range []string{"138", "1381", "13812", "138123", "1381234"} {
			for d := range 10 {
				needle := fmt.Sprint(prefix, d)
				for _, c := range probe(needle).Customers {
					if c.OwnerID != viewer.UserID {
						t.Fatalf("the masked viewer found %s by %s", c.Name, needle)
					}
				}
			}
		}
		if probe("1381").Total == 0 {
			t.Fatal("the viewer does not find its own customer's phone")
		}
		others := 0
		for _, c := range probe("138****5678").Customers {
			if c.OwnerID != viewer.UserID {
				others++
			}
		}
		if others == 0 {
			t.Fatal("the viewer does not find the masked numbers it sees")
		}
	})
}
