package segment

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Bounds of every filter, whatever its source (GraphQL input, query line,
// saved segment, rule).
const (
	MaxDepth  = 10  // nesting levels (and, or, not, quantifiers, aggregates)
	MaxNodes  = 500 // nodes of the tree, conditions included
	MaxList   = 1000
	MaxString = 200 // characters of one text value
)

// Validate checks a tree against the catalog and the bounds. Problems are
// reported as BAD_USER_INPUT with paths such as
// "where.and[1].interactions.some.channel.in"; the paths of a tree that
// FromInput built are those of its input.
func Validate(n Node) error {
	p := crm.NewProblems()
	validateAt(n, p.At("where"))
	return p.Err()
}

func validateAt(n Node, p crm.Problems) {
	v := validator{root: p}
	v.node(n, Customer, p, 1)
}

type validator struct {
	root     crm.Problems
	nodes    int
	tooMany  bool
	tooDeep  bool
	problems int
}

func (v *validator) add(p crm.Problems, field, format string, args ...any) {
	v.problems++
	if v.problems > 20 { // enough to fix; keeps a hostile tree's answer short
		return
	}
	p.Fail(field, crm.ReasonInvalidFilter, nil, format, args...)
}

func (v *validator) node(n Node, scope Array, p crm.Problems, depth int) {
	if n == nil {
		return
	}
	if depth > MaxDepth {
		if !v.tooDeep {
			v.tooDeep = true
			v.add(p, "", "is nested deeper than %d levels", MaxDepth)
		}
		return
	}
	if v.nodes++; v.nodes > MaxNodes {
		if !v.tooMany {
			v.tooMany = true
			v.add(v.root, "", "has more than %d conditions", MaxNodes)
		}
		return
	}
	switch n := n.(type) {
	case And:
		for i, c := range n.Nodes {
			v.child(c, scope, p.Index("and", i), depth)
		}
	case Or:
		for i, c := range n.Nodes {
			v.child(c, scope, p.Index("or", i), depth)
		}
	case Not:
		v.child(n.Node, scope, p.At("not"), depth)
	case Cond:
		v.cond(n, scope, p)
	case Quant:
		if scope != Customer {
			v.add(p, string(n.Array), "quantifiers apply to the customer's arrays only")
			return
		}
		if _, ok := arrays[n.Array]; !ok {
			v.add(p, string(n.Array), "unknown array (expected %s)", arrayNames())
			return
		}
		if n.Q != Some && n.Q != None && n.Q != Every {
			v.add(p.At(string(n.Array)), string(n.Q), "unknown quantifier (expected some, none or every)")
			return
		}
		v.node(n.Where, n.Array, p.At(string(n.Array)).At(string(n.Q)), depth+1)
	case Agg:
		v.agg(n, scope, p, depth)
	default:
		v.add(p, "", "unknown node %T", n)
	}
}

func (v *validator) child(c Node, scope Array, p crm.Problems, depth int) {
	if c == nil {
		v.add(p, "", "must not be null")
		return
	}
	v.node(c, scope, p, depth+1)
}

func (v *validator) agg(n Agg, scope Array, p crm.Problems, depth int) {
	if scope != Customer {
		v.add(p, string(n.Array), "aggregates apply to the customer's arrays only")
		return
	}
	info, ok := arrays[n.Array]
	if !ok {
		v.add(p, string(n.Array), "unknown array (expected %s)", arrayNames())
		return
	}
	pa := p.At(string(n.Array))
	switch {
	case n.Fn == Count:
	case n.Fn == Sum && info.sum != "":
	case n.Fn == Sum:
		v.add(pa, string(n.Fn), "sum is offered for deals only")
		return
	case n.Fn == Change && info.window != "":
		v.change(n, pa.At(string(n.Fn)))
		return
	case n.Fn == Change:
		v.add(pa, string(n.Fn), "change is offered for deals only")
		return
	default:
		v.add(pa, string(n.Fn), "unknown figure (expected count, sum or change)")
		return
	}
	pf := pa.At(string(n.Fn))
	switch n.Op {
	case Eq, Gt, Gte, Lt, Lte:
	default:
		v.add(pf, string(n.Op), "unknown operator (expected eq, gt, gte, lt or lte)")
		return
	}
	switch x := n.Value.(type) {
	case Int:
		if n.Fn != Count {
			v.add(pf, string(n.Op), "must be an amount (a decimal string)")
		} else if x < 0 {
			v.add(pf, string(n.Op), "must not be negative")
		}
	case Money:
		if n.Fn != Sum {
			v.add(pf, string(n.Op), "must be an integer")
		} else {
			v.money(x, pf, string(n.Op))
		}
	default:
		if n.Fn == Count {
			v.add(pf, string(n.Op), "must be an integer")
		} else {
			v.add(pf, string(n.Op), "must be an amount (a decimal string)")
		}
	}
	v.node(n.Where, n.Array, pf.At("where"), depth+1)
}

// MaxChangePercent bounds the percent a Change compares with.
const MaxChangePercent = 1_000_000

// change checks a Change: a window of at least a day whose double is a
// valid duration, no where, and a whole percent.
func (v *validator) change(n Agg, pf crm.Problems) {
	twice := Duration{N: 2 * n.Window.N, Unit: n.Window.Unit}
	if !n.Window.valid() || n.Window.N < 1 || !twice.valid() {
		v.add(pf, "window", "must be a relative time such as 12m or 365d, at least 1d and at most 50y")
	}
	if n.Where != nil {
		v.add(pf, "where", "a change takes no element filter")
	}
	switch n.Op {
	case Eq, Gt, Gte, Lt, Lte:
	default:
		v.add(pf, string(n.Op), "unknown operator (expected eq, gt, gte, lt or lte)")
		return
	}
	if x, ok := n.Value.(Int); !ok {
		v.add(pf, string(n.Op), "must be a whole percent (an integer)")
	} else if x < -MaxChangePercent || x > MaxChangePercent {
		v.add(pf, string(n.Op), "must be a percent from %d to %d", -MaxChangePercent, MaxChangePercent)
	}
}

func (v *validator) cond(c Cond, scope Array, p crm.Problems) {
	f := lookup(scope, c.Field)
	if f == nil {
		v.add(p, c.Field, "unknown field")
		return
	}
	if f.Kind == KindSearch {
		// search is a plain String input: its path has no operator.
		if c.Op != Contains {
			v.add(p, c.Field, "takes a text to search for")
			return
		}
		if s, ok := c.Value.(String); !ok {
			v.add(p, c.Field, "must be a text")
		} else {
			v.str(f, string(s), p, c.Field)
		}
		return
	}
	pf := p.At(c.Field)
	op := string(c.Op)
	if !f.allows(c.Op) {
		v.add(pf, op, "unknown operator for a %s field (expected %s)", f.Kind, opList(f.Ops()))
		return
	}
	switch c.Op {
	case IsNull, IsEmpty, Me:
		if _, ok := c.Value.(Bool); !ok {
			v.add(pf, op, "must be true or false")
		}
		return
	case In, NotIn, HasAny, HasAll, HasNone:
		list, ok := c.Value.(Strings)
		switch {
		case !ok:
			v.add(pf, op, "must be a list of values")
		case len(list) == 0:
			v.add(pf, op, "must not be empty")
		case len(list) > MaxList:
			v.add(pf, op, "must have at most %d values", MaxList)
		default:
			for i, s := range list {
				v.str(f, s, pf, fmt.Sprintf("%s[%d]", op, i))
			}
		}
		return
	case Between:
		r, ok := c.Value.(Range)
		if !ok {
			v.add(pf, op, "must be a range (from, to)")
			return
		}
		pb := pf.At(op)
		okLo := v.scalar(f, Gte, r.Lo, pb, "from")
		okHi := v.scalar(f, Lte, r.Hi, pb, "to")
		if okLo && okHi && staticAfter(r.Lo, r.Hi) {
			v.add(pf, op, "is an impossible range: from is after to")
		}
		return
	}
	v.scalar(f, c.Op, c.Value, pf, op)
}

// scalar checks one operand of a comparison; it reports whether it is valid.
func (v *validator) scalar(f *Field, op Op, val Value, p crm.Problems, field string) bool {
	before := v.problems
	switch f.Kind {
	case KindString, KindEnum, KindOwner:
		if s, ok := val.(String); !ok {
			v.add(p, field, "must be a text")
		} else {
			v.str(f, string(s), p, field)
		}
	case KindInt:
		if _, ok := val.(Int); !ok {
			v.add(p, field, "must be an integer")
		}
	case KindFloat:
		if x, ok := val.(Float); !ok {
			v.add(p, field, "must be a number")
		} else if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			v.add(p, field, "must be a finite number")
		}
	case KindMoney:
		if x, ok := val.(Money); !ok {
			v.add(p, field, "must be an amount (a decimal string such as \"500000\")")
		} else {
			v.money(x, p, field)
		}
	case KindBool:
		if _, ok := val.(Bool); !ok {
			v.add(p, field, "must be true or false")
		}
	case KindTime, KindDate:
		switch x := val.(type) {
		case Date:
			if !x.valid() {
				v.add(p, field, "must be a valid date between %d and %d", minYear, maxYear)
			}
		case Ago:
			if op == Eq {
				v.add(p, field, "takes a date; a relative time needs gt, gte, lt, lte or between")
			} else if !Duration(x).valid() {
				v.add(p, field, "must be a relative time such as 90d, 2w, 6m or 1y, at most 100y")
			}
		case Instant:
			switch {
			case f.Kind == KindDate:
				v.add(p, field, "must be a date (YYYY-MM-DD) or a relative time such as 90d")
			case op == Eq:
				v.add(p, field, "takes a date (YYYY-MM-DD); use between for a time range")
			case x.Year() < minYear || x.Year() > maxYear:
				v.add(p, field, "must be a time between %d and %d", minYear, maxYear)
			}
		default:
			if f.Kind == KindDate {
				v.add(p, field, "must be a date (YYYY-MM-DD) or a relative time such as 90d")
			} else {
				v.add(p, field, "must be a time (RFC 3339), a date (YYYY-MM-DD) or a relative time such as 90d")
			}
		}
	default:
		v.add(p, field, "is not comparable")
	}
	return v.problems == before
}

func (v *validator) money(m Money, p crm.Problems, field string) {
	switch {
	case m < 0:
		v.add(p, field, "must not be negative")
	case crm.Money(m) > crm.MaxMoney:
		v.add(p, field, "is too large")
	}
}

func (v *validator) str(f *Field, s string, p crm.Problems, field string) {
	switch msg := checkText(s); {
	case msg != "":
		v.add(p, field, "%s", msg)
	case f.Kind == KindEnum && !f.validEnum(s):
		v.add(p, field, "%s is not a valid value (expected one of %s)", quote(s), strings.Join(f.Enum, ", "))
	}
}

// checkText returns what is wrong with a text operand, or "".
func checkText(s string) string {
	switch {
	case s == "":
		return "must not be empty (use isNull for absent values)"
	case len(s) > 4*MaxString || utf8.RuneCountInString(s) > MaxString:
		return fmt.Sprintf("must be at most %d characters", MaxString)
	case !utf8.ValidString(s):
		return "must be valid UTF-8"
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "must not contain control characters"
		}
	}
	return ""
}

// staticAfter reports a range whose from is surely after its to, as far as
// that is known without "now" and a time zone.
func staticAfter(lo, hi Value) bool {
	switch a := lo.(type) {
	case Int:
		b, ok := hi.(Int)
		return ok && a > b
	case Float:
		b, ok := hi.(Float)
		return ok && a > b
	case Money:
		b, ok := hi.(Money)
		return ok && a > b
	case Instant:
		b, ok := hi.(Instant)
		return ok && a.After(b.Time)
	case Date:
		b, ok := hi.(Date)
		return ok && a.in(time.UTC).After(b.in(time.UTC))
	case Ago:
		b, ok := hi.(Ago)
		if !ok {
			return false
		}
		// lo = now - a is after hi = now - b when a is surely shorter than b.
		_, aMax := Duration(a).approxDays()
		bMin, _ := Duration(b).approxDays()
		return aMax < bMin
	}
	return false
}

func opList(ops []Op) string {
	s := make([]string, len(ops))
	for i, o := range ops {
		s[i] = string(o)
	}
	return strings.Join(s, ", ")
}

func quote(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "..."
	}
	return fmt.Sprintf("%q", s)
}
