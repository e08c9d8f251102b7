package segment_test

import (
	"testing"

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

// TestBriefAgrees checks that a lean filter matches a read model's Partial
// customer (with its Brief) exactly as the whole document, on random trees
// over the demo data, and that the trees reading interaction summaries are
// the ones reported not lean.
func TestBriefAgrees(t *testing.T) {
	t.Parallel()
	docs := demoData()
	leans := make([]*crm.Customer, len(docs))
	for i, c := range docs {
		leans[i] = briefed(t, c)
	}
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
