package sqlite

import (
	"encoding/binary"
	"sync/atomic"

	"fmt"
	"github.com/kehu-crm/kehu/internal/analytics"
	"slices"
	"sort"
	"strings"
)

// A snapshot is one immutable version of the read model: every entry in id
// order, cut into chunks of at most chunkLimit entries. Besides the entry
// pointers a chunk stores, column by column, what a list scans for every
// row (archived flag and the sort values), so a list reads a few bytes per
// row sequentially instead of two cache lines scattered over the heap per
// customer (measured: 10 ms for 50,000 customers that way, memory-latency
// bound).
//
// Each chunk also holds its rows' search keys in one string, so a search
// runs strings.Index over ~35 KB of text per chunk rather than a call per
// row on keys scattered over the heap.
//
// A write rebuilds only the chunk it changes (~60 KB) and copies the slice
// of chunk pointers, never the whole model. Ids are time ordered, so new customers
// usually land at the end of the last chunk.
type snapshot struct {
	chunks []*chunk
	n      int // entries in all chunks
}

// chunkCap is the capacity of a chunk.
const chunkCap = 512

// chunkLimit is the number of entries at which a chunk is full (chunkCap;
// tests lower it to exercise splits).
var chunkLimit = chunkCap

// The integer sort columns: times as Unix milliseconds (exact: the read
// model is decoded from BSON, whose datetimes are milliseconds) and counts.
const (
	colCreatedAt = iota // the time columns first (see lastTimeCol)
	colUpdatedAt
	colLastInteractionAt
	colLastDealOn
	colFirstInteractionAt
	colFirstDealOn
	colLastComplaintAt
	colInteractionCount
	colDealCount
	colTotalAmount
	colOpenNeedCount
	colComplaintCount
	colSatisfactionCount
	colStageRank
	numIntCols

	lastTimeCol = colLastComplaintAt
)

// The string sort columns hold the first 16 bytes of the string, big endian
// and zero padded: a smaller prefix means a smaller string, and only equal
// prefixes need the whole strings.
const (
	colCode = iota
	colName
	numStrCols
)

type chunk struct {
	n        int
	keys     string           // the rows' search keys, concatenated
	keyEnd   [chunkCap]uint32 // where row i's key ends in keys
	entries  [chunkCap]*entry
	archived [chunkCap]bool
	ints     [numIntCols][chunkCap]int64
	avg      [chunkCap]float64 // stats.avgSatisfaction
	prefix   [numStrCols][chunkCap][2]uint64
	facts    atomic.Pointer[analytics.Block] // the rows' nested facts by column (aggregate.go)
}

// prefix16 is the first 16 bytes of s as two big-endian words.
func prefix16(s string) [2]uint64 {
	var b [16]byte
	copy(b[:], s)
	return [2]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// set stores e's columns in row i.
func (c *chunk) set(i int, e *entry) {
	c.entries[i] = e
	c.archived[i] = e.archived()
	c.ints[colCreatedAt][i] = e.ms[msCreatedAt]
	c.ints[colUpdatedAt][i] = e.ms[msUpdatedAt]
	c.ints[colLastInteractionAt][i] = e.ms[msLastInteractionAt]
	c.ints[colLastDealOn][i] = e.ms[msLastDealOn]
	c.ints[colInteractionCount][i] = int64(e.counts[cntInteractions])
	c.ints[colDealCount][i] = int64(e.counts[cntDeals])
	c.ints[colTotalAmount][i] = int64(e.totalAmount)
	c.ints[colOpenNeedCount][i] = int64(e.counts[cntOpenNeeds])
	c.ints[colFirstInteractionAt][i] = e.ms[msFirstInteractionAt]
	c.ints[colFirstDealOn][i] = e.ms[msFirstDealOn]
	c.ints[colLastComplaintAt][i] = e.ms[msLastComplaintAt]
	c.ints[colComplaintCount][i] = int64(e.counts[cntComplaints])
	c.ints[colSatisfactionCount][i] = int64(e.counts[cntSatisfaction])
	c.ints[colStageRank][i] = int64(e.counts[cntStageRank])
	c.avg[i] = e.avg
	c.prefix[colCode][i] = prefix16(e.code())
	c.prefix[colName][i] = prefix16(e.order()) // entries' keys are current (decode)
}

// keyStart is where row i's key starts in c.keys.
func (c *chunk) keyStart(i int) int {
	if i == 0 {
		return 0
	}
	return int(c.keyEnd[i-1])
}

// item returns row i with its search key.
func (c *chunk) item(i int) item {
	return item{c.entries[i], c.keys[c.keyStart(i):c.keyEnd[i]]}
}

// items returns every row of c.
func (c *chunk) items() []item {
	out := make([]item, c.n)
	for i := range out {
		out[i] = c.item(i)
	}
	return out
}

func (c *chunk) lastID() string { return c.entries[c.n-1].id() }

// newChunk builds a chunk of rows (at most chunkCap).
func newChunk(rows []item) *chunk {
	c := &chunk{n: len(rows)}
	n := 0
	for _, r := range rows {
		n += len(r.key)
	}
	var b strings.Builder
	b.Grow(n)
	for i, r := range rows {
		c.set(i, r.e)
		b.WriteString(r.key)
		c.keyEnd[i] = uint32(b.Len())
	}
	c.keys = b.String()
	return c
}

// newSnapshot builds a snapshot of items sorted by id without duplicates.
func newSnapshot(items []item) *snapshot {
	s := &snapshot{n: len(items)}
	for len(items) > 0 {
		m := min(len(items), chunkLimit)
		s.chunks = append(s.chunks, newChunk(items[:m]))
		items = items[m:]
	}
	return s
}

// locate returns the chunk and row of id, or where it would be inserted
// (past the end of the last chunk for an id after every other).
func (s *snapshot) locate(id string) (ci, i int, found bool) {
	ci = sort.Search(len(s.chunks), func(k int) bool { return s.chunks[k].lastID() >= id })
	if ci == len(s.chunks) {
		ci--
		return ci, s.chunks[ci].n, false
	}
	c := s.chunks[ci]
	i, found = slices.BinarySearchFunc(c.entries[:c.n], id, func(e *entry, id string) int { return strings.Compare(e.id(), id) })
	return ci, i, found
}

// removal is the item a write returns for a customer it deleted: an entry
// holding only the id, and no search key (every customer's key holds at
// least the NUL between its name and code).
func removal(id string) item { return item{e: keyEntry(id, "", "")} }

// removed reports whether it is a removal.
func (it item) removed() bool { return it.key == "" }

// with returns a new snapshot with items added, replacing the entries of
// the same ids, or, for removals, without the entries of their ids (a
// removal of an id not held changes nothing); s is unchanged. items must
// be sorted by id without duplicates.
func (s *snapshot) with(items []item) *snapshot {
	if len(items) != 1 || len(s.chunks) == 0 {
		return s.merge(items)
	}
	it := items[0]
	ci, i, found := s.locate(it.e.id())
	if it.removed() && !found {
		return s
	}
	chunks := slices.Clone(s.chunks)
	n := s.n
	old := s.chunks[ci]
	rows := old.items()
	switch {
	case it.removed() && old.n == 1: // no chunk is empty
		chunks = slices.Delete(chunks, ci, ci+1)
		n--
	case it.removed():
		chunks[ci] = newChunk(slices.Delete(rows, i, i+1))
		n--
	case found:
		rows[i] = it
		chunks[ci] = newChunk(rows)
	case old.n < chunkLimit:
		chunks[ci] = newChunk(slices.Insert(rows, i, it))
		n++
	case i == old.n: // after every id, and the last chunk is full
		chunks = append(chunks, newChunk([]item{it}))
		n++
	default: // split the full chunk around the new entry
		rows = slices.Insert(rows, i, it)
		half := len(rows) / 2
		chunks = slices.Replace(chunks, ci, ci+1, newChunk(rows[:half]), newChunk(rows[half:]))
		n++
	}
	return &snapshot{chunks: chunks, n: n}
}

// merge returns a new snapshot with a batch merged in (Load, batch writes,
// removals). Chunks wholly before the batch's first id are shared; the rest
// is rebuilt, so a batch of new customers (ids after every other) rebuilds
// only the last chunk.
func (s *snapshot) merge(items []item) *snapshot {
	if len(items) == 0 {
		return s
	}
	keep := 0
	if len(s.chunks) > 0 {
		keep, _, _ = s.locate(items[0].e.id())
	}
	var old []item
	for _, c := range s.chunks[keep:] {
		old = append(old, c.items()...)
	}
	n := s.n - len(old)
	out := make([]item, 0, len(old)+len(items))
	for len(old) > 0 && len(items) > 0 {
		switch c := compareItems(old[0], items[0]); {
		case c < 0:
			out = append(out, old[0])
			old = old[1:]
		case c > 0:
			if !items[0].removed() {
				out = append(out, items[0])
			}
			items = items[1:]
		default: // the new entry replaces the old one, or is its removal
			if !items[0].removed() {
				out = append(out, items[0])
			}
			old, items = old[1:], items[1:]
		}
	}
	out = append(out, old...)
	for _, it := range items {
		if !it.removed() {
			out = append(out, it)
		}
	}
	tail := newSnapshot(out)
	return &snapshot{chunks: append(slices.Clone(s.chunks[:keep]), tail.chunks...), n: n + tail.n}
}

// check verifies the snapshot's invariants (for tests): ids strictly
// increasing, chunk sizes within limits, columns equal to their entries.
func (s *snapshot) check() error {
	n, prev := 0, ""
	for ci, c := range s.chunks {
		if c.n < 1 || c.n > chunkLimit {
			return fmt.Errorf("chunk %d holds %d entries (limit %d)", ci, c.n, chunkLimit)
		}
		want := newChunk(c.items())
		if c.keyEnd[c.n-1] != uint32(len(c.keys)) {
			return fmt.Errorf("chunk %d: keys end at %d, not %d", ci, c.keyEnd[c.n-1], len(c.keys))
		}
		for i, e := range c.entries[:c.n] {
			if head := strings.ToLower(e.str(txtName) + "\x00" + e.code()); !strings.HasPrefix(c.item(i).key, head) {
				return fmt.Errorf("chunk %d row %d: search key %q does not start with %q", ci, i, c.item(i).key, head)
			}
			if e.id() <= prev {
				return fmt.Errorf("chunk %d row %d: id %s after %s", ci, i, e.id(), prev)
			}
			prev = e.id()
			if c.archived[i] != want.archived[i] || c.avg[i] != want.avg[i] {
				return fmt.Errorf("chunk %d row %d: stale columns", ci, i)
			}
			for k := range c.ints {
				if c.ints[k][i] != want.ints[k][i] {
					return fmt.Errorf("chunk %d row %d: stale int column %d", ci, i, k)
				}
			}
			for k := range c.prefix {
				if c.prefix[k][i] != want.prefix[k][i] {
					return fmt.Errorf("chunk %d row %d: stale string column %d", ci, i, k)
				}
			}
		}
		n += c.n
	}
	if n != s.n {
		return fmt.Errorf("snapshot counts %d entries, chunks hold %d", s.n, n)
	}
	return nil
}
