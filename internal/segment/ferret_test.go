package segment_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/mongotest"
	. "github.com/kehu-crm/kehu/internal/segment"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

// TestMongoServer runs the compiled filters on a MongoDB server: a real one
// when KEHU_TEST_MONGODB_URI is set (every filter must run and agree with
// the evaluator), else FerretDB v1.24 embedded in the test process. There
// the filters without quantifiers and windowed figures must run and agree;
// the others are only counted: FerretDB rejects $expr ("operator $gte is
// not implemented yet") and $elemMatch with several conditions, and answers
// some single-condition $elemMatch wrongly (measured: ranges on dates and
// amounts match nothing, $not $elemMatch matches everything). mingo checks
// those constructs (TestMingoRandom).
func TestMongoServer(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: no MongoDB server")
	}
	uri := mongotest.URI(t)
	db := mongotest.NewDatabase(t)
	ferret := mongotest.FerretDB()
	// One context for every query of the test: a guard against a hung
	// server, not a timing (under -race on a loaded machine the whole run
	// takes minutes).
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	coll := client.Database(db).Collection("customers")

	// FerretDB decodes every document for every filter: keep them small.
	docs := evalCustomers()
	for _, c := range demoData()[:20] {
		small := *c
		small.Interactions = slices.Clone(small.Interactions[max(0, len(small.Interactions)-6):])
		for i := range small.Interactions {
			small.Interactions[i].Summary = ""
		}
		small.Notes, small.TierHistory = "", nil
		small.Recompute()
		docs = append(docs, &small)
	}
	var ins []any
	for _, c := range docs {
		ins = append(ins, c)
	}
	if _, err := coll.InsertMany(ctx, ins); err != nil {
		t.Fatal(err)
	}

	opts := Options{Now: testNow, Me: buildVocab(docs).me}
	byID := map[string]*crm.Customer{}
	for _, c := range docs {
		byID[c.ID] = c
	}
	var cases []diffCase
	for _, c := range evalCases() {
		if !c.mingoDiffers {
			cases = append(cases, diffCase{c.name, c.tree})
		}
	}
	v := buildVocab(docs)
	g := newGen(99, v)
	mixed, scalar := 40, 150
	if raceEnabled {
		mixed, scalar = 20, 40
	}
	for i := range mixed {
		cases = append(cases, diffCase{fmt.Sprintf("random %d", i), g.tree()})
	}
	g = newGen(100, v)
	g.scalarOnly = true
	for i := range scalar {
		cases = append(cases, diffCase{fmt.Sprintf("random scalar %d", i), g.tree()})
	}
	type tally struct{ agree, differ, rejected int }
	tallies := map[string]*tally{}
	for _, c := range cases {
		p, err := Compile(c.tree, opts)
		if err != nil {
			t.Fatal(err)
		}
		want := matchIDs(p, docs)
		sort.Strings(want)
		filter, _, err := ToMQL(c.tree, opts)
		if err != nil {
			t.Fatal(err)
		}
		feature := features(c.tree)
		if tallies[feature] == nil {
			tallies[feature] = &tally{}
		}
		tl := tallies[feature]
		strict := !ferret || feature == "scalar"
		got, err := find(ctx, coll, filter)
		switch {
		case err != nil:
			tl.rejected++
			if strict {
				t.Errorf("%s: %v\nfilter: %s", c.name, err, ext(filter))
			}
		case !slices.Equal(got, want):
			tl.differ++
			if strict {
				t.Errorf("%s: the server matches %d customers, the evaluator %d\nonly server: %v\nonly evaluator: %v\nfilter: %s",
					c.name, len(got), len(want), minus(got, want), minus(want, got), ext(filter))
			}
		default:
			tl.agree++
		}
		if feature == "scalar" {
			continue // ScalarOnly changes nothing
		}
		// What a store on FerretDB does: push down the scalar part, then
		// keep what the evaluator accepts.
		filter, pushed, err := ToMQL(c.tree, Options{Now: opts.Now, Me: opts.Me, ScalarOnly: true})
		if err != nil || pushed != (feature == "scalar") {
			t.Fatalf("%s: ScalarOnly: pushed down %v, %v", c.name, pushed, err)
		}
		got, err = find(ctx, coll, filter)
		if err != nil {
			t.Errorf("%s: ScalarOnly: %v\nfilter: %s", c.name, err, ext(filter))
			continue
		}
		var kept []string
		for _, id := range got {
			if p.Match(byID[id]) {
				kept = append(kept, id)
			}
		}
		if len(minus(want, got)) > 0 || !slices.Equal(append([]string{}, kept...), want) {
			t.Errorf("%s: ScalarOnly: the server's %d customers do not hold the evaluator's %d\nfilter: %s", c.name, len(got), len(want), ext(filter))
		}
	}
	server := "MongoDB"
	if ferret {
		server = "FerretDB"
	}
	for _, f := range []string{"scalar", "$elemMatch", "$expr"} {
		if tl := tallies[f]; tl != nil {
			t.Logf("%s, filters with %s: %d agree with the evaluator, %d differ, %d rejected", server, f, tl.agree, tl.differ, tl.rejected)
		}
	}
}

// features names the most demanding construct of a tree: "$expr"
// (windowed figures), "$elemMatch" (quantifiers) or "scalar".
func features(n Node) string {
	out := "scalar"
	var rec func(Node)
	rec = func(n Node) {
		switch n := n.(type) {
		case And:
			for _, c := range n.Nodes {
				rec(c)
			}
		case Or:
			for _, c := range n.Nodes {
				rec(c)
			}
		case Not:
			rec(n.Node)
		case Quant:
			if out == "scalar" {
				out = "$elemMatch"
			}
		case Agg:
			out = "$expr"
		}
	}
	rec(n)
	return out
}

func find(ctx context.Context, coll *mongo.Collection, filter bson.D) ([]string, error) {
	cur, err := coll.Find(ctx, filter, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, err
	}
	ids := []string{}
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	return ids, nil
}
