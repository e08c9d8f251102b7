package segment

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// FromInput reads the JSON/GraphQL input form of a filter (CustomerWhere,
// see GraphQLSchema and QUERY.md) into a normalized tree. in is what a JSON
// decoder or gqlgen gives for an input object bound to map[string]any: maps,
// []any, strings, bools and numbers (int, int64, float64, json.Number).
// Sibling fields are ANDed; within/notWithin become gte/lt of a relative
// time. Problems are BAD_USER_INPUT with paths below path, e.g.
// "where.and[1].interactions.some.channel.in".
func FromInput(path string, in any) (Node, error) {
	problems := crm.NewProblems()
	r := &reader{v: validator{root: problems.At(path)}}
	n := r.where(plain(in), Customer, problems.At(path), 1)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	n = Normalize(n)
	// The bounds of the whole tree (depth, size) after normalization.
	problems = crm.NewProblems()
	validateAt(n, problems.At(path))
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return n, nil
}

type reader struct {
	v     validator
	nodes int
}

// op order of a field's input object, for a deterministic tree.
var opOrder = []string{"eq", "ne", "in", "notIn", "contains", "startsWith", "isNull", "gt", "gte", "lt", "lte",
	"between", "within", "notWithin", "hasAny", "hasAll", "hasNone", "isEmpty", "me"}

var aggOps = []string{"eq", "gt", "gte", "lt", "lte"}

func (r *reader) add(p crm.Problems, field, format string, args ...any) {
	r.v.add(p, field, format, args...)
}

func (r *reader) count(p crm.Problems) bool {
	if r.nodes++; r.nodes > MaxNodes {
		if !r.v.tooMany {
			r.v.tooMany = true
			r.add(r.v.root, "", "has more than %d conditions", MaxNodes)
		}
		return false
	}
	return true
}

func (r *reader) where(in any, scope Array, p crm.Problems, depth int) Node {
	if in == nil {
		return nil
	}
	obj, ok := in.(map[string]any)
	if !ok {
		r.add(p, "", "must be an object")
		return nil
	}
	if depth > MaxDepth {
		if !r.v.tooDeep {
			r.v.tooDeep = true
			r.add(p, "", "is nested deeper than %d levels", MaxDepth)
		}
		return nil
	}
	if !r.count(p) {
		return nil
	}
	var nodes []Node
	used := 0
	// Fields in catalog order.
	for i := range catalog {
		f := &catalog[i]
		if f.Scope != scope {
			continue
		}
		val, ok := obj[f.Name]
		if !ok {
			continue
		}
		used++
		if f.Kind == KindSearch {
			s, ok := val.(string)
			if !ok {
				r.add(p, f.Name, "must be a text")
				continue
			}
			c := Cond{Field: f.Name, Op: Contains, Value: String(s)}
			r.v.cond(c, scope, p)
			nodes = append(nodes, c)
			continue
		}
		nodes = append(nodes, r.field(f, val, p)...)
	}
	if scope == Customer {
		for _, a := range Arrays() {
			if val, ok := obj[string(a)]; ok {
				used++
				nodes = append(nodes, r.array(a, val, p.At(string(a)), depth)...)
			}
		}
	}
	for _, k := range []string{"and", "or"} {
		val, ok := obj[k]
		if !ok {
			continue
		}
		used++
		list, ok := val.([]any)
		if !ok {
			r.add(p, k, "must be a list of filters")
			continue
		}
		if len(list) > MaxNodes {
			r.add(p, k, "has more than %d filters", MaxNodes)
			continue
		}
		var kids []Node
		for i, x := range list {
			if x == nil {
				r.add(p.Index(k, i), "", "must not be null")
				continue
			}
			n := r.where(x, scope, p.Index(k, i), depth+1)
			if n == nil {
				n = And{}
			}
			kids = append(kids, n)
		}
		if k == "and" {
			nodes = append(nodes, And{Nodes: kids})
		} else {
			nodes = append(nodes, Or{Nodes: kids})
		}
	}
	if val, ok := obj["not"]; ok {
		used++
		if val == nil {
			r.add(p, "not", "must not be null")
		} else {
			n := r.where(val, scope, p.At("not"), depth+1)
			if n == nil {
				n = And{}
			}
			nodes = append(nodes, Not{Node: n})
		}
	}
	if used < len(obj) {
		for _, k := range sortedKeys(obj) {
			if !r.known(scope, k) {
				r.add(p, k, "unknown field")
			}
		}
	}
	switch len(nodes) {
	case 0:
		return nil
	case 1:
		return nodes[0]
	}
	return And{Nodes: nodes}
}

func (r *reader) known(scope Array, k string) bool {
	switch k {
	case "and", "or", "not":
		return true
	}
	if lookup(scope, k) != nil {
		return true
	}
	_, ok := arrays[Array(k)]
	return ok && scope == Customer
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// field reads {op: value, ...} of one field; each operator is one Cond.
// parent is the path of the object holding the field.
func (r *reader) field(f *Field, val any, parent crm.Problems) []Node {
	p := parent.At(f.Name)
	obj, ok := val.(map[string]any)
	if !ok {
		r.add(p, "", "must be an object of operators (%s)", opList(f.Ops()))
		return nil
	}
	var out []Node
	for _, op := range opOrder {
		x, ok := obj[op]
		if !ok {
			continue
		}
		if x == nil {
			r.add(p, op, "must not be null")
			continue
		}
		if !r.count(p) {
			return out
		}
		c := Cond{Field: f.Name, Op: Op(op)}
		switch op {
		case "within", "notWithin":
			if f.Kind != KindTime && f.Kind != KindDate {
				r.add(p, op, "unknown operator for a %s field (expected %s)", f.Kind, opList(f.Ops()))
				continue
			}
			s, _ := x.(string)
			d, ok := ParseDuration(s)
			if !ok || !d.valid() {
				r.add(p, op, "must be a relative time such as 90d, 2w, 6m or 1y, at most 100y")
				continue
			}
			c.Op, c.Value = Gte, Ago(d)
			if op == "notWithin" {
				c.Op = Lt
			}
			out = append(out, c)
			continue
		}
		if !f.allows(c.Op) {
			r.add(p, op, "unknown operator for a %s field (expected %s)", f.Kind, opList(f.Ops()))
			continue
		}
		v, msg := r.value(f, c.Op, x)
		if msg != "" {
			r.add(p, op, "%s", msg)
			continue
		}
		c.Value = v
		before := r.v.problems
		r.v.cond(c, f.Scope, parent)
		if r.v.problems == before {
			out = append(out, c)
		}
	}
	for _, k := range sortedKeys(obj) {
		if !slices.Contains(opOrder, k) {
			r.add(p, k, "unknown operator (expected %s)", opList(f.Ops()))
		}
	}
	return out
}

func (r *reader) value(f *Field, op Op, x any) (Value, string) {
	x = plain(x)
	switch op {
	case IsNull, IsEmpty, Me:
		b, ok := x.(bool)
		if !ok {
			return nil, "must be true or false"
		}
		return Bool(b), ""
	case In, NotIn, HasAny, HasAll, HasNone:
		list, ok := x.([]any)
		if !ok {
			if ss, ok := x.([]string); ok {
				return Strings(slices.Clone(ss)), ""
			}
			return nil, "must be a list of texts"
		}
		if len(list) > MaxList {
			return nil, "must have at most " + strconv.Itoa(MaxList) + " values"
		}
		out := make(Strings, len(list))
		for i, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, "must be a list of texts"
			}
			out[i] = s
		}
		return out, ""
	case Between:
		obj, ok := x.(map[string]any)
		if !ok {
			return nil, "must be an object {from, to}"
		}
		lo, msg := r.scalar(f, Gte, obj["from"])
		if msg != "" {
			return nil, "from " + msg
		}
		hi, msg := r.scalar(f, Lte, obj["to"])
		if msg != "" {
			return nil, "to " + msg
		}
		for k := range obj {
			if k != "from" && k != "to" {
				return nil, "takes from and to only"
			}
		}
		return Range{Lo: lo, Hi: hi}, ""
	}
	return r.scalar(f, op, x)
}

func (r *reader) scalar(f *Field, op Op, x any) (Value, string) {
	if x == nil {
		return nil, "must not be null"
	}
	switch f.Kind {
	case KindString, KindEnum, KindOwner, KindSearch:
		s, ok := x.(string)
		if !ok {
			return nil, "must be a text"
		}
		return String(s), ""
	case KindBool:
		b, ok := x.(bool)
		if !ok {
			return nil, "must be true or false"
		}
		return Bool(b), ""
	case KindInt:
		n, ok := toInt(x)
		if !ok {
			return nil, "must be an integer"
		}
		return Int(n), ""
	case KindFloat:
		v, ok := toFloat(x)
		if !ok {
			return nil, "must be a number"
		}
		return Float(v), ""
	case KindMoney:
		var m crm.Money
		if err := m.UnmarshalGQL(x); err != nil {
			return nil, err.Error()
		}
		return Money(m), ""
	case KindTime, KindDate:
		switch t := x.(type) {
		case time.Time:
			// A Date scalar (midnight UTC) on a date field, or eq on a time
			// field, whose GraphQL type is Date: a calendar day, as in the line.
			if f.Kind == KindDate || op == Eq {
				return DateOf(t, time.UTC), ""
			}
			return At(t), ""
		case string:
			if d, ok := ParseDuration(t); ok {
				return Ago(d), ""
			}
			if d, ok := parseDate(t); ok {
				return d, ""
			}
			if f.Kind == KindTime {
				if at, err := time.Parse(time.RFC3339Nano, t); err == nil {
					return At(at), ""
				}
				return nil, "must be a time (RFC 3339), a date (YYYY-MM-DD) or a relative time such as 90d"
			}
		}
		return nil, "must be a date (YYYY-MM-DD) or a relative time such as 90d"
	}
	return nil, "is not comparable"
}

func toInt(x any) (int64, bool) {
	switch n := x.(type) {
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return 0, false
		}
		return int64(n), true
	case json.Number:
		if v, err := n.Int64(); err == nil {
			return v, true
		}
		f, err := n.Float64()
		if err != nil {
			return 0, false
		}
		return toInt(f)
	}
	return 0, false
}

func toFloat(x any) (float64, bool) {
	switch n := x.(type) {
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		v, err := n.Float64()
		return v, err == nil
	}
	return 0, false
}

// array reads {some|none|every: XWhere, count: {where, eq|gt|...}, sum: ...}.
func (r *reader) array(a Array, val any, p crm.Problems, depth int) []Node {
	obj, ok := val.(map[string]any)
	if !ok {
		r.add(p, "", "must be an object (some, none, every, count%s)", map[bool]string{true: ", sum", false: ""}[arrays[a].sum != ""])
		return nil
	}
	var out []Node
	for _, q := range []Quantifier{Some, None, Every} {
		x, ok := obj[string(q)]
		if !ok {
			continue
		}
		if !r.count(p) {
			return out
		}
		out = append(out, Quant{Array: a, Q: q, Where: r.where(x, a, p.At(string(q)), depth+1)})
	}
	for _, fn := range []AggFn{Count, Sum, Change} {
		x, ok := obj[string(fn)]
		if !ok {
			continue
		}
		pf := p.At(string(fn))
		switch {
		case fn == Sum && arrays[a].sum == "":
			r.add(p, string(fn), "sum is offered for deals only")
			continue
		case fn == Change && arrays[a].window == "":
			r.add(p, string(fn), "change is offered for deals only")
			continue
		}
		head := "where" // the key beside the comparisons
		if fn == Change {
			head = "window"
		}
		spec, ok := x.(map[string]any)
		if !ok {
			r.add(pf, "", "must be an object {%s, eq|gt|gte|lt|lte}", head)
			continue
		}
		proto := Agg{Array: a, Fn: fn}
		if fn == Change {
			w, _ := spec["window"].(string)
			if proto.Window, ok = ParseDuration(w); !ok {
				r.add(pf, "window", "must be a relative time such as 12m or 365d")
				continue
			}
		} else {
			proto.Where = r.where(spec["where"], a, pf.At("where"), depth+1)
		}
		n := 0
		for _, op := range aggOps {
			v, ok := spec[op]
			if !ok {
				continue
			}
			n++
			if !r.count(p) {
				return out
			}
			agg := proto
			agg.Op = Op(op)
			if agg.Value, ok = r.figureValue(fn, v, pf, op); ok {
				out = append(out, agg)
			}
		}
		unknown := false
		for _, k := range sortedKeys(spec) {
			if k != head && !slices.Contains(aggOps, k) {
				unknown = true
				r.add(pf, k, "unknown operator (expected %s, eq, gt, gte, lt or lte)", head)
			}
		}
		if n == 0 && !unknown {
			r.add(pf, "", "needs a comparison: eq, gt, gte, lt or lte")
		}
	}
	for _, k := range sortedKeys(obj) {
		switch k {
		case "some", "none", "every", "count", "sum", "change":
		default:
			r.add(p, k, "unknown operator (expected some, none, every, count, sum or change)")
		}
	}
	return out
}

// figureValue reads the operand of a figure's comparison: a count, an
// amount, or a whole percent (Change).
func (r *reader) figureValue(fn AggFn, v any, pf crm.Problems, op string) (Value, bool) {
	switch fn {
	case Sum:
		var m crm.Money
		if err := m.UnmarshalGQL(v); err != nil {
			r.add(pf, op, "%s", err.Error())
			return nil, false
		}
		return Money(m), true
	case Change:
		c, ok := toInt(v)
		if !ok {
			r.add(pf, op, "must be a whole percent (an integer)")
			return nil, false
		}
		return Int(c), true
	}
	c, ok := toInt(v)
	if !ok || c < 0 {
		r.add(pf, op, "must be a count (an integer, not negative)")
		return nil, false
	}
	return Int(c), true
}

// ToInput writes a tree in its JSON/GraphQL input form, the inverse of
// FromInput (for saved segments and the SPA's filter builder):
// FromInput(path, ToInput(t)) equals Normalize(t).
func ToInput(n Node) map[string]any {
	switch n := n.(type) {
	case nil:
		return map[string]any{}
	case And:
		return map[string]any{"and": inputList(n.Nodes)}
	case Or:
		return map[string]any{"or": inputList(n.Nodes)}
	case Not:
		return map[string]any{"not": ToInput(n.Node)}
	case Cond:
		if n.Field == "search" {
			return map[string]any{"search": string(n.Value.(String))}
		}
		return map[string]any{n.Field: map[string]any{string(n.Op): inputValue(n.Value)}}
	case Quant:
		return map[string]any{string(n.Array): map[string]any{string(n.Q): ToInput(n.Where)}}
	case Agg:
		spec := map[string]any{string(n.Op): inputValue(n.Value)}
		if n.Fn == Change {
			spec["window"] = n.Window.String()
		}
		if n.Where != nil {
			spec["where"] = ToInput(n.Where)
		}
		return map[string]any{string(n.Array): map[string]any{string(n.Fn): spec}}
	}
	return map[string]any{}
}

func inputList(ns []Node) []any {
	out := make([]any, len(ns))
	for i, n := range ns {
		out[i] = ToInput(n)
	}
	return out
}

func inputValue(v Value) any {
	switch x := v.(type) {
	case String:
		return string(x)
	case Strings:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case Bool:
		return bool(x)
	case Int:
		return int64(x)
	case Float:
		return float64(x)
	case Money:
		return crm.Money(x).String()
	case Instant:
		return x.UTC().Format(time.RFC3339Nano)
	case Date:
		return x.String()
	case Ago:
		return Duration(x).String()
	case Range:
		return map[string]any{"from": inputValue(x.Lo), "to": inputValue(x.Hi)}
	}
	return nil
}

// plain turns the typed values a GraphQL executor may hand over (enum
// types with a string kind, pointers, typed slices) into the plain string,
// []any and scalar values the reader expects.
func plain(x any) any {
	if _, ok := x.(json.Number); ok {
		return x // a number from a JSON decoder, not a text
	}
	v := reflect.ValueOf(x)
	for v.IsValid() && v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return x
		}
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			out[it.Key().String()] = plain(it.Value().Interface())
		}
		return out
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return x
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = plain(v.Index(i).Interface())
		}
		return out
	}
	return v.Interface()
}
