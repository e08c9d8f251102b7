package crm

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Brief is the compact form of a customer's nested arrays that segment
// filters (internal/segment) and aggregates (internal/analytics) read: for
// each contact, interaction, need, deal, survey, stage change, service
// request and task only the fields they use, with times as Unix
// milliseconds (what BSON stores) and the interactions' enums as one-byte
// codes. A read model
// keeps one per customer so that filters over nested arrays run on it
// without decoding documents; the one free-text field it leaves out is an
// interaction's summary (a filter on it reads whole documents).
//
// A Brief is built from the document (BriefOf) and never modified after.
type Brief struct {
	Contacts     []BriefContact
	Interactions []BriefInteraction
	Needs        []BriefNeed
	Deals        []BriefDeal
	Satisfaction []BriefSatisfaction
	Stages       []BriefStageChange // the stage history, in order
	Services     []BriefServiceRequest
	Tasks        []BriefTask

	interactionsSorted, dealsSorted bool // see NoteTimeOrder
}

// BriefContact is a contact's filterable fields.
type BriefContact struct {
	Name    string
	Title   string
	Role    ContactRole
	Primary bool
}

// BriefInteraction is an interaction's fields but its texts: 48 bytes, the
// bulk of a Brief (customers log dozens of interactions). Its participant
// list is shared (see WithParticipants).
type BriefInteraction struct {
	At          int64 // Unix milliseconds
	CreatedBy   string
	people      *[]string // nil: no participants
	NextDue     int64     // the next action's due time (Unix ms), open or done; 0 without one or without a due time
	DurationMin uint16    // 0: not recorded (at most 1440)
	channel     uint8     // index in channels
	keyEvent    uint8     // 0: none, else index in keyEvents + 1
	texts       uint8     // bit Code set: that InteractionText is not empty
	next        uint8     // NextNone, NextOpen or NextDone
	recording   uint8     // RecordedUnknown, RecordedOnTime or RecordedLate
}

// The state of an interaction's next action in its brief.
const (
	NextNone uint8 = iota
	NextOpen
	NextDone
)

// How soon an interaction was logged after it happened: within
// RecordWithin (on time), later, or unknown (logged before Kehu kept the
// time of logging).
const (
	RecordedUnknown uint8 = iota
	RecordedOnTime
	RecordedLate
)

// RecordWithin is the seeds' rule: every interaction recorded within 24
// hours of happening.
const RecordWithin = 24 * time.Hour

// Next is the state of the interaction's next action (NextNone, NextOpen,
// NextDone).
func (x *BriefInteraction) Next() uint8 { return x.next }

// Recording tells how soon the interaction was logged (RecordedUnknown,
// RecordedOnTime, RecordedLate).
func (x *BriefInteraction) Recording() uint8 { return x.recording }

// WithNextAction returns x with its next action: present, done, and due
// (Unix ms; 0 without a due time).
func (x BriefInteraction) WithNextAction(present, done bool, due int64) BriefInteraction {
	switch {
	case !present:
		x.next, x.NextDue = NextNone, 0
	case done:
		x.next, x.NextDue = NextDone, due
	default:
		x.next, x.NextDue = NextOpen, due
	}
	return x
}

// WithRecordedAt returns x logged at recorded (Unix ms); ok false: unknown.
func (x BriefInteraction) WithRecordedAt(recorded int64, ok bool) BriefInteraction {
	switch {
	case !ok:
		x.recording = RecordedUnknown
	case recorded-x.At <= RecordWithin.Milliseconds():
		x.recording = RecordedOnTime
	default:
		x.recording = RecordedLate
	}
	return x
}

// BriefSatisfaction is a survey result: its time and score.
type BriefSatisfaction struct {
	At    int64 // Unix milliseconds
	Score int
}

// BriefStageChange is one change of pipeline stage.
type BriefStageChange struct {
	At   int64 // Unix milliseconds
	from uint8 // 0: none (the first stage), else index in stages + 1
	to   uint8 // index in stages + 1
}

// From is the stage left, "" for the customer's first stage.
func (b *BriefStageChange) From() Stage {
	if b.from == 0 {
		return ""
	}
	return stages[b.from-1]
}

// To is the stage entered.
func (b *BriefStageChange) To() Stage { return stages[b.to-1] }

// BriefOfStageChange builds a stage change's brief; ok is false for a
// stage this version does not know.
func BriefOfStageChange(at time.Time, from, to Stage) (BriefStageChange, bool) {
	b := BriefStageChange{At: at.UnixMilli()}
	ti := enumIndex(stages, to)
	if ti < 0 {
		return b, false
	}
	b.to = uint8(ti + 1)
	if from != "" {
		fi := enumIndex(stages, from)
		if fi < 0 {
			return b, false
		}
		b.from = uint8(fi + 1)
	}
	return b, true
}

// Participants returns the interaction's participants (user ids).
func (x *BriefInteraction) Participants() []string {
	if x.people == nil {
		return nil
	}
	return *x.people
}

// WithParticipants returns x with the participant list *ps (nil or empty:
// none). Interactions may share one list: it must not be modified.
func (x BriefInteraction) WithParticipants(ps *[]string) BriefInteraction {
	if ps != nil && len(*ps) == 0 {
		ps = nil
	}
	x.people = ps
	return x
}

// WithDuration returns x with its duration in minutes; ok is false for a
// duration a brief cannot hold (negative or above 65,535).
func (x BriefInteraction) WithDuration(min int64) (BriefInteraction, bool) {
	if min < 0 || min > math.MaxUint16 {
		return x, false
	}
	x.DurationMin = uint16(min)
	return x, true
}

// HasText reports whether the interaction's InteractionText of that code
// is not empty (what isNull on it asks; the text itself is not kept).
func (b *BriefInteraction) HasText(code int) bool { return b.texts&(1<<code) != 0 }

// WithText returns b with the InteractionText of that code marked not
// empty.
func (b BriefInteraction) WithText(code int) BriefInteraction {
	b.texts |= 1 << code
	return b
}

// Channel is the interaction's channel.
func (b *BriefInteraction) Channel() InteractionChannel { return channels[b.channel] }

// KeyEvent is the interaction's key event, "" when none.
func (b *BriefInteraction) KeyEvent() KeyEvent {
	if b.keyEvent == 0 {
		return ""
	}
	return keyEvents[b.keyEvent-1]
}

// BriefNeed is a need's filterable fields. The optional times and the
// budget are valid only when their Has flag is set.
type BriefNeed struct {
	Title       string
	Kind        NeedKind
	Type        NeedType
	Priority    Priority
	Status      NeedStatus
	OpenedAt    int64
	ResolvedAt  int64
	ExpectedOn  int64
	BudgetMax   Money
	Urgent      bool
	Important   bool
	HasResolved bool
	HasExpected bool
	HasBudget   bool
}

// BriefDeal is a deal's filterable fields.
type BriefDeal struct {
	Product string
	Amount  Money
	Date    int64 // Unix milliseconds of the date (midnight UTC)
}

// BriefServiceRequest is a service request's filterable fields. The
// optional times are valid only when their Has flag is set.
type BriefServiceRequest struct {
	Kind        ServiceKind
	Status      ServiceStatus
	Priority    Priority
	AssigneeID  string
	OpenedAt    int64 // Unix milliseconds
	Due         int64
	ResolvedAt  int64
	ClosedAt    int64
	Hours       int64 // ResolutionHours when HasHours
	HasResolved bool
	HasClosed   bool
	HasHours    bool
}

// BriefOfServiceRequest builds a service request's brief.
func BriefOfServiceRequest(r *ServiceRequest) BriefServiceRequest {
	b := BriefServiceRequest{Kind: r.Kind, Status: r.Status, Priority: r.Priority, AssigneeID: r.AssigneeID,
		OpenedAt: r.OpenedAt.UnixMilli(), Due: r.Due.UnixMilli()}
	if r.ResolvedAt != nil {
		b.ResolvedAt, b.HasResolved = r.ResolvedAt.UnixMilli(), true
	}
	if r.ClosedAt != nil {
		b.ClosedAt, b.HasClosed = r.ClosedAt.UnixMilli(), true
	}
	if r.ResolutionHours != nil {
		b.Hours, b.HasHours = *r.ResolutionHours, true
	}
	return b
}

// Active reports whether the request is still worked on (OPEN or
// IN_PROGRESS).
func (b *BriefServiceRequest) Active() bool {
	return b.Status == ServiceOpen || b.Status == ServiceInProgress
}

// BriefTask is a task's filterable fields. ClosedAt is valid only when
// HasClosed is set.
type BriefTask struct {
	Kind       TaskKind
	Status     TaskStatus
	AssigneeID string
	Due        int64 // Unix milliseconds
	CreatedAt  int64
	ClosedAt   int64
	HasClosed  bool
}

// BriefOfTask builds a task's brief.
func BriefOfTask(t *Task) BriefTask {
	b := BriefTask{Kind: t.Kind, Status: t.Status, AssigneeID: t.AssigneeID, Due: t.Due.UnixMilli(), CreatedAt: t.CreatedAt.UnixMilli()}
	if t.ClosedAt != nil {
		b.ClosedAt, b.HasClosed = t.ClosedAt.UnixMilli(), true
	}
	return b
}

// Late reports whether the task was done (by a person) after its due
// time; ok is false while it is not DONE, or done without a time.
func (b *BriefTask) Late() (late, ok bool) {
	if b.Status != TaskDone || !b.HasClosed {
		return false, false
	}
	return b.ClosedAt > b.Due, true
}

// BriefOf returns the brief of c's nested arrays; ok is false when c holds
// a value a brief cannot represent (an interaction channel or key event
// this version does not know), and the filters must then read c itself.
func BriefOf(c *Customer) (b *Brief, ok bool) {
	b = &Brief{}
	if len(c.Contacts) > 0 {
		b.Contacts = make([]BriefContact, len(c.Contacts))
		for i, x := range c.Contacts {
			b.Contacts[i] = BriefContact{Name: x.Name, Title: x.Title, Role: x.Role, Primary: x.Primary}
		}
	}
	if len(c.Interactions) > 0 {
		b.Interactions = make([]BriefInteraction, len(c.Interactions))
		for i := range c.Interactions {
			x := &c.Interactions[i]
			bi, ok := BriefOfInteraction(x.At, x.Channel, x.KeyEvent, x.CreatedBy)
			if !ok {
				return nil, false
			}
			for _, t := range InteractionTexts {
				if t.Get(x) != "" {
					bi = bi.WithText(t.Code)
				}
			}
			if bi, ok = bi.WithDuration(int64(x.DurationMin)); !ok {
				return nil, false
			}
			if len(x.Participants) > 0 {
				bi = bi.WithParticipants(&x.Participants)
			}
			if na := x.NextAction; na != nil {
				var due int64
				if na.Due != nil {
					due = na.Due.UnixMilli()
				}
				bi = bi.WithNextAction(true, na.Done, due)
			}
			if x.RecordedAt != nil {
				bi = bi.WithRecordedAt(x.RecordedAt.UnixMilli(), true)
			}
			b.Interactions[i] = bi
		}
	}
	if len(c.Needs) > 0 {
		b.Needs = make([]BriefNeed, len(c.Needs))
		for i := range c.Needs {
			b.Needs[i] = BriefOfNeed(&c.Needs[i])
		}
	}
	if len(c.Deals) > 0 {
		b.Deals = make([]BriefDeal, len(c.Deals))
		for i, x := range c.Deals {
			b.Deals[i] = BriefDeal{Product: x.Product, Amount: x.Amount, Date: x.Date.UnixMilli()}
		}
	}
	if len(c.Satisfaction) > 0 {
		b.Satisfaction = make([]BriefSatisfaction, len(c.Satisfaction))
		for i, x := range c.Satisfaction {
			b.Satisfaction[i] = BriefSatisfaction{At: x.At.UnixMilli(), Score: x.Score}
		}
	}
	if len(c.StageHistory) > 0 {
		b.Stages = make([]BriefStageChange, len(c.StageHistory))
		for i, x := range c.StageHistory {
			var ok bool
			if b.Stages[i], ok = BriefOfStageChange(x.At, x.From, x.To); !ok {
				return nil, false
			}
		}
	}
	if len(c.ServiceRequests) > 0 {
		b.Services = make([]BriefServiceRequest, len(c.ServiceRequests))
		for i := range c.ServiceRequests {
			b.Services[i] = BriefOfServiceRequest(&c.ServiceRequests[i])
		}
	}
	if len(c.Tasks) > 0 {
		b.Tasks = make([]BriefTask, len(c.Tasks))
		for i := range c.Tasks {
			b.Tasks[i] = BriefOfTask(&c.Tasks[i])
		}
	}
	b.NoteTimeOrder()
	return b, true
}

// NoteTimeOrder records whether the brief's interactions and deals are in
// time order, as documents keep them (Compute sorts them): filters then
// find the elements in a time window by binary search (internal/segment).
// A builder of a Brief calls it once, last; the elements keep the
// document's order either way (element i is the document's element i).
func (b *Brief) NoteTimeOrder() {
	b.interactionsSorted = slices.IsSortedFunc(b.Interactions, func(x, y BriefInteraction) int { return cmp.Compare(x.At, y.At) })
	b.dealsSorted = slices.IsSortedFunc(b.Deals, func(x, y BriefDeal) int { return cmp.Compare(x.Date, y.Date) })
}

// InteractionsInTimeOrder reports what NoteTimeOrder found of the
// interactions.
func (b *Brief) InteractionsInTimeOrder() bool { return b.interactionsSorted }

// DealsInTimeOrder reports what NoteTimeOrder found of the deals.
func (b *Brief) DealsInTimeOrder() bool { return b.dealsSorted }

// BriefOfInteraction builds an interaction's brief from its fields; ok is
// false for a channel or key event this version does not know.
func BriefOfInteraction(at time.Time, ch InteractionChannel, ev KeyEvent, createdBy string) (BriefInteraction, bool) {
	b := BriefInteraction{At: at.UnixMilli(), CreatedBy: createdBy}
	ci := enumIndex(channels, ch)
	if ci < 0 {
		return b, false
	}
	b.channel = uint8(ci)
	if ev != "" {
		ki := enumIndex(keyEvents, ev)
		if ki < 0 {
			return b, false
		}
		b.keyEvent = uint8(ki + 1)
	}
	return b, true
}

// BriefOfNeed builds a need's brief.
func BriefOfNeed(n *Need) BriefNeed {
	b := BriefNeed{Title: n.Title, Kind: n.Kind, Type: n.Type, Priority: n.Priority, Status: n.Status,
		OpenedAt: n.OpenedAt.UnixMilli(), Urgent: n.Urgent, Important: n.Important}
	if n.ResolvedAt != nil {
		b.ResolvedAt, b.HasResolved = n.ResolvedAt.UnixMilli(), true
	}
	if n.ExpectedOn != nil {
		b.ExpectedOn, b.HasExpected = n.ExpectedOn.UnixMilli(), true
	}
	if n.BudgetMax != nil {
		b.BudgetMax, b.HasBudget = *n.BudgetMax, true
	}
	return b
}

func enumIndex[T comparable](vs []T, v T) int {
	for i, x := range vs {
		if x == v {
			return i
		}
	}
	return -1
}

// ChannelIndex is the index of the interaction's channel in Channels()
// (for engines that count by codes).
func (x *BriefInteraction) ChannelIndex() int { return int(x.channel) }

// KeyEventIndex is 0 without a key event, else its index in KeyEvents()
// plus one.
func (x *BriefInteraction) KeyEventIndex() int { return int(x.keyEvent) }

// FromIndex is 0 for a first stage, else the index of the stage left in
// Stages() plus one.
func (b *BriefStageChange) FromIndex() int { return int(b.from) }

// ToIndex is the index of the stage entered in Stages() plus one.
func (b *BriefStageChange) ToIndex() int { return int(b.to) }

// Channels lists the interaction channels in their brief order.
func Channels() []InteractionChannel { return append([]InteractionChannel(nil), channels...) }

// KeyEvents lists the key events in their brief order.
func KeyEvents() []KeyEvent { return append([]KeyEvent(nil), keyEvents...) }

// Stages lists the pipeline stages in pipeline order.
func Stages() []Stage { return append([]Stage(nil), stages...) }
