package segment

import (
	"fmt"
	"slices"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Program is a compiled filter: a tree of closures over the document,
// resolved against one Options (now, time zone, me). It is immutable and safe
// for concurrent use; Match does not allocate.
type Program struct {
	match func(*crm.Customer) bool
	lean  bool
	reads crm.Parts // of a customer with a Brief, besides it
}

// Match reports whether the customer matches. It reads the nested arrays a
// filter quantifies over (see ArraysOf) from the document, or from the
// customer's Brief when it has one (a read model's Partial customer; see
// Lean).
func (p *Program) Match(c *crm.Customer) bool { return p.match(c) }

// Lean reports whether Match reads nothing a read model's Partial customer
// with its Brief lacks (it reads no interaction summary).
func (p *Program) Lean() bool { return p.lean }

// Reads returns the parts of a customer with a Brief (crm.Parts) that
// Match reads besides the Brief: the compiler notes the part of every
// customer field a condition reads (its Stats or its other fields), the
// Stats that answer "some interaction (deal) in a window", the owner a
// viewer's mask reads; a filter that reads the document's arrays reads
// every part. TestReadsOnlyItsParts checks it against customers whose
// other parts hold garbage.
func (p *Program) Reads() crm.Parts { return p.reads }

// Compile validates the tree and compiles it for Match. Errors:
// BAD_USER_INPUT (invalid tree; a range that is impossible once resolved;
// me without Options.Me), INTERNAL (a relative time without Options.Now).
func Compile(n Node, o Options) (*Program, error) {
	if err := Validate(n); err != nil {
		return nil, err
	}
	problems := crm.NewProblems()
	c := &compiler{r: newResolver(o), p: problems, brief: briefable(n)}
	fn := compileNode[crm.Customer](c, n, Customer, problems.At("where"))
	if c.r.failed != nil {
		return nil, crm.Internal(c.r.failed)
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return &Program{match: fn, lean: c.brief, reads: c.reads}, nil
}

// briefable reports whether every nested field the tree reads is in a
// crm.Brief.
func briefable(n Node) bool {
	for _, f := range FieldsOf(n) {
		if f.Scope != Customer && f.brief == nil {
			return false
		}
	}
	return true
}

// ArraysOf lists the nested arrays a tree reads, in catalog order.
func ArraysOf(n Node) []Array {
	seen := map[Array]bool{}
	walk(n, func(n Node, _ Array) bool {
		switch n := n.(type) {
		case Quant:
			seen[n.Array] = true
		case Agg:
			seen[n.Array] = true
		case Cond:
			if n.Field == "search" {
				seen[Contacts] = true
			}
		}
		return true
	})
	var out []Array
	for _, a := range Arrays() {
		if seen[a] {
			out = append(out, a)
		}
	}
	return out
}

// FieldsOf lists the catalog fields a tree reads, customer fields first,
// each once (search reads name, code and the contacts' names). A read model
// that keeps a lean copy of the nested arrays can tell from it whether the
// copy suffices for a filter.
func FieldsOf(n Node) []Field {
	type key struct {
		scope Array
		name  string
	}
	seen := map[key]bool{}
	walk(n, func(n Node, scope Array) bool {
		switch n := n.(type) {
		case Agg:
			if n.Fn == Sum || n.Fn == Change {
				seen[key{n.Array, arrays[n.Array].sum}] = true
			}
		case Cond:
			seen[key{scope, n.Field}] = true
			if n.Field == "search" && scope == Customer {
				seen[key{Customer, "name"}] = true
				seen[key{Customer, "code"}] = true
				seen[key{Contacts, "name"}] = true
			}
		}
		return true
	})
	var out []Field
	for _, f := range catalog {
		if seen[key{f.Scope, f.Name}] {
			out = append(out, f)
		}
	}
	return out
}

// walk calls visit on every node of the tree, depth first, within the
// bounds, with the array its conditions are on (Customer at the root, the
// quantifier's or figure's array inside one); when visit returns false the
// node's children are skipped.
func walk(n Node, visit func(n Node, scope Array) bool) {
	var rec func(Node, Array, int)
	rec = func(n Node, scope Array, depth int) {
		if n == nil || depth > MaxDepth+1 || !visit(n, scope) {
			return
		}
		switch n := n.(type) {
		case And:
			for _, c := range n.Nodes {
				rec(c, scope, depth+1)
			}
		case Or:
			for _, c := range n.Nodes {
				rec(c, scope, depth+1)
			}
		case Not:
			rec(n.Node, scope, depth+1)
		case Quant:
			rec(n.Where, n.Array, depth+1)
		case Agg:
			if n.Fn == Change {
				current, earlier := n.changeWindows()
				rec(current, n.Array, depth+1)
				rec(earlier, n.Array, depth+1)
			}
			rec(n.Where, n.Array, depth+1)
		}
	}
	rec(n, Customer, 1)
}

type compiler struct {
	r     *resolver
	p     crm.Problems
	brief bool         // also compile the nested conditions for a crm.Brief
	texts *textBinding // answers the text conditions on a crm.Brief (Filter.Bind)
	// mask, when set, tells the customers whose free texts are read
	// masked (Filter.ForViewer); masked is set while compiling that variant.
	mask   func(*crm.Customer) bool
	masked bool
	reads  crm.Parts // what the compiled closures read of a customer (Program.Reads)
}

// accessor returns f's accessor for elements of type T: the brief one for
// the crm.Brief element types.
func accessor[T any](f *Field) any {
	var z T
	switch any(&z).(type) {
	case *crm.BriefContact, *crm.BriefInteraction, *crm.BriefNeed, *crm.BriefDeal, *crm.BriefSatisfaction, *crm.BriefStageChange, *crm.BriefServiceRequest, *crm.BriefTask:
		return f.brief
	}
	return f.get
}

type pred[T any] func(*T) bool

func yes[T any](*T) bool { return true }
func no[T any](*T) bool  { return false }

// compileNode compiles a validated node of scope (the customer when T is
// crm.Customer, else the element type of the array).
func compileNode[T any](c *compiler, n Node, scope Array, p crm.Problems) pred[T] {
	switch n := n.(type) {
	case nil:
		return yes[T]
	case And:
		fs := make([]pred[T], len(n.Nodes))
		for i, x := range n.Nodes {
			fs[i] = compileNode[T](c, x, scope, p.Index("and", i))
		}
		switch len(fs) {
		case 0:
			return yes[T]
		case 1:
			return fs[0]
		case 2:
			a, b := fs[0], fs[1]
			return func(x *T) bool { return a(x) && b(x) }
		}
		return func(x *T) bool {
			for _, f := range fs {
				if !f(x) {
					return false
				}
			}
			return true
		}
	case Or:
		fs := make([]pred[T], len(n.Nodes))
		for i, x := range n.Nodes {
			fs[i] = compileNode[T](c, x, scope, p.Index("or", i))
		}
		switch len(fs) {
		case 0:
			return no[T]
		case 1:
			return fs[0]
		case 2:
			a, b := fs[0], fs[1]
			return func(x *T) bool { return a(x) || b(x) }
		}
		return func(x *T) bool {
			for _, f := range fs {
				if f(x) {
					return true
				}
			}
			return false
		}
	case Not:
		f := compileNode[T](c, n.Node, scope, p.At("not"))
		return func(x *T) bool { return !f(x) }
	case Cond:
		return compileCond[T](c, n, scope, p)
	case Quant, Agg:
		// Validation allows them at the customer scope only.
		f, _ := any(c.nested(n, p)).(pred[T])
		return f
	}
	panic(fmt.Sprintf("segment: unknown node %T", n))
}

// nested compiles a quantifier or a windowed figure. With c.brief it
// compiles it twice, for the document's arrays and for its Brief, and picks
// by the customer at run time.
func (c *compiler) nested(n Node, p crm.Problems) pred[crm.Customer] {
	plain := c.nestedAny(n, p)
	if c.mask == nil {
		return plain
	}
	c.reads |= crm.PartProfile // the mask reads the owner and collaborators
	// For a viewer (Filter.ForViewer): the texts of the customers it masks
	// are read masked.
	c.masked = true
	masked := c.nestedAny(n, crm.NewProblems())
	c.masked = false
	mask := c.mask
	return func(x *crm.Customer) bool {
		if mask(x) {
			return masked(x)
		}
		return plain(x)
	}
}

func (c *compiler) nestedAny(n Node, p crm.Problems) pred[crm.Customer] {
	full := c.nestedOn(n, p, false)
	if !c.brief {
		c.reads |= crm.AllParts // the document's arrays
		return full
	}
	// The same tree: the problems it has were reported by the first pass.
	var brief pred[crm.Customer]
	if k, ok := someText(n); ok && c.texts != nil {
		// interactions.some(summary ...): answered per customer.
		i, m := c.texts.keys[k+someSuffix(c.masked)], c.texts.m
		brief = func(x *crm.Customer) bool { return m.Any(i, x) }
	} else {
		brief = c.nestedOn(n, crm.NewProblems(), true)
	}
	if lo, hi, span, search, ok := c.someInWindow(n); ok {
		c.reads |= crm.PartStats
		// Some interaction (deal) in a time window. The customer's first
		// and last times (its stats, computed from the same elements at
		// every write) answer for most customers without touching the
		// brief: all before or after the window, or one of them in it.
		// Otherwise a search of the brief from the end nearer the window
		// (anyIn; a scan when its elements are not in time order).
		brief = func(x *crm.Customer) bool {
			first, last, any := span(x)
			switch {
			case !any || last < lo || first > hi:
				return false
			case first >= lo || last <= hi:
				return true
			}
			return search(x.Brief, lo, hi, last-hi <= lo-first)
		}
	}
	return func(x *crm.Customer) bool {
		if x.Brief != nil {
			return brief(x)
		}
		return full(x)
	}
}

// anyIn reports whether xs, in the order of their times (at), has an
// element whose time lies in [lo, hi]. It reads the elements from one end
// (fromEnd: the last, else the first; the caller picks the end nearer the
// window, from the customer's first and last times, which its stats hold:
// for most windows a KPI or a segment asks about, the recent past): that
// element answers when it is in the window or beyond it, else a galloping
// search from it finds the element next to the window. The search reads
// the elements near that end, a cache line or two, where a binary search
// from the middle would touch one line a step (the briefs of a large read
// model are not in the CPU caches), and it does not read the other end.
// The answer is exact whichever end it starts from.
func anyIn[T any](xs []T, at func(*T) int64, lo, hi int64, fromEnd bool) bool {
	n := len(xs)
	if n == 0 {
		return false
	}
	if fromEnd {
		// The last element at or before hi decides.
		if last := at(&xs[n-1]); last <= hi {
			return last >= lo
		}
		after, step := n-1, 1 // an index known to be after hi
		k := n - 1 - step
		for k > 0 && at(&xs[k]) > hi {
			after, step = k, step*2
			k = n - 1 - step
		}
		// The answer is at i unless no element is at or before hi (then
		// i is 0, after hi too).
		i, j := max(k, 0), after
		for j-i > 1 {
			h := int(uint(i+j) >> 1)
			if at(&xs[h]) > hi {
				j = h
			} else {
				i = h
			}
		}
		x := at(&xs[i])
		return x >= lo && x <= hi
	}
	// The first element at or after lo decides.
	if first := at(&xs[0]); first >= lo {
		return first <= hi
	}
	before, step := 0, 1 // an index known to be before lo
	k := step
	for k < n-1 && at(&xs[k]) < lo {
		before, step = k, step*2
		k = step
	}
	// The answer is at j unless no element is at or after lo (then j is
	// n-1, before lo too).
	i, j := before, min(k, n-1)
	for j-i > 1 {
		h := int(uint(i+j) >> 1)
		if at(&xs[h]) < lo {
			i = h
		} else {
			j = h
		}
	}
	x := at(&xs[j])
	return x >= lo && x <= hi
}

// someInWindow recognises a quantifier "some interaction (deal) whose time
// lies in a window" and returns the window [lo, hi] in Unix ms, the
// customer's first and last such time from its stats, and the search for
// such an element in a brief (crm.Brief.NoteTimeOrder).
func (c *compiler) someInWindow(n Node) (lo, hi int64, span func(*crm.Customer) (first, last int64, any bool), search func(b *crm.Brief, lo, hi int64, fromEnd bool) bool, ok bool) {
	q, isQuant := n.(Quant)
	if !isQuant || q.Q != Some {
		return
	}
	cond, isCond := q.Where.(Cond)
	if !isCond {
		return
	}
	switch cond.Op {
	case Eq, Gt, Gte, Lt, Lte, Between:
	default:
		return
	}
	switch {
	case q.Array == Interactions && cond.Field == "at":
		span = func(x *crm.Customer) (int64, int64, bool) {
			return x.Stats.FirstInteractionAt.UnixMilli(), x.Stats.LastInteractionAt.UnixMilli(), x.Stats.InteractionCount > 0
		}
		search = func(b *crm.Brief, lo, hi int64, fromEnd bool) bool {
			xs := b.Interactions
			if !b.InteractionsInTimeOrder() {
				return slices.ContainsFunc(xs, func(x crm.BriefInteraction) bool { return x.At >= lo && x.At <= hi })
			}
			return anyIn(xs, func(x *crm.BriefInteraction) int64 { return x.At }, lo, hi, fromEnd)
		}
	case q.Array == Deals && cond.Field == "date":
		span = func(x *crm.Customer) (int64, int64, bool) {
			return x.Stats.FirstDealOn.UnixMilli(), x.Stats.LastDealOn.UnixMilli(), x.Stats.DealCount > 0
		}
		search = func(b *crm.Brief, lo, hi int64, fromEnd bool) bool {
			xs := b.Deals
			if !b.DealsInTimeOrder() {
				return slices.ContainsFunc(xs, func(x crm.BriefDeal) bool { return x.Date >= lo && x.Date <= hi })
			}
			return anyIn(xs, func(x *crm.BriefDeal) int64 { return x.Date }, lo, hi, fromEnd)
		}
	default:
		return
	}
	f := lookup(q.Array, cond.Field)
	if f.Kind != KindTime && f.Kind != KindDate {
		return 0, 0, nil, nil, false
	}
	lo, hi = interval(c.r.bounds(f, cond.Op, cond.Value))
	return lo, hi, span, search, true
}

func (c *compiler) nestedOn(n Node, p crm.Problems, brief bool) pred[crm.Customer] {
	var a Array
	switch n := n.(type) {
	case Quant:
		a = n.Array
	case Agg:
		a = n.Array
	}
	switch {
	case a == Contacts && brief:
		return onArray(c, n, p, func(x *crm.Customer) []crm.BriefContact { return x.Brief.Contacts }, nil)
	case a == Contacts:
		return onArray(c, n, p, func(x *crm.Customer) []crm.Contact { return x.Contacts }, nil)
	case a == Interactions && brief:
		return onArray(c, n, p, func(x *crm.Customer) []crm.BriefInteraction { return x.Brief.Interactions }, nil)
	case a == Interactions:
		return onArray(c, n, p, func(x *crm.Customer) []crm.Interaction { return x.Interactions }, nil)
	case a == Needs && brief:
		return onArray(c, n, p, func(x *crm.Customer) []crm.BriefNeed { return x.Brief.Needs }, nil)
	case a == Needs:
		return onArray(c, n, p, func(x *crm.Customer) []crm.Need { return x.Needs }, nil)
	case a == Deals && brief:
		return onArray(c, n, p, func(x *crm.Customer) []crm.BriefDeal { return x.Brief.Deals },
			func(d *crm.BriefDeal) crm.Money { return d.Amount })
	case a == Deals:
		return onArray(c, n, p, func(x *crm.Customer) []crm.Deal { return x.Deals },
			func(d *crm.Deal) crm.Money { return d.Amount })
	case a == Satisfaction && brief:
		return onArray(c, n, p, func(x *crm.Customer) []crm.BriefSatisfaction { return x.Brief.Satisfaction }, nil)
	case a == Satisfaction:
		return onArray(c, n, p, func(x *crm.Customer) []crm.Satisfaction { return x.Satisfaction }, nil)
	case a == StageHistory && brief:
		return onArray(c, n, p, func(x *crm.Customer) []crm.BriefStageChange { return x.Brief.Stages }, nil)
	case a == StageHistory:
		return onArray(c, n, p, func(x *crm.Customer) []crm.StageChange { return x.StageHistory }, nil)
	case a == ServiceRequests && brief:
		return onArray(c, n, p, func(x *crm.Customer) []crm.BriefServiceRequest { return x.Brief.Services }, nil)
	case a == ServiceRequests:
		return onArray(c, n, p, func(x *crm.Customer) []crm.ServiceRequest { return x.ServiceRequests }, nil)
	case a == Tasks && brief:
		return onArray(c, n, p, func(x *crm.Customer) []crm.BriefTask { return x.Brief.Tasks }, nil)
	case a == Tasks:
		return onArray(c, n, p, func(x *crm.Customer) []crm.Task { return x.Tasks }, nil)
	}
	panic(fmt.Sprintf("segment: unknown nested node %T", n))
}

// onArray compiles a quantifier or a windowed figure over the elements arr
// returns (of type E: a document's or a brief's); amount is what Sum adds
// up (nil for arrays without Sum).
func onArray[E any](c *compiler, n Node, p crm.Problems, arr func(*crm.Customer) []E, amount func(*E) crm.Money) pred[crm.Customer] {
	switch n := n.(type) {
	case Quant:
		return quant(n.Q, compileNode[E](c, n.Where, n.Array, p.At(string(n.Array)).At(string(n.Q))), arr)
	case Agg:
		if n.Fn == Change && amount != nil {
			current, earlier := changePreds[E](c, n, p)
			v := intOf(n.Value)
			return func(x *crm.Customer) bool {
				cur, earl := windowSums(arr(x), current, earlier, amount)
				return changeHolds(n.Op, int64(cur), int64(earl), v)
			}
		}
		w := compileNode[E](c, n.Where, n.Array, p.At(string(n.Array)).At(string(n.Fn)).At("where"))
		lo, hi := intRange(n.Op, n.Value)
		test := func(v int64) bool { return v >= lo && v <= hi }
		if n.Fn == Sum && amount != nil {
			return sum(w, arr, amount, test)
		}
		return count(w, arr, test)
	}
	panic(fmt.Sprintf("segment: unknown nested node %T", n))
}

// changePreds compiles the windows of a Change.
func changePreds[E any](c *compiler, n Agg, p crm.Problems) (current, earlier pred[E]) {
	cw, ew := n.changeWindows()
	pw := p.At(string(n.Array)).At(string(n.Fn)).At("window")
	return compileNode[E](c, cw, n.Array, pw), compileNode[E](c, ew, n.Array, pw)
}

func sum[E any](w pred[E], arr func(*crm.Customer) []E, amount func(*E) crm.Money, test func(int64) bool) pred[crm.Customer] {
	return func(x *crm.Customer) bool {
		es := arr(x)
		var s int64
		for i := range es {
			if w(&es[i]) {
				s += int64(amount(&es[i]))
			}
		}
		return test(s)
	}
}

func quant[E any](q Quantifier, w pred[E], arr func(*crm.Customer) []E) pred[crm.Customer] {
	switch q {
	case Some:
		return func(x *crm.Customer) bool {
			es := arr(x)
			for i := range es {
				if w(&es[i]) {
					return true
				}
			}
			return false
		}
	case None:
		return func(x *crm.Customer) bool {
			es := arr(x)
			for i := range es {
				if w(&es[i]) {
					return false
				}
			}
			return true
		}
	default: // Every
		return func(x *crm.Customer) bool {
			es := arr(x)
			for i := range es {
				if !w(&es[i]) {
					return false
				}
			}
			return true
		}
	}
}

func count[E any](w pred[E], arr func(*crm.Customer) []E, test func(int64) bool) pred[crm.Customer] {
	return func(x *crm.Customer) bool {
		es := arr(x)
		var n int64
		for i := range es {
			if w(&es[i]) {
				n++
			}
		}
		return test(n)
	}
}

func compileCond[T any](c *compiler, n Cond, scope Array, p crm.Problems) pred[T] {
	f := lookup(scope, n.Field)
	if scope == Customer {
		c.reads |= f.part()
	}
	switch f.Kind {
	case KindSearch:
		m := newMatcher(string(n.Value.(String)), false)
		fn := func(x *crm.Customer) bool {
			if m.match(x.Name) || m.match(x.Code) {
				return true
			}
			if x.Brief != nil {
				for i := range x.Brief.Contacts {
					if m.match(x.Brief.Contacts[i].Name) {
						return true
					}
				}
				return false
			}
			for i := range x.Contacts {
				if m.match(x.Contacts[i].Name) {
					return true
				}
			}
			return false
		}
		r, _ := any(pred[crm.Customer](fn)).(pred[T])
		return r
	case KindString, KindEnum, KindOwner:
		if get, ok := accessor[T](f).(func(*T) string); ok {
			if c.masked && f.brief == nil && f.Scope != Customer { // a free text, read masked
				g := get
				get = func(x *T) string { return crm.MaskFreeText(g(x)) }
			}
			return stringCond(c, get, n, p.At(n.Field))
		}
		// A brief-less text of a crm.BriefInteraction: isNull from the
		// brief (masking never empties a text), the rest from the store's
		// text index (Filter.Bind).
		if n.Op == IsNull {
			code, _ := textCode(f.Name)
			b := bool(n.Value.(Bool))
			return func(x *T) bool { return any(x).(*crm.BriefInteraction).HasText(code) != b }
		}
		i, m := c.texts.keys[textKey(f.Name, n, c.masked)], c.texts.m
		return func(x *T) bool { return m.Has(i, any(x).(*crm.BriefInteraction)) }
	case KindTags:
		return tagsCond(accessor[T](f).(func(*T) []string), n)
	case KindUsers:
		get := accessor[T](f).(func(*T) []string)
		if n.Op != Me {
			return tagsCond(get, n)
		}
		me := c.r.opts.Me
		if me == "" {
			p.At(n.Field).Add(string(n.Op), "needs a signed-in user")
		}
		among := func(x *T) bool {
			for _, u := range get(x) {
				if u == me {
					return true
				}
			}
			return false
		}
		if n.Value.(Bool) {
			return among
		}
		return func(x *T) bool { return !among(x) }
	case KindInt, KindMoney:
		if get, ok := accessor[T](f).(func(*T) int64); ok {
			if n.Op == Ne {
				v := intOf(n.Value)
				return func(x *T) bool { return get(x) != v }
			}
			lo, hi := intRange(n.Op, n.Value)
			return func(x *T) bool { v := get(x); return v >= lo && v <= hi }
		}
		// A nullable figure: absent never compares, but is not equal.
		get := accessor[T](f).(func(*T) (int64, bool))
		switch n.Op {
		case IsNull:
			b := bool(n.Value.(Bool))
			return func(x *T) bool { _, ok := get(x); return ok != b }
		case Ne:
			v := intOf(n.Value)
			return func(x *T) bool { m, ok := get(x); return !ok || m != v }
		}
		lo, hi := intRange(n.Op, n.Value)
		return func(x *T) bool { v, ok := get(x); return ok && v >= lo && v <= hi }
	case KindFloat:
		return floatCond(accessor[T](f).(func(*T) (float64, bool)), n)
	case KindTime, KindDate:
		get := accessor[T](f).(func(*T) (int64, bool))
		if n.Op == IsNull {
			b := bool(n.Value.(Bool))
			return func(x *T) bool { _, ok := get(x); return ok != b }
		}
		bs := c.r.bounds(f, n.Op, n.Value)
		lo, hi := interval(bs)
		if n.Op == Between && lo > hi {
			p.At(n.Field).Add(string(n.Op), "is an impossible range: from is after to")
		}
		return func(x *T) bool { v, ok := get(x); return ok && v >= lo && v <= hi }
	case KindBool:
		b := bool(n.Value.(Bool))
		if get, ok := accessor[T](f).(func(*T) (bool, bool)); ok { // absent: neither true nor false
			return func(x *T) bool { v, present := get(x); return present && v == b }
		}
		get := accessor[T](f).(func(*T) bool)
		return func(x *T) bool { return get(x) == b }
	}
	panic(fmt.Sprintf("segment: field %s of kind %s", f.Name, f.Kind))
}

func stringCond[T any](c *compiler, get func(*T) string, n Cond, p crm.Problems) pred[T] {
	switch n.Op {
	case Eq:
		v := string(n.Value.(String))
		return func(x *T) bool { return get(x) == v }
	case Ne:
		v := string(n.Value.(String))
		return func(x *T) bool { return get(x) != v }
	case In, NotIn:
		in := inSet(n.Value.(Strings))
		if n.Op == In {
			return func(x *T) bool { return in(get(x)) }
		}
		return func(x *T) bool { return !in(get(x)) }
	case Contains, StartsWith:
		m := newMatcher(string(n.Value.(String)), n.Op == StartsWith)
		return func(x *T) bool { return m.match(get(x)) }
	case IsNull:
		b := bool(n.Value.(Bool))
		return func(x *T) bool { return (get(x) == "") == b }
	case Me:
		me := c.r.opts.Me
		if me == "" {
			p.Add(string(n.Op), "needs a signed-in user")
		}
		if n.Value.(Bool) {
			return func(x *T) bool { return get(x) == me }
		}
		return func(x *T) bool { return get(x) != me }
	}
	panic("segment: string operator " + string(n.Op))
}

// inSet returns a membership test that does not allocate.
func inSet(vs Strings) func(string) bool {
	if len(vs) <= 8 {
		list := append([]string(nil), vs...)
		return func(s string) bool {
			for _, v := range list {
				if v == s {
					return true
				}
			}
			return false
		}
	}
	set := make(map[string]struct{}, len(vs))
	for _, v := range vs {
		set[v] = struct{}{}
	}
	return func(s string) bool { _, ok := set[s]; return ok }
}

func tagsCond[T any](get func(*T) []string, n Cond) pred[T] {
	switch n.Op {
	case IsEmpty:
		b := bool(n.Value.(Bool))
		return func(x *T) bool { return (len(get(x)) == 0) == b }
	case HasAll:
		want := append([]string(nil), n.Value.(Strings)...)
		return func(x *T) bool {
			tags := get(x)
		next:
			for _, w := range want {
				for _, t := range tags {
					if t == w {
						continue next
					}
				}
				return false
			}
			return true
		}
	}
	in := inSet(n.Value.(Strings))
	hasAny := func(x *T) bool {
		for _, t := range get(x) {
			if in(t) {
				return true
			}
		}
		return false
	}
	if n.Op == HasNone {
		return func(x *T) bool { return !hasAny(x) }
	}
	return hasAny
}

func floatCond[T any](get func(*T) (float64, bool), n Cond) pred[T] {
	if n.Op == IsNull {
		b := bool(n.Value.(Bool))
		return func(x *T) bool { _, ok := get(x); return ok != b }
	}
	if n.Op == Between {
		rg := n.Value.(Range)
		lo, hi := float64(rg.Lo.(Float)), float64(rg.Hi.(Float))
		return func(x *T) bool { v, ok := get(x); return ok && v >= lo && v <= hi }
	}
	v := float64(n.Value.(Float))
	switch n.Op {
	case Eq:
		return func(x *T) bool { f, ok := get(x); return ok && f == v }
	case Ne:
		return func(x *T) bool { f, ok := get(x); return !ok || f != v }
	case Gt:
		return func(x *T) bool { f, ok := get(x); return ok && f > v }
	case Gte:
		return func(x *T) bool { f, ok := get(x); return ok && f >= v }
	case Lt:
		return func(x *T) bool { f, ok := get(x); return ok && f < v }
	case Lte:
		return func(x *T) bool { f, ok := get(x); return ok && f <= v }
	}
	panic("segment: float operator " + string(n.Op))
}
