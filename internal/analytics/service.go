package analytics

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// Service answers aggregate requests: it validates them, resolves the
// range and time zone, asks the Engine (the store's) for the groups, and
// shapes the result (zero buckets, order, limit and the folded "other"
// group, labels, drill lines, the earlier period).
type Service struct {
	Engine    Engine
	Customers crm.CustomerStore // one-pass counts (KPIs)
	Users     crm.UserStore     // names of owners and participants
	Clock     crm.Clock
	Loc       *time.Location // the configured zone (KEHU_TIME_ZONE); crm.DefaultLocation when nil
}

// Request is one aggregate as a client asks for it.
type Request struct {
	Fact Fact
	// Scope is the customers (the list's where, query line and saved
	// segment, ANDed; nil: every customer) in Archive (default ACTIVE),
	// seen by Actor.
	Scope   *segment.Filter
	Archive crm.ArchiveScope
	Actor   crm.Actor
	// Elements selects a nested fact's rows (nil: all). It must be lean.
	Elements *segment.Elements
	GroupBy  []Dimension
	Range    *RangeInput
	TimeZone string // IANA name; "" for the configured zone
	Limit    *int   // groups (series, with a time unit); default 50, at most 1,000
	Order    Order
	Medians  []Metric
	// Metrics lists the metrics whose figures are read (nil: every one);
	// the ordering's metric and the medians' are added.
	Metrics []Metric
	Compare Compare // "" for none
	Locale  crm.Locale
}

// Order is how groups are ranked: by a measure (of Metric for SUM, AVG,
// MIN and MAX); Desc nil means descending, but ascending for KEY. The zero
// Order is COUNT descending. Ties are broken by the keys, ascending.
type Order struct {
	By     Measure
	Metric Metric
	Desc   *bool
}

// Result is an aggregate's answer.
type Result struct {
	Fact      Fact
	Dims      []Dimension
	Groups    []*Row
	Total     *Row
	Truncated bool // some groups were folded into the "other" group
	Range     *Range
	Previous  *Range // the compared range
	TimeZone  string
	Rows      int64         // fact rows counted
	Customers int64         // customers in scope
	Took      time.Duration // in the engine
}

// Row is one group (or the total) as the API shows it.
type Row struct {
	Keys      []string
	Labels    []string
	Count     int64
	Customers int64
	Figures   []Figure
	Other     bool    // the folded group of the groups past the limit
	Drill     *string // the query line of its customers; nil when it has none
	Previous  *Row    // the same group in the compared range
	fact      Fact
}

// Aggregate computes a request. Errors: BAD_USER_INPUT with the argument
// as field (groupBy, range.from, timeZone, limit, orderBy.metric ...);
// what the Engine returns.
func (s *Service) Aggregate(ctx context.Context, q Request) (*Result, error) {
	spec, rng, prev, err := s.spec(q)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	groups, err := s.Engine.Aggregate(ctx, spec)
	if err != nil {
		return nil, err
	}
	var before *Groups
	if prev != nil {
		ps := *spec
		ps.Window = prev
		if before, err = s.Engine.Aggregate(ctx, &ps); err != nil {
			return nil, err
		}
	}
	res := &Result{Fact: q.Fact, Dims: spec.Dims, Range: rng, Previous: prev, TimeZone: spec.Loc.String(),
		Rows: groups.Total.Count, Customers: groups.Customers, Took: time.Since(start)}
	sh := shaper{s: s, q: &q, spec: spec, ctx: ctx}
	res.Groups, res.Truncated = sh.shape(groups, rng)
	res.Total = sh.row(&groups.Total)
	if before != nil {
		pg := sh.shapeLike(before, prev, res.Groups)
		for i, g := range res.Groups {
			g.Previous = pg[i]
		}
		res.Total.Previous = sh.row(&before.Total)
	}
	if err := sh.label(append(res.Groups, prevs(res.Groups)...)); err != nil {
		return nil, err
	}
	sh.drill(res.Groups, rng)
	sh.drillPrevious(res.Groups, prev)
	return res, nil
}

func prevs(rows []*Row) []*Row {
	var out []*Row
	for _, r := range rows {
		if r.Previous != nil {
			out = append(out, r.Previous)
		}
	}
	return out
}

func (s *Service) loc() *time.Location {
	if s.Loc == nil {
		return crm.DefaultLocation
	}
	return s.Loc
}

// spec validates q and resolves it into the Engine's Spec, with the range
// and the compared range.
func (s *Service) spec(q Request) (spec *Spec, rng, prev *Range, err error) {
	p := crm.NewProblems()
	spec = &Spec{Fact: q.Fact, Archive: q.Archive, User: q.Actor.UserID, Viewer: &q.Actor, Elements: q.Elements, Loc: s.loc(),
		Now: s.Clock.Now()}
	if q.Scope != nil {
		spec.Scope = q.Scope
	}
	if spec.Archive == "" {
		spec.Archive = crm.ScopeActive
	}
	if !spec.Archive.Valid() {
		p.Fail("scope", crm.ReasonNotAllowed, map[string]any{"value": string(spec.Archive)}, "must be ACTIVE, ARCHIVED or ALL")
	}
	if q.TimeZone != "" {
		loc, lerr := time.LoadLocation(q.TimeZone)
		if lerr != nil || q.TimeZone == "Local" {
			p.Fail("timeZone", crm.ReasonNotAllowed, map[string]any{"value": q.TimeZone}, "is not an IANA time zone (e.g. Asia/Shanghai)")
		} else {
			spec.Loc = loc
		}
	}
	// Dimensions: at most one time unit and MaxDimensions others, each once.
	var unit Dimension
	others := 0
	gp := p.At("groupBy")
	for i, d := range q.GroupBy {
		switch {
		case !slices.Contains(q.Fact.Dimensions(), d):
			p.Index("groupBy", i).Fail("", crm.ReasonNotAllowed, map[string]any{"value": string(d)}, "is not a dimension of %s", q.Fact)
		case slices.Contains(q.GroupBy[:i], d):
			p.Index("groupBy", i).Fail("", crm.ReasonNotAllowed, map[string]any{"value": q.Fact.Name(d)}, "is given twice")
		case d.IsTime() && unit != "":
			p.Index("groupBy", i).Fail("", crm.ReasonExclusive, map[string]any{"value": string(d)}, "only one time unit (%s already)", unit)
		case d.IsTime():
			unit = d
		default:
			if others++; others == MaxDimensions+1 {
				gp.Fail("", crm.ReasonTooMany, map[string]any{"max": MaxDimensions}, "at most %d dimensions besides one time unit", MaxDimensions)
			}
		}
	}
	spec.Dims = q.GroupBy
	if q.Elements != nil {
		switch {
		case !q.Fact.Nested() || segment.Array(q.Elements.Array()) != factArray[q.Fact]:
			p.Fail(q.Fact.ElementArg(), crm.ReasonNotAllowed, nil, "is not a filter of %s", q.Fact)
		case !q.Elements.Lean():
			p.Fail(q.Fact.ElementArg(), crm.ReasonNotAllowed, nil, "text conditions (summary) are not available in aggregates")
		}
	}
	if q.Limit != nil && (*q.Limit < 1 || *q.Limit > MaxLimit) {
		p.Fail("limit", crm.ReasonOutOfRange, map[string]any{"min": 1, "max": MaxLimit}, "must be between 1 and %d", MaxLimit)
	}
	switch q.Order.By {
	case "", ByCount, ByCustomers, ByKey:
		if q.Order.Metric != "" && !q.Fact.HasMetric(q.Order.Metric) {
			p.Fail("orderBy.metric", crm.ReasonNotAllowed, map[string]any{"value": string(q.Order.Metric)}, "is not a metric of %s", q.Fact)
		}
	case BySum, ByAvg, ByMin, ByMax:
		if !q.Fact.HasMetric(q.Order.Metric) {
			p.Fail("orderBy.metric", crm.ReasonRequired, nil, "%s needs a metric of %s", q.Order.By, q.Fact)
		}
	default:
		p.Fail("orderBy.by", crm.ReasonNotAllowed, map[string]any{"value": string(q.Order.By)}, "unknown measure")
	}
	for _, m := range q.Medians {
		if !q.Fact.HasMetric(m) {
			p.Fail("median", crm.ReasonNotAllowed, map[string]any{"value": string(m)}, "is not a metric of %s", q.Fact)
		}
		if !slices.Contains(spec.Medians, m) {
			spec.Medians = append(spec.Medians, m)
		}
	}
	if q.Metrics != nil {
		spec.Metrics = []Metric{}
		for _, m := range slices.Concat(q.Metrics, q.Medians, []Metric{q.Order.Metric}) {
			if q.Fact.HasMetric(m) && !slices.Contains(spec.Metrics, m) {
				spec.Metrics = append(spec.Metrics, m)
			}
		}
	}
	if q.Range != nil {
		r, ok := q.Range.resolve(s.Clock.Now(), spec.Loc, p.At("range"))
		if ok {
			rng = &r
			if unit != "" && r.bucketCount(unit) > MaxTimeBuckets {
				p.Fail("range", crm.ReasonOutOfRange, map[string]any{"max": MaxTimeBuckets},
					"holds %d %s buckets, at most %d: choose a coarser unit or a shorter range", r.bucketCount(unit), unit, MaxTimeBuckets)
			}
		}
	}
	switch q.Compare {
	case "":
	case PreviousPeriod, PreviousYear:
		if q.Range == nil {
			p.Fail("compare", crm.ReasonRequired, nil, "needs a range to compare with")
		} else if rng != nil {
			pr := rng.Previous(q.Compare)
			prev = &pr
		}
	default:
		p.Fail("compare", crm.ReasonNotAllowed, map[string]any{"value": string(q.Compare)}, "must be PREVIOUS_PERIOD or PREVIOUS_YEAR")
	}
	if err := p.Err(); err != nil {
		return nil, nil, nil, err
	}
	spec.Window = rng
	return spec, rng, prev, nil
}

// factArray is the nested array whose elements are the fact's rows.
var factArray = map[Fact]segment.Array{
	Interactions: segment.Interactions, Deals: segment.Deals, Needs: segment.Needs,
	Satisfaction: segment.Satisfaction, StageChanges: segment.StageHistory, ServiceRequests: segment.ServiceRequests,
	Tasks: segment.Tasks,
}

// Array is the nested array whose elements are the fact's rows
// (segment.Customer for CUSTOMERS): what its element filter is about.
func (f Fact) Array() segment.Array { return factArray[f] }

// ElementArg is the name of the fact's element-filter argument
// (interactionWhere ...); "" for CUSTOMERS, which has none.
func (f Fact) ElementArg() string {
	switch f {
	case Interactions:
		return "interactionWhere"
	case Deals:
		return "dealWhere"
	case Needs:
		return "needWhere"
	case Satisfaction:
		return "satisfactionWhere"
	case StageChanges:
		return "stageChangeWhere"
	case ServiceRequests:
		return "serviceRequestWhere"
	case Tasks:
		return "taskWhere"
	}
	return ""
}

// shaper turns an Engine's groups into the rows of a Result.
type shaper struct {
	s    *Service
	q    *Request
	spec *Spec
	ctx  context.Context
}

func (sh *shaper) row(g *Group) *Row {
	return &Row{Keys: g.Keys, Count: g.Count, Customers: g.Customers, Figures: g.Figures, fact: sh.q.Fact}
}

func (sh *shaper) unitAt() int {
	for i, d := range sh.spec.Dims {
		if d.IsTime() {
			return i
		}
	}
	return -1
}

// series is the groups of one combination of the keys but the time unit's.
type series struct {
	keys []string // with the time unit's key blank
	rows []*Row   // by bucket
	sum  *Row     // the series' figures over every bucket, for ranking
}

// shape fills the empty buckets of the range with zero groups, ranks the
// series, keeps Limit of them and folds the rest into one "other" series.
func (sh *shaper) shape(g *Groups, rng *Range) ([]*Row, bool) {
	ss := sh.series(g, rng)
	limit := DefaultLimit
	if sh.q.Limit != nil {
		limit = *sh.q.Limit
	}
	o := sh.q.Order
	by := o.By
	if by == "" {
		by = ByCount
	}
	desc := by != ByKey
	if o.Desc != nil {
		desc = *o.Desc
	}
	slices.SortStableFunc(ss, func(a, b *series) int {
		c := 0
		if by == ByKey {
			c = slices.Compare(a.keys, b.keys)
		} else {
			c = cmp.Compare(a.sum.number(by, o.Metric), b.sum.number(by, o.Metric))
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = slices.Compare(a.keys, b.keys)
		}
		return c
	})
	truncated := len(ss) > limit
	if truncated {
		other := sh.fold(ss[limit:])
		ss = append(ss[:limit], other)
	}
	var out []*Row
	for _, x := range ss {
		out = append(out, x.rows...)
	}
	return out, truncated
}

// series groups g's groups by their keys but the time unit's, each with
// a row for every bucket of the range (zero where there were no rows).
func (sh *shaper) series(g *Groups, rng *Range) []*series {
	u := sh.unitAt()
	var buckets []string
	if u >= 0 && rng != nil {
		buckets = rng.Buckets(sh.spec.Dims[u])
	}
	byKey := map[string]*series{}
	var out []*series
	for _, grp := range g.Groups {
		r := sh.row(grp)
		sk := slices.Clone(r.Keys)
		if u >= 0 {
			sk[u] = ""
		}
		id := strings.Join(sk, "\x00")
		x := byKey[id]
		if x == nil {
			x = &series{keys: sk}
			byKey[id] = x
			out = append(out, x)
		}
		x.rows = append(x.rows, r)
	}
	if u >= 0 && len(out) == 0 && len(sh.spec.Dims) == 1 && len(buckets) > 0 {
		out = append(out, &series{keys: []string{""}})
	}
	for _, x := range out {
		if u >= 0 {
			have := map[string]*Row{}
			for _, r := range x.rows {
				have[r.Keys[u]] = r
			}
			for _, b := range buckets {
				if have[b] == nil {
					keys := slices.Clone(x.keys)
					keys[u] = b
					r := &Row{Keys: keys, Figures: make([]Figure, len(sh.q.Fact.Metrics())), fact: sh.q.Fact}
					have[b] = r
					x.rows = append(x.rows, r)
				}
			}
			slices.SortFunc(x.rows, func(a, b *Row) int { return strings.Compare(a.Keys[u], b.Keys[u]) })
		}
		x.sum = sh.total(x.rows)
	}
	return out
}

// total merges rows into one (for ranking series; distinct customers are
// added up over buckets).
func (sh *shaper) total(rows []*Row) *Row {
	t := &Row{Figures: make([]Figure, len(sh.q.Fact.Metrics())), fact: sh.q.Fact}
	for _, r := range rows {
		t.Count += r.Count
		t.Customers += r.Customers
		for i := range t.Figures {
			t.Figures[i].merge(&r.Figures[i])
		}
	}
	for i := range t.Figures {
		slices.Sort(t.Figures[i].Values)
	}
	return t
}

// fold merges series into the "other" series: its keys are OtherKey but
// the time unit's. Its distinct customers are the sum over the folded
// groups (a customer in two folded groups counts twice).
func (sh *shaper) fold(ss []*series) *series {
	u := sh.unitAt()
	other := &series{keys: make([]string, len(sh.spec.Dims))}
	for i := range other.keys {
		if i != u {
			other.keys[i] = OtherKey
		}
	}
	byBucket := map[string][]*Row{}
	var order []string
	for _, x := range ss {
		for _, r := range x.rows {
			b := ""
			if u >= 0 {
				b = r.Keys[u]
			}
			if _, ok := byBucket[b]; !ok {
				order = append(order, b)
			}
			byBucket[b] = append(byBucket[b], r)
		}
	}
	slices.Sort(order)
	for _, b := range order {
		r := sh.total(byBucket[b])
		r.Keys = slices.Clone(other.keys)
		if u >= 0 {
			r.Keys[u] = b
		}
		r.Other = true
		other.rows = append(other.rows, r)
	}
	other.sum = sh.total(other.rows)
	return other
}

// shapeLike returns, for each row of cur, the row of the same group in the
// earlier range (the same keys, the time unit's moved to the bucket at the
// same place in the earlier range); zero rows where it had none.
func (sh *shaper) shapeLike(g *Groups, rng *Range, cur []*Row) []*Row {
	u := sh.unitAt()
	var nowB, prevB []string
	if u >= 0 && sh.spec.Window != nil && rng != nil {
		nowB, prevB = sh.spec.Window.Buckets(sh.spec.Dims[u]), rng.Buckets(sh.spec.Dims[u])
	}
	have := map[string]*Row{}
	for _, grp := range g.Groups {
		r := sh.row(grp)
		have[strings.Join(r.Keys, "\x00")] = r
	}
	var folded []*Row // the earlier groups of the folded series
	shown := map[string]bool{}
	for _, r := range cur {
		if !r.Other {
			shown[strings.Join(seriesKeys(r.Keys, u), "\x00")] = true
		}
	}
	for _, grp := range g.Groups {
		if !shown[strings.Join(seriesKeys(grp.Keys, u), "\x00")] {
			folded = append(folded, sh.row(grp))
		}
	}
	out := make([]*Row, len(cur))
	for i, r := range cur {
		keys := slices.Clone(r.Keys)
		if u >= 0 && nowB != nil {
			if j := slices.Index(nowB, keys[u]); j >= 0 && j < len(prevB) {
				keys[u] = prevB[j]
			} else {
				keys[u] = ""
			}
		}
		var p *Row
		if r.Other {
			var in []*Row
			for _, f := range folded {
				if u < 0 || f.Keys[u] == keys[u] {
					in = append(in, f)
				}
			}
			p = sh.total(in)
			p.Other = true
		} else if p = have[strings.Join(keys, "\x00")]; p == nil {
			p = &Row{Figures: make([]Figure, len(sh.q.Fact.Metrics())), fact: sh.q.Fact}
		}
		p.Keys = keys
		out[i] = p
	}
	return out
}

func seriesKeys(keys []string, u int) []string {
	k := slices.Clone(keys)
	if u >= 0 {
		k[u] = ""
	}
	return k
}

// label words every key of rows in the request's language: enum labels,
// bucket names, users' names; 未填写 / Not set for an empty value.
func (sh *shaper) label(rows []*Row) error {
	names := map[string]string{}
	var ids []string
	for _, r := range rows {
		for i, d := range sh.spec.Dims {
			if userDim(d) && r.Keys[i] != "" && r.Keys[i] != OtherKey {
				if _, ok := names[r.Keys[i]]; !ok {
					names[r.Keys[i]] = ""
					ids = append(ids, r.Keys[i])
				}
			}
		}
	}
	if len(ids) > 0 && sh.s.Users != nil {
		us, err := sh.s.Users.GetMany(sh.ctx, ids)
		if err != nil {
			return err
		}
		for _, u := range us {
			names[u.ID] = u.Name
		}
	}
	loc := sh.q.Locale
	for _, r := range rows {
		r.Labels = make([]string, len(r.Keys))
		for i, d := range sh.spec.Dims {
			k := r.Keys[i]
			switch {
			case k == OtherKey && r.Other:
				r.Labels[i] = crm.Label{Zh: "其他", En: "Other"}.In(loc)
			case k == "":
				r.Labels[i] = crm.NotSet.In(loc)
			case d.IsTime():
				r.Labels[i] = bucketLabel(d, k, loc)
			case d == CreatedMonth || d == FirstDealMonth || d == OpenedMonth:
				r.Labels[i] = bucketLabel(Month, k, loc)
			case d == CreatedQuarter || d == FirstDealQuarter:
				r.Labels[i] = bucketLabel(Quarter, k, loc)
			case d == CreatedYear:
				r.Labels[i] = bucketLabel(Year, k, loc)
			case userDim(d):
				if n := names[k]; n != "" {
					r.Labels[i] = n
				} else {
					r.Labels[i] = k
				}
			default:
				if t := labelTable(sh.q.Fact, d); t != nil {
					if l, ok := t[k]; ok {
						r.Labels[i] = l.In(loc)
						continue
					}
				}
				r.Labels[i] = k
			}
		}
	}
	return nil
}

// userDim reports whether d's keys are user ids (labelled by names).
func userDim(d Dimension) bool { return d == Owner || d == Participant || d == Assignee }

// labelTable words the keys of d on fact f (STATUS and KIND have the
// service request's values on SERVICE_REQUESTS, the task's on TASKS, the
// need's on NEEDS).
func labelTable(f Fact, d Dimension) map[string]crm.Label {
	if f == ServiceRequests {
		switch d {
		case Status:
			return ServiceStatusLabels
		case Kind:
			return ServiceKindLabels
		}
	}
	if f == Tasks {
		switch d {
		case Status:
			return TaskStatusLabels
		case Kind:
			return TaskKindLabels
		case Timeliness:
			return TaskTimelinessLabels
		}
	}
	switch d {
	case ValueTier:
		return crm.ValueTierLabels
	case Lifecycle:
		return crm.LifecycleLabels
	case IntentGrade:
		return crm.IntentGradeLabels
	case Stage, FromStage, ToStage:
		return crm.StageLabels
	case CustomerType:
		return crm.CustomerTypeLabels
	case NeedType, NeedOwnType:
		return crm.NeedTypeLabels
	case Channel:
		return crm.ChannelLabels
	case KeyEvent:
		return crm.KeyEventLabels
	case Status:
		return crm.NeedStatusLabels
	case Priority:
		return crm.PriorityLabels
	case Kind:
		return crm.NeedKindLabels
	case ScoreBand:
		return ScoreBandLabels
	case Recording:
		return RecordingLabels
	case NextAction:
		return NextActionLabels
	case Timeliness:
		return TimelinessLabels
	}
	return nil
}
