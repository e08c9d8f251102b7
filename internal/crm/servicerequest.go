package crm

import (
	"context"
	"io"
	"slices"
	"time"
)

// ServiceRequest is a customer's consultation, complaint or after-sales
// request (seed 002: 咨询、投诉、售后需求 ... 记录服务过程并保证问题闭环),
// kept in the customer's document. It moves OPEN → IN_PROGRESS → RESOLVED
// (with a resolution) → CLOSED (after the satisfaction check, 回访), each
// step recorded with who and when; a resolved request the customer is not
// satisfied with goes back to IN_PROGRESS. A complaint logged on an
// interaction opens one by itself.
type ServiceRequest struct {
	ID         string        `bson:"id"`
	Kind       ServiceKind   `bson:"kind"`
	Summary    string        `bson:"summary"`
	Priority   Priority      `bson:"priority"`
	Status     ServiceStatus `bson:"status"`
	Due        time.Time     `bson:"due"` // when it should be resolved
	AssigneeID string        `bson:"assigneeId,omitempty"`
	ContactID  string        `bson:"contactId,omitempty"` // the customer's contact who raised it
	// InteractionID is the interaction whose complaint opened it; "" when
	// opened by hand.
	InteractionID string     `bson:"interactionId,omitempty"`
	Resolution    string     `bson:"resolution,omitempty"`
	OpenedAt      time.Time  `bson:"openedAt"`
	OpenedBy      string     `bson:"openedBy"`
	ResolvedAt    *time.Time `bson:"resolvedAt,omitempty"` // the latest resolution
	ResolvedBy    string     `bson:"resolvedBy,omitempty"`
	ClosedAt      *time.Time `bson:"closedAt,omitempty"`
	ClosedBy      string     `bson:"closedBy,omitempty"`
	// SatisfactionID is the survey result the check recorded (the
	// customer's Satisfaction); "" when the customer gave no score.
	SatisfactionID string                `bson:"satisfactionId,omitempty"`
	History        []ServiceStatusChange `bson:"history"`
	// ResolutionHours is the resolution time in whole hours (rounded
	// down), kept by Recompute for filters; nil while not resolved.
	ResolutionHours *int64 `bson:"resolutionHours,omitempty"`
}

// ServiceStatusChange records one step of a service request.
type ServiceStatusChange struct {
	From ServiceStatus `bson:"from,omitempty"` // "" when it was opened
	To   ServiceStatus `bson:"to"`
	At   time.Time     `bson:"at"`
	By   string        `bson:"by"`
	Note string        `bson:"note,omitempty"`
}

// Active reports whether the request is still being worked on: OPEN or
// IN_PROGRESS (its due time counts).
func (r *ServiceRequest) Active() bool {
	return r.Status == ServiceOpen || r.Status == ServiceInProgress
}

// Closed reports whether the loop is closed.
func (r *ServiceRequest) Closed() bool { return r.Status == ServiceClosed }

// ResolutionTime is how long the request took to resolve (its latest
// resolution); ok is false while it is not resolved.
func (r *ServiceRequest) ResolutionTime() (d time.Duration, ok bool) {
	if r.ResolvedAt == nil || r.Active() {
		return 0, false
	}
	return r.ResolvedAt.Sub(r.OpenedAt), true
}

// keepResolutionHours sets ResolutionHours from the times.
func (r *ServiceRequest) keepResolutionHours() {
	r.ResolutionHours = nil
	if d, ok := r.ResolutionTime(); ok {
		h := d.Milliseconds() / 3_600_000
		if d < 0 && d.Milliseconds()%3_600_000 != 0 {
			h-- // rounded down, as the hours of a negative time would be
		}
		r.ResolutionHours = &h
	}
}

// ServiceKind is what the customer asks for.
type ServiceKind string

const (
	ServiceConsultation ServiceKind = "CONSULTATION" // 咨询
	ServiceComplaint    ServiceKind = "COMPLAINT"    // 投诉
	ServiceAfterSales   ServiceKind = "AFTER_SALES"  // 售后
)

var serviceKinds = []ServiceKind{ServiceConsultation, ServiceComplaint, ServiceAfterSales}

// ServiceStatus is where a service request stands.
type ServiceStatus string

const (
	ServiceOpen       ServiceStatus = "OPEN"        // 待处理
	ServiceInProgress ServiceStatus = "IN_PROGRESS" // 处理中
	ServiceResolved   ServiceStatus = "RESOLVED"    // 已解决, waiting for the satisfaction check
	ServiceClosed     ServiceStatus = "CLOSED"      // 已关闭: checked with the customer
)

var serviceStatuses = []ServiceStatus{ServiceOpen, ServiceInProgress, ServiceResolved, ServiceClosed}

func (k ServiceKind) Valid() bool { return validEnum(k, serviceKinds) }
func (k *ServiceKind) UnmarshalGQL(v any) error {
	return unmarshalEnum(k, v, serviceKinds, "ServiceKind")
}
func (k ServiceKind) MarshalGQL(w io.Writer) { marshalEnum(w, string(k)) }
func (s ServiceStatus) Valid() bool          { return validEnum(s, serviceStatuses) }
func (s *ServiceStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(s, v, serviceStatuses, "ServiceStatus")
}
func (s ServiceStatus) MarshalGQL(w io.Writer) { marshalEnum(w, string(s)) }

// ServiceKinds and ServiceStatuses list the enums in order.
func ServiceKinds() []ServiceKind      { return append([]ServiceKind(nil), serviceKinds...) }
func ServiceStatuses() []ServiceStatus { return append([]ServiceStatus(nil), serviceStatuses...) }

// Bounds of service requests.
const (
	MaxServiceRequests = 1000 // per customer: a request a week for twenty years
	MaxServiceHistory  = 100  // steps of one request
)

// ServiceDueIn is how long a request of a priority has, by default, to be
// resolved: a day for HIGH (every complaint), three for MEDIUM, a week for
// LOW. The seeds ask for 需求解决及时率 without numbers; these are the
// usual service levels of small service teams, and every request takes its
// own due time.
var ServiceDueIn = map[Priority]time.Duration{
	PriorityHigh: 24 * time.Hour, PriorityMedium: 72 * time.Hour, PriorityLow: 7 * 24 * time.Hour,
}

// ServiceRequestInput opens a service request.
type ServiceRequestInput struct {
	Kind       ServiceKind
	Summary    string
	Priority   *Priority  // default: HIGH for a complaint, else MEDIUM
	Due        *time.Time // default: now plus ServiceDueIn of the priority
	AssigneeID *string    // default: whoever opens it
	ContactID  *string
}

// OpenServiceRequest opens a service request on a customer (whoever may
// log on it: service staff on any customer). Errors: NOT_FOUND,
// FORBIDDEN, BAD_USER_INPUT (kind, summary, priority, due PAST_DATE,
// assigneeId, contactId), CONFLICT with expectedVersion set.
func (s *Service) OpenServiceRequest(ctx context.Context, a Actor, customerID string, expectedVersion *int64, in ServiceRequestInput) (*Customer, string, error) {
	var id, assignee string
	c, err := s.mutate(ctx, a, customerID, expectedVersion, may(Actor.CanLog), func(c *Customer, p Problems, now time.Time) {
		if !in.Kind.Valid() {
			p.Fail("kind", ReasonNotAllowed, map[string]any{"value": string(in.Kind)}, "is not a service request kind")
		}
		r := ServiceRequest{ID: NewID(), Kind: in.Kind, Status: ServiceOpen, OpenedAt: now, OpenedBy: a.UserID, AssigneeID: a.UserID}
		r.Summary = checkText(p, "summary", in.Summary, MaxLongText, true)
		r.Priority = PriorityMedium
		if in.Kind == ServiceComplaint {
			r.Priority = PriorityHigh
		}
		applyEnum(p, "priority", in.Priority, &r.Priority, false)
		r.Due = now.Add(ServiceDueIn[r.Priority])
		if in.Due != nil {
			r.Due = in.Due.UTC().Truncate(time.Millisecond)
			if !r.Due.After(now) {
				p.Fail("due", ReasonPastDate, nil, "must be later than now")
			}
		}
		if in.AssigneeID != nil {
			r.AssigneeID = *in.AssigneeID
			if r.AssigneeID == "" {
				p.Fail("assigneeId", ReasonRequired, nil, "is required when given")
			}
		}
		if in.ContactID != nil {
			r.ContactID = *in.ContactID
			if indexOf(c.Contacts, func(ct Contact) bool { return ct.ID == r.ContactID }) < 0 {
				p.Fail("contactId", ReasonNotFound, nil, "no such contact on this customer")
			}
		}
		r.History = []ServiceStatusChange{{To: ServiceOpen, At: now, By: a.UserID}}
		id, assignee = r.ID, r.AssigneeID
		c.ServiceRequests = append(c.ServiceRequests, r)
	}, func(*Customer) error {
		if in.AssigneeID == nil {
			return nil
		}
		return s.checkAssignee(ctx, assignee)
	})
	return c, id, err
}

// openComplaint opens the service request a complaint logged on
// interaction it asks for, unless one was opened for it already: a HIGH
// request due in a day, assigned to whoever logged the complaint.
func openComplaint(c *Customer, it *Interaction, by string, now time.Time) {
	if it.KeyEvent != KeyEventComplaint {
		return
	}
	for i := range c.ServiceRequests {
		if c.ServiceRequests[i].InteractionID == it.ID {
			return
		}
	}
	summary := truncateRunes(it.Summary, MaxLongText)
	var contact string
	if len(it.ContactIDs) > 0 {
		contact = it.ContactIDs[0]
	}
	c.ServiceRequests = append(c.ServiceRequests, ServiceRequest{
		ID: NewID(), Kind: ServiceComplaint, Summary: summary, Priority: PriorityHigh, Status: ServiceOpen,
		Due: now.Add(ServiceDueIn[PriorityHigh]), AssigneeID: by, ContactID: contact, InteractionID: it.ID,
		OpenedAt: now, OpenedBy: by, History: []ServiceStatusChange{{To: ServiceOpen, At: now, By: by}},
	})
}

func truncateRunes(s string, max int) string {
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}

// ServiceRequestPatch moves a request along or changes who has it and
// when it is due. Status takes IN_PROGRESS or RESOLVED (CLOSED is
// CloseServiceRequest's: the satisfaction check).
type ServiceRequestPatch struct {
	Status     *ServiceStatus
	Note       *string // the step's note; the resolution when resolving (required then)
	AssigneeID *string
	Due        *time.Time
	Priority   *Priority
}

// serviceSteps are the moves a patch may make.
var serviceSteps = map[ServiceStatus][]ServiceStatus{
	ServiceOpen:       {ServiceInProgress, ServiceResolved},
	ServiceInProgress: {ServiceResolved},
	ServiceResolved:   {ServiceInProgress}, // the customer is not satisfied: reopened
}

// UpdateServiceRequest changes a request that is not closed (its
// assignee, or whoever may log on the customer). Errors: NOT_FOUND,
// FORBIDDEN, CONFLICT with expectedVersion set; BAD_USER_INPUT:
// requestId NOT_FOUND or ALREADY (closed), status BAD_TRANSITION, note
// REQUIRED when resolving or reopening, due PAST_DATE, assigneeId.
func (s *Service) UpdateServiceRequest(ctx context.Context, a Actor, customerID, requestID string, expectedVersion *int64, patch ServiceRequestPatch) (*Customer, error) {
	return s.mutate(ctx, a, customerID, expectedVersion, mayServe(requestID), func(c *Customer, p Problems, now time.Time) {
		r := openRequestAt(p, c, requestID)
		if r == nil {
			return
		}
		var note string
		if patch.Note != nil {
			note = checkText(p, "note", *patch.Note, MaxLongText, false)
		}
		if patch.Priority != nil {
			applyEnum(p, "priority", patch.Priority, &r.Priority, false)
		}
		if patch.Due != nil {
			due := patch.Due.UTC().Truncate(time.Millisecond)
			if !due.After(now) {
				p.Fail("due", ReasonPastDate, nil, "must be later than now")
			}
			r.Due = due
		}
		if patch.AssigneeID != nil {
			if *patch.AssigneeID == "" {
				p.Fail("assigneeId", ReasonRequired, nil, "is required when given")
			}
			r.AssigneeID = *patch.AssigneeID
		}
		if patch.Status != nil && *patch.Status != r.Status {
			to := *patch.Status
			if !to.Valid() || indexOf(serviceSteps[r.Status], func(s ServiceStatus) bool { return s == to }) < 0 {
				hint := "move it to " + joinStatuses(serviceSteps[r.Status])
				if to == ServiceClosed {
					hint = "close it with closeServiceRequest (the satisfaction check) once it is resolved"
				}
				p.Fail("status", ReasonBadTransition, map[string]any{"from": string(r.Status), "to": string(to)},
					"a %s request cannot become %s: %s", r.Status, to, hint)
				return
			}
			if (to == ServiceResolved || r.Status == ServiceResolved) && note == "" {
				p.Fail("note", ReasonRequired, nil, "say how it was resolved, or why it is reopened")
				return
			}
			if to == ServiceResolved {
				r.Resolution, r.ResolvedAt, r.ResolvedBy = note, &now, a.UserID
			}
			AppendBounded(&r.History, MaxServiceHistory, ServiceStatusChange{From: r.Status, To: to, At: now, By: a.UserID, Note: note})
			r.Status = to
		} else if note != "" {
			AppendBounded(&r.History, MaxServiceHistory, ServiceStatusChange{From: r.Status, To: r.Status, At: now, By: a.UserID, Note: note})
		}
	}, func(*Customer) error {
		if patch.AssigneeID == nil {
			return nil
		}
		return s.checkAssignee(ctx, *patch.AssigneeID)
	})
}

func joinStatuses(ss []ServiceStatus) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " or "
		}
		out += string(s)
	}
	return out
}

// ServiceCheck is the satisfaction check that closes a resolved request:
// the customer's score 0-100 (recorded as a satisfaction result), or a
// note saying why there is none.
type ServiceCheck struct {
	Score   *int
	Comment *string
}

// CloseServiceRequest closes a resolved request with its satisfaction
// check. Errors: as UpdateServiceRequest; requestId BAD_TRANSITION when
// the request is not RESOLVED; score OUT_OF_RANGE, or REQUIRED without a
// score or a comment.
func (s *Service) CloseServiceRequest(ctx context.Context, a Actor, customerID, requestID string, expectedVersion *int64, check ServiceCheck) (*Customer, error) {
	return s.mutate(ctx, a, customerID, expectedVersion, mayServe(requestID), func(c *Customer, p Problems, now time.Time) {
		r := openRequestAt(p, c, requestID)
		if r == nil {
			return
		}
		if r.Status != ServiceResolved {
			p.Fail("requestId", ReasonBadTransition, map[string]any{"from": string(r.Status), "to": string(ServiceClosed)},
				"a %s request cannot be closed: resolve it first", r.Status)
			return
		}
		var comment string
		if check.Comment != nil {
			comment = checkText(p, "comment", *check.Comment, MaxLongText, false)
		}
		if check.Score == nil && comment == "" {
			p.Fail("score", ReasonRequired, nil, "give the customer's score, or a comment saying why there is none")
			return
		}
		if check.Score != nil {
			if *check.Score < 0 || *check.Score > 100 {
				p.Fail("score", ReasonOutOfRange, map[string]any{"min": 0, "max": 100}, "must be between 0 and 100")
				return
			}
			sat := Satisfaction{ID: NewID(), At: now, Score: *check.Score, Comment: comment, CreatedBy: a.UserID}
			c.Satisfaction = append(c.Satisfaction, sat)
			r.SatisfactionID = sat.ID
		}
		AppendBounded(&r.History, MaxServiceHistory, ServiceStatusChange{From: r.Status, To: ServiceClosed, At: now, By: a.UserID, Note: comment})
		r.Status, r.ClosedAt, r.ClosedBy = ServiceClosed, &now, a.UserID
	}, nil)
}

// requestAt finds a service request; p gets NOT_FOUND on requestId.
func requestAt(p Problems, c *Customer, id string) *ServiceRequest {
	for i := range c.ServiceRequests {
		if c.ServiceRequests[i].ID == id {
			return &c.ServiceRequests[i]
		}
	}
	p.Fail("requestId", ReasonNotFound, nil, "customer %s has no service request %s", c.Code, id)
	return nil
}

// openRequestAt is requestAt for a request that is not closed (ALREADY).
func openRequestAt(p Problems, c *Customer, id string) *ServiceRequest {
	r := requestAt(p, c, id)
	if r != nil && r.Closed() {
		p.Fail("requestId", ReasonAlready, map[string]any{"state": "closed"}, "is already closed")
		return nil
	}
	return r
}

// mayServe is who may work on a service request: its assignee, and
// whoever may log on the customer (service staff on any).
func mayServe(requestID string) rule {
	return func(a Actor, c *Customer) error {
		for i := range c.ServiceRequests {
			if r := &c.ServiceRequests[i]; r.ID == requestID && r.AssigneeID == a.UserID && !a.ReadOnly() && CanBeAssigned(a.Role) {
				return nil
			}
		}
		return may(Actor.CanLog)(a, c)
	}
}

// ServiceQuery selects service requests that are not closed, across the
// active customers (Service.ServiceRequests).
type ServiceQuery struct {
	Assignee string          // "" for anyone's
	Kind     ServiceKind     // "" for any
	Statuses []ServiceStatus // empty: OPEN, IN_PROGRESS and RESOLVED
	// OverdueAt, when set, keeps the requests still worked on whose due
	// time is before it.
	OverdueAt time.Time
}

// ServiceItem is a service request with its customer, as a list has it
// (Partial).
type ServiceItem struct {
	ServiceRequest
	Customer *Customer
}

// ServicePage is a page of service requests.
type ServicePage struct {
	Items   []ServiceItem
	Total   int // the requests the query selects, on every page
	HasNext bool
}

// MaxServicePage bounds a page of service requests.
const MaxServicePage = 500

// ServiceRequests lists the service requests that are not closed across the
// active customers, by due time then id: anyone's, or q.Assignee's (every
// signed-in user reads every customer). Closed ones are read on their
// customer. Errors: BAD_USER_INPUT (first outside 1 to MaxServicePage;
// kind; statuses CLOSED or unknown).
func (s *Service) ServiceRequests(ctx context.Context, a Actor, q ServiceQuery, first int, after *DueCursor) (*ServicePage, error) {
	p := NewProblems()
	checkFirst(p, first, MaxServicePage)
	if q.Kind != "" && !q.Kind.Valid() {
		p.Fail("kind", ReasonNotAllowed, map[string]any{"value": string(q.Kind)}, "is not a service request kind")
	}
	for i, st := range q.Statuses {
		if !st.Valid() || st == ServiceClosed {
			p.Index("statuses", i).Fail("", ReasonNotAllowed, map[string]any{"value": string(st)},
				"lists hold the requests not closed (OPEN, IN_PROGRESS, RESOLVED); closed ones are on their customer")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var items []ServiceItem
	err := s.Store.Customers().OpenServiceRequests(ctx, q, func(c *Customer) error {
		for _, r := range c.ServiceRequests {
			if r.Closed() || (q.Assignee != "" && r.AssigneeID != q.Assignee) || (q.Kind != "" && r.Kind != q.Kind) ||
				(len(q.Statuses) > 0 && !slices.Contains(q.Statuses, r.Status)) ||
				(!q.OverdueAt.IsZero() && !(r.Active() && r.Due.Before(q.OverdueAt))) {
				continue
			}
			items = append(items, ServiceItem{ServiceRequest: r, Customer: c})
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	page := &ServicePage{Total: len(items)}
	page.Items, page.HasNext = duePage(items, func(r ServiceItem) (time.Time, string) { return r.Due, r.ID }, first, after)
	return page, nil
}
