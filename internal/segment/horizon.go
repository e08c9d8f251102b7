package segment

import (
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// NextChange returns the earliest instant after the filter's Options.Now at
// which its relative times (90d, 12m ...) may give c another result with c
// unchanged; zero when no relative time can (the filter has none, or every
// bound has passed every value it compares). Between now and that instant
// Match(c) is the same at any time.
//
// A relative bound only moves forward with time, so a comparison can only
// flip when its bound reaches one of the values it compares: the instant
// is the first, over every relative comparison, at which the bound reaches
// (or passes) the nearest value still ahead of it. It is exact for each
// comparison and conservative for the filter: a flip of one comparison
// need not change the result.
func (f *Filter) NextChange(c *crm.Customer) time.Time {
	if f.opts.Now.IsZero() {
		return time.Time{}
	}
	r := newResolver(f.opts)
	now := f.opts.Now
	var next time.Time
	// mask, inside a quantifier or a figure, keeps the elements that meet
	// the conditions ANDed beside the relative ones: only their times can
	// change the result (interactions.some(event:COMPLAINT at:<=90d) reads
	// the complaints' times, not every interaction's).
	var rec func(n Node, scope Array, mask []bool, depth int)
	rec = func(n Node, scope Array, mask []bool, depth int) {
		if n == nil || depth > MaxDepth+1 {
			return
		}
		switch n := n.(type) {
		case And:
			for _, x := range n.Nodes {
				rec(x, scope, mask, depth+1)
			}
		case Or:
			for _, x := range n.Nodes {
				rec(x, scope, mask, depth+1)
			}
		case Not:
			rec(n.Node, scope, mask, depth+1)
		case Quant:
			rec(n.Where, n.Array, staticMask(r, c, n.Array, n.Where), depth+1)
		case Agg:
			if n.Fn == Change { // a deal flips the figure as it enters either window or leaves one
				current, earlier := n.changeWindows()
				rec(current, n.Array, nil, depth+1)
				rec(earlier, n.Array, nil, depth+1)
			}
			rec(n.Where, n.Array, staticMask(r, c, n.Array, n.Where), depth+1)
		case Cond:
			bs := relativeBounds(n)
			if len(bs) == 0 {
				return
			}
			fld := lookup(scope, n.Field)
			if fld == nil || (fld.Kind != KindTime && fld.Kind != KindDate) {
				return
			}
			values := timesOf(c, scope, fld, mask)
			for _, b := range bs {
				// x >= bound and x < bound flip when the bound passes x;
				// x > bound and x <= bound when it reaches x.
				passes := b.op == Gte || b.op == Lt
				if t := r.reach(fld, b.d, passes, values, now); !t.IsZero() && (next.IsZero() || t.Before(next)) {
					next = t
				}
			}
		}
	}
	rec(f.node, Customer, nil, 1)
	return next
}

// relativeBounds lists a condition's relative sides.
func relativeBounds(n Cond) []bound {
	var bs []bound
	switch v := n.Value.(type) {
	case Ago:
		bs = append(bs, bound{n.Op, Duration(v)})
	case Range: // Gte Lo, Lte Hi, as resolver.bounds reads it
		if a, ok := v.Lo.(Ago); ok {
			bs = append(bs, bound{Gte, Duration(a)})
		}
		if a, ok := v.Hi.(Ago); ok {
			bs = append(bs, bound{Lte, Duration(a)})
		}
	}
	return bs
}

// hasRelative reports whether a tree holds a relative time.
func hasRelative(n Node) bool {
	found := false
	walk(n, func(n Node, _ Array) bool {
		if c, ok := n.(Cond); ok && len(relativeBounds(c)) > 0 {
			found = true
		}
		return !found
	})
	return found
}

// staticMask marks the elements of c's array that meet the conditions of
// where that hold no relative time, when where is an AND with such
// conditions; nil (every element) otherwise.
func staticMask(r *resolver, c *crm.Customer, a Array, where Node) []bool {
	and, ok := where.(And)
	if !ok {
		return nil
	}
	var static []Node
	for _, x := range and.Nodes {
		if !hasRelative(x) {
			static = append(static, x)
		}
	}
	if len(static) == 0 || len(static) == len(and.Nodes) {
		return nil
	}
	comp := &compiler{r: r}
	n := And{Nodes: static}
	switch a {
	case Interactions:
		return maskOf(comp, n, a, c.Interactions)
	case Needs:
		return maskOf(comp, n, a, c.Needs)
	case Deals:
		return maskOf(comp, n, a, c.Deals)
	case Satisfaction:
		return maskOf(comp, n, a, c.Satisfaction)
	case StageHistory:
		return maskOf(comp, n, a, c.StageHistory)
	case ServiceRequests:
		return maskOf(comp, n, a, c.ServiceRequests)
	case Tasks:
		return maskOf(comp, n, a, c.Tasks)
	case Contacts:
		return maskOf(comp, n, a, c.Contacts)
	}
	return nil
}

func maskOf[E any](comp *compiler, n Node, a Array, es []E) []bool {
	p := crm.NewProblems()
	comp.p = p
	pred := compileNode[E](comp, n, a, p)
	if p.HasErrors() || comp.r.failed != nil {
		return nil // every element: never late
	}
	m := make([]bool, len(es))
	for i := range es {
		m[i] = pred(&es[i])
	}
	return m
}

// bound is one relative side of a comparison: the value op (d before now).
type bound struct {
	op Op
	d  Duration
}

// reach returns the first instant after now at which the bound "d before
// the time" on field f passes (passes) or reaches the nearest of values
// it has not yet; zero when it has passed or reached them all.
func (r *resolver) reach(f *Field, d Duration, passes bool, values []int64, now time.Time) time.Time {
	at := func(t time.Time) int64 {
		rr := *r
		rr.opts.Now = t
		return rr.ago(f, d)
	}
	b := at(now)
	ahead := func(v int64) bool { return v > b || passes && v == b }
	target, found := int64(0), false
	for _, v := range values {
		if ahead(v) && (!found || v < target) {
			target, found = v, true
		}
	}
	if !found {
		return time.Time{}
	}
	reached := func(t time.Time) bool {
		if passes {
			return at(t) > target
		}
		return at(t) >= target
	}
	// Bracket the instant around target + d (the bound is d before the
	// time, give or take the calendar and a day's zone), then halve the
	// bracket down to a minute: the pass that reads NextCheckAt runs far
	// less often than that.
	const day = int64(24 * time.Hour / time.Millisecond)
	nowMs := now.UnixMilli()
	dlo, dhi := d.approxDays()
	lo, hi := max(nowMs, target+int64(dlo-2)*day), target+int64(dhi+2)*day
	if lo != nowMs && reached(time.UnixMilli(lo)) {
		lo = nowMs // reached(now) is false
	}
	for step := 2 * day; !reached(time.UnixMilli(hi)); step *= 2 {
		if step > 200*365*day {
			return time.Time{} // beyond any bound a duration can have
		}
		lo, hi = hi, hi+step
	}
	for hi-lo > int64(time.Minute/time.Millisecond) {
		mid := lo + (hi-lo)/2
		if reached(time.UnixMilli(mid)) {
			hi = mid
		} else {
			lo = mid
		}
	}
	// A whole minute, as the bracket is one: stored times stay round.
	return time.UnixMilli(hi).UTC().Truncate(time.Minute).Add(time.Minute)
}

// timesOf returns the values of time field f of c (of every element of
// scope's array for an element field, or of those mask marks), in Unix
// milliseconds.
func timesOf(c *crm.Customer, scope Array, f *Field, mask []bool) []int64 {
	switch scope {
	case Customer:
		return elemTimes([]crm.Customer{*c}, f, nil)
	case Interactions:
		return elemTimes(c.Interactions, f, mask)
	case Needs:
		return elemTimes(c.Needs, f, mask)
	case Deals:
		return elemTimes(c.Deals, f, mask)
	case Satisfaction:
		return elemTimes(c.Satisfaction, f, mask)
	case StageHistory:
		return elemTimes(c.StageHistory, f, mask)
	case ServiceRequests:
		return elemTimes(c.ServiceRequests, f, mask)
	case Tasks:
		return elemTimes(c.Tasks, f, mask)
	case Contacts:
		return elemTimes(c.Contacts, f, mask)
	}
	return nil
}

func elemTimes[E any](es []E, f *Field, mask []bool) []int64 {
	get, ok := f.get.(func(*E) (int64, bool))
	if !ok {
		return nil
	}
	out := make([]int64, 0, len(es))
	for i := range es {
		if mask != nil && !mask[i] {
			continue
		}
		if v, ok := get(&es[i]); ok {
			out = append(out, v)
		}
	}
	return out
}
