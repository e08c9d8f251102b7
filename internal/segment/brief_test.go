package segment_test

import (
	"slices"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	. "github.com/kehu-crm/kehu/internal/segment"
)

// briefed returns c as a read model holds it: Partial, without nested
// arrays, with the Brief of them.
func briefed(t *testing.T, c *crm.Customer) *crm.Customer {
	t.Helper()
	b, ok := crm.BriefOf(c)
	if !ok {
		t.Fatalf("%s: no brief", c.Code)
	}
	lean := *c
	lean.Contacts, lean.Interactions, lean.Needs, lean.Deals, lean.Satisfaction, lean.StageHistory = nil, nil, nil, nil, nil, nil
	lean.Partial, lean.Brief = true, b
	return &lean
}

// briefedAll returns each of cs as a read model holds it (briefed).
func briefedAll(t *testing.T, cs []*crm.Customer) []*crm.Customer {
	t.Helper()
	out := make([]*crm.Customer, len(cs))
	for i, c := range cs {
		out[i] = briefed(t, c)
	}
	return out
}

// TestBriefAgrees checks that a lean filter matches a read model's Partial
// customer (with its Brief) exactly as the whole document, on random trees
// over the demo data, and that the trees reading interaction summaries are
// the ones reported not lean.
func TestBriefAgrees(t *testing.T) {
	t.Parallel()
	docs := demoData()
	leans := briefedAll(t, docs)
	g := newGen(20261124, buildVocab(docs))
	opts := Options{Now: testNow, Me: buildVocab(docs).me}
	var lean, notLean, separating int
	for i := range 800 {
		tree := g.tree()
		p, err := Compile(tree, opts)
		if err != nil {
			continue // an impossible range the generator made
		}
		readsSummary := false
		for _, f := range FieldsOf(tree) {
			if f.Scope == Interactions && f.Name == "summary" {
				readsSummary = true
			}
		}
		if p.Lean() == readsSummary {
			t.Fatalf("tree %d: Lean() = %v, reads summary = %v", i, p.Lean(), readsSummary)
		}
		if !p.Lean() {
			notLean++
			continue
		}
		lean++
		n := 0
		for j, c := range docs {
			want := p.Match(c)
			if got := p.Match(leans[j]); got != want {
				t.Fatalf("tree %d on %s: brief %v, document %v\n%#v", i, c.Code, got, want, tree)
			}
			if want {
				n++
			}
		}
		if n > 0 && n < len(docs) {
			separating++
		}
	}
	t.Logf("%d lean trees agree (%d separate the customers), %d read summaries", lean, separating, notLean)
	if lean < 400 || separating < lean/4 || notLean == 0 {
		t.Fatalf("weak test: %d lean trees, %d separating, %d not lean", lean, separating, notLean)
	}
}

// TestBriefUnknownEnum: a document with a channel this version does not
// know has no brief (the read model then reads the document).
func TestBriefUnknownEnum(t *testing.T) {
	c := *demoData()[0]
	c.Interactions = append([]crm.Interaction(nil), c.Interactions...)
	c.Interactions[0].Channel = "CARRIER_PIGEON"
	if _, ok := crm.BriefOf(&c); ok {
		t.Fatal("brief of an unknown channel")
	}
	c.Interactions[0].Channel = crm.ChannelVisit
	c.Interactions[0].KeyEvent = "MYSTERY"
	if _, ok := crm.BriefOf(&c); ok {
		t.Fatal("brief of an unknown key event")
	}
}

// TestSomeInWindowAgrees: "some interaction (deal) in a time window" is
// answered from the customer's first and last times unless the window lies
// between them; it must agree with the scan of the whole document for
// windows at, just before and just after each customer's first and last
// times, strictly between them, and of every operator.
func TestSomeInWindowAgrees(t *testing.T) {
	t.Parallel()
	docs := demoData()
	opts := Options{Now: testNow}
	var trees []Node
	for _, c := range docs[:60] {
		for _, arr := range []struct {
			a     Array
			field string
			times []time.Time
			step  time.Duration // the finest step of the field's operands
			value func(time.Time) Value
		}{
			{Interactions, "at", interactionTimes(c), time.Millisecond, func(t time.Time) Value { return Instant{t} }},
			{Deals, "date", dealDates(c), 24 * time.Hour, func(t time.Time) Value { return DateOf(t, time.UTC) }},
		} {
			if len(arr.times) == 0 {
				continue
			}
			first, last, d := arr.times[0], arr.times[len(arr.times)-1], arr.step
			mid := first.Add(last.Sub(first) / 2)
			for _, w := range [][2]time.Time{
				{first, first}, {first.Add(-d), first.Add(-d)}, {first.Add(d), last.Add(-d)}, {last.Add(d), last.Add(48 * time.Hour)},
				{first.Add(-48 * time.Hour), first.Add(-d)}, {mid, mid.Add(d)}, {mid.Add(-24 * time.Hour), mid}, {last, last},
			} {
				if w[1].Before(w[0]) {
					continue
				}
				for _, cond := range []Cond{
					{Field: arr.field, Op: Between, Value: Range{Lo: arr.value(w[0]), Hi: arr.value(w[1])}},
					{Field: arr.field, Op: Gte, Value: arr.value(w[0])},
					{Field: arr.field, Op: Lt, Value: arr.value(w[1])},
					{Field: arr.field, Op: Gt, Value: arr.value(w[1])},
					{Field: arr.field, Op: Lte, Value: arr.value(w[0])},
					{Field: arr.field, Op: Eq, Value: DateOf(w[0], time.UTC)},
				} {
					trees = append(trees, Quant{Array: arr.a, Q: Some, Where: cond})
				}
			}
		}
	}
	// And the same customers with their arrays out of time order (the
	// brief then scans them).
	for _, c := range docs[:30] {
		x := *c
		x.Interactions, x.Deals = slices.Clone(c.Interactions), slices.Clone(c.Deals)
		slices.Reverse(x.Interactions)
		slices.Reverse(x.Deals)
		docs = append(docs, &x)
	}
	leans := briefedAll(t, docs)
	matched := 0
	for i, tree := range trees {
		p, err := Compile(tree, opts)
		if err != nil {
			t.Fatalf("tree %d: %v", i, err)
		}
		for j, c := range docs {
			want := p.Match(c)
			if got := p.Match(leans[j]); got != want {
				t.Fatalf("tree %d %#v on %s: brief %v, document %v", i, tree, c.Code, got, want)
			}
			if want {
				matched++
			}
		}
	}
	if matched == 0 || matched == len(trees)*len(docs) {
		t.Fatalf("weak test: %d of %d matches", matched, len(trees)*len(docs))
	}
}

func interactionTimes(c *crm.Customer) []time.Time {
	var out []time.Time
	for _, x := range c.Interactions {
		out = append(out, x.At)
	}
	return out
}

func dealDates(c *crm.Customer) []time.Time {
	var out []time.Time
	for _, x := range c.Deals {
		out = append(out, x.Date)
	}
	return out
}
