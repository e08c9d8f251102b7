package graph

import (
	"context"
	"sync"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/rules"
	"github.com/kehu-crm/kehu/internal/segment"
)

// segmentFilter builds the filter of a list from the where input and the
// query line (ANDed); nil when neither is given. Errors: BAD_USER_INPUT
// with the path (where.and[1]..., or query with the position).
// User-valued operands (owner:王磊, by:sales1@kehu.local) become ids.
func (r *Resolver) segmentFilter(ctx context.Context, a crm.Actor, where map[string]any, query *string) (*segment.Filter, error) {
	line := ""
	if query != nil {
		line = *query
	}
	return segment.FilterOf(where, line, r.segmentOptions(ctx, a))
}

// segmentOptions are the filter options of a request by a: its clock, time
// zone, me, and the users its operands may name.
func (r *Resolver) segmentOptions(ctx context.Context, a crm.Actor) segment.Options {
	o := segment.OptionsAt(r.CRM.Clock, r.CRM.Loc, a.UserID)
	o.Users = r.userLookup(ctx, a)
	return o
}

type userDirKeyType struct{}

var userDirKey userDirKeyType

// withUserDirectory gives an operation its cache of the user directory.
func withUserDirectory(ctx context.Context) context.Context {
	return context.WithValue(ctx, userDirKey, &userDirectories{})
}

// userDirectories holds an operation's user directories, by viewer: the
// users are read once per operation, on the first name to resolve.
type userDirectories struct {
	mu      sync.Mutex
	dirs    map[string]segment.UserLookup
	locales map[string]crm.Locale // the viewers' languages (labels of aggregates)
	rules   *rules.Set            // the rule set in force (reasons of classifications)
}

// userLookup is segment.LazyUserDirectory, shared by an operation's filters of the
// same viewer.
func (r *Resolver) userLookup(ctx context.Context, a crm.Actor) segment.UserLookup {
	cache, _ := ctx.Value(userDirKey).(*userDirectories)
	if cache == nil {
		return segment.LazyUserDirectory(ctx, r.Store.Users(), a)
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	d, ok := cache.dirs[a.UserID]
	if !ok {
		if cache.dirs == nil {
			cache.dirs = map[string]segment.UserLookup{}
		}
		d = segment.LazyUserDirectory(ctx, r.Store.Users(), a)
		cache.dirs[a.UserID] = d
	}
	return d
}

// formatWhere writes a where input as its query line; nil when the filter
// has no one-line form. Errors: BAD_USER_INPUT with the path.
func formatWhere(where map[string]any) (*string, error) {
	n, err := segment.FromInput("where", where)
	if err != nil {
		return nil, err
	}
	if err := segment.Validate(n); err != nil {
		return nil, err
	}
	line, ok := segment.Format(n)
	if !ok {
		return nil, nil
	}
	return &line, nil
}

// parseLine reads a query line into its where input form. Errors:
// BAD_USER_INPUT with the position.
func parseLine(query string) (map[string]any, error) {
	n, err := segment.Parse(query)
	if err != nil {
		return nil, err
	}
	return segment.ToInput(n), nil
}

// asArgs runs fn as the signed-in actor (UNAUTHENTICATED without one). Unlike
// as, it leaves error fields alone: they name top-level arguments (name,
// where.valueTier.in, query), not fields of an input object.
func asArgs[T any](ctx context.Context, fn func(crm.Actor) (T, error)) (T, error) {
	a, err := actor(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return fn(a)
}

// savedFilter builds a saved segment's filter for the viewer a: its stored
// where input goes through the same path as customers(where:), with a as
// owner:me.
func (r *Resolver) savedFilter(ctx context.Context, a crm.Actor, seg *crm.SavedSegment) (crm.Filter, error) {
	where, err := segment.SavedWhere(seg.Where)
	if err != nil {
		return nil, err
	}
	f, err := r.segmentFilter(ctx, a, where, nil)
	if err != nil || f == nil {
		return nil, err
	}
	return f, nil
}

// savedSegmentCount counts a saved segment's customers now, like
// customersCount. Within one operation the counts of every segment the
// actor sees come from one pass (Service.CountEach), made on the first
// count asked for: a sidebar's segments { count } reads the customers once,
// not once per segment.
func (r *Resolver) savedSegmentCount(ctx context.Context, a crm.Actor, seg *crm.SavedSegment, scope *crm.ArchiveScope) (int, error) {
	sc := crm.ScopeActive
	if scope != nil {
		sc = *scope
	}
	if cache, ok := ctx.Value(segmentCountsKey).(*segmentCounts); ok && cache.listed(a.UserID, seg.ID) {
		b := cache.batch(a.UserID, sc)
		b.once.Do(func() { b.load(ctx, r, a, sc, cache.segments(a.UserID)) })
		if b.err != nil {
			return 0, b.err
		}
		if err, ok := b.errs[seg.ID]; ok {
			return 0, err
		}
		if n, ok := b.counts[seg.ID]; ok {
			return n, nil
		}
	}
	f, err := r.savedFilter(ctx, a, seg)
	if err != nil {
		return 0, err
	}
	return r.countCustomers(ctx, a, f, &sc)
}

type segmentCountsKeyType struct{}

var segmentCountsKey segmentCountsKeyType

// withSegmentCounts gives an operation its cache of segment counts.
func withSegmentCounts(ctx context.Context) context.Context {
	return context.WithValue(ctx, segmentCountsKey, &segmentCounts{})
}

// segmentCounts holds an operation's one-pass segment counts, by viewer and
// scope, of the segments the operation's segments field listed.
type segmentCounts struct {
	mu      sync.Mutex
	batches map[[2]string]*countBatch
	lists   map[string][]*crm.SavedSegment // by viewer
}

// rememberSegments notes the segments a segments field listed for user:
// their counts, when asked for, come from one pass.
func rememberSegments(ctx context.Context, user string, segs []*crm.SavedSegment) {
	c, ok := ctx.Value(segmentCountsKey).(*segmentCounts)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lists == nil {
		c.lists = map[string][]*crm.SavedSegment{}
	}
	c.lists[user] = segs
}

func (c *segmentCounts) segments(user string) []*crm.SavedSegment {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lists[user]
}

func (c *segmentCounts) listed(user, id string) bool {
	for _, s := range c.segments(user) {
		if s.ID == id {
			return true
		}
	}
	return false
}

func (c *segmentCounts) batch(user string, scope crm.ArchiveScope) *countBatch {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.batches == nil {
		c.batches = map[[2]string]*countBatch{}
	}
	k := [2]string{user, string(scope)}
	if c.batches[k] == nil {
		c.batches[k] = &countBatch{}
	}
	return c.batches[k]
}

type countBatch struct {
	once   sync.Once
	counts map[string]int
	errs   map[string]error // segments whose stored filter no longer builds
	err    error
}

// load counts the listed segments in one pass.
func (b *countBatch) load(ctx context.Context, r *Resolver, a crm.Actor, scope crm.ArchiveScope, segs []*crm.SavedSegment) {
	b.counts, b.errs = map[string]int{}, map[string]error{}
	var ids []string
	var filters []crm.Filter
	for _, seg := range segs {
		f, err := r.savedFilter(ctx, a, seg)
		if err != nil {
			b.errs[seg.ID] = err
			continue
		}
		ids = append(ids, seg.ID)
		filters = append(filters, f)
	}
	counts, err := r.CRM.CountEach(ctx, filters, crm.CountQuery{Scope: scope, User: a.UserID, Viewer: &a})
	if err != nil {
		b.err = err
		return
	}
	for i, id := range ids {
		b.counts[id] = counts[i]
	}
}

// savedSegmentCustomers lists a saved segment's customers now, like
// customers(where:).
func (r *Resolver) savedSegmentCustomers(ctx context.Context, a crm.Actor, seg *crm.SavedSegment, first *int, after *string,
	orderBy *model.CustomerOrder, search *string, scope *crm.ArchiveScope) (*model.CustomerConnection, error) {
	q, err := r.listQuery(ctx, first, after, orderBy, search, scope)
	if err != nil {
		return nil, err
	}
	if q.Filter, err = r.savedFilter(ctx, a, seg); err != nil {
		return nil, err
	}
	q.User, q.Viewer = a.UserID, &a
	page, err := r.CRM.Customers(ctx, q)
	if err != nil {
		return nil, err
	}
	return connection(q.OrderBy, page), nil
}

// countCustomers counts the customers f selects (every one when f is nil)
// in scope (ACTIVE when nil).
func (r *Resolver) countCustomers(ctx context.Context, a crm.Actor, f crm.Filter, scope *crm.ArchiveScope) (int, error) {
	q := crm.ListQuery{OrderBy: crm.OrderCode, First: 1, WithTotal: true, Scope: crm.ScopeActive, Filter: f, User: a.UserID, Viewer: &a}
	if scope != nil {
		q.Scope = *scope
	}
	page, err := r.CRM.Customers(ctx, q)
	if err != nil {
		return 0, err
	}
	return page.Total, nil
}
