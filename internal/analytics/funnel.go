package analytics

import (
	"context"
	"math/big"
	"slices"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// The pipeline funnel (docs/KPIS.md, Funnel): the customers whose pipeline
// began in the range (created in it), and how many of them reached each
// pipeline stage since. A customer that skipped a stage counts as having
// passed it; AFTER_SALES counts as having reached WON; LOST is not a step.

// FunnelStages are the funnel's steps, in order.
var FunnelStages = []crm.Stage{crm.StagePotential, crm.StageContacted, crm.StageNeedsConfirmed,
	crm.StageProposal, crm.StageNegotiation, crm.StageWon}

// FunnelStep is one step.
type FunnelStep struct {
	Stage                  crm.Stage
	Label                  string
	Customers              int
	ConversionFromPrevious *float64 // 0-1; nil for the first step or after an empty one
	ConversionFromFirst    *float64
	MedianDaysFromPrevious *string // median days in the previous stage before moving on to this one or later
	Drill                  *string
}

// Funnel is the funnel of a range.
type Funnel struct {
	Steps []FunnelStep
	Range Range
}

// FunnelRequest asks for the funnel of the customers in Scope created in
// Range (nil: the last 12 months).
type FunnelRequest struct {
	Scope  *segment.Filter
	Actor  crm.Actor
	Range  *RangeInput
	Locale crm.Locale
}

// Funnel computes the funnel. Errors: BAD_USER_INPUT for a bad range;
// what the store returns.
func (s *Service) Funnel(ctx context.Context, q FunnelRequest) (*Funnel, error) {
	loc := s.loc()
	in := q.Range
	if in == nil {
		in = &RangeInput{Last: 12, Unit: Month}
	}
	p := crm.NewProblems()
	rng, ok := in.resolve(s.Clock.Now(), loc, p.At("range"))
	if !ok {
		return nil, p.Err()
	}
	k := calc{s: s, ctx: ctx, scope: q.Scope, actor: q.Actor, loc: loc}
	cohort := onDays("createdAt", rng)
	nodes := make([]segment.Node, len(FunnelStages))
	for i := range FunnelStages {
		var later []string
		for _, st := range append(FunnelStages[i:], crm.StageAfterSales) {
			later = append(later, string(st))
		}
		reached := segment.Or{Nodes: []segment.Node{
			segment.Cond{Field: "stage", Op: segment.In, Value: segment.Strings(later)},
			some(segment.StageHistory, segment.Cond{Field: "to", Op: segment.In, Value: segment.Strings(later)}),
		}}
		nodes[i] = and(cohort, reached)
	}
	counts, lines, err := k.counts(nodes)
	if err != nil {
		return nil, err
	}
	// Days in each stage before moving forward, of the cohort's changes.
	moves, err := k.facts(StageChanges, cohort, nil, []Dimension{FromStage, ToStage}, nil, nil, DaysInStage)
	if err != nil {
		return nil, err
	}
	f := &Funnel{Range: rng}
	for i, st := range FunnelStages {
		step := FunnelStep{Stage: st, Label: crm.StageLabels[string(st)].In(q.Locale), Customers: counts[i], Drill: lines[i]}
		if i > 0 {
			if prev := counts[i-1]; prev > 0 {
				r := float64(counts[i]) / float64(prev)
				step.ConversionFromPrevious = &r
			}
			var vals []int64
			for _, g := range moves.Groups {
				from, to := crm.Stage(g.Keys[0]), crm.Stage(g.Keys[1])
				if from == FunnelStages[i-1] && (to.Rank() > from.Rank() && to != crm.StageLost) {
					vals = append(vals, g.Figures[0].Values...)
				}
			}
			if len(vals) > 0 {
				slices.Sort(vals)
				m := Figure{Values: vals}
				twice, _ := m.median()
				step.MedianDaysFromPrevious = ratString(big.NewRat(twice, 2*days.Scale), 2)
			}
		}
		if first := counts[0]; first > 0 {
			r := float64(counts[i]) / float64(first)
			step.ConversionFromFirst = &r
		}
		f.Steps = append(f.Steps, step)
	}
	return f, nil
}
