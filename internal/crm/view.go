package crm

import "time"

// Read accessors: flattened views of nested and computed fields, in the
// shape the API exposes them (optional times are nil when unset).

func (c *Customer) EmployeeBand() string           { return c.Size.Employees }
func (c *Customer) RevenueBand() string            { return c.Size.Revenue }
func (c *Customer) Province() string               { return c.Region.Province }
func (c *Customer) City() string                   { return c.Region.City }
func (c *Customer) InteractionCount() int          { return c.Stats.InteractionCount }
func (c *Customer) DealCount() int                 { return c.Stats.DealCount }
func (c *Customer) TotalAmount() Money             { return c.Stats.TotalAmount }
func (c *Customer) OpenNeedCount() int             { return c.Stats.OpenNeedCount }
func (c *Customer) ComplaintCount() int            { return c.Stats.ComplaintCount }
func (c *Customer) SatisfactionCount() int         { return c.Stats.SatisfactionCount }
func (c *Customer) FirstInteractionAt() *time.Time { return optTime(c.Stats.FirstInteractionAt) }
func (c *Customer) LastInteractionAt() *time.Time  { return optTime(c.Stats.LastInteractionAt) }
func (c *Customer) FirstDealOn() *time.Time        { return optTime(c.Stats.FirstDealOn) }
func (c *Customer) LastDealOn() *time.Time         { return optTime(c.Stats.LastDealOn) }
func (c *Customer) LastComplaintAt() *time.Time    { return optTime(c.Stats.LastComplaintAt) }

// AvgSatisfaction is nil when there is no satisfaction result.
func (c *Customer) AvgSatisfaction() *float64 {
	if c.Stats.SatisfactionCount == 0 {
		return nil
	}
	v := c.Stats.AvgSatisfaction
	return &v
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
