package mongodb_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/mongotest"
)

// TestMergeIndexes: Open creates the merges' indexes (by time, and by
// survivor and by the others, each then by time for List's order), once
// however often it runs.
func TestMergeIndexes(t *testing.T) {
	db := mongotest.NewDatabase(t)
	ctx := context.Background()
	for range 2 {
		s := open(t, db)
		cur, err := s.Database().Collection(crm.CollectionMerges).Indexes().List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var idx []struct {
			Name string `bson:"name"`
			Key  bson.D `bson:"key"`
		}
		if err := cur.All(ctx, &idx); err != nil {
			t.Fatal(err)
		}
		_ = s.Close()
		var got []string
		for _, i := range idx {
			var keys []string
			for _, k := range i.Key {
				keys = append(keys, k.Key)
			}
			got = append(got, fmt.Sprintf("%s%v", i.Name, keys))
		}
		slices.Sort(got)
		if want := "[_id_[_id] merges_at[at _id] merges_others[others at _id] merges_survivor[survivor at _id]]"; fmt.Sprint(got) != want {
			t.Fatalf("indexes %v, want %s", got, want)
		}
	}
}
