package mongodb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

var _ analytics.Engine = (*Store)(nil)

// Aggregate computes an aggregate with one aggregation pipeline (see
// aggPipeline): the server selects the customers in scope, unwinds the
// fact's array, groups and sums; only the groups travel back. A server
// that does not implement the pipeline (code 238: FerretDB v1) gets the
// customers in scope read and grouped in the process (analytics.Evaluate,
// as the embedded store does), and so does a Spec with a dimension or
// metric the compiler does not know.
func (s *Store) Aggregate(ctx context.Context, spec *analytics.Spec) (*analytics.Groups, error) {
	scope, err := customerStore{s}.aggregateScope(ctx, spec)
	if err != nil {
		return nil, err
	}
	p, err := compileAggregate(spec, scope)
	if errors.Is(err, errUncompiled) {
		return s.inProcess(ctx, spec, scope)
	}
	if err != nil {
		return nil, err
	}
	raw, err := s.runAggregate(ctx, p)
	if errors.Is(err, errNotImplemented) {
		return s.inProcess(ctx, spec, scope)
	}
	if err != nil {
		return nil, err
	}
	return p.decode(raw)
}

// aggregateScope is the $match of the customers in scope: the archive
// scope and spec.Scope compiled as lists compile them (a filter a viewer
// reads masked is evaluated in the process and becomes a list of ids).
func (cs customerStore) aggregateScope(ctx context.Context, spec *analytics.Spec) (bson.D, error) {
	scope, err := archiveCond(spec.Archive)
	if err != nil {
		return nil, err
	}
	if spec.Scope == nil {
		return scope, nil
	}
	f, err := cs.filterFor(ctx, spec.Scope, spec.Viewer, scope)
	if err != nil {
		return nil, err
	}
	if len(scope) == 0 {
		return bson.D{{Key: "$and", Value: bson.A{f}}}, nil
	}
	return and(bson.A{scope, f}), nil
}

// archiveCond is the condition of an archive scope.
func archiveCond(s crm.ArchiveScope) (bson.D, error) {
	switch s {
	case crm.ScopeActive, "":
		return bson.D{{Key: "archivedAt", Value: nil}}, nil
	case crm.ScopeArchived:
		return bson.D{{Key: "archivedAt", Value: bson.D{{Key: "$ne", Value: nil}}}}, nil
	case crm.ScopeAll:
		return bson.D{}, nil
	}
	return nil, crm.Errorf(crm.CodeBadUserInput, "unknown scope %q", string(s))
}

// errUncompiled reports a Spec the pipeline compiler does not know (a
// dimension or metric added to the catalog since): it is computed in the
// process, correct but without the push-down.
var errUncompiled = errors.New("mongodb: no pipeline for this aggregate")

// errNotImplemented reports a server that lacks a stage or an operator
// the pipeline uses (code 238: FerretDB v1).
var errNotImplemented = errors.New("mongodb: the server does not implement the pipeline")

func (s *Store) runAggregate(ctx context.Context, p *aggPipeline) (bson.Raw, error) {
	cur, err := s.customers.Aggregate(ctx, p.Pipeline())
	if err != nil {
		var ce mongo.CommandError
		if errors.As(err, &ce) && ce.Code == codeNotImplemented {
			return nil, errNotImplemented
		}
		return nil, internal("aggregate", err)
	}
	defer cur.Close(ctx)
	if !cur.Next(ctx) {
		if err := cur.Err(); err != nil {
			return nil, internal("aggregate", err)
		}
		return nil, internal("aggregate", errors.New("no result"))
	}
	return append(bson.Raw(nil), cur.Current...), nil
}

// inProcess computes the aggregate as the embedded store does, over the
// documents of the customers in scope, for a server that cannot run the
// pipeline (FerretDB v1 lacks $facet, $cond, $ifNull, $dateToString and
// the $min accumulator). It reads every customer in scope.
func (s *Store) inProcess(ctx context.Context, spec *analytics.Spec, scope bson.D) (*analytics.Groups, error) {
	cur, err := s.customers.Find(ctx, scope, options.Find().SetBatchSize(fullBatch).SetProjection(withoutStoreFields))
	if err != nil {
		return nil, internal("aggregate in process", err)
	}
	in, err := decodeAll[crm.Customer](ctx, cur, "aggregate in process")
	if err != nil {
		return nil, err
	}
	g, _ := analytics.Evaluate(spec, in)
	return g, nil
}

// aggPipeline is a compiled aggregate:
//
//	$match  the customers in scope (the store's indexes: archive scope and filter fields)
//	$project the fields the aggregate reads
//	$facet  customers: $count
//	        groups: [$unwind fact, $match window and element filter,] $project keys and
//	                metrics, [$unwind TAG / PARTICIPANT,] $group by keys and customer,
//	                $group by keys
//	        total:  the same rows, grouped by customer, then all together
//
// Grouping first by keys and customer counts distinct customers without
// holding their ids.
type aggPipeline struct {
	spec    *analytics.Spec
	metrics []analytics.Metric
	keep    []bool // by metric: values pushed for the median
	head    bson.A // $match, $project
	rows    bson.A // to one document per row with k (keys) and m0... (metrics)
	multi   bson.A // $unwind of the multi-valued keys
}

// Pipeline is the whole pipeline.
func (p *aggPipeline) Pipeline() bson.A {
	return append(slices.Clone(p.head), bson.D{{Key: "$facet", Value: p.branches()}})
}

func (p *aggPipeline) branches() bson.D {
	groups := append(append(slices.Clone(p.rows), p.multi...), p.group(true)...)
	total := append(slices.Clone(p.rows), p.group(false)...)
	return bson.D{
		{Key: "customers", Value: bson.A{bson.D{{Key: "$count", Value: "n"}}}},
		{Key: "groups", Value: groups},
		{Key: "total", Value: total},
	}
}

// Where a fact's rows are: the array and the fields of its elements.
type factPaths struct {
	array  string
	time   string
	fields []string // every field the rows read
}

var factTable = map[analytics.Fact]factPaths{
	analytics.Customers:    {time: "createdAt"},
	analytics.Interactions: {"interactions", "at", []string{"at", "channel", "keyEvent", "participants", "durationMin", "recordedAt", "nextAction"}},
	analytics.Deals:        {"deals", "date", []string{"date", "product", "amount"}},
	analytics.Needs:        {"needs", "openedAt", []string{"openedAt", "status", "priority", "kind", "type", "budgetMax", "resolvedAt"}},
	analytics.Satisfaction: {"satisfaction", "at", []string{"at", "score"}},
	analytics.StageChanges: {"stageHistory", "at", []string{"at", "from", "to"}},
	analytics.ServiceRequests: {"serviceRequests", "openedAt",
		[]string{"openedAt", "status", "priority", "kind", "assigneeId", "due", "resolvedAt", "resolutionHours"}},
	analytics.Tasks: {"tasks", "due", []string{"due", "kind", "status", "assigneeId", "createdAt", "closedAt"}},
}

// customerPaths are the document paths of the customer's dimensions.
var customerPaths = map[analytics.Dimension]string{
	analytics.ValueTier:        "valueTier",
	analytics.Lifecycle:        "lifecycle",
	analytics.IntentGrade:      "intentGrade",
	analytics.Stage:            "stage",
	analytics.Industry:         "industry",
	analytics.Source:           "source",
	analytics.Province:         "region.province",
	analytics.City:             "region.city",
	analytics.Owner:            "ownerId",
	analytics.CustomerType:     "type",
	analytics.NeedType:         "needType",
	analytics.Tag:              "tags",
	analytics.CreatedMonth:     "createdAt",
	analytics.CreatedQuarter:   "createdAt",
	analytics.CreatedYear:      "createdAt",
	analytics.FirstDealMonth:   "stats.firstDealOn",
	analytics.FirstDealQuarter: "stats.firstDealOn",
}

// rowPaths are the element fields of the rows' own dimensions.
var rowPaths = map[analytics.Dimension]string{
	analytics.Channel:     "channel",
	analytics.KeyEvent:    "keyEvent",
	analytics.Participant: "participants",
	analytics.Product:     "product",
	analytics.Status:      "status",
	analytics.Priority:    "priority",
	analytics.Kind:        "kind",
	analytics.NeedOwnType: "type",
	analytics.OpenedMonth: "openedAt",
	analytics.FromStage:   "from",
	analytics.ToStage:     "to",
	analytics.ScoreBand:   "score",
	analytics.Assignee:    "assigneeId",
}

type (
	bd = bson.D
	ba = bson.A
)

func op(name string, v any) bson.D { return bd{{Key: name, Value: v}} }

// text is a string field's value, "" when absent.
func text(path string) bson.D { return op("$ifNull", ba{"$" + path, ""}) }

// zeroDate is a zero time.Time as the documents store it (a computed time
// that is not set: stats.firstDealOn of a customer without deals).
var zeroDate = time.Time{}.UTC()

// unset is true when the computed time at path is not set (absent or the
// zero time: time.Time.IsZero).
func unset(path string) bson.D {
	return op("$eq", ba{op("$ifNull", ba{"$" + path, zeroDate}), zeroDate})
}

// absent is true when the field at path is missing or null.
func absent(path string) bson.D { return op("$eq", ba{op("$ifNull", ba{"$" + path, nil}), nil}) }

// recordingKey is an interaction's RECORDING: ON_TIME when it was logged
// within crm.RecordWithin of its time, LATE when later, "" when the time
// of logging is not kept (crm.BriefInteraction.WithRecordedAt).
func recordingKey(elem func(string) string) bson.D {
	late := op("$gt", ba{op("$subtract", ba{"$" + elem("recordedAt"), "$" + elem("at")}), crm.RecordWithin.Milliseconds()})
	return op("$cond", ba{absent(elem("recordedAt")), "", op("$cond", ba{late, analytics.Late, analytics.OnTime})})
}

// nextActionKey is an interaction's NEXT_ACTION: NONE without one, DONE,
// OVERDUE when open and due before now, OPEN otherwise. A due time at
// the Unix epoch counts as none, as in the brief (crm.BriefInteraction.NextDue).
func nextActionKey(elem func(string) string, now time.Time) bson.D {
	due := elem("nextAction.due")
	overdue := op("$and", ba{
		op("$not", ba{absent(due)}),
		op("$ne", ba{"$" + due, time.UnixMilli(0).UTC()}),
		op("$lt", ba{"$" + due, time.UnixMilli(now.UnixMilli()).UTC()}),
	})
	return op("$switch", bd{
		{Key: "branches", Value: ba{
			bd{{Key: "case", Value: absent(elem("nextAction"))}, {Key: "then", Value: analytics.None}},
			bd{{Key: "case", Value: op("$eq", ba{"$" + elem("nextAction.done"), true})}, {Key: "then", Value: analytics.Done}},
			bd{{Key: "case", Value: overdue}, {Key: "then", Value: analytics.Overdue}},
		}},
		{Key: "default", Value: analytics.Open},
	})
}

// timelinessKey is a service request's TIMELINESS: OVERDUE when OPEN or
// IN_PROGRESS and due before now, OPEN when still worked on otherwise; ""
// when resolved or closed without a time of resolution; ON_TIME when
// resolved at or before its due time, LATE after it.
func timelinessKey(elem func(string) string, now time.Time) bson.D {
	active := op("$in", ba{"$" + elem("status"), ba{string(crm.ServiceOpen), string(crm.ServiceInProgress)}})
	return op("$switch", bd{
		{Key: "branches", Value: ba{
			bd{{Key: "case", Value: op("$and", ba{active, op("$lt", ba{"$" + elem("due"), time.UnixMilli(now.UnixMilli()).UTC()})})},
				{Key: "then", Value: analytics.Overdue}},
			bd{{Key: "case", Value: active}, {Key: "then", Value: analytics.Open}},
			bd{{Key: "case", Value: absent(elem("resolvedAt"))}, {Key: "then", Value: ""}},
			bd{{Key: "case", Value: op("$lte", ba{"$" + elem("resolvedAt"), "$" + elem("due")})}, {Key: "then", Value: analytics.OnTime}},
		}},
		{Key: "default", Value: analytics.Late},
	})
}

// taskTimelinessKey is a task's TIMELINESS: OVERDUE when OPEN and due
// before now, OPEN when open otherwise, CLOSED when it closed itself; ""
// when DONE without a closing time; ON_TIME when done at or before its
// due time, LATE after it.
func taskTimelinessKey(elem func(string) string, now time.Time) bson.D {
	open := op("$eq", ba{"$" + elem("status"), string(crm.TaskOpen)})
	return op("$switch", bd{
		{Key: "branches", Value: ba{
			bd{{Key: "case", Value: op("$and", ba{open, op("$lt", ba{"$" + elem("due"), time.UnixMilli(now.UnixMilli()).UTC()})})},
				{Key: "then", Value: analytics.Overdue}},
			bd{{Key: "case", Value: open}, {Key: "then", Value: analytics.Open}},
			bd{{Key: "case", Value: op("$eq", ba{"$" + elem("status"), string(crm.TaskClosed)})}, {Key: "then", Value: analytics.Closed}},
			bd{{Key: "case", Value: absent(elem("closedAt"))}, {Key: "then", Value: ""}},
			bd{{Key: "case", Value: op("$lte", ba{"$" + elem("closedAt"), "$" + elem("due")})}, {Key: "then", Value: analytics.OnTime}},
		}},
		{Key: "default", Value: analytics.Late},
	})
}

// localDay is the calendar day in loc of the time x, as a date is stored
// (midnight UTC).
func localDay(x any, loc *time.Location) bson.D {
	part := func(name string) bson.D {
		args := bd{{Key: "date", Value: x}}
		if loc != time.UTC && loc.String() != "UTC" {
			args = append(args, bson.E{Key: "timezone", Value: loc.String()})
		}
		return op(name, args)
	}
	return op("$dateFromParts", bd{{Key: "year", Value: part("$year")}, {Key: "month", Value: part("$month")}, {Key: "day", Value: part("$dayOfMonth")}})
}

// compileAggregate builds the pipeline of spec over the customers that
// scope selects.
func compileAggregate(spec *analytics.Spec, scope bson.D) (*aggPipeline, error) {
	fp, ok := factTable[spec.Fact]
	if !ok {
		return nil, fmt.Errorf("%w: fact %s", errUncompiled, spec.Fact)
	}
	p := &aggPipeline{spec: spec, metrics: spec.Fact.Metrics()}
	p.keep = make([]bool, len(p.metrics))
	for i, m := range p.metrics {
		p.keep[i] = slices.Contains(spec.Medians, m)
	}
	elem := func(f string) string { // a row's field
		if fp.array == "" {
			return f
		}
		return fp.array + "." + f
	}

	// $project: what the keys, the metrics and the filters read.
	proj := bd{}
	seen := map[string]bool{}
	keepField := func(path string) {
		for p := path; ; {
			if seen[p] { // kept already, or within a kept field
				return
			}
			i := strings.LastIndexByte(p, '.')
			if i < 0 {
				break
			}
			p = p[:i]
		}
		seen[path] = true
		proj = append(proj, bson.E{Key: path, Value: 1})
	}
	switch {
	case fp.array == "":
		keepField("createdAt")
		keepField("stats")
	case spec.Elements != nil && spec.Elements.Node() != nil:
		keepField(fp.array) // the filter may read any field of an element
	default:
		for _, f := range fp.fields {
			keepField(elem(f))
		}
	}
	for _, d := range spec.Dims { // after the fact's: none is within another
		if path, ok := customerPaths[d]; ok && !spec.Fact.Own(d) {
			keepField(path)
		}
	}
	p.head = ba{op("$match", scope), op("$project", proj)}

	// The rows.
	if fp.array != "" {
		if spec.Fact == analytics.StageChanges {
			// A stage change's days in the stage it left read the change
			// before it: keep the times and each row's index.
			p.rows = append(p.rows, op("$addFields", bd{{Key: "_ats", Value: "$stageHistory.at"}}))
			p.rows = append(p.rows, op("$unwind", bd{{Key: "path", Value: "$stageHistory"}, {Key: "includeArrayIndex", Value: "_i"}}))
		} else {
			p.rows = append(p.rows, op("$unwind", "$"+fp.array))
		}
	}
	var conds ba
	if lo, hi, ok := spec.WindowMillis(); ok {
		conds = append(conds, bd{{Key: elem(fp.time), Value: bd{
			{Key: "$gte", Value: time.UnixMilli(lo).UTC()}, {Key: "$lt", Value: time.UnixMilli(hi).UTC()}}}})
	}
	if spec.Elements != nil {
		q, err := segment.ElementsToMQL(spec.Elements)
		if err != nil {
			return nil, err
		}
		if len(q) > 0 {
			conds = append(conds, q)
		}
	}
	switch len(conds) {
	case 0:
	case 1:
		p.rows = append(p.rows, op("$match", conds[0]))
	default:
		p.rows = append(p.rows, op("$match", op("$and", conds)))
	}

	// One document per row: the keys k (in Dims order) and the metrics.
	keys := ba{}
	for i, d := range spec.Dims {
		x, multi, err := p.key(d, fp, elem)
		if err != nil {
			return nil, err
		}
		keys = append(keys, x)
		if multi {
			p.multi = append(p.multi, op("$unwind", "$_k"+strconv.Itoa(i)))
		}
	}
	row := bd{}
	for i := range spec.Dims {
		row = append(row, bson.E{Key: "_k" + strconv.Itoa(i), Value: keys[i]})
	}
	for i, m := range p.metrics {
		x := p.metric(m, elem)
		if x == nil {
			return nil, fmt.Errorf("%w: metric %s", errUncompiled, m)
		}
		row = append(row, bson.E{Key: "m" + strconv.Itoa(i), Value: x})
	}
	p.rows = append(p.rows, op("$project", row))
	return p, nil
}

// key is the expression of a dimension's key on a row; multi when it is a
// list of keys (TAG, PARTICIPANT: each distinct value, or [""]) that the
// groups unwind.
func (p *aggPipeline) key(d analytics.Dimension, fp factPaths, elem func(string) string) (any, bool, error) {
	x, multi := p.keyExpr(d, fp, elem)
	if x == nil {
		return nil, false, fmt.Errorf("%w: dimension %s of %s", errUncompiled, d, p.spec.Fact)
	}
	return x, multi, nil
}

// keyExpr is key's expression; nil for a dimension it does not know.
func (p *aggPipeline) keyExpr(d analytics.Dimension, fp factPaths, elem func(string) string) (any, bool) {
	spec := p.spec
	path, own := rowPaths[d], spec.Fact.Own(d)
	if own {
		path = elem(path)
	} else {
		path = customerPaths[d]
	}
	switch d {
	case analytics.Recording:
		return recordingKey(elem), false
	case analytics.NextAction:
		return nextActionKey(elem, spec.Now), false
	case analytics.Timeliness:
		if spec.Fact == analytics.Tasks {
			return taskTimelinessKey(elem, spec.Now), false
		}
		return timelinessKey(elem, spec.Now), false
	}
	if !d.IsTime() && (path == "" || own && rowPaths[d] == "") {
		return nil, false
	}
	switch {
	case d.IsTime():
		return dateKey(d, "$"+elem(fp.time), spec.FactLocation()), false
	case d == analytics.Tag || d == analytics.Participant:
		list := op("$ifNull", ba{"$" + path, ba{}})
		return op("$cond", ba{op("$gt", ba{op("$size", list), 0}), op("$setUnion", ba{list}), ba{""}}), true
	case d == analytics.ScoreBand:
		high, medium, hk, mk, lk := analytics.ScoreBands()
		return op("$switch", bd{
			{Key: "branches", Value: ba{
				bd{{Key: "case", Value: op("$gte", ba{"$" + path, high})}, {Key: "then", Value: hk}},
				bd{{Key: "case", Value: op("$gte", ba{"$" + path, medium})}, {Key: "then", Value: mk}},
			}},
			{Key: "default", Value: lk},
		}), false
	}
	if unit, utc, ok := d.Calendar(); ok {
		loc := spec.Location()
		if utc {
			loc = time.UTC
		}
		k := dateKey(unit, "$"+path, loc)
		if path == "stats.firstDealOn" { // not set: the zero time
			return op("$cond", ba{unset(path), "", k}), false
		}
		return k, false
	}
	if alwaysSet[d] {
		return "$" + path, false
	}
	return text(path), false
}

// alwaysSet are the dimensions whose field every document (or element)
// holds (its bson tag has no omitempty): their keys need no $ifNull.
var alwaysSet = map[analytics.Dimension]bool{analytics.Stage: true, analytics.CustomerType: true,
	analytics.Channel: true, analytics.Product: true, analytics.Status: true, analytics.Priority: true,
	analytics.Kind: true, analytics.ToStage: true}

// dateKey is the key of the calendar bucket of unit holding the time x in
// loc: 2026-03-01, 2026-W09 (the ISO week: the year and week of its
// Thursday), 2026-03, 2026-Q1, 2026.
func dateKey(unit analytics.Dimension, x any, loc *time.Location) any {
	format := func(date any, f string, zoned bool) bson.D {
		args := bd{{Key: "date", Value: date}, {Key: "format", Value: f}}
		if zoned && loc != time.UTC && loc.String() != "UTC" {
			args = append(args, bson.E{Key: "timezone", Value: loc.String()})
		}
		return op("$dateToString", args)
	}
	part := func(name string) bson.D {
		args := bd{{Key: "date", Value: x}}
		if loc != time.UTC && loc.String() != "UTC" {
			args = append(args, bson.E{Key: "timezone", Value: loc.String()})
		}
		return op(name, args)
	}
	switch unit {
	case analytics.Day:
		return format(x, "%Y-%m-%d", true)
	case analytics.Month:
		return format(x, "%Y-%m", true)
	case analytics.Year:
		return format(x, "%Y", true)
	case analytics.Quarter:
		qs := ba{}
		for m := range 12 {
			qs = append(qs, "-Q"+strconv.Itoa(m/3+1))
		}
		return op("$concat", ba{format(x, "%Y", true), op("$arrayElemAt", ba{qs, op("$subtract", ba{part("$month"), 1})})})
	}
	// Week: the local day as a UTC midnight, moved to its week's Thursday,
	// whose calendar year is the ISO year (%G is not portable).
	day := localDay(x, loc)
	thursday := op("$add", ba{"$$day", op("$multiply", ba{op("$subtract", ba{4, op("$isoDayOfWeek", "$$day")}), int64(86_400_000)})})
	return op("$let", bd{{Key: "vars", Value: bd{{Key: "day", Value: day}}}, {Key: "in", Value: format(thursday, "%Y-W%V", false)}})
}

// metric is the expression of a metric's value on a row, in the engine's
// unit (analytics.Metric.Unit), or null when the row has none.
func (p *aggPipeline) metric(m analytics.Metric, elem func(string) string) any {
	num := func(path string) any { return "$" + path } // a number every document holds
	present := func(path string) bson.D { return op("$ne", ba{op("$ifNull", ba{"$" + path, nil}), nil}) }
	switch m {
	case analytics.TotalAmount:
		return num("stats.totalAmount")
	case analytics.InteractionCount:
		return num("stats.interactionCount")
	case analytics.DealCount:
		return num("stats.dealCount")
	case analytics.AvgSatisfaction:
		scale := m.Unit().Scale
		return op("$cond", ba{op("$gt", ba{num("stats.satisfactionCount"), 0}),
			op("$floor", op("$add", ba{op("$multiply", ba{num("stats.avgSatisfaction"), scale}), 0.5})), nil})
	case analytics.SatisfactionCount:
		return num("stats.satisfactionCount")
	case analytics.OpenNeedCount:
		return num("stats.openNeedCount")
	case analytics.ComplaintCount:
		return num("stats.complaintCount")
	case analytics.SalesCycleDays:
		// From the first interaction's day in the request's zone to the
		// first deal's date, when both are set and the deal is not before.
		first, deal := "stats.firstInteractionAt", "stats.firstDealOn"
		cycle := op("$let", bd{
			{Key: "vars", Value: bd{{Key: "day", Value: localDay("$"+first, p.spec.Location())}}},
			{Key: "in", Value: op("$cond", ba{op("$gte", ba{"$" + deal, "$$day"}), op("$subtract", ba{"$" + deal, "$$day"}), nil})},
		})
		return op("$cond", ba{op("$or", ba{unset(first), unset(deal)}), nil, cycle})
	case analytics.DurationMin:
		return op("$cond", ba{op("$gt", ba{op("$ifNull", ba{"$" + elem("durationMin"), 0}), 0}), "$" + elem("durationMin"), nil})
	case analytics.Amount:
		return num(elem("amount"))
	case analytics.BudgetMax:
		return op("$ifNull", ba{"$" + elem("budgetMax"), nil})
	case analytics.DaysToResolve:
		return op("$cond", ba{op("$and", ba{op("$eq", ba{"$" + elem("status"), string(crm.NeedStatusResolved)}), present(elem("resolvedAt"))}),
			op("$max", ba{0, op("$subtract", ba{"$" + elem("resolvedAt"), "$" + elem("openedAt")})}), nil})
	case analytics.Score:
		return num(elem("score"))
	case analytics.HoursToResolve:
		return op("$ifNull", ba{"$" + elem("resolutionHours"), nil})
	case analytics.DaysToDone:
		return op("$cond", ba{op("$and", ba{op("$eq", ba{"$" + elem("status"), string(crm.TaskDone)}), present(elem("closedAt"))}),
			op("$max", ba{0, op("$subtract", ba{"$" + elem("closedAt"), "$" + elem("createdAt")})}), nil})
	case analytics.DaysInStage:
		prev := op("$arrayElemAt", ba{"$_ats", op("$subtract", ba{"$_i", 1})})
		return op("$cond", ba{op("$and", ba{op("$gt", ba{"$_i", 0}), op("$ne", ba{text(elem("from")), ""})}),
			op("$max", ba{0, op("$subtract", ba{"$" + elem("at"), prev})}), nil})
	}
	return nil // a metric the pipeline does not know
}

// always reports whether every row has a value of m (a count, an amount
// or a score every document holds).
func (p *aggPipeline) always(m analytics.Metric) bool {
	switch m {
	case analytics.AvgSatisfaction, analytics.SalesCycleDays, analytics.DurationMin, analytics.BudgetMax, analytics.DaysToResolve, analytics.DaysInStage,
		analytics.HoursToResolve, analytics.DaysToDone:
		return false
	}
	return true
}

// group is the two $group stages: by keys (none for the total) and
// customer, then by keys.
func (p *aggPipeline) group(byKeys bool) bson.A {
	var k any
	if byKeys {
		ks := ba{}
		for i := range p.spec.Dims {
			ks = append(ks, "$_k"+strconv.Itoa(i))
		}
		k = ks
	}
	first := bd{{Key: "_id", Value: bd{{Key: "k", Value: k}, {Key: "c", Value: "$_id"}}}, {Key: "n", Value: op("$sum", 1)}}
	second := bd{{Key: "_id", Value: "$_id.k"}, {Key: "n", Value: op("$sum", "$n")}, {Key: "c", Value: op("$sum", 1)}}
	for i := range p.metrics {
		m := "m" + strconv.Itoa(i)
		var has any = op("$cond", ba{op("$eq", ba{op("$ifNull", ba{"$" + m, nil}), nil}), 0, 1})
		if p.always(p.metrics[i]) {
			has = 1
		}
		first = append(first,
			bson.E{Key: m + "n", Value: op("$sum", has)},
			bson.E{Key: m + "s", Value: op("$sum", "$"+m)},
			bson.E{Key: m + "lo", Value: op("$min", "$"+m)},
			bson.E{Key: m + "hi", Value: op("$max", "$"+m)})
		second = append(second,
			bson.E{Key: m + "n", Value: op("$sum", "$"+m+"n")},
			bson.E{Key: m + "s", Value: op("$sum", "$"+m+"s")},
			bson.E{Key: m + "lo", Value: op("$min", "$"+m+"lo")},
			bson.E{Key: m + "hi", Value: op("$max", "$"+m+"hi")})
		if p.keep[i] {
			first = append(first, bson.E{Key: m + "v", Value: op("$push", "$"+m)})
			second = append(second, bson.E{Key: m + "v", Value: op("$push", "$"+m+"v")})
		}
	}
	return ba{op("$group", first), op("$group", second)}
}

// decode reads the pipeline's one document into Groups.
func (p *aggPipeline) decode(raw bson.Raw) (*analytics.Groups, error) {
	var out struct {
		Customers []bson.M `bson:"customers"`
		Groups    []bson.M `bson:"groups"`
		Total     []bson.M `bson:"total"`
	}
	if err := bson.Unmarshal(raw, &out); err != nil {
		return nil, internal("decode aggregate", err)
	}
	g := &analytics.Groups{Groups: []*analytics.Group{}}
	if len(out.Customers) == 1 {
		g.Customers = toInt(out.Customers[0]["n"])
	}
	for _, doc := range out.Groups {
		x, err := p.decodeGroup(doc, true)
		if err != nil {
			return nil, err
		}
		g.Groups = append(g.Groups, x)
	}
	g.Total.Figures = make([]analytics.Figure, len(p.metrics))
	if len(out.Total) == 1 {
		x, err := p.decodeGroup(out.Total[0], false)
		if err != nil {
			return nil, err
		}
		g.Total = *x
	}
	return g, nil
}

func (p *aggPipeline) decodeGroup(doc bson.M, byKeys bool) (*analytics.Group, error) {
	g := &analytics.Group{Count: toInt(doc["n"]), Customers: toInt(doc["c"]), Figures: make([]analytics.Figure, len(p.metrics))}
	if byKeys {
		ks, _ := doc["_id"].(bson.A)
		if len(ks) != len(p.spec.Dims) {
			return nil, internal("decode aggregate", fmt.Errorf("group keys %v", doc["_id"]))
		}
		g.Keys = make([]string, len(ks))
		for i, k := range ks {
			s, ok := k.(string)
			if !ok {
				return nil, internal("decode aggregate", fmt.Errorf("group key %v", k))
			}
			g.Keys[i] = s
		}
	}
	for i := range p.metrics {
		m := "m" + strconv.Itoa(i)
		f := &g.Figures[i]
		f.N = toInt(doc[m+"n"])
		if f.N == 0 {
			continue
		}
		f.Sum, f.Min, f.Max = toInt(doc[m+"s"]), toInt(doc[m+"lo"]), toInt(doc[m+"hi"])
		if p.keep[i] {
			lists, _ := doc[m+"v"].(bson.A)
			for _, l := range lists {
				vs, _ := l.(bson.A)
				for _, v := range vs {
					if v != nil {
						f.Values = append(f.Values, toInt(v))
					}
				}
			}
			slices.Sort(f.Values)
		}
	}
	return g, nil
}

// toInt reads a number the server summed (int32, int64, or a whole double).
func toInt(v any) int64 {
	switch x := v.(type) {
	case int32:
		return int64(x)
	case int64:
		return x
	case float64:
		return int64(math.Round(x))
	}
	return 0
}
