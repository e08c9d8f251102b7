package demo_test

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
)

// now is a fixed "now" for the tests.
var now = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

var (
	hexID       = regexp.MustCompile(`^[0-9a-f]{24}$`)
	companyName = regexp.MustCompile(`^.{2,30}(有限公司|股份有限公司)$`)
	mobile      = regexp.MustCompile(`^1[3-9]\d{9}$`)
)

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := bson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUsers(t *testing.T) {
	users := demo.Users(now)
	if len(users) != 12 {
		t.Fatalf("got %d users, want 12", len(users))
	}
	roles := map[crm.Role]int{}
	ids, emails := map[string]bool{}, map[string]bool{}
	for i, u := range users {
		roles[u.Role]++
		if !hexID.MatchString(u.ID) || ids[u.ID] {
			t.Errorf("user %d: bad or duplicate id %q", i, u.ID)
		}
		if u.ID != demo.UserID(i) {
			t.Errorf("user %d: id %q, UserID says %q", i, u.ID, demo.UserID(i))
		}
		ids[u.ID] = true
		if !crm.ValidEmail(u.Email) || u.Email != strings.ToLower(u.Email) || !strings.HasSuffix(u.Email, "@kehu.local") || emails[u.Email] {
			t.Errorf("user %d: bad or duplicate email %q", i, u.Email)
		}
		emails[u.Email] = true
		if !u.Role.Valid() || u.Name == "" || !utf8.ValidString(u.Name) || u.PasswordHash != "" || u.Version != 1 || u.Disabled {
			t.Errorf("user %d: %+v", i, u)
		}
		if !u.CreatedAt.Before(now) || !u.UpdatedAt.Equal(u.CreatedAt) {
			t.Errorf("user %d: created %v updated %v", i, u.CreatedAt, u.UpdatedAt)
		}
	}
	want := map[crm.Role]int{crm.RoleManager: 1, crm.RoleSales: 7, crm.RoleService: 3, crm.RoleAnalyst: 1}
	if !reflect.DeepEqual(roles, want) {
		t.Errorf("roles %v, want %v", roles, want)
	}
	if users[1].Email != "sales1@kehu.local" {
		t.Errorf("first sales user is %q", users[1].Email)
	}
	// The ids do not move with the clock.
	later := demo.Users(now.AddDate(1, 0, 0))
	for i := range users {
		if later[i].ID != users[i].ID {
			t.Errorf("user %d: id changed with now", i)
		}
	}
}

func encodeAll(t testing.TB, cs []*crm.Customer) [][]byte {
	out := make([][]byte, len(cs))
	for i, c := range cs {
		out[i] = marshal(t, c)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	users := demo.Users(now)
	elsewhere := now.In(time.FixedZone("UTC-5", -5*3600)).Add(400 * time.Millisecond)
	base := encodeAll(t, demo.Customers(7, 150, now, users))
	tests := []struct {
		name string
		gen  func() []*crm.Customer
		same bool
	}{
		{"same inputs", func() []*crm.Customer { return demo.Customers(7, 150, now, users) }, true},
		{"one core", func() []*crm.Customer {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			return demo.Customers(7, 150, now, users)
		}, true},
		{"same instant in another zone, sub-second", func() []*crm.Customer { return demo.Customers(7, 150, elsewhere, users) }, true},
		{"other seed", func() []*crm.Customer { return demo.Customers(8, 150, now, users) }, false},
		{"other now", func() []*crm.Customer { return demo.Customers(7, 150, now.Add(time.Hour), users) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := encodeAll(t, tt.gen())
			if len(got) != len(base) {
				t.Fatalf("got %d customers, want %d", len(got), len(base))
			}
			differ := 0
			for i := range got {
				if !bytes.Equal(got[i], base[i]) {
					differ++
				}
			}
			if tt.same && differ > 0 {
				t.Errorf("%d of %d documents differ", differ, len(got))
			}
			if !tt.same && differ < len(got)*9/10 {
				t.Errorf("only %d of %d documents differ", differ, len(got))
			}
		})
	}
}

// Tags the generator may use (from the seeds).
var knownTags = []string{"高意向", "价格敏感型", "技术优先型", "投诉风险", "战略合作", "沉睡客户", "渠道合作", "重点跟进", "老客户转介绍"}

var pipeline = []crm.Stage{crm.StagePotential, crm.StageContacted, crm.StageNeedsConfirmed, crm.StageProposal,
	crm.StageNegotiation, crm.StageWon, crm.StageAfterSales}

// annual is the seeds' yearly deal total: deals dated in the year up to today.
func annual(c *crm.Customer, today time.Time) crm.Money {
	var sum crm.Money
	for _, d := range c.Deals {
		if d.Date.After(today.AddDate(-1, 0, 0)) && !d.Date.After(today) {
			sum += d.Amount
		}
	}
	return sum
}

func TestCustomersValid(t *testing.T) {
	tests := []struct {
		seed int64
		n    int
		now  time.Time
	}{
		{1, 250, now},
		{42, 150, time.Date(2028, 2, 29, 23, 59, 59, 999, time.UTC)}, // leap day, just before midnight
		{-3, 150, time.Date(2027, 1, 1, 0, 0, 30, 0, crm.DefaultLocation)},
		{9, 1, now},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("seed %d n %d", tt.seed, tt.n), func(t *testing.T) {
			users := demo.Users(tt.now)
			cs := demo.Customers(tt.seed, tt.n, tt.now, users)
			if len(cs) != tt.n {
				t.Fatalf("got %d customers", len(cs))
			}
			checkAll(t, cs, users, tt.now)
		})
	}
}

func checkAll(t *testing.T, cs []*crm.Customer, users []*crm.User, now time.Time) {
	role := map[string]crm.Role{}
	for _, u := range users {
		role[u.ID] = u.Role
	}
	ids := map[string]bool{}
	codes, names, credits := map[string]bool{}, map[string]bool{}, map[string]bool{}
	perMonth := map[string]int64{}
	var prev *crm.Customer
	for _, c := range cs {
		errorf := func(format string, args ...any) {
			t.Helper()
			t.Errorf("%s %s: %s", c.Code, c.Name, fmt.Sprintf(format, args...))
		}
		unique := func(id, what string) {
			t.Helper()
			if !hexID.MatchString(id) {
				errorf("%s id %q is not 24 lower-case hex digits", what, id)
			}
			if ids[id] {
				errorf("%s id %q is not unique", what, id)
			}
			ids[id] = true
		}
		// Identity, order and codes.
		unique(c.ID, "customer")
		if want := fmt.Sprintf("%08x", c.CreatedAt.Unix()); !strings.HasPrefix(c.ID, want) {
			errorf("id %s does not start with the creation time %s", c.ID, want)
		}
		if prev != nil && (c.CreatedAt.Before(prev.CreatedAt) || c.ID <= prev.ID) {
			errorf("not ordered by creation time and id after %s", prev.Code)
		}
		prev = c
		period := crm.CodePeriod(c.CreatedAt, crm.DefaultLocation)
		perMonth[period]++
		if want := crm.FormatCode(period, perMonth[period]); c.Code != want {
			errorf("code %s, want %s", c.Code, want)
		}
		if codes[c.Code] || names[c.Name] {
			errorf("duplicate code or name")
		}
		codes[c.Code], names[c.Name] = true, true
		if c.CreditCode != "" {
			if !crm.ValidCreditCode(c.CreditCode) || credits[c.CreditCode] {
				errorf("bad or duplicate credit code %q", c.CreditCode)
			}
			credits[c.CreditCode] = true
		}
		if !companyName.MatchString(c.Name) {
			errorf("company name %q", c.Name)
		}
		if c.Version != 1 || c.Partial {
			errorf("version %d partial %v", c.Version, c.Partial)
		}

		// Enumerations and references.
		if !c.Type.Valid() || !c.Stage.Valid() || !c.IntentGrade.Valid() || !c.NeedType.Valid() ||
			(c.ValueTier != "" && !c.ValueTier.Valid()) {
			errorf("enum out of range: %s %s %s %s %s", c.Type, c.Stage, c.IntentGrade, c.NeedType, c.ValueTier)
		}
		if role[c.OwnerID] != crm.RoleSales {
			errorf("owner %q is not a sales user", c.OwnerID)
		}
		for _, id := range c.Collaborators {
			if role[id] == "" || id == c.OwnerID {
				errorf("bad collaborator %q", id)
			}
		}
		if hasDup(c.Collaborators) || hasDup(c.Tags) {
			errorf("duplicate collaborators or tags")
		}
		if role[c.CreatedBy] == "" || role[c.UpdatedBy] == "" {
			errorf("createdBy %q updatedBy %q", c.CreatedBy, c.UpdatedBy)
		}
		// Needs, deals and results have the owner as author (the role rules
		// on changing others' records need one).
		author := c.OwnerID
		if author == "" {
			author = c.CreatedBy
		}
		for _, n := range c.Needs {
			if n.CreatedBy != author {
				errorf("need %s by %q, want %q", n.ID, n.CreatedBy, author)
			}
		}
		for _, d := range c.Deals {
			if d.CreatedBy != author {
				errorf("deal %s by %q, want %q", d.ID, d.CreatedBy, author)
			}
		}
		for _, r := range c.Satisfaction {
			if r.CreatedBy != author {
				errorf("satisfaction %s by %q, want %q", r.ID, r.CreatedBy, author)
			}
		}
		for _, tag := range c.Tags {
			if !slices.Contains(knownTags, tag) {
				errorf("unknown tag %q", tag)
			}
		}

		// Company details.
		if c.Website != "" && (!crm.ValidWebsite(c.Website) || !strings.HasPrefix(c.Website, "https://www.")) {
			errorf("website %q", c.Website)
		}
		if c.Region.Province == "" || c.Region.City == "" || !strings.Contains(c.Address, c.Region.City) ||
			!strings.HasSuffix(c.Address, "号") && !strings.HasSuffix(c.Address, "室") && !strings.HasSuffix(c.Address, "层") && !strings.HasSuffix(c.Address, "号厂房") {
			errorf("region %v address %q", c.Region, c.Address)
		}
		if c.FoundedOn == nil || !isDate(*c.FoundedOn) || !c.FoundedOn.Before(c.CreatedAt) || c.FoundedOn.Year() < 1990 {
			errorf("founded %v", c.FoundedOn)
		}
		if c.Industry == "" || c.Size.Employees == "" || c.MainBusiness == "" || c.Source == "" {
			errorf("missing company details")
		}

		// Contacts.
		if len(c.Contacts) < 1 || len(c.Contacts) > 4 {
			errorf("%d contacts", len(c.Contacts))
		}
		primaries := 0
		contactIDs := map[string]bool{}
		for _, ct := range c.Contacts {
			unique(ct.ID, "contact")
			contactIDs[ct.ID] = true
			if ct.Primary {
				primaries++
			}
			if n := utf8.RuneCountInString(ct.Name); n < 2 || n > 3 || ct.Title == "" || !ct.Role.Valid() {
				errorf("contact %+v", ct)
			}
			if p, ok := crm.NormalizePhone(ct.Phone); ct.Phone != "" && (!ok || p != ct.Phone || !mobile.MatchString(p)) {
				errorf("phone %q", ct.Phone)
			}
			if ct.Email != "" && !crm.ValidEmail(ct.Email) {
				errorf("email %q", ct.Email)
			}
			if strings.ContainsAny(ct.WeChat, " \t") {
				errorf("wechat %q", ct.WeChat)
			}
		}
		if primaries != 1 {
			errorf("%d primary contacts", primaries)
		}

		// Stage history: one step at a time, ending at the current stage.
		h := c.StageHistory
		if len(h) == 0 || h[0].From != "" || h[0].To != crm.StagePotential || !h[0].At.Equal(c.CreatedAt) {
			errorf("stage history does not start with the creation: %v", h)
		} else {
			for i := 1; i < len(h); i++ {
				from, to := slices.Index(pipeline, h[i].From), slices.Index(pipeline, h[i].To)
				if h[i].From != h[i-1].To || !(to == from+1 || h[i].To == crm.StageLost) || !h[i].At.After(h[i-1].At) {
					errorf("stage step %d: %v after %v", i, h[i], h[i-1])
				}
			}
			if last := h[len(h)-1]; last.To != c.Stage || last.At.After(now) {
				errorf("stage history ends with %v, stage is %s", last, c.Stage)
			}
		}
		for _, s := range h {
			if role[s.By] == "" {
				errorf("stage change by %q", s.By)
			}
		}

		// Deals, tiers and satisfaction.
		today := crm.DateOf(now, crm.DefaultLocation)
		wasCustomer := slices.ContainsFunc(h, func(s crm.StageChange) bool { return s.To == crm.StageWon })
		if wasCustomer != (len(c.Deals) > 0) {
			errorf("stage %s (won: %v) with %d deals", c.Stage, wasCustomer, len(c.Deals))
		}
		for _, d := range c.Deals {
			unique(d.ID, "deal")
			if d.Amount < 5_000*100 || d.Amount > 2_000_000*100 || !isDate(d.Date) || d.Date.After(today) || d.Product == "" {
				errorf("deal %+v", d)
			}
			// Every deal was signed in an interaction that day.
			if !slices.ContainsFunc(c.Interactions, func(in crm.Interaction) bool {
				return (in.KeyEvent == crm.KeyEventSigned || in.KeyEvent == crm.KeyEventRenewed) &&
					crm.DateOf(in.At, crm.DefaultLocation).Equal(d.Date)
			}) {
				errorf("no signing interaction for deal %+v", d)
			}
		}
		yearly := annual(c, today)
		switch c.ValueTier {
		case "":
			errorf("customer without a tier: the rules give every customer one")
		case crm.TierA:
			if yearly < 500_000*100 {
				errorf("tier A with %s yuan of deals in the last year", yearly)
			}
		case crm.TierB:
			if yearly < 100_000*100 || yearly >= 500_000*100 {
				errorf("tier B with %s yuan of deals in the last year", yearly)
			}
		case crm.TierC:
			if yearly >= 100_000*100 {
				errorf("tier C with %s yuan of deals in the last year", yearly)
			}
		}
		th := c.TierHistory
		for i, ch := range th {
			if ch.At.After(now) || ch.By != "" || ch.Rule == "" || !ch.To.Valid() ||
				i == 0 && ch.From != "" || i > 0 && (ch.From != th[i-1].To || ch.At.Before(th[i-1].At) || ch.From == ch.To) {
				errorf("tier change %d: %+v", i, ch)
			}
		}
		if (len(th) == 0) != (c.ValueTier == "") || len(th) > 0 && th[len(th)-1].To != c.ValueTier {
			errorf("tier history %v, tier %s", th, c.ValueTier)
		}
		for _, s := range c.Satisfaction {
			unique(s.ID, "satisfaction")
			if s.Score < 0 || s.Score > 100 || s.At.After(now) || len(c.Deals) == 0 || s.At.Before(c.Deals[0].Date) {
				errorf("satisfaction %+v", s)
			}
		}

		// Needs.
		if len(c.Needs) < 1 || len(c.Needs) > 4 {
			errorf("%d needs", len(c.Needs))
		}
		for _, n := range c.Needs {
			unique(n.ID, "need")
			if !n.Kind.Valid() || !n.Type.Valid() || !n.Priority.Valid() || !n.Status.Valid() || n.Title == "" {
				errorf("need %+v", n)
			}
			if n.OpenedAt.Before(c.CreatedAt) || n.OpenedAt.After(now) {
				errorf("need opened %v", n.OpenedAt)
			}
			if (n.Status == crm.NeedStatusResolved) != (n.ResolvedAt != nil) ||
				n.ResolvedAt != nil && (n.ResolvedAt.Before(n.OpenedAt) || n.ResolvedAt.After(now)) {
				errorf("need %s resolved at %v", n.Status, n.ResolvedAt)
			}
			if (n.BudgetMin == nil) != (n.BudgetMax == nil) || n.BudgetMin != nil && (*n.BudgetMin <= 0 || *n.BudgetMin > *n.BudgetMax) {
				errorf("budget %v..%v", n.BudgetMin, n.BudgetMax)
			}
			if n.ExpectedOn != nil && !isDate(*n.ExpectedOn) {
				errorf("expected on %v", n.ExpectedOn)
			}
		}

		// Interactions.
		if len(c.Interactions) > 120 {
			errorf("%d interactions", len(c.Interactions))
		}
		if len(c.Interactions) > 0 && !c.Interactions[0].At.After(c.CreatedAt) {
			errorf("first interaction %v is not after the creation %v", c.Interactions[0].At, c.CreatedAt)
		}
		if c.CreatedAt.Before(now.Add(-730 * 24 * time.Hour)) {
			errorf("created %v, more than 24 months ago", c.CreatedAt)
		}
		for i, in := range c.Interactions {
			unique(in.ID, "interaction")
			if i > 0 && in.At.Before(c.Interactions[i-1].At) || in.At.After(now) {
				errorf("interaction %d at %v", i, in.At)
			}
			if !in.Channel.Valid() || in.KeyEvent != "" && !in.KeyEvent.Valid() || in.Summary == "" || in.DurationMin < 0 {
				errorf("interaction %+v", in)
			}
			if !slices.Equal(in.Participants, []string{c.OwnerID}) || in.CreatedBy != c.OwnerID {
				errorf("interaction participants %v created by %q", in.Participants, in.CreatedBy)
			}
			if len(in.ContactIDs) == 0 {
				errorf("interaction without contacts")
			}
			for _, id := range in.ContactIDs {
				if !contactIDs[id] {
					errorf("interaction refers to unknown contact %q", id)
				}
			}
			if na := in.NextAction; na != nil {
				if na.What == "" || na.Due == nil || !na.Due.After(in.At) || na.Done && na.Due.After(now) || na.OwnerID != c.OwnerID {
					errorf("next action %+v", na)
				}
			}
		}

		// Service requests: one for every complaint, each a valid walk of
		// the loop that ends before now.
		complaints := map[string]bool{}
		for _, in := range c.Interactions {
			if in.KeyEvent == crm.KeyEventComplaint {
				complaints[in.ID] = true
			}
		}
		for _, r := range c.ServiceRequests {
			unique(r.ID, "service request")
			delete(complaints, r.InteractionID)
			if !r.Kind.Valid() || !r.Status.Valid() || !r.Priority.Valid() || r.Summary == "" || r.AssigneeID == "" ||
				len(r.History) == 0 || r.History[len(r.History)-1].To != r.Status || r.History[0].At != r.OpenedAt ||
				(r.Status == crm.ServiceResolved || r.Status == crm.ServiceClosed) != (r.ResolvedAt != nil) ||
				(r.Status == crm.ServiceClosed) != (r.ClosedAt != nil) || r.History[len(r.History)-1].At.After(now) {
				errorf("service request %+v", r)
			}
			if r.Kind == crm.ServiceComplaint && r.InteractionID == "" {
				errorf("complaint request without its interaction: %+v", r)
			}
		}
		if len(complaints) > 0 {
			errorf("complaints without a service request: %v", complaints)
		}

		// Time stamps and archiving.
		checkUpdated(t, c, now, errorf)
		if c.ArchivedAt != nil && c.Stage != crm.StageLost {
			errorf("archived in stage %s", c.Stage)
		}

		// Stats are what Recompute makes of the document, which is already
		// normalized: recomputing changes no byte.
		before := marshal(t, c)
		c.Recompute()
		if !bytes.Equal(before, marshal(t, c)) {
			errorf("Recompute changes the document")
		}
		// The document survives a BSON round trip unchanged.
		var back crm.Customer
		if err := bson.Unmarshal(before, &back); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, marshal(t, &back)) {
			errorf("BSON round trip changes the document")
		}
		walk(reflect.ValueOf(c).Elem(), "", func(path string, v reflect.Value) {
			checkValue(path, v, errorf)
		})
	}
	seq := demo.Sequences(cs)
	if len(seq) != len(perMonth) {
		t.Errorf("Sequences has %d periods, want %d", len(seq), len(perMonth))
	}
	for p, n := range perMonth {
		if seq["customer:"+p] != n {
			t.Errorf("Sequences[customer:%s] = %d, want %d", p, seq["customer:"+p], n)
		}
	}
}

func checkUpdated(t *testing.T, c *crm.Customer, now time.Time, errorf func(string, ...any)) {
	t.Helper()
	latest := c.CreatedAt
	see := func(at time.Time) {
		if at.After(latest) {
			latest = at
		}
	}
	for _, in := range c.Interactions {
		see(in.At)
	}
	for _, n := range c.Needs {
		see(n.OpenedAt)
		if n.ResolvedAt != nil {
			see(*n.ResolvedAt)
		}
		if n.UpdatedAt != nil {
			see(*n.UpdatedAt)
		}
	}
	for _, s := range c.Satisfaction {
		see(s.At)
	}
	for _, r := range c.ServiceRequests {
		for _, h := range r.History {
			see(h.At)
		}
	}
	for _, x := range c.Tasks {
		if x.Status == crm.TaskDone && x.ClosedAt != nil { // a review the team did
			see(*x.ClosedAt)
		}
		if x.ClosedAt != nil && x.ClosedAt.Before(x.CreatedAt) {
			errorf("task %s closed at %v, before it was opened at %v", x.ID, *x.ClosedAt, x.CreatedAt)
		}
	}
	for _, h := range c.StageHistory {
		see(h.At)
	}
	for _, h := range c.TierHistory {
		// A tier falls when a deal leaves the 12-month window: the rules
		// change it then, and no one writes the customer.
		if falls := h.From != "" && h.To > h.From; !falls {
			see(h.At)
		}
	}
	if c.ArchivedAt != nil {
		if c.ArchivedAt.Before(latest) {
			errorf("archived at %v before the last activity %v", c.ArchivedAt, latest)
		}
		see(*c.ArchivedAt)
	}
	if !c.UpdatedAt.Equal(latest) || c.UpdatedAt.After(now) {
		errorf("updated %v, latest activity %v, now %v", c.UpdatedAt, latest, now)
	}
}

// Text limits per field name (crm/checks.go); other strings are ids, enums
// and short labels.
var limits = map[string]int{
	"Address": crm.MaxLineText, "Website": crm.MaxLineText, "MainBusiness": crm.MaxLineText,
	"CommPreference": crm.MaxLineText, "What": crm.MaxLineText, "Note": crm.MaxLineText, "Result": crm.MaxLineText,
	"Notes": crm.MaxLongText, "Summary": crm.MaxLongText, "Feedback": crm.MaxLongText, "Comment": crm.MaxLongText,
	"Tags": 30, "WeChat": 40,
}

func checkValue(path string, v reflect.Value, errorf func(string, ...any)) {
	switch x := v.Interface().(type) {
	case string:
		field := path[strings.LastIndexByte(path, '.')+1:]
		field, _, _ = strings.Cut(field, "[")
		max, ok := limits[field]
		if !ok {
			max = crm.MaxShortText
		}
		switch {
		case !utf8.ValidString(x):
			errorf("%s is not UTF-8", path)
		case utf8.RuneCountInString(x) > max:
			errorf("%s has %d characters, more than %d", path, utf8.RuneCountInString(x), max)
		case strings.TrimSpace(x) != x || strings.ContainsFunc(x, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			errorf("%s has spaces around or control characters: %q", path, x)
		case crm.ContainsResidentID(x):
			errorf("%s holds a resident ID number: %q", path, x)
		}
	case time.Time:
		// BSON keeps milliseconds (a review falls due at the last one of
		// its day; the generator's own times are whole seconds).
		if x.Nanosecond()%int(time.Millisecond) != 0 {
			errorf("%s = %v is finer than a millisecond", path, x)
		}
	}
}

// walk calls fn for every string and time.Time reachable from v.
func walk(v reflect.Value, path string, fn func(string, reflect.Value)) {
	switch v.Kind() {
	case reflect.String:
		fn(path, v)
	case reflect.Pointer:
		if !v.IsNil() {
			walk(v.Elem(), path, fn)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i), fn)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			fn(path, v)
			return
		}
		for i := range v.NumField() {
			walk(v.Field(i), path+"."+v.Type().Field(i).Name, fn)
		}
	}
}

func isDate(t time.Time) bool {
	return t.Location() == time.UTC && t.Equal(t.Truncate(24*time.Hour))
}

func hasDup(s []string) bool {
	seen := map[string]bool{}
	for _, x := range s {
		if seen[x] {
			return true
		}
		seen[x] = true
	}
	return false
}

// TestMix checks the shape of a larger demo: a plausible pipeline, tiers,
// interaction counts and the share of optional fields.
func TestMix(t *testing.T) {
	const n = 2000
	cs := demo.Customers(3, n, now, demo.Users(now))
	stages := map[crm.Stage]int{}
	tiers := map[crm.Tier]int{}
	var interactions, maxInter, zeroInter, withCredit, archived, events int
	for _, c := range cs {
		stages[c.Stage]++
		tiers[c.ValueTier]++
		interactions += len(c.Interactions)
		maxInter = max(maxInter, len(c.Interactions))
		if len(c.Interactions) == 0 {
			zeroInter++
		}
		if c.CreditCode != "" {
			withCredit++
		}
		if c.ArchivedAt != nil {
			archived++
		}
		for _, in := range c.Interactions {
			if in.KeyEvent == crm.KeyEventComplaint || in.KeyEvent == crm.KeyEventReferral {
				events++
			}
		}
	}
	avg := float64(interactions) / n
	t.Logf("stages %v", stages)
	t.Logf("tiers %v (empty: never bought)", tiers)
	t.Logf("interactions: average %.1f, max %d, %d customers without; credit codes %d; archived %d",
		avg, maxInter, zeroInter, withCredit, archived)
	checks := []struct {
		what string
		ok   bool
	}{
		{"more potential and contacted than won", stages[crm.StagePotential]+stages[crm.StageContacted] > 3*stages[crm.StageWon]},
		{"every stage present", len(stages) == 8},
		{"some lost", stages[crm.StageLost] > n/30},
		{"every tier present", tiers[crm.TierA] > 0 && tiers[crm.TierB] > 0 && tiers[crm.TierC] > 0},
		{"A is the smallest tier", tiers[crm.TierA] < tiers[crm.TierB] && tiers[crm.TierA] < tiers[crm.TierC]},
		{"about 40 interactions on average", avg > 35 && avg < 45},
		{"interaction counts vary from 0 to 120", zeroInter > 0 && maxInter > 100 && maxInter <= 120},
		{"about 80% with a credit code", withCredit > n*75/100 && withCredit < n*85/100},
		{"about 2% archived", archived > n/200 && archived < n*4/100},
		{"complaints and referrals occur", events > 0},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: no", c.what)
		}
	}
}

// TestBSONSize reports the average document size, the figure the stores'
// capacity planning uses (ARCHITECTURE.md measures with ~27 KB).
func TestBSONSize(t *testing.T) {
	const n = 1000
	cs := demo.Customers(1, n, now, demo.Users(now))
	total, interactions := 0, 0
	for _, c := range cs {
		total += len(marshal(t, c))
		interactions += len(c.Interactions)
	}
	avg := total / n
	t.Logf("average BSON size %d bytes (%.1f KB) with %.1f interactions per customer", avg, float64(avg)/1024, float64(interactions)/n)
	if avg < 18_000 || avg > 32_000 {
		t.Errorf("average BSON size %d bytes, want about 20-30 KB", avg)
	}
}

func TestSequences(t *testing.T) {
	cs := []*crm.Customer{{Code: "C202611001"}, {Code: "C202611012"}, {Code: "C202610003"}, {Code: "C2026111000"}, {Code: ""}}
	want := map[string]int64{"customer:202611": 1000, "customer:202610": 3}
	if got := demo.Sequences(cs); !reflect.DeepEqual(got, want) {
		t.Errorf("Sequences = %v, want %v", got, want)
	}
}

func TestOtherStaff(t *testing.T) {
	admin := &crm.User{ID: "aaaaaaaaaaaaaaaaaaaaaaaa", Role: crm.RoleAdmin}
	users := append([]*crm.User{admin}, demo.Users(now)...)
	tests := []struct {
		name    string
		users   []*crm.User
		owner   func(string) bool
		manager string // who records what no sales user did
	}{
		{"no staff: the system actor stands in", nil, func(id string) bool { return id == "" }, crm.System.UserID},
		{"an admin before the manager", users, func(id string) bool { return strings.HasPrefix(id, "6b656875") }, demo.UserID(0)},
		{"only an admin", []*crm.User{admin}, func(id string) bool { return id == admin.ID }, admin.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range demo.Customers(5, 40, now, tt.users) {
				if !tt.owner(c.OwnerID) {
					t.Fatalf("owner %q", c.OwnerID)
				}
				for _, ch := range c.TierHistory {
					if ch.By != "" || ch.Rule == "" {
						t.Fatalf("tier changed by %q, rule %q: the rules keep the demo's tiers", ch.By, ch.Rule)
					}
				}
				if c.OwnerID == "" && c.CreatedBy != tt.manager {
					t.Fatalf("created by %q", c.CreatedBy)
				}
			}
		})
	}
	if cs := demo.Customers(1, -1, now, users); len(cs) != 0 {
		t.Errorf("n = -1 gave %d customers", len(cs))
	}
}

func BenchmarkCustomers(b *testing.B) {
	const n = 1000
	users := demo.Users(now)
	for b.Loop() {
		demo.Customers(1, n, now, users)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "customers/s")
}
