package sqlite

import (
	"bytes"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestWithElement: the write-back of match keys replaces one element in
// place (or appends it) and keeps every other element's bytes, fields this
// build does not know included.
func TestWithElement(t *testing.T) {
	type keys struct {
		V int `bson:"v"`
	}
	for _, tc := range []struct {
		name string
		doc  bson.D
		want bson.D
	}{
		{"replaced in place",
			bson.D{{Key: "_id", Value: "a"}, {Key: "match", Value: bson.D{{Key: "v", Value: 1}, {Key: "x", Value: "old"}}}, {Key: "future", Value: bson.A{int64(1), 2.5}}},
			bson.D{{Key: "_id", Value: "a"}, {Key: "match", Value: bson.D{{Key: "v", Value: 3}}}, {Key: "future", Value: bson.A{int64(1), 2.5}}}},
		{"appended",
			bson.D{{Key: "_id", Value: "b"}, {Key: "name", Value: "甲"}},
			bson.D{{Key: "_id", Value: "b"}, {Key: "name", Value: "甲"}, {Key: "match", Value: bson.D{{Key: "v", Value: 3}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := bson.Marshal(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			got, err := withElement(doc, "match", keys{V: 3})
			if err != nil {
				t.Fatal(err)
			}
			want, err := bson.Marshal(tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("got %v, want %v", bson.Raw(got), bson.Raw(want))
			}
		})
	}
	if _, err := withElement([]byte{5, 0, 0}, "match", keys{}); err == nil {
		t.Error("a truncated document: no error")
	}
}
