package analytics

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// Engine computes aggregates. The embedded store evaluates them in process
// over its read model (Evaluate); the MongoDB store compiles the same Spec
// to one aggregation pipeline. Both must give the same Groups (a
// differential test checks it).
type Engine interface {
	// Aggregate computes s. Errors: BAD_USER_INPUT for a bad archive scope;
	// RATE_LIMITED when the evaluation gate is full; INTERNAL.
	Aggregate(ctx context.Context, s *Spec) (*Groups, error)
}

// Spec is one aggregate, resolved and validated: what an Engine computes.
type Spec struct {
	Fact Fact
	// The customers in scope: Scope (nil: every customer) within Archive,
	// evaluated for User and Viewer as lists are (crm.ListQuery).
	Scope   crm.Filter
	Archive crm.ArchiveScope
	User    string
	Viewer  *crm.Actor
	// Elements selects the rows of a nested fact (nil: every element).
	// It is lean: it reads only what a crm.Brief holds.
	Elements *segment.Elements
	// Dims are the group keys, in order; at most one is a time unit.
	Dims []Dimension
	// Window keeps the rows whose time lies in it (nil: any time).
	Window *Range
	// Loc is the time zone of time units and of the window on instants
	// (a deal's date is a calendar date and is taken as it is).
	Loc *time.Location
	// Medians lists the metrics whose medians are wanted (they cost the
	// values' memory).
	Medians []Metric
	// Metrics lists the metrics whose figures are read (nil: every one of
	// the fact's); an Engine may leave the others' figures empty.
	Metrics []Metric
	// Now is the instant an open next action counts as overdue after.
	Now time.Time
}

// Reads returns the parts of a customer (crm.Parts) that Evaluate reads
// for s besides its Brief: what customers are grouped by (the customer
// dimensions, CreatedAt: crm.PartProfile), and its Stats for the figures
// of customers or the calendar of its first deal. A store that builds
// customers for Evaluate builds these (TestEvaluateReadsItsParts checks
// that nothing else is read).
func (s *Spec) Reads() crm.Parts {
	p := crm.PartProfile
	if s.Fact == Customers && (s.Metrics == nil || len(s.Metrics) > 0) {
		p |= crm.PartStats
	}
	for _, d := range s.Dims {
		if d == FirstDealMonth || d == FirstDealQuarter {
			p |= crm.PartStats
		}
	}
	return p
}

// DateFact reports whether the fact's time is a calendar date (a deal's)
// rather than an instant.
func (s *Spec) DateFact() bool { return s.Fact == Deals }

// Groups is an Engine's answer: every group that has rows, in no order,
// and the total over every row (not the sum of the groups: a customer
// with two tags is in two TAG groups, once in the total).
type Groups struct {
	Groups []*Group
	Total  Group
	// Customers is the number of customers in scope; Rows the number of
	// rows counted (Total.Count).
	Customers int64
}

// Group is the figures of one combination of keys (codes in Spec.Dims
// order; "" for a value that is not set).
type Group struct {
	Keys      []string
	Count     int64    // rows: customers for CUSTOMERS
	Customers int64    // distinct customers among the rows
	Figures   []Figure // by the fact's metrics, in Fact.Metrics order

	lastCustomer int64 // the customer last counted (per evaluation)
}

// Figure is what a group holds of one metric.
type Figure struct {
	N             int64   // rows that have a value
	Sum, Min, Max int64   // in the metric's unit (Metric.Unit)
	Values        []int64 // every value, sorted, when the median was asked for
}

func (f *Figure) add(v int64, keep bool) {
	if f.N == 0 || v < f.Min {
		f.Min = v
	}
	if f.N == 0 || v > f.Max {
		f.Max = v
	}
	f.N++
	f.Sum += v
	if keep {
		f.Values = append(f.Values, v)
	}
}

func (f *Figure) merge(g *Figure) {
	if g.N == 0 {
		return
	}
	if f.N == 0 || g.Min < f.Min {
		f.Min = g.Min
	}
	if f.N == 0 || g.Max > f.Max {
		f.Max = g.Max
	}
	f.N += g.N
	f.Sum += g.Sum
	f.Values = append(f.Values, g.Values...)
}

// Median is the middle value, or the mean of the two middle ones, as a
// fraction num/2 in the metric's unit; ok is false without values.
func (f *Figure) median() (twice int64, ok bool) {
	n := len(f.Values)
	if n == 0 {
		return 0, false
	}
	if n%2 == 1 {
		return 2 * f.Values[n/2], true
	}
	return f.Values[n/2-1] + f.Values[n/2], true
}

// Evaluate computes s over customers that are in scope already (the
// caller applied s.Scope and s.Archive): whole documents, or read-model
// customers with a Brief. It splits the work over the cores. A customer
// without a Brief whose brief cannot be built (a value this version does
// not know) is left out and counted in skipped.
//
// Rows are counted by integer codes (one small dictionary per dimension
// and worker, enum values by their brief index, time buckets by the
// bucketer's span), so the hot loop hashes a few integers, never a
// string; the keys are written out once per group at the end.
func Evaluate(s *Spec, customers []*crm.Customer) (g *Groups, skipped int) {
	return EvaluateFrom(s, len(customers), sliceAt(customers))
}

// EvaluateFrom is Evaluate over the n customers that at returns: each
// worker reads its customers one at a time into its own scratch customer,
// and keeps nothing of one past the next (see At), so the caller need not
// hold every customer as a struct at once.
func EvaluateFrom(s *Spec, n int, at At) (g *Groups, skipped int) {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/2000))
	parts := make([]*evaluator, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		parts[w] = newEvaluator(s)
		wg.Add(1)
		go func(e *evaluator, lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				e.customer(at(i, &e.scratch))
			}
		}(parts[w], lo, hi)
	}
	wg.Wait()
	return gather(parts)
}

// gather merges the groups of evaluators that saw different customers.
func gather(parts []*evaluator) (out *Groups, skipped int) {
	out = &Groups{}
	byKeys := map[string]*Group{}
	for i, p := range parts {
		if i == 0 {
			out.Total = p.total
		} else {
			mergeGroup(&out.Total, &p.total)
		}
		out.Customers += p.n
		skipped += p.skipped
		for _, g := range p.result() {
			id := strings.Join(g.Keys, "\x00")
			if h := byKeys[id]; h != nil {
				mergeGroup(h, g) // the workers saw different customers
			} else {
				byKeys[id] = g
				out.Groups = append(out.Groups, g)
			}
		}
	}
	for _, g := range append(out.Groups, &out.Total) {
		for i := range g.Figures {
			slices.Sort(g.Figures[i].Values)
		}
	}
	return out, skipped
}

// A direct-mapped cache in front of the packed map: the groups of a
// typical chart (12 months × 8 channels) stay in it, and a row finds its
// group without a map lookup.
const cacheBits = 10

type slot struct {
	key uint64
	g   *Group
}

// code is a group's key as integer codes, one per dimension.
type code [MaxDimensions + 1]uint32

// dict numbers the values of one dimension.
type dict struct {
	names []string
	index map[string]uint32
}

func newDict(names ...string) *dict {
	d := &dict{index: map[string]uint32{}}
	for _, n := range names {
		d.of(n)
	}
	return d
}

func (d *dict) of(s string) uint32 {
	if c, ok := d.index[s]; ok {
		return c
	}
	c := uint32(len(d.names))
	d.names = append(d.names, s)
	d.index[s] = c
	return c
}

type evaluator struct {
	s       *Spec
	nm      int               // metrics of the fact
	keepAt  []bool            // by metric index: keep values for the median
	wanted  []bool            // by metric index: its figures are read (Spec.Metrics)
	groups  map[code]*Group   // every group
	packed  map[uint64]*Group // the groups whose codes fit in 16 bits each
	cache   *[1 << cacheBits]slot
	total   Group
	skipped int
	n       int64 // customers seen (the distinct-customer counter)
	// The customer an At fills in: the worker's own, valid until its next
	// call. Nothing of it is kept past the customer's rows but strings
	// (the dictionaries' keys) and its Brief.
	scratch crm.Customer

	now      int64     // Spec.Now in Unix milliseconds
	days     *bucketer // calendar days in Spec.Loc (sales cycles)
	lo, hi   int64     // the window in Unix milliseconds
	windowed bool
	unit     *bucketer // the time unit's, nil without one
	cal      map[Dimension]*bucketer

	kind  []int   // by dimension: customerDim, timeDim or rowDim
	dicts []*dict // by dimension (the time unit's names are the bucketer's)

	interaction func(*crm.BriefInteraction) bool
	need        func(*crm.BriefNeed) bool
	deal        func(*crm.BriefDeal) bool
	survey      func(*crm.BriefSatisfaction) bool
	stage       func(*crm.BriefStageChange) bool
	service     func(*crm.BriefServiceRequest) bool
	task        func(*crm.BriefTask) bool

	// Per row scratch: each dimension's codes, and the metrics'.
	vals  [MaxDimensions + 1][]uint32
	one   [MaxDimensions + 1][1]uint32
	multi [MaxDimensions + 1][]uint32
	mv    []int64
	has   []bool

	lastCode  code
	lastGroup *Group

	// The columnar scan's (scan.go).
	grid        *grid // the time unit's over the rows' stretch; nil: the bucketer
	hasElements bool
	baseBuf     []uint64
	comboBuf    []code
}

func newEvaluator(s *Spec) *evaluator {
	e := &evaluator{s: s, nm: len(s.Fact.Metrics()), groups: map[code]*Group{}, packed: map[uint64]*Group{},
		cache: new([1 << cacheBits]slot), cal: map[Dimension]*bucketer{}}
	e.keepAt = make([]bool, e.nm)
	e.wanted = make([]bool, e.nm)
	for i, m := range s.Fact.Metrics() {
		e.wanted[i] = s.Metrics == nil || slices.Contains(s.Metrics, m)
	}
	for _, m := range s.Medians {
		if i := s.Fact.metricIndex(m); i >= 0 {
			e.keepAt[i] = true
		}
	}
	e.mv, e.has = make([]int64, e.nm), make([]bool, e.nm)
	e.total.Figures = make([]Figure, e.nm)
	e.total.lastCustomer = -1
	loc := s.Location()
	e.now = s.Now.UnixMilli()
	e.days = newBucketer(Day, loc)
	e.lo, e.hi, e.windowed = s.WindowMillis()
	for _, d := range s.Dims {
		e.kind = append(e.kind, kindOf(s.Fact, d))
		e.dicts = append(e.dicts, dictOf(d))
		if d.IsTime() {
			e.unit = newBucketer(d, s.FactLocation())
		} else if unit, utc, ok := d.Calendar(); ok {
			zone := loc
			if utc {
				zone = time.UTC // a date
			}
			e.cal[d] = newBucketer(unit, zone)
		}
	}
	if s.Elements != nil {
		e.hasElements = true
		switch s.Fact {
		case Interactions:
			e.interaction = segment.ElementPredicate[crm.BriefInteraction](s.Elements)
		case Needs:
			e.need = segment.ElementPredicate[crm.BriefNeed](s.Elements)
		case Deals:
			e.deal = segment.ElementPredicate[crm.BriefDeal](s.Elements)
		case Satisfaction:
			e.survey = segment.ElementPredicate[crm.BriefSatisfaction](s.Elements)
		case StageChanges:
			e.stage = segment.ElementPredicate[crm.BriefStageChange](s.Elements)
		case ServiceRequests:
			e.service = segment.ElementPredicate[crm.BriefServiceRequest](s.Elements)
		case Tasks:
			e.task = segment.ElementPredicate[crm.BriefTask](s.Elements)
		}
	}
	return e
}

// dictOf is a dimension's dictionary, with the values the engine codes by
// their brief index registered first, in that order.
func dictOf(d Dimension) *dict {
	switch d {
	case Channel:
		var names []string
		for _, c := range crm.Channels() {
			names = append(names, string(c))
		}
		return newDict(names...)
	case KeyEvent:
		names := []string{noValue}
		for _, k := range crm.KeyEvents() {
			names = append(names, string(k))
		}
		return newDict(names...)
	case FromStage, ToStage:
		names := []string{noValue}
		for _, st := range crm.Stages() {
			names = append(names, string(st))
		}
		return newDict(names...)
	case Recording:
		return newDict(noValue, OnTime, Late) // crm.RecordedUnknown, RecordedOnTime, RecordedLate
	case NextAction:
		return newDict(None, Open, Overdue, Done)
	case Timeliness:
		// OPEN and OVERDUE have NEXT_ACTION's codes: the scans turn an
		// open row past its due time into an overdue one alike for both.
		return newDict(OnTime, Open, Overdue, Late, noValue, Closed)
	case ScoreBand:
		return newDict(bandHigh, bandMedium, bandLow)
	}
	return newDict()
}

// The NEXT_ACTION codes (dictOf order).
const (
	nextNone uint32 = iota
	nextOpen
	nextOverdue
	nextDone
)

// The TIMELINESS codes (dictOf order): OPEN and OVERDUE as NEXT_ACTION's.
const (
	timelyOnTime  = nextNone
	timelyLate    = nextDone
	timelyUnknown = nextDone + 1
	timelyClosed  = nextDone + 2
)

// timeliness is a service request's TIMELINESS code but for OVERDUE: an
// open request (nextOpen) is overdue when its due time is before now.
func timeliness(x *crm.BriefServiceRequest) uint32 {
	switch {
	case x.Active():
		return nextOpen
	case !x.HasResolved:
		return timelyUnknown
	case x.ResolvedAt <= x.Due:
		return timelyOnTime
	}
	return timelyLate
}

// taskTimeliness is a task's TIMELINESS code but for OVERDUE: an open
// task (nextOpen) is overdue when its due time is before now.
func taskTimeliness(x *crm.BriefTask) uint32 {
	switch x.Status {
	case crm.TaskOpen:
		return nextOpen
	case crm.TaskClosed:
		return timelyClosed
	}
	if late, ok := x.Late(); !ok {
		return timelyUnknown
	} else if late {
		return timelyLate
	}
	return timelyOnTime
}

// customer adds the rows of one customer.
func (e *evaluator) customer(c *crm.Customer) {
	b := c.Brief
	if b == nil {
		var ok bool
		if b, ok = crm.BriefOf(c); !ok {
			e.skipped++
			return
		}
	}
	e.n++
	e.customerCodes(c)
	switch e.s.Fact {
	case Customers:
		if !e.in(c.CreatedAt.UnixMilli()) {
			return
		}
		st := &c.Stats
		e.clear()
		e.set(0, int64(st.TotalAmount))
		e.set(1, int64(st.InteractionCount))
		e.set(2, int64(st.DealCount))
		if st.SatisfactionCount > 0 {
			e.set(3, int64(st.AvgSatisfaction*float64(score.Scale)+0.5))
		}
		e.set(4, int64(st.SatisfactionCount))
		e.set(5, int64(st.OpenNeedCount))
		e.set(6, int64(st.ComplaintCount))
		if e.wanted[7] {
			if d, ok := salesCycle(c, e.days); ok {
				e.set(7, d)
			}
		}
		e.row(c.CreatedAt.UnixMilli())
	case Interactions:
		for i := range b.Interactions {
			x := &b.Interactions[i]
			if !e.in(x.At) || (e.interaction != nil && !e.interaction(x)) {
				continue
			}
			e.clear()
			if x.DurationMin > 0 {
				e.set(0, int64(x.DurationMin))
			}
			for j, d := range e.s.Dims {
				if e.kind[j] != rowDim {
					continue
				}
				switch d {
				case Channel:
					e.setOne(j, uint32(x.ChannelIndex()))
				case KeyEvent:
					e.setOne(j, uint32(x.KeyEventIndex()))
				case Participant:
					e.setStrings(j, x.Participants())
				case Recording:
					e.setOne(j, uint32(x.Recording()))
				case NextAction:
					c := nextNone
					switch x.Next() {
					case crm.NextOpen:
						c = nextOpen
						if x.NextDue != 0 && x.NextDue < e.now {
							c = nextOverdue
						}
					case crm.NextDone:
						c = nextDone
					}
					e.setOne(j, c)
				}
			}
			e.row(x.At)
		}
	case Deals:
		for i := range b.Deals {
			x := &b.Deals[i]
			if !e.in(x.Date) || (e.deal != nil && !e.deal(x)) {
				continue
			}
			e.clear()
			e.set(0, int64(x.Amount))
			e.rowStrings(func(Dimension) string { return x.Product })
			e.row(x.Date)
		}
	case Needs:
		for i := range b.Needs {
			x := &b.Needs[i]
			if !e.in(x.OpenedAt) || (e.need != nil && !e.need(x)) {
				continue
			}
			e.clear()
			if x.HasBudget {
				e.set(0, int64(x.BudgetMax))
			}
			if x.HasResolved && x.Status == crm.NeedStatusResolved {
				e.set(1, max(0, x.ResolvedAt-x.OpenedAt))
			}
			e.rowStrings(func(d Dimension) string {
				switch d {
				case Status:
					return string(x.Status)
				case Priority:
					return string(x.Priority)
				case Kind:
					return string(x.Kind)
				case NeedOwnType:
					return string(x.Type)
				case OpenedMonth:
					return e.cal[OpenedMonth].key(x.OpenedAt)
				}
				return noValue
			})
			e.row(x.OpenedAt)
		}
	case Satisfaction:
		for i := range b.Satisfaction {
			x := &b.Satisfaction[i]
			if !e.in(x.At) || (e.survey != nil && !e.survey(x)) {
				continue
			}
			e.clear()
			e.set(0, int64(x.Score))
			for j := range e.s.Dims {
				if e.kind[j] == rowDim { // SCORE_BAND
					e.setOne(j, e.dicts[j].index[scoreBand(x.Score)])
				}
			}
			e.row(x.At)
		}
	case StageChanges:
		for i := range b.Stages {
			x := &b.Stages[i]
			if !e.in(x.At) || (e.stage != nil && !e.stage(x)) {
				continue
			}
			e.clear()
			if i > 0 && x.FromIndex() != 0 {
				e.set(0, max(0, x.At-b.Stages[i-1].At))
			}
			for j, d := range e.s.Dims {
				switch {
				case e.kind[j] != rowDim:
				case d == FromStage:
					e.setOne(j, uint32(x.FromIndex()))
				default:
					e.setOne(j, uint32(x.ToIndex()))
				}
			}
			e.row(x.At)
		}
	case ServiceRequests:
		for i := range b.Services {
			x := &b.Services[i]
			if !e.in(x.OpenedAt) || (e.service != nil && !e.service(x)) {
				continue
			}
			e.clear()
			if x.HasHours {
				e.set(0, x.Hours)
			}
			for j, d := range e.s.Dims {
				if e.kind[j] != rowDim {
					continue
				}
				switch d {
				case Timeliness:
					c := timeliness(x)
					if c == nextOpen && x.Due < e.now {
						c = nextOverdue
					}
					e.setOne(j, c)
				case Status:
					e.setOne(j, e.dicts[j].of(string(x.Status)))
				case Priority:
					e.setOne(j, e.dicts[j].of(string(x.Priority)))
				case Kind:
					e.setOne(j, e.dicts[j].of(string(x.Kind)))
				case Assignee:
					e.setOne(j, e.dicts[j].of(x.AssigneeID))
				}
			}
			e.row(x.OpenedAt)
		}
	case Tasks:
		for i := range b.Tasks {
			x := &b.Tasks[i]
			if !e.in(x.Due) || (e.task != nil && !e.task(x)) {
				continue
			}
			e.clear()
			if x.Status == crm.TaskDone && x.HasClosed {
				e.set(0, max(0, x.ClosedAt-x.CreatedAt))
			}
			for j, d := range e.s.Dims {
				if e.kind[j] != rowDim {
					continue
				}
				switch d {
				case Timeliness:
					c := taskTimeliness(x)
					if c == nextOpen && x.Due < e.now {
						c = nextOverdue
					}
					e.setOne(j, c)
				case Status:
					e.setOne(j, e.dicts[j].of(string(x.Status)))
				case Kind:
					e.setOne(j, e.dicts[j].of(string(x.Kind)))
				case Assignee:
					e.setOne(j, e.dicts[j].of(x.AssigneeID))
				}
			}
			e.row(x.Due)
		}
	}
}

// customerCodes sets the values of the customer's dimensions.
func (e *evaluator) customerCodes(c *crm.Customer) {
	for i, d := range e.s.Dims {
		if e.kind[i] != customerDim {
			continue
		}
		if d == Tag && len(c.Tags) > 0 {
			m := e.multi[i][:0]
			for _, t := range c.Tags {
				m = append(m, e.dicts[i].of(t))
			}
			e.multi[i] = m
			e.vals[i] = m
			continue
		}
		e.one[i][0] = e.dicts[i].of(e.customerValue(c, d))
		e.vals[i] = e.one[i][:]
	}
}

func (e *evaluator) setOne(j int, c uint32) {
	e.one[j][0] = c
	e.vals[j] = e.one[j][:]
}

// setStrings sets dimension j to several values (none: the empty value).
func (e *evaluator) setStrings(j int, vs []string) {
	if len(vs) == 0 {
		e.setOne(j, e.dicts[j].of(noValue))
		return
	}
	m := e.multi[j][:0]
	for _, v := range vs {
		m = append(m, e.dicts[j].of(v))
	}
	e.multi[j] = m
	e.vals[j] = m
}

// rowStrings sets the row dimensions from their string values.
func (e *evaluator) rowStrings(value func(Dimension) string) {
	for j, d := range e.s.Dims {
		if e.kind[j] == rowDim {
			e.setOne(j, e.dicts[j].of(value(d)))
		}
	}
}

// A dimension is the customer's, the fact's time unit, or another value
// of the fact's rows.
const (
	customerDim = iota
	timeDim
	rowDim
)

func kindOf(f Fact, d Dimension) int {
	if d.IsTime() {
		return timeDim
	}
	if f.Own(d) {
		return rowDim
	}
	return customerDim
}

// customerValue is the customer's value of d (TAG: see customer).
func (e *evaluator) customerValue(c *crm.Customer, d Dimension) string {
	switch d {
	case ValueTier:
		return string(c.ValueTier)
	case Lifecycle:
		return string(c.Lifecycle)
	case IntentGrade:
		return string(c.IntentGrade)
	case Stage:
		return string(c.Stage)
	case Industry:
		return c.Industry
	case Source:
		return c.Source
	case Province:
		return c.Region.Province
	case City:
		return c.Region.City
	case Owner:
		return c.OwnerID
	case CustomerType:
		return string(c.Type)
	case NeedType:
		return string(c.NeedType)
	case CreatedMonth, CreatedQuarter, CreatedYear:
		return e.cal[d].key(c.CreatedAt.UnixMilli())
	case FirstDealMonth, FirstDealQuarter:
		if c.Stats.FirstDealOn.IsZero() {
			return noValue
		}
		return e.cal[d].key(c.Stats.FirstDealOn.UnixMilli())
	}
	return noValue
}

func (e *evaluator) in(ms int64) bool { return !e.windowed || (ms >= e.lo && ms < e.hi) }

func (e *evaluator) clear() { clear(e.has) }

func (e *evaluator) set(i int, v int64) {
	if e.wanted[i] {
		e.mv[i], e.has[i] = v, true
	}
}

// row adds one row at time ms: to the total once, and to the group of
// every combination of its values (one unless a dimension has several).
func (e *evaluator) row(ms int64) {
	for i := range e.s.Dims {
		if e.kind[i] == timeDim {
			e.setOne(i, uint32(e.unit.find(ms).id))
		}
	}
	e.add(&e.total)
	var k code
	e.combine(0, &k)
}

func (e *evaluator) combine(i int, k *code) {
	if i == len(e.s.Dims) {
		g := e.lastGroup
		if g == nil || *k != e.lastCode {
			g = e.group(k)
			e.lastCode, e.lastGroup = *k, g
		}
		e.add(g)
		return
	}
	vs := e.vals[i]
	for j, v := range vs {
		if j > 0 && slices.Contains(vs[:j], v) { // a tag listed twice counts once
			continue
		}
		k[i] = v
		e.combine(i+1, k)
	}
}

// group finds or makes the group of k: by the codes packed into one
// uint64 when each is below 2^16 (the fast map), else by the codes.
func (e *evaluator) group(k *code) *Group {
	if k[0]|k[1]|k[2]|k[3] < 1<<16 {
		return e.packedGroup(uint64(k[0]) | uint64(k[1])<<16 | uint64(k[2])<<32 | uint64(k[3])<<48)
	}
	g := e.groups[*k]
	if g == nil {
		g = &Group{Figures: make([]Figure, e.nm), lastCustomer: -1}
		e.groups[*k] = g
	}
	return g
}

func (e *evaluator) add(g *Group) {
	g.Count++
	if g.lastCustomer != e.n {
		g.lastCustomer = e.n
		g.Customers++
	}
	for i := range e.nm {
		if e.has[i] {
			g.Figures[i].add(e.mv[i], e.keepAt[i])
		}
	}
}

// mergeGroup adds g into h; the evaluators saw different customers, so
// their distinct customers add up.
func mergeGroup(h, g *Group) {
	h.Count += g.Count
	h.Customers += g.Customers
	for i := range h.Figures {
		h.Figures[i].merge(&g.Figures[i])
	}
}

// result writes the groups' keys out.
func (e *evaluator) result() []*Group {
	out := make([]*Group, 0, len(e.groups))
	for k, g := range e.groups {
		g.Keys = make([]string, len(e.s.Dims))
		for i := range e.s.Dims {
			if e.kind[i] == timeDim {
				g.Keys[i] = e.unit.keys[k[i]]
			} else {
				g.Keys[i] = e.dicts[i].names[k[i]]
			}
		}
		out = append(out, g)
	}
	return out
}

// salesCycle is the customer's days from its first interaction to its
// first deal, in milliseconds: from the first interaction's calendar day
// (in the days' zone) to the first deal's date; ok is false without both,
// or when the deal is dated before the interaction's day.
func salesCycle(c *crm.Customer, days *bucketer) (int64, bool) {
	st := &c.Stats
	if st.FirstInteractionAt.IsZero() || st.FirstDealOn.IsZero() {
		return 0, false
	}
	first := days.dateMillis(st.FirstInteractionAt.UnixMilli())
	deal := st.FirstDealOn.UnixMilli()
	if deal < first {
		return 0, false
	}
	return deal - first, true
}
