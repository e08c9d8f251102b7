package crm

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Merges (issue 18). One company typed in twice becomes one customer: the
// survivor takes the others' contacts, interactions, needs, deals,
// satisfaction results, tasks and service requests (an entry the survivor
// holds already, once), its fields as the user chooses (by default its own
// value, else the first other's that has one), and its figures and
// classification computed again; the others are archived with a pointer
// to it (MergedInto). The merge keeps every customer as it was, so that
// UndoMerge, within MergeUndoWithin, restores them all.

// MaxMergeOthers bounds the customers merged into one at a time.
const MaxMergeOthers = 10

// MergeUndoWithin is how long a merge can be undone; its record is kept
// that long.
const MergeUndoWithin = 30 * 24 * time.Hour

// MergeInput is what MergeCustomers is asked.
type MergeInput struct {
	SurvivorID string
	OtherIDs   []string
	// ExpectedVersions are the versions the user saw: the survivor's, then
	// each other's, in the order of OtherIDs.
	ExpectedVersions []int64
	// Choices take a field's value from one of the customers.
	Choices []MergeChoice
}

// MergeChoice takes Field (a MergeFields key) from the customer From (the
// survivor or one of the others), even when that value is empty.
type MergeChoice struct {
	Field string
	From  string
}

// mergeField is a field of a customer whose value a merge chooses.
type mergeField struct {
	key   string
	empty func(c *Customer) bool
	take  func(dst, src *Customer)
}

func textField(key string, f func(c *Customer) *string) mergeField {
	return mergeField{key, func(c *Customer) bool { return *f(c) == "" }, func(d, s *Customer) { *f(d) = *f(s) }}
}

// mergeFields are the fields a merge chooses, in the API's names. The lists
// (contacts ...) and tags and collaborators are combined instead.
var mergeFields = []mergeField{
	textField("name", func(c *Customer) *string { return &c.Name }),
	textField("creditCode", func(c *Customer) *string { return &c.CreditCode }),
	textField("industry", func(c *Customer) *string { return &c.Industry }),
	textField("employeeBand", func(c *Customer) *string { return &c.Size.Employees }),
	textField("revenueBand", func(c *Customer) *string { return &c.Size.Revenue }),
	textField("province", func(c *Customer) *string { return &c.Region.Province }),
	textField("city", func(c *Customer) *string { return &c.Region.City }),
	textField("address", func(c *Customer) *string { return &c.Address }),
	textField("website", func(c *Customer) *string { return &c.Website }),
	{"foundedOn", func(c *Customer) bool { return c.FoundedOn == nil }, func(d, s *Customer) { d.FoundedOn = s.FoundedOn }},
	textField("mainBusiness", func(c *Customer) *string { return &c.MainBusiness }),
	textField("source", func(c *Customer) *string { return &c.Source }),
	{"type", func(c *Customer) bool { return c.Type == "" }, func(d, s *Customer) { d.Type = s.Type }},
	{"stage", func(c *Customer) bool { return c.Stage == "" }, func(d, s *Customer) { d.Stage = s.Stage }},
	{"valueTier", func(c *Customer) bool { return c.ValueTier == "" }, func(d, s *Customer) { d.ValueTier = s.ValueTier }},
	{"intentGrade", func(c *Customer) bool { return c.IntentGrade == "" }, func(d, s *Customer) { d.IntentGrade = s.IntentGrade }},
	{"needType", func(c *Customer) bool { return c.NeedType == "" }, func(d, s *Customer) { d.NeedType = s.NeedType }},
	{"cadenceDays", func(c *Customer) bool { return c.CadenceDays == 0 }, func(d, s *Customer) { d.CadenceDays = s.CadenceDays }},
	textField("ownerId", func(c *Customer) *string { return &c.OwnerID }),
	textField("commPreference", func(c *Customer) *string { return &c.CommPreference }),
	textField("notes", func(c *Customer) *string { return &c.Notes }),
}

// MergeFields are the keys of the fields a merge chooses (MergeChoice).
func MergeFields() []string {
	out := make([]string, len(mergeFields))
	for i, f := range mergeFields {
		out[i] = f.key
	}
	return out
}

// CanMerge reports whether a may merge customers (it archives customers
// others may own): managers and admins.
func (a Actor) CanMerge() bool { return !a.ReadOnly() && a.manages() }

// MergeCustomers merges in.OtherIDs into in.SurvivorID and returns the
// merge and the survivor as written. Errors: FORBIDDEN; BAD_USER_INPUT on
// survivorId / otherIds[i] (REQUIRED, TOO_MANY, INVALID: the survivor or
// a customer twice, ARCHIVED), expectedVersions (INVALID: not one per
// customer), choices[i].field (NOT_ALLOWED_VALUE) or choices[i].from
// (INVALID: not one of the customers), or the survivor's fields as a
// write's (TOO_MANY contacts ...); NOT_FOUND; CONFLICT when a customer
// changed since its expected version (the field names which) or the chosen
// credit code is taken. Nothing is written on error.
func (s *Service) MergeCustomers(ctx context.Context, a Actor, in MergeInput) (*Merge, *Customer, error) {
	if !a.CanMerge() {
		return nil, nil, Errorf(CodeForbidden, "only managers and admins may merge customers")
	}
	ids, err := checkMergeInput(in)
	if err != nil {
		return nil, nil, err
	}
	locked := slices.Clone(ids)
	slices.Sort(locked)
	for _, id := range locked {
		unlock, err := s.writing.lock(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		defer unlock()
	}
	cs, err := s.Store.Customers().GetMany(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	if len(cs) != len(ids) {
		return nil, nil, Errorf(CodeNotFound, "a customer to merge does not exist")
	}
	p := NewProblems()
	for i, c := range cs {
		field := mergeIDField(i)
		if c.Archived() {
			p.Fail(field, ReasonArchived, nil, "customer %s is archived: restore it first", c.Code)
		}
	}
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	for i, c := range cs {
		if c.Version != in.ExpectedVersions[i] {
			e := VersionConflict("customer " + c.Code)
			e.Fields = []FieldError{{Field: mergeIDField(i), Reason: ReasonInvalid,
				Message: fmt.Sprintf("customer %s changed since version %d (now %d)", c.Code, in.ExpectedVersions[i], c.Version)}}
			return nil, nil, e
		}
	}
	before := make([]bson.Raw, len(cs))
	for i, c := range cs {
		if before[i], err = bson.Marshal(c); err != nil {
			return nil, nil, Internal(err)
		}
	}
	survivor, others := cs[0], cs[1:]
	now := s.now()
	merged, err := s.combine(ctx, a, survivor, others, in.Choices, now)
	if err != nil {
		return nil, nil, err
	}
	// The others are archived first: one whose credit code the survivor
	// takes gives it up before the survivor claims it.
	var written []*Customer
	undo := func() {
		for i := len(written) - 1; i >= 0; i-- {
			w := written[i]
			var b Customer
			at := slices.Index(ids, w.ID)
			if bson.Unmarshal(before[at], &b) == nil {
				b.Version = w.Version + 1
				b.Edited = b.Version
				_ = s.Store.Customers().Replace(context.WithoutCancel(ctx), &b, w.Version)
			}
		}
	}
	for _, o := range others {
		o.ArchivedAt, o.MergedInto = &now, survivor.ID
		if merged.CreditCode != "" && o.CreditCode == merged.CreditCode {
			o.CreditCode = ""
		}
		if err := s.replace(ctx, a, o, now); err != nil {
			undo()
			return nil, nil, err
		}
		written = append(written, o)
	}
	merged.Version = survivor.Version + 1
	merged.Edited = merged.Version
	merged.UpdatedAt, merged.UpdatedBy = now, a.UserID
	if err := s.Store.Customers().Replace(ctx, merged, survivor.Version); err != nil {
		undo()
		return nil, nil, err
	}
	written = append(written, merged)
	m := &Merge{ID: NewID(), By: a.UserID, At: now, Survivor: survivor.ID, Others: slices.Clone(in.OtherIDs)}
	for i, c := range append([]*Customer{merged}, others...) {
		m.Before = append(m.Before, UndoBefore{ID: c.ID, Version: c.Version, Doc: before[i]})
	}
	if err := s.Store.Merges().Insert(ctx, m); err != nil {
		undo()
		return nil, nil, err
	}
	return m, merged, nil
}

// mergeIDField names the i-th customer of a merge (0: the survivor).
func mergeIDField(i int) string {
	if i == 0 {
		return "survivorId"
	}
	return fmt.Sprintf("otherIds[%d]", i-1)
}

// checkMergeInput checks the shape of in and returns the ids, the
// survivor's first.
func checkMergeInput(in MergeInput) ([]string, error) {
	p := NewProblems()
	if in.SurvivorID == "" {
		p.Fail("survivorId", ReasonRequired, nil, "is required")
	}
	switch n := len(in.OtherIDs); {
	case n == 0:
		p.Fail("otherIds", ReasonRequired, nil, "name at least one customer to merge into the survivor")
	case n > MaxMergeOthers:
		p.Fail("otherIds", ReasonTooMany, map[string]any{"max": MaxMergeOthers}, "at most %d customers are merged at a time", MaxMergeOthers)
	}
	ids := append([]string{in.SurvivorID}, in.OtherIDs...)
	for i, id := range in.OtherIDs {
		if j := slices.Index(ids, id); j <= i {
			p.Fail(fmt.Sprintf("otherIds[%d]", i), ReasonInvalid, nil, "is the survivor or named twice")
		}
	}
	if len(in.ExpectedVersions) != len(ids) {
		p.Fail("expectedVersions", ReasonInvalid, map[string]any{"want": len(ids)},
			"give %d versions: the survivor's, then each other customer's in order", len(ids))
	}
	for i, ch := range in.Choices {
		pi := p.Index("choices", i)
		if !slices.ContainsFunc(mergeFields, func(f mergeField) bool { return f.key == ch.Field }) {
			pi.Fail("field", ReasonNotAllowed, map[string]any{"value": ch.Field, "allowed": MergeFields()},
				"a merge chooses %s", strings.Join(MergeFields(), ", "))
		}
		if !slices.Contains(ids, ch.From) {
			pi.Fail("from", ReasonInvalid, nil, "is not one of the customers merged")
		}
		for j, other := range in.Choices[:i] {
			if other.Field == ch.Field {
				pi.Fail("field", ReasonInvalid, nil, "is chosen twice (also by choices[%d])", j)
			}
		}
	}
	return ids, p.Err()
}

// combine returns the survivor with the others' values and entries, its
// figures and classification computed again, checked as a write is.
func (s *Service) combine(ctx context.Context, a Actor, survivor *Customer, others []*Customer, choices []MergeChoice, now time.Time) (*Customer, error) {
	var m Customer
	raw, err := bson.Marshal(survivor)
	if err != nil {
		return nil, Internal(err)
	}
	if err := bson.Unmarshal(raw, &m); err != nil {
		return nil, Internal(err)
	}
	all := append([]*Customer{survivor}, others...)
	byID := func(id string) *Customer {
		for _, c := range all {
			if c.ID == id {
				return c
			}
		}
		return nil
	}
	for _, f := range mergeFields {
		i := slices.IndexFunc(choices, func(ch MergeChoice) bool { return ch.Field == f.key })
		switch {
		case i >= 0:
			f.take(&m, byID(choices[i].From))
		case f.empty(&m):
			for _, o := range others {
				if !f.empty(o) {
					f.take(&m, o)
					break
				}
			}
		}
	}
	sizes := sizesOf(survivor)
	for _, o := range others {
		mergeEntries(&m, o)
	}
	if m.OwnerID != survivor.OwnerID {
		if err := s.checkAssignees(ctx, m.OwnerID, nil); err != nil {
			return nil, err
		}
		m.OwnerHistory = append(m.OwnerHistory, OwnerChange{From: survivor.OwnerID, To: m.OwnerID, At: now, By: a.UserID})
	}
	if err := s.addPeople(ctx, &m, others); err != nil {
		return nil, err
	}
	p := NewProblems()
	checkLists(p, sizes, &m)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := s.classify(ctx, &m, now); err != nil {
		return nil, err
	}
	return &m, nil
}

// addPeople makes the others' owners and collaborators collaborators of
// m, those who may still be (active, not analysts), while m has room for
// them (MaxCollaborators): they know the customer. Nobody is dropped.
func (s *Service) addPeople(ctx context.Context, m *Customer, others []*Customer) error {
	m.Collaborators = slices.DeleteFunc(m.Collaborators, func(id string) bool { return id == m.OwnerID })
	var add []string
	for _, o := range others {
		for _, id := range append([]string{o.OwnerID}, o.Collaborators...) {
			if id != "" && id != m.OwnerID && !slices.Contains(m.Collaborators, id) && !slices.Contains(add, id) {
				add = append(add, id)
			}
		}
	}
	if len(add) == 0 {
		return nil
	}
	users, err := s.usersOf(ctx, add)
	if err != nil {
		return err
	}
	for _, id := range add {
		i := slices.IndexFunc(users, func(u *User) bool { return u.ID == id })
		if i >= 0 && !users[i].Disabled && CanBeAssigned(users[i].Role) && len(m.Collaborators) < MaxCollaborators {
			m.Collaborators = append(m.Collaborators, id)
		}
	}
	return nil
}

// mergeEntries adds o's entries and tags to m: each entry m holds already
// (the same contact, the same interaction ...) once, its references
// (contact ids) pointed at m's copy.
func mergeEntries(m, o *Customer) {
	contactID := map[string]string{} // o's contact id → m's
	for _, ct := range o.Contacts {
		if i := slices.IndexFunc(m.Contacts, func(x Contact) bool { return sameContact(x, ct) }); i >= 0 {
			fillContact(&m.Contacts[i], ct)
			contactID[ct.ID] = m.Contacts[i].ID
			continue
		}
		ct.Primary = ct.Primary && !slices.ContainsFunc(m.Contacts, func(x Contact) bool { return x.Primary })
		m.Contacts = append(m.Contacts, ct)
		contactID[ct.ID] = ct.ID
	}
	interactionID := map[string]string{}
	for _, it := range o.Interactions {
		if i := slices.IndexFunc(m.Interactions, func(x Interaction) bool {
			return x.At.Equal(it.At) && x.Channel == it.Channel && x.Summary == it.Summary
		}); i >= 0 {
			interactionID[it.ID] = m.Interactions[i].ID
			continue
		}
		it.ContactIDs = remap(it.ContactIDs, contactID)
		m.Interactions = append(m.Interactions, it)
		interactionID[it.ID] = it.ID
	}
	for _, n := range o.Needs {
		if !slices.ContainsFunc(m.Needs, func(x Need) bool { return x.Title == n.Title && x.OpenedAt.Equal(n.OpenedAt) }) {
			m.Needs = append(m.Needs, n)
		}
	}
	for _, d := range o.Deals {
		if !slices.ContainsFunc(m.Deals, func(x Deal) bool { return x.Date.Equal(d.Date) && x.Product == d.Product && x.Amount == d.Amount }) {
			m.Deals = append(m.Deals, d)
		}
	}
	for _, r := range o.Satisfaction {
		if !slices.ContainsFunc(m.Satisfaction, func(x Satisfaction) bool { return x.At.Equal(r.At) && x.Score == r.Score }) {
			m.Satisfaction = append(m.Satisfaction, r)
		}
	}
	for _, t := range o.Tasks {
		if t.Key != "" {
			if k, ok := interactionID[t.Key]; ok {
				t.Key = k
			}
		}
		if !slices.ContainsFunc(m.Tasks, func(x Task) bool {
			return x.Kind == t.Kind && (t.Key != "" && x.Key == t.Key || t.Key == "" && x.Title == t.Title && x.Due.Equal(t.Due))
		}) {
			m.Tasks = append(m.Tasks, t)
		}
	}
	for _, r := range o.ServiceRequests {
		if r.ContactID != "" {
			r.ContactID = contactID[r.ContactID]
		}
		if k, ok := interactionID[r.InteractionID]; ok {
			r.InteractionID = k
		}
		if !slices.ContainsFunc(m.ServiceRequests, func(x ServiceRequest) bool { return x.Summary == r.Summary && x.OpenedAt.Equal(r.OpenedAt) }) {
			m.ServiceRequests = append(m.ServiceRequests, r)
		}
	}
	for _, tag := range o.Tags {
		if !slices.Contains(m.Tags, tag) {
			m.Tags = append(m.Tags, tag)
		}
	}
}

// sameContact: the same person, by name and, when both have one, the same
// phone (by PhoneKey) and e-mail.
func sameContact(x, y Contact) bool {
	if strings.TrimSpace(x.Name) != strings.TrimSpace(y.Name) {
		return false
	}
	if x.Phone != "" && y.Phone != "" {
		kx, _ := PhoneKey(x.Phone)
		ky, _ := PhoneKey(y.Phone)
		if kx != ky {
			return false
		}
	}
	return x.Email == "" || y.Email == "" || strings.EqualFold(x.Email, y.Email)
}

// fillContact gives x the details only y has.
func fillContact(x *Contact, y Contact) {
	for _, f := range []struct{ dst, src *string }{{&x.Title, &y.Title}, {&x.Phone, &y.Phone}, {&x.Email, &y.Email},
		{&x.WeChat, &y.WeChat}, {&x.CommPreference, &y.CommPreference}, {&x.BestTime, &y.BestTime}} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	if x.Role == "" {
		x.Role = y.Role
	}
}

func remap(ids []string, to map[string]string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if n, ok := to[id]; ok {
			id = n
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// UndoMerge takes a merge back within MergeUndoWithin, once: every
// customer still at the version the merge wrote (or written since by the
// classification rules alone: OnlyRulesSince) is restored as it was (the
// survivor first, so that a credit code it took goes back to its other);
// one a person changed since is left as it is and reported in Merge.Kept
// (CHANGED_SINCE, GONE; TAKEN: its credit code is now another customer's).
// Errors: FORBIDDEN; NOT_FOUND; BAD_USER_INPUT on "id" (ALREADY: undone;
// OUT_OF_RANGE: over 30 days).
func (s *Service) UndoMerge(ctx context.Context, a Actor, id string) (*Merge, error) {
	if !a.CanMerge() {
		return nil, Errorf(CodeForbidden, "only managers and admins may undo merges")
	}
	m, err := s.Store.Merges().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	refuse := func(reason Reason, msg string) (*Merge, error) {
		return nil, &Error{Code: CodeBadUserInput, Message: msg, Fields: []FieldError{{Field: "id", Reason: reason, Message: msg}}}
	}
	switch {
	case m.UndoneAt != nil:
		return refuse(ReasonAlready, "the merge was undone already")
	case now.Sub(m.At) > MergeUndoWithin:
		return refuse(ReasonOutOfRange, "a merge can be undone within 30 days")
	}
	var kept []UndoKept
	for _, b := range m.Before {
		if err := s.restore(ctx, a, b, now); err != nil {
			var k UndoKept
			switch {
			case IsCode(err, CodeNotFound):
				k = UndoKept{ID: b.ID, Reason: ReasonGone}
			case IsVersionConflict(err):
				k = UndoKept{ID: b.ID, Reason: ReasonChangedSince}
			case IsCode(err, CodeConflict):
				k = UndoKept{ID: b.ID, Reason: ReasonTaken}
			default:
				return nil, err
			}
			var doc Customer
			if bson.Unmarshal(b.Doc, &doc) == nil {
				k.Code = doc.Code
			}
			kept = append(kept, k)
		}
	}
	for attempt := 0; ; attempt++ {
		next := *m
		next.UndoneAt, next.UndoneBy, next.Kept, next.Version = &now, a.UserID, kept, m.Version+1
		switch err := s.Store.Merges().Replace(ctx, &next, m.Version); {
		case err == nil:
			return &next, nil
		case !IsVersionConflict(err) || attempt == 5:
			return nil, err
		}
		if m, err = s.Store.Merges().Get(ctx, id); err != nil {
			return nil, err
		}
	}
}

// restore writes b's document back over the customer when it is still at
// the version the merge wrote, or written since by the rules alone.
func (s *Service) restore(ctx context.Context, a Actor, b UndoBefore, now time.Time) error {
	unlock, err := s.writing.lock(ctx, b.ID)
	if err != nil {
		return err
	}
	defer unlock()
	cur, err := s.Store.Customers().Get(ctx, b.ID)
	if err != nil {
		return err
	}
	if cur.Version != b.Version && !OnlyRulesSince(cur, b.Version) {
		return VersionConflict("customer " + cur.Code)
	}
	var c Customer
	if err := bson.Unmarshal(b.Doc, &c); err != nil {
		return Internal(err)
	}
	c.Version = cur.Version + 1
	c.Edited = c.Version
	c.UpdatedAt, c.UpdatedBy = now, a.UserID
	if err := s.classify(ctx, &c, now); err != nil {
		return err
	}
	return s.Store.Customers().Replace(ctx, &c, cur.Version)
}

// Merges returns the latest merges of a customer ("" for everyone's),
// newest first, at most limit (1 to 100). Errors: FORBIDDEN; BAD_USER_INPUT
// on "first".
func (s *Service) Merges(ctx context.Context, a Actor, customer string, limit int) ([]*Merge, error) {
	if !a.CanMerge() {
		return nil, Errorf(CodeForbidden, "only managers and admins see merges")
	}
	if limit < 1 || limit > 100 {
		p := NewProblems()
		p.Fail("first", ReasonOutOfRange, map[string]any{"min": 1, "max": 100}, "must be 1 to 100")
		return nil, p.Err()
	}
	return s.Store.Merges().List(ctx, customer, limit)
}

// CanUndoMerge reports whether UndoMerge would take m back at now.
func CanUndoMerge(m *Merge, now time.Time) bool {
	return m.UndoneAt == nil && now.Sub(m.At) <= MergeUndoWithin
}
