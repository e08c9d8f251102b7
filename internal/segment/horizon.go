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
	walk(f.node, func(n Node, scope Array) bool {
		cond, ok := n.(Cond)
		if !ok {
			return true
		}
		var bs []bound
		switch v := cond.Value.(type) {
		case Ago:
			bs = append(bs, bound{cond.Op, Duration(v)})
		case Range: // Gte Lo, Lte Hi, as resolver.bounds reads it
			if a, ok := v.Lo.(Ago); ok {
				bs = append(bs, bound{Gte, Duration(a)})
			}
			if a, ok := v.Hi.(Ago); ok {
				bs = append(bs, bound{Lte, Duration(a)})
			}
		}
		if len(bs) == 0 {
			return true
		}
		fld := lookup(scope, cond.Field)
		if fld == nil || (fld.Kind != KindTime && fld.Kind != KindDate) {
			return true
		}
		values := timesOf(c, scope, fld)
		for _, b := range bs {
			// x >= bound and x < bound flip when the bound passes x;
			// x > bound and x <= bound when it reaches x.
			passes := b.op == Gte || b.op == Lt
			if t := r.reach(fld, b.d, passes, values, now); !t.IsZero() && (next.IsZero() || t.Before(next)) {
				next = t
			}
		}
		return true
	})
	return next
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
// scope's array for an element field), in Unix milliseconds.
func timesOf(c *crm.Customer, scope Array, f *Field) []int64 {
	switch scope {
	case Customer:
		return elemTimes([]crm.Customer{*c}, f)
	case Interactions:
		return elemTimes(c.Interactions, f)
	case Needs:
		return elemTimes(c.Needs, f)
	case Deals:
		return elemTimes(c.Deals, f)
	case Satisfaction:
		return elemTimes(c.Satisfaction, f)
	case StageHistory:
		return elemTimes(c.StageHistory, f)
	case Contacts:
		return elemTimes(c.Contacts, f)
	}
	return nil
}

func elemTimes[E any](es []E, f *Field) []int64 {
	get, ok := f.get.(func(*E) (int64, bool))
	if !ok {
		return nil
	}
	out := make([]int64, 0, len(es))
	for i := range es {
		if v, ok := get(&es[i]); ok {
			out = append(out, v)
		}
	}
	return out
}
