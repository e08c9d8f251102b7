package segment_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
	. "github.com/kehu-crm/kehu/internal/segment"
)

// testNow is the clock of every test: the demo data is generated as of it.
var testNow = time.Date(2026, 11, 23, 10, 30, 15, 123_000_000, time.UTC)

// demoData returns the demo customers the differential tests run on: 300
// customers of the demo generator plus a few with Latin and Greek names
// (case folding) and empty optional fields. Each call returns a copy of its
// own: the tests run in parallel, and one that changes a customer (Recompute
// writes into its arrays) must not change another's.
func demoData() []*crm.Customer {
	docs := demoDocs()
	out := make([]*crm.Customer, len(docs))
	for i, doc := range docs {
		out[i] = new(crm.Customer)
		if err := bson.Unmarshal(doc, out[i]); err != nil {
			panic(err)
		}
	}
	return out
}

// demoDocs generates the demo customers once and keeps them encoded.
var demoDocs = sync.OnceValue(func() []bson.Raw {
	users := demo.Users(testNow)
	cs := demo.Customers(7, 300, testNow, users)
	extra := []string{"Café Müller GmbH", "ΣΟΦΙΑ Trading σοφία", "Örebro Åkeri AB", "北京ABC科技有限公司", "ǅemal İstanbul ıi"}
	for i, name := range extra {
		c := *cs[i]
		c.ID = fmt.Sprintf("%024x", 0xe0000+i)
		c.Code = fmt.Sprintf("X2026%02d%03d", i+1, i)
		c.Name = name
		switch i {
		case 0: // a bare customer: no owner, tier, tags or arrays
			c.OwnerID, c.ValueTier, c.IntentGrade, c.NeedType, c.Industry, c.Source = "", "", "", "", "", ""
			c.Lifecycle, c.CadenceDays = "", 0 // a customer stored before the rules kept them
			c.Tags, c.Contacts, c.Interactions, c.Needs, c.Deals, c.Satisfaction = []string{}, []crm.Contact{}, []crm.Interaction{}, []crm.Need{}, []crm.Deal{}, []crm.Satisfaction{}
			c.Recompute()
		case 1:
			c.Contacts = append([]crm.Contact{{ID: "k1", Name: "Σίσυφος", Title: "CEO"}}, c.Contacts...)
			c.Tags = append([]string{"VIP客户"}, c.Tags...)
		case 2:
			c.Contacts = []crm.Contact{{ID: "k2", Name: "Åsa Öberg", Title: "inköpschef", Role: crm.ContactRoleUser}}
		}
		cs = append(cs, &c)
	}
	docs := make([]bson.Raw, len(cs))
	for i, c := range cs {
		var err error
		if docs[i], err = bson.Marshal(c); err != nil {
			panic(err)
		}
	}
	return docs
})

// vocab holds values of every catalog field seen in the data, so random
// filters hit real values (and their boundaries) often.
type vocab struct {
	strs  map[string][]string // scope.field -> distinct strings
	nums  map[string][]float64
	times map[string][]time.Time
	me    string
}

func key(scope Array, name string) string { return string(scope) + "." + name }

func buildVocab(cs []*crm.Customer) *vocab {
	v := &vocab{strs: map[string][]string{}, nums: map[string][]float64{}, times: map[string][]time.Time{}}
	seen := map[string]map[string]bool{}
	addStr := func(k, s string) {
		if s == "" {
			return
		}
		if seen[k] == nil {
			seen[k] = map[string]bool{}
		}
		if !seen[k][s] {
			seen[k][s] = true
			v.strs[k] = append(v.strs[k], s)
		}
	}
	var addVal func(k string, x any)
	addVal = func(k string, x any) {
		switch x := x.(type) {
		case string:
			addStr(k, x)
		case int32:
			v.nums[k] = append(v.nums[k], float64(x))
		case int64:
			v.nums[k] = append(v.nums[k], float64(x))
		case float64:
			v.nums[k] = append(v.nums[k], x)
		case bson.DateTime:
			if t := x.Time(); t.Year() > 1 {
				v.times[k] = append(v.times[k], t.UTC())
			}
		case bson.A:
			for _, y := range x {
				addVal(k, y)
			}
		}
	}
	for _, c := range cs {
		raw, err := bson.Marshal(c)
		if err != nil {
			panic(err)
		}
		var doc bson.M
		if err := bson.Unmarshal(raw, &doc); err != nil {
			panic(err)
		}
		for _, f := range Fields() {
			if f.Kind == KindSearch {
				continue
			}
			k := key(f.Scope, f.Name)
			if f.Scope == Customer {
				addVal(k, at(doc, f.Path))
				continue
			}
			elems, _ := doc[string(f.Scope)].(bson.A)
			for _, el := range elems {
				addVal(k, at(el, f.Path))
			}
		}
		if c.OwnerID != "" && v.me == "" {
			v.me = c.OwnerID
		}
	}
	for _, s := range v.strs {
		sort.Strings(s)
	}
	return v
}

func at(doc any, path string) any {
	cur := doc
	for _, p := range strings.Split(path, ".") {
		switch m := cur.(type) {
		case bson.M:
			cur = m[p]
		case bson.D:
			cur = nil
			for _, e := range m {
				if e.Key == p {
					cur = e.Value
				}
			}
		default:
			return nil
		}
	}
	return cur
}

// gen makes random, valid trees.
type gen struct {
	r        *rand.Rand
	v        *vocab
	nodes    int
	maxDepth int
	// scalarOnly: no quantifiers or aggregates (what FerretDB runs right).
	scalarOnly bool
}

func newGen(seed uint64, v *vocab) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, seed^0x5e6)), v: v, maxDepth: 5}
}

func (g *gen) tree() Node {
	g.nodes = 0
	return g.node(Customer, 1)
}

func (g *gen) node(scope Array, depth int) Node {
	g.nodes++
	leaf := depth >= g.maxDepth || g.nodes > 40 || g.r.IntN(10) < 4+depth
	if leaf {
		if scope == Customer && !g.scalarOnly && g.r.IntN(4) == 0 {
			return g.nested()
		}
		return g.cond(scope)
	}
	switch g.r.IntN(7) {
	case 0, 1, 2:
		return And{Nodes: g.children(scope, depth)}
	case 3, 4:
		return Or{Nodes: g.children(scope, depth)}
	case 5:
		return Not{Node: g.node(scope, depth+1)}
	default:
		if scope == Customer && !g.scalarOnly {
			return g.nestedAt(depth)
		}
		return g.cond(scope)
	}
}

func (g *gen) children(scope Array, depth int) []Node {
	n := 2 + g.r.IntN(3)
	out := make([]Node, n)
	for i := range out {
		out[i] = g.node(scope, depth+1)
	}
	return out
}

func (g *gen) nested() Node { return g.nestedAt(g.maxDepth - 1) }

func (g *gen) nestedAt(depth int) Node {
	arr := Arrays()[g.r.IntN(len(Arrays()))]
	var where Node
	if g.r.IntN(8) > 0 {
		where = g.node(arr, max(depth+1, g.maxDepth-2))
	}
	if g.r.IntN(2) == 0 {
		return Quant{Array: arr, Q: []Quantifier{Some, None, Every}[g.r.IntN(3)], Where: where}
	}
	op := []Op{Eq, Gt, Gte, Lt, Lte}[g.r.IntN(5)]
	if arr == Deals && g.r.IntN(3) == 0 {
		windows := []Duration{{3, Months}, {6, Months}, {12, Months}, {1, Years}, {90, Days}, {365, Days}, {2, Weeks}}
		percents := []int64{-100, -50, -30, -1, 0, 1, 30, 50, 100, 300}
		return Agg{Array: arr, Fn: Change, Window: windows[g.r.IntN(len(windows))], Op: op, Value: Int(percents[g.r.IntN(len(percents))])}
	}
	if arr == Deals && g.r.IntN(2) == 0 {
		amounts := g.v.nums[key(Deals, "amount")]
		m := int64(amounts[g.r.IntN(len(amounts))]) * int64(1+g.r.IntN(3))
		if g.r.IntN(3) == 0 {
			m = 0
		}
		return Agg{Array: arr, Fn: Sum, Where: where, Op: op, Value: Money(m)}
	}
	return Agg{Array: arr, Fn: Count, Where: where, Op: op, Value: Int(g.r.IntN(6) * (1 + g.r.IntN(3)))}
}

func (g *gen) fieldsOf(scope Array) []Field {
	var out []Field
	for _, f := range Fields() {
		if f.Scope == scope {
			out = append(out, f)
		}
	}
	return out
}

func (g *gen) cond(scope Array) Node {
	fs := g.fieldsOf(scope)
	return g.condOn(fs[g.r.IntN(len(fs))])
}

// condOn makes a random condition on f.
func (g *gen) condOn(f Field) Node {
	ops := f.Ops()
	op := ops[g.r.IntN(len(ops))]
	if f.Kind == KindSearch {
		return Cond{Field: f.Name, Op: Contains, Value: String(g.fragment(g.pickStr(key(Customer, "name"))))}
	}
	return Cond{Field: f.Name, Op: op, Value: g.value(f, op)}
}

func (g *gen) pickStr(k string) string {
	list := g.v.strs[k]
	if len(list) == 0 || g.r.IntN(12) == 0 {
		return []string{"不存在的值", "x", "Zz", "é"}[g.r.IntN(4)]
	}
	return list[g.r.IntN(len(list))]
}

// fragment returns a random piece of s with its letters' case flipped at
// random (contains/startsWith are case-insensitive).
func (g *gen) fragment(s string) string {
	rs := []rune(s)
	i := g.r.IntN(len(rs))
	j := min(len(rs), i+1+g.r.IntN(4))
	return g.flip(string(rs[i:j]))
}

func (g *gen) flip(s string) string {
	var b strings.Builder
	for _, r := range s {
		if g.r.IntN(2) == 0 {
			if unicode.IsUpper(r) {
				r = unicode.ToLower(r)
			} else {
				r = unicode.ToUpper(r)
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (g *gen) value(f Field, op Op) Value {
	k := key(f.Scope, f.Name)
	switch op {
	case IsNull, IsEmpty, Me:
		return Bool(g.r.IntN(2) == 0)
	case In, NotIn, HasAny, HasAll, HasNone:
		n := 1 + g.r.IntN(3)
		var list Strings
		for range n {
			list = append(list, g.str(f, k))
		}
		return list
	case Contains:
		return String(g.fragment(g.str(f, k)))
	case StartsWith:
		s := []rune(g.str(f, k))
		return String(g.flip(string(s[:1+g.r.IntN(min(3, len(s)))])))
	case Between:
		form, unit := g.r.IntN(3), g.unit()
		lo, hi := g.scalarAs(f, Gte, form, unit), g.scalarAs(f, Lte, form, unit)
		if after(lo, hi) {
			lo, hi = hi, lo
		}
		return Range{Lo: lo, Hi: hi}
	}
	return g.scalar(f, op)
}

func (g *gen) str(f Field, k string) string {
	switch f.Kind {
	case KindEnum:
		return f.Enum[g.r.IntN(len(f.Enum))]
	case KindOwner, KindUsers:
		if g.r.IntN(5) == 0 {
			return g.v.me
		}
	}
	return g.pickStr(k)
}

func (g *gen) unit() Unit {
	units := []Unit{Days, Days, Days, Weeks, Months, Years}
	return units[g.r.IntN(len(units))]
}

// scalarAs returns a time operand of a form: 0 a date, 1 an instant, 2 a
// relative time in unit u.
func (g *gen) scalarAs(f Field, op Op, form int, u Unit) Value {
	if f.Kind != KindTime && f.Kind != KindDate {
		return g.scalar(f, op)
	}
	k := key(f.Scope, f.Name)
	ts := g.v.times[k]
	t := testNow.AddDate(0, 0, -g.r.IntN(800))
	if len(ts) > 0 && g.r.IntN(3) > 0 {
		t = ts[g.r.IntN(len(ts))]
	}
	loc := crm.DefaultLocation
	if f.Kind == KindDate {
		loc = time.UTC
	}
	switch {
	case op == Eq || form == 0 || (form == 1 && f.Kind == KindDate):
		return DateOf(t, loc)
	case form == 1:
		if g.r.IntN(3) == 0 {
			t = t.Add(time.Duration(g.r.IntN(3)-1) * time.Millisecond)
		}
		return At(t)
	}
	n := []int{0, 1, 7, 30, 45, 90, 180, 365, 500}[g.r.IntN(9)]
	switch u {
	case Weeks:
		n = n/7 + 1
	case Months:
		n = n/30 + 1
	case Years:
		n = 1 + g.r.IntN(2)
	}
	return Ago{N: n, Unit: u}
}

func (g *gen) scalar(f Field, op Op) Value {
	k := key(f.Scope, f.Name)
	switch f.Kind {
	case KindString, KindEnum, KindOwner:
		return String(g.str(f, k))
	case KindBool:
		return Bool(g.r.IntN(2) == 0)
	case KindInt, KindFloat, KindMoney:
		nums := g.v.nums[k]
		x := 0.0
		if len(nums) > 0 {
			x = nums[g.r.IntN(len(nums))]
		}
		if g.r.IntN(3) == 0 {
			x += float64(g.r.IntN(7) - 3)
		}
		x = max(x, 0)
		switch f.Kind {
		case KindInt:
			return Int(int64(x))
		case KindFloat:
			return Float(x)
		}
		return Money(int64(x))
	case KindTime, KindDate:
		return g.scalarAs(f, op, g.r.IntN(3), g.unit())
	}
	panic("no scalar for " + f.Name)
}

// after orders two operands of one range statically (for the generator).
func after(lo, hi Value) bool {
	switch a := lo.(type) {
	case Int:
		return a > hi.(Int)
	case Float:
		return a > hi.(Float)
	case Money:
		return a > hi.(Money)
	case String:
		return false
	}
	t1, ok1 := approxTime(lo)
	t2, ok2 := approxTime(hi)
	return ok1 && ok2 && t1.After(t2)
}

func approxTime(v Value) (time.Time, bool) {
	switch x := v.(type) {
	case Instant:
		return x.Time, true
	case Date:
		return time.Date(x.Year, x.Month, x.Day, 12, 0, 0, 0, time.UTC), true
	case Ago:
		switch x.Unit {
		case Days:
			return testNow.AddDate(0, 0, -x.N), true
		case Weeks:
			return testNow.AddDate(0, 0, -7*x.N), true
		case Months:
			return testNow.AddDate(0, -x.N, 0), true
		case Years:
			return testNow.AddDate(-x.N, 0, 0), true
		}
	}
	return time.Time{}, false
}

// stats describes a set of trees, to show the random filters cover what
// they should.
type treeStats struct{ quant, agg, not, or, search, cond int }

func (s *treeStats) add(n Node) {
	var rec func(Node)
	rec = func(n Node) {
		switch n := n.(type) {
		case And:
			for _, c := range n.Nodes {
				rec(c)
			}
		case Or:
			s.or++
			for _, c := range n.Nodes {
				rec(c)
			}
		case Not:
			s.not++
			rec(n.Node)
		case Cond:
			s.cond++
			if n.Field == "search" {
				s.search++
			}
		case Quant:
			s.quant++
			rec(n.Where)
		case Agg:
			s.agg++
			rec(n.Where)
		}
	}
	rec(n)
}
