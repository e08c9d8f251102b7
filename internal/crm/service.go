package crm

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// Service carries out the customer use cases over the Store port: it checks
// permissions, validates input, keeps computed figures and histories, and
// retries appends that race with other writers. It does no I/O itself.
//
// Writes to one customer are serialised inside the process (a lock per
// customer id), so appends in one process never race each other: the
// embedded store has one process per data directory, and on MongoDB only
// writes from other replicas can still race (and are retried).
type Service struct {
	Store Store
	Clock Clock
	Loc   *time.Location // calendar dates and customer codes; DefaultLocation when nil
	// Filters checks the filters of saved segments (internal/segment).
	Filters SegmentFilters
	// Evals bounds the expensive evaluations running at once (per user and
	// in total); nil: a gate with the default EvalLimits, made on first use.
	Evals *EvalGate
	// Classifier keeps the classification on every write (internal/rules);
	// nil: none, and value tiers are typed by hand.
	Classifier Classifier

	evalsOnce     sync.Once
	estimate      estimateCache
	writing       keyLocks // per customer id
	segmentOwners keyLocks // per owner of saved segments (quotas)
	bulk          bulkJobs
}

// maxAppendAttempts bounds the retries of an append that keeps losing races.
const maxAppendAttempts = 100

func (s *Service) now() time.Time { return s.Clock.Now().Truncate(time.Millisecond) }

func (s *Service) loc() *time.Location {
	if s.Loc == nil {
		return DefaultLocation
	}
	return s.Loc
}

// Customer returns one customer by id. Errors: NOT_FOUND.
func (s *Service) Customer(ctx context.Context, id string) (*Customer, error) {
	return s.Store.Customers().Get(ctx, id)
}

// CustomerByCode returns one customer by code. Errors: NOT_FOUND.
func (s *Service) CustomerByCode(ctx context.Context, code string) (*Customer, error) {
	return s.Store.Customers().GetByCode(ctx, strings.ToUpper(strings.TrimSpace(code)))
}

// Customers lists a page. Errors: BAD_USER_INPUT for a bad order or size.
func (s *Service) Customers(ctx context.Context, q ListQuery) (*Page, error) {
	if q.OrderBy == "" {
		q.OrderBy = OrderCode
	}
	if q.Scope == "" {
		q.Scope = ScopeActive
	}
	p := NewProblems()
	if !q.OrderBy.Valid() {
		p.Fail("orderBy", ReasonNotAllowed, map[string]any{"value": string(q.OrderBy)}, "%q is not a sortable field", q.OrderBy)
	}
	if !q.Scope.Valid() {
		p.Fail("scope", ReasonNotAllowed, map[string]any{"value": string(q.Scope)}, "%q is not a valid scope", q.Scope)
	}
	if len([]rune(q.Search)) > 200 {
		p.Fail("search", ReasonTooLong, map[string]any{"max": 200}, "must be at most 200 characters")
	}
	q.Search = strings.TrimSpace(q.Search)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if q.Filter != nil && !q.Filter.Lean() {
		release, err := s.gate().Acquire(ctx, q.User)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	return s.Store.Customers().List(ctx, q)
}

// CountEach counts, for each filter (nil: every customer), the customers
// in scope it selects, in one pass (a sidebar of saved segments). The pass
// takes one slot of the evaluation gate when any filter reads free text.
// Errors: BAD_USER_INPUT for a bad scope; RATE_LIMITED.
func (s *Service) CountEach(ctx context.Context, filters []Filter, q CountQuery) ([]int, error) {
	if q.Scope == "" {
		q.Scope = ScopeActive
	}
	if !q.Scope.Valid() {
		return nil, Errorf(CodeBadUserInput, "%q is not a valid scope", q.Scope)
	}
	for _, f := range filters {
		if f != nil && !f.Lean() {
			release, err := s.gate().Acquire(ctx, q.User)
			if err != nil {
				return nil, err
			}
			defer release()
			break
		}
	}
	return s.Store.Customers().Counts(ctx, filters, q)
}

// gate returns the evaluation gate.
func (s *Service) gate() *EvalGate {
	s.evalsOnce.Do(func() {
		if s.Evals == nil {
			s.Evals = NewEvalGate(EvalLimits{})
		}
	})
	return s.Evals
}

// FilterCost is the cost (see FilterCost) of evaluating one filter on
// every customer of the store; text tells whether it reads free text. The
// number of customers is the store's estimate, refreshed at most every
// estimateTTL.
func (s *Service) FilterCost(ctx context.Context, text bool) int {
	return FilterCost(s.estimate.get(ctx, s), text)
}

const estimateTTL = 5 * time.Second

// estimateCache keeps the store's last customer estimate.
type estimateCache struct {
	mu sync.Mutex
	n  int
	at time.Time
}

func (c *estimateCache) get(ctx context.Context, s *Service) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if !c.at.IsZero() && now.Sub(c.at) < estimateTTL {
		return c.n
	}
	if n, err := s.Store.Customers().Estimate(ctx); err == nil {
		c.n, c.at = n, now
	}
	return c.n
}

// CreateCustomer creates a customer owned by the actor unless another owner
// is given. Errors: FORBIDDEN, BAD_USER_INPUT (every invalid field), CONFLICT
// (credit code taken).
func (s *Service) CreateCustomer(ctx context.Context, a Actor, in CustomerInput) (*Customer, error) {
	if !a.CanCreate() {
		return nil, Errorf(CodeForbidden, "your role may not create customers")
	}
	now := s.now()
	c := &Customer{ID: NewID(), Type: CustomerTypeNew, Stage: StagePotential, OwnerID: a.UserID,
		CreatedAt: now, CreatedBy: a.UserID, UpdatedAt: now, UpdatedBy: a.UserID, Version: 1}
	p := NewProblems()
	c.Name = checkText(p, "name", in.Name, 200, true)
	in.CustomerFields.apply(p, c, now)
	s.keptByRules(p, "", c.ValueTier)
	if c.OwnerID != a.UserID && !a.CanChangeOwner(nil) {
		p.Fail("ownerId", ReasonManagersOnly, nil, "only managers may assign a customer to someone else")
	}
	for i, ci := range in.Contacts {
		c.Contacts = append(c.Contacts, newContact(p.Index("contacts", i), ci))
	}
	ensureOnePrimary(c.Contacts, -1)
	checkLists(p, sizesOf(nil), c)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := s.checkAssignees(ctx, c.OwnerID, c.Collaborators); err != nil {
		return nil, err
	}
	c.StageHistory = []StageChange{{To: c.Stage, At: now, By: a.UserID}}
	c.OwnerHistory = []OwnerChange{{To: c.OwnerID, At: now, By: a.UserID}}
	if c.ValueTier != "" {
		c.TierHistory = []TierChange{{To: c.ValueTier, At: now, By: a.UserID}}
	}
	if err := s.classify(ctx, c, now); err != nil {
		return nil, err
	}
	if err := CheckStored(c, nil); err != nil {
		return nil, err
	}
	if err := s.Store.Customers().Insert(ctx, c, CodePeriod(now, s.loc())); err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCustomer changes account fields of version expectedVersion.
// Errors: NOT_FOUND, FORBIDDEN, BAD_USER_INPUT, CONFLICT.
func (s *Service) UpdateCustomer(ctx context.Context, a Actor, id string, expectedVersion int64, patch CustomerPatch) (*Customer, error) {
	return s.mutate(ctx, a, id, &expectedVersion, patch.rule(), func(c *Customer, p Problems, now time.Time) {
		tier := c.ValueTier
		patch.applyTo(p, c, a, now)
		s.keptByRules(p, tier, c.ValueTier)
	}, s.patchCheck(ctx, patch))
}

// rule is who may make the change patch: editors, and for the owner and
// the collaborators those policy.go names.
func (patch CustomerPatch) rule() rule {
	return func(a Actor, c *Customer) error {
		if !a.CanEdit(c) {
			return forbidden(c)
		}
		if patch.OwnerID != nil && strings.TrimSpace(*patch.OwnerID) != c.OwnerID && !a.CanChangeOwner(c) {
			return Errorf(CodeForbidden, "only managers and admins may give customer %s to someone else", c.Code)
		}
		if patch.Collaborators != nil && !sameSet(dedupe(patch.Collaborators), c.Collaborators) && !a.CanChangeCollaborators(c) {
			return Errorf(CodeForbidden, "only the owner, managers and admins may change the collaborators of customer %s", c.Code)
		}
		return nil
	}
}

// applyTo makes the change patch to c for a, keeping the stage, tier and
// owner histories; a new owner takes over the previous owner's open next
// actions unless patch.KeepNextActions.
func (patch CustomerPatch) applyTo(p Problems, c *Customer, a Actor, now time.Time) {
	stage, tier, owner := c.Stage, c.ValueTier, c.OwnerID
	if patch.Name != nil {
		c.Name = checkText(p, "name", *patch.Name, 200, true)
	}
	patch.CustomerFields.apply(p, c, now)
	if c.OwnerID == "" {
		p.Fail("ownerId", ReasonRequired, nil, "a customer must have an owner")
	}
	if c.Stage != stage {
		c.StageHistory = append(c.StageHistory, StageChange{From: stage, To: c.Stage, At: now, By: a.UserID})
	}
	if c.ValueTier != tier {
		c.TierHistory = append(c.TierHistory, TierChange{From: tier, To: c.ValueTier, At: now, By: a.UserID})
	}
	if c.OwnerID != owner && c.OwnerID != "" {
		c.OwnerHistory = append(c.OwnerHistory, OwnerChange{From: owner, To: c.OwnerID, At: now, By: a.UserID})
		if !patch.KeepNextActions {
			moveNextActions(c, owner, c.OwnerID, a, now)
			moveTasks(c, owner, c.OwnerID)
		}
	}
}

// patchCheck is the look-up a patch needs after validation: the owner and
// collaborators it sets are active users who may be assigned.
func (s *Service) patchCheck(ctx context.Context, patch CustomerPatch) func(*Customer) error {
	return func(c *Customer) error {
		if patch.OwnerID != nil || patch.Collaborators != nil {
			return s.checkAssignees(ctx, c.OwnerID, c.Collaborators)
		}
		return nil
	}
}

// sameSet reports whether a and b hold the same ids.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	for _, x := range a {
		if !in[x] {
			return false
		}
	}
	return true
}

// ArchiveCustomer hides a customer from lists; nothing is deleted.
// Errors: NOT_FOUND, FORBIDDEN, BAD_USER_INPUT (already archived), CONFLICT.
func (s *Service) ArchiveCustomer(ctx context.Context, a Actor, id string, expectedVersion int64) (*Customer, error) {
	return s.setArchived(ctx, a, id, expectedVersion, true)
}

// RestoreCustomer brings an archived customer back.
func (s *Service) RestoreCustomer(ctx context.Context, a Actor, id string, expectedVersion int64) (*Customer, error) {
	return s.setArchived(ctx, a, id, expectedVersion, false)
}

func (s *Service) setArchived(ctx context.Context, a Actor, id string, expectedVersion int64, archive bool) (*Customer, error) {
	unlock, err := s.writing.lock(ctx, id)
	if err != nil {
		return nil, err
	}
	defer unlock()
	cur, err := s.Store.Customers().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.CanEdit(cur) {
		return nil, forbidden(cur)
	}
	if cur.Archived() == archive {
		state := "active"
		if archive {
			state = "archived"
		}
		return nil, &Error{Code: CodeBadUserInput, Message: "customer " + cur.Code + " is already " + state,
			Fields: []FieldError{{Field: "id", Message: "is already " + state, Reason: ReasonAlready, Params: map[string]any{"state": state}}}}
	}
	if cur.Version != expectedVersion {
		return nil, VersionConflict("customer")
	}
	now := s.now()
	if archive {
		cur.ArchivedAt = &now
	} else {
		cur.ArchivedAt = nil
	}
	return cur, s.replace(ctx, a, cur, now)
}

// AddContact appends a contact. With expectedVersion nil the append is
// retried over concurrent writes; otherwise a stale version is CONFLICT.
func (s *Service) AddContact(ctx context.Context, a Actor, customerID string, expectedVersion *int64, in ContactInput) (*Customer, error) {
	return s.mutate(ctx, a, customerID, expectedVersion, may(Actor.CanEdit), func(c *Customer, p Problems, _ time.Time) {
		c.Contacts = append(c.Contacts, newContact(p, in))
		ensureOnePrimary(c.Contacts, len(c.Contacts)-1)
	}, nil)
}

// UpdateContact changes one contact of version expectedVersion.
func (s *Service) UpdateContact(ctx context.Context, a Actor, customerID, contactID string, expectedVersion int64, patch ContactPatch) (*Customer, error) {
	return s.mutate(ctx, a, customerID, &expectedVersion, may(Actor.CanEdit), func(c *Customer, p Problems, _ time.Time) {
		i := indexOf(c.Contacts, func(ct Contact) bool { return ct.ID == contactID })
		if i < 0 {
			p.Fail("contactId", ReasonNotFound, nil, "no such contact on this customer")
			return
		}
		ct := &c.Contacts[i]
		if patch.Name != nil {
			ct.Name = checkText(p, "name", *patch.Name, MaxShortText, true)
		}
		patch.ContactFields.apply(p, ct)
		if patch.Primary != nil && *patch.Primary {
			ensureOnePrimary(c.Contacts, i)
		}
	}, nil)
}

// RemoveContact removes one contact of version expectedVersion; interactions
// keep their history but no longer point at it.
func (s *Service) RemoveContact(ctx context.Context, a Actor, customerID, contactID string, expectedVersion int64) (*Customer, error) {
	return s.mutate(ctx, a, customerID, &expectedVersion, may(Actor.CanEdit), func(c *Customer, p Problems, _ time.Time) {
		i := indexOf(c.Contacts, func(ct Contact) bool { return ct.ID == contactID })
		if i < 0 {
			p.Fail("contactId", ReasonNotFound, nil, "no such contact on this customer")
			return
		}
		c.Contacts = append(c.Contacts[:i], c.Contacts[i+1:]...)
		for j := range c.Interactions {
			ids := c.Interactions[j].ContactIDs[:0]
			for _, id := range c.Interactions[j].ContactIDs {
				if id != contactID {
					ids = append(ids, id)
				}
			}
			c.Interactions[j].ContactIDs = ids
		}
		ensureOnePrimary(c.Contacts, -1)
	}, nil)
}

// LogInteraction appends an interaction; concurrent calls never lose one.
func (s *Service) LogInteraction(ctx context.Context, a Actor, customerID string, expectedVersion *int64, in InteractionInput) (*Customer, error) {
	var users []string
	return s.mutate(ctx, a, customerID, expectedVersion, may(Actor.CanLog), func(c *Customer, p Problems, now time.Time) {
		recorded := now
		it := Interaction{ID: NewID(), At: now, CreatedBy: a.UserID, RecordedAt: &recorded}
		channel := in.Channel
		patch := InteractionPatch{At: in.At, Channel: &channel, Summary: &in.Summary, Feedback: in.Feedback,
			Result: in.Result, ContactIDs: in.ContactIDs, KeyEvent: in.KeyEvent, DurationMin: in.DurationMin, NextAction: in.NextAction}
		patch.apply(p, c, &it, a, now)
		it.Participants = dedupe(in.Participants)
		if len(it.Participants) == 0 {
			it.Participants = []string{a.UserID}
		}
		users = interactionUsers(&it)
		c.Interactions = append(c.Interactions, it)
		openComplaint(c, &it, a.UserID, now)
	}, func(*Customer) error { return s.checkUsers(ctx, "", users) })
}

// apply validates the patch and writes it onto it (an interaction of c).
func (f *InteractionPatch) apply(p Problems, c *Customer, it *Interaction, a Actor, now time.Time) {
	if f.At != nil {
		it.At = f.At.Truncate(time.Millisecond)
		if it.At.After(now.Add(24 * time.Hour)) {
			p.Fail("at", ReasonFutureDate, nil, "must not be in the future")
		}
	}
	applyEnum(p, "channel", f.Channel, &it.Channel, false)
	if f.Summary != nil {
		it.Summary = checkText(p, "summary", *f.Summary, MaxLongText, true)
	}
	applyText(p, "feedback", f.Feedback, &it.Feedback, MaxLongText)
	applyText(p, "result", f.Result, &it.Result, MaxLongText)
	if f.ContactIDs != nil {
		it.ContactIDs = dedupe(f.ContactIDs)
		for i, id := range it.ContactIDs {
			if indexOf(c.Contacts, func(ct Contact) bool { return ct.ID == id }) < 0 {
				p.Fail("contactIds["+itoa(i)+"]", ReasonNotFound, nil, "no such contact on this customer")
			}
		}
	}
	if f.NextAction != nil {
		na := &NextAction{OwnerID: a.UserID}
		pn := p.At("nextAction")
		na.What = checkText(pn, "what", f.NextAction.What, MaxLineText, true)
		if f.NextAction.OwnerID != nil && strings.TrimSpace(*f.NextAction.OwnerID) != "" {
			na.OwnerID = strings.TrimSpace(*f.NextAction.OwnerID)
		}
		if f.NextAction.Due != nil {
			due := f.NextAction.Due.Truncate(time.Millisecond)
			na.Due = &due
		}
		if f.NextAction.Done != nil {
			na.Done = *f.NextAction.Done
		}
		it.NextAction = na
	}
	if f.NextActionDone != nil {
		if it.NextAction == nil {
			p.Fail("nextActionDone", ReasonNotFound, nil, "this interaction has no next action")
		} else {
			it.NextAction.Done = *f.NextActionDone
		}
	}
	if f.Participants != nil {
		it.Participants = dedupe(f.Participants)
		if len(it.Participants) == 0 {
			p.Fail("participants", ReasonRequired, nil, "an interaction needs at least one of our participants")
		}
	}
	if f.ClearNextAction {
		if f.NextAction != nil || f.NextActionDone != nil {
			p.Fail("clearNextAction", ReasonExclusive, nil, "cannot be combined with nextAction or nextActionDone")
		}
		it.NextAction = nil
	}
	applyEnum(p, "keyEvent", f.KeyEvent, &it.KeyEvent, true)
	if f.ClearKeyEvent {
		if f.KeyEvent != nil {
			p.Fail("clearKeyEvent", ReasonExclusive, nil, "cannot be combined with keyEvent")
		}
		it.KeyEvent = ""
	}
	if f.DurationMin != nil {
		if *f.DurationMin < 0 || *f.DurationMin > 24*60 {
			p.Fail("durationMin", ReasonOutOfRange, map[string]any{"min": 0, "max": 1440}, "must be between 0 and 1440 minutes (0 clears it)")
		}
		it.DurationMin = *f.DurationMin
	}
}

// interactionUsers lists the users an interaction names.
func interactionUsers(it *Interaction) []string {
	users := append([]string(nil), it.Participants...)
	if it.NextAction != nil {
		users = append(users, it.NextAction.OwnerID)
	}
	return users
}

// AddNeed appends a need.
func (s *Service) AddNeed(ctx context.Context, a Actor, customerID string, expectedVersion *int64, in NeedInput) (*Customer, error) {
	return s.mutate(ctx, a, customerID, expectedVersion, may(Actor.CanLog), func(c *Customer, p Problems, now time.Time) {
		n := Need{ID: NewID(), Kind: NeedKindCurrent, Priority: PriorityMedium, Status: NeedStatusOpen, OpenedAt: now, CreatedBy: a.UserID}
		n.Title = checkText(p, "title", in.Title, MaxLineText, true)
		in.NeedFields.apply(p, &n)
		if n.Status == NeedStatusResolved {
			n.ResolvedAt = &now
		}
		c.Needs = append(c.Needs, n)
	}, nil)
}

// UpdateNeed changes one need of version expectedVersion; resolving it
// records the time, reopening it clears that.
func (s *Service) UpdateNeed(ctx context.Context, a Actor, customerID, needID string, expectedVersion int64, patch NeedPatch) (*Customer, error) {
	allowed := mayChangeRecord(RecordNeed, func(c *Customer) (string, bool) {
		i := indexOf(c.Needs, func(n Need) bool { return n.ID == needID })
		return authorAt(c.Needs, i, func(n Need) string { return n.CreatedBy })
	})
	return s.mutate(ctx, a, customerID, &expectedVersion, allowed, func(c *Customer, p Problems, now time.Time) {
		i := indexOf(c.Needs, func(n Need) bool { return n.ID == needID })
		if i < 0 {
			p.Fail("needId", ReasonNotFound, nil, "no such need on this customer")
			return
		}
		n := &c.Needs[i]
		n.UpdatedAt, n.UpdatedBy = &now, a.UserID
		was := n.Status
		if patch.Title != nil {
			n.Title = checkText(p, "title", *patch.Title, MaxLineText, true)
		}
		patch.NeedFields.apply(p, n)
		switch {
		case n.Status == NeedStatusResolved && was != NeedStatusResolved:
			n.ResolvedAt = &now
		case n.Status != NeedStatusResolved:
			n.ResolvedAt = nil
		}
	}, nil)
}

// RecordDeal appends a purchase.
func (s *Service) RecordDeal(ctx context.Context, a Actor, customerID string, expectedVersion *int64, in DealInput) (*Customer, error) {
	return s.mutate(ctx, a, customerID, expectedVersion, may(Actor.CanEdit), func(c *Customer, p Problems, now time.Time) {
		d := Deal{ID: NewID(), Date: DateOf(now, s.loc()), CreatedBy: a.UserID}
		amount := in.Amount
		patch := DealPatch{Product: &in.Product, Amount: &amount, Date: in.Date, Note: in.Note}
		patch.apply(p, &d, DateOf(now, s.loc()))
		c.Deals = append(c.Deals, d)
	}, nil)
}

// RecordSatisfaction appends a satisfaction result (0-100).
func (s *Service) RecordSatisfaction(ctx context.Context, a Actor, customerID string, expectedVersion *int64, in SatisfactionInput) (*Customer, error) {
	return s.mutate(ctx, a, customerID, expectedVersion, may(Actor.CanLog), func(c *Customer, p Problems, now time.Time) {
		r := Satisfaction{ID: NewID(), At: now, Score: in.Score, CreatedBy: a.UserID}
		if in.Score < 0 || in.Score > 100 {
			p.Fail("score", ReasonOutOfRange, map[string]any{"min": 0, "max": 100}, "must be between 0 and 100")
		}
		if in.At != nil {
			r.At = in.At.Truncate(time.Millisecond)
			if r.At.After(now.Add(24 * time.Hour)) {
				p.Fail("at", ReasonFutureDate, nil, "must not be in the future")
			}
		}
		applyText(p, "comment", in.Comment, &r.Comment, MaxLongText)
		c.Satisfaction = append(c.Satisfaction, r)
	}, nil)
}

// rule decides whether an actor may make a change to a customer: nil, or
// FORBIDDEN saying why. Every rule asks policy.go.
type rule func(Actor, *Customer) error

// may turns a policy decision into a rule.
func may(can func(Actor, *Customer) bool) rule {
	return func(a Actor, c *Customer) error {
		if !can(a, c) {
			return forbidden(c)
		}
		return nil
	}
}

// mayChangeRecord is the rule for changing or removing the record of kind
// that author reports (found false: no such record, which the change itself
// reports to whoever may add such records).
func mayChangeRecord(kind RecordKind, author func(*Customer) (string, bool)) rule {
	return func(a Actor, c *Customer) error {
		by, found := author(c)
		if !found {
			return may(func(a Actor, c *Customer) bool { return a.CanAdd(c, kind) })(a, c)
		}
		if !a.CanChangeRecord(c, kind, by) {
			return Errorf(CodeForbidden, "only its author, the owner of customer %s, managers and admins may change or remove this %s", c.Code, kind)
		}
		return nil
	}
}

func forbidden(c *Customer) error {
	return Errorf(CodeForbidden, "you may not change customer %s", c.Code)
}

// mutate loads a customer, applies change, validates, and writes it back
// with the version it read. With expected set, a different version is
// CONFLICT; without, a lost race is retried on the fresh document. check,
// when set, runs after validation (look-ups that need the store). Holding
// the customer's lock, the version read is the version written unless
// another process wrote in between.
func (s *Service) mutate(ctx context.Context, a Actor, id string, expected *int64,
	allowed rule, change func(*Customer, Problems, time.Time), check func(*Customer) error) (*Customer, error) {
	c, _, err := s.mutateIf(ctx, a, id, expected, allowed, func(c *Customer, p Problems, now time.Time) bool {
		change(c, p, now)
		return true
	}, check)
	return c, err
}

// mutateIf is mutate for a change that may find nothing to do: when change
// returns false the customer is returned as read, unwritten, and changed is
// false.
func (s *Service) mutateIf(ctx context.Context, a Actor, id string, expected *int64,
	allowed rule, change func(*Customer, Problems, time.Time) bool, check func(*Customer) error) (c *Customer, changed bool, err error) {
	unlock, err := s.writing.lock(ctx, id)
	if err != nil {
		return nil, false, err
	}
	defer unlock()
	for attempt := 0; ; attempt++ {
		c, err := s.Store.Customers().Get(ctx, id)
		if err != nil {
			return nil, false, err
		}
		if err := allowed(a, c); err != nil {
			return nil, false, err
		}
		if c.Archived() {
			return nil, false, &Error{Code: CodeBadUserInput, Message: "customer " + c.Code + " is archived; restore it before changing it",
				Fields: []FieldError{{Field: "id", Message: "is archived", Reason: ReasonArchived}}}
		}
		if expected != nil && c.Version != *expected {
			return nil, false, VersionConflict("customer")
		}
		now := s.now()
		p := NewProblems()
		before := StoredStrings(c)
		sizes := sizesOf(c)
		var texts map[string]string
		if !a.CanSeeContactDetails(c) {
			texts = storedTexts(c) // what a sees masked, to keep (restoreMasked)
		}
		var review reviewInputs
		if s.Classifier != nil {
			review = reviewInputsOf(c, now, s.loc())
		}
		changed := change(c, p, now)
		if s.Classifier != nil && changed {
			openTriggeredReview(review, c, now, s.loc())
		}
		if texts != nil {
			restoreMasked(c, texts)
		}
		checkLists(p, sizes, c)
		if err := p.Err(); err != nil {
			return nil, false, err
		}
		if !changed {
			return c, false, nil
		}
		if err := CheckStored(c, before); err != nil {
			return nil, false, err
		}
		if check != nil {
			if err := check(c); err != nil {
				return nil, false, err
			}
		}
		err = s.replace(ctx, a, c, now)
		if err == nil {
			return c, true, nil
		}
		if expected != nil || !IsVersionConflict(err) || attempt >= maxAppendAttempts {
			return nil, false, err
		}
		if err := sleep(ctx, time.Duration(rand.IntN(1+min(attempt, 20)))*time.Millisecond); err != nil {
			return nil, false, err
		}
	}
}

func (s *Service) replace(ctx context.Context, a Actor, c *Customer, now time.Time) error {
	v := c.Version
	c.Version++
	c.Edited = c.Version
	c.UpdatedAt, c.UpdatedBy = now, a.UserID
	if err := s.classify(ctx, c, now); err != nil {
		return err
	}
	return s.Store.Customers().Replace(ctx, c, v)
}

// classify recomputes c's figures and, with a classifier, applies the
// rules to the result (they read the figures).
func (s *Service) classify(ctx context.Context, c *Customer, now time.Time) error {
	c.Recompute()
	if s.Classifier == nil {
		return nil
	}
	_, err := s.Classifier.Classify(ctx, c, now)
	return err
}

// checkUsers verifies that owner (when set) and ids are active users.
func (s *Service) checkUsers(ctx context.Context, owner string, ids []string) error {
	return s.checkPeople(ctx, owner, ids, "users", false)
}

// checkAssignees is checkUsers for an owner and collaborators, who also
// must be users that may be assigned customers.
func (s *Service) checkAssignees(ctx context.Context, owner string, collaborators []string) error {
	return s.checkPeople(ctx, owner, collaborators, "collaborators", true)
}

func (s *Service) checkPeople(ctx context.Context, owner string, ids []string, field string, assign bool) error {
	want := dedupe(append([]string{owner}, ids...))
	if len(want) == 0 {
		return nil
	}
	users, err := s.usersOf(ctx, want)
	if err != nil {
		return err
	}
	byID := map[string]*User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	p := NewProblems()
	if owner != "" {
		checkUser(p, "ownerId", byID[owner], owner, assign)
	}
	for i, id := range dedupe(ids) {
		if id == owner {
			continue
		}
		f := field
		if assign {
			f += "[" + itoa(i) + "]"
		}
		checkUser(p, f, byID[id], id, assign)
	}
	return p.Err()
}

func checkUser(p Problems, field string, u *User, id string, assign bool) {
	switch {
	case u == nil || u.Disabled:
		p.Fail(field, ReasonNotActiveUser, map[string]any{"id": id}, "%s is not an active user", id)
	case assign && !CanBeAssigned(u.Role):
		p.Fail(field, ReasonAnalystAssigned, map[string]any{"id": id}, "%s is an analyst: analysts cannot own or collaborate on customers", u.Name)
	}
}

func newContact(p Problems, in ContactInput) Contact {
	ct := Contact{ID: NewID()}
	ct.Name = checkText(p, "name", in.Name, MaxShortText, true)
	in.ContactFields.apply(p, &ct)
	return ct
}

// ensureOnePrimary keeps exactly one primary contact: the one at keep when
// it is primary, else the first primary, else the first contact.
func ensureOnePrimary(cs []Contact, keep int) {
	if len(cs) == 0 {
		return
	}
	chosen := -1
	if keep >= 0 && cs[keep].Primary {
		chosen = keep
	} else {
		chosen = indexOf(cs, func(c Contact) bool { return c.Primary })
	}
	if chosen < 0 {
		chosen = 0
	}
	for i := range cs {
		cs[i].Primary = i == chosen
	}
}

func indexOf[T any](xs []T, pred func(T) bool) int {
	for i, x := range xs {
		if pred(x) {
			return i
		}
	}
	return -1
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
