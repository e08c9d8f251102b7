package quality_test

import (
	"slices"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/quality"
)

func ptr[T any](v T) *T { return &v }

// whole returns c as stored: figures and match keys computed.
func whole(c crm.Customer) *crm.Customer {
	c.Recompute()
	return &c
}

// partial returns c as a read model's scan hands it out: no nested arrays
// but its brief, match keys and figures.
func partial(c *crm.Customer) *crm.Customer {
	b, ok := crm.BriefOf(c)
	if !ok {
		panic("no brief")
	}
	return &crm.Customer{ID: c.ID, Code: c.Code, Name: c.Name, CreditCode: c.CreditCode, Industry: c.Industry,
		Size: c.Size, Region: c.Region, Address: c.Address, Source: c.Source, Type: c.Type, Stage: c.Stage,
		OwnerID: c.OwnerID, Stats: c.Stats, Match: c.Match, UpdatedAt: c.UpdatedAt, ArchivedAt: c.ArchivedAt,
		Partial: true, Brief: b}
}

var everything = crm.Customer{
	Name: "杭州云帆科技有限公司", Industry: "软件", Size: crm.CompanySize{Employees: "100-500人"},
	Region: crm.Region{Province: "浙江", City: "杭州"}, Source: "展会", OwnerID: "u1",
	CreditCode: "91330100MA27XK5Y39", Address: "杭州市西湖区文三路1号",
	Contacts: []crm.Contact{{Name: "陈经理", Title: "采购经理", Role: crm.ContactRoleDecisionMaker, Phone: "13912345678"}},
	Needs:    []crm.Need{{Title: "CRM 系统"}},
	Interactions: []crm.Interaction{{At: time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC), Channel: crm.ChannelPhone,
		Summary: "电话联系，了解需求"}},
}

// with returns everything changed by f.
func with(f func(c *crm.Customer)) crm.Customer {
	c := everything
	c.Contacts = slices.Clone(c.Contacts)
	f(&c)
	return c
}

func TestQualityCompleteness(t *testing.T) {
	// Weights add up to 21: a weight-2 field is 100*2/21 = 9.5 points, a
	// weight-1 field 4.8; scores are rounded half up.
	for _, tc := range []struct {
		name    string
		c       crm.Customer
		score   int
		missing []string
	}{
		{"everything", everything, 100, nil},
		{"nothing but a name", crm.Customer{Name: "某公司"}, 0, []string{"industry", "size", "contacts", "contacts.title",
			"contacts.reach", "needs", "interactions", "owner", "region", "source", "contacts.role", "creditCode", "address"}},
		{"an owner only: 2 of 21", crm.Customer{Name: "某公司", OwnerID: "u1"}, 10, []string{"industry", "size", "contacts",
			"contacts.title", "contacts.reach", "needs", "interactions", "region", "source", "contacts.role", "creditCode", "address"}},
		{"no credit code: 20 of 21", with(func(c *crm.Customer) { c.CreditCode = "" }), 95, []string{"creditCode"}},
		{"no industry: 19 of 21", with(func(c *crm.Customer) { c.Industry = "  " }), 90, []string{"industry"}},
		{"a revenue band is a size", with(func(c *crm.Customer) { c.Size = crm.CompanySize{Revenue: "1000万-5000万"} }), 100, nil},
		{"a city is a region", with(func(c *crm.Customer) { c.Region = crm.Region{City: "杭州"} }), 100, nil},
		{"no contact: 14 of 21", with(func(c *crm.Customer) { c.Contacts = nil }), 67,
			[]string{"contacts", "contacts.title", "contacts.reach", "contacts.role"}},
		{"a contact with a name only: 16 of 21", with(func(c *crm.Customer) { c.Contacts = []crm.Contact{{Name: "陈经理"}} }), 76,
			[]string{"contacts.title", "contacts.reach", "contacts.role"}},
		{"reachable by e-mail", with(func(c *crm.Customer) { c.Contacts[0].Phone, c.Contacts[0].Email = "", "chen@yunfan.cn" }), 100, nil},
		{"reachable by WeChat", with(func(c *crm.Customer) { c.Contacts[0].Phone, c.Contacts[0].WeChat = "", "chen_2024" }), 100, nil},
		{"one contact of two reachable, the other titled", with(func(c *crm.Customer) {
			c.Contacts = []crm.Contact{{Name: "陈经理", Phone: "13912345678"}, {Name: "李工", Title: "工程师", Role: crm.ContactRoleUser}}
		}), 100, nil},
		{"no need, no interaction: 17 of 21", with(func(c *crm.Customer) { c.Needs, c.Interactions = nil, nil }), 81,
			[]string{"needs", "interactions"}},
		{"no owner, source, address: 17 of 21", with(func(c *crm.Customer) { c.OwnerID, c.Source, c.Address = "", "", "" }), 81,
			[]string{"owner", "source", "address"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := whole(tc.c)
			score, missing := quality.Completeness(c)
			if score != tc.score || !slices.Equal(missing, tc.missing) {
				t.Errorf("whole: %d %q, want %d %q", score, missing, tc.score, tc.missing)
			}
			// A read model's customer gives the same, but for WeChat.
			if tc.name == "reachable by WeChat" {
				return
			}
			if score, missing = quality.Completeness(partial(c)); score != tc.score || !slices.Equal(missing, tc.missing) {
				t.Errorf("partial: %d %q, want %d %q", score, missing, tc.score, tc.missing)
			}
		})
	}
}

func TestQualityCompletenessPartialWeChat(t *testing.T) {
	// A brief keeps no contact details: a contact reachable by WeChat alone
	// is not seen on a Partial customer (documented), and the Analyzer asks
	// for the whole document.
	c := whole(with(func(c *crm.Customer) { c.Contacts[0].Phone, c.Contacts[0].WeChat = "", "chen_2024" }))
	if score, missing := quality.Completeness(partial(c)); score != 90 || !slices.Equal(missing, []string{"contacts.reach"}) {
		t.Fatalf("partial: %d %q", score, missing)
	}
	z := quality.NewAnalyzer(quality.Config{Now: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)})
	if z.Add(partial(c)) {
		t.Fatal("a Partial customer reachable only by WeChat was added")
	}
	if !z.Add(c) {
		t.Fatal("the whole document was not added")
	}
	if r := z.Report(); r.Customers != 1 || r.AvgCompleteness != 100 || r.ReadWhole != 1 {
		t.Fatalf("report: %d customers, average %v, %d read whole", r.Customers, r.AvgCompleteness, r.ReadWhole)
	}
}

func TestQualityAnalyzerNeedsWhole(t *testing.T) {
	// What a Partial customer tells, and when the Analyzer asks for the
	// whole document.
	at := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	call := crm.Interaction{At: at, Channel: crm.ChannelPhone, Summary: "电话联系"}
	later := func(x crm.Interaction, d time.Duration) crm.Interaction { x.At = x.At.Add(d); return x }
	for _, tc := range []struct {
		name  string
		c     crm.Customer
		added bool
	}{
		{"every field", everything, true},
		{"no contact", with(func(c *crm.Customer) { c.Contacts = nil }), true},
		{"two contacts, two phones", with(func(c *crm.Customer) {
			c.Contacts = []crm.Contact{{Name: "陈", Phone: "13912345678"}, {Name: "李", Phone: "13800001111", Email: "li@a.cn"}}
		}), true},
		{"two contacts, two e-mails", with(func(c *crm.Customer) {
			c.Contacts = []crm.Contact{{Name: "陈", Email: "chen@a.cn"}, {Name: "李", Phone: "13800001111", Email: "li@a.cn"}}
		}), true},
		{"two contacts, one phone, one e-mail: which has what?", with(func(c *crm.Customer) {
			c.Contacts = []crm.Contact{{Name: "陈", Phone: "13912345678"}, {Name: "李", Email: "li@a.cn"}}
		}), false},
		{"two contacts sharing one phone", with(func(c *crm.Customer) {
			c.Contacts = []crm.Contact{{Name: "陈", Phone: "13912345678"}, {Name: "李", Phone: "139-1234-5678"}}
		}), false},
		{"a contact without phone or e-mail", with(func(c *crm.Customer) { c.Contacts = []crm.Contact{{Name: "陈", WeChat: "chen"}} }), false},
		{"two calls a minute apart", with(func(c *crm.Customer) { c.Interactions = []crm.Interaction{call, later(call, time.Minute)} }), true},
		{"two calls 59 s apart", with(func(c *crm.Customer) { c.Interactions = []crm.Interaction{call, later(call, 59*time.Second)} }), false},
		{"a call and a visit at once", with(func(c *crm.Customer) {
			v := call
			v.Channel = crm.ChannelVisit
			c.Interactions = []crm.Interaction{call, v}
		}), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := quality.NewAnalyzer(quality.Config{Now: at})
			if got := z.Add(partial(whole(tc.c))); got != tc.added {
				t.Fatalf("added %v, want %v", got, tc.added)
			}
		})
	}
}

func TestRepeats(t *testing.T) {
	t0 := time.Date(2026, 11, 19, 1, 30, 59, 0, time.UTC)
	due := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	call := crm.Interaction{At: t0, Channel: crm.ChannelPhone, Summary: "电话联系，了解需求", Feedback: "需内部评审", Result: "待回复",
		KeyEvent: crm.KeyEventComplaint, NextAction: &crm.NextAction{What: "发送方案", Due: &due}, CreatedBy: "u1",
		Participants: []string{"u1"}, DurationMin: 10}
	at := func(d time.Duration, f ...func(*crm.Interaction)) crm.Interaction {
		x := call
		na := *call.NextAction
		x.NextAction = &na
		x.At = t0.Add(d)
		for _, g := range f {
			g(&x)
		}
		return x
	}
	for _, tc := range []struct {
		name string
		xs   []crm.Interaction
		want []int
	}{
		{"one", []crm.Interaction{at(0)}, []int{-1}},
		{"at the same time", []crm.Interaction{at(0), at(0)}, []int{-1, 0}},
		{"sent twice, 2 s apart", []crm.Interaction{at(0), at(2 * time.Second)}, []int{-1, 0}},
		{"59.999 s apart", []crm.Interaction{at(0), at(time.Minute - time.Millisecond)}, []int{-1, 0}},
		{"a minute apart", []crm.Interaction{at(0), at(time.Minute)}, []int{-1, -1}},
		{"across the minute: 09:30:59 and 09:31:00", []crm.Interaction{at(0), at(time.Second)}, []int{-1, 0}},
		{"three at once", []crm.Interaction{at(0), at(time.Second), at(2 * time.Second)}, []int{-1, 0, 0}},
		{"a chain: the third is 100 s after the one kept", []crm.Interaction{at(0), at(50 * time.Second), at(100 * time.Second)},
			[]int{-1, 0, -1}},
		{"out of time order: the earlier is kept", []crm.Interaction{at(2 * time.Second), at(0)}, []int{1, -1}},
		{"another in between", []crm.Interaction{at(0), at(time.Second, func(x *crm.Interaction) { x.Summary = "别的" }), at(2 * time.Second)},
			[]int{-1, -1, 0}},
		{"another channel", []crm.Interaction{at(0), at(0, func(x *crm.Interaction) { x.Channel = crm.ChannelVisit })}, []int{-1, -1}},
		{"another summary", []crm.Interaction{at(0), at(0, func(x *crm.Interaction) { x.Summary += "。" })}, []int{-1, -1}},
		{"another feedback", []crm.Interaction{at(0), at(0, func(x *crm.Interaction) { x.Feedback = "" })}, []int{-1, -1}},
		{"another result", []crm.Interaction{at(0), at(0, func(x *crm.Interaction) { x.Result = "已成交" })}, []int{-1, -1}},
		{"another key event", []crm.Interaction{at(0), at(0, func(x *crm.Interaction) { x.KeyEvent = "" })}, []int{-1, -1}},
		{"no next action", []crm.Interaction{at(0), at(0, func(x *crm.Interaction) { x.NextAction = nil })}, []int{-1, -1}},
		{"another next action", []crm.Interaction{at(0), at(0, func(x *crm.Interaction) { x.NextAction.What = "报价" })}, []int{-1, -1}},
		{"another due time", []crm.Interaction{at(0), at(0, func(x *crm.Interaction) { x.NextAction.Due = nil })}, []int{-1, -1}},
		{"next action ticked off on one", []crm.Interaction{at(0), at(0, func(x *crm.Interaction) { x.NextAction.Done = true })},
			[]int{-1, 0}},
		{"logged by someone else, other people and length", []crm.Interaction{at(0), at(0, func(x *crm.Interaction) {
			x.CreatedBy, x.Participants, x.ContactIDs, x.DurationMin = "u2", []string{"u2"}, []string{"c1"}, 30
		})}, []int{-1, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := quality.Repeats(tc.xs); !slices.Equal(got, tc.want) {
				t.Fatalf("Repeats = %v, want %v", got, tc.want)
			}
			n := 0
			for _, j := range tc.want {
				if j >= 0 {
					n++
				}
			}
			if got := quality.RepeatCount(tc.xs); got != n {
				t.Fatalf("RepeatCount = %d, want %d", got, n)
			}
			// The brief never misses a repeat.
			c := whole(crm.Customer{Name: "某公司", Interactions: slices.Clone(tc.xs)})
			z := quality.NewAnalyzer(quality.Config{Now: t0})
			if n > 0 && z.Add(partial(c)) {
				t.Fatal("a Partial customer with repeats was added")
			}
		})
	}
}
