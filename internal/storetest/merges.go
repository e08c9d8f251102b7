package storetest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// aMerge builds a merge of others into survivor, undone, with every field
// set: the customers before are complete documents (sample), each at a
// version of its own.
func aMerge(t *testing.T, id string, at time.Time, survivor string, others ...string) *crm.Merge {
	t.Helper()
	undone := at.Add(24 * time.Hour)
	m := &crm.Merge{ID: id, By: "u1", At: at, Survivor: survivor, Others: others,
		UndoneAt: &undone, UndoneBy: "u2",
		Kept: []crm.UndoKept{{ID: survivor, Code: "C202611001", Reason: crm.Reason("CHANGED_SINCE")}, {ID: "gone", Reason: crm.Reason("GONE")}}}
	for i, c := range append([]string{survivor}, others...) {
		doc, err := bson.Marshal(sample(i))
		if err != nil {
			t.Fatal(err)
		}
		m.Before = append(m.Before, crm.UndoBefore{ID: c, Version: int64(i) + 2, Doc: doc})
	}
	return m
}

// encodeMerge is the document a store keeps for m.
func encodeMerge(t *testing.T, m *crm.Merge) []byte {
	t.Helper()
	doc, err := bson.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// sameMerge asserts that got encodes to the bytes want does, and has the
// customers' documents before byte for byte.
func sameMerge(t *testing.T, want, got *crm.Merge) {
	t.Helper()
	if wb, gb := encodeMerge(t, want), encodeMerge(t, got); !bytes.Equal(wb, gb) {
		if len(wb)+len(gb) > 1<<16 {
			t.Fatalf("merge %s differs: %d bytes, want %d", want.ID, len(gb), len(wb))
		}
		t.Fatalf("merges differ:\nwant %v\n got %v", bson.Raw(wb), bson.Raw(gb))
	}
	for i := range want.Before {
		if !bytes.Equal(got.Before[i].Doc, want.Before[i].Doc) {
			t.Fatalf("merge %s: document before %d differs", want.ID, i)
		}
	}
}

// mustMerges asserts the ids List returns.
func mustMerges(t *testing.T, ms crm.MergeStore, customer string, limit int, want ...string) {
	t.Helper()
	list, err := ms.List(ctx(t), customer, limit)
	if err != nil {
		t.Fatalf("list %q %d: %v", customer, limit, err)
	}
	var got []string
	for _, m := range list {
		got = append(got, m.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("list %q %d: %v, want %v", customer, limit, got, want)
	}
}

// mergesVersioned adapts ms to the checks of versioned documents: the mark
// is who undid the merge, and the survivor c-<mark>.
func mergesVersioned(t *testing.T, ms crm.MergeStore) versioned[*crm.Merge] {
	return versioned[*crm.Merge]{
		noun:    "merge",
		insert:  func(m *crm.Merge) error { return ms.Insert(ctx(t), m) },
		replace: func(m *crm.Merge, expected int64) error { return ms.Replace(ctx(t), m, expected) },
		get:     func(id string) (*crm.Merge, error) { return ms.Get(ctx(t), id) },
		id:      func(m *crm.Merge) string { return m.ID },
		build: func(id, mark string, version int64) *crm.Merge {
			m := aMerge(t, id, base, "c-"+mark, "c2")
			m.UndoneBy, m.Version = mark, version
			return m
		},
		mark:    func(m *crm.Merge) string { return m.UndoneBy },
		version: func(m *crm.Merge) int64 { return m.Version },
		same:    sameMerge,
	}
}

func init() {
	register("Merges", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		ms := s.Merges()
		v := mergesVersioned(t, ms)

		m, noID := checkInsert(t, v, "m1")
		mustMerges(t, ms, "c-second", 10) // the refused second insert is not listed
		got, err := ms.Get(ctx(t), "m1")
		if err != nil {
			t.Fatal(err)
		}
		if got.UndoneAt == nil || !got.UndoneAt.Equal(*m.UndoneAt) || len(got.Before) != 2 || got.Before[1].Version != 3 {
			t.Fatalf("merge read back: %+v", got)
		}

		// A merge not undone (no undo fields) and one with nothing
		// merged read back as they were.
		fresh := aMerge(t, "m-fresh", base, "c4", "c5")
		fresh.UndoneAt, fresh.UndoneBy, fresh.Kept = nil, "", nil
		bare := &crm.Merge{ID: "m-bare", At: base}
		for _, w := range []*crm.Merge{fresh, bare} {
			if err := ms.Insert(ctx(t), w); err != nil {
				t.Fatal(err)
			}
			got, err := ms.Get(ctx(t), w.ID)
			if err != nil {
				t.Fatal(err)
			}
			sameMerge(t, w, got)
		}
		if _, err := bson.Raw(encodeMerge(t, fresh)).LookupErr("undoneAt"); err == nil {
			t.Fatal("a merge not undone encodes undoneAt")
		}

		checkReplace(t, v, "m1", "m9")

		// A nil merge, and a version that is not expectedVersion+1, are
		// the caller's bug.
		mustCode(t, ms.Insert(ctx(t), nil), crm.CodeInternal)
		mustCode(t, ms.Replace(ctx(t), nil, 3), crm.CodeInternal)
		skip := aMerge(t, "m1", base, "c1")
		skip.Version = 5
		mustCode(t, ms.Replace(ctx(t), skip, 3), crm.CodeInternal)
		_, err = ms.List(ctx(t), "", 0)
		mustCode(t, err, crm.CodeInternal)
		if got, _ := ms.Get(ctx(t), "m1"); got.Version != 3 || got.UndoneBy != "14" {
			t.Fatalf("a refused replace changed the merge: %+v", got)
		}

		checkInsertRace(t, v, "m-raced")
		mustMerges(t, ms, "", 10, "m1", "m-raced", "m-fresh", "m-bare", noID.ID)

		// Durable across a restart.
		if h.Reopen == nil {
			return
		}
		want, _ := ms.Get(ctx(t), "m1")
		s = h.Reopen(t, s)
		t.Cleanup(func() { _ = s.Close() })
		ms = s.Merges()
		got, err = ms.Get(ctx(t), "m1")
		if err != nil {
			t.Fatal(err)
		}
		sameMerge(t, want, got)
		mustMerges(t, ms, "c4", 10, "m-fresh")
		mustField(t, ms.Insert(ctx(t), aMerge(t, "m1", base, "c1")), crm.CodeConflict, "id")
		want.Version = 4
		if err := ms.Replace(ctx(t), want, 3); err != nil {
			t.Fatalf("replace after a restart: %v", err)
		}
	})

	register("MergeRaces", true, func(t *testing.T, h Harness) {
		ms := open(t, h).Merges()
		if err := ms.Insert(ctx(t), aMerge(t, "m1", base, "c1", "c2")); err != nil {
			t.Fatal(err)
		}
		checkReplaceRace(t, mergesVersioned(t, ms), "m1")
	})

	// The size limit is on the encoded merge: MaxMergeBytes is kept, a
	// byte more refused on both writes. (A store of its own, as
	// ImportUndoLimit.)
	register("MergeLimit", false, func(t *testing.T, h Harness) {
		ms := open(t, h).Merges()
		sized := func(size int) *crm.Merge {
			m := aMerge(t, "m-big", base, "c1", "c2")
			m.By = strings.Repeat("x", size-len(encodeMerge(t, m))+len(m.By))
			if n := len(encodeMerge(t, m)); n != size {
				t.Fatalf("built a merge of %d bytes, want %d", n, size)
			}
			return m
		}
		mustTooLarge(t, ms.Insert(ctx(t), sized(crm.MaxMergeBytes+1)))
		_, err := ms.Get(ctx(t), "m-big")
		mustCode(t, err, crm.CodeNotFound)
		mustMerges(t, ms, "c1", 10)

		largest := sized(crm.MaxMergeBytes)
		if err := ms.Insert(ctx(t), largest); err != nil {
			t.Fatalf("a merge of MaxMergeBytes: %v", err)
		}
		got, err := ms.Get(ctx(t), "m-big")
		if err != nil {
			t.Fatal(err)
		}
		sameMerge(t, largest, got)

		over := sized(crm.MaxMergeBytes + 1)
		over.Version = 2
		mustTooLarge(t, ms.Replace(ctx(t), over, 1))
		if got, err := ms.Get(ctx(t), "m-big"); err != nil || got.Version != 1 || got.By != largest.By {
			t.Fatalf("a refused replace changed the merge: version %v %v", got.Version, err)
		}
	})

	register("MergeList", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		ms := s.Merges()
		mustMerges(t, ms, "", 10)
		mustMerges(t, ms, "c1", 10)
		// a and b at the same millisecond: the id breaks the tie, the
		// later id first. e names its survivor among the others too: it
		// is listed once.
		merges := map[string]*crm.Merge{}
		for _, m := range []*crm.Merge{
			aMerge(t, "a", base.Add(-2*time.Hour), "c1", "c2", "c3"),
			aMerge(t, "b", base.Add(-2*time.Hour), "c2", "c4"),
			aMerge(t, "c", base.Add(-time.Hour), "c5", "c1"),
			aMerge(t, "d", base.Add(-3*time.Hour), "c1", "c6"),
			aMerge(t, "e", base.Add(time.Millisecond), "c7", "c8", "c7"),
			aMerge(t, "f", base, "c3", "c9"),
		} {
			if err := ms.Insert(ctx(t), m); err != nil {
				t.Fatal(err)
			}
			merges[m.ID] = m
		}
		for _, tc := range []struct {
			customer string
			limit    int
			want     []string
		}{
			{"", 10, []string{"e", "f", "c", "b", "a", "d"}},
			{"", 6, []string{"e", "f", "c", "b", "a", "d"}},
			{"", 3, []string{"e", "f", "c"}},
			{"", 1, []string{"e"}},
			{"c1", 10, []string{"c", "a", "d"}}, // c: merged into c5; a, d: the survivor
			{"c1", 2, []string{"c", "a"}},
			{"c2", 10, []string{"b", "a"}},
			{"c3", 10, []string{"f", "a"}},
			{"c4", 10, []string{"b"}},
			{"c5", 1, []string{"c"}},
			{"c7", 10, []string{"e"}},
			{"c8", 10, []string{"e"}},
			{"c9", 10, []string{"f"}},
			{"c10", 10, nil},
			{"u1", 10, nil}, // who merged is not a customer of the merge
		} {
			mustMerges(t, ms, tc.customer, tc.limit, tc.want...)
		}
		// A replace that moves At, the survivor and the others moves the
		// merge in the lists.
		a := aMerge(t, "a", base.Add(time.Hour), "c10", "c3")
		a.Version = 2
		if err := ms.Replace(ctx(t), a, 1); err != nil {
			t.Fatal(err)
		}
		merges["a"] = a
		mustMerges(t, ms, "", 2, "a", "e")
		mustMerges(t, ms, "c1", 10, "c", "d")
		mustMerges(t, ms, "c2", 10, "b")
		mustMerges(t, ms, "c3", 10, "a", "f")
		mustMerges(t, ms, "c10", 10, "a")
		// A refused replace leaves the lists as they were.
		stale := aMerge(t, "a", base, "c11")
		stale.Version = 2
		if err := ms.Replace(ctx(t), stale, 1); !crm.IsVersionConflict(err) {
			t.Fatalf("stale replace: %v", err)
		}
		mustMerges(t, ms, "c11", 10)
		mustMerges(t, ms, "c10", 10, "a")
		// The whole merge is listed.
		for _, customer := range []string{"c3", ""} {
			list, err := ms.List(ctx(t), customer, 10)
			if err != nil || len(list) == 0 {
				t.Fatalf("list %q: %v %v", customer, list, err)
			}
			for _, got := range list {
				sameMerge(t, merges[got.ID], got)
			}
		}

		if h.Reopen == nil {
			return
		}
		s = h.Reopen(t, s)
		t.Cleanup(func() { _ = s.Close() })
		mustMerges(t, s.Merges(), "", 10, "a", "e", "f", "c", "b", "d")
		mustMerges(t, s.Merges(), "c1", 10, "c", "d")
		mustMerges(t, s.Merges(), "c3", 10, "a", "f")
	})

	register("MergeDeleteBefore", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		ms := s.Merges()
		cut := base.Add(-30 * 24 * time.Hour)
		for _, m := range []*crm.Merge{
			aMerge(t, "old1", cut.Add(-10*24*time.Hour), "c1", "c2"),
			aMerge(t, "old2", cut.Add(-time.Millisecond), "c2", "c3"),
			aMerge(t, "edge", cut, "c1", "c4"), // not before cut: kept
			aMerge(t, "new", base, "c4", "c2"),
		} {
			if err := ms.Insert(ctx(t), m); err != nil {
				t.Fatal(err)
			}
		}
		n, err := ms.DeleteBefore(ctx(t), cut)
		if err != nil || n != 2 {
			t.Fatalf("DeleteBefore: %d %v, want 2", n, err)
		}
		for _, id := range []string{"old1", "old2"} {
			_, err := ms.Get(ctx(t), id)
			mustCode(t, err, crm.CodeNotFound)
		}
		mustMerges(t, ms, "", 10, "new", "edge")
		mustMerges(t, ms, "c1", 10, "edge")
		mustMerges(t, ms, "c2", 10, "new")
		mustMerges(t, ms, "c3", 10)
		if n, err := ms.DeleteBefore(ctx(t), cut); err != nil || n != 0 {
			t.Fatalf("DeleteBefore again: %d %v", n, err)
		}
		// A deleted merge's id is free, and its customers are its new
		// ones only.
		reused := aMerge(t, "old1", cut.Add(-time.Hour), "c5")
		if err := ms.Insert(ctx(t), reused); err != nil {
			t.Fatalf("insert after delete: %v", err)
		}
		mustMerges(t, ms, "c1", 10, "edge")
		mustMerges(t, ms, "c5", 10, "old1")
		if n, err := ms.DeleteBefore(ctx(t), base.Add(time.Millisecond)); err != nil || n != 3 {
			t.Fatalf("DeleteBefore everything: %d %v", n, err)
		}
		mustMerges(t, ms, "", 10)
		mustMerges(t, ms, "c4", 10)

		if h.Reopen == nil {
			return
		}
		s = h.Reopen(t, s)
		t.Cleanup(func() { _ = s.Close() })
		mustMerges(t, s.Merges(), "", 10)
		mustMerges(t, s.Merges(), "c2", 10)
	})

	register("MergeDumpAndLoad", false, func(t *testing.T, h Harness) {
		src := open(t, h)
		merges := []*crm.Merge{aMerge(t, "m-b", base, "c1", "c2"), aMerge(t, "m-a", base.Add(time.Hour), "c3", "c1"),
			aMerge(t, "m-a-b", base.Add(-time.Hour), "c4", "c5", "c6")}
		for _, m := range merges {
			if err := src.Merges().Insert(ctx(t), m); err != nil {
				t.Fatal(err)
			}
		}
		dump := func(s crm.Store) [][]byte {
			t.Helper()
			var docs [][]byte
			if err := s.Dump(ctx(t), crm.CollectionMerges, func(d []byte) error { docs = append(docs, bytes.Clone(d)); return nil }); err != nil {
				t.Fatal(err)
			}
			return docs
		}
		// The stored documents are the encoded merges, in _id order
		// ("m-a" before "m-a-b" before "m-b").
		docs := dump(src)
		want := []*crm.Merge{merges[1], merges[2], merges[0]}
		if len(docs) != len(want) {
			t.Fatalf("dumped %d merges, want %d", len(docs), len(want))
		}
		for i, m := range want {
			if !bytes.Equal(docs[i], encodeMerge(t, m)) {
				t.Fatalf("dumped merge %d is %v, not %s as encoded", i, bson.Raw(docs[i]).Lookup("_id"), m.ID)
			}
		}

		dst := open(t, h)
		for range 2 { // loading again replaces rather than duplicates
			if err := dst.Load(ctx(t), crm.CollectionMerges, docs); err != nil {
				t.Fatalf("load merges: %v", err)
			}
		}
		if back := dump(dst); fmt.Sprint(back) != fmt.Sprint(docs) {
			t.Fatal("loaded merges differ from the dump")
		}
		// The loaded merges are live: read, listed by their customers,
		// versioned, their ids taken, and deleted when old.
		ms := dst.Merges()
		got, err := ms.Get(ctx(t), "m-a")
		if err != nil {
			t.Fatal(err)
		}
		sameMerge(t, merges[1], got)
		mustMerges(t, ms, "", 10, "m-a", "m-b", "m-a-b")
		mustMerges(t, ms, "c1", 10, "m-a", "m-b")
		mustMerges(t, ms, "c6", 10, "m-a-b")
		mustField(t, ms.Insert(ctx(t), aMerge(t, "m-b", base, "c9")), crm.CodeConflict, "id")
		got.Version = 2
		if err := ms.Replace(ctx(t), got, 1); err != nil {
			t.Fatalf("replace a loaded merge: %v", err)
		}
		if n, err := ms.DeleteBefore(ctx(t), base.Add(time.Minute)); err != nil || n != 2 {
			t.Fatalf("DeleteBefore after load: %d %v", n, err)
		}
		mustMerges(t, ms, "", 10, "m-a")
		mustMerges(t, ms, "c1", 10, "m-a")
		mustMerges(t, ms, "c6", 10)
	})
}
