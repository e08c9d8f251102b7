package mongodb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/mongodb"
	"github.com/kehu-crm/kehu/internal/mongotest"
	"github.com/kehu-crm/kehu/internal/segment"
)

// TestFilterUsesIndexes asks MongoDB's query planner how compiled segment
// filters run: the conditions on indexed fields must be index scans, not
// collection scans. FerretDB v1 plans differently (it pushes filters into
// SQLite), so this runs on a real MongoDB only.
func TestFilterUsesIndexes(t *testing.T) {
	if mongotest.FerretDB() {
		t.Skip("query plans are MongoDB's: set " + mongotest.EnvURI + " to a real MongoDB to check them")
	}
	s := open(t, mongotest.NewDatabase(t))
	defer s.Close()
	ctx := context.Background()
	opts := segment.Options{Now: suiteNow, Loc: crm.DefaultLocation, Me: "u1"}
	for line, index := range map[string]string{
		"tier:A":                            "list_valueTier",
		"tag:高意向":                           "seg_tags",
		"interactions.some(at:<=30d)":       "seg_interactions.at",
		"deals.some(date:<=365d) stage:won": "",
	} {
		n, err := segment.Parse(line)
		if err != nil {
			t.Fatal(err)
		}
		filter, _, err := segment.ToMQL(n, opts)
		if err != nil {
			t.Fatal(err)
		}
		scoped := bson.D{{Key: "$and", Value: bson.A{bson.D{{Key: "archivedAt", Value: nil}}, filter}}}
		var plan bson.M
		err = s.Database().RunCommand(ctx, bson.D{{Key: "explain", Value: bson.D{
			{Key: "find", Value: crm.CollectionCustomers}, {Key: "filter", Value: scoped}}}}).Decode(&plan)
		if err != nil {
			t.Fatal(err)
		}
		text := fmt.Sprint(plan["queryPlanner"])
		if strings.Contains(text, "COLLSCAN") || !strings.Contains(text, "IXSCAN") || (index != "" && !strings.Contains(text, index)) {
			t.Errorf("%s: the plan is not an index scan on %s: %s", line, index, text)
		}
	}
}

// TestTextPrefilterUsesIndexes: the text index's prefilter of a summary
// filter is an index scan of the pieces (and of the version, for the
// documents whose pieces are not current). A real MongoDB only.
func TestTextPrefilterUsesIndexes(t *testing.T) {
	if mongotest.FerretDB() {
		t.Skip("query plans are MongoDB's: set " + mongotest.EnvURI + " to a real MongoDB to check them")
	}
	s := open(t, mongotest.NewDatabase(t))
	defer s.Close()
	ctx := context.Background()
	for _, masked := range []bool{false, true} {
		for _, line := range []string{"interactions.some(summary:*物流效率*)", "interactions.some(summary:*x*)"} {
			n, err := segment.Parse(line)
			if err != nil {
				t.Fatal(err)
			}
			f, err := segment.NewFilter(n, segment.Options{Now: suiteNow})
			if err != nil {
				t.Fatal(err)
			}
			var plan bson.M
			err = s.Database().RunCommand(ctx, bson.D{{Key: "explain", Value: bson.D{
				{Key: "find", Value: crm.CollectionCustomers}, {Key: "filter", Value: mongodb.TextPrefilter(f, masked)}}}}).Decode(&plan)
			if err != nil {
				t.Fatal(err)
			}
			text := fmt.Sprint(plan["queryPlanner"])
			if strings.Contains(text, "COLLSCAN") || !strings.Contains(text, "text_grams") || !strings.Contains(text, "text_gv") ||
				(masked && !strings.Contains(text, "text_mgrams")) {
				t.Errorf("%s (masked %v): the plan is not an index scan of the pieces: %s", line, masked, text)
			}
		}
	}
}
