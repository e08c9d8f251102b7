package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// reference answers a ListQuery by filtering and fully sorting, the obvious
// way, for comparison with the heap-based List.
func reference(all []*crm.Customer, q crm.ListQuery) (ids []string, total int) {
	var rows []*crm.Customer
	for _, c := range all {
		switch {
		case q.Scope == crm.ScopeActive && c.ArchivedAt != nil, q.Scope == crm.ScopeArchived && c.ArchivedAt == nil:
			continue
		}
		if q.Search != "" {
			hay := []string{c.Name, c.Code}
			for _, ct := range c.Contacts {
				hay = append(hay, ct.Name)
			}
			found := false
			for _, h := range hay {
				found = found || strings.Contains(strings.ToLower(h), strings.ToLower(q.Search))
			}
			if !found {
				continue
			}
		}
		rows = append(rows, c)
	}
	cmp := func(a, b *crm.Customer) int {
		c := crm.CompareSortValues(a.SortValue(q.OrderBy), b.SortValue(q.OrderBy))
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if q.Desc {
			c = -c
		}
		return c
	}
	slices.SortFunc(rows, cmp)
	for _, c := range rows {
		if q.After != nil && compareToCursor(c, q) <= 0 {
			continue
		}
		ids = append(ids, c.ID)
	}
	return ids, len(rows)
}

func compareToCursor(c *crm.Customer, q crm.ListQuery) int {
	r := crm.CompareSortValues(c.SortValue(q.OrderBy), q.After.Value)
	if r == 0 {
		r = strings.Compare(c.ID, q.After.ID)
	}
	if q.Desc {
		r = -r
	}
	return r
}

func TestListMatchesReference(t *testing.T) {
	for _, limit := range []int{0, 5} {
		t.Run(fmt.Sprintf("chunkLimit=%d", limit), func(t *testing.T) {
			if limit > 0 {
				t.Cleanup(sqlite.SetChunkLimit(limit))
			}
			testListMatchesReference(t)
		})
	}
}

func testListMatchesReference(t *testing.T) {
	s := openAt(t, t.TempDir())
	r := rand.New(rand.NewPCG(11, 12))
	var all []*crm.Customer
	for i := range 120 {
		c := genCustomer(r, i, 2)
		if i%7 == 0 { // ties on every numeric sort field
			c.Interactions, c.Deals, c.Needs, c.Satisfaction = nil, nil, nil, nil
			c.Recompute()
		}
		switch i % 5 {
		case 0:
			c.Name = "同名公司"
		case 1: // names sharing a prefix longer than 16 bytes
			c.Name = fmt.Sprintf("上海长名字科技发展有限公司%d", i)
		}
		all = append(all, mustInsert(t, s, c))
	}
	searches := []string{"", "同名", "C2026110", "有限公司", "王", "no such text", "公司\x00", "\x00"}
	// Needles spanning the search keys of two customers adjacent in id
	// order (the read model searches a chunk's keys as one text).
	byID := slices.Clone(all)
	slices.SortFunc(byID, func(a, b *crm.Customer) int { return strings.Compare(a.ID, b.ID) })
	for i := 1; i < len(byID); i += 30 {
		prev := []rune(byID[i-1].Contacts[len(byID[i-1].Contacts)-1].Name)
		next := []rune(byID[i].Name)
		searches = append(searches, string(prev[len(prev)-1:])+string(next[:2]))
	}
	for _, field := range crm.OrderFields() {
		for _, desc := range []bool{false, true} {
			for _, scope := range []crm.ArchiveScope{crm.ScopeActive, crm.ScopeArchived, crm.ScopeAll} {
				for _, search := range searches {
					q := crm.ListQuery{OrderBy: field, Desc: desc, Scope: scope, Search: search, First: 7, WithTotal: true}
					name := fmt.Sprintf("%s/desc=%v/%s/%q", field, desc, scope, search)
					want, wantTotal := reference(all, q)
					// Page through everything, checking each page.
					var got []string
					for {
						page, err := s.Customers().List(ctx(t), q)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if page.Total != wantTotal {
							t.Fatalf("%s: total %d, want %d", name, page.Total, wantTotal)
						}
						for _, c := range page.Customers {
							if !c.Partial || c.Interactions != nil {
								t.Fatalf("%s: list returned a full document without Full", name)
							}
							got = append(got, c.ID)
						}
						if !page.HasNext {
							break
						}
						if len(page.Customers) != q.First {
							t.Fatalf("%s: short page %d with HasNext", name, len(page.Customers))
						}
						last := page.Customers[len(page.Customers)-1]
						q.After = &crm.Cursor{Value: last.SortValue(field), ID: last.ID}
					}
					if !slices.Equal(got, want) {
						t.Fatalf("%s:\n got %v\nwant %v", name, got, want)
					}
					// Cursors that are not a listed row's: between two
					// values, or of the wrong type.
					pivot := all[r.IntN(len(all))]
					for _, v := range cursorValues(pivot.SortValue(field)) {
						q.After = &crm.Cursor{Value: v, ID: pivot.ID}
						want, _ := reference(all, q)
						page, err := s.Customers().List(ctx(t), q)
						if err != nil {
							t.Fatal(err)
						}
						var got []string
						for _, c := range page.Customers {
							got = append(got, c.ID)
						}
						if len(want) > q.First {
							want = want[:q.First]
						}
						if !slices.Equal(got, want) {
							t.Fatalf("%s after %v (%T):\n got %v\nwant %v", name, v, v, got, want)
						}
					}
				}
			}
		}
	}
}

// cursorValues returns v and values a client could send that no row has.
func cursorValues(v any) []any {
	out := []any{v, nil, "x", int64(3), 2.5, int(7)}
	switch x := v.(type) {
	case time.Time:
		out = append(out, x.Add(500*time.Microsecond), x.Add(-time.Nanosecond))
	case string:
		out = append(out, x+"\x00", x[:len(x)/2])
	case int64:
		out = append(out, x+1)
	case float64:
		out = append(out, x+0.005)
	}
	return out
}

func TestListOptions(t *testing.T) {
	s := openAt(t, t.TempDir())
	r := rand.New(rand.NewPCG(1, 1))
	for i := range 5 {
		mustInsert(t, s, genCustomer(r, i, 2))
	}
	t.Run("full", func(t *testing.T) {
		page, err := s.Customers().List(ctx(t), crm.ListQuery{First: 3, Full: true, Scope: crm.ScopeAll})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Customers) != 3 || page.Total != -1 || !page.HasNext {
			t.Fatalf("page %d customers, total %d, next %v", len(page.Customers), page.Total, page.HasNext)
		}
		for _, c := range page.Customers {
			got, err := s.Customers().Get(ctx(t), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Partial {
				t.Fatal("full document marked partial")
			}
			sameDoc(t, got, c)
		}
	})
	for _, tc := range []struct {
		name string
		q    crm.ListQuery
	}{
		{"first zero", crm.ListQuery{First: 0}},
		{"unknown order", crm.ListQuery{First: 1, OrderBy: "COLOUR"}},
		{"unknown scope", crm.ListQuery{First: 1, Scope: "SOME"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Customers().List(ctx(t), tc.q)
			if !crm.IsCode(err, crm.CodeBadUserInput) {
				t.Fatalf("want BAD_USER_INPUT, got %v", err)
			}
		})
	}
}

// TestFilterWithoutBrief: a customer whose document holds a value a brief
// cannot represent (a channel from a newer version) is filtered on its
// document, also after a restart.
func TestFilterWithoutBrief(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	r := rand.New(rand.NewPCG(9, 9))
	odd := genCustomer(r, 1, 3)
	for i := range odd.Interactions {
		odd.Interactions[i].Channel = "CARRIER_PIGEON"
	}
	mustInsert(t, s, odd)
	plain := genCustomer(r, 2, 3)
	for i := range plain.Interactions {
		plain.Interactions[i].Channel = crm.ChannelVisit
	}
	mustInsert(t, s, plain)
	f, err := segment.NewFilter(segment.Quant{Array: segment.Interactions, Q: segment.Some,
		Where: segment.Cond{Field: "channel", Op: segment.Ne, Value: segment.String("VISIT")}},
		segment.Options{Now: genNow})
	if err != nil {
		t.Fatal(err)
	}
	check := func(s *sqlite.Store) {
		page, err := s.Customers().List(ctx(t), crm.ListQuery{First: 10, Filter: f, WithTotal: true})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 1 || len(page.Customers) != 1 || page.Customers[0].ID != odd.ID {
			t.Fatalf("got %d customers (total %d), want only the one with the unknown channel", len(page.Customers), page.Total)
		}
	}
	check(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	check(openAt(t, dir))
}

// TestCountsOnEveryCore: Counts over a read model of many chunks, cut
// between goroutines, gives each filter's count as a list does.
func TestCountsOnEveryCore(t *testing.T) {
	t.Cleanup(sqlite.SetChunkLimit(5))
	t.Cleanup(sqlite.SetParallelCountsFrom(0))
	s := openAt(t, t.TempDir())
	r := rand.New(rand.NewPCG(21, 22))
	for i := range 90 {
		mustInsert(t, s, genCustomer(r, i, 2))
	}
	var filters []crm.Filter
	for _, line := range []string{"", "tier:A", "interactions.some(channel:phone)", "deals.some(date:>2024-01-01) -tier:C", "interactions.some(summary:*电话*)"} {
		var f crm.Filter
		if line != "" {
			var err error
			if f, err = segment.FilterOf(nil, line, segment.Options{Now: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		filters = append(filters, f)
	}
	got, err := s.Customers().Counts(context.Background(), filters, crm.CountQuery{})
	if err != nil {
		t.Fatal(err)
	}
	some := false
	for k, f := range filters {
		page, err := s.Customers().List(context.Background(), crm.ListQuery{First: 1, WithTotal: true, Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		if got[k] != page.Total {
			t.Errorf("filter %d: Counts %d, List %d", k, got[k], page.Total)
		}
		some = some || (page.Total > 0 && page.Total < 90)
	}
	if !some {
		t.Fatal("weak test: no filter separates the customers")
	}
}
