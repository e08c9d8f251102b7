package crm

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
)

// Bulk changes: one action applied to many customers as one job. Each
// customer goes through the path of a single edit (mutate or setArchived:
// its lock, the rule of policy.go, its version, validation and histories),
// so a customer is changed wholly or not at all, and a customer the actor
// may not change one by one is not changed in bulk either. The job keeps,
// per customer, what it could not change and why.

// BulkAction is what a bulk change does to each customer.
type BulkAction string

const (
	// BulkReassign gives the customers to OwnerID; their open next actions
	// assigned to the previous owner go with them unless KeepNextActions.
	BulkReassign   BulkAction = "REASSIGN"
	BulkAddTags    BulkAction = "ADD_TAGS"
	BulkRemoveTags BulkAction = "REMOVE_TAGS"
	BulkSetStage   BulkAction = "SET_STAGE"
	BulkArchive    BulkAction = "ARCHIVE"
	BulkRestore    BulkAction = "RESTORE"
)

// BulkActions lists every action, in the order clients show them.
var BulkActions = []BulkAction{BulkReassign, BulkAddTags, BulkRemoveTags, BulkSetStage, BulkArchive, BulkRestore}

func (b BulkAction) Valid() bool { return slices.Contains(BulkActions, b) }

const (
	// MaxBulkSelection bounds the customers of one bulk change.
	MaxBulkSelection = 10_000
	// bulkSyncMax: selections up to this size finish before StartBulkChange
	// returns; larger ones run in the background.
	bulkSyncMax = 50
	// BulkJobTTL is how long a finished job stays readable.
	BulkJobTTL = time.Hour
	// maxBulkRunning bounds the running jobs of one user; maxBulkKept the
	// jobs kept per user (the oldest finished ones go first).
	maxBulkRunning = 2
	maxBulkKept    = 20
)

// BulkTarget is a customer picked by the client, with the version it saw.
type BulkTarget struct {
	ID      string
	Version int64
}

// BulkChange is one bulk change: the action with its parameters and the
// customers, either Targets or every customer List selects when the job
// starts (its Search, Scope and Filter; paging fields are ignored).
type BulkChange struct {
	Action          BulkAction
	OwnerID         string   // BulkReassign
	KeepNextActions bool     // BulkReassign
	Tags            []string // BulkAddTags, BulkRemoveTags
	Stage           Stage    // BulkSetStage

	Targets []BulkTarget
	List    *ListQuery
}

// BulkStatus is the state of a bulk job.
type BulkStatus string

const (
	BulkRunning BulkStatus = "RUNNING"
	BulkDone    BulkStatus = "DONE"
)

// BulkFailure is a customer a job did not change, and why: Code is the
// error code a single edit would answer (CONFLICT when the customer changed
// since it was selected, FORBIDDEN, BAD_USER_INPUT with Reason, NOT_FOUND).
type BulkFailure struct {
	CustomerID   string
	CustomerCode string
	CustomerName string
	Code         Code
	Reason       Reason
	Field        string
	Message      string
}

// BulkJob is the progress and outcome of a bulk change, as of when it was
// read.
type BulkJob struct {
	ID         string
	UserID     string
	Action     BulkAction
	Status     BulkStatus
	Total      int
	Done       int // customers handled: Changed + Unchanged + len(Failures)
	Changed    int
	Unchanged  int // already as asked (the tag there, the stage set ...)
	Failures   []BulkFailure
	StartedAt  time.Time
	FinishedAt *time.Time
}

// bulkJobs is the in-process registry of bulk jobs. A job is visible to
// the user who started it only.
type bulkJobs struct {
	mu   sync.Mutex
	jobs map[string]*BulkJob
}

// OfferedBulkActions returns the actions a may apply in bulk: those the
// policy lets a take on some customer (one a owns), which the per-customer
// rule still checks on each.
func (a Actor) OfferedBulkActions() []BulkAction {
	probe := &Customer{OwnerID: a.UserID, Code: "-"}
	var out []BulkAction
	for _, act := range BulkActions {
		ch := BulkChange{Action: act, OwnerID: "someone else"}
		if ch.rule()(a, probe) == nil {
			out = append(out, act)
		}
	}
	return out
}

// rule is the single edit's rule for the change.
func (ch *BulkChange) rule() rule {
	switch ch.Action {
	case BulkReassign:
		return CustomerPatch{CustomerFields: CustomerFields{OwnerID: &ch.OwnerID}}.rule()
	case BulkArchive, BulkRestore:
		return may(Actor.CanEdit)
	default:
		return CustomerPatch{}.rule()
	}
}

// StartBulkChange checks ch, resolves its customers and runs it as a job:
// to the end before returning for small selections, in the background
// otherwise (read it with BulkJob). Errors: BAD_USER_INPUT (the action's
// parameters, the selection: none, both, or more than MaxBulkSelection
// customers), FORBIDDEN (a's role may not take the action on any customer),
// RATE_LIMITED (a already runs maxBulkRunning jobs).
func (s *Service) StartBulkChange(ctx context.Context, a Actor, ch BulkChange) (*BulkJob, error) {
	if err := s.checkBulk(ctx, a, &ch); err != nil {
		return nil, err
	}
	targets, names, err := s.bulkTargets(ctx, a, &ch)
	if err != nil {
		return nil, err
	}
	job, err := s.bulk.start(a.UserID, ch.Action, len(targets), s.now())
	if err != nil {
		return nil, err
	}
	run := func(ctx context.Context) {
		for _, t := range targets {
			changed, err := s.bulkApply(ctx, a, &ch, t)
			var fail *BulkFailure
			if err != nil {
				fail = s.bulkFailure(ctx, t.ID, names[t.ID], err)
			}
			s.bulk.progress(job.ID, changed, fail)
		}
		s.bulk.finish(job.ID, s.now())
	}
	if len(targets) <= bulkSyncMax {
		run(ctx)
	} else {
		go run(context.WithoutCancel(ctx))
	}
	return s.bulk.get(a.UserID, job.ID, s.now())
}

// BulkJob returns a job a started. Errors: NOT_FOUND (none, someone
// else's, or finished more than BulkJobTTL ago).
func (s *Service) BulkJob(ctx context.Context, a Actor, id string) (*BulkJob, error) {
	return s.bulk.get(a.UserID, id, s.now())
}

func (s *Service) checkBulk(ctx context.Context, a Actor, ch *BulkChange) error {
	p := NewProblems()
	if !ch.Action.Valid() {
		p.Fail("action", ReasonNotAllowed, map[string]any{"value": string(ch.Action)}, "%q is not a bulk action", ch.Action)
		return p.Err()
	}
	if !slices.Contains(a.OfferedBulkActions(), ch.Action) {
		return Errorf(CodeForbidden, "your role may not %s customers", strings.ToLower(strings.ReplaceAll(string(ch.Action), "_", " ")))
	}
	switch ch.Action {
	case BulkReassign:
		ch.OwnerID = strings.TrimSpace(ch.OwnerID)
		if ch.OwnerID == "" {
			p.Fail("ownerId", ReasonRequired, nil, "the new owner is required")
		}
	case BulkAddTags, BulkRemoveTags:
		if len(ch.Tags) == 0 {
			p.Fail("tags", ReasonRequired, nil, "at least one tag is required")
		} else {
			ch.Tags = CheckTags(p, "tags", ch.Tags)
		}
	case BulkSetStage:
		if ch.Stage == "" {
			p.Fail("stage", ReasonRequired, nil, "the stage is required")
		} else if !ch.Stage.Valid() {
			p.Fail("stage", ReasonNotAllowed, map[string]any{"value": string(ch.Stage)}, "%q is not a stage", ch.Stage)
		}
	}
	switch {
	case ch.List != nil && ch.Targets != nil:
		p.Fail("customers", ReasonExclusive, nil, "give either customers or filter, not both")
	case ch.List == nil && len(ch.Targets) == 0:
		p.Fail("customers", ReasonRequired, nil, "select at least one customer (customers or filter)")
	case len(ch.Targets) > MaxBulkSelection:
		p.Fail("customers", ReasonTooMany, map[string]any{"max": MaxBulkSelection}, "at most %d customers at once", MaxBulkSelection)
	}
	if err := p.Err(); err != nil {
		return err
	}
	if ch.Action == BulkReassign {
		return s.checkAssignees(ctx, ch.OwnerID, nil)
	}
	return nil
}

// bulkTargets returns the customers of ch, each once, with the names of
// those a list selected.
func (s *Service) bulkTargets(ctx context.Context, a Actor, ch *BulkChange) ([]BulkTarget, map[string]*Customer, error) {
	names := map[string]*Customer{}
	if ch.List == nil {
		seen := map[string]bool{}
		out := make([]BulkTarget, 0, len(ch.Targets))
		for _, t := range ch.Targets {
			if t.ID = strings.TrimSpace(t.ID); !seen[t.ID] {
				seen[t.ID] = true
				out = append(out, t)
			}
		}
		return out, names, nil
	}
	q := *ch.List
	q.OrderBy, q.Desc, q.After, q.First = OrderCode, false, nil, MaxBulkSelection+1
	q.WithTotal, q.Full, q.WithContacts = true, false, false
	q.User, q.Viewer = a.UserID, &a
	page, err := s.Customers(ctx, q)
	if err != nil {
		return nil, nil, UnderField("filter", err)
	}
	if page.Total > MaxBulkSelection || len(page.Customers) > MaxBulkSelection {
		n := max(page.Total, len(page.Customers))
		return nil, nil, &Error{Code: CodeBadUserInput, Message: "filter: selects " + itoa(n) + " customers; at most " + itoa(MaxBulkSelection) + " at once",
			Fields: []FieldError{{Field: "filter", Message: "selects more than " + itoa(MaxBulkSelection) + " customers", Reason: ReasonTooMany,
				Params: map[string]any{"max": MaxBulkSelection}}}}
	}
	out := make([]BulkTarget, len(page.Customers))
	for i, c := range page.Customers {
		out[i] = BulkTarget{ID: c.ID, Version: c.Version}
		names[c.ID] = c
	}
	return out, names, nil
}

// bulkApply changes one customer as a single edit would. changed is false
// when the customer already was as asked.
func (s *Service) bulkApply(ctx context.Context, a Actor, ch *BulkChange, t BulkTarget) (changed bool, err error) {
	if ch.Action == BulkArchive || ch.Action == BulkRestore {
		_, err := s.setArchived(ctx, a, t.ID, t.Version, ch.Action == BulkArchive)
		var e *Error
		if errors.As(err, &e) && len(e.Fields) > 0 && e.Fields[0].Reason == ReasonAlready {
			return false, nil
		}
		return err == nil, err
	}
	var check func(*Customer) error
	if ch.Action == BulkReassign {
		check = func(c *Customer) error { return s.checkAssignees(ctx, c.OwnerID, c.Collaborators) }
	}
	_, changed, err = s.mutateIf(ctx, a, t.ID, &t.Version, ch.rule(), func(c *Customer, p Problems, now time.Time) bool {
		var patch CustomerPatch
		switch ch.Action {
		case BulkReassign:
			if c.OwnerID == ch.OwnerID {
				return false
			}
			patch.OwnerID, patch.KeepNextActions = &ch.OwnerID, ch.KeepNextActions
		case BulkAddTags:
			tags := slices.Clone(c.Tags)
			for _, t := range ch.Tags {
				if !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
			}
			if len(tags) == len(c.Tags) {
				return false
			}
			patch.Tags = tags
		case BulkRemoveTags:
			tags := slices.DeleteFunc(slices.Clone(c.Tags), func(t string) bool { return slices.Contains(ch.Tags, t) })
			if len(tags) == len(c.Tags) {
				return false
			}
			patch.Tags = tags
		case BulkSetStage:
			if c.Stage == ch.Stage {
				return false
			}
			patch.Stage = &ch.Stage
		}
		patch.applyTo(p, c, a, now)
		return true
	}, check)
	return changed, err
}

// moveNextActions gives the open next actions of c assigned to from to to,
// recording the change on their interactions.
func moveNextActions(c *Customer, from, to string, a Actor, now time.Time) {
	for i := range c.Interactions {
		it := &c.Interactions[i]
		if na := it.NextAction; na != nil && !na.Done && na.OwnerID == from && from != "" {
			na.OwnerID = to
			it.UpdatedAt, it.UpdatedBy = &now, a.UserID
		}
	}
}

// bulkFailure describes err for customer id; c, when known, names it.
func (s *Service) bulkFailure(ctx context.Context, id string, c *Customer, err error) *BulkFailure {
	f := &BulkFailure{CustomerID: id, Code: ErrorCode(err)}
	var e *Error
	switch {
	case f.Code == CodeInternal || !errors.As(err, &e):
		f.Code, f.Message = CodeInternal, "this customer could not be changed; try again"
	case IsVersionConflict(err):
		f.Message = "changed by someone else since it was selected"
	default:
		f.Message = e.Message
		if len(e.Fields) > 0 {
			f.Field, f.Reason, f.Message = e.Fields[0].Field, e.Fields[0].Reason, e.Fields[0].Message
		}
	}
	if c == nil && f.Code != CodeNotFound {
		c, _ = s.Store.Customers().Get(ctx, id)
	}
	if c != nil {
		f.CustomerCode, f.CustomerName = c.Code, c.Name
	}
	return f
}

func (r *bulkJobs) start(user string, act BulkAction, total int, now time.Time) (*BulkJob, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.jobs == nil {
		r.jobs = map[string]*BulkJob{}
	}
	r.prune(now)
	var running int
	var mine []*BulkJob
	for _, j := range r.jobs {
		if j.UserID == user {
			mine = append(mine, j)
			if j.Status == BulkRunning {
				running++
			}
		}
	}
	if running >= maxBulkRunning {
		return nil, Errorf(CodeRateLimited, "%d of your bulk changes are still running; wait for one to finish", running)
	}
	// Keep at most maxBulkKept per user: drop the oldest finished ones.
	slices.SortFunc(mine, func(x, y *BulkJob) int { return x.StartedAt.Compare(y.StartedAt) })
	excess := len(mine) - (maxBulkKept - 1)
	for _, j := range mine {
		if excess <= 0 {
			break
		}
		if j.Status != BulkRunning {
			delete(r.jobs, j.ID)
			excess--
		}
	}
	j := &BulkJob{ID: NewID(), UserID: user, Action: act, Status: BulkRunning, Total: total, StartedAt: now}
	r.jobs[j.ID] = j
	return j, nil
}

// prune drops the jobs finished more than BulkJobTTL ago. r.mu is held.
func (r *bulkJobs) prune(now time.Time) {
	for id, j := range r.jobs {
		if j.FinishedAt != nil && now.Sub(*j.FinishedAt) > BulkJobTTL {
			delete(r.jobs, id)
		}
	}
}

func (r *bulkJobs) progress(id string, changed bool, fail *BulkFailure) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := r.jobs[id]
	j.Done++
	switch {
	case fail != nil:
		j.Failures = append(j.Failures, *fail)
	case changed:
		j.Changed++
	default:
		j.Unchanged++
	}
}

func (r *bulkJobs) finish(id string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := r.jobs[id]
	j.Status, j.FinishedAt = BulkDone, &now
}

// get returns a copy of user's job id.
func (r *bulkJobs) get(user, id string, now time.Time) (*BulkJob, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.prune(now)
	j, ok := r.jobs[id]
	if !ok || j.UserID != user {
		return nil, Errorf(CodeNotFound, "no bulk change %s", id)
	}
	cp := *j
	cp.Failures = slices.Clone(j.Failures)
	return &cp, nil
}

// UnderField returns err with its field paths under parent.
func UnderField(parent string, err error) error {
	var e *Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i := range out.Fields {
		out.Fields[i].Field = parent + "." + out.Fields[i].Field
	}
	out.Message = parent + "." + e.Message
	return &out
}
