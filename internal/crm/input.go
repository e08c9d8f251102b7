package crm

import (
	"strings"
	"time"
)

// CustomerFields are the optional account fields shared by create and update.
// A nil pointer (or nil slice) leaves the field unchanged; an empty string
// clears it.
type CustomerFields struct {
	CreditCode     *string
	Industry       *string
	EmployeeBand   *string
	RevenueBand    *string
	Province       *string
	City           *string
	Address        *string
	Website        *string
	FoundedOn      *time.Time
	MainBusiness   *string
	Source         *string
	Type           *CustomerType
	Stage          *Stage
	ValueTier      *Tier
	IntentGrade    *Tier
	NeedType       *NeedType
	Tags           []string
	OwnerID        *string
	Collaborators  []string
	CommPreference *string
	Notes          *string
}

// CustomerInput creates a customer; Name is required.
type CustomerInput struct {
	Name string
	CustomerFields
	Contacts []ContactInput
}

// CustomerPatch updates an account's fields.
type CustomerPatch struct {
	Name *string
	CustomerFields
	// KeepNextActions, when the owner changes, leaves the open next actions
	// assigned to the previous owner with them; by default they move to the
	// new owner with the customer.
	KeepNextActions bool
}

// ContactFields are a contact's optional fields.
type ContactFields struct {
	Title          *string
	Phone          *string
	Email          *string
	WeChat         *string
	Role           *ContactRole
	Primary        *bool
	CommPreference *string
	BestTime       *string
}

type ContactInput struct {
	Name string
	ContactFields
}

type ContactPatch struct {
	Name *string
	ContactFields
}

type NextActionInput struct {
	What    string
	OwnerID *string
	Due     *time.Time
	Done    *bool
}

type InteractionInput struct {
	At           *time.Time // default: now
	Channel      InteractionChannel
	Summary      string
	Feedback     *string
	Result       *string
	Participants []string // default: the acting user
	ContactIDs   []string
	NextAction   *NextActionInput
	KeyEvent     *KeyEvent
	DurationMin  *int
}

// InteractionPatch corrects a logged interaction; nil fields stay as they are.
// NextAction replaces the next action; NextActionDone only ticks it off.
type InteractionPatch struct {
	At             *time.Time
	Channel        *InteractionChannel
	Summary        *string
	Feedback       *string
	Result         *string
	ContactIDs     []string
	Participants   []string
	NextAction     *NextActionInput
	NextActionDone *bool
	// ClearNextAction removes the next action; ClearKeyEvent the key event.
	ClearNextAction bool
	ClearKeyEvent   bool
	KeyEvent        *KeyEvent
	DurationMin     *int
}

// SatisfactionPatch corrects a satisfaction result.
type SatisfactionPatch struct {
	Score   *int
	At      *time.Time
	Comment *string
}

// DealPatch corrects a recorded deal.
type DealPatch struct {
	Product *string
	Amount  *Money
	Date    *time.Time
	Note    *string
}

// NeedFields are a need's optional fields.
type NeedFields struct {
	Kind       *NeedKind
	Type       *NeedType
	Priority   *Priority
	Urgent     *bool
	Important  *bool
	Status     *NeedStatus
	BudgetMin  *Money
	BudgetMax  *Money
	ExpectedOn *time.Time
}

type NeedInput struct {
	Title string
	NeedFields
}

type NeedPatch struct {
	Title *string
	NeedFields
}

type DealInput struct {
	Product string
	Amount  Money
	Date    *time.Time // default: today
	Note    *string
}

type SatisfactionInput struct {
	Score   int
	At      *time.Time // default: now
	Comment *string
}

// applyText sets *dst from a pointer input after checking it.
func applyText(p Problems, field string, src *string, dst *string, max int) {
	if src != nil {
		*dst = checkText(p, field, *src, max, false)
	}
}

func applyEnum[T interface {
	~string
	Valid() bool
}](p Problems, field string, src *T, dst *T, clearable bool) {
	if src == nil {
		return
	}
	if *src == "" && clearable {
		*dst = ""
		return
	}
	if !(*src).Valid() {
		p.Fail(field, ReasonNotAllowed, map[string]any{"value": string(*src)}, "%q is not an allowed value", string(*src))
		return
	}
	*dst = *src
}

// apply writes the fields onto c, recording problems. now is used to reject
// future founding dates; users resolves referenced user ids.
func (f *CustomerFields) apply(p Problems, c *Customer, now time.Time) {
	if f.CreditCode != nil {
		code, _ := CreditCodeKey(*f.CreditCode)
		switch {
		case code == "":
			c.CreditCode = ""
		case checkPersonal(p, "creditCode", code):
		case !ValidCreditCode(code):
			p.Fail("creditCode", ReasonInvalidCreditCode, nil, "is not a valid unified social credit code (18 characters, GB 32100-2015 check digit)")
		default:
			c.CreditCode = code
		}
	}
	applyText(p, "industry", f.Industry, &c.Industry, MaxShortText)
	applyText(p, "employeeBand", f.EmployeeBand, &c.Size.Employees, MaxShortText)
	applyText(p, "revenueBand", f.RevenueBand, &c.Size.Revenue, MaxShortText)
	applyText(p, "province", f.Province, &c.Region.Province, MaxShortText)
	applyText(p, "city", f.City, &c.Region.City, MaxShortText)
	applyText(p, "address", f.Address, &c.Address, MaxLineText)
	if f.Website != nil {
		w := NormalizeIdentifier(*f.Website)
		if w != "" && !ValidWebsite(w) {
			p.Fail("website", ReasonInvalidURL, nil, "must be an http:// or https:// address")
		} else {
			c.Website = checkText(p, "website", w, MaxLineText, false)
		}
	}
	if f.FoundedOn != nil {
		d := DateOf(*f.FoundedOn, time.UTC)
		if d.After(DateOf(now, DefaultLocation)) {
			p.Fail("foundedOn", ReasonFutureDate, nil, "must not be in the future")
		} else if d.Year() < 1800 {
			p.Fail("foundedOn", ReasonOutOfRange, map[string]any{"min": 1800}, "must be after 1800")
		} else {
			c.FoundedOn = &d
		}
	}
	applyText(p, "mainBusiness", f.MainBusiness, &c.MainBusiness, MaxLineText)
	applyText(p, "source", f.Source, &c.Source, MaxShortText)
	applyEnum(p, "type", f.Type, &c.Type, false)
	applyEnum(p, "stage", f.Stage, &c.Stage, false)
	applyEnum(p, "valueTier", f.ValueTier, &c.ValueTier, true)
	applyEnum(p, "intentGrade", f.IntentGrade, &c.IntentGrade, true)
	applyEnum(p, "needType", f.NeedType, &c.NeedType, true)
	if f.Tags != nil {
		c.Tags = CheckTags(p, "tags", f.Tags)
	}
	if f.OwnerID != nil {
		c.OwnerID = strings.TrimSpace(*f.OwnerID)
	}
	if f.Collaborators != nil {
		c.Collaborators = dedupe(f.Collaborators)
	}
	applyText(p, "commPreference", f.CommPreference, &c.CommPreference, MaxLineText)
	applyText(p, "notes", f.Notes, &c.Notes, MaxLongText)
}

// CheckTags validates a list of tags, the field named field of p (at most
// MaxTags, each 1-30 characters of text), and returns them trimmed,
// without duplicates.
func CheckTags(p Problems, field string, tags []string) []string {
	if len(tags) > MaxTags {
		p.Fail(field, ReasonTooMany, map[string]any{"max": MaxTags}, "must have at most %d tags", MaxTags)
		return nil
	}
	out := make([]string, 0, len(tags))
	seen := map[string]bool{}
	for i, t := range tags {
		t = checkText(p, field+"["+itoa(i)+"]", t, 30, true)
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func dedupe(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func (f *ContactFields) apply(p Problems, ct *Contact) {
	applyText(p, "title", f.Title, &ct.Title, MaxShortText)
	if f.Phone != nil {
		s := NormalizeIdentifier(*f.Phone)
		if s == "" {
			ct.Phone = ""
		} else if norm, ok := NormalizePhone(s); ok {
			ct.Phone = norm
		} else if !checkPersonal(p, "phone", s) {
			p.Fail("phone", ReasonInvalidPhone, nil, "must be a mobile number (13812345678), a landline with area code (010-12345678) or a 400/800 number")
		}
	}
	if f.Email != nil {
		s := NormalizeIdentifier(*f.Email)
		switch {
		case s != "" && checkPersonal(p, "email", s):
		case s != "" && !ValidEmail(s):
			p.Fail("email", ReasonInvalidEmail, nil, "must be an e-mail address such as name@example.com")
		default:
			ct.Email = s
		}
	}
	if f.WeChat != nil {
		s := checkText(p, "wechat", NormalizeIdentifier(*f.WeChat), 40, false)
		if strings.ContainsAny(s, " \t") {
			p.Fail("wechat", ReasonInvalidWeChat, nil, "must not contain spaces")
		} else {
			ct.WeChat = s
		}
	}
	applyEnum(p, "role", f.Role, &ct.Role, true)
	if f.Primary != nil {
		ct.Primary = *f.Primary
	}
	applyText(p, "commPreference", f.CommPreference, &ct.CommPreference, MaxLineText)
	applyText(p, "bestTime", f.BestTime, &ct.BestTime, MaxShortText)
}

func (f *NeedFields) apply(p Problems, n *Need) {
	applyEnum(p, "kind", f.Kind, &n.Kind, false)
	applyEnum(p, "type", f.Type, &n.Type, true)
	applyEnum(p, "priority", f.Priority, &n.Priority, false)
	if f.Urgent != nil {
		n.Urgent = *f.Urgent
	}
	if f.Important != nil {
		n.Important = *f.Important
	}
	applyEnum(p, "status", f.Status, &n.Status, false)
	if f.BudgetMin != nil {
		n.BudgetMin = checkMoney(p, "budgetMin", *f.BudgetMin)
	}
	if f.BudgetMax != nil {
		n.BudgetMax = checkMoney(p, "budgetMax", *f.BudgetMax)
	}
	if n.BudgetMin != nil && n.BudgetMax != nil && *n.BudgetMin > *n.BudgetMax {
		p.Fail("budgetMax", ReasonBudgetRange, nil, "must not be less than budgetMin")
	}
	if f.ExpectedOn != nil {
		d := DateOf(*f.ExpectedOn, time.UTC)
		n.ExpectedOn = &d
	}
}

func checkMoney(p Problems, field string, m Money) *Money {
	if m < 0 {
		p.Fail(field, ReasonOutOfRange, map[string]any{"min": 0}, "must not be negative")
		return nil
	}
	if m > MaxMoney {
		p.Fail(field, ReasonOutOfRange, map[string]any{"max": MaxMoney.String()}, "is too large")
		return nil
	}
	return &m
}
