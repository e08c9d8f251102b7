package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// anImport builds an import with every field set.
func anImport(id, by string, at time.Time) *crm.Import {
	started, finished, undone := at.Add(time.Second), at.Add(time.Minute), at.Add(time.Hour)
	return &crm.Import{
		ID: id, By: by, At: at, FileName: "客户名单 2026-11.xlsx", Status: crm.ImportDone,
		Message: "第 3 行：联系电话格式不对", CancelRequested: true,
		Total: 120, Processed: 120, Rows: 130, Created: 80, Updated: 30, Unchanged: 9, Duplicates: 1, RowErrors: 2,
		Errors: []crm.ImportError{
			{Row: 3, Column: "D 联系电话", Field: "contacts[0].phone", Reason: crm.ReasonInvalidPhone, Message: "不是电话号码",
				Params: map[string]any{"max": int64(20)}},
			{Row: 9, Reason: crm.ReasonTooLong, Message: "太长", Warning: true},
		},
		Outcomes: []crm.ImportOutcome{
			{Row: 2, Action: "UPDATE", CustomerID: "c1", Code: "C202611001", MatchedBy: "creditCode", Duplicates: []string{"c7"},
				Changes: []crm.FieldChange{{Field: "industry", Old: "制造", New: "物流"}},
				Notes:   []crm.ImportNote{{Column: "F 预算", From: "68万", To: "680000.00"}}},
			{Row: 3, Action: "CREATE"},
		},
		StartedAt: &started, FinishedAt: &finished, UndoneAt: &undone, UndoneBy: "u9",
		Undo: &crm.UndoSummary{Deleted: 80, Restored: 29, Kept: []crm.UndoKept{{ID: "c1", Code: "C202611001", Reason: "CHANGED_SINCE"}}},
	}
}

// sameImport asserts that got encodes to the bytes want does.
func sameImport(t *testing.T, want, got *crm.Import) {
	t.Helper()
	wb, err := bson.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := bson.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(wb, gb) {
		t.Fatalf("imports differ:\nwant %v\n got %v", bson.Raw(wb), bson.Raw(gb))
	}
}

// mustImports asserts the ids List returns.
func mustImports(t *testing.T, is crm.ImportStore, by string, limit int, want ...string) {
	t.Helper()
	list, err := is.List(ctx(t), by, limit)
	if err != nil {
		t.Fatalf("list %q %d: %v", by, limit, err)
	}
	var got []string
	for _, im := range list {
		got = append(got, im.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("list %q %d: %v, want %v", by, limit, got, want)
	}
}

// undoChunk builds chunk seq of an import: two customers created and one
// changed, whose document before is sample(seq) as stored.
func undoChunk(t *testing.T, importID string, seq int) *crm.ImportUndo {
	t.Helper()
	doc, err := bson.Marshal(sample(seq))
	if err != nil {
		t.Fatal(err)
	}
	return &crm.ImportUndo{Import: importID, Seq: seq,
		Created: []string{fmt.Sprintf("%s-new-%d-a", importID, seq), fmt.Sprintf("%s-new-%d-b", importID, seq)},
		Updated: []crm.UndoBefore{{ID: fmt.Sprintf("%s-old-%d", importID, seq), Version: int64(seq) + 2, Doc: doc}}}
}

// storedUndo is the document a store keeps for an undo chunk.
func storedUndo(t *testing.T, u *crm.ImportUndo) []byte {
	t.Helper()
	doc, err := bson.Marshal(struct {
		ID             string `bson:"_id"`
		crm.ImportUndo `bson:",inline"`
	}{crm.ImportUndoID(u.Import, u.Seq), *u})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// mustUndo asserts the chunks EachUndo hands out, in order, each encoding
// to the bytes of want's and with the customers' documents byte for byte.
func mustUndo(t *testing.T, is crm.ImportStore, importID string, want ...*crm.ImportUndo) {
	t.Helper()
	var got []*crm.ImportUndo
	if err := is.EachUndo(ctx(t), importID, func(u *crm.ImportUndo) error {
		got = append(got, u)
		return nil
	}); err != nil {
		t.Fatalf("undo of %s: %v", importID, err)
	}
	if len(got) != len(want) {
		t.Fatalf("undo of %s: %d chunks, want %d", importID, len(got), len(want))
	}
	for i := range want {
		if got[i].Import != want[i].Import || got[i].Seq != want[i].Seq {
			t.Fatalf("undo of %s: chunk %d is %s %d, want %s %d", importID, i, got[i].Import, got[i].Seq, want[i].Import, want[i].Seq)
		}
		if !bytes.Equal(storedUndo(t, got[i]), storedUndo(t, want[i])) {
			t.Fatalf("undo of %s: chunk %d differs", importID, want[i].Seq)
		}
		for k := range want[i].Updated {
			if !bytes.Equal(got[i].Updated[k].Doc, want[i].Updated[k].Doc) {
				t.Fatalf("undo of %s: chunk %d: document before %d differs", importID, want[i].Seq, k)
			}
		}
	}
}

// mustTooLarge asserts a DOCUMENT_TOO_LARGE refusal.
func mustTooLarge(t *testing.T, err error) {
	t.Helper()
	mustCode(t, err, crm.CodeBadUserInput)
	if e := err.(*crm.Error); e.Reason != crm.ReasonDocumentTooLarge {
		t.Fatalf("reason %q, want %s: %v", e.Reason, crm.ReasonDocumentTooLarge, err)
	}
}

// importsVersioned adapts is to the checks of versioned documents: the
// mark is the import's message.
func importsVersioned(t *testing.T, is crm.ImportStore) versioned[*crm.Import] {
	return versioned[*crm.Import]{
		noun:    "import",
		insert:  func(im *crm.Import) error { return is.Insert(ctx(t), im) },
		replace: func(im *crm.Import, expected int64) error { return is.Replace(ctx(t), im, expected) },
		get:     func(id string) (*crm.Import, error) { return is.Get(ctx(t), id) },
		id:      func(im *crm.Import) string { return im.ID },
		build: func(id, mark string, version int64) *crm.Import {
			im := anImport(id, "u1", base)
			im.Status, im.Message, im.Version = crm.ImportRunning, mark, version
			return im
		},
		mark:    func(im *crm.Import) string { return im.Message },
		version: func(im *crm.Import) int64 { return im.Version },
		same:    sameImport,
	}
}

func init() {
	register("Imports", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		is := s.Imports()
		v := importsVersioned(t, is)
		checkInsert(t, v, "imp1")
		checkReplace(t, v, "imp1", "imp9")

		// An import over MaxDocumentBytes is refused on both writes.
		big := anImport("imp-big", "u1", base)
		big.Message = strings.Repeat("很", crm.MaxDocumentBytes/3+1)
		mustTooLarge(t, is.Insert(ctx(t), big))
		_, err := is.Get(ctx(t), "imp-big")
		mustCode(t, err, crm.CodeNotFound)
		big.ID, big.Version = "imp1", 4
		mustTooLarge(t, is.Replace(ctx(t), big, 3))
		if got, _ := is.Get(ctx(t), "imp1"); got.Version != 3 || got.Message != "14" {
			t.Fatalf("a refused replace changed the import: %+v", got)
		}
		checkInsertRace(t, v, "imp-raced")
	})

	register("ImportRaces", true, func(t *testing.T, h Harness) {
		is := open(t, h).Imports()
		if err := is.Insert(ctx(t), anImport("imp1", "u1", base)); err != nil {
			t.Fatal(err)
		}
		checkReplaceRace(t, importsVersioned(t, is), "imp1")
	})

	register("ImportList", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		is := s.Imports()
		mustImports(t, is, "", 10)
		// a and b at the same millisecond: the id breaks the tie, the
		// later id first.
		for _, im := range []*crm.Import{
			anImport("a", "u1", base.Add(-2*time.Hour)),
			anImport("b", "u1", base.Add(-2*time.Hour)),
			anImport("c", "u2", base.Add(-time.Hour)),
			anImport("d", "u1", base.Add(-3*time.Hour)),
			anImport("e", "u2", base.Add(time.Millisecond)),
			anImport("f", "u1", base),
		} {
			if err := is.Insert(ctx(t), im); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			by    string
			limit int
			want  []string
		}{
			{"", 10, []string{"e", "f", "c", "b", "a", "d"}},
			{"", 6, []string{"e", "f", "c", "b", "a", "d"}},
			{"", 3, []string{"e", "f", "c"}},
			{"", 1, []string{"e"}},
			{"u1", 10, []string{"f", "b", "a", "d"}},
			{"u1", 2, []string{"f", "b"}},
			{"u2", 10, []string{"e", "c"}},
			{"u3", 10, nil},
		} {
			mustImports(t, is, tc.by, tc.limit, tc.want...)
		}
		// A replace that moves At and By moves the import in the lists.
		d := anImport("d", "u2", base.Add(time.Hour))
		d.Version = 2
		if err := is.Replace(ctx(t), d, 1); err != nil {
			t.Fatal(err)
		}
		mustImports(t, is, "", 2, "d", "e")
		mustImports(t, is, "u1", 10, "f", "b", "a")
		mustImports(t, is, "u2", 10, "d", "e", "c")
		// The whole import is listed.
		list, err := is.List(ctx(t), "u2", 1)
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v %v", list, err)
		}
		sameImport(t, d, list[0])
	})

	register("ImportUndo", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		is := s.Imports()
		for _, id := range []string{"imp-a", "imp-b"} {
			if err := is.Insert(ctx(t), anImport(id, "u1", base)); err != nil {
				t.Fatal(err)
			}
		}
		mustUndo(t, is, "imp-a")

		// Appended out of order and interleaved with another import's;
		// read back in Seq order, each import its own.
		a := map[int]*crm.ImportUndo{}
		b := map[int]*crm.ImportUndo{}
		for _, step := range []struct {
			imp string
			seq int
		}{{"imp-a", 2}, {"imp-b", 1}, {"imp-a", 0}, {"imp-a", 10}, {"imp-b", 0}, {"imp-a", 1}, {"imp-a", 3}} {
			u := undoChunk(t, step.imp, step.seq)
			if err := is.AppendUndo(ctx(t), u); err != nil {
				t.Fatalf("append %s %d: %v", step.imp, step.seq, err)
			}
			if step.imp == "imp-a" {
				a[step.seq] = u
			} else {
				b[step.seq] = u
			}
		}
		// A chunk with nothing but its place reads back as it was.
		empty := &crm.ImportUndo{Import: "imp-b", Seq: 2}
		if err := is.AppendUndo(ctx(t), empty); err != nil {
			t.Fatal(err)
		}
		b[2] = empty
		mustUndo(t, is, "imp-a", a[0], a[1], a[2], a[3], a[10])
		mustUndo(t, is, "imp-b", b[0], b[1], b[2])
		mustUndo(t, is, "imp-c")

		// A Seq an import holds is refused and the stored chunk kept.
		other := undoChunk(t, "imp-a", 5)
		other.Seq = 1
		mustField(t, is.AppendUndo(ctx(t), other), crm.CodeConflict, "seq")
		mustUndo(t, is, "imp-a", a[0], a[1], a[2], a[3], a[10])

		// Chunks without an import or with a Seq out of range are the
		// caller's bug.
		for _, u := range []*crm.ImportUndo{
			{Import: "", Seq: 4},
			{Import: "imp-a", Seq: -1},
			{Import: "imp-a", Seq: crm.MaxImportUndoSeq + 1},
		} {
			mustCode(t, is.AppendUndo(ctx(t), u), crm.CodeInternal)
		}

		// EachUndo stops at fn's first error and returns it.
		errStop := errors.New("stop here")
		var seen []int
		err := is.EachUndo(ctx(t), "imp-a", func(u *crm.ImportUndo) error {
			seen = append(seen, u.Seq)
			if u.Seq == 1 {
				return errStop
			}
			return nil
		})
		if err != errStop || fmt.Sprint(seen) != "[0 1]" {
			t.Fatalf("EachUndo stopped at %v with %v, want [0 1] and %v", seen, err, errStop)
		}

		// Durable across a restart.
		if h.Reopen == nil {
			return
		}
		s = h.Reopen(t, s)
		t.Cleanup(func() { _ = s.Close() })
		is = s.Imports()
		mustUndo(t, is, "imp-a", a[0], a[1], a[2], a[3], a[10])
		mustUndo(t, is, "imp-b", b[0], b[1], b[2])
		mustImports(t, is, "u1", 10, "imp-b", "imp-a")
		mustField(t, is.AppendUndo(ctx(t), undoChunk(t, "imp-a", 10)), crm.CodeConflict, "seq")
	})

	// The size limit is on the stored document: MaxImportUndoBytes is
	// kept, a byte more refused. (A store of its own: FerretDB decodes
	// every document for a query other than by _id.)
	register("ImportUndoLimit", false, func(t *testing.T, h Harness) {
		is := open(t, h).Imports()
		sized := func(seq, size int) *crm.ImportUndo {
			u := &crm.ImportUndo{Import: "imp", Seq: seq, Created: []string{""}}
			u.Created[0] = strings.Repeat("x", size-len(storedUndo(t, u)))
			if n := len(storedUndo(t, u)); n != size {
				t.Fatalf("built a chunk of %d bytes, want %d", n, size)
			}
			return u
		}
		first := undoChunk(t, "imp", 0)
		if err := is.AppendUndo(ctx(t), first); err != nil {
			t.Fatal(err)
		}
		mustTooLarge(t, is.AppendUndo(ctx(t), sized(1, crm.MaxImportUndoBytes+1)))
		mustUndo(t, is, "imp", first)
		largest := sized(1, crm.MaxImportUndoBytes)
		if err := is.AppendUndo(ctx(t), largest); err != nil {
			t.Fatalf("a chunk of MaxImportUndoBytes: %v", err)
		}
		mustUndo(t, is, "imp", first, largest)
	})

	register("ImportDeleteBefore", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		is := s.Imports()
		cut := base.Add(-30 * 24 * time.Hour)
		for _, im := range []*crm.Import{
			anImport("old1", "u1", cut.Add(-10*24*time.Hour)),
			anImport("old2", "u2", cut.Add(-time.Millisecond)),
			anImport("edge", "u1", cut), // not before cut: kept
			anImport("new", "u2", base),
		} {
			if err := is.Insert(ctx(t), im); err != nil {
				t.Fatal(err)
			}
		}
		undo := map[string][]*crm.ImportUndo{}
		rows := map[string][]*crm.ImportRows{}
		for _, id := range []string{"old1", "old2", "edge", "new"} {
			for seq := range 3 {
				u := undoChunk(t, id, seq)
				if err := is.AppendUndo(ctx(t), u); err != nil {
					t.Fatal(err)
				}
				undo[id] = append(undo[id], u)
			}
			for seq := range 2 {
				r := rowsChunk(id, seq)
				if err := is.AppendRows(ctx(t), r); err != nil {
					t.Fatal(err)
				}
				rows[id] = append(rows[id], r)
			}
		}
		n, err := is.DeleteBefore(ctx(t), cut)
		if err != nil || n != 2 {
			t.Fatalf("DeleteBefore: %d %v, want 2", n, err)
		}
		for _, id := range []string{"old1", "old2"} {
			_, err := is.Get(ctx(t), id)
			mustCode(t, err, crm.CodeNotFound)
			mustUndo(t, is, id)
			mustRows(t, is, id)
		}
		mustImports(t, is, "", 10, "new", "edge")
		mustUndo(t, is, "edge", undo["edge"]...)
		mustUndo(t, is, "new", undo["new"]...)
		mustRows(t, is, "edge", rows["edge"]...)
		mustRows(t, is, "new", rows["new"]...)
		if n, err := is.DeleteBefore(ctx(t), cut); err != nil || n != 0 {
			t.Fatalf("DeleteBefore again: %d %v", n, err)
		}
		// The chunks of a deleted import are gone, so its Seqs are free.
		if err := is.AppendUndo(ctx(t), undoChunk(t, "old1", 0)); err != nil {
			t.Fatalf("append after delete: %v", err)
		}
		if err := is.AppendRows(ctx(t), rowsChunk("old1", 0)); err != nil {
			t.Fatalf("append rows after delete: %v", err)
		}
		if n, err := is.DeleteBefore(ctx(t), base.Add(time.Millisecond)); err != nil || n != 2 {
			t.Fatalf("DeleteBefore everything: %d %v", n, err)
		}
		mustImports(t, is, "", 10)
		mustUndo(t, is, "new")
		mustRows(t, is, "new")
		mustRows(t, is, "edge")

		if h.Reopen == nil {
			return
		}
		s = h.Reopen(t, s)
		t.Cleanup(func() { _ = s.Close() })
		mustImports(t, s.Imports(), "", 10)
		mustUndo(t, s.Imports(), "edge")
		mustRows(t, s.Imports(), "edge")
	})

	register("ImportDumpAndLoad", false, func(t *testing.T, h Harness) {
		src := open(t, h)
		ims := []*crm.Import{anImport("imp-b", "u1", base), anImport("imp-a", "u2", base.Add(time.Hour)), anImport("imp-a-b", "u1", base.Add(-time.Hour))}
		for _, im := range ims {
			if err := src.Imports().Insert(ctx(t), im); err != nil {
				t.Fatal(err)
			}
		}
		// In _id order, bytewise: "imp-a-b:" before "imp-a:" ('-' before
		// ':'), and an import's chunks by Seq (ten digits).
		chunks := []*crm.ImportUndo{undoChunk(t, "imp-a-b", 0), undoChunk(t, "imp-a", 0), undoChunk(t, "imp-a", 2),
			undoChunk(t, "imp-a", 10), undoChunk(t, "imp-b", 1)}
		for _, i := range []int{4, 3, 1, 0, 2} {
			if err := src.Imports().AppendUndo(ctx(t), chunks[i]); err != nil {
				t.Fatal(err)
			}
		}
		// Result rows alike.
		rowChunks := []*crm.ImportRows{rowsChunk("imp-a-b", 0), rowsChunk("imp-a", 0), rowsChunk("imp-a", 3),
			rowsChunk("imp-a", 12), rowsChunk("imp-b", 0)}
		for _, i := range []int{2, 4, 0, 3, 1} {
			if err := src.Imports().AppendRows(ctx(t), rowChunks[i]); err != nil {
				t.Fatal(err)
			}
		}
		dump := func(s crm.Store, coll string) [][]byte {
			t.Helper()
			var docs [][]byte
			if err := s.Dump(ctx(t), coll, func(d []byte) error { docs = append(docs, bytes.Clone(d)); return nil }); err != nil {
				t.Fatal(err)
			}
			return docs
		}
		// The stored documents are the encoded structs (the chunks with
		// their _id in front), ordered by _id.
		imports := dump(src, crm.CollectionImports)
		for i, im := range []*crm.Import{ims[1], ims[2], ims[0]} {
			want, err := bson.Marshal(im)
			if err != nil {
				t.Fatal(err)
			}
			if i >= len(imports) || !bytes.Equal(imports[i], want) {
				t.Fatalf("dumped import %d is not %s as encoded", i, im.ID)
			}
		}
		undo := dump(src, crm.CollectionImportUndo)
		if len(undo) != len(chunks) {
			t.Fatalf("dumped %d undo chunks, want %d", len(undo), len(chunks))
		}
		for i, u := range chunks {
			if !bytes.Equal(undo[i], storedUndo(t, u)) {
				t.Fatalf("dumped undo chunk %d is %v, want %s %d", i, bson.Raw(undo[i]).Lookup("_id"), u.Import, u.Seq)
			}
		}
		rows := dump(src, crm.CollectionImportRows)
		if len(rows) != len(rowChunks) {
			t.Fatalf("dumped %d chunks of rows, want %d", len(rows), len(rowChunks))
		}
		for i, r := range rowChunks {
			if !bytes.Equal(rows[i], storedRows(t, r)) {
				t.Fatalf("dumped chunk of rows %d is %v, want %s %d", i, bson.Raw(rows[i]).Lookup("_id"), r.Import, r.Seq)
			}
		}

		dst := open(t, h)
		for _, c := range []struct {
			coll string
			docs [][]byte
		}{{crm.CollectionImports, imports}, {crm.CollectionImportUndo, undo}, {crm.CollectionImportRows, rows}} {
			for range 2 { // loading again replaces rather than duplicates
				if err := dst.Load(ctx(t), c.coll, c.docs); err != nil {
					t.Fatalf("load %s: %v", c.coll, err)
				}
			}
			if back := dump(dst, c.coll); fmt.Sprint(back) != fmt.Sprint(c.docs) {
				t.Fatalf("%s: loaded documents differ from the dump", c.coll)
			}
		}
		// The loaded imports are live: read, listed, versioned; their
		// chunks read in order and their Seqs taken.
		is := dst.Imports()
		got, err := is.Get(ctx(t), "imp-a")
		if err != nil {
			t.Fatal(err)
		}
		sameImport(t, ims[1], got)
		mustImports(t, is, "u1", 10, "imp-b", "imp-a-b")
		got.Version = 2
		if err := is.Replace(ctx(t), got, 1); err != nil {
			t.Fatalf("replace a loaded import: %v", err)
		}
		mustUndo(t, is, "imp-a", chunks[1], chunks[2], chunks[3])
		mustUndo(t, is, "imp-a-b", chunks[0])
		mustUndo(t, is, "imp-b", chunks[4])
		mustField(t, is.AppendUndo(ctx(t), undoChunk(t, "imp-a", 2)), crm.CodeConflict, "seq")
		if err := is.AppendUndo(ctx(t), undoChunk(t, "imp-a", 1)); err != nil {
			t.Fatal(err)
		}
		mustRows(t, is, "imp-a", rowChunks[1], rowChunks[2], rowChunks[3])
		mustRows(t, is, "imp-a-b", rowChunks[0])
		mustRows(t, is, "imp-b", rowChunks[4])
		mustField(t, is.AppendRows(ctx(t), rowsChunk("imp-a", 3)), crm.CodeConflict, "seq")
		extra := rowsChunk("imp-a", 4)
		if err := is.AppendRows(ctx(t), extra); err != nil {
			t.Fatal(err)
		}
		if n, err := is.DeleteBefore(ctx(t), base.Add(time.Minute)); err != nil || n != 2 {
			t.Fatalf("DeleteBefore after load: %d %v", n, err)
		}
		mustUndo(t, is, "imp-b")
		mustRows(t, is, "imp-b")
		mustRows(t, is, "imp-a-b")
		mustRows(t, is, "imp-a", rowChunks[1], rowChunks[2], extra, rowChunks[3])
		mustImports(t, is, "", 10, "imp-a")
	})
}
