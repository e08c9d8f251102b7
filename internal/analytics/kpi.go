package analytics

import (
	"context"
	"math/big"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// The seeds' KPIs (docs/KPIS.md has each definition with its formula; the
// code below follows it term by term). Each is computed over the
// customers in scope for a range of days, and again for the compared
// range. Counts of customers go through the store's one-pass Counts; the
// figures of facts through its Engine.

// KPICode names a KPI.
type KPICode string

const (
	HighValueRetention  KPICode = "HIGH_VALUE_RETENTION"
	PotentialConversion KPICode = "POTENTIAL_CONVERSION"
	ChurnRate           KPICode = "CHURN_RATE"
	RepurchaseRate      KPICode = "REPURCHASE_RATE"
	RepurchaseGrowth    KPICode = "REPURCHASE_GROWTH"
	AvgSatisfactionKPI  KPICode = "AVG_SATISFACTION"
	SatisfiedShare      KPICode = "SATISFIED_SHARE"
	NeedResolutionRate  KPICode = "NEED_RESOLUTION_RATE"
	NeedResolutionDays  KPICode = "NEED_RESOLUTION_DAYS"
	ComplaintCountKPI   KPICode = "COMPLAINT_COUNT"
	ComplaintRate       KPICode = "COMPLAINT_RATE"
	SalesCycleKPI       KPICode = "SALES_CYCLE_DAYS"
	TimelyRecording     KPICode = "TIMELY_RECORDING"
	OverdueNextActions  KPICode = "OVERDUE_NEXT_ACTIONS"
	ServiceOnTime       KPICode = "SERVICE_ON_TIME"
	ServiceHours        KPICode = "SERVICE_RESOLUTION_HOURS"
	CadenceKept         KPICode = "CADENCE_KEPT"
	TasksOnTime         KPICode = "TASKS_ON_TIME"
)

// KPIUnit is how a KPI's value is written.
type KPIUnit string

const (
	Percent KPIUnit = "PERCENT" // 0-100, two decimals
	Points  KPIUnit = "SCORE"   // a survey score, two decimals
	Days    KPIUnit = "DAYS"    // two decimals
	Hours   KPIUnit = "HOURS"   // two decimals
	Count   KPIUnit = "COUNT"   // whole
)

// ActiveWindow is the seeds' churn rule: a customer without a deal or an
// interaction for this many days has churned (seed 003: 3 months).
const ActiveWindow = 90

// KPI is one KPI's figures for a range (Previous: for the compared one).
type KPI struct {
	Code           KPICode
	Name           string
	Unit           KPIUnit
	Value          *string // nil when the denominator is 0
	Numerator      *string
	Denominator    *string
	Previous       *string
	Change         *string // Value - Previous (percentage points for PERCENT)
	Target         *string
	TargetMet      *bool
	HigherIsBetter bool
	Definition     string
	Drill          *string // the customers behind the numerator

	value, previous *big.Rat
}

// KPIReport is every KPI for one range.
type KPIReport struct {
	KPIs     []*KPI
	Range    Range
	Previous *Range
}

// KPIRequest asks for the KPIs of the customers in Scope (nil: all active
// customers) over Range (nil: the current month), compared with Compare
// ("" for none).
type KPIRequest struct {
	Scope   *segment.Filter
	Actor   crm.Actor
	Range   *RangeInput
	Compare Compare
	Locale  crm.Locale
}

type kpiDef struct {
	code   KPICode
	unit   KPIUnit
	higher bool
	target *big.Rat
	name   crm.Label
	def    crm.Label
}

// asOfNow reports a KPI of now, whatever the range: the compared range
// has none.
func (d kpiDef) asOfNow() bool { return d.code == OverdueNextActions || d.code == CadenceKept }

var kpiDefs = []kpiDef{
	{HighValueRetention, Percent, true, big.NewRat(90, 1), crm.Label{Zh: "高价值客户留存率", En: "High-value retention"},
		crm.Label{Zh: "范围开始前90天内有成交或互动的A类客户中，范围最后90天内仍有成交或互动的比例", En: "Of the tier-A customers with a deal or an interaction in the 90 days before the range, the share with one in the range's last 90 days"}},
	{PotentialConversion, Percent, true, big.NewRat(20, 1), crm.Label{Zh: "潜在客户转化率", En: "Potential-to-new conversion"},
		crm.Label{Zh: "范围开始时尚未成交（或范围内新建）的客户中，首次成交落在范围内的比例", En: "Of the customers without a deal before the range (created by its end), the share whose first deal is in the range"}},
	{ChurnRate, Percent, false, nil, crm.Label{Zh: "客户流失率", En: "Churn rate"},
		crm.Label{Zh: "范围开始前90天内有成交或互动的客户中，范围最后90天内既无成交也无互动的比例（3个月无合作即流失）", En: "Of the customers with a deal or an interaction in the 90 days before the range, the share with none in the range's last 90 days (3 months without cooperation)"}},
	{RepurchaseRate, Percent, true, nil, crm.Label{Zh: "复购率", En: "Repurchase rate"},
		crm.Label{Zh: "范围内有成交的客户中，范围前已有成交的比例", En: "Of the customers with a deal in the range, the share that had a deal before it"}},
	{RepurchaseGrowth, Percent, true, big.NewRat(15, 1), crm.Label{Zh: "复购增长率（同比）", En: "Repurchase growth (year on year)"},
		crm.Label{Zh: "老客户（范围前已成交）在范围内的成交额，比上年同期老客户成交额的增长", En: "Deal amount in the range from customers who had bought before it, against the same from a year earlier"}},
	{AvgSatisfactionKPI, Points, true, big.NewRat(85, 1), crm.Label{Zh: "平均满意度", En: "Average satisfaction"},
		crm.Label{Zh: "范围内所有满意度调研得分的平均值", En: "The mean score of the surveys in the range"}},
	{SatisfiedShare, Percent, true, nil, crm.Label{Zh: "满意度达标率（≥85分）", En: "Satisfied share (85+)"},
		crm.Label{Zh: "范围内调研得分不低于85分的比例", En: "The share of the range's surveys scoring 85 or more"}},
	{NeedResolutionRate, Percent, true, nil, crm.Label{Zh: "需求解决率", En: "Need resolution rate"},
		crm.Label{Zh: "范围内提出的需求中已解决的比例", En: "The share of the needs opened in the range that are resolved"}},
	{NeedResolutionDays, Days, false, nil, crm.Label{Zh: "需求解决天数（中位数）", En: "Days to resolve a need (median)"},
		crm.Label{Zh: "范围内提出且已解决的需求，从提出到解决的天数中位数", En: "The median days from opening to resolution of the needs opened in the range and resolved"}},
	{ComplaintCountKPI, Count, false, nil, crm.Label{Zh: "投诉次数", En: "Complaints"},
		crm.Label{Zh: "范围内标记为投诉的互动数", En: "Interactions in the range marked as complaints"}},
	{ComplaintRate, Percent, false, nil, crm.Label{Zh: "投诉客户占比", En: "Complaint rate"},
		crm.Label{Zh: "范围内有互动的客户中，有投诉的比例", En: "Of the customers with an interaction in the range, the share with a complaint"}},
	{SalesCycleKPI, Days, false, nil, crm.Label{Zh: "平均成交周期（天）", En: "Average sales cycle (days)"},
		crm.Label{Zh: "首次成交在范围内的客户，从首次互动到首次成交的平均天数", En: "For customers whose first deal is in the range, the mean days from the first interaction to the first deal"}},
	{TimelyRecording, Percent, true, nil, crm.Label{Zh: "24小时录入率", En: "Recorded within 24 hours"},
		crm.Label{Zh: "范围内的互动中，发生后24小时内录入的比例（不含录入时间未知的旧记录）", En: "The share of the range's interactions logged within 24 hours of happening (older records without a logging time left out)"}},
	{OverdueNextActions, Count, false, nil, crm.Label{Zh: "逾期待办", En: "Overdue next actions"},
		crm.Label{Zh: "当前未完成且已过期的下一步行动数（不随范围变化）", En: "Next actions not done whose due time has passed, now (not bound to the range)"}},
	{ServiceOnTime, Percent, true, nil, crm.Label{Zh: "服务请求及时解决率", En: "Service requests resolved on time"},
		crm.Label{Zh: "范围内提出且已解决（已解决或已关闭）的服务请求中，在到期时间前解决的比例", En: "Of the service requests opened in the range and resolved (resolved or closed), the share resolved by their due time"}},
	{ServiceHours, Hours, false, nil, crm.Label{Zh: "服务请求解决时长（中位数，小时）", En: "Hours to resolve a service request (median)"},
		crm.Label{Zh: "范围内提出且已解决的服务请求，从提出到解决的小时数（整小时）中位数", En: "The median whole hours from opening to resolution of the service requests opened in the range and resolved"}},
	{CadenceKept, Percent, true, nil, crm.Label{Zh: "跟进周期达成率", En: "Follow-up cadence kept"},
		crm.Label{Zh: "当前有跟进周期且未流失的客户中，下次跟进时间未过期（在周期内已跟进）的比例（不随范围变化）", En: "Of the customers with a follow-up cadence and not lost, the share whose next follow-up is not overdue, now (contacted within their cadence; not bound to the range)"}},
	{TasksOnTime, Percent, true, nil, crm.Label{Zh: "待办按时完成率", En: "Tasks done on time"},
		crm.Label{Zh: "范围内到期且由人完成的待办中，在到期时间前（含）完成的比例", En: "Of the tasks due in the range and done by a person, the share done at or before their due time"}},
}

// KPICodes lists every KPI, in report order.
func KPICodes() []KPICode {
	out := make([]KPICode, len(kpiDefs))
	for i, d := range kpiDefs {
		out[i] = d.code
	}
	return out
}

// KPIs computes the report. Errors: BAD_USER_INPUT for a bad range or
// compare; what the store returns.
func (s *Service) KPIs(ctx context.Context, q KPIRequest) (*KPIReport, error) {
	loc := s.loc()
	p := crm.NewProblems()
	var rng Range
	if q.Range == nil {
		today := segment.DateOf(s.Clock.Now(), loc)
		rng = Range{startOf(Month, today), today}
	} else {
		r, ok := q.Range.resolve(s.Clock.Now(), loc, p.At("range"))
		if !ok {
			return nil, p.Err()
		}
		rng = r
	}
	switch q.Compare {
	case "", PreviousPeriod, PreviousYear:
	default:
		p.Fail("compare", crm.ReasonNotAllowed, map[string]any{"value": string(q.Compare)}, "must be PREVIOUS_PERIOD or PREVIOUS_YEAR")
		return nil, p.Err()
	}
	k := calc{s: s, ctx: ctx, scope: q.Scope, actor: q.Actor, loc: loc}
	rep := &KPIReport{Range: rng}
	// The compared range is computed beside the range, on another core.
	var prev []*KPI
	var prevErr error
	done := make(chan struct{})
	if q.Compare != "" {
		pr := rng.Previous(q.Compare)
		rep.Previous = &pr
		go func() {
			defer close(done)
			prev, prevErr = k.all(pr, false)
		}()
	} else {
		close(done)
	}
	cur, err := k.all(rng, true)
	<-done
	if err != nil {
		return nil, err
	}
	if prevErr != nil {
		return nil, prevErr
	}
	for i, d := range kpiDefs {
		x := cur[i]
		x.Code, x.Unit, x.HigherIsBetter = d.code, d.unit, d.higher
		x.Name, x.Definition = d.name.In(q.Locale), d.def.In(q.Locale)
		if d.target != nil {
			x.Target = ratString(d.target, 2)
			if x.value != nil {
				met := x.value.Cmp(d.target) >= 0
				if !d.higher {
					met = x.value.Cmp(d.target) <= 0
				}
				x.TargetMet = &met
			}
		}
		if prev != nil && !d.asOfNow() {
			x.previous = prev[i].value
			if x.previous != nil {
				x.Previous = ratString(x.previous, decimalsOf(d.unit))
				if x.value != nil {
					// The difference of the figures as shown, so that
					// value - previous = change on the screen.
					v, _ := new(big.Rat).SetString(*x.Value)
					pv, _ := new(big.Rat).SetString(*x.Previous)
					x.Change = ratString(v.Sub(v, pv), decimalsOf(d.unit))
				}
			}
		}
		rep.KPIs = append(rep.KPIs, x)
	}
	return rep, nil
}

func decimalsOf(u KPIUnit) int {
	if u == Count {
		return 0
	}
	return 2
}

func ratString(r *big.Rat, d int) *string {
	if r == nil {
		return nil
	}
	s := r.FloatString(d)
	return &s
}

// calc counts customers and runs aggregates over one scope for one actor:
// what the KPIs, the funnel and the cohorts are computed from.
type calc struct {
	s     *Service
	ctx   context.Context
	scope *segment.Filter // nil: every customer
	actor crm.Actor
	loc   *time.Location
}

func (k *calc) opts() segment.Options {
	return segment.Options{Now: k.s.Clock.Now(), Loc: k.loc, Me: k.actor.UserID}
}

// scoped ANDs the request's scope to n.
func (k *calc) scoped(n segment.Node) segment.Node {
	if k.scope != nil && k.scope.Node() != nil {
		return segment.And{Nodes: []segment.Node{k.scope.Node(), n}}
	}
	return n
}

func onDays(field string, r Range) segment.Node {
	return segment.Cond{Field: field, Op: segment.Between, Value: segment.Range{Lo: r.First, Hi: r.Last}}
}

func some(a segment.Array, where ...segment.Node) segment.Node {
	var w segment.Node
	if len(where) == 1 {
		w = where[0]
	} else if len(where) > 1 {
		w = segment.And{Nodes: where}
	}
	return segment.Quant{Array: a, Q: segment.Some, Where: w}
}

func and(ns ...segment.Node) segment.Node { return segment.And{Nodes: ns} }

// active: a deal or an interaction in r.
func active(r Range) segment.Node {
	return segment.Or{Nodes: []segment.Node{some(segment.Interactions, onDays("at", r)), some(segment.Deals, onDays("date", r))}}
}

func before(d Date) segment.Node { return segment.Cond{Field: "createdAt", Op: segment.Lt, Value: d} }

// counts counts each node's customers (active ones, in scope) in one pass.
func (k *calc) counts(nodes []segment.Node) ([]int, []*string, error) {
	filters := make([]crm.Filter, len(nodes))
	lines := make([]*string, len(nodes))
	for i, n := range nodes {
		n = k.scoped(n)
		f, err := segment.NewFilter(n, k.opts())
		if err != nil {
			return nil, nil, err
		}
		filters[i] = f
		if l, ok := segment.Format(n); ok {
			lines[i] = &l
		}
	}
	n, err := k.s.Customers.Counts(k.ctx, filters, crm.CountQuery{Scope: crm.ScopeActive, User: k.actor.UserID, Viewer: &k.actor})
	return n, lines, err
}

// facts runs one aggregate of a fact over the scope: its rows' count and
// customers, and the figures of the metrics read only (the engine skips
// the others), with the medians of those in medians.
func (k *calc) facts(f Fact, scope segment.Node, elems map[string]any, dims []Dimension, window *Range, read []Metric, medians ...Metric) (*Groups, error) {
	spec := &Spec{Fact: f, Archive: crm.ScopeActive, User: k.actor.UserID, Viewer: &k.actor, Dims: dims,
		Window: window, Loc: k.loc, Now: k.s.Clock.Now(), Metrics: append(append([]Metric{}, read...), medians...), Medians: medians}
	var n segment.Node
	switch {
	case scope != nil:
		n = k.scoped(scope)
	case k.scope != nil:
		n = k.scope.Node()
	}
	if n != nil {
		fl, err := segment.NewFilter(n, k.opts())
		if err != nil {
			return nil, err
		}
		spec.Scope = fl
	}
	if elems != nil {
		e, err := segment.ElementsFromInput("", factArray[f], elems, k.opts())
		if err != nil {
			return nil, err
		}
		spec.Elements = e
	}
	return k.s.Engine.Aggregate(k.ctx, spec)
}

func ratio(num, den int64, percent bool) (v, n, d *big.Rat) {
	n, d = big.NewRat(num, 1), big.NewRat(den, 1)
	if den == 0 {
		return nil, n, d
	}
	v = new(big.Rat).Quo(n, d)
	if percent {
		v.Mul(v, big.NewRat(100, 1))
	}
	return v, n, d
}

func group(g *Groups, keys ...string) *Group {
	for _, x := range g.Groups {
		if len(x.Keys) == len(keys) {
			same := true
			for i := range keys {
				same = same && x.Keys[i] == keys[i]
			}
			if same {
				return x
			}
		}
	}
	return &Group{}
}

// all computes every KPI for r, in kpiDefs order; the KPIs as of now
// (overdue next actions, cadences kept) only for the current range.
func (k *calc) all(r Range, current bool) ([]*KPI, error) {
	out := make([]*KPI, len(kpiDefs))
	for i := range out {
		out[i] = &KPI{}
	}
	set := func(code KPICode, v, n, d *big.Rat, drill *string) {
		for i, def := range kpiDefs {
			if def.code == code {
				x := out[i]
				dec := decimalsOf(def.unit)
				x.value, x.Value, x.Drill = v, ratString(v, dec), drill
				x.Numerator, x.Denominator = ratString(n, 2), ratString(d, 2)
				if n != nil && n.IsInt() {
					x.Numerator = ratString(n, 0)
				}
				if d != nil && d.IsInt() {
					x.Denominator = ratString(d, 0)
				}
			}
		}
	}
	before90 := Range{addDays(r.First, -ActiveWindow), addDays(r.First, -1)}
	last90 := Range{addDays(r.Last, -(ActiveWindow - 1)), r.Last}
	tierA := segment.Cond{Field: "valueTier", Op: segment.Eq, Value: segment.String("A")}
	noDealBefore := segment.Or{Nodes: []segment.Node{
		segment.Cond{Field: "firstDealOn", Op: segment.IsNull, Value: segment.Bool(true)},
		segment.Cond{Field: "firstDealOn", Op: segment.Gte, Value: r.First},
	}}
	dealBefore := segment.Cond{Field: "firstDealOn", Op: segment.Lt, Value: r.First}
	nodes := []segment.Node{
		and(tierA, before(r.First), active(before90)),                                       // 0 retention base
		and(tierA, before(r.First), active(before90), active(last90)),                       // 1 retained
		and(segment.Cond{Field: "createdAt", Op: segment.Lte, Value: r.Last}, noDealBefore), // 2 potential
		onDays("firstDealOn", r),                                                  // 3 converted
		and(before(r.First), active(before90)),                                    // 4 churn base
		and(before(r.First), active(before90), segment.Not{Node: active(last90)}), // 5 churned
	}
	clock := k.s.Clock.Now()
	if current {
		cadenced := and(segment.Cond{Field: "cadenceDays", Op: segment.IsNull, Value: segment.Bool(false)},
			segment.Cond{Field: "stage", Op: segment.Ne, Value: segment.String(string(crm.StageLost))})
		nodes = append(nodes,
			cadenced, // 6 customers with a cadence
			and(cadenced, segment.Cond{Field: "nextFollowUpAt", Op: segment.Gte, Value: segment.At(clock.Truncate(time.Millisecond))}), // 7 kept it
		)
	}
	n, lines, err := k.counts(nodes)
	if err != nil {
		return nil, err
	}
	c := func(i int) int64 { return int64(n[i]) }
	// The customers with a deal (an interaction, a complaint) in the
	// range are the distinct customers of the range's rows: counted by the
	// aggregates below, which scan only the range's rows.
	repeatLine := k.line(and(some(segment.Deals, onDays("date", r)), dealBefore))
	complainedLine := k.line(some(segment.Interactions, onDays("at", r), segment.Cond{Field: "keyEvent", Op: segment.Eq, Value: segment.String("COMPLAINT")}))
	buyers, err := k.facts(Deals, nil, nil, nil, &r, nil)
	if err != nil {
		return nil, err
	}
	now, err := k.facts(Deals, dealBefore, nil, nil, &r, []Metric{Amount}) // repeat buyers' deals
	if err != nil {
		return nil, err
	}
	touched, err := k.facts(Interactions, nil, nil, []Dimension{KeyEvent}, &r, nil)
	if err != nil {
		return nil, err
	}
	complaints := group(touched, string(crm.KeyEventComplaint))
	v, nu, de := ratio(c(1), c(0), true)
	set(HighValueRetention, v, nu, de, lines[1])
	v, nu, de = ratio(c(3), c(2), true)
	set(PotentialConversion, v, nu, de, lines[3])
	v, nu, de = ratio(c(5), c(4), true)
	set(ChurnRate, v, nu, de, lines[5])
	v, nu, de = ratio(now.Total.Customers, buyers.Total.Customers, true)
	set(RepurchaseRate, v, nu, de, repeatLine)
	v, nu, de = ratio(complaints.Customers, touched.Total.Customers, true)
	set(ComplaintRate, v, nu, de, complainedLine)
	if current {
		v, nu, de = ratio(c(7), c(6), true)
		set(CadenceKept, v, nu, de, lines[7])
	}

	// Repurchase growth: repeat buyers' deal amount now against a year before.
	yr := Range{addMonths(r.First, -12), addMonths(r.Last, -12)}
	then, err := k.facts(Deals, segment.Cond{Field: "firstDealOn", Op: segment.Lt, Value: yr.First}, nil, nil, &yr, []Metric{Amount})
	if err != nil {
		return nil, err
	}
	a, b := big.NewRat(now.Total.Figures[0].Sum, 100), big.NewRat(then.Total.Figures[0].Sum, 100)
	if b.Sign() > 0 {
		g := new(big.Rat).Quo(new(big.Rat).Sub(a, b), b)
		set(RepurchaseGrowth, g.Mul(g, big.NewRat(100, 1)), a, b, repeatLine)
	} else {
		set(RepurchaseGrowth, nil, a, b, repeatLine)
	}

	// Surveys.
	sv, err := k.facts(Satisfaction, nil, nil, []Dimension{ScoreBand}, &r, []Metric{Score})
	if err != nil {
		return nil, err
	}
	sf := sv.Total.Figures[0]
	surveyed := k.line(some(segment.Satisfaction, onDays("at", r)))
	if sf.N > 0 {
		set(AvgSatisfactionKPI, big.NewRat(sf.Sum, sf.N), big.NewRat(sf.Sum, 1), big.NewRat(sf.N, 1), surveyed)
	} else {
		set(AvgSatisfactionKPI, nil, big.NewRat(0, 1), big.NewRat(0, 1), surveyed)
	}
	v, nu, de = ratio(group(sv, bandHigh).Count, sv.Total.Count, true)
	set(SatisfiedShare, v, nu, de, k.line(some(segment.Satisfaction, onDays("at", r),
		segment.Cond{Field: "score", Op: segment.Gte, Value: segment.Int(scoreHigh)})))

	// Needs opened in the range.
	nd, err := k.facts(Needs, nil, nil, []Dimension{Status}, &r, nil, DaysToResolve)
	if err != nil {
		return nil, err
	}
	v, nu, de = ratio(group(nd, string(crm.NeedStatusResolved)).Count, nd.Total.Count, true)
	resolved := some(segment.Needs, onDays("openedAt", r), segment.Cond{Field: "status", Op: segment.Eq, Value: segment.String("RESOLVED")})
	set(NeedResolutionRate, v, nu, de, k.line(resolved))
	if twice, ok := nd.Total.Figures[1].median(); ok {
		set(NeedResolutionDays, big.NewRat(twice, 2*days.Scale), nil, nil, k.line(resolved))
	}

	// Complaints, timeliness, overdue next actions.
	cp := complaints.Count
	set(ComplaintCountKPI, big.NewRat(cp, 1), big.NewRat(cp, 1), nil, complainedLine)
	it, err := k.facts(Interactions, nil, nil, []Dimension{Recording}, &r, nil)
	if err != nil {
		return nil, err
	}
	on, late := group(it, OnTime).Count, group(it, Late).Count
	v, nu, de = ratio(on, on+late, true)
	set(TimelyRecording, v, nu, de, k.line(some(segment.Interactions, onDays("at", r), recordingIs(OnTime))))
	if current { // as of now, whatever the range: the compared range has none
		na, err := k.facts(Interactions, nil, nil, []Dimension{NextAction}, nil, nil)
		if err != nil {
			return nil, err
		}
		od := group(na, Overdue).Count
		overdue := k.line(segment.Quant{Array: segment.Interactions, Q: segment.Some, Where: nextActionIs(Overdue, clock)})
		set(OverdueNextActions, big.NewRat(od, 1), big.NewRat(od, 1), nil, overdue)
	}

	// Service requests opened in the range: resolved by their due time
	// (TIMELINESS ON_TIME) of those resolved (ON_TIME and LATE), and the
	// median hours to resolve.
	sr, err := k.facts(ServiceRequests, nil, nil, []Dimension{Timeliness}, &r, nil, HoursToResolve)
	if err != nil {
		return nil, err
	}
	on, late = group(sr, OnTime).Count, group(sr, Late).Count
	v, nu, de = ratio(on, on+late, true)
	opened := onDays("openedAt", r)
	set(ServiceOnTime, v, nu, de, k.line(some(segment.ServiceRequests, opened, resolvedLate(false))))
	if twice, ok := sr.Total.Figures[0].median(); ok {
		set(ServiceHours, big.NewRat(twice, 2), nil, nil, k.line(some(segment.ServiceRequests, opened,
			segment.Cond{Field: "resolutionHours", Op: segment.IsNull, Value: segment.Bool(false)})))
	}

	// Tasks due in the range and done: done by their due time (TIMELINESS
	// ON_TIME) of those done (ON_TIME and LATE).
	tk, err := k.facts(Tasks, nil, nil, []Dimension{Timeliness}, &r, nil)
	if err != nil {
		return nil, err
	}
	on, late = group(tk, OnTime).Count, group(tk, Late).Count
	v, nu, de = ratio(on, on+late, true)
	set(TasksOnTime, v, nu, de, k.line(some(segment.Tasks, onDays("due", r), doneLate(false))))

	// Sales cycle of the customers whose first deal is in the range.
	cy, err := k.facts(Customers, onDays("firstDealOn", r), nil, nil, nil, []Metric{SalesCycleDays})
	if err != nil {
		return nil, err
	}
	cf := cy.Total.Figures[Customers.metricIndex(SalesCycleDays)]
	if cf.N > 0 {
		set(SalesCycleKPI, big.NewRat(cf.Sum, cf.N*days.Scale), big.NewRat(cf.Sum, days.Scale), big.NewRat(cf.N, 1), lines[3])
	}
	return out, nil
}

// line is n in scope as a query line, nil when it has none.
func (k *calc) line(n segment.Node) *string {
	if l, ok := segment.Format(k.scoped(n)); ok {
		return &l
	}
	return nil
}
