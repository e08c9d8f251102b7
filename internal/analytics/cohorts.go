package analytics

import (
	"context"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// Cohorts (docs/KPIS.md, Cohorts): the customers grouped by the month (or
// quarter) of their first deal or of their creation, and for each cohort
// how many of them were active — had a deal, or an interaction — in each
// following period. Period 0 is the cohort's own.

// CohortBy is what puts a customer in a cohort.
type CohortBy string

const (
	ByFirstDeal CohortBy = "FIRST_DEAL"
	ByCreated   CohortBy = "CREATED"
)

// CohortActivity is what makes a customer active in a period.
type CohortActivity string

const (
	ActivityDeal        CohortActivity = "DEAL"
	ActivityInteraction CohortActivity = "INTERACTION"
)

// MaxCohortPeriods bounds the periods after a cohort's own.
const MaxCohortPeriods = 36

// CohortRequest asks for the cohorts of the customers in Scope whose
// first deal (or creation) lies in Range (nil: the last 12 units).
type CohortRequest struct {
	Scope    *segment.Filter
	Actor    crm.Actor
	Range    *RangeInput
	By       CohortBy
	Activity CohortActivity
	Unit     Dimension // MONTH or QUARTER
	Periods  int       // following periods, 0-36
	Locale   crm.Locale
}

// Cohort is one row of the matrix.
type Cohort struct {
	Key     string // YYYY-MM or YYYY-Qn
	Label   string
	Size    int // customers in the cohort
	Periods []CohortPeriod
	Drill   *string // the cohort's customers
}

// CohortPeriod is one cell: the cohort's customers active in the period.
type CohortPeriod struct {
	Index    int // 0: the cohort's own period
	Key      string
	Active   int
	Rate     *float64 // Active / Size; nil for an empty cohort
	Complete bool     // the period has ended (false: it is still running)
}

// Cohorts is the matrix.
type Cohorts struct {
	Cohorts  []Cohort
	By       CohortBy
	Activity CohortActivity
	Unit     Dimension
	Range    Range
}

// Cohorts computes the matrix. Errors: BAD_USER_INPUT for a bad range,
// unit or number of periods; what the store returns.
func (s *Service) Cohorts(ctx context.Context, q CohortRequest) (*Cohorts, error) {
	loc := s.loc()
	p := crm.NewProblems()
	if q.Unit == "" {
		q.Unit = Month
	}
	if q.By == "" {
		q.By = ByFirstDeal
	}
	if q.Activity == "" {
		q.Activity = ActivityDeal
	}
	if q.Unit != Month && q.Unit != Quarter {
		p.Fail("unit", crm.ReasonNotAllowed, map[string]any{"value": string(q.Unit)}, "must be MONTH or QUARTER")
	}
	if q.By != ByFirstDeal && q.By != ByCreated {
		p.Fail("by", crm.ReasonNotAllowed, map[string]any{"value": string(q.By)}, "must be FIRST_DEAL or CREATED")
	}
	if q.Activity != ActivityDeal && q.Activity != ActivityInteraction {
		p.Fail("activity", crm.ReasonNotAllowed, map[string]any{"value": string(q.Activity)}, "must be DEAL or INTERACTION")
	}
	if q.Periods < 0 || q.Periods > MaxCohortPeriods {
		p.Fail("periods", crm.ReasonOutOfRange, map[string]any{"min": 0, "max": MaxCohortPeriods}, "must be between 0 and %d", MaxCohortPeriods)
	}
	in := q.Range
	if in == nil {
		in = &RangeInput{Last: 12, Unit: q.Unit}
	}
	rng, ok := in.resolve(s.Clock.Now(), loc, p.At("range"))
	if err := p.Err(); err != nil || !ok {
		return nil, err
	}
	if n := rng.bucketCount(q.Unit); n > 120 {
		p.Fail("range", crm.ReasonOutOfRange, map[string]any{"max": 120}, "holds %d cohorts, at most 120", n)
		return nil, p.Err()
	}
	today := segment.DateOf(s.Clock.Now(), loc)
	// Cohorts start on the first day of the range's first unit.
	rng.First = startOf(q.Unit, rng.First)
	dim, field := CreatedMonth, "createdAt"
	switch {
	case q.By == ByFirstDeal && q.Unit == Month:
		dim, field = FirstDealMonth, "firstDealOn"
	case q.By == ByFirstDeal:
		dim, field = FirstDealQuarter, "firstDealOn"
	case q.Unit == Quarter:
		dim = CreatedQuarter
	}
	k := calc{s: s, ctx: ctx, scope: q.Scope, actor: q.Actor, loc: loc}
	inRange := onDays(field, rng)
	sizes, err := k.facts(Customers, inRange, nil, []Dimension{dim}, nil, nil)
	if err != nil {
		return nil, err
	}
	// Activity from the first cohort's start to the last cohort's last
	// period (today at most).
	last := addDays(addUnits(startOf(q.Unit, rng.Last), q.Unit, q.Periods+1), -1)
	if less(today, last) {
		last = today
	}
	window := Range{rng.First, last}
	fact := Deals
	if q.Activity == ActivityInteraction {
		fact = Interactions
	}
	act, err := k.facts(fact, inRange, nil, []Dimension{dim, q.Unit}, &window, nil)
	if err != nil {
		return nil, err
	}
	active := map[[2]string]int{}
	for _, g := range act.Groups {
		active[[2]string{g.Keys[0], g.Keys[1]}] = int(g.Customers)
	}
	size := map[string]int{}
	for _, g := range sizes.Groups {
		size[g.Keys[0]] = int(g.Customers)
	}
	out := &Cohorts{By: q.By, Activity: q.Activity, Unit: q.Unit, Range: rng}
	for _, key := range rng.Buckets(q.Unit) {
		first, _, _ := bucketSpan(q.Unit, key)
		c := Cohort{Key: key, Label: bucketLabel(q.Unit, key, q.Locale), Size: size[key]}
		b := Range{first, addDays(addUnits(first, q.Unit, 1), -1)}
		c.Drill = k.line(onDays(field, b))
		for i := 0; i <= q.Periods; i++ {
			start := addUnits(first, q.Unit, i)
			if less(today, start) {
				break // a period not begun
			}
			pk := bucketKey(q.Unit, start)
			cell := CohortPeriod{Index: i, Key: pk, Active: active[[2]string{key, pk}],
				Complete: less(addDays(addUnits(start, q.Unit, 1), -1), today)}
			if c.Size > 0 {
				r := float64(cell.Active) / float64(c.Size)
				cell.Rate = &r
			}
			c.Periods = append(c.Periods, cell)
		}
		out.Cohorts = append(out.Cohorts, c)
	}
	return out, nil
}
