package crm

import (
	"math"
	"sort"
)

// Recompute derives Stats and the match keys from the nested arrays and normalizes the document
// (empty arrays instead of nil, interactions ordered by time) so that every
// store writes the same bytes. It is called on every write.
func (c *Customer) Recompute() {
	normalize(&c.Tags)
	normalize(&c.Collaborators)
	normalize(&c.Contacts)
	normalize(&c.Interactions)
	normalize(&c.Needs)
	normalize(&c.Deals)
	normalize(&c.Satisfaction)
	normalize(&c.Tasks)
	normalize(&c.ServiceRequests)
	for i := range c.ServiceRequests {
		normalize(&c.ServiceRequests[i].History)
		c.ServiceRequests[i].keepResolutionHours()
	}
	normalize(&c.StageHistory)
	normalize(&c.TierHistory)
	normalize(&c.OwnerHistory)
	normalize(&c.LifecycleHistory)
	normalize(&c.TagHistory)
	for i := range c.Interactions {
		normalize(&c.Interactions[i].Participants)
		normalize(&c.Interactions[i].ContactIDs)
	}
	sort.SliceStable(c.Interactions, func(i, j int) bool { return c.Interactions[i].At.Before(c.Interactions[j].At) })
	sort.SliceStable(c.Deals, func(i, j int) bool { return c.Deals[i].Date.Before(c.Deals[j].Date) })

	var s Stats
	s.InteractionCount = len(c.Interactions)
	if n := len(c.Interactions); n > 0 {
		s.FirstInteractionAt = c.Interactions[0].At
		s.LastInteractionAt = c.Interactions[n-1].At
	}
	for _, in := range c.Interactions {
		if in.KeyEvent == KeyEventComplaint {
			s.ComplaintCount++
			if in.At.After(s.LastComplaintAt) {
				s.LastComplaintAt = in.At
			}
		}
	}
	s.DealCount = len(c.Deals)
	for _, d := range c.Deals {
		s.TotalAmount += d.Amount
	}
	if n := len(c.Deals); n > 0 {
		s.FirstDealOn = c.Deals[0].Date
		s.LastDealOn = c.Deals[n-1].Date
	}
	for _, n := range c.Needs {
		if !n.Status.Closed() {
			s.OpenNeedCount++
		}
	}
	s.ServiceRequestCount = len(c.ServiceRequests)
	for i := range c.ServiceRequests {
		if c.ServiceRequests[i].Active() {
			s.OpenServiceCount++
		}
	}
	s.SatisfactionCount = len(c.Satisfaction)
	if s.SatisfactionCount > 0 {
		sum := 0
		for _, r := range c.Satisfaction {
			sum += r.Score
		}
		// Rounded to two decimals so both stores hold the identical double.
		s.AvgSatisfaction = math.Round(float64(sum)/float64(s.SatisfactionCount)*100) / 100
	}
	if n := len(c.Satisfaction); n >= 2 {
		byTime := SatisfactionByTime(c.Satisfaction)
		trend := byTime[n-1].Score - byTime[n-2].Score
		s.SatisfactionTrend = &trend
	}
	s.StageRank = c.Stage.Rank()
	c.Stats = s
	c.Stats.NextFollowUpAt = c.NextFollowUp()
	c.Match = MatchKeysOf(c)
}

func normalize[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}
