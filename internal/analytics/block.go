package analytics

import (
	"cmp"
	"math"
	"slices"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Block is the nested facts of a run of customers, column by column: what
// the in-process engine scans (EvaluateBlocks) instead of walking each
// customer's brief. A fact's rows are the customers' elements in brief
// order, customer after customer; a column holds one field of every row
// (times, enum codes, metric values), so grouping interactions by month
// and channel reads 9 bytes a row, in order, rather than a 48-byte
// element at a time scattered over the heap.
//
// The embedded store keeps one Block per chunk of its read model, built
// the first time an aggregate needs it; a Block is never modified after
// NewBlockFrom.
//
// A Block holds no customer: it reads one through its At when a scan needs
// the customer's own values (customer dimensions, a brief for an element
// filter), so that the store need not keep every customer as a struct.
type Block struct {
	n     int // customers
	at    At
	facts [numNested]*columns
}

// At returns customer i of a run: dst filled in (or another customer the
// caller owns); what it returns is valid until the next call with the same
// dst. It may be called from several goroutines at once, each with its
// own dst.
//
// It lets a store keep its customers compact and build one on demand into
// a scratch value: the engine reads one customer at a time per goroutine,
// and keeps nothing of it past the next call but strings (immutable) and
// its Brief (which the customer shares, never owns).
type At func(i int, dst *crm.Customer) *crm.Customer

// sliceAt is the At of customers held as structs: dst is not used.
func sliceAt(customers []*crm.Customer) At {
	return func(i int, _ *crm.Customer) *crm.Customer { return customers[i] }
}

// The nested facts, as indexes of Block.facts.
const (
	nestedInteractions = iota
	nestedDeals
	nestedNeeds
	nestedSurveys
	nestedStages
	nestedServices
	nestedTasks
	numNested
)

func nestedIndex(f Fact) int {
	switch f {
	case Interactions:
		return nestedInteractions
	case Deals:
		return nestedDeals
	case Needs:
		return nestedNeeds
	case Satisfaction:
		return nestedSurveys
	case StageChanges:
		return nestedStages
	case ServiceRequests:
		return nestedServices
	case Tasks:
		return nestedTasks
	}
	return -1
}

// columns is one nested fact of a block.
type columns struct {
	start   []uint32 // customer i's rows are [start[i], start[i+1])
	at      []int64  // the fact's time, Unix ms (a deal's date at midnight UTC); a customer's rows in time order
	elem    []uint32 // the row's index in the customer's array (its brief); nil: r - start[i], no customer's rows were reordered
	minAt   int64    // the earliest and latest at (0, 0 without rows)
	maxAt   int64
	dims    map[Dimension]*codes
	metrics []metric // by Fact.Metrics index
	// The due time of the rows that may fall overdue (NEXT_ACTION and
	// TIMELINESS code OPEN): interactions with an open, dated next
	// action; service requests still worked on; open tasks.
	due map[uint32]int64
}

// absent marks a row without a value of a metric.
const absent = math.MinInt64

// codes is a column of one own dimension: small (one byte) or wide codes,
// which are the engine's dictionary codes (dictOf) when names is nil, else
// indexes in names, the block's own dictionary of the values.
type codes struct {
	small []uint8
	wide  []uint32
	names []string
	index map[string]uint32 // while building
}

func (c *codes) at(r int) uint32 {
	if c.small != nil {
		return uint32(c.small[r])
	}
	return c.wide[r]
}

func (c *codes) addName(s string) {
	if c.index == nil {
		c.index = map[string]uint32{}
	}
	k, ok := c.index[s]
	if !ok {
		k = uint32(len(c.names))
		c.names = append(c.names, s)
		c.index[s] = k
	}
	c.wide = append(c.wide, k)
}

// NewBlock builds the columns of customers, which must all have a Brief.
// The Block reads the slice later (NewBlockFrom): it must not change.
func NewBlock(customers []*crm.Customer) *Block {
	return NewBlockFrom(len(customers), sliceAt(customers))
}

// NewBlockFrom builds the columns of the n customers that at returns,
// which must all have a Brief. The Block keeps at, to read a customer's
// own values when a scan needs them (EvaluateBlocks): at must return the
// same customers for as long as the Block is used.
func NewBlockFrom(n int, at At) *Block {
	b := &Block{n: n, at: at}
	// The briefs, read once: a customer is valid only until the next call
	// of at, but its brief is shared and stays (the columns are built in
	// two passes over them).
	briefs := make([]*crm.Brief, n)
	var scratch crm.Customer
	for i := range briefs {
		briefs[i] = at(i, &scratch).Brief
	}
	// Every column is allocated at its final size (no slack from growth).
	var rows [numNested]int
	for _, br := range briefs {
		rows[nestedInteractions] += len(br.Interactions)
		rows[nestedDeals] += len(br.Deals)
		rows[nestedNeeds] += len(br.Needs)
		rows[nestedSurveys] += len(br.Satisfaction)
		rows[nestedStages] += len(br.Stages)
		rows[nestedServices] += len(br.Services)
		rows[nestedTasks] += len(br.Tasks)
	}
	newColumns := func(f int, small, wide []Dimension, metrics int) *columns {
		n := rows[f]
		c := &columns{start: make([]uint32, 1, len(briefs)+1), at: make([]int64, 0, n), elem: make([]uint32, 0, n),
			dims: map[Dimension]*codes{}, metrics: make([]metric, metrics)}
		for _, d := range small {
			c.dims[d] = &codes{small: make([]uint8, 0, n)}
		}
		for _, d := range wide {
			c.dims[d] = &codes{wide: make([]uint32, 0, n)}
		}
		for m := range c.metrics {
			c.metrics[m].wide = make([]int64, 0, n)
		}
		b.facts[f] = c
		return c
	}
	in := newColumns(nestedInteractions, []Dimension{Channel, KeyEvent, Recording, NextAction}, nil, 1)
	in.due = map[uint32]int64{}
	in.metrics[0] = metric{narrow: make([]uint16, 0, rows[nestedInteractions])} // minutes: at most a day
	deals := newColumns(nestedDeals, nil, []Dimension{Product}, 1)
	needs := newColumns(nestedNeeds, nil, []Dimension{Status, Priority, Kind, NeedOwnType}, 2)
	surveys := newColumns(nestedSurveys, []Dimension{ScoreBand}, nil, 1)
	stages := newColumns(nestedStages, []Dimension{FromStage, ToStage}, nil, 1)
	services := newColumns(nestedServices, []Dimension{Timeliness}, []Dimension{Status, Priority, Kind, Assignee}, 1)
	services.due = map[uint32]int64{}
	tasks := newColumns(nestedTasks, []Dimension{Timeliness}, []Dimension{Kind, Status, Assignee}, 1)
	tasks.due = map[uint32]int64{}

	for _, br := range briefs {
		for _, i := range inOrder(len(br.Interactions), func(i int) int64 { return br.Interactions[i].At }) {
			x := &br.Interactions[i]
			in.row(x.At, i)
			in.dims[Channel].small = append(in.dims[Channel].small, uint8(x.ChannelIndex()))
			in.dims[KeyEvent].small = append(in.dims[KeyEvent].small, uint8(x.KeyEventIndex()))
			in.dims[Recording].small = append(in.dims[Recording].small, x.Recording())
			next, due := uint8(nextNone), int64(0)
			switch x.Next() {
			case crm.NextOpen:
				next, due = uint8(nextOpen), x.NextDue
			case crm.NextDone:
				next = uint8(nextDone)
			}
			in.dims[NextAction].small = append(in.dims[NextAction].small, next)
			if due != 0 {
				in.due[uint32(len(in.at)-1)] = due
			}
			in.metrics[0].narrow = append(in.metrics[0].narrow, x.DurationMin) // 0: none
		}
		for _, i := range inOrder(len(br.Deals), func(i int) int64 { return br.Deals[i].Date }) {
			x := &br.Deals[i]
			deals.row(x.Date, i)
			deals.dims[Product].addName(x.Product)
			deals.metrics[0].wide = append(deals.metrics[0].wide, int64(x.Amount))
		}
		for _, i := range inOrder(len(br.Needs), func(i int) int64 { return br.Needs[i].OpenedAt }) {
			x := &br.Needs[i]
			needs.row(x.OpenedAt, i)
			needs.dims[Status].addName(string(x.Status))
			needs.dims[Priority].addName(string(x.Priority))
			needs.dims[Kind].addName(string(x.Kind))
			needs.dims[NeedOwnType].addName(string(x.Type))
			budget, resolve := int64(absent), int64(absent)
			if x.HasBudget {
				budget = int64(x.BudgetMax)
			}
			if x.HasResolved && x.Status == crm.NeedStatusResolved {
				resolve = max(0, x.ResolvedAt-x.OpenedAt)
			}
			needs.metrics[0].wide = append(needs.metrics[0].wide, budget)
			needs.metrics[1].wide = append(needs.metrics[1].wide, resolve)
		}
		for _, i := range inOrder(len(br.Satisfaction), func(i int) int64 { return br.Satisfaction[i].At }) {
			x := &br.Satisfaction[i]
			surveys.row(x.At, i)
			surveys.dims[ScoreBand].small = append(surveys.dims[ScoreBand].small, bandCode(x.Score))
			surveys.metrics[0].wide = append(surveys.metrics[0].wide, int64(x.Score))
		}
		for _, i := range inOrder(len(br.Stages), func(i int) int64 { return br.Stages[i].At }) {
			x := &br.Stages[i]
			stages.row(x.At, i)
			stages.dims[FromStage].small = append(stages.dims[FromStage].small, uint8(x.FromIndex()))
			stages.dims[ToStage].small = append(stages.dims[ToStage].small, uint8(x.ToIndex()))
			d := int64(absent)
			if i > 0 && x.FromIndex() != 0 {
				d = max(0, x.At-br.Stages[i-1].At)
			}
			stages.metrics[0].wide = append(stages.metrics[0].wide, d)
		}
		for _, i := range inOrder(len(br.Services), func(i int) int64 { return br.Services[i].OpenedAt }) {
			x := &br.Services[i]
			services.row(x.OpenedAt, i)
			services.dims[Status].addName(string(x.Status))
			services.dims[Priority].addName(string(x.Priority))
			services.dims[Kind].addName(string(x.Kind))
			services.dims[Assignee].addName(x.AssigneeID)
			t := timeliness(x)
			services.dims[Timeliness].small = append(services.dims[Timeliness].small, uint8(t))
			if t == nextOpen {
				services.due[uint32(len(services.at)-1)] = x.Due
			}
			h := int64(absent)
			if x.HasHours {
				h = x.Hours
			}
			services.metrics[0].wide = append(services.metrics[0].wide, h)
		}
		for _, i := range inOrder(len(br.Tasks), func(i int) int64 { return br.Tasks[i].Due }) {
			x := &br.Tasks[i]
			tasks.row(x.Due, i)
			tasks.dims[Kind].addName(string(x.Kind))
			tasks.dims[Status].addName(string(x.Status))
			tasks.dims[Assignee].addName(x.AssigneeID)
			t := taskTimeliness(x)
			tasks.dims[Timeliness].small = append(tasks.dims[Timeliness].small, uint8(t))
			if t == nextOpen {
				tasks.due[uint32(len(tasks.at)-1)] = x.Due
			}
			d := int64(absent)
			if x.Status == crm.TaskDone && x.HasClosed {
				d = max(0, x.ClosedAt-x.CreatedAt)
			}
			tasks.metrics[0].wide = append(tasks.metrics[0].wide, d)
		}
		for _, f := range b.facts {
			f.start = append(f.start, uint32(len(f.at)))
		}
	}
	for _, f := range b.facts {
		for _, c := range f.dims {
			c.index = nil
		}
		if f.inArrayOrder() {
			f.elem = nil
		}
	}
	return b
}

// inArrayOrder reports whether every customer's rows are in array order.
func (c *columns) inArrayOrder() bool {
	for i := range len(c.start) - 1 {
		for r := c.start[i]; r < c.start[i+1]; r++ {
			if c.elem[r] != r-c.start[i] {
				return false
			}
		}
	}
	return true
}

// element is the index in the customer's array of row r, the customer's
// rows starting at lo.
func (c *columns) element(r, lo int) int {
	if c.elem == nil {
		return r - lo
	}
	return int(c.elem[r])
}

// overdue reports whether row r, OPEN in its NEXT_ACTION or TIMELINESS
// column, is due before now.
func (c *columns) overdue(r int, now int64) bool {
	due, ok := c.due[uint32(r)]
	return ok && due < now
}

// metric is a column of one metric's values: wide (absent where a row has
// none) or narrow (two bytes, 0 where a row has none: an interaction's
// minutes).
type metric struct {
	wide   []int64
	narrow []uint16
}

func (m *metric) at(r int) int64 {
	if m.narrow != nil {
		if v := m.narrow[r]; v != 0 {
			return int64(v)
		}
		return absent
	}
	return m.wide[r]
}

// row appends a row at time t, the element i of the customer's array.
func (c *columns) row(t int64, i int) {
	c.elem = append(c.elem, uint32(i))
	if len(c.at) == 0 || t < c.minAt {
		c.minAt = t
	}
	if len(c.at) == 0 || t > c.maxAt {
		c.maxAt = t
	}
	c.at = append(c.at, t)
}

// bandCode is a score's SCORE_BAND code in dictOf(ScoreBand).
func bandCode(score int) uint8 {
	switch scoreBand(score) {
	case bandHigh:
		return 0
	case bandMedium:
		return 1
	}
	return 2
}

// inOrder returns the indexes of n elements in the order of their times,
// equal times in array order: a customer's rows are kept sorted so that a
// scan finds those in a window by binary search.
func inOrder(n int, at func(i int) int64) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(at(a), at(b)) })
	return idx
}

// Rows is the number of rows of the fact f in the block.
func (b *Block) Rows(f Fact) int {
	if i := nestedIndex(f); i >= 0 {
		return len(b.facts[i].at)
	}
	return b.n
}

// Len is the number of customers in the block.
func (b *Block) Len() int { return b.n }
