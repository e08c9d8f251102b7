package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/rules"
	"github.com/kehu-crm/kehu/internal/segment"
)

// aggArgs are the arguments every xxxAggregate field takes, translated
// from the fact's own GraphQL types.
type aggArgs struct {
	fact      analytics.Fact
	where     map[string]any
	query     *string
	segment   *string
	scope     *crm.ArchiveScope
	elemWhere map[string]any
	groupBy   []string
	rng       *model.AggregateRange
	timeZone  *string
	limit     *int
	by        model.AggregateMeasure
	metric    string
	direction *model.OrderDirection
	compare   *model.CompareTo
	locale    *crm.Locale
}

// aggregate translates an aggregate field's arguments into an
// analytics.Request and runs it.
func (r *Resolver) aggregate(ctx context.Context, in aggArgs) (*analytics.Result, error) {
	return asArgs(ctx, func(a crm.Actor) (*analytics.Result, error) {
		opts := r.segmentOptions(ctx, a)
		f, err := r.scopeFilter(ctx, a, in.where, in.query, in.segment)
		if err != nil {
			return nil, err
		}
		q := analytics.Request{Fact: in.fact, Actor: a, Limit: in.limit, Scope: f}
		if in.scope != nil {
			q.Archive = *in.scope
		}
		if in.elemWhere != nil {
			if q.Elements, err = segment.ElementsFromInput(in.fact.ElementArg(), in.fact.Array(), in.elemWhere, opts); err != nil {
				return nil, err
			}
		}
		for i, name := range in.groupBy {
			d, ok := in.fact.Dimension(name)
			if !ok {
				return nil, badArg(fmt.Sprintf("groupBy[%d]", i), fmt.Sprintf("%s is not a dimension of %s", name, in.fact))
			}
			q.GroupBy = append(q.GroupBy, d)
		}
		q.Range = rangeInput(in.rng)
		if in.timeZone != nil {
			q.TimeZone = *in.timeZone
		}
		q.Order = analytics.Order{By: analytics.Measure(in.by), Metric: analytics.Metric(in.metric)}
		if in.direction != nil {
			desc := *in.direction == model.OrderDirectionDesc
			q.Order.Desc = &desc
		}
		if in.compare != nil {
			q.Compare = analytics.Compare(*in.compare)
		}
		medians, all := metricArgs(ctx)
		for _, m := range medians {
			q.Medians = append(q.Medians, analytics.Metric(m))
		}
		q.Metrics = []analytics.Metric{}
		for _, m := range all {
			q.Metrics = append(q.Metrics, analytics.Metric(m))
		}
		q.Locale = r.locale(ctx, a, in.locale)
		return r.Analytics.Aggregate(ctx, q)
	})
}

// scopeFilter is the customers of an analytics request: the where input,
// the query line and a saved segment (its id), ANDed; nil for every
// customer. Errors: BAD_USER_INPUT with the argument's path; NOT_FOUND for
// a segment the actor may not see.
func (r *Resolver) scopeFilter(ctx context.Context, a crm.Actor, where map[string]any, query, seg *string) (*segment.Filter, error) {
	if seg != nil {
		s, err := r.CRM.Segment(ctx, a, *seg)
		if err != nil {
			return nil, err
		}
		saved, err := segment.SavedWhere(s.Where)
		if err != nil {
			return nil, err
		}
		if where == nil {
			where = saved
		} else {
			where = map[string]any{"and": []any{where, saved}}
		}
	}
	line := ""
	if query != nil {
		line = *query
	}
	return segment.FilterOf(where, line, r.segmentOptions(ctx, a))
}

// kpis translates the kpis field.
func (r *Resolver) kpis(ctx context.Context, where map[string]any, query, seg *string, rng *model.AggregateRange, compare *model.CompareTo, locale *crm.Locale) (*analytics.KPIReport, error) {
	return asArgs(ctx, func(a crm.Actor) (*analytics.KPIReport, error) {
		f, err := r.scopeFilter(ctx, a, where, query, seg)
		if err != nil {
			return nil, err
		}
		q := analytics.KPIRequest{Scope: f, Actor: a, Range: rangeInput(rng), Locale: r.locale(ctx, a, locale)}
		if compare != nil {
			q.Compare = analytics.Compare(*compare)
		}
		return r.Analytics.KPIs(ctx, q)
	})
}

// funnel translates the funnel field.
func (r *Resolver) funnel(ctx context.Context, where map[string]any, query, seg *string, rng *model.AggregateRange, locale *crm.Locale) (*analytics.Funnel, error) {
	return asArgs(ctx, func(a crm.Actor) (*analytics.Funnel, error) {
		f, err := r.scopeFilter(ctx, a, where, query, seg)
		if err != nil {
			return nil, err
		}
		return r.Analytics.Funnel(ctx, analytics.FunnelRequest{Scope: f, Actor: a, Range: rangeInput(rng), Locale: r.locale(ctx, a, locale)})
	})
}

// cohorts translates the cohorts field.
func (r *Resolver) cohorts(ctx context.Context, where map[string]any, query, seg *string, rng *model.AggregateRange,
	by *analytics.CohortBy, activity *analytics.CohortActivity, unit *model.TimeUnit, periods *int, locale *crm.Locale) (*analytics.Cohorts, error) {
	return asArgs(ctx, func(a crm.Actor) (*analytics.Cohorts, error) {
		f, err := r.scopeFilter(ctx, a, where, query, seg)
		if err != nil {
			return nil, err
		}
		q := analytics.CohortRequest{Scope: f, Actor: a, Range: rangeInput(rng), Periods: 12, Locale: r.locale(ctx, a, locale)}
		if by != nil {
			q.By = *by
		}
		if activity != nil {
			q.Activity = *activity
		}
		if unit != nil {
			q.Unit = analytics.Dimension(*unit)
		}
		if periods != nil {
			q.Periods = *periods
		}
		return r.Analytics.Cohorts(ctx, q)
	})
}

func rangeInput(rng *model.AggregateRange) *analytics.RangeInput {
	if rng == nil {
		return nil
	}
	in := &analytics.RangeInput{From: dateArg(rng.From), To: dateArg(rng.To)}
	if rng.Last != nil {
		in.Last = *rng.Last
	}
	if rng.Unit != nil {
		in.Unit = analytics.Dimension(*rng.Unit)
	}
	return in
}

func daySpan(r *analytics.Range) *model.DaySpan {
	if r == nil {
		return nil
	}
	return &model.DaySpan{From: dateTime(r.First), To: dateTime(r.Last)}
}

// locale is the language of an aggregate's labels: the argument, else the
// signed-in user's (read once per operation, however many aggregates it
// asks for), else Chinese.
func (r *Resolver) locale(ctx context.Context, a crm.Actor, arg *crm.Locale) crm.Locale {
	if arg != nil {
		return *arg
	}
	cache, _ := ctx.Value(userDirKey).(*userDirectories)
	if cache != nil {
		cache.mu.Lock()
		defer cache.mu.Unlock()
		if l, ok := cache.locales[a.UserID]; ok {
			return l
		}
	}
	l := crm.LocaleZhCN
	if u, err := r.Store.Users().Get(ctx, a.UserID); err == nil && u.Locale != "" {
		l = u.Locale
	}
	if cache != nil {
		if cache.locales == nil {
			cache.locales = map[string]crm.Locale{}
		}
		cache.locales[a.UserID] = l
	}
	return l
}

func dateArg(t *time.Time) *segment.Date {
	if t == nil {
		return nil
	}
	y, m, d := t.Date()
	return &segment.Date{Year: y, Month: m, Day: d}
}

func dateTime(d segment.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// metricArgs returns the metrics the selection of an aggregate field
// reads: those of its median fields, and those of all its figure fields
// (sum, avg, min, max, median), each once in the order met.
func metricArgs(ctx context.Context) (medians, all []string) {
	oc := graphql.GetOperationContext(ctx)
	seen := map[string]bool{}
	seenMedian := map[string]bool{}
	var walk func(sel ast.SelectionSet, depth int)
	walk = func(sel ast.SelectionSet, depth int) {
		if depth > 4 {
			return
		}
		for _, f := range graphql.CollectFields(oc, sel, nil) {
			switch f.Name {
			case "sum", "avg", "min", "max", "median":
				m, ok := f.ArgumentMap(oc.Variables)["metric"].(string)
				if !ok {
					continue
				}
				if !seen[m] {
					seen[m] = true
					all = append(all, m)
				}
				if f.Name == "median" && !seenMedian[m] {
					seenMedian[m] = true
					medians = append(medians, m)
				}
				continue
			}
			walk(f.Selections, depth+1)
		}
	}
	walk(graphql.GetFieldContext(ctx).Field.Selections, 0)
	return medians, all
}

// meta is an aggregate's meta field.
func meta(res *analytics.Result) *model.AggregateMeta {
	m := &model.AggregateMeta{Rows: int(res.Rows), CustomersScanned: int(res.Customers),
		TookMs: float64(res.Took.Microseconds()) / 1000, TimeZone: res.TimeZone}
	m.Range, m.PreviousRange = daySpan(res.Range), daySpan(res.Previous)
	return m
}

// names are enum values as strings.
func names[D ~string](ds []D) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = string(d)
	}
	return out
}

func metricName[M ~string](m *M) string {
	if m == nil {
		return ""
	}
	return string(*m)
}

// figure is one of a group's figures: null when no row has the metric.
func figure(v string, ok bool) (*string, error) {
	if !ok {
		return nil, nil
	}
	return &v, nil
}

// aggregateCosts charges each aggregate what it scans: its scope's filter
// over every customer (as a list's), times the fact's weight (the rows a
// customer holds of it, relative: analytics.Fact.Weight), twice with
// compare; a saved segment is charged as a filter that reads free text,
// its filter not being known before it is read. The groups it returns
// cost their selection each, up to limit + 1 of them.
func aggregateCosts(c *ComplexityRoot, scan func(map[string]any, *string) int, filterCost func(bool) int) {
	cost := func(f analytics.Fact, child int, where map[string]any, query, seg *string, limit *int, compare *model.CompareTo) int {
		n := scan(where, query)
		if seg != nil {
			n = max(n, filterCost(true))
		}
		n *= f.Weight()
		if compare != nil {
			n *= 2
		}
		groups := analytics.DefaultLimit
		if limit != nil && *limit > 0 && *limit <= analytics.MaxLimit {
			groups = *limit
		}
		return n + (groups+1)*max(child, 1)
	}
	// The KPIs run one count pass of eight filters and eleven aggregates per
	// range (twice with compare, less the KPIs of now), measured at about
	// eight scans of the customers (docs/PERFORMANCE.md, Aggregates); the
	// funnel a count pass and one aggregate, cohorts two aggregates: about
	// three each.
	scope := func(where map[string]any, query, seg *string) int {
		n := scan(where, query)
		if seg != nil {
			n = max(n, filterCost(true))
		}
		return n
	}
	c.Query.Kpis = func(child int, where map[string]any, query, seg *string, _ *model.AggregateRange, compare *model.CompareTo, _ *crm.Locale) int {
		n := 8 * scope(where, query, seg)
		if compare != nil {
			n *= 2
		}
		return n + 20*max(child, 1)
	}
	c.Query.Funnel = func(child int, where map[string]any, query, seg *string, _ *model.AggregateRange, _ *crm.Locale) int {
		return 3*scope(where, query, seg) + 6*max(child, 1)
	}
	// A dry run of rules evaluates each rule and each lifecycle definition
	// on every customer in scope (the set in force counts as the defaults'
	// size, about twenty).
	c.Query.PreviewRules = func(child int, in []model.ClassificationRuleInput, where map[string]any, query, seg *string, first *int, _ *crm.Locale) int {
		n := len(in)
		if in == nil {
			n = 20
		}
		changes := 50
		if first != nil && *first >= 0 && *first <= rules.MaxPreviewChanges {
			changes = *first
		}
		return (1+n+len(rules.Definitions))*scope(where, query, seg) + (changes+1)*max(child, 1)
	}
	c.Query.Cohorts = func(child int, where map[string]any, query, seg *string, _ *model.AggregateRange, _ *analytics.CohortBy, _ *analytics.CohortActivity, _ *model.TimeUnit, _ *int, _ *crm.Locale) int {
		return 3*scope(where, query, seg) + 120*max(child, 1)
	}
	c.Query.CustomersAggregate = func(child int, where map[string]any, query, seg *string, _ *crm.ArchiveScope, _ []model.CustomerDimension, _ *model.AggregateRange, _ *string, limit *int, _ *model.CustomerAggregateOrder, compare *model.CompareTo, _ *crm.Locale) int {
		return cost(analytics.Customers, child, where, query, seg, limit, compare)
	}
	c.Query.InteractionsAggregate = func(child int, where map[string]any, query, seg *string, _ *crm.ArchiveScope, _ map[string]any, _ []model.InteractionDimension, _ *model.AggregateRange, _ *string, limit *int, _ *model.InteractionAggregateOrder, compare *model.CompareTo, _ *crm.Locale) int {
		return cost(analytics.Interactions, child, where, query, seg, limit, compare)
	}
	c.Query.DealsAggregate = func(child int, where map[string]any, query, seg *string, _ *crm.ArchiveScope, _ map[string]any, _ []model.DealDimension, _ *model.AggregateRange, _ *string, limit *int, _ *model.DealAggregateOrder, compare *model.CompareTo, _ *crm.Locale) int {
		return cost(analytics.Deals, child, where, query, seg, limit, compare)
	}
	c.Query.NeedsAggregate = func(child int, where map[string]any, query, seg *string, _ *crm.ArchiveScope, _ map[string]any, _ []model.NeedDimension, _ *model.AggregateRange, _ *string, limit *int, _ *model.NeedAggregateOrder, compare *model.CompareTo, _ *crm.Locale) int {
		return cost(analytics.Needs, child, where, query, seg, limit, compare)
	}
	c.Query.SatisfactionAggregate = func(child int, where map[string]any, query, seg *string, _ *crm.ArchiveScope, _ map[string]any, _ []model.SatisfactionDimension, _ *model.AggregateRange, _ *string, limit *int, _ *model.SatisfactionAggregateOrder, compare *model.CompareTo, _ *crm.Locale) int {
		return cost(analytics.Satisfaction, child, where, query, seg, limit, compare)
	}
	c.Query.StageChangesAggregate = func(child int, where map[string]any, query, seg *string, _ *crm.ArchiveScope, _ map[string]any, _ []model.StageChangeDimension, _ *model.AggregateRange, _ *string, limit *int, _ *model.StageChangeAggregateOrder, compare *model.CompareTo, _ *crm.Locale) int {
		return cost(analytics.StageChanges, child, where, query, seg, limit, compare)
	}
	c.Query.ServiceRequestsAggregate = func(child int, where map[string]any, query, seg *string, _ *crm.ArchiveScope, _ map[string]any, _ []model.ServiceRequestDimension, _ *model.AggregateRange, _ *string, limit *int, _ *model.ServiceRequestAggregateOrder, compare *model.CompareTo, _ *crm.Locale) int {
		return cost(analytics.ServiceRequests, child, where, query, seg, limit, compare)
	}
	c.Query.TasksAggregate = func(child int, where map[string]any, query, seg *string, _ *crm.ArchiveScope, _ map[string]any, _ []model.TaskDimension, _ *model.AggregateRange, _ *string, limit *int, _ *model.TaskAggregateOrder, compare *model.CompareTo, _ *crm.Locale) int {
		return cost(analytics.Tasks, child, where, query, seg, limit, compare)
	}
}
