// Package segment is Kehu's filter language: one small AST for "which
// customers", with
//
//   - a field catalog (Fields) naming every filterable field, its kind and its
//     BSON path in the crm.Customer document;
//   - validation with bounds and BAD_USER_INPUT paths (Validate);
//   - the JSON/GraphQL input form (FromInput, ToInput);
//   - the one-line query language of the search box and URLs (Parse, Format;
//     see QUERY.md);
//   - the in-process evaluator, the reference semantics (Compile, Program.Match);
//   - the MongoDB compiler (ToMQL, Explain), whose results agree with the
//     evaluator on every filter (the differential tests run them on mingo
//     and FerretDB); Options.ScalarOnly for servers without $expr.
//
// The package is a pure library: no I/O, no global mutable state; "now" comes
// from the caller (Options.Now), so a rules engine can evaluate filters at any
// time it likes and tests can move time.
package segment

import (
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Node is a filter over one customer, or, inside a quantifier or an
// aggregate, over one element of a nested array. A nil Node matches
// everything. The concrete types are And, Or, Not, Cond, Quant and Agg.
type Node interface{ isNode() }

// And matches when every node matches; an empty And matches everything.
type And struct{ Nodes []Node }

// Or matches when some node matches; an empty Or matches nothing.
type Or struct{ Nodes []Node }

// Not matches when its node does not.
type Not struct{ Node Node }

// Cond compares one field of the catalog (Fields) with a typed operand.
// Field is the GraphQL name in the node's scope: "valueTier" on a customer,
// "channel" inside an interactions quantifier.
type Cond struct {
	Field string
	Op    Op
	Value Value
}

// Quant is a quantifier over one nested array: Where must hold for one and
// the same element (Some), for no element (None) or for every element
// (Every; true on an empty array). A nil Where matches any element.
type Quant struct {
	Array Array
	Q     Quantifier
	Where Node
}

// Agg compares a windowed figure of a nested array with a number: the count
// of the elements matching Where (Fn Count, Value Int), the sum of their
// amounts (Fn Sum, deals only, Value Money), or the change of that sum
// between two windows of the same length (Fn Change, deals only: see
// Window). A nil Where takes every element. Op is Eq, Gt, Gte, Lt or Lte.
type Agg struct {
	Array Array
	Fn    AggFn
	Where Node // nil with Change
	// Window, for Change, is the length of the two windows: the change,
	// in whole percent (Value Int, rounded toward zero), of the deals of
	// the last Window against those of the Window before it ((now − W,
	// now] against (now − 2W, now − W], dates as the deals(12m) shorthand
	// reads them). With no deals in the earlier window there is no change:
	// the comparison matches no customer (and its negation every one).
	Window Duration
	Op     Op
	Value  Value
}

func (And) isNode()   {}
func (Or) isNode()    {}
func (Not) isNode()   {}
func (Cond) isNode()  {}
func (Quant) isNode() {}
func (Agg) isNode()   {}

// Array names a nested array of the customer document. The empty Array is
// the customer itself (the scope of top-level fields).
type Array string

const (
	Customer     Array = ""
	Contacts     Array = "contacts"
	Interactions Array = "interactions"
	Needs        Array = "needs"
	Deals        Array = "deals"
	Satisfaction Array = "satisfaction" // survey results (crm.Satisfaction)
	StageHistory Array = "stageHistory" // the changes of pipeline stage (crm.StageChange)
	// ServiceRequests are the consultations, complaints and after-sales
	// requests (crm.ServiceRequest).
	ServiceRequests Array = "serviceRequests"
	// Tasks are the customer's tasks (crm.Task), open, done and closed.
	Tasks Array = "tasks"
)

// Arrays lists the nested arrays a filter can quantify over.
func Arrays() []Array {
	return []Array{Contacts, Interactions, Needs, Deals, Satisfaction, StageHistory, ServiceRequests, Tasks}
}

// Quantifier is some, none or every.
type Quantifier string

const (
	Some  Quantifier = "some"
	None  Quantifier = "none"
	Every Quantifier = "every"
)

// AggFn is the windowed figure of an Agg.
type AggFn string

const (
	Count  AggFn = "count"
	Sum    AggFn = "sum"
	Change AggFn = "change" // deals only: the change of the sum between two windows, in percent
)

// changeWindows are the conditions on the elements of a Change's current
// and earlier window.
func (a Agg) changeWindows() (current, earlier Node) {
	f := arrays[a.Array].window
	twice := Duration{N: 2 * a.Window.N, Unit: a.Window.Unit}
	return Cond{Field: f, Op: Gte, Value: Ago(a.Window)},
		And{Nodes: []Node{Cond{Field: f, Op: Gte, Value: Ago(twice)}, Cond{Field: f, Op: Lt, Value: Ago(a.Window)}}}
}

// Op is a comparison operator. Its value is the GraphQL input field name,
// which is also the last element of a BAD_USER_INPUT path.
type Op string

const (
	Eq         Op = "eq"
	Ne         Op = "ne"
	In         Op = "in"
	NotIn      Op = "notIn"
	Contains   Op = "contains"   // literal substring, case-insensitive
	StartsWith Op = "startsWith" // literal prefix, case-insensitive
	IsNull     Op = "isNull"     // Bool: true for absent/empty values (see QUERY.md)
	Gt         Op = "gt"
	Gte        Op = "gte"
	Lt         Op = "lt"
	Lte        Op = "lte"
	Between    Op = "between" // Range, both ends inclusive
	HasAny     Op = "hasAny"
	HasAll     Op = "hasAll"
	HasNone    Op = "hasNone"
	IsEmpty    Op = "isEmpty" // Bool
	Me         Op = "me"      // Bool: the user is (true) or is not (false) Options.Me; on a user list: is among them
)

// Value is the typed operand of a Cond or an Agg: String, Strings, Bool,
// Int, Float, Money, Instant, Date, Ago or Range.
type Value interface{ isValue() }

// String is one text or enum value (eq, ne, contains, startsWith).
type String string

// Strings is a list of values (in, notIn, hasAny, hasAll, hasNone).
type Strings []string

// Bool is the operand of isNull, isEmpty, me and of boolean fields.
type Bool bool

// Int is a count.
type Int int64

// Float is a real number (average satisfaction).
type Float float64

// Money is an exact amount in fen.
type Money crm.Money

// Instant is an absolute point in time. Constructors and Normalize keep it
// in UTC.
type Instant struct{ time.Time }

// Date is a calendar date. On a time field it compares calendar days in
// Options.Loc: gt 2026-01-01 means from 2026-01-02 00:00 on; on a date field
// (stored as midnight UTC) it is that date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Ago is the point in time a duration before Options.Now: on a time field
// the instant, on a date field the date that many days, weeks, months or
// years before today (in Options.Loc).
type Ago Duration

// Range is the operand of between: Lo <= x <= Hi. With Date ends whole days
// are included.
type Range struct{ Lo, Hi Value }

func (String) isValue()  {}
func (Strings) isValue() {}
func (Bool) isValue()    {}
func (Int) isValue()     {}
func (Float) isValue()   {}
func (Money) isValue()   {}
func (Instant) isValue() {}
func (Date) isValue()    {}
func (Ago) isValue()     {}
func (Range) isValue()   {}

// At returns the Instant of t, in UTC.
func At(t time.Time) Instant { return Instant{t.UTC()} }

// DateOf returns the calendar date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// in returns the first instant of the date in loc: its midnight, or,
// where the zone skips midnight (a daylight-saving change at 00:00, as in
// Brazil until 2019) or the whole day (Samoa skipped 2011-12-30), the first
// instant whose local date is d or later. Consecutive days so tile time
// without gaps or overlaps (time.Date leaves the instant of a skipped
// local time unspecified).
func (d Date) in(loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	if loc == time.UTC || (!d.after(t) && d.after(t.Add(-time.Millisecond))) {
		return t
	}
	lo, hi := t.Add(-48*time.Hour).UnixMilli(), t.Add(48*time.Hour).UnixMilli()
	for lo < hi {
		mid := lo + (hi-lo)/2
		if d.after(time.UnixMilli(mid).In(loc)) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return time.UnixMilli(lo).In(loc)
}

// Start is the first instant of the date in loc (see in).
func (d Date) Start(loc *time.Location) time.Time { return d.in(loc) }

// next is the day after d.
func (d Date) next() Date {
	t := time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, time.UTC)
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// after reports whether d is after t's local date.
func (d Date) after(t time.Time) bool {
	y, m, day := t.Date()
	if d.Year != y {
		return d.Year > y
	}
	if d.Month != m {
		return d.Month > m
	}
	return d.Day > day
}

// valid reports whether the date exists and lies in the supported years.
func (d Date) valid() bool {
	if d.Year < minYear || d.Year > maxYear || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	t := d.in(time.UTC)
	return t.Day() == d.Day && t.Month() == d.Month
}

// Supported years of absolute times and dates. Year 1 is the "null" of the
// computed times (crm.Stats), so every bound stays well clear of it.
const (
	minYear = 1900
	maxYear = 9999
)

// Normalize returns the canonical form of a tree: nested Ands and Ors
// flattened, one-element Ands and Ors replaced by their element, an empty
// top-level And or quantifier filter replaced by nil, one-value in, notIn
// and hasAll lists replaced by eq, ne and hasAny, instants in UTC. Parse
// and FromInput return normalized trees, and Parse(Format(t)) equals
// Normalize(t).
func Normalize(n Node) Node {
	n = normalize(n)
	if a, ok := n.(And); ok && len(a.Nodes) == 0 {
		return nil
	}
	return n
}

func normalize(n Node) Node {
	switch n := n.(type) {
	case And:
		var out []Node
		for _, c := range n.Nodes {
			c = normalize(c)
			if a, ok := c.(And); ok {
				out = append(out, a.Nodes...)
				continue
			}
			out = append(out, c)
		}
		if len(out) == 1 {
			return out[0]
		}
		return And{Nodes: out}
	case Or:
		var out []Node
		for _, c := range n.Nodes {
			c = normalize(c)
			if o, ok := c.(Or); ok {
				out = append(out, o.Nodes...)
				continue
			}
			out = append(out, c)
		}
		if len(out) == 1 {
			return out[0]
		}
		return Or{Nodes: out}
	case Not:
		return Not{Node: normalize(n.Node)}
	case Cond:
		n.Value = normalizeValue(n.Value)
		if l, ok := n.Value.(Strings); ok && len(l) == 1 {
			// One-value lists read as the plain operator.
			switch n.Op {
			case In:
				n.Op, n.Value = Eq, String(l[0])
			case NotIn:
				n.Op, n.Value = Ne, String(l[0])
			case HasAll:
				n.Op = HasAny
			}
		}
		return n
	case Quant:
		n.Where = Normalize(n.Where)
		return n
	case Agg:
		n.Where = Normalize(n.Where)
		n.Value = normalizeValue(n.Value)
		return n
	}
	return n
}

func normalizeValue(v Value) Value {
	switch v := v.(type) {
	case Instant:
		return At(v.Time)
	case Range:
		return Range{Lo: normalizeValue(v.Lo), Hi: normalizeValue(v.Hi)}
	}
	return v
}
