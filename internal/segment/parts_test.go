package segment_test

import (
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/crmtest"
	. "github.com/kehu-crm/kehu/internal/segment"
)

// TestReadsOnlyItsParts: a store's scan builds only the parts of a
// read-model customer a filter declares it reads (crm.PartsOf), leaving
// whatever an earlier customer held in the others. On random lean trees
// over the demo data, each filter must match a customer whose other parts
// hold garbage exactly as the customer itself: one condition on a field
// of an undeclared part, a window answered from undeclared Stats, and the
// match differs.
func TestReadsOnlyItsParts(t *testing.T) {
	t.Parallel()
	docs := demoData()
	leans := briefedAll(t, docs)
	v := buildVocab(docs)
	opts := Options{Now: testNow, Me: v.me}
	check := func(name string, tree Node) (reads crm.Parts, ok bool) {
		f, err := NewFilter(tree, opts)
		if err != nil || !f.Lean() {
			return 0, false // an impossible range the generator made; summaries are read from documents
		}
		reads = crm.PartsOf(f)
		for _, c := range leans {
			if got, want := f.Match(crmtest.Garble(c, reads)), f.Match(c); got != want {
				t.Fatalf("%s on %s: %v with only the parts %05b built, %v with all\n%#v", name, c.Code, got, reads, want, tree)
			}
		}
		return reads, true
	}
	// Every customer field alone, with each of its operators.
	g := newGen(20261207, v)
	for _, fld := range Fields() {
		if fld.Scope != Customer {
			continue
		}
		for range 3 * len(fld.Ops()) {
			check("field "+fld.Name, g.condOn(fld))
		}
	}
	// Random trees: count those that read fewer than every part, so that
	// a test of nothing cannot pass.
	var trees, noStats, noProfile, noRecord, briefOnly int
	for i := range 1500 {
		reads, ok := check("tree", g.tree())
		if !ok {
			continue
		}
		trees++
		if reads&crm.PartStats == 0 {
			noStats++
		}
		if reads&crm.PartProfile == 0 {
			noProfile++
		}
		if reads&crm.PartRecord == 0 {
			noRecord++
		}
		if reads == 0 {
			briefOnly++
		}
		if reads&(crm.PartMatch|crm.PartClass|crm.PartWork) != 0 {
			t.Fatalf("tree %d reads parts %05b: no filter field is in Match, Class or the work lists", i, reads)
		}
	}
	t.Logf("%d lean trees: %d without the Stats, %d without the profile, %d without the record, %d reading only the Brief",
		trees, noStats, noProfile, noRecord, briefOnly)
	if trees < 800 || noStats < trees/10 || noProfile < trees/20 || noRecord < trees/10 || briefOnly == 0 {
		t.Fatalf("weak test: %d trees, %d without Stats, %d without the profile, %d without the record, %d only the Brief",
			trees, noStats, noProfile, noRecord, briefOnly)
	}
	// A filter that reads the documents' arrays reads every part.
	f, err := NewFilter(Quant{Array: Interactions, Q: Some, Where: Cond{Field: "summary", Op: Contains, Value: String("报价")}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if crm.PartsOf(f) != crm.AllParts {
		t.Fatalf("a filter on summaries reads %05b, want every part", crm.PartsOf(f))
	}
}
