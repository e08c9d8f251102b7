package crm

import "slices"

// The most elements each list of a customer holds: one table for the writes
// that grow a list (refused with TOO_MANY), the limit argument of the API's
// nested lists, and the complexity model, which charges a list read without
// a limit as this many elements.
//
// Chosen with the seeds: a customer has one or two key contacts, a large
// account a few dozen (roles 决策者/影响者/使用者 per department); A-class
// accounts are followed up once or twice a week, so some 100 interactions a
// year, and 10,000 is decades of daily contact by a team; needs are a few a
// quarter; purchases (购买历史) at most one a working day for twenty years;
// satisfaction is surveyed quarterly or after a service case; the stage moves
// along seven steps and the value tier is reviewed every quarter or half year.
// A document holding more than a maximum (stored before it was set) stays
// readable and may shrink; only a write that grows the list past it is
// refused.
const (
	MaxContacts            = 100   // contacts per customer
	MaxInteractions        = 10000 // interactions per customer
	MaxNeeds               = 500   // needs per customer
	MaxDeals               = 5000  // deals (purchases) per customer
	MaxSatisfaction        = 1000  // satisfaction results per customer
	MaxStageChanges        = 500   // entries of the stage history
	MaxTierChanges         = 500   // entries of the value-tier history
	MaxOwnerChanges        = 500   // entries of the owner history
	MaxCollaborators       = 20    // collaborators besides the owner
	MaxTags                = 50    // tags per customer
	MaxParticipants        = 20    // our staff taking part in one interaction
	MaxInteractionContacts = 20    // the customer's contacts named in one interaction

	// MaxNested is the largest of the maxima above.
	MaxNested = MaxInteractions
)

// customerList is one list of a customer, as checkLists sees it.
type customerList struct {
	field string // the field a refusal names
	what  string // what the message counts
	max   int
	n     func(*Customer) int
}

var customerLists = []customerList{
	{"contacts", "contacts", MaxContacts, func(c *Customer) int { return len(c.Contacts) }},
	{"interactions", "interactions", MaxInteractions, func(c *Customer) int { return len(c.Interactions) }},
	{"needs", "needs", MaxNeeds, func(c *Customer) int { return len(c.Needs) }},
	{"deals", "deals", MaxDeals, func(c *Customer) int { return len(c.Deals) }},
	{"satisfaction", "satisfaction results", MaxSatisfaction, func(c *Customer) int { return len(c.Satisfaction) }},
	{"stage", "stage changes", MaxStageChanges, func(c *Customer) int { return len(c.StageHistory) }},
	{"valueTier", "value tier changes", MaxTierChanges, func(c *Customer) int { return len(c.TierHistory) }},
	{"ownerId", "owner changes", MaxOwnerChanges, func(c *Customer) int { return len(c.OwnerHistory) }},
	{"collaborators", "collaborators", MaxCollaborators, func(c *Customer) int { return len(c.Collaborators) }},
	{"tags", "tags", MaxTags, func(c *Customer) int { return len(c.Tags) }},
	{"serviceRequests", "service requests", MaxServiceRequests, func(c *Customer) int { return len(c.ServiceRequests) }},
}

// listSizes is what a customer's lists held before a change.
type listSizes struct {
	n []int
	// over holds the interactions (by id) whose participants or contact
	// ids were already above their maximum.
	over map[string][2]int
}

// sizesOf records c's list sizes (nil: a new customer).
func sizesOf(c *Customer) listSizes {
	s := listSizes{n: make([]int, len(customerLists))}
	if c == nil {
		return s
	}
	for i, l := range customerLists {
		s.n[i] = l.n(c)
	}
	for _, it := range c.Interactions {
		if len(it.Participants) > MaxParticipants || len(it.ContactIDs) > MaxInteractionContacts {
			if s.over == nil {
				s.over = map[string][2]int{}
			}
			s.over[it.ID] = [2]int{len(it.Participants), len(it.ContactIDs)}
		}
	}
	return s
}

// checkLists records TOO_MANY (params max) for every list of c that a
// change grew past its maximum; before is sizesOf the customer before it.
func checkLists(p Problems, before listSizes, c *Customer) {
	for i, l := range customerLists {
		if n := l.n(c); n > l.max && n > before.n[i] {
			p.Fail(l.field, ReasonTooMany, map[string]any{"max": l.max}, "a customer has at most %d %s", l.max, l.what)
		}
	}
	for _, it := range c.Interactions {
		if len(it.Participants) <= MaxParticipants && len(it.ContactIDs) <= MaxInteractionContacts {
			continue
		}
		was := before.over[it.ID]
		if n := len(it.Participants); n > MaxParticipants && n > was[0] {
			p.Fail("participants", ReasonTooMany, map[string]any{"max": MaxParticipants},
				"an interaction has at most %d participants", MaxParticipants)
		}
		if n := len(it.ContactIDs); n > MaxInteractionContacts && n > was[1] {
			p.Fail("contactIds", ReasonTooMany, map[string]any{"max": MaxInteractionContacts},
				"an interaction names at most %d contacts", MaxInteractionContacts)
		}
	}
}

// CheckLimit checks the limit argument of a read of a nested list (field
// names the argument): nil, or between 0 and max (else BAD_USER_INPUT,
// OUT_OF_RANGE with params min and max).
func CheckLimit(field string, limit *int, max int) error {
	if limit == nil || (*limit >= 0 && *limit <= max) {
		return nil
	}
	p := NewProblems()
	p.Fail(field, ReasonOutOfRange, map[string]any{"min": 0, "max": max}, "must be between 0 and %d", max)
	return p.Err()
}

// Window returns list (oldest first) newest first when newestFirst, and
// only its first limit elements when limit is set (checked by CheckLimit).
// It never changes list.
func Window[T any](list []T, newestFirst bool, limit *int) []T {
	n := len(list)
	if limit != nil && *limit >= 0 && *limit < n {
		n = *limit
	}
	if !newestFirst {
		return list[:n:n]
	}
	out := make([]T, n)
	for i := range out {
		out[i] = list[len(list)-1-i]
	}
	return out
}

// PrimaryFirst returns contacts with the primary one first, the others in
// the order they were added.
func PrimaryFirst(contacts []Contact) []Contact {
	i := slices.IndexFunc(contacts, func(ct Contact) bool { return ct.Primary })
	if i <= 0 {
		return contacts
	}
	out := make([]Contact, 0, len(contacts))
	out = append(out, contacts[i])
	out = append(out, contacts[:i]...)
	return append(out, contacts[i+1:]...)
}

// SatisfactionByTime returns results ordered by time, oldest first (the
// stored order is the order they were recorded, and a result may be
// recorded for an earlier day).
func SatisfactionByTime(results []Satisfaction) []Satisfaction {
	byTime := func(a, b Satisfaction) int { return a.At.Compare(b.At) }
	if slices.IsSortedFunc(results, byTime) {
		return results
	}
	results = slices.Clone(results)
	slices.SortStableFunc(results, byTime)
	return results
}
