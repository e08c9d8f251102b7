package segment

import (
	"errors"
	"math"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Options are what a filter needs besides the tree when it is evaluated or
// compiled: the time relative values count back from, the calendar's time
// zone and the signed-in user.
type Options struct {
	// Now is the instant relative times ("90d") count back from. Take it
	// from the injected crm.Clock (see OptionsAt). Needed only when the
	// filter has a relative time.
	Now time.Time
	// Loc is the time zone of calendar dates and relative months;
	// crm.DefaultLocation (Asia/Shanghai) when nil.
	Loc *time.Location
	// Me is the signed-in user's id, the operand of owner: {me: true}.
	// Filters with me are BAD_USER_INPUT without it.
	Me string
	// Users, when set, lets the operands of user-valued fields (owner:,
	// interactions' by:) name a user by e-mail or display name as well as
	// by id: FilterOf resolves them to ids (ResolveUsers), and an operand
	// that names no user or several is BAD_USER_INPUT (UNKNOWN_USER,
	// AMBIGUOUS_USER). Without it operands are taken as ids.
	Users UserLookup
	// ScalarOnly (ToMQL only) leaves quantifiers and windowed figures out
	// of the MongoDB filter, for a server that lacks $expr and answers
	// $elemMatch wrongly (FerretDB v1): the filter then selects a superset
	// of the matching customers, ToMQL reports pushedDown false, and the
	// caller keeps the customers Program.Match accepts.
	ScalarOnly bool
}

// OptionsAt returns Options with Now read from clock.
func OptionsAt(clock crm.Clock, loc *time.Location, me string) Options {
	return Options{Now: clock.Now(), Loc: loc, Me: me}
}

func (o Options) loc() *time.Location {
	if o.Loc == nil {
		return crm.DefaultLocation
	}
	return o.Loc
}

// tbound is one resolved side of a time comparison, in Unix milliseconds
// (BSON's precision): x op ms, op one of Gt, Gte, Lt, Lte.
type tbound struct {
	op Op
	ms int64
}

// resolver turns time operands into bounds for one compilation.
type resolver struct {
	opts   Options
	loc    *time.Location
	noNow  bool
	failed error // an internal error (Options.Now missing)
}

func newResolver(o Options) *resolver {
	return &resolver{opts: o, loc: o.loc(), noNow: o.Now.IsZero()}
}

var errNoNow = errors.New("segment: Options.Now is not set but the filter has a relative time")

// ago returns the bound "d before now" on field f: an instant on a time
// field, midnight UTC of the date d before today on a date field.
func (r *resolver) ago(f *Field, d Duration) int64 {
	if r.noNow {
		r.failed = errNoNow
		return 0
	}
	if f.Kind == KindDate {
		y, m, day := r.opts.Now.In(r.loc).Date()
		return d.before(time.Date(y, m, day, 0, 0, 0, 0, time.UTC)).UnixMilli()
	}
	return d.before(r.opts.Now.In(r.loc)).UnixMilli()
}

// zone is where a Date operand's days begin on field f.
func (r *resolver) zone(f *Field) *time.Location {
	if f.Kind == KindDate {
		return time.UTC
	}
	return r.loc
}

// bounds resolves a comparison of field f (Eq, Gt, Gte, Lt, Lte or
// Between) into bounds.
func (r *resolver) bounds(f *Field, op Op, v Value) []tbound {
	switch op {
	case Between:
		rg := v.(Range)
		return append(r.bounds(f, Gte, rg.Lo), r.bounds(f, Lte, rg.Hi)...)
	case Eq:
		d := v.(Date)
		s := d.in(r.zone(f))
		return []tbound{{Gte, s.UnixMilli()}, {Lt, d.next().in(r.zone(f)).UnixMilli()}}
	}
	switch x := v.(type) {
	case Instant:
		return []tbound{{op, x.UnixMilli()}}
	case Ago:
		return []tbound{{op, r.ago(f, Duration(x))}}
	case Date:
		s := x.in(r.zone(f))
		e := x.next().in(r.zone(f)) // not s.AddDate: a zone may skip the next midnight
		switch op {
		case Gt: // after the day
			return []tbound{{Gte, e.UnixMilli()}}
		case Gte:
			return []tbound{{Gte, s.UnixMilli()}}
		case Lt:
			return []tbound{{Lt, s.UnixMilli()}}
		case Lte: // up to the end of the day
			return []tbound{{Lt, e.UnixMilli()}}
		}
	}
	return nil
}

// interval turns bounds into an inclusive [lo, hi] of milliseconds.
func interval(bs []tbound) (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	for _, b := range bs {
		switch b.op {
		case Gt:
			if b.ms == math.MaxInt64 {
				return 1, 0
			}
			lo = max(lo, b.ms+1)
		case Gte:
			lo = max(lo, b.ms)
		case Lt:
			if b.ms == math.MinInt64 {
				return 1, 0
			}
			hi = min(hi, b.ms-1)
		case Lte:
			hi = min(hi, b.ms)
		}
	}
	return lo, hi
}

// hasLower reports whether the bounds have a lower bound.
func hasLower(bs []tbound) bool {
	for _, b := range bs {
		if b.op == Gt || b.op == Gte {
			return true
		}
	}
	return false
}

// intRange turns a comparison of integers (counts, fen) into an inclusive
// range; ok is false for Ne, which is not a range.
func intRange(op Op, v Value) (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	if op == Between {
		rg := v.(Range)
		return intOf(rg.Lo), intOf(rg.Hi)
	}
	x := intOf(v)
	switch op {
	case Eq:
		return x, x
	case Gt:
		if x == math.MaxInt64 {
			return 1, 0
		}
		lo = x + 1
	case Gte:
		lo = x
	case Lt:
		if x == math.MinInt64 {
			return 1, 0
		}
		hi = x - 1
	case Lte:
		hi = x
	}
	return lo, hi
}

func intOf(v Value) int64 {
	switch x := v.(type) {
	case Int:
		return int64(x)
	case Money:
		return int64(x)
	}
	return 0
}
