package sqlite

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// keyKind says how rows of an order field compare.
type keyKind int

const (
	kindGeneric keyKind = iota // a field not known here: SortValue and CompareSortValues
	kindInt                    // an integer column (times as Unix ms, counts, amounts)
	kindFloat                  // the average satisfaction
	kindString                 // a string column (prefix, then the whole string)
)

// sortKey is a row's value for the order field, unboxed: SortValue returns
// an interface, which allocates for strings and times on every row of every
// list.
type sortKey struct {
	i   int64
	sub int64 // cursors only: nanoseconds past i milliseconds
	f   float64
	p   [2]uint64
	v   any // kindGeneric only
}

// row is a candidate of a page, or the cursor.
type row struct {
	k sortKey
	e *entry
}

// order compares rows by (sort value, id), both reversed when desc. It
// agrees with Customer.SortValue and crm.CompareSortValues (the list tests
// compare with a reference built on them) and falls back to them for a
// field it does not know.
type order struct {
	field crm.OrderField
	kind  keyKind
	col   int
	desc  bool
}

func newOrder(f crm.OrderField, desc bool) order {
	o := order{field: f, desc: desc, kind: kindInt}
	switch f {
	case crm.OrderCode:
		o.kind, o.col = kindString, colCode
	case crm.OrderName:
		o.kind, o.col = kindString, colName
	case crm.OrderAvgSatisfaction:
		o.kind = kindFloat
	case crm.OrderCreatedAt:
		o.col = colCreatedAt
	case crm.OrderUpdatedAt:
		o.col = colUpdatedAt
	case crm.OrderLastInteractionAt:
		o.col = colLastInteractionAt
	case crm.OrderLastDealOn:
		o.col = colLastDealOn
	case crm.OrderInteractionCount:
		o.col = colInteractionCount
	case crm.OrderDealCount:
		o.col = colDealCount
	case crm.OrderTotalAmount:
		o.col = colTotalAmount
	case crm.OrderOpenNeedCount:
		o.col = colOpenNeedCount
	case crm.OrderFirstInteractionAt:
		o.col = colFirstInteractionAt
	case crm.OrderFirstDealOn:
		o.col = colFirstDealOn
	case crm.OrderLastComplaintAt:
		o.col = colLastComplaintAt
	case crm.OrderComplaintCount:
		o.col = colComplaintCount
	case crm.OrderSatisfactionCount:
		o.col = colSatisfactionCount
	case crm.OrderStage:
		o.col = colStageRank
	default: // the optional texts (industry, tier ...): compared as strings
		o.kind = kindGeneric
	}
	return o
}

// at reads row i of chunk c, in hand in v (whose customer a field without
// a column reads).
func (o order) at(c *chunk, i int, v *view) row {
	r := row{e: c.entries[i]}
	switch o.kind {
	case kindInt:
		r.k.i = c.ints[o.col][i]
	case kindFloat:
		r.k.f = c.avg[i]
	case kindString:
		r.k.p = c.prefix[o.col][i]
	default:
		r.k.v = v.customer().SortValue(o.field)
	}
	return r
}

// cursor turns a cursor into a row. A value of the wrong type counts as the
// zero value, as in CompareSortValues.
func (o order) cursor(cur *crm.Cursor) *row {
	r := &row{e: keyEntry(cur.ID, "", "")}
	switch o.kind {
	case kindInt:
		if o.col <= lastTimeCol {
			t, _ := cur.Value.(time.Time)
			r.k.i, r.k.sub = t.UnixMilli(), int64(t.Nanosecond()%1e6)
		} else {
			r.k.i, _ = cur.Value.(int64)
		}
	case kindFloat:
		r.k.f, _ = cur.Value.(float64)
	case kindString:
		s, _ := cur.Value.(string)
		r.k.p = prefix16(s)
		r.e = keyEntry(cur.ID, s, s)
	default:
		r.k.v = cur.Value
	}
	return r
}

func (o order) str(e *entry) string {
	if o.col == colCode {
		return e.code()
	}
	return e.order()
}

func (o order) cmpValue(a, b *row) int {
	switch o.kind {
	case kindInt:
		if c := cmp.Compare(a.k.i, b.k.i); c != 0 {
			return c
		}
		return cmp.Compare(a.k.sub, b.k.sub)
	case kindFloat: // as CompareSortValues: neither less nor greater is equal (NaN)
		switch {
		case a.k.f < b.k.f:
			return -1
		case a.k.f > b.k.f:
			return 1
		}
		return 0
	case kindString:
		if c := cmp.Compare(a.k.p[0], b.k.p[0]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.k.p[1], b.k.p[1]); c != 0 {
			return c
		}
		return strings.Compare(o.str(a.e), o.str(b.e))
	}
	return crm.CompareSortValues(a.k.v, b.k.v)
}

// cmp orders two rows: by value, then id; reversed when desc.
func (o order) cmp(a, b *row) int {
	c := o.cmpValue(a, b)
	if c == 0 {
		c = strings.Compare(a.e.id(), b.e.id())
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
	scope, err := archiveScope(q.Scope)
	if err != nil {
		return nil, err
	}
	q.Scope = scope
	if err := ctx.Err(); err != nil {
		return nil, crm.Internal(err)
	}
	o := newOrder(q.OrderBy, q.Desc)
	var after *row
	if q.After != nil {
		after = o.cursor(q.After)
	}
	needle := strings.ToLower(q.Search)
	if strings.Contains(needle, "\x00") {
		// NUL separates the fields of a search key and never occurs in a
		// validated name, code or contact name: nothing matches.
		page := &crm.Page{Customers: []*crm.Customer{}, Total: -1}
		if q.WithTotal {
			page.Total = 0
		}
		return page, nil
	}
	// A lean filter runs on the read model's rows (and their briefs) during
	// the scan; one that reads interaction summaries on whole documents
	// first.
	snap := s.snap.Load() // one snapshot for the filter and the scan
	var selected map[string]bool
	if q.Filter != nil && !q.Filter.Lean() {
		q.Filter = crm.ForViewer(q.Filter, q.Viewer)
		// A filter on free texts: its text conditions come from the text
		// index, as of the snapshot's version.
		tx, at, err := s.readAt(ctx)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		snap = at
		if q.Filter, err = cs.bindText(ctx, tx, snap, q.Filter, &textCache{}); err != nil {
			return nil, err
		}
		if !q.Filter.Lean() {
			if selected, err = cs.matchFull(ctx, snap.chunks, q.Filter); err != nil {
				return nil, err
			}
		}
	}
	k := q.First + 1
	if k <= 0 { // First+1 overflowed
		k = q.First
	}
	h := make([]row, 0, min(k, 1024))
	total := 0
	v := &view{} // the customer of the row in hand, when needed
	reads := crm.PartsOf(q.Filter)
	var sel []int32 // rows of the chunk matching the search
	for _, c := range snap.chunks {
		n := c.n
		if needle != "" {
			if sel = c.matches(needle, sel[:0]); len(sel) == 0 {
				continue
			}
			n = len(sel)
		}
		for j := range n {
			i := j
			if needle != "" {
				i = int(sel[j])
			}
			if !inArchiveScope(q.Scope, c.archived[i]) {
				continue
			}
			v.reset(c.entries[i])
			if q.Filter != nil {
				if selected != nil {
					if !selected[v.e.id()] {
						continue
					}
				} else if ok, err := cs.matchEntry(ctx, q.Filter, reads, v); err != nil {
					return nil, err
				} else if !ok {
					continue
				}
			}
			total++
			r := o.at(c, i, v)
			if after != nil && o.cmp(&r, after) <= 0 {
				continue
			}
			switch {
			case len(h) < k:
				h = append(h, r)
				o.up(h, len(h)-1)
			case o.cmp(&r, &h[0]) < 0:
				h[0] = r
				o.down(h, 0)
			}
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
		page.Customers[i] = r.e.customer()
	}
	if q.WithContacts && !q.Full && len(h) > 0 {
		var err error
		if page.Customers, err = cs.withContacts(ctx, page.Customers); err != nil {
			return nil, err
		}
	}
	if q.Full && len(h) > 0 {
		ids := make([]string, len(h))
		for i, r := range h {
			ids[i] = r.e.id()
		}
		full, err := cs.GetMany(ctx, ids)
		if err != nil {
			return nil, err
		}
		page.Customers = full
	}
	return page, nil
}

// withContacts returns the lean customers (the page's own) with their
// contacts and notes, decoded from the stored documents (the decoder skips the other
// nested arrays without looking inside them).
func (cs *customerStore) withContacts(ctx context.Context, lean []*crm.Customer) ([]*crm.Customer, error) {
	type contactsDoc struct {
		ID       string        `bson:"_id"`
		Contacts []crm.Contact `bson:"contacts"`
		Notes    string        `bson:"notes,omitempty"`
	}
	ids := make([]string, len(lean))
	for i, c := range lean {
		ids[i] = c.ID
	}
	byID := make(map[string]*contactsDoc, len(ids))
	err := queryIn(ctx, cs.rdb, "SELECT doc FROM customers WHERE id IN", ids, func(doc []byte) error {
		d := new(contactsDoc)
		if err := bson.Unmarshal(doc, d); err != nil {
			return err
		}
		byID[d.ID] = d
		return nil
	})
	if err != nil {
		return nil, crm.Internal(fmt.Errorf("sqlite: read contacts: %w", err))
	}
	out := make([]*crm.Customer, 0, len(lean))
	for _, c := range lean {
		d := byID[c.ID]
		if d == nil { // removed since the page was read: left out
			continue
		}
		c.Contacts, c.Notes, c.ContactsLoaded = d.Contacts, d.Notes, true
		out = append(out, c)
	}
	return out, nil
}

// view is a scan's entry in hand with its customer, built on first need
// into the scan's scratch customer (a scan builds one customer at a time,
// and only for the entries a filter or its caller reads), and only with
// the parts of it they read (crm.Parts).
type view struct {
	e     *entry
	c     *crm.Customer
	built bool      // c holds the entry's Brief
	done  crm.Parts // and these parts of its customer
}

func (v *view) reset(e *entry) { v.e, v.built, v.done = e, false, 0 }

// customer returns the entry's whole customer: the scan's scratch (made
// on the first need: most plain lists never build one), valid until the
// scan moves on.
func (v *view) customer() *crm.Customer { return v.with(crm.AllParts) }

// with returns the entry's customer with at least the parts p built: its
// other parts hold what an earlier customer of the scan left.
func (v *view) with(p crm.Parts) *crm.Customer {
	if v.c == nil {
		v.c = new(crm.Customer)
	}
	if missing := p &^ v.done; missing != 0 || !v.built {
		v.e.into(v.c, missing)
		v.built, v.done = true, v.done|missing
	}
	return v.c
}

// matchEntry evaluates a lean filter on a read-model entry, building the
// parts of its customer the filter reads (crm.PartsOf); an entry without
// a brief (a value this version cannot represent in one) is evaluated on
// its document.
func (cs *customerStore) matchEntry(ctx context.Context, f crm.Filter, reads crm.Parts, v *view) (bool, error) {
	if v.e.brief != nil {
		return f.Match(v.with(reads)), nil
	}
	docs, err := cs.GetMany(ctx, []string{v.e.id()})
	if err != nil {
		return false, err
	}
	return len(docs) == 1 && f.Match(docs[0]), nil
}

// matchFull evaluates f on every stored customer's whole document, in
// batches, and returns the ids it selects: for the filters that read what
// the read model does not keep (interaction summaries).
func (cs *customerStore) matchFull(ctx context.Context, chunks []*chunk, f crm.Filter) (map[string]bool, error) {
	var ids []string
	for _, c := range chunks {
		for _, e := range c.entries[:c.n] {
			ids = append(ids, e.id())
		}
	}
	selected := map[string]bool{}
	err := cs.eachDocument(ctx, ids, func(d *crm.Customer) error {
		if f.Match(d) {
			selected[d.ID] = true
		}
		return nil
	})
	return selected, err
}

// matches appends to out the rows of c whose search key contains needle
// (not empty), searching the chunk's keys as one text.
func (c *chunk) matches(needle string, out []int32) []int32 {
	pos, row := 0, 0
	for pos < len(c.keys) {
		j := strings.Index(c.keys[pos:], needle)
		if j < 0 {
			break
		}
		p := pos + j
		for int(c.keyEnd[row]) <= p {
			row++
		}
		if p+len(needle) <= int(c.keyEnd[row]) {
			out = append(out, int32(row))
			pos = int(c.keyEnd[row])
			row++
		} else { // the match spans two keys
			pos = p + 1
		}
	}
	return out
}

// up and down keep h a max-heap in the order o (the worst kept row on top).
func (o order) up(h []row, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if o.cmp(&h[i], &h[p]) <= 0 {
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
		if r := l + 1; r < len(h) && o.cmp(&h[r], &h[l]) > 0 {
			m = r
		}
		if o.cmp(&h[m], &h[i]) <= 0 {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// Estimate returns the number of customers in the read model.
func (cs *customerStore) Estimate(context.Context) (int, error) {
	return (*Store)(cs).snap.Load().n, nil
}

// Counts counts each filter's customers in scope in one pass over one
// snapshot of the read model.
func (cs *customerStore) Counts(ctx context.Context, filters []crm.Filter, q crm.CountQuery) ([]int, error) {
	// On every core for a large read model (a KPI report counts six
	// filters over every customer).
	workers := 1
	if s := (*Store)(cs).snap.Load(); s.n >= parallelCountsFrom {
		workers = runtime.GOMAXPROCS(0)
	}
	part := make([][]int, workers)
	for w := range part {
		part[w] = make([]int, len(filters))
	}
	err := cs.eachInScopeOn(ctx, filters, q, workers, func(w int, _ *chunk, _, k int, _ *view) { part[w][k]++ })
	counts := make([]int, len(filters))
	for _, p := range part {
		for k, n := range p {
			counts[k] += n
		}
	}
	return counts, err
}

// Each visits the customers of q from the read model's snapshot: a
// Partial customer with its Brief, or, with q.Full or for a customer the
// read model keeps no Brief of, the whole document read in batches.
func (cs *customerStore) Each(ctx context.Context, q crm.EachQuery, fn func(*crm.Customer) error) error {
	var ids []string // read whole
	var fnErr error
	err := cs.eachInScope(ctx, []crm.Filter{q.Filter}, crm.CountQuery{Scope: q.Scope, User: q.User, Viewer: q.Viewer}, func(v *view, _ int) {
		switch due := v.e.nextCheckAt(); {
		case fnErr != nil:
		case !q.DueBy.IsZero() && (due.IsZero() || due.After(q.DueBy)):
		case q.Full || v.e.brief == nil:
			ids = append(ids, v.e.id())
		default:
			fnErr = fn(v.customer())
		}
	})
	if err != nil {
		return err
	}
	if fnErr != nil {
		return fnErr
	}
	return cs.eachDocument(ctx, ids, fn)
}

// eachDocument reads the whole documents of ids in batches and calls fn
// for each that still exists.
func (cs *customerStore) eachDocument(ctx context.Context, ids []string, fn func(*crm.Customer) error) error {
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		docs, err := cs.GetMany(ctx, ids[start:min(start+batch, len(ids))])
		if err != nil {
			return err
		}
		for _, c := range docs {
			if err := fn(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// CustomersWithTasks hands out the active customers with a task of q's
// status and assignee. The read model's customers keep only their open
// tasks: those answer OPEN. For DONE and CLOSED the briefs (which keep
// every task) pick the candidates, whose whole documents are then read in
// batches.
func (cs *customerStore) CustomersWithTasks(ctx context.Context, q crm.TaskQuery, fn func(*crm.Customer) error) error {
	status := q.TaskStatus()
	if !status.Valid() {
		return crm.Errorf(crm.CodeBadUserInput, "unknown task status %q", status)
	}
	picks := func(tasks []crm.Task) bool {
		return slices.ContainsFunc(tasks, func(t crm.Task) bool { return q.Picks(t.Status, t.AssigneeID) })
	}
	var ids []string // DONE, CLOSED: read whole
	var fnErr error
	err := cs.eachInScope(ctx, []crm.Filter{nil}, crm.CountQuery{Scope: crm.ScopeActive}, func(v *view, _ int) {
		e := v.e
		switch b := e.brief; {
		case fnErr != nil:
		case status == crm.TaskOpen: // the read model keeps only open tasks
			if len(e.tasks) > 0 && (q.Assignee == "" || slices.ContainsFunc(e.tasks, func(t crm.Task) bool { return t.AssigneeID == q.Assignee })) {
				fnErr = fn(e.customer())
			}
		case b == nil: // a customer without a brief: its document tells
			ids = append(ids, e.id())
		case slices.ContainsFunc(b.Tasks, func(t crm.BriefTask) bool { return q.Picks(t.Status, t.AssigneeID) }):
			ids = append(ids, e.id())
		}
	})
	if err != nil {
		return err
	}
	if fnErr != nil {
		return fnErr
	}
	return cs.eachDocument(ctx, ids, func(c *crm.Customer) error {
		// Written since the snapshot: still active, still with such a task?
		if c.ArchivedAt != nil || !picks(c.Tasks) {
			return nil
		}
		return fn(c)
	})
}

// OpenServiceRequests hands out the read model's active customers with a
// request that is not closed, of the assignee when set (the read model
// keeps only those).
func (cs *customerStore) OpenServiceRequests(ctx context.Context, q crm.ServiceQuery, fn func(*crm.Customer) error) error {
	var fnErr error
	err := cs.eachInScope(ctx, []crm.Filter{nil}, crm.CountQuery{Scope: crm.ScopeActive}, func(v *view, _ int) {
		e := v.e
		if fnErr != nil || len(e.services) == 0 {
			return
		}
		for i := range e.services {
			if q.Assignee == "" || e.services[i].AssigneeID == q.Assignee {
				fnErr = fn(e.customer())
				return
			}
		}
	})
	if err != nil {
		return err
	}
	return fnErr
}

// eachInScope calls fn(v, k) for every entry of one snapshot in q's
// archive scope and every filter k (nil: every customer) that selects it,
// v holding the entry and building its customer on demand (valid during
// the call only).
// Filters that read free text are bound to the text index (or evaluated on
// the documents) first, as the viewer q.Viewer reads the texts.
func (cs *customerStore) eachInScope(ctx context.Context, filters []crm.Filter, q crm.CountQuery, fn func(v *view, k int)) error {
	return cs.eachInScopeOn(ctx, filters, q, 1, func(_ int, _ *chunk, _, k int, v *view) { fn(v, k) })
}

// eachInScopeAt is eachInScope with the chunk and row of each entry.
func (cs *customerStore) eachInScopeAt(ctx context.Context, filters []crm.Filter, q crm.CountQuery, fn func(c *chunk, i, k int)) error {
	return cs.eachInScopeOn(ctx, filters, q, 1, func(_ int, c *chunk, i, k int, _ *view) { fn(c, i, k) })
}

// eachInScopeOn is eachInScopeAt over the snapshot's chunks cut into
// workers runs, each on its own goroutine: fn(w, ...) is called by run w
// only, in order within the run, with the run's view of the entry.
func (cs *customerStore) eachInScopeOn(ctx context.Context, filters []crm.Filter, q crm.CountQuery, workers int, fn func(w int, c *chunk, i, k int, v *view)) error {
	scope, err := archiveScope(q.Scope)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return crm.Internal(err)
	}
	s := (*Store)(cs)
	snap := s.snap.Load()
	filters = slices.Clone(filters)
	selected := make([]map[string]bool, len(filters))
	if slices.ContainsFunc(filters, func(f crm.Filter) bool { return f != nil && !f.Lean() }) {
		tx, at, err := s.readAt(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		snap = at
		cache := &textCache{} // conditions shared by several filters are looked up once
		for k, f := range filters {
			if f == nil || f.Lean() {
				continue
			}
			if filters[k], err = cs.bindText(ctx, tx, snap, crm.ForViewer(f, q.Viewer), cache); err != nil {
				return err
			}
			if !filters[k].Lean() {
				if selected[k], err = cs.matchFull(ctx, snap.chunks, filters[k]); err != nil {
					return err
				}
			}
		}
	}
	reads := make([]crm.Parts, len(filters))
	for k, f := range filters {
		reads[k] = crm.PartsOf(f)
	}
	run := func(w int, chunks []*chunk) error {
		v := &view{}
		for _, c := range chunks {
			for i := range c.n {
				if !inArchiveScope(scope, c.archived[i]) {
					continue
				}
				v.reset(c.entries[i])
				for k, f := range filters {
					switch {
					case f == nil:
						fn(w, c, i, k, v)
					case selected[k] != nil:
						if selected[k][v.e.id()] {
							fn(w, c, i, k, v)
						}
					default:
						ok, err := cs.matchEntry(ctx, f, reads[k], v)
						if err != nil {
							return err
						}
						if ok {
							fn(w, c, i, k, v)
						}
					}
				}
			}
		}
		return nil
	}
	workers = max(1, min(workers, len(snap.chunks)))
	if workers == 1 {
		return run(0, snap.chunks)
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(snap.chunks)/workers, (w+1)*len(snap.chunks)/workers
		wg.Go(func() { errs[w] = run(w, snap.chunks[lo:hi]) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// parallelCountsFrom is the number of customers from which Counts runs on
// every core (tests lower it).
var parallelCountsFrom = 20_000

// inArchiveScope reports whether a customer, archived or not, is in an
// archive scope (ACTIVE, ARCHIVED or ALL).
func inArchiveScope(scope crm.ArchiveScope, archived bool) bool {
	switch scope {
	case crm.ScopeActive:
		return !archived
	case crm.ScopeArchived:
		return archived
	}
	return true
}

// archiveScope defaults an empty scope to ACTIVE and refuses unknown ones.
func archiveScope(s crm.ArchiveScope) (crm.ArchiveScope, error) {
	if s == "" {
		return crm.ScopeActive, nil
	}
	if !s.Valid() {
		return "", crm.Errorf(crm.CodeBadUserInput, "unknown archive scope %q", s)
	}
	return s, nil
}
