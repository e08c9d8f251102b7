package main

import (
	"context"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// TestVerifyFindsDifferences: verify reads both dumps side by side and
// tells a changed, a missing and an extra document apart, and a source
// that fails from one that is shorter.
func TestVerifyFindsDifferences(t *testing.T) {
	ctx := context.Background()
	type value struct {
		N int64 `bson:"n"`
	}
	store := func(t *testing.T, values map[string]int64) *sqlite.Store {
		t.Helper()
		s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		for k, v := range values {
			if err := s.Settings().Put(ctx, k, value{v}, 0); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	// Settings carry their write time: copy the source's documents.
	src := store(t, map[string]int64{"a": 1, "b": 2, "c": 3})
	copyOf := func(t *testing.T, change func(docs [][]byte) [][]byte) *sqlite.Store {
		t.Helper()
		var docs [][]byte
		if err := src.Dump(ctx, crm.CollectionSettings, func(d []byte) error { docs = append(docs, d); return nil }); err != nil {
			t.Fatal(err)
		}
		dst := store(t, nil)
		if docs = change(docs); len(docs) > 0 {
			if err := dst.Load(ctx, crm.CollectionSettings, docs); err != nil {
				t.Fatal(err)
			}
		}
		return dst
	}
	other := store(t, map[string]int64{"b": 2})
	var otherB []byte
	if err := other.Dump(ctx, crm.CollectionSettings, func(d []byte) error { otherB = d; return nil }); err != nil {
		t.Fatal(err)
	}
	extra := store(t, map[string]int64{"d": 4})
	var extraD []byte
	if err := extra.Dump(ctx, crm.CollectionSettings, func(d []byte) error { extraD = d; return nil }); err != nil {
		t.Fatal(err)
	}
	closed := store(t, nil)
	closed.Close()
	for _, tc := range []struct {
		name     string
		src, dst func(t *testing.T) crm.Store
		want     string // "" for no error
	}{
		{"same", func(*testing.T) crm.Store { return src },
			func(t *testing.T) crm.Store { return copyOf(t, func(d [][]byte) [][]byte { return d }) }, ""},
		{"changed", func(*testing.T) crm.Store { return src },
			func(t *testing.T) crm.Store {
				return copyOf(t, func(d [][]byte) [][]byte { d[1] = otherB; return d })
			}, "settings: document 1 differs"},
		{"missing", func(*testing.T) crm.Store { return src },
			func(t *testing.T) crm.Store { return copyOf(t, func(d [][]byte) [][]byte { return d[:2] }) },
			"only 2 documents arrived"},
		{"empty", func(*testing.T) crm.Store { return src },
			func(t *testing.T) crm.Store { return copyOf(t, func([][]byte) [][]byte { return nil }) },
			"only 0 documents arrived"},
		{"extra", func(*testing.T) crm.Store { return src },
			func(t *testing.T) crm.Store {
				return copyOf(t, func(d [][]byte) [][]byte { return append(d, extraD) })
			}, "the destination has more documents"},
		{"failing source", func(*testing.T) crm.Store { return closed },
			func(t *testing.T) crm.Store { return copyOf(t, func(d [][]byte) [][]byte { return d }) }, "closed"},
		{"failing source, empty destination", func(*testing.T) crm.Store { return closed },
			func(t *testing.T) crm.Store { return store(t, nil) }, "closed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := verify(ctx, tc.src(t), tc.dst(t), crm.CollectionSettings)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("verify: %v, want %q", err, tc.want)
			}
		})
	}
}
