package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// rowsChunk builds chunk seq of an import's result rows, three rows of
// it: a created customer, a row with two errors, and a row with no cells
// and spaces kept; seq 0 carries the header.
func rowsChunk(importID string, seq int) *crm.ImportRows {
	first := 3 + 3*seq
	r := &crm.ImportRows{Import: importID, Seq: seq, Rows: []crm.ImportRow{
		{Row: first, Cells: []string{"华东物流有限公司", "", "138 1234 5678", "68万"}, Action: "CREATE",
			Matched: fmt.Sprintf("C2026110%02d", seq)},
		{Row: first + 1, Cells: []string{"华东物流", "张三", "不是电话"}, Action: "ERROR",
			Message: "D 联系电话：不是电话号码\nF 预算：太长"},
		{Row: first + 2, Cells: []string{}, Action: "UNCHANGED", Matched: "C202611001"},
		{Row: first + 3, Cells: []string{"  留着空格 ", "😀"}, Action: "DUPLICATE", Message: "与第 3 行重复"},
	}}
	if seq == 0 {
		r.HeaderRow = 2
		r.Header = []string{"客户名称", "联系人", "联系电话", "预算（元）"}
	}
	return r
}

// storedRows is the document a store keeps for a chunk of result rows.
func storedRows(t *testing.T, r *crm.ImportRows) []byte {
	t.Helper()
	doc, err := bson.Marshal(struct {
		ID             string `bson:"_id"`
		crm.ImportRows `bson:",inline"`
	}{crm.ImportRowsID(r.Import, r.Seq), *r})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// mustRows asserts the chunks EachRows hands out, in order, each encoding
// to the bytes of want's.
func mustRows(t *testing.T, is crm.ImportStore, importID string, want ...*crm.ImportRows) {
	t.Helper()
	var got []*crm.ImportRows
	if err := is.EachRows(ctx(t), importID, func(r *crm.ImportRows) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatalf("rows of %s: %v", importID, err)
	}
	if len(got) != len(want) {
		t.Fatalf("rows of %s: %d chunks, want %d", importID, len(got), len(want))
	}
	for i := range want {
		if got[i].Import != want[i].Import || got[i].Seq != want[i].Seq {
			t.Fatalf("rows of %s: chunk %d is %s %d, want %s %d", importID, i, got[i].Import, got[i].Seq, want[i].Import, want[i].Seq)
		}
		if g, w := storedRows(t, got[i]), storedRows(t, want[i]); !bytes.Equal(g, w) {
			t.Fatalf("rows of %s: chunk %d differs:\nwant %v\n got %v", importID, want[i].Seq, bson.Raw(w), bson.Raw(g))
		}
	}
}

func init() {
	register("ImportRows", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		is := s.Imports()
		for _, id := range []string{"imp-a", "imp-b"} {
			if err := is.Insert(ctx(t), anImport(id, "u1", base)); err != nil {
				t.Fatal(err)
			}
		}
		mustRows(t, is, "imp-a")

		// Appended out of order and interleaved with another import's;
		// read back in Seq order, each import its own.
		a := map[int]*crm.ImportRows{}
		b := map[int]*crm.ImportRows{}
		for _, step := range []struct {
			imp string
			seq int
		}{{"imp-a", 2}, {"imp-b", 1}, {"imp-a", 0}, {"imp-a", 10}, {"imp-b", 0}, {"imp-a", 1}} {
			r := rowsChunk(step.imp, step.seq)
			if err := is.AppendRows(ctx(t), r); err != nil {
				t.Fatalf("append %s %d: %v", step.imp, step.seq, err)
			}
			if step.imp == "imp-a" {
				a[step.seq] = r
			} else {
				b[step.seq] = r
			}
		}
		// A chunk with nothing but its place reads back as it was.
		empty := &crm.ImportRows{Import: "imp-b", Seq: 2}
		if err := is.AppendRows(ctx(t), empty); err != nil {
			t.Fatal(err)
		}
		b[2] = empty
		mustRows(t, is, "imp-a", a[0], a[1], a[2], a[10])
		mustRows(t, is, "imp-b", b[0], b[1], b[2])
		mustRows(t, is, "imp-c")
		if a[0].Header == nil || a[0].HeaderRow != 2 {
			t.Fatal("the first chunk has no header")
		}

		// Undo chunks and result rows are apart: the same Seq in both.
		u := undoChunk(t, "imp-a", 0)
		if err := is.AppendUndo(ctx(t), u); err != nil {
			t.Fatalf("undo chunk 0 beside rows 0: %v", err)
		}
		mustUndo(t, is, "imp-a", u)
		mustRows(t, is, "imp-a", a[0], a[1], a[2], a[10])

		// A Seq an import holds is refused and the stored chunk kept.
		other := rowsChunk("imp-a", 5)
		other.Seq = 1
		mustField(t, is.AppendRows(ctx(t), other), crm.CodeConflict, "seq")
		mustRows(t, is, "imp-a", a[0], a[1], a[2], a[10])

		// Chunks without an import or with a Seq out of range are the
		// caller's bug.
		for _, r := range []*crm.ImportRows{
			nil,
			{Import: "", Seq: 4},
			{Import: "imp-a", Seq: -1},
			{Import: "imp-a", Seq: crm.MaxImportRowsSeq + 1},
		} {
			mustCode(t, is.AppendRows(ctx(t), r), crm.CodeInternal)
		}
		mustRows(t, is, "")

		// EachRows stops at fn's first error and returns it.
		errStop := errors.New("stop here")
		var seen []int
		err := is.EachRows(ctx(t), "imp-a", func(r *crm.ImportRows) error {
			seen = append(seen, r.Seq)
			if r.Seq == 1 {
				return errStop
			}
			return nil
		})
		if err != errStop || fmt.Sprint(seen) != "[0 1]" {
			t.Fatalf("EachRows stopped at %v with %v, want [0 1] and %v", seen, err, errStop)
		}

		// Durable across a restart.
		if h.Reopen == nil {
			return
		}
		s = h.Reopen(t, s)
		t.Cleanup(func() { _ = s.Close() })
		is = s.Imports()
		mustRows(t, is, "imp-a", a[0], a[1], a[2], a[10])
		mustRows(t, is, "imp-b", b[0], b[1], b[2])
		mustField(t, is.AppendRows(ctx(t), rowsChunk("imp-a", 10)), crm.CodeConflict, "seq")
	})

	// The size limit is on the stored document: MaxImportRowsBytes is
	// kept, a byte more refused. (A store of its own, as ImportUndoLimit.)
	register("ImportRowsLimit", false, func(t *testing.T, h Harness) {
		is := open(t, h).Imports()
		sized := func(seq, size int) *crm.ImportRows {
			r := &crm.ImportRows{Import: "imp", Seq: seq, Rows: []crm.ImportRow{{Row: 2, Cells: []string{""}, Action: "ERROR"}}}
			r.Rows[0].Cells[0] = strings.Repeat("x", size-len(storedRows(t, r)))
			if n := len(storedRows(t, r)); n != size {
				t.Fatalf("built a chunk of %d bytes, want %d", n, size)
			}
			return r
		}
		first := rowsChunk("imp", 0)
		if err := is.AppendRows(ctx(t), first); err != nil {
			t.Fatal(err)
		}
		mustTooLarge(t, is.AppendRows(ctx(t), sized(1, crm.MaxImportRowsBytes+1)))
		mustRows(t, is, "imp", first)
		largest := sized(1, crm.MaxImportRowsBytes)
		if err := is.AppendRows(ctx(t), largest); err != nil {
			t.Fatalf("a chunk of MaxImportRowsBytes: %v", err)
		}
		mustRows(t, is, "imp", first, largest)
	})
}
