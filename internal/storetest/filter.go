package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

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

func init() {
	// Keyset pages of a segment while others write: every customer that is
	// in the segment throughout (its sort key and filtered fields unchanged)
	// comes exactly once, no customer comes twice, and new customers that
	// sort after the cursor may come, ones before it do not.
	register("ListPagingWhileWriting", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		all := listData(t, s, 40)
		n, err := segment.Parse("amount:>=0 -stage:lost")
		if err != nil {
			t.Fatal(err)
		}
		f, err := segment.NewFilter(n, segment.Options{Now: base})
		if err != nil {
			t.Fatal(err)
		}
		steady := map[string]bool{}
		for _, c := range all {
			if c.ArchivedAt == nil && f.Match(c) {
				steady[c.ID] = true
			}
		}
		stop := make(chan struct{})
		done := make(chan error, 1)
		var writes atomic.Int64
		go func() { // renames existing customers and adds new ones until told to stop
			var werr error
			defer func() { done <- werr }()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c := all[i%len(all)]
				cur, err := s.Customers().Get(context.Background(), c.ID)
				if err != nil {
					werr = err
					return
				}
				next := *cur
				next.Name = fmt.Sprintf("%s-改%d", c.Name, i)
				next.Version = cur.Version + 1
				if err := s.Customers().Replace(context.Background(), &next, cur.Version); err != nil {
					werr = err
					return
				}
				nc := plain(fmt.Sprintf("新增公司%03d", i), base.Add(time.Duration(i)*time.Second))
				if err := s.Customers().Insert(context.Background(), nc, crm.CodePeriod(nc.CreatedAt, crm.DefaultLocation)); err != nil {
					werr = err
					return
				}
				writes.Add(1)
			}
		}()
		seen := map[string]int{}
		q := crm.ListQuery{OrderBy: crm.OrderCode, First: 3, Filter: f}
		for pages := 0; ; pages++ {
			if pages > 1000 {
				t.Fatal("paging does not end")
			}
			p, err := s.Customers().List(ctx(t), q)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range p.Customers {
				seen[c.ID]++
			}
			if !p.HasNext || len(p.Customers) == 0 {
				break
			}
			last := p.Customers[len(p.Customers)-1]
			q.After = &crm.Cursor{Value: last.SortValue(q.OrderBy), ID: last.ID}
			// A write between every two pages.
			for w0, start := writes.Load(), time.Now(); writes.Load() == w0; time.Sleep(100 * time.Microsecond) {
				select {
				case err := <-done:
					t.Fatalf("the writer stopped: %v", err)
				default:
				}
				if time.Since(start) > 30*time.Second {
					t.Fatal("the writer is stuck")
				}
			}
		}
		close(stop)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		for id, k := range seen {
			if k > 1 {
				t.Errorf("customer %s listed %d times", id, k)
			}
		}
		for id := range steady {
			if seen[id] != 1 {
				t.Errorf("customer %s in the segment throughout listed %d times", id, seen[id])
			}
		}
	})
}
