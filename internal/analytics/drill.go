package analytics

import (
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// A group's drill line is the request's scope ANDed with the group's keys,
// in the filter language (internal/segment/QUERY.md): customers(query:
// drill) lists exactly the customers of the group. For a nested fact it
// selects the customers that have such a row: one and the same element
// matches the element filter, the range, the time bucket and the row's
// keys (interactions.some(...)), so its count is the group's Customers.
// The folded "other" group has no drill line (nil), nor has a group whose
// line would pass the language's bounds.

func (sh *shaper) drill(rows []*Row, rng *Range) {
	for _, r := range rows {
		if !r.Other {
			r.Drill = sh.line(r.Keys, rng)
		}
	}
}

func (sh *shaper) drillPrevious(rows []*Row, prev *Range) {
	if prev == nil {
		return
	}
	for _, r := range rows {
		if p := r.Previous; p != nil && !p.Other && !hasEmptyUnit(sh, p.Keys) {
			p.Drill = sh.line(p.Keys, prev)
		}
	}
}

// hasEmptyUnit reports a compared row without a bucket (the earlier range
// has fewer buckets).
func hasEmptyUnit(sh *shaper, keys []string) bool {
	u := sh.unitAt()
	return u >= 0 && keys[u] == ""
}

// timeField names the fact's time in the filter language, at the scope of
// its rows.
var timeField = map[Fact]string{
	Customers: "createdAt", Interactions: "at", Deals: "date", Needs: "openedAt",
	Satisfaction: "at", StageChanges: "at", ServiceRequests: "openedAt", Tasks: "due",
}

func (sh *shaper) line(keys []string, rng *Range) *string {
	f := sh.q.Fact
	var top, elem []segment.Node
	if sh.q.Scope != nil {
		if n := sh.q.Scope.Node(); n != nil {
			top = append(top, n)
		}
	}
	if sh.q.Elements != nil && sh.q.Elements.Node() != nil {
		elem = append(elem, sh.q.Elements.Node())
	}
	// The fact's time: inside the range and the group's bucket.
	span := rng
	for i, d := range sh.spec.Dims {
		if !d.IsTime() {
			continue
		}
		first, last, ok := bucketSpan(d, keys[i])
		if !ok {
			return nil
		}
		b := Range{first, last}
		if span != nil {
			if less(b.First, span.First) {
				b.First = span.First
			}
			if less(span.Last, b.Last) {
				b.Last = span.Last
			}
		}
		span = &b
	}
	if span != nil {
		c := sh.within(timeField[f], *span, sh.spec.DateFact())
		if f.Nested() {
			elem = append(elem, c)
		} else {
			top = append(top, c)
		}
	}
	for i, d := range sh.spec.Dims {
		if d.IsTime() {
			continue
		}
		c := sh.cond(d, keys[i])
		if c == nil {
			return nil
		}
		if kindOf(f, d) == rowDim {
			elem = append(elem, c)
		} else {
			top = append(top, c)
		}
	}
	if f.Nested() {
		var where segment.Node
		if len(elem) > 0 {
			where = segment.And{Nodes: elem}
		}
		top = append(top, segment.Quant{Array: factArray[f], Q: segment.Some, Where: where})
	}
	line, ok := segment.Format(segment.And{Nodes: top})
	if !ok {
		return nil
	}
	return &line
}

// within is the condition "field lies in the days of r": dates on a date
// field; on a time field dates when the request's zone is the configured
// one (the line reads dates in it), instants otherwise.
func (sh *shaper) within(field string, r Range, date bool) segment.Node {
	if date || sh.spec.Loc.String() == sh.s.loc().String() {
		return segment.Cond{Field: field, Op: segment.Between, Value: segment.Range{Lo: r.First, Hi: r.Last}}
	}
	lo, hi := r.Millis(sh.spec.Loc)
	return segment.And{Nodes: []segment.Node{
		segment.Cond{Field: field, Op: segment.Gte, Value: segment.At(time.UnixMilli(lo))},
		segment.Cond{Field: field, Op: segment.Lt, Value: segment.At(time.UnixMilli(hi))},
	}}
}

// cond is the condition of one key of a dimension other than the time
// unit; nil when the language cannot say it.
func (sh *shaper) cond(d Dimension, k string) segment.Node {
	eq := func(field string) segment.Node {
		if k == "" {
			return segment.Cond{Field: field, Op: segment.IsNull, Value: segment.Bool(true)}
		}
		return segment.Cond{Field: field, Op: segment.Eq, Value: segment.String(k)}
	}
	span := func(field string, u Dimension, date bool) segment.Node {
		if k == "" {
			return segment.Cond{Field: field, Op: segment.IsNull, Value: segment.Bool(true)}
		}
		first, last, ok := bucketSpan(u, k)
		if !ok {
			return nil
		}
		return sh.within(field, Range{first, last}, date)
	}
	switch d {
	case ValueTier:
		return eq("valueTier")
	case Lifecycle:
		return eq("lifecycle")
	case IntentGrade:
		return eq("intentGrade")
	case Stage:
		return eq("stage")
	case Industry:
		return eq("industry")
	case Source:
		return eq("source")
	case Province:
		return eq("province")
	case City:
		return eq("city")
	case Owner:
		return eq("owner")
	case CustomerType:
		return eq("type")
	case NeedType:
		return eq("needType")
	case Tag:
		if k == "" {
			return segment.Cond{Field: "tags", Op: segment.IsEmpty, Value: segment.Bool(true)}
		}
		return segment.Cond{Field: "tags", Op: segment.HasAny, Value: segment.Strings{k}}
	case CreatedMonth:
		return span("createdAt", Month, false)
	case CreatedQuarter:
		return span("createdAt", Quarter, false)
	case CreatedYear:
		return span("createdAt", Year, false)
	case FirstDealMonth:
		return span("firstDealOn", Month, true)
	case FirstDealQuarter:
		return span("firstDealOn", Quarter, true)
	case Channel:
		return eq("channel")
	case KeyEvent:
		return eq("keyEvent")
	case Participant:
		if k == "" {
			return segment.Cond{Field: "participants", Op: segment.IsEmpty, Value: segment.Bool(true)}
		}
		return segment.Cond{Field: "participants", Op: segment.HasAny, Value: segment.Strings{k}}
	case Product:
		return eq("product")
	case Status:
		return eq("status")
	case Priority:
		return eq("priority")
	case Kind:
		return eq("kind")
	case NeedOwnType:
		return eq("type")
	case OpenedMonth:
		return span("openedAt", Month, false)
	case ScoreBand:
		lo, hi := 0, scoreMediumLow-1
		switch k {
		case bandHigh:
			lo, hi = scoreHigh, 100
		case bandMedium:
			lo, hi = scoreMediumLow, scoreHigh-1
		}
		return segment.Cond{Field: "score", Op: segment.Between, Value: segment.Range{Lo: segment.Int(lo), Hi: segment.Int(hi)}}
	case FromStage:
		return eq("from")
	case ToStage:
		return eq("to")
	case NextAction:
		return nextActionIs(k, sh.spec.Now)
	case Recording:
		return recordingIs(k)
	case Assignee:
		return eq("assignee")
	case Timeliness:
		if sh.q.Fact == Tasks {
			return taskTimelinessIs(k, sh.spec.Now)
		}
		return timelinessIs(k, sh.spec.Now)
	}
	return nil
}

// resolvedLate is the condition on a service request that it was
// resolved after (true) or by (false) its due time: neither while it is
// worked on, nor when resolved without a time of resolution.
func resolvedLate(b bool) segment.Node {
	return segment.Cond{Field: "resolvedLate", Op: segment.Eq, Value: segment.Bool(b)}
}

// timelinessIs is the condition on a service request that it is in the
// TIMELINESS state k as of now (nil for an unknown state).
func timelinessIs(k string, now time.Time) segment.Node {
	status := func(ss ...crm.ServiceStatus) segment.Node {
		return segment.Cond{Field: "status", Op: segment.In, Value: segment.Strings(names(ss))}
	}
	due := func(op segment.Op) segment.Node {
		return segment.Cond{Field: "due", Op: op, Value: segment.At(now.Truncate(time.Millisecond))}
	}
	active := status(crm.ServiceOpen, crm.ServiceInProgress)
	switch k {
	case OnTime:
		return resolvedLate(false)
	case Late:
		return resolvedLate(true)
	case Open:
		return segment.And{Nodes: []segment.Node{active, due(segment.Gte)}}
	case Overdue:
		return segment.And{Nodes: []segment.Node{active, due(segment.Lt)}}
	case noValue:
		return segment.And{Nodes: []segment.Node{status(crm.ServiceResolved, crm.ServiceClosed),
			segment.Cond{Field: "resolvedAt", Op: segment.IsNull, Value: segment.Bool(true)}}}
	}
	return nil
}

// doneLate is the condition on a task that it was done after (true) or
// by (false) its due time: neither while it is not DONE.
func doneLate(b bool) segment.Node {
	return segment.Cond{Field: "doneLate", Op: segment.Eq, Value: segment.Bool(b)}
}

// taskTimelinessIs is the condition on a task that it is in the
// TIMELINESS state k as of now (nil for an unknown state).
func taskTimelinessIs(k string, now time.Time) segment.Node {
	status := func(st crm.TaskStatus) segment.Node {
		return segment.Cond{Field: "status", Op: segment.Eq, Value: segment.String(string(st))}
	}
	due := func(op segment.Op) segment.Node {
		return segment.Cond{Field: "due", Op: op, Value: segment.At(now.Truncate(time.Millisecond))}
	}
	switch k {
	case OnTime:
		return doneLate(false)
	case Late:
		return doneLate(true)
	case Open:
		return segment.And{Nodes: []segment.Node{status(crm.TaskOpen), due(segment.Gte)}}
	case Overdue:
		return segment.And{Nodes: []segment.Node{status(crm.TaskOpen), due(segment.Lt)}}
	case Closed:
		return status(crm.TaskClosed)
	case noValue:
		return segment.And{Nodes: []segment.Node{status(crm.TaskDone),
			segment.Cond{Field: "closedAt", Op: segment.IsNull, Value: segment.Bool(true)}}}
	}
	return nil
}

func names[S ~string](ss []S) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// recordingIs is the condition on an interaction that it was logged on
// time (ON_TIME), late (LATE) or at an unknown time ("": neither).
func recordingIs(k string) segment.Node {
	late := func(b bool) segment.Node {
		return segment.Cond{Field: "recordedLate", Op: segment.Eq, Value: segment.Bool(b)}
	}
	switch k {
	case OnTime:
		return late(false)
	case Late:
		return late(true)
	case noValue:
		return segment.And{Nodes: []segment.Node{segment.Not{Node: late(true)}, segment.Not{Node: late(false)}}}
	}
	return nil
}

// nextActionIs is the condition on an interaction that its next action is
// in the NEXT_ACTION state k as of now (nil for an unknown state).
func nextActionIs(k string, now time.Time) segment.Node {
	done := func(b bool) segment.Node {
		return segment.Cond{Field: "nextDone", Op: segment.Eq, Value: segment.Bool(b)}
	}
	due := func(op segment.Op) segment.Node {
		// Milliseconds, as the engines compare: the line stays short.
		return segment.Cond{Field: "nextDue", Op: op, Value: segment.At(now.Truncate(time.Millisecond))}
	}
	switch k {
	case None: // neither done nor not done: no next action
		return segment.And{Nodes: []segment.Node{segment.Not{Node: done(true)}, segment.Not{Node: done(false)}}}
	case Open:
		noDue := segment.Cond{Field: "nextDue", Op: segment.IsNull, Value: segment.Bool(true)}
		return segment.And{Nodes: []segment.Node{done(false), segment.Or{Nodes: []segment.Node{noDue, due(segment.Gte)}}}}
	case Overdue:
		return segment.And{Nodes: []segment.Node{done(false), due(segment.Lt)}}
	case Done:
		return done(true)
	}
	return nil
}
