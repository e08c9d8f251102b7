package crm

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"
)

// Task is one thing to do about a customer (待办), kept in the customer's
// document with the rest of it. Most are generated from the customer's
// state (internal/followup keeps them: a next action, a follow-up due by
// the cadence, a churn risk ...) and close themselves when their reason
// goes away; people create others (MANUAL).
type Task struct {
	ID   string   `bson:"id"`
	Kind TaskKind `bson:"kind"`
	// Key says what a generated task is about (the interaction of a next
	// action, the due time of a follow-up ...): at most one task per kind
	// and key is ever opened, so a task done by hand does not come back
	// for the same reason. "" for manual tasks.
	Key          string     `bson:"key,omitempty"`
	Title        string     `bson:"title"`
	AssigneeID   string     `bson:"assigneeId,omitempty"`
	Due          time.Time  `bson:"due"`
	Status       TaskStatus `bson:"status"`
	SnoozedUntil *time.Time `bson:"snoozedUntil,omitempty"`
	CreatedAt    time.Time  `bson:"createdAt"`
	CreatedBy    string     `bson:"createdBy,omitempty"` // "" for generated tasks
	ClosedAt     *time.Time `bson:"closedAt,omitempty"`
	ClosedBy     string     `bson:"closedBy,omitempty"` // "" when it closed itself
}

// Open reports whether the task is still to do.
func (t *Task) Open() bool { return t.Status == TaskOpen }

// DoneLate reports whether the task was done (by a person) after its due
// time; ok is false while it is not DONE, or done without a time.
func (t *Task) DoneLate() (late, ok bool) {
	if t.Status != TaskDone || t.ClosedAt == nil {
		return false, false
	}
	return t.ClosedAt.After(t.Due), true
}

// Snoozed reports whether the task is put off at now.
func (t *Task) Snoozed(now time.Time) bool { return t.SnoozedUntil != nil && t.SnoozedUntil.After(now) }

// TaskKind is why a task exists.
type TaskKind string

const (
	TaskNextAction     TaskKind = "NEXT_ACTION"           // a next action recorded on an interaction
	TaskFollowUp       TaskKind = "FOLLOW_UP"             // the cadence says a follow-up is due
	TaskReview         TaskKind = "CLASSIFICATION_REVIEW" // a manual override's review date has come
	TaskChurnRisk      TaskKind = "CHURN_RISK"            // A or B silent for 60 days; a low or falling score
	TaskStaleNeed      TaskKind = "STALE_NEED"            // a high-priority need without progress for 14 days
	TaskServiceOverdue TaskKind = "SERVICE_OVERDUE"       // an open service request past its due time
	TaskServiceCheck   TaskKind = "SERVICE_CHECK"         // a resolved service request waits for its satisfaction check
	TaskManual         TaskKind = "MANUAL"                // created by a person
)

var taskKinds = []TaskKind{TaskNextAction, TaskFollowUp, TaskReview, TaskChurnRisk, TaskStaleNeed, TaskServiceOverdue, TaskServiceCheck, TaskManual}

// TaskStatus is where a task stands.
type TaskStatus string

const (
	TaskOpen   TaskStatus = "OPEN"
	TaskDone   TaskStatus = "DONE"   // completed by a person
	TaskClosed TaskStatus = "CLOSED" // closed by itself: its reason went away
)

var taskStatuses = []TaskStatus{TaskOpen, TaskDone, TaskClosed}

// TaskKinds lists the kinds in order.
func TaskKinds() []TaskKind { return slices.Clone(taskKinds) }

// TaskStatuses lists the statuses in order.
func TaskStatuses() []TaskStatus { return slices.Clone(taskStatuses) }

func (k TaskKind) Valid() bool               { return validEnum(k, taskKinds) }
func (k *TaskKind) UnmarshalGQL(v any) error { return unmarshalEnum(k, v, taskKinds, "TaskKind") }
func (k TaskKind) MarshalGQL(w io.Writer)    { marshalEnum(w, string(k)) }
func (s TaskStatus) Valid() bool             { return validEnum(s, taskStatuses) }
func (s *TaskStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(s, v, taskStatuses, "TaskStatus")
}
func (s TaskStatus) MarshalGQL(w io.Writer) { marshalEnum(w, string(s)) }

// Bounds of the tasks.
const (
	MaxTasks     = 200 // tasks a customer keeps; the oldest closed ones go first
	MaxTaskTitle = 200 // characters
)

// KeepTasks bounds a customer's tasks to MaxTasks, dropping the closed
// ones that closed first; open tasks are never dropped.
func KeepTasks(c *Customer) {
	over := len(c.Tasks) - MaxTasks
	if over <= 0 {
		return
	}
	closed := make([]int, 0, len(c.Tasks))
	for i := range c.Tasks {
		if !c.Tasks[i].Open() {
			closed = append(closed, i)
		}
	}
	slices.SortStableFunc(closed, func(a, b int) int {
		return c.Tasks[a].ClosedAt.Compare(*c.Tasks[b].ClosedAt)
	})
	drop := map[int]bool{}
	for _, i := range closed[:min(over, len(closed))] {
		drop[i] = true
	}
	kept := c.Tasks[:0]
	for i, t := range c.Tasks {
		if !drop[i] {
			kept = append(kept, t)
		}
	}
	c.Tasks = kept
}

// TaskInput creates a manual task.
type TaskInput struct {
	Title      string
	AssigneeID *string // default: the customer's owner, else the actor
	Due        time.Time
}

// CreateTask adds a manual task to a customer (whoever may log on it).
// Errors: NOT_FOUND, FORBIDDEN, BAD_USER_INPUT (title, assignee, due),
// CONFLICT with expectedVersion set.
func (s *Service) CreateTask(ctx context.Context, a Actor, customerID string, expectedVersion *int64, in TaskInput) (*Customer, string, error) {
	var id string
	c, err := s.mutate(ctx, a, customerID, expectedVersion, may(func(a Actor, c *Customer) bool { return a.CanAdd(c, RecordInteraction) }),
		func(c *Customer, p Problems, now time.Time) {
			title := checkText(p, "title", in.Title, MaxTaskTitle, true)
			if in.Due.IsZero() {
				p.Fail("due", ReasonRequired, nil, "is required")
			}
			assignee := c.OwnerID
			if in.AssigneeID != nil {
				assignee = *in.AssigneeID
			}
			if assignee == "" {
				assignee = a.UserID
			}
			open := 0
			for i := range c.Tasks {
				if c.Tasks[i].Open() {
					open++
				}
			}
			if open >= MaxTasks {
				p.Fail("", ReasonTooMany, map[string]any{"max": MaxTasks}, "customer %s has %d open tasks, the most it may have", c.Code, MaxTasks)
			}
			id = NewID()
			c.Tasks = append(c.Tasks, Task{ID: id, Kind: TaskManual, Title: title, AssigneeID: assignee,
				Due: in.Due.UTC().Truncate(time.Millisecond), Status: TaskOpen, CreatedAt: now, CreatedBy: a.UserID})
			KeepTasks(c)
		}, func(c *Customer) error {
			for _, t := range c.Tasks {
				if t.ID == id {
					return s.checkAssignee(ctx, t.AssigneeID)
				}
			}
			return nil
		})
	return c, id, err
}

// checkAssignee verifies that a task's assignee is an active user who may
// be given customers' work (BAD_USER_INPUT on assigneeId).
func (s *Service) checkAssignee(ctx context.Context, id string) error {
	users, err := s.Store.Users().GetMany(ctx, []string{id})
	if err != nil {
		return err
	}
	var u *User
	if len(users) == 1 {
		u = users[0]
	}
	p := NewProblems()
	checkUser(p, "assigneeId", u, id, true)
	return p.Err()
}

// taskAt finds a task; p gets NOT_FOUND on taskId when there is none.
func taskAt(p Problems, c *Customer, id string) *Task {
	for i := range c.Tasks {
		if c.Tasks[i].ID == id {
			return &c.Tasks[i]
		}
	}
	p.Fail("taskId", ReasonNotFound, nil, "customer %s has no task %s", c.Code, id)
	return nil
}

// openTaskAt is taskAt for a task that must still be open (ALREADY with
// the state otherwise: a task completed twice).
func openTaskAt(p Problems, c *Customer, id string) *Task {
	t := taskAt(p, c, id)
	if t != nil && !t.Open() {
		state := map[TaskStatus]string{TaskDone: "done", TaskClosed: "closed"}[t.Status]
		p.Fail("taskId", ReasonAlready, map[string]any{"state": state}, "is already %s", state)
		return nil
	}
	return t
}

// mayWorkOn is who may complete, snooze or reassign a task: its assignee,
// and whoever may edit the customer.
func mayWorkOn(taskID string) rule {
	return func(a Actor, c *Customer) error {
		for i := range c.Tasks {
			if t := &c.Tasks[i]; t.ID == taskID && t.AssigneeID == a.UserID && a.CanAdd(c, RecordInteraction) {
				return nil
			}
		}
		return may(Actor.CanEdit)(a, c)
	}
}

// CompleteTask marks a task done. Completing a next action's task ticks
// the next action off. Errors: NOT_FOUND, FORBIDDEN, BAD_USER_INPUT
// (taskId NOT_FOUND or ALREADY), CONFLICT with expectedVersion set.
func (s *Service) CompleteTask(ctx context.Context, a Actor, customerID, taskID string, expectedVersion *int64) (*Customer, error) {
	return s.mutate(ctx, a, customerID, expectedVersion, mayWorkOn(taskID), func(c *Customer, p Problems, now time.Time) {
		t := openTaskAt(p, c, taskID)
		if t == nil {
			return
		}
		t.Status, t.ClosedAt, t.ClosedBy = TaskDone, &now, a.UserID
		if t.Kind == TaskNextAction {
			for i := range c.Interactions {
				if it := &c.Interactions[i]; it.ID == t.Key && it.NextAction != nil && !it.NextAction.Done {
					it.NextAction.Done = true
					it.UpdatedAt, it.UpdatedBy = &now, a.UserID
				}
			}
		}
	}, nil)
}

// SnoozeTask puts an open task off until a later time.
// Errors: as CompleteTask; until not after now is BAD_USER_INPUT (PAST_DATE).
func (s *Service) SnoozeTask(ctx context.Context, a Actor, customerID, taskID string, expectedVersion *int64, until time.Time) (*Customer, error) {
	return s.mutate(ctx, a, customerID, expectedVersion, mayWorkOn(taskID), func(c *Customer, p Problems, now time.Time) {
		t := openTaskAt(p, c, taskID)
		if !until.After(now) {
			p.Fail("until", ReasonPastDate, nil, "must be later than now")
		}
		if t == nil || p.HasErrors() {
			return
		}
		u := until.UTC().Truncate(time.Millisecond)
		t.SnoozedUntil = &u
	}, nil)
}

// ReassignTask gives an open task to another active user who may be
// assigned customers' work; a next action's task moves the next action.
// Errors: as CompleteTask; a user who cannot take it is BAD_USER_INPUT on
// assigneeId.
func (s *Service) ReassignTask(ctx context.Context, a Actor, customerID, taskID string, expectedVersion *int64, assigneeID string) (*Customer, error) {
	return s.mutate(ctx, a, customerID, expectedVersion, mayWorkOn(taskID), func(c *Customer, p Problems, now time.Time) {
		t := openTaskAt(p, c, taskID)
		if assigneeID == "" {
			p.Fail("assigneeId", ReasonRequired, nil, "is required")
		}
		if t == nil || p.HasErrors() {
			return
		}
		t.AssigneeID = assigneeID
		if t.Kind == TaskNextAction {
			for i := range c.Interactions {
				if it := &c.Interactions[i]; it.ID == t.Key && it.NextAction != nil {
					it.NextAction.OwnerID = assigneeID
					it.UpdatedAt, it.UpdatedBy = &now, a.UserID
				}
			}
		}
	}, func(*Customer) error { return s.checkAssignee(ctx, assigneeID) })
}

// TaskItem is a task with its customer, as a list has it (Partial, or
// the whole document).
type TaskItem struct {
	Task
	Customer *Customer
}

// DueCursor is the place after which a page of a list ordered by due
// time, then id, starts (service requests).
type DueCursor struct {
	Due time.Time
	ID  string
}

// TaskCursor is the place after which a page of a list of tasks starts.
// It names the status of its list, because the lists sort by different
// times: open tasks by due time, done and closed ones by the time they
// closed, latest first.
type TaskCursor struct {
	Status TaskStatus // "" for OPEN
	At     time.Time  // the due time (OPEN) or the time closed
	ID     string
}

// TaskPage is a page of tasks of one status.
type TaskPage struct {
	Items   []TaskItem
	Total   int // the tasks the query selects, on every page
	HasNext bool
}

// MaxTaskPage bounds a page of tasks.
const MaxTaskPage = 500

// Tasks lists the tasks of one status (q.Status, OPEN when empty) across
// the active customers: the actor's own, or, for managers and admins,
// anyone's (q.Assignee) or everyone's (""). Open tasks come by due time
// and leave out those put off past q.Now unless q.Snoozed; done and closed
// ones come latest closed first. Either way ties go by task id, and
// q.DueBefore keeps the tasks due before it. Errors: FORBIDDEN (another's
// tasks), BAD_USER_INPUT (first outside 1 to MaxTaskPage; status; kind;
// after, a cursor of another status's list).
func (s *Service) Tasks(ctx context.Context, a Actor, q TaskQuery, first int, after *TaskCursor) (*TaskPage, error) {
	if q.Assignee != a.UserID && !a.CanSeeAllTasks() {
		return nil, Errorf(CodeForbidden, "only managers and admins may list other people's tasks")
	}
	status := q.TaskStatus()
	p := NewProblems()
	checkFirst(p, first, MaxTaskPage)
	if !status.Valid() {
		p.Fail("status", ReasonNotAllowed, map[string]any{"value": string(status)}, "is not a task status")
	}
	if q.Kind != "" && !q.Kind.Valid() {
		p.Fail("kind", ReasonNotAllowed, map[string]any{"value": string(q.Kind)}, "is not a task kind")
	}
	if after != nil {
		// A cursor of another list would be read as a time of the wrong
		// kind: a wrong page, not an error, unless refused here.
		if from := (TaskQuery{Status: after.Status}).TaskStatus(); from != status {
			p.Fail("after", ReasonInvalid, nil, "is a cursor of the list of %s tasks, not of %s ones; start again without it", from, status)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if q.Now.IsZero() {
		q.Now = s.now()
	}
	key := func(t TaskItem) (time.Time, string) { return t.Due, t.ID }
	if status != TaskOpen {
		key = func(t TaskItem) (time.Time, string) {
			if t.ClosedAt == nil {
				return time.Time{}, t.ID
			}
			return *t.ClosedAt, t.ID
		}
	}
	pg := keyPager[TaskItem]{key: key, desc: status != TaskOpen, first: first}
	if after != nil {
		pg.after = &keyAt{at: after.At, id: after.ID}
	}
	total := 0
	err := s.Store.Customers().CustomersWithTasks(ctx, q, func(c *Customer) error {
		for _, t := range c.Tasks {
			if !q.Picks(t.Status, t.AssigneeID) || (q.Kind != "" && t.Kind != q.Kind) ||
				(!q.DueBefore.IsZero() && !t.Due.Before(q.DueBefore)) || (status == TaskOpen && !q.Snoozed && t.Snoozed(q.Now)) {
				continue
			}
			total++
			pg.add(TaskItem{Task: t, Customer: c})
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	page := &TaskPage{Total: total}
	page.Items, page.HasNext = pg.page()
	return page, nil
}

// checkFirst refuses a page size outside 1 to max (OUT_OF_RANGE on first).
func checkFirst(p Problems, first, max int) {
	if first < 1 || first > max {
		p.Fail("first", ReasonOutOfRange, map[string]any{"min": 1, "max": max}, "must be from 1 to %d", max)
	}
}

// duePage orders items by due time, then id, and cuts the page of first
// after the cursor (nil: from the start).
func duePage[T any](items []T, key func(T) (time.Time, string), first int, after *DueCursor) ([]T, bool) {
	p := keyPager[T]{key: key, first: first}
	if after != nil {
		p.after = &keyAt{at: after.Due, id: after.ID}
	}
	for _, x := range items {
		p.add(x)
	}
	return p.page()
}

// keyAt is a place in an order by a time, then an id.
type keyAt struct {
	at time.Time
	id string
}

// keyPager cuts the page of first items after a place (nil: from the
// start) in the order of a time key (ascending, or descending with desc),
// then id ascending, from items added in no order. It holds at most about
// twice a page of them, so a long list does not keep every customer
// document its items point to (whole documents, for done tasks) in memory.
type keyPager[T any] struct {
	key   func(T) (time.Time, string)
	desc  bool
	first int
	after *keyAt
	items []T
}

func (p *keyPager[T]) cmp(x, y keyAt) int {
	c := x.at.Compare(y.at)
	if p.desc {
		c = -c
	}
	if c != 0 {
		return c
	}
	return strings.Compare(x.id, y.id)
}

func (p *keyPager[T]) keyOf(x T) keyAt {
	at, id := p.key(x)
	return keyAt{at: at, id: id}
}

func (p *keyPager[T]) add(x T) {
	if p.after != nil && p.cmp(p.keyOf(x), *p.after) <= 0 {
		return
	}
	p.items = append(p.items, x)
	if len(p.items) >= 2*(p.first+1)+64 {
		p.trim()
	}
}

// trim sorts the items and keeps the first+1 first (one more tells
// whether there is a next page).
func (p *keyPager[T]) trim() {
	slices.SortFunc(p.items, func(x, y T) int { return p.cmp(p.keyOf(x), p.keyOf(y)) })
	if k := p.first + 1; len(p.items) > k {
		clear(p.items[k:]) // let the dropped items' documents go
		p.items = p.items[:k]
	}
}

// page returns the page and whether more items follow it.
func (p *keyPager[T]) page() ([]T, bool) {
	p.trim()
	if len(p.items) > p.first {
		return p.items[:p.first], true
	}
	return p.items, false
}

// moveTasks gives the open tasks of from to to (a new owner takes over
// the previous owner's work with the customer).
func moveTasks(c *Customer, from, to string) {
	for i := range c.Tasks {
		if t := &c.Tasks[i]; t.Open() && t.AssigneeID == from && from != "" {
			t.AssigneeID = to
		}
	}
}
