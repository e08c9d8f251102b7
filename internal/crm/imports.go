package crm

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Imports (issue 18). Package importer reads a worksheet into one
// ImportRecord per customer; DraftImport turns a record into the customer
// to write, validated as the API's create and update validate (the same
// field checks, personal data refused, lists bounded, owners checked), and
// says what it changes field by field. It writes nothing: the dry run and
// the commit call it alike, so what the preview shows is what the commit
// writes.

// ImportRecord is one customer as a worksheet gives it: only the values its
// cells hold. A nil field (or nil list) leaves the customer's value alone.
type ImportRecord struct {
	Name   *string
	Fields CustomerFields // Tags are added to the customer's, never removed
	// Contacts are matched to the customer's by name: a new name is added,
	// a known one gets the fields given.
	Contacts []ContactInput
	// Interactions (At required) and Deals (Date required) are added,
	// unless the customer holds one already at the same time with the same
	// summary, or on the same date with the same product and amount.
	Interactions []InteractionInput
	Deals        []DealInput
}

// FieldChange is one value an import changes, for the dry run's diff.
type FieldChange struct {
	// Field is the API's name of the value: name, industry, tags,
	// contacts[张三].phone, interactions (an entry added), deals.
	Field string
	Old   string // "" when there was none
	New   string
}

// ImportDraft is what DraftImport would write.
type ImportDraft struct {
	// Customer is the document to write: a new one (Version 1, no code
	// yet) or the existing one changed, at its version + 1; the existing
	// one as given when nothing changes.
	Customer *Customer
	Created  bool
	Changes  []FieldChange // none: the customer stays as it is
}

// CanImport reports whether a may import worksheets: a bulk change of
// customers a does not own, for managers and admins.
func (a Actor) CanImport() bool { return !a.ReadOnly() && a.manages() }

// DraftImport applies rec as a at the service's time to existing (nil for
// a new customer), which it takes over (changes in place). Errors: FORBIDDEN,
// BAD_USER_INPUT with the record's field paths (contacts[1].phone,
// interactions[0].summary), and the store's from reading the owner and
// collaborators.
func (s *Service) DraftImport(ctx context.Context, a Actor, existing *Customer, rec ImportRecord) (ImportDraft, error) {
	if !a.CanImport() {
		return ImportDraft{}, Errorf(CodeForbidden, "only managers and admins may import customers")
	}
	now := s.now()
	if existing != nil && existing.Archived() {
		return ImportDraft{}, &Error{Code: CodeBadUserInput, Message: "customer " + existing.Code + " is archived; restore it before importing into it",
			Fields: []FieldError{{Field: "id", Message: "is archived", Reason: ReasonArchived}}}
	}
	c := existing
	var before map[string]struct{}
	var was map[string]string
	var review reviewInputs
	if c == nil {
		c = &Customer{ID: NewID(), Type: CustomerTypeNew, Stage: StagePotential, OwnerID: a.UserID,
			CreatedAt: now, CreatedBy: a.UserID, UpdatedAt: now, UpdatedBy: a.UserID, Version: 0}
	} else {
		before = StoredStrings(c)
		was = importView(c)
		review = reviewInputsOf(c, now, s.loc())
	}
	sizes := sizesOf(existing)
	p := NewProblems()
	tier := c.ValueTier
	fields := rec.Fields
	if fields.Tags != nil {
		fields.Tags = union(c.Tags, fields.Tags)
	}
	if existing == nil {
		c.Name = checkText(p, "name", deref(rec.Name), 200, true)
		fields.apply(p, c, now)
	} else {
		CustomerPatch{Name: rec.Name, CustomerFields: fields}.applyTo(p, c, a, now)
	}
	s.keptByRules(p, tier, c.ValueTier)
	for i, in := range rec.Contacts {
		pc := p.Index("contacts", i)
		name := strings.TrimSpace(in.Name)
		if k := indexOf(c.Contacts, func(ct Contact) bool { return ct.Name == name }); k >= 0 && name != "" {
			in.ContactFields.apply(pc, &c.Contacts[k])
			continue
		}
		c.Contacts = append(c.Contacts, newContact(pc, in))
	}
	ensureOnePrimary(c.Contacts, -1)
	for i, in := range rec.Interactions {
		s.importInteraction(p.Index("interactions", i), c, a, in, now)
	}
	for i, in := range rec.Deals {
		s.importDeal(p.Index("deals", i), c, a, in, now)
	}
	checkLists(p, sizes, c)
	if err := p.Err(); err != nil {
		return ImportDraft{}, err
	}
	if err := s.checkAssignees(ctx, c.OwnerID, c.Collaborators); err != nil {
		return ImportDraft{}, err
	}
	d := ImportDraft{Customer: c, Created: existing == nil, Changes: diffViews(was, importView(c))}
	if existing != nil && len(d.Changes) == 0 {
		return d, nil
	}
	if d.Created {
		c.Version = 1
		c.StageHistory = []StageChange{{To: c.Stage, At: now, By: a.UserID}}
		c.OwnerHistory = []OwnerChange{{To: c.OwnerID, At: now, By: a.UserID}}
		if c.ValueTier != "" {
			c.TierHistory = []TierChange{{To: c.ValueTier, At: now, By: a.UserID}}
		}
	} else {
		c.Version++
		c.Edited = c.Version
		c.UpdatedAt, c.UpdatedBy = now, a.UserID
		if s.Classifier != nil {
			openTriggeredReview(review, c, now, s.loc())
		}
	}
	if err := s.classify(ctx, c, now); err != nil {
		return ImportDraft{}, err
	}
	if err := CheckStored(c, before); err != nil {
		return ImportDraft{}, err
	}
	return d, nil
}

// importInteraction adds in to c unless c holds one at the same time with
// the same summary.
func (s *Service) importInteraction(p Problems, c *Customer, a Actor, in InteractionInput, now time.Time) {
	if in.At == nil {
		p.Fail("at", ReasonRequired, nil, "is required")
		return
	}
	at := in.At.Truncate(time.Millisecond)
	summary := strings.TrimSpace(in.Summary)
	if slices.ContainsFunc(c.Interactions, func(x Interaction) bool { return x.At.Equal(at) && x.Summary == summary }) {
		return
	}
	recorded := now
	it := Interaction{ID: NewID(), At: now, CreatedBy: a.UserID, RecordedAt: &recorded, Participants: []string{a.UserID}}
	channel := in.Channel
	patch := InteractionPatch{At: &at, Channel: &channel, Summary: &in.Summary, Feedback: in.Feedback, Result: in.Result,
		KeyEvent: in.KeyEvent, DurationMin: in.DurationMin}
	patch.apply(p, c, &it, a, now)
	c.Interactions = append(c.Interactions, it)
}

// importDeal adds in to c unless c holds one on the same date with the same
// product and amount.
func (s *Service) importDeal(p Problems, c *Customer, a Actor, in DealInput, now time.Time) {
	if in.Date == nil {
		p.Fail("date", ReasonRequired, nil, "is required")
		return
	}
	day := DateOf(*in.Date, time.UTC)
	product := strings.TrimSpace(in.Product)
	if slices.ContainsFunc(c.Deals, func(d Deal) bool { return d.Date.Equal(day) && d.Product == product && d.Amount == in.Amount }) {
		return
	}
	today := DateOf(now, s.loc())
	d := Deal{ID: NewID(), Date: today, CreatedBy: a.UserID}
	amount := in.Amount
	patch := DealPatch{Product: &in.Product, Amount: &amount, Date: &day, Note: in.Note}
	patch.apply(p, &d, today)
	c.Deals = append(c.Deals, d)
}

// importView is what an import may change on c, as display strings by the
// API's field names: the diff of a dry run.
func importView(c *Customer) map[string]string {
	v := map[string]string{
		"name": c.Name, "creditCode": c.CreditCode, "industry": c.Industry, "employeeBand": c.Size.Employees,
		"revenueBand": c.Size.Revenue, "province": c.Region.Province, "city": c.Region.City, "address": c.Address,
		"website": c.Website, "mainBusiness": c.MainBusiness, "source": c.Source, "type": string(c.Type),
		"stage": string(c.Stage), "valueTier": string(c.ValueTier), "intentGrade": string(c.IntentGrade),
		"needType": string(c.NeedType), "tags": strings.Join(c.Tags, "、"), "ownerId": c.OwnerID,
		"collaborators": strings.Join(c.Collaborators, "、"), "commPreference": c.CommPreference, "notes": c.Notes,
		"interactions": strconv.Itoa(len(c.Interactions)), "deals": strconv.Itoa(len(c.Deals)),
	}
	if c.FoundedOn != nil {
		v["foundedOn"] = c.FoundedOn.Format(time.DateOnly)
	}
	for _, ct := range c.Contacts {
		at := "contacts[" + ct.Name + "]."
		v[at+"name"] = ct.Name
		for k, s := range map[string]string{"title": ct.Title, "phone": ct.Phone, "email": ct.Email, "wechat": ct.WeChat,
			"role": string(ct.Role), "commPreference": ct.CommPreference, "bestTime": ct.BestTime} {
			if s != "" {
				v[at+k] = s
			}
		}
	}
	return v
}

// diffViews lists the fields whose value differs from was to now, by
// field name; with was nil (a new customer) every field set.
func diffViews(was, now map[string]string) []FieldChange {
	var out []FieldChange
	for k, n := range now {
		if o := was[k]; o != n && (was != nil || (n != "" && n != "0")) {
			out = append(out, FieldChange{Field: k, Old: o, New: n})
		}
	}
	for k, o := range was {
		if _, ok := now[k]; !ok && o != "" {
			out = append(out, FieldChange{Field: k, Old: o})
		}
	}
	slices.SortFunc(out, func(x, y FieldChange) int { return strings.Compare(x.Field, y.Field) })
	return out
}

// union is a followed by the elements of b it lacks.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// DraftRestore makes before (the customer as it was, kept by an import for
// its undo) the customer to write over current (the stored one, with the
// same id): at current's version + 1, written by a now, its figures and
// classification computed anew (time has passed since). It writes nothing.
// Errors: FORBIDDEN for one who may not import; INTERNAL for customers of
// different ids; the classifier's.
func (s *Service) DraftRestore(ctx context.Context, a Actor, current, before *Customer) (*Customer, error) {
	if !a.CanImport() {
		return nil, Errorf(CodeForbidden, "only managers and admins may undo imports")
	}
	if current.ID != before.ID {
		return nil, Internal(fmt.Errorf("crm: DraftRestore: customer %s over %s", before.ID, current.ID))
	}
	now := s.now()
	c := before
	c.Version = current.Version + 1
	c.Edited = c.Version
	c.UpdatedAt, c.UpdatedBy = now, a.UserID
	if err := s.classify(ctx, c, now); err != nil {
		return nil, err
	}
	return c, nil
}
