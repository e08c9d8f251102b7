package segment

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// ToMQL compiles the tree into one MongoDB find filter over the customers
// collection, with relative times resolved against o.Now. Every construct is
// pushed down: scalar fields become $eq/$ne/$in/$nin/$gt.../$regex (the
// literal quoted, option "i"), quantifiers $elemMatch (none: $not
// $elemMatch; every: $not $elemMatch of the negated filter; a quantifier
// over a derived field, such as recordedLate, $expr with $size/$filter),
// windowed aggregates $expr with $size/$filter and $sum/$map/$filter. pushedDown is
// true for every filter the language has today; it is false only when a
// construct was left to the in-process evaluator (with o.ScalarOnly). Errors
// as Compile's.
func ToMQL(n Node, o Options) (filter bson.D, pushedDown bool, err error) {
	if err := Validate(n); err != nil {
		return nil, false, err
	}
	problems := crm.NewProblems()
	m := &mqlc{r: newResolver(o), scalarOnly: o.ScalarOnly}
	filter = m.query(n, Customer, problems.At("where"))
	if m.r.failed != nil {
		return nil, false, crm.Internal(m.r.failed)
	}
	if err := problems.Err(); err != nil {
		return nil, false, err
	}
	return filter, !m.dropped, nil
}

// Explain returns the compiled filter as canonical extended JSON, for
// explainSegment, and whether it runs fully pushed down.
func Explain(n Node, o Options) (string, bool, error) {
	filter, pushed, err := ToMQL(n, o)
	if err != nil {
		return "", false, err
	}
	b, err := bson.MarshalExtJSON(filter, true, false)
	if err != nil {
		return "", false, crm.Internal(err)
	}
	return string(b), pushed, nil
}

type mqlc struct {
	r          *resolver
	scalarOnly bool   // leave quantifiers and aggregates out
	dropped    bool   // something was left out
	neg        bool   // under an odd number of Nots
	elem       string // how expressions reach an element's fields: "$$e." unless set
}

// left stands in for a construct left out of the filter: true where the
// filter must select a superset, false under a negation (whose operand
// must select a subset).
func (m *mqlc) left() bson.D {
	m.dropped = true
	if m.neg {
		return matchNone()
	}
	return d{}
}

func isNone(x bson.D) bool {
	return len(x) == 1 && x[0].Key == "_id" && reflect.DeepEqual(x[0].Value, matchNone()[0].Value)
}

type (
	d = bson.D
	e = bson.E
	a = bson.A
)

// matchNone is a filter no document (and no element) matches.
func matchNone() bson.D { return d{{Key: "_id", Value: d{{Key: "$in", Value: a{}}}}} }

func (m *mqlc) query(n Node, scope Array, p crm.Problems) bson.D {
	switch n := n.(type) {
	case nil:
		return d{}
	case And:
		var list a
		for i, c := range n.Nodes {
			x := m.query(c, scope, p.Index("and", i))
			switch {
			case isNone(x):
				return x
			case len(x) > 0: // {} (true) adds nothing
				list = append(list, x)
			}
		}
		switch len(list) {
		case 0:
			return d{}
		case 1:
			return list[0].(bson.D)
		}
		return d{{Key: "$and", Value: list}}
	case Or:
		var list a
		for i, c := range n.Nodes {
			x := m.query(c, scope, p.Index("or", i))
			switch {
			case len(x) == 0:
				return x
			case !isNone(x): // false adds nothing
				list = append(list, x)
			}
		}
		switch len(list) {
		case 0:
			return matchNone()
		case 1:
			return list[0].(bson.D)
		}
		return d{{Key: "$or", Value: list}}
	case Not:
		m.neg = !m.neg
		x := m.query(n.Node, scope, p.At("not"))
		m.neg = !m.neg
		switch {
		case len(x) == 0:
			return matchNone()
		case isNone(x):
			return d{}
		}
		return d{{Key: "$nor", Value: a{x}}}
	case Cond:
		return m.cond(n, scope, p)
	case Quant:
		if m.scalarOnly {
			return m.left()
		}
		pw := p.At(string(n.Array)).At(string(n.Q))
		if derived(n.Where, n.Array) { // $elemMatch takes no $expr
			return m.quantExpr(n, pw)
		}
		where := m.query(n.Where, n.Array, pw)
		arr := string(n.Array)
		if len(where) == 0 { // any element
			switch n.Q {
			case Some:
				return d{{Key: arr + ".0", Value: d{{Key: "$exists", Value: true}}}}
			case None:
				return d{{Key: arr + ".0", Value: d{{Key: "$exists", Value: false}}}}
			default:
				return d{}
			}
		}
		switch n.Q {
		case Some:
			return d{{Key: arr, Value: d{{Key: "$elemMatch", Value: where}}}}
		case None:
			return d{{Key: arr, Value: d{{Key: "$not", Value: d{{Key: "$elemMatch", Value: where}}}}}}
		default: // Every: no element fails the filter
			return d{{Key: arr, Value: d{{Key: "$not", Value: d{{Key: "$elemMatch",
				Value: d{{Key: "$nor", Value: a{where}}}}}}}}}
		}
	case Agg:
		if m.scalarOnly {
			return m.left()
		}
		if n.Fn == Change {
			return m.changeQuery(n, p)
		}
		pw := p.At(string(n.Array)).At(string(n.Fn)).At("where")
		input := any(d{{Key: "$ifNull", Value: a{"$" + string(n.Array), a{}}}})
		if n.Where != nil {
			input = d{{Key: "$filter", Value: d{
				{Key: "input", Value: input},
				{Key: "as", Value: "e"},
				{Key: "cond", Value: m.expr(n.Where, n.Array, pw)},
			}}}
		}
		var fig any
		if n.Fn == Sum {
			fig = d{{Key: "$sum", Value: d{{Key: "$map", Value: d{
				{Key: "input", Value: input},
				{Key: "as", Value: "e"},
				{Key: "in", Value: "$$e." + arrays[n.Array].sum},
			}}}}}
		} else {
			fig = d{{Key: "$size", Value: input}}
		}
		return d{{Key: "$expr", Value: d{{Key: "$" + string(n.Op), Value: a{fig, intOf(n.Value)}}}}}
	}
	panic(fmt.Sprintf("segment: unknown node %T", n))
}

// changeQuery compiles a Change as $expr: the sums of the two windows,
// then 100·(current − earlier) compared with v·earlier (see changeCmp),
// with a positive earlier sum.
func (m *mqlc) changeQuery(n Agg, p crm.Problems) bson.D {
	cw, ew := n.changeWindows()
	pw := p.At(string(n.Array)).At(string(n.Fn)).At("window")
	total := func(w Node) bson.D {
		return d{{Key: "$sum", Value: d{{Key: "$map", Value: d{
			{Key: "input", Value: d{{Key: "$filter", Value: d{
				{Key: "input", Value: d{{Key: "$ifNull", Value: a{"$" + string(n.Array), a{}}}}},
				{Key: "as", Value: "e"},
				{Key: "cond", Value: m.expr(w, n.Array, pw)},
			}}}},
			{Key: "as", Value: "e"},
			{Key: "in", Value: "$$e." + arrays[n.Array].sum},
		}}}}}
	}
	return d{{Key: "$expr", Value: d{{Key: "$let", Value: d{
		{Key: "vars", Value: d{{Key: "cur", Value: total(cw)}, {Key: "earl", Value: total(ew)}}},
		{Key: "in", Value: d{{Key: "$and", Value: a{
			d{{Key: "$gt", Value: a{"$$earl", 0}}},
			d{{Key: "$" + string(n.Op), Value: a{
				d{{Key: "$multiply", Value: a{int64(100), d{{Key: "$subtract", Value: a{"$$cur", "$$earl"}}}}}},
				d{{Key: "$multiply", Value: a{intOf(n.Value), "$$earl"}}},
			}}},
		}}}},
	}}}}}
}

// quantExpr compiles a quantifier as $expr: the number of elements that
// match (every: that fail) the element filter.
func (m *mqlc) quantExpr(n Quant, p crm.Problems) bson.D {
	cond := m.expr(n.Where, n.Array, p)
	if n.Q == Every {
		cond = d{{Key: "$not", Value: a{cond}}}
	}
	size := d{{Key: "$size", Value: d{{Key: "$filter", Value: d{
		{Key: "input", Value: d{{Key: "$ifNull", Value: a{"$" + string(n.Array), a{}}}}},
		{Key: "as", Value: "e"},
		{Key: "cond", Value: cond},
	}}}}}
	op := "$eq"
	if n.Q == Some {
		op = "$gt"
	}
	return d{{Key: "$expr", Value: d{{Key: op, Value: a{size, 0}}}}}
}

// derived says whether an element filter names a derived field (one an
// expression computes, Field.expr).
func derived(n Node, scope Array) bool {
	switch n := n.(type) {
	case And:
		return slices.ContainsFunc(n.Nodes, func(c Node) bool { return derived(c, scope) })
	case Or:
		return slices.ContainsFunc(n.Nodes, func(c Node) bool { return derived(c, scope) })
	case Not:
		return derived(n.Node, scope)
	case Cond:
		return lookup(scope, n.Field).expr != nil
	}
	return false
}

func regex(s string, prefix bool) bson.D {
	pat := regexp.QuoteMeta(s)
	if prefix {
		pat = "^" + pat
	}
	return d{{Key: "$regex", Value: pat}, {Key: "$options", Value: "i"}}
}

func strList(vs Strings) bson.A {
	out := make(a, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// zeroTime is the "null" of the computed times, as BSON stores it.
var zeroTime = msTime(zeroMs)

func (m *mqlc) cond(n Cond, scope Array, p crm.Problems) bson.D {
	f := lookup(scope, n.Field)
	if f.expr != nil {
		panic(fmt.Sprintf("segment: derived field %s outside an expression", f.Name))
	}
	path := f.Path
	one := func(op string, v any) bson.D { return d{{Key: path, Value: d{{Key: op, Value: v}}}} }
	switch f.Kind {
	case KindSearch:
		re := regex(string(n.Value.(String)), false)
		return d{{Key: "$or", Value: a{d{{Key: "name", Value: re}}, d{{Key: "code", Value: re}}, d{{Key: "contacts.name", Value: re}}}}}
	case KindString, KindEnum, KindOwner:
		switch n.Op {
		case Eq:
			return d{{Key: path, Value: string(n.Value.(String))}}
		case Ne:
			return one("$ne", string(n.Value.(String)))
		case In:
			return one("$in", strList(n.Value.(Strings)))
		case NotIn:
			return one("$nin", strList(n.Value.(Strings)))
		case Contains, StartsWith:
			return d{{Key: path, Value: regex(string(n.Value.(String)), n.Op == StartsWith)}}
		case IsNull:
			if n.Value.(Bool) {
				return one("$in", a{nil, ""})
			}
			return one("$nin", a{nil, ""})
		case Me:
			me := m.r.opts.Me
			if me == "" {
				p.At(n.Field).Add(string(n.Op), "needs a signed-in user")
			}
			if n.Value.(Bool) {
				return d{{Key: path, Value: me}}
			}
			return one("$ne", me)
		}
	case KindTags, KindUsers:
		switch n.Op {
		case Me:
			me := m.r.opts.Me
			if me == "" {
				p.At(n.Field).Add(string(n.Op), "needs a signed-in user")
			}
			if n.Value.(Bool) {
				return d{{Key: path, Value: me}}
			}
			return one("$ne", me)
		case HasAny:
			return one("$in", strList(n.Value.(Strings)))
		case HasAll:
			return one("$all", strList(n.Value.(Strings)))
		case HasNone:
			return one("$nin", strList(n.Value.(Strings)))
		case IsEmpty:
			return d{{Key: path + ".0", Value: d{{Key: "$exists", Value: !bool(n.Value.(Bool))}}}}
		}
	case KindInt, KindMoney:
		switch n.Op {
		case IsNull: // nullable amounts of elements: absent
			if n.Value.(Bool) {
				return d{{Key: path, Value: nil}}
			}
			return one("$ne", nil)
		case Ne:
			return one("$ne", intOf(n.Value))
		case Eq:
			return d{{Key: path, Value: intOf(n.Value)}}
		case Between:
			rg := n.Value.(Range)
			return d{{Key: path, Value: d{{Key: "$gte", Value: intOf(rg.Lo)}, {Key: "$lte", Value: intOf(rg.Hi)}}}}
		}
		return one("$"+string(n.Op), intOf(n.Value))
	case KindFloat:
		return m.float(f, n)
	case KindTime, KindDate:
		if n.Op == IsNull {
			isNull := bool(n.Value.(Bool))
			switch f.null {
			case nullZeroMs:
				if isNull {
					return one("$in", a{nil, zeroTime})
				}
				return one("$nin", a{nil, zeroTime})
			default:
				if isNull {
					return d{{Key: path, Value: nil}}
				}
				return one("$ne", nil)
			}
		}
		bs := m.r.bounds(f, n.Op, n.Value)
		if n.Op == Between {
			if lo, hi := interval(bs); lo > hi {
				p.At(n.Field).Add(string(n.Op), "is an impossible range: from is after to")
			}
		}
		var ops bson.D
		if f.null == nullZeroMs && !hasLower(bs) {
			ops = append(ops, e{Key: "$gt", Value: zeroTime})
		}
		for _, b := range bs {
			ops = append(ops, e{Key: "$" + string(b.op), Value: msTime(b.ms)})
		}
		return d{{Key: path, Value: ops}}
	case KindBool:
		return d{{Key: path, Value: bool(n.Value.(Bool))}}
	}
	panic(fmt.Sprintf("segment: %s on field %s of kind %s", n.Op, f.Name, f.Kind))
}

// surveyCount is the figure that makes avgSatisfaction null when it is 0.
const surveyCount = "stats.satisfactionCount"

func (m *mqlc) float(f *Field, n Cond) bson.D {
	hasSurveys := d{{Key: surveyCount, Value: d{{Key: "$gt", Value: 0}}}}
	noSurveys := d{{Key: surveyCount, Value: d{{Key: "$not", Value: d{{Key: "$gt", Value: 0}}}}}}
	var cmp bson.D
	switch n.Op {
	case IsNull:
		if n.Value.(Bool) {
			return noSurveys
		}
		return hasSurveys
	case Eq:
		cmp = d{{Key: f.Path, Value: float64(n.Value.(Float))}}
	case Between:
		rg := n.Value.(Range)
		cmp = d{{Key: f.Path, Value: d{{Key: "$gte", Value: float64(rg.Lo.(Float))}, {Key: "$lte", Value: float64(rg.Hi.(Float))}}}}
	default:
		cmp = d{{Key: f.Path, Value: d{{Key: "$" + string(n.Op), Value: float64(n.Value.(Float))}}}}
	}
	if f.null != nullSurveys {
		return cmp
	}
	if n.Op == Ne {
		return d{{Key: "$or", Value: a{noSurveys, cmp}}}
	}
	return d{{Key: "$and", Value: a{hasSurveys, cmp}}}
}

// expr compiles an element filter into an aggregation expression over the
// element "$$e", for the cond of $filter. Aggregation comparisons order
// values of every type (a missing field is less than a date), so optional
// fields are guarded to keep the query semantics: a comparison never matches
// an absent value.
func (m *mqlc) expr(n Node, scope Array, p crm.Problems) any {
	switch n := n.(type) {
	case nil:
		return true
	case And:
		switch len(n.Nodes) {
		case 0:
			return true
		case 1:
			return m.expr(n.Nodes[0], scope, p.Index("and", 0))
		}
		list := make(a, len(n.Nodes))
		for i, c := range n.Nodes {
			list[i] = m.expr(c, scope, p.Index("and", i))
		}
		return d{{Key: "$and", Value: list}}
	case Or:
		switch len(n.Nodes) {
		case 0:
			return false
		case 1:
			return m.expr(n.Nodes[0], scope, p.Index("or", 0))
		}
		list := make(a, len(n.Nodes))
		for i, c := range n.Nodes {
			list[i] = m.expr(c, scope, p.Index("or", i))
		}
		return d{{Key: "$or", Value: list}}
	case Not:
		return d{{Key: "$not", Value: a{m.expr(n.Node, scope, p.At("not"))}}}
	case Cond:
		return m.condExpr(n, scope, p)
	}
	panic(fmt.Sprintf("segment: %T in an element filter", n))
}

func (m *mqlc) condExpr(n Cond, scope Array, p crm.Problems) any {
	f := lookup(scope, n.Field)
	elem := m.elem
	if elem == "" {
		elem = "$$e."
	}
	path := elem + f.Path
	op2 := func(op string, x, y any) bson.D { return d{{Key: op, Value: a{x, y}}} }
	ifNull := func(v any) bson.D { return d{{Key: "$ifNull", Value: a{path, v}}} }
	switch f.Kind {
	case KindString, KindEnum, KindOwner:
		switch n.Op {
		case Eq:
			return op2("$eq", path, string(n.Value.(String)))
		case Ne:
			return op2("$ne", path, string(n.Value.(String)))
		case In:
			return op2("$in", ifNull(nil), strList(n.Value.(Strings)))
		case NotIn:
			return d{{Key: "$not", Value: a{op2("$in", ifNull(nil), strList(n.Value.(Strings)))}}}
		case Contains, StartsWith:
			re := regex(string(n.Value.(String)), n.Op == StartsWith)
			return d{{Key: "$regexMatch", Value: d{{Key: "input", Value: ifNull("")}, {Key: "regex", Value: re[0].Value}, {Key: "options", Value: "i"}}}}
		case IsNull:
			if n.Value.(Bool) {
				return op2("$eq", ifNull(""), "")
			}
			return op2("$ne", ifNull(""), "")
		case Me:
			me := m.r.opts.Me
			if me == "" {
				p.At(n.Field).Add(string(n.Op), "needs a signed-in user")
			}
			if n.Value.(Bool) {
				return op2("$eq", path, me)
			}
			return op2("$ne", path, me)
		}
	case KindBool:
		if f.expr != nil { // null (unknown) equals neither
			return op2("$eq", f.expr(elem), bool(n.Value.(Bool)))
		}
		return op2("$eq", path, bool(n.Value.(Bool)))
	case KindUsers:
		list := d{{Key: "$ifNull", Value: a{path, a{}}}}
		switch n.Op {
		case Me:
			me := m.r.opts.Me
			if me == "" {
				p.At(n.Field).Add(string(n.Op), "needs a signed-in user")
			}
			in := op2("$in", me, list)
			if n.Value.(Bool) {
				return in
			}
			return d{{Key: "$not", Value: a{in}}}
		case IsEmpty:
			if n.Value.(Bool) {
				return op2("$eq", d{{Key: "$size", Value: list}}, 0)
			}
			return op2("$gt", d{{Key: "$size", Value: list}}, 0)
		case HasAll:
			return op2("$setIsSubset", strList(n.Value.(Strings)), list)
		}
		some := op2("$gt", d{{Key: "$size", Value: op2("$setIntersection", list, strList(n.Value.(Strings)))}}, 0)
		if n.Op == HasNone {
			return d{{Key: "$not", Value: a{some}}}
		}
		return some
	case KindInt, KindMoney, KindTime, KindDate:
		present := op2("$ne", ifNull(nil), nil)
		if n.Op == IsNull {
			if n.Value.(Bool) {
				return op2("$eq", ifNull(nil), nil)
			}
			return present
		}
		var list a
		if f.Nullable && n.Op != Ne {
			list = append(list, present)
		}
		if f.Kind == KindMoney || f.Kind == KindInt {
			switch n.Op {
			case Ne:
				return op2("$ne", path, intOf(n.Value))
			case Between:
				rg := n.Value.(Range)
				list = append(list, op2("$gte", path, intOf(rg.Lo)), op2("$lte", path, intOf(rg.Hi)))
			default:
				list = append(list, op2("$"+string(n.Op), path, intOf(n.Value)))
			}
		} else {
			bs := m.r.bounds(f, n.Op, n.Value)
			if n.Op == Between {
				if lo, hi := interval(bs); lo > hi {
					p.At(n.Field).Add(string(n.Op), "is an impossible range: from is after to")
				}
			}
			for _, b := range bs {
				list = append(list, op2("$"+string(b.op), path, msTime(b.ms)))
			}
		}
		if len(list) == 1 {
			return list[0]
		}
		return d{{Key: "$and", Value: list}}
	}
	panic(fmt.Sprintf("segment: %s on element field %s of kind %s", n.Op, f.Name, f.Kind))
}

// ElementsToMQL compiles an element filter for the documents of an
// aggregation pipeline after `$unwind` of its array, where each document
// holds one element in place of the array: every field path is prefixed
// with the array's name (interactions.channel). Relative times are
// resolved against the filter's Options.Now. nil selects every element.
// Errors: as ToMQL's (the filter compiled without error when it was built).
func ElementsToMQL(f *Elements) (bson.D, error) {
	if f == nil || f.node == nil {
		return bson.D{}, nil
	}
	problems := crm.NewProblems()
	m := &mqlc{r: newResolver(f.opts)}
	var q bson.D
	if derived(f.node, f.array) {
		m.elem = "$" + string(f.array) + "."
		q = d{{Key: "$expr", Value: m.expr(f.node, f.array, problems.At(string(f.array)))}}
	} else {
		q = prefixPaths(m.query(f.node, f.array, problems.At(string(f.array))), string(f.array)+".")
	}
	if m.r.failed != nil {
		return nil, crm.Internal(m.r.failed)
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return q, nil
}

// prefixPaths prefixes the field paths of a query document (its keys that
// are not operators; $and, $or and $nor are followed into their operands).
func prefixPaths(q bson.D, prefix string) bson.D {
	out := make(bson.D, len(q))
	for i, x := range q {
		switch {
		case x.Key == "$and" || x.Key == "$or" || x.Key == "$nor":
			list := x.Value.(bson.A)
			ps := make(bson.A, len(list))
			for j, c := range list {
				ps[j] = prefixPaths(c.(bson.D), prefix)
			}
			out[i] = e{Key: x.Key, Value: ps}
		case len(x.Key) > 0 && x.Key[0] == '$':
			out[i] = x
		default:
			out[i] = e{Key: prefix + x.Key, Value: x.Value}
		}
	}
	return out
}
