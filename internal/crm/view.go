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
func (c *Customer) OpenServiceCount() int          { return c.Stats.OpenServiceCount }
func (c *Customer) SatisfactionTrend() *int        { return c.Stats.SatisfactionTrend }
func (c *Customer) ServiceRequestCount() int       { return c.Stats.ServiceRequestCount }
func (c *Customer) SatisfactionCount() int         { return c.Stats.SatisfactionCount }
func (c *Customer) FirstInteractionAt() *time.Time { return optTime(c.Stats.FirstInteractionAt) }
func (c *Customer) LastInteractionAt() *time.Time  { return optTime(c.Stats.LastInteractionAt) }
func (c *Customer) FirstDealOn() *time.Time        { return optTime(c.Stats.FirstDealOn) }
func (c *Customer) LastDealOn() *time.Time         { return optTime(c.Stats.LastDealOn) }
func (c *Customer) LastComplaintAt() *time.Time    { return optTime(c.Stats.LastComplaintAt) }
func (c *Customer) NextFollowUpAt() *time.Time     { return optTime(c.Stats.NextFollowUpAt) }

// AvgSatisfaction is nil when there is no satisfaction result.
func (c *Customer) AvgSatisfaction() *float64 {
	if c.Stats.SatisfactionCount == 0 {
		return nil
	}
	v := c.Stats.AvgSatisfaction
	return &v
}

// OptTime is nil for the zero time (never, none): the API's null.
func OptTime(t time.Time) *time.Time { return optTime(t) }

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Free text as a viewer may read it. A viewer who sees c's contact details
// masked (Actor.CanSeeContactDetails false) also sees phone numbers,
// e-mail addresses and WeChat IDs written into c's free text masked
// (MaskFreeText): the notes, communication preferences, main business,
// company address, website and tags; the contacts' name, title,
// preferences and best time; interaction summaries, feedback, results and
// next actions; need titles; deal products and notes; satisfaction
// comments; task titles; service requests' summaries, resolutions and
// notes. Labels (name, industry, source, region, bands), codes and
// enums are shown as stored. Every response and export goes through
// VisibleCustomer or its parts below.

// VisibleText returns s, a free-text field of c, as a may read it.
func VisibleText(a Actor, c *Customer, s string) string {
	if a.CanSeeContactDetails(c) {
		return s
	}
	return MaskFreeText(s)
}

// VisibleTags returns c's tags as a may read them.
func VisibleTags(a Actor, c *Customer) []string {
	if a.CanSeeContactDetails(c) {
		return c.Tags
	}
	return mapSlice(c.Tags, MaskFreeText)
}

// VisibleContactDetails returns c's contacts as a may see them:
// VisibleContacts, and the free text of masked contacts (name, title,
// preferences, best time) masked too. Responses and exports use this.
func VisibleContactDetails(a Actor, c *Customer) []Contact {
	if a.CanSeeContactDetails(c) {
		return c.Contacts
	}
	return mapSlice(VisibleContacts(a, c), func(ct Contact) Contact {
		ct.Name, ct.Title = MaskFreeText(ct.Name), MaskFreeText(ct.Title)
		ct.CommPreference, ct.BestTime = MaskFreeText(ct.CommPreference), MaskFreeText(ct.BestTime)
		return ct
	})
}

// VisibleInteractions returns list (interactions of c) as a may read them.
func VisibleInteractions(a Actor, c *Customer, list []Interaction) []Interaction {
	if a.CanSeeContactDetails(c) {
		return list
	}
	return mapSlice(list, func(it Interaction) Interaction {
		it.Summary, it.Feedback, it.Result = MaskFreeText(it.Summary), MaskFreeText(it.Feedback), MaskFreeText(it.Result)
		if it.NextAction != nil {
			na := *it.NextAction
			na.What = MaskFreeText(na.What)
			it.NextAction = &na
		}
		return it
	})
}

// VisibleNeeds returns c's needs as a may read them.
func VisibleNeeds(a Actor, c *Customer) []Need {
	if a.CanSeeContactDetails(c) {
		return c.Needs
	}
	return mapSlice(c.Needs, func(n Need) Need { n.Title = MaskFreeText(n.Title); return n })
}

// VisibleDeals returns c's deals as a may read them.
func VisibleDeals(a Actor, c *Customer) []Deal {
	if a.CanSeeContactDetails(c) {
		return c.Deals
	}
	return mapSlice(c.Deals, func(d Deal) Deal { d.Product, d.Note = MaskFreeText(d.Product), MaskFreeText(d.Note); return d })
}

// VisibleSatisfaction returns c's satisfaction results as a may read them.
func VisibleSatisfaction(a Actor, c *Customer) []Satisfaction {
	if a.CanSeeContactDetails(c) {
		return c.Satisfaction
	}
	return mapSlice(c.Satisfaction, func(s Satisfaction) Satisfaction { s.Comment = MaskFreeText(s.Comment); return s })
}

// VisibleServiceRequests returns list (service requests of c) as a may
// read them: summaries, resolutions and the steps' notes masked.
func VisibleServiceRequests(a Actor, c *Customer, list []ServiceRequest) []ServiceRequest {
	if a.CanSeeContactDetails(c) {
		return list
	}
	return mapSlice(list, func(r ServiceRequest) ServiceRequest {
		r.Summary, r.Resolution = MaskFreeText(r.Summary), MaskFreeText(r.Resolution)
		r.History = mapSlice(r.History, func(h ServiceStatusChange) ServiceStatusChange { h.Note = MaskFreeText(h.Note); return h })
		return r
	})
}

// VisibleCustomer returns c as a may see it: c itself, or a copy with the
// contacts masked (VisibleContactDetails) and the free text masked as above.
func VisibleCustomer(a Actor, c *Customer) *Customer {
	if a.CanSeeContactDetails(c) {
		return c
	}
	v := *c
	v.Address, v.Website, v.MainBusiness = MaskFreeText(c.Address), MaskFreeText(c.Website), MaskFreeText(c.MainBusiness)
	v.CommPreference, v.Notes = MaskFreeText(c.CommPreference), MaskFreeText(c.Notes)
	v.Tags = VisibleTags(a, c)
	v.Contacts = VisibleContactDetails(a, c)
	v.Interactions = VisibleInteractions(a, c, c.Interactions)
	v.Needs = VisibleNeeds(a, c)
	v.Deals = VisibleDeals(a, c)
	v.Satisfaction = VisibleSatisfaction(a, c)
	v.ServiceRequests = VisibleServiceRequests(a, c, c.ServiceRequests)
	v.Tasks = mapSlice(c.Tasks, func(t Task) Task { t.Title = MaskFreeText(t.Title); return t })
	return &v
}

func mapSlice[T any](xs []T, f func(T) T) []T {
	if xs == nil {
		return nil
	}
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}
