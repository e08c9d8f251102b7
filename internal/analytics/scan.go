package analytics

import (
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Part is a block with the customers of it in scope: their indexes in the
// block, ascending.
type Part struct {
	Block *Block
	Rows  []int32
}

// Columnar reports whether EvaluateBlocks computes s: every nested fact
// and dimension but PARTICIPANT (an interaction's participants are a list,
// read from its brief by Evaluate). Aggregates of customers read the
// customers themselves (one row each) and go through Evaluate too.
func Columnar(s *Spec) bool {
	return s.Fact.Nested() && !slices.Contains(s.Dims, Participant)
}

// EvaluateBlocks computes s exactly as Evaluate does, over the customers
// of parts (in scope already), reading the blocks' columns: a row's time
// bucket comes from a grid (no calendar conversion per row), its codes
// from byte columns, and its group from an array indexed by its codes
// (dense) or from the packed key of its codes (sparse, when the product
// of the dimensions' sizes is too large or not known up front). ok
// is false when it cannot: s is not Columnar, or a dimension has more
// than 65,536 distinct values; the caller then runs Evaluate.
func EvaluateBlocks(s *Spec, parts []Part) (g *Groups, ok bool) {
	if !Columnar(s) {
		return nil, false
	}
	fi := nestedIndex(s.Fact)
	lo, hi, windowed := s.WindowMillis()
	rows := 0
	first := true
	for _, p := range parts {
		c := p.Block.facts[fi]
		rows += len(c.at)
		if windowed || len(c.at) == 0 {
			continue
		}
		if first || c.minAt < lo {
			lo = c.minAt
		}
		if first || c.maxAt > hi {
			hi = c.maxAt
		}
		first = false
	}
	if windowed {
		hi-- // the window is [lo, hi); the grid covers [lo, hi]
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, rows/50_000))
	evs := make([]*evaluator, workers)
	fails := make([]bool, workers)
	var wg sync.WaitGroup
	next := 0
	for w := range workers {
		// Contiguous runs of parts with about the same number of rows.
		end, n := next, 0
		for end < len(parts) && (w == workers-1 || n < rows/workers) {
			n += len(parts[end].Block.facts[fi].at)
			end++
		}
		e := newEvaluator(s)
		if e.unit != nil {
			e.grid, _ = newGrid(e.unit, lo, hi)
		}
		evs[w] = e
		wg.Add(1)
		go func(w int, ps []Part) {
			defer wg.Done()
			if !sparseOnly && evs[w].dense(ps, fi) {
				return
			}
			for _, p := range ps {
				if !evs[w].block(p, fi) {
					fails[w] = true
					return
				}
			}
		}(w, parts[next:end])
		next = end
	}
	wg.Wait()
	if slices.Contains(fails, true) {
		return nil, false
	}
	g, _ = gather(evs)
	return g, true
}

// plainGrid is the time bucket's lookup for countPlain (on: the request
// groups by a time unit).
type plainGrid struct {
	on     bool
	origin int64
	shift  uint
	mask   int64
	slots  []gridSlot
	stride uint64
}

// plainCols are the one-byte code columns countPlain reads, each with its
// stride; next is the place of NEXT_ACTION's or TIMELINESS's among them
// (-1: none), whose OPEN rows past their due time (due, now) count as
// OVERDUE.
type plainCols struct {
	smalls  [][]uint8
	strides []uint64
	next    int
	due     map[uint32]int64
	now     int64
}

// countPlain counts one customer's rows at (the rows from row lo of a
// block) into the dense groups: base, plus each row's codes times their
// strides, plus its time bucket times the unit's stride. It is the dense
// scan's loop without metrics, element filters or code remapping: the
// common dashboard chart (a count by month and an enum) at the fewest
// instructions per row.
func countPlain(at []int64, lo int, base uint64, c *plainCols, g *plainGrid, count, custs, last []int64, cust int64) {
	origin, shift, mask, slots, unit := g.origin, g.shift, g.mask, g.slots, g.on
	for r, t := range at {
		x := base
		for k, col := range c.smalls {
			v := uint64(col[lo+r])
			if k == c.next && v == uint64(nextOpen) { // rare: an open next action or request
				if due, ok := c.due[uint32(lo+r)]; ok && due < c.now {
					v = uint64(nextOverdue)
				}
			}
			x += v * c.strides[k]
		}
		if unit {
			off := t - origin
			sl := &slots[off>>shift]
			over := uint32(uint64(sl.cut-1-off&mask) >> 63) // as in dense
			x += uint64(sl.bucket+over*(sl.next-sl.bucket)) * g.stride
		}
		count[x]++
		diff := last[x] ^ cust
		custs[x] += int64(uint64(diff|-diff) >> 63)
		last[x] = cust
	}
}

// fallsDue reports whether d's OPEN code turns OVERDUE past the row's due
// time (the columns' due).
func fallsDue(d Dimension) bool { return d == NextAction || d == Timeliness }

// sparseOnly makes EvaluateBlocks skip the dense scan (tests compare both).
var sparseOnly = false

// ownColumn is how an evaluator reads one of the fact's own dimensions
// from a block.
type ownColumn struct {
	j     int       // its place in Spec.Dims
	col   *codes    // nil: OPENED_MONTH, the calendar of the row's time
	remap []uint32  // the block's codes to the evaluator's (nil: the same)
	cal   *bucketer // OPENED_MONTH's
	next  bool      // NEXT_ACTION, TIMELINESS: OPEN past its due time is OVERDUE
}

// block adds the rows of the customers of p; false when a code does not
// fit in the packed key.
func (e *evaluator) block(p Part, fi int) bool {
	b := p.Block
	fc := b.facts[fi]
	var owns []ownColumn
	unitShift := uint(0)
	for j, d := range e.s.Dims {
		switch e.kind[j] {
		case timeDim:
			unitShift = uint(16 * j)
		case rowDim:
			o := ownColumn{j: j, next: fallsDue(d)}
			if d == OpenedMonth {
				o.cal = e.cal[d]
			} else {
				o.col = fc.dims[d]
				if o.col.names != nil {
					o.remap = make([]uint32, len(o.col.names))
					for k, n := range o.col.names {
						if o.remap[k] = e.dicts[j].of(n); o.remap[k] >= 1<<16 {
							return false
						}
					}
				}
			}
			owns = append(owns, o)
		}
	}
	metrics := fc.metrics
	// A customer is read (At) only for what the columns lack: its own
	// dimensions' values, its brief for an element filter.
	read := e.hasElements || slices.Contains(e.kind, customerDim)
	for _, i := range p.Rows {
		var br *crm.Brief
		if read {
			c := b.at(int(i), &e.scratch)
			e.customerCodes(c)
			br = c.Brief
		}
		e.n++
		bases, ok := e.bases()
		if !ok {
			return false
		}
		lo, hi := fc.window(int(i), e.windowed, e.lo, e.hi)
		for r := lo; r < hi; r++ {
			t := fc.at[r]
			if e.hasElements && !e.element(br, fc.element(r, int(fc.start[i]))) {
				continue
			}
			var k uint64
			for oi := range owns {
				o := &owns[oi]
				var v uint32
				switch {
				case o.cal != nil:
					if v = e.dicts[o.j].of(o.cal.key(t)); v >= 1<<16 {
						return false
					}
				case o.remap != nil:
					v = o.remap[o.col.at(r)]
				default:
					v = o.col.at(r)
					if o.next && v == nextOpen && fc.overdue(r, e.now) {
						v = nextOverdue
					}
				}
				k |= uint64(v) << (16 * o.j)
			}
			if e.unit != nil {
				var id uint32
				if e.grid != nil {
					id = e.grid.id(t)
				} else if id = uint32(e.unit.find(t).id); id >= 1<<16 {
					return false
				}
				k |= uint64(id) << unitShift
			}
			e.clear()
			for m := range metrics {
				if v := metrics[m].at(r); v != absent {
					e.set(m, v)
				}
			}
			e.add(&e.total)
			for _, base := range bases {
				e.add(e.packedGroup(base | k))
			}
		}
	}
	return true
}

// element reports whether the j-th element of the fact's array in br is
// selected by Spec.Elements.
func (e *evaluator) element(br *crm.Brief, j int) bool {
	switch e.s.Fact {
	case Interactions:
		return e.interaction(&br.Interactions[j])
	case Deals:
		return e.deal(&br.Deals[j])
	case Needs:
		return e.need(&br.Needs[j])
	case Satisfaction:
		return e.survey(&br.Satisfaction[j])
	case StageChanges:
		return e.stage(&br.Stages[j])
	case ServiceRequests:
		return e.service(&br.Services[j])
	case Tasks:
		return e.task(&br.Tasks[j])
	}
	return true
}

// bases packs every combination of the customer's dimension values into
// the key bits of their places; false when a code does not fit in 16 bits.
func (e *evaluator) bases() ([]uint64, bool) {
	e.comboBuf = e.combos(0, code{}, e.comboBuf[:0])
	out := e.baseBuf[:0]
	for _, k := range e.comboBuf {
		var p uint64
		for j := range e.s.Dims {
			if k[j] >= 1<<16 {
				return nil, false
			}
			p |= uint64(k[j]) << (16 * j)
		}
		out = append(out, p)
	}
	e.baseBuf = out
	return out, true
}

// combos appends to out every combination of the customer's dimension
// values from place j on (one unless it has several tags; a tag listed
// twice counts once), the places of other dimensions left as in k.
func (e *evaluator) combos(j int, k code, out []code) []code {
	for j < len(e.s.Dims) && e.kind[j] != customerDim {
		j++
	}
	if j == len(e.s.Dims) {
		return append(out, k)
	}
	vs := e.vals[j]
	for x, v := range vs {
		if x > 0 && slices.Contains(vs[:x], v) {
			continue
		}
		k[j] = v
		out = e.combos(j+1, k, out)
	}
	return out
}

// packedGroup finds or makes the group of the packed key p.
func (e *evaluator) packedGroup(p uint64) *Group {
	sl := &e.cache[(p*0x9E3779B97F4A7C15)>>(64-cacheBits)]
	if sl.g != nil && sl.key == p {
		return sl.g
	}
	g := e.packed[p]
	if g == nil {
		g = &Group{Figures: make([]Figure, e.nm), lastCustomer: -1}
		e.packed[p] = g
		var k code
		for i := range k {
			k[i] = uint32(p >> (16 * i) & 0xFFFF)
		}
		e.groups[k] = g
	}
	sl.key, sl.g = p, g
	return g
}

// maxDense is the most groups a dense scan keeps (index by the product of
// the dimensions' sizes): 12 months × 8 channels is 96.
const maxDense = 1 << 16

// denseFigure is one metric's running figures of a dense group.
type denseFigure struct{ n, sum, min, max int64 }

// dense groups the rows of parts into arrays indexed by the group's place
// in the product of the dimensions' values, rather than finding a group
// by its key for every row. It first codes every customer in scope (so
// the customer dimensions' sizes are known), then scans the rows. ok is
// false, before anything is counted, when a dimension's size is not
// known up front (OPENED_MONTH, a time unit without a grid) or the
// product exceeds maxDense; the caller then scans sparsely (block).
func (e *evaluator) dense(parts []Part, fi int) (ok bool) {
	s := e.s
	if (e.unit != nil && e.grid == nil) || e.nm > 2 {
		return false
	}
	// Pass 1: the blocks' own values and the customers' values, coded.
	remaps := make([][][]uint32, len(parts)) // by part, by dimension place
	for pi, p := range parts {
		remaps[pi] = make([][]uint32, len(s.Dims))
		for j, d := range s.Dims {
			if e.kind[j] != rowDim {
				continue
			}
			if d == OpenedMonth {
				return false
			}
			if col := p.Block.facts[fi].dims[d]; col.names != nil {
				r := make([]uint32, len(col.names))
				for k, n := range col.names {
					r[k] = e.dicts[j].of(n)
				}
				remaps[pi][j] = r
			}
		}
	}
	type combo = code
	var combos []combo
	var first []int32 // by customer in scope: its first combo (nil: no customer dimension)
	// By customer in scope, its brief for an element filter, kept from
	// pass 1 (the customer is read once, its brief shared and stable).
	var briefs []*crm.Brief
	if slices.Contains(e.kind, customerDim) {
		for _, p := range parts {
			for _, i := range p.Rows {
				first = append(first, int32(len(combos)))
				c := p.Block.at(int(i), &e.scratch)
				e.customerCodes(c)
				combos = e.combos(0, combo{}, combos)
				if e.hasElements {
					briefs = append(briefs, c.Brief)
				}
			}
		}
		first = append(first, int32(len(combos)))
	}
	var size [MaxDimensions + 1]uint64
	var stride [MaxDimensions + 1]uint64
	total := uint64(1)
	for j := range s.Dims {
		switch e.kind[j] {
		case timeDim:
			size[j] = uint64(len(e.unit.keys))
		default:
			size[j] = uint64(len(e.dicts[j].names))
		}
		size[j] = max(size[j], 1)
		stride[j] = total
		if total *= size[j]; total > maxDense {
			return false
		}
	}
	// Pass 2: the rows.
	n := int(total)
	count := make([]int64, n)
	custs := make([]int64, n)
	last := make([]int64, n)
	nm := e.nm
	figs := newDenseFigures(n * nm)
	var values [][]int64
	keep := slices.Contains(e.keepAt, true)
	if keep {
		values = make([][]int64, n*nm)
	}
	tf := newDenseFigures(nm)
	tvals := make([][]int64, nm)
	type own struct {
		col    *codes
		remap  []uint32
		stride uint64
		next   bool
	}
	unitStride := uint64(0)
	for j := range s.Dims {
		if e.kind[j] == timeDim {
			unitStride = stride[j]
		}
	}
	// The loop below reads locals only: fields of e would be reloaded on
	// every row (the compiler cannot tell that the stores into the arrays
	// leave them alone).
	windowed, wlo, whi, now := e.windowed, e.lo, e.hi, e.now
	hasElements, keepAny := e.hasElements, keep
	var origin int64
	var shift uint
	var slots []gridSlot
	if e.grid != nil {
		origin, shift, slots = e.grid.origin, e.grid.shift, e.grid.slots
	}
	mask := int64(1)<<shift - 1
	hasUnit := e.unit != nil
	grid := plainGrid{on: hasUnit, origin: origin, shift: shift, mask: mask, slots: slots, stride: unitStride}
	var smallsBuf [MaxDimensions][]uint8
	var stridesBuf [MaxDimensions]uint64
	var totalCount, totalCusts int64
	ci := 0
	for pi, p := range parts {
		b := p.Block
		fc := b.facts[fi]
		var owns []own
		for j, d := range s.Dims {
			if e.kind[j] == rowDim {
				owns = append(owns, own{col: fc.dims[d], remap: remaps[pi][j], stride: stride[j], next: fallsDue(d)})
			}
		}
		at := fc.at
		var m0, m1 []int64
		var n0 []uint16 // a narrow first metric (m0 nil)
		if nm > 0 && e.wanted[0] {
			m0, n0 = fc.metrics[0].wide, fc.metrics[0].narrow
		}
		if nm > 1 && e.wanted[1] {
			m1 = fc.metrics[1].wide
		}
		// Rows that only count (no metric, no element filter, one-byte
		// codes as they are) go through countPlain.
		plain := !hasElements && m0 == nil && n0 == nil && m1 == nil && len(owns) <= len(smallsBuf)
		smalls, strides, nextAt := smallsBuf[:0], stridesBuf[:0], -1
		for k, o := range owns {
			plain = plain && o.col.small != nil && o.remap == nil
			if o.next {
				nextAt = k
			}
			smalls, strides = append(smalls, o.col.small), append(strides, o.stride)
		}
		pc := plainCols{smalls: smalls, strides: strides, next: nextAt, due: fc.due, now: now}
		for _, i := range p.Rows {
			e.n++
			cust := e.n
			var baseIdx [8]uint64
			bi := baseIdx[:1] // without a customer dimension: one base, 0
			if first != nil {
				bi = bi[:0]
			}
			for _, k := range combosOf(combos, first, ci) {
				var x uint64
				for j := range s.Dims {
					if e.kind[j] == customerDim {
						x += uint64(k[j]) * stride[j]
					}
				}
				bi = append(bi, x)
			}
			var br *crm.Brief // its brief, which an element filter reads
			if briefs != nil {
				br = briefs[ci]
			}
			ci++
			lo, hi := fc.window(int(i), windowed, wlo, whi)
			if plain && len(bi) == 1 {
				if hi > lo {
					totalCount += int64(hi - lo)
					totalCusts++
					countPlain(at[lo:hi], lo, bi[0], &pc, &grid, count, custs, last, cust)
				}
				continue
			}
			if hasElements && br == nil && hi > lo { // not read in pass 1
				br = b.at(int(i), &e.scratch).Brief
			}
			counted := false
			for r := lo; r < hi; r++ {
				t := at[r]
				if hasElements && !e.element(br, fc.element(r, int(fc.start[i]))) {
					continue
				}
				var x uint64
				for oi := range owns {
					o := &owns[oi]
					var v uint32
					if o.col.small != nil {
						v = uint32(o.col.small[r])
					} else {
						v = o.col.wide[r]
					}
					if o.remap != nil {
						v = o.remap[v]
					} else if o.next && v == nextOpen && fc.overdue(r, now) {
						v = nextOverdue
					}
					x += uint64(v) * o.stride
				}
				if hasUnit {
					off := t - origin
					sl := &slots[off>>shift]
					// Without a branch (rows come in no time order): over
					// is 1 when the time is at or past the slot's cut.
					over := uint32(uint64(sl.cut-1-off&mask) >> 63)
					x += uint64(sl.bucket+over*(sl.next-sl.bucket)) * unitStride
				}
				totalCount++
				counted = true
				v0, v1 := int64(absent), int64(absent)
				switch {
				case n0 != nil:
					if n := n0[r]; n != 0 {
						v0 = int64(n)
						tf[0].add(v0)
					}
				case m0 != nil:
					if v0 = m0[r]; v0 != absent {
						tf[0].add(v0)
					}
				}
				if m1 != nil {
					if v1 = m1[r]; v1 != absent {
						tf[1].add(v1)
					}
				}
				if keepAny {
					if v0 != absent && e.keepAt[0] {
						tvals[0] = append(tvals[0], v0)
					}
					if v1 != absent && e.keepAt[1] {
						tvals[1] = append(tvals[1], v1)
					}
				}
				for _, base := range bi {
					g := int(base + x)
					count[g]++
					// Without a branch: a customer's rows fall in groups
					// in no order, so a branch would be mispredicted often.
					diff := last[g] ^ cust
					custs[g] += int64(uint64(diff|-diff) >> 63) // 1 unless the customer was counted
					last[g] = cust
					if v0 != absent {
						figs[g*nm].add(v0)
					}
					if v1 != absent {
						figs[g*nm+1].add(v1)
					}
					if keepAny {
						if v0 != absent && e.keepAt[0] {
							values[g*nm] = append(values[g*nm], v0)
						}
						if v1 != absent && e.keepAt[1] {
							values[g*nm+1] = append(values[g*nm+1], v1)
						}
					}
				}
			}
			if counted {
				totalCusts++
			}
		}
	}
	e.total.Count += totalCount
	e.total.Customers += totalCusts
	// The groups with rows, and the total.
	for m := range nm {
		tf[m].into(&e.total.Figures[m])
		e.total.Figures[m].Values = append(e.total.Figures[m].Values, tvals[m]...)
	}
	for g := range n {
		if count[g] == 0 {
			continue
		}
		grp := &Group{Count: count[g], Customers: custs[g], Figures: make([]Figure, nm), lastCustomer: -1}
		for m := range nm {
			figs[g*nm+m].into(&grp.Figures[m])
			if keep {
				grp.Figures[m].Values = values[g*nm+m]
			}
		}
		var k code
		for j := range s.Dims {
			k[j] = uint32(uint64(g) / stride[j] % size[j])
		}
		e.groups[k] = grp
	}
	return true
}

// newDenseFigures returns n empty figures (min and max at their
// neutral values, so that add needs no branch).
func newDenseFigures(n int) []denseFigure {
	fs := make([]denseFigure, n)
	for i := range fs {
		fs[i].min, fs[i].max = math.MaxInt64, math.MinInt64
	}
	return fs
}

func (f *denseFigure) add(v int64) {
	f.min = min(f.min, v)
	f.max = max(f.max, v)
	f.n++
	f.sum += v
}

// into adds f to a Figure.
func (f *denseFigure) into(g *Figure) {
	if f.n == 0 {
		return
	}
	g.merge(&Figure{N: f.n, Sum: f.sum, Min: f.min, Max: f.max})
}

// window returns the rows of customer i whose time lies in [lo, hi) (all
// of them when not windowed): a customer's rows are in time order.
func (c *columns) window(i int, windowed bool, lo, hi int64) (int, int) {
	a, b := int(c.start[i]), int(c.start[i+1])
	if !windowed {
		return a, b
	}
	at := c.at[a:b]
	first, _ := slices.BinarySearch(at, lo)
	n, _ := slices.BinarySearch(at[first:], hi)
	return a + first, a + first + n
}

// combosOf is the combos of the ci-th customer (none without first).
func combosOf(combos []code, first []int32, ci int) []code {
	if first == nil {
		return nil
	}
	return combos[first[ci]:first[ci+1]]
}
