package sqlite

import (
	"context"
	"strings"

	"github.com/kehu-crm/kehu/internal/crm"
)

// row is a candidate of a page: an entry with its sort value.
type row struct {
	v any
	e *entry
}

// order compares rows by (sort value, id), both reversed when desc.
type order struct {
	field crm.OrderField
	desc  bool
}

func (o order) cmp(av any, aid string, bv any, bid string) int {
	c := crm.CompareSortValues(av, bv)
	if c == 0 {
		c = strings.Compare(aid, bid)
	}
	if o.desc {
		c = -c
	}
	return c
}

// List answers a page from the read model: filter by scope and search, skip
// up to the cursor, and keep the First+1 first rows in the requested order
// with a bounded max-heap (O(n log k), no sort of the whole list). With
// q.Full the page's full documents are read from SQLite in one query;
// otherwise the shared, read-only lean customers are returned (Partial).
func (cs *customerStore) List(ctx context.Context, q crm.ListQuery) (*crm.Page, error) {
	s := (*Store)(cs)
	if q.First <= 0 {
		return nil, crm.Errorf(crm.CodeBadUserInput, "first must be positive")
	}
	if q.OrderBy == "" {
		q.OrderBy = crm.OrderCode
	}
	if !q.OrderBy.Valid() {
		return nil, crm.Errorf(crm.CodeBadUserInput, "unknown order field %q", q.OrderBy)
	}
	if q.Scope == "" {
		q.Scope = crm.ScopeActive
	}
	if !q.Scope.Valid() {
		return nil, crm.Errorf(crm.CodeBadUserInput, "unknown archive scope %q", q.Scope)
	}
	if err := ctx.Err(); err != nil {
		return nil, crm.Internal(err)
	}
	o := order{field: q.OrderBy, desc: q.Desc}
	needle := strings.ToLower(q.Search)
	k := q.First + 1
	if k <= 0 { // First+1 overflowed
		k = q.First
	}
	h := make([]row, 0, min(k, 1024))
	total := 0
	for _, e := range s.snap.Load().entries {
		switch q.Scope {
		case crm.ScopeActive:
			if e.c.ArchivedAt != nil {
				continue
			}
		case crm.ScopeArchived:
			if e.c.ArchivedAt == nil {
				continue
			}
		}
		if needle != "" && !strings.Contains(e.key, needle) {
			continue
		}
		total++
		v := e.c.SortValue(o.field)
		if q.After != nil && o.cmp(v, e.c.ID, q.After.Value, q.After.ID) <= 0 {
			continue
		}
		switch {
		case len(h) < k:
			h = append(h, row{v, e})
			o.up(h, len(h)-1)
		case o.cmp(v, e.c.ID, h[0].v, h[0].e.c.ID) < 0:
			h[0] = row{v, e}
			o.down(h, 0)
		}
	}
	// Pop the heap from the back: the largest first, so rows end in order.
	for n := len(h) - 1; n > 0; n-- {
		h[0], h[n] = h[n], h[0]
		o.down(h[:n], 0)
	}
	page := &crm.Page{Total: -1}
	if q.WithTotal {
		page.Total = total
	}
	if len(h) > q.First {
		page.HasNext = true
		h = h[:q.First]
	}
	page.Customers = make([]*crm.Customer, len(h))
	for i, r := range h {
		page.Customers[i] = &r.e.c
	}
	if q.Full && len(h) > 0 {
		ids := make([]string, len(h))
		for i, r := range h {
			ids[i] = r.e.c.ID
		}
		full, err := cs.GetMany(ctx, ids)
		if err != nil {
			return nil, err
		}
		page.Customers = full
	}
	return page, nil
}

// up and down keep h a max-heap in the order o (the worst kept row on top).
func (o order) up(h []row, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if o.cmp(h[i].v, h[i].e.c.ID, h[p].v, h[p].e.c.ID) <= 0 {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (o order) down(h []row, i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && o.cmp(h[r].v, h[r].e.c.ID, h[l].v, h[l].e.c.ID) > 0 {
			m = r
		}
		if o.cmp(h[m].v, h[m].e.c.ID, h[i].v, h[i].e.c.ID) <= 0 {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
