package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

func init() {
	register("FindMatches", false, testFindMatches)
}

func testFindMatches(t *testing.T, h Harness) {
	s := h.Open(t)
	t.Cleanup(func() { _ = s.Close() }) // the store open at the end
	code17 := "91330100MA2H3J4K5"
	credit := code17 + string(crm.CreditCodeCheckChar(code17))

	a := plain("杭州云帆数据有限公司", base)
	a.CreditCode = credit
	a.Contacts = []crm.Contact{{ID: "c1", Name: "王", Phone: "13812345678", Email: "Wang@YunFan.cn"},
		{ID: "c2", Name: "周", Email: "wang@yunfan.cn"}, {ID: "c3", Name: "吴", Email: "wu@yunfan.cn"}}
	a.Recompute()
	b := plain("杭州云帆数据（集团）", base.Add(time.Minute))
	c := plain("北京云帆数据有限公司", base.Add(2*time.Minute))
	c.Contacts = []crm.Contact{{ID: "c1", Name: "李", Phone: "0571-88886666-12"}}
	archived := base
	c.ArchivedAt = &archived
	c.Recompute()
	d := plain("其他公司", base.Add(3*time.Minute))
	d.Contacts = []crm.Contact{{ID: "c1", Name: "赵", Phone: "139-0000-1111"}, {ID: "c2", Name: "钱", Phone: "13812345678"}}
	d.Recompute()
	for _, x := range []*crm.Customer{a, b, c, d} {
		insert(t, s, x)
	}
	find := func(q crm.MatchQuery) []string {
		t.Helper()
		if q.Limit == 0 {
			q.Limit = 10
		}
		got, err := s.Customers().FindMatches(ctx(t), q)
		if err != nil {
			t.Fatal(err)
		}
		names := []string{}
		for _, x := range got {
			if !x.Match.Current() {
				t.Errorf("%s: keys %+v", x.Name, x.Match)
			}
			names = append(names, x.Name)
		}
		return names
	}
	want := func(got []string, names ...string) {
		t.Helper()
		if names == nil {
			names = []string{}
		}
		if !slices.Equal(got, names) {
			t.Errorf("got %q, want %q", got, names)
		}
	}
	want(find(crm.MatchQuery{Name: crm.CompanyNameKey("杭州云帆数据股份有限公司")}), a.Name, b.Name)
	want(find(crm.MatchQuery{CreditCode: credit}), a.Name)
	want(find(crm.MatchQuery{Phones: []string{"057188886666"}}), c.Name) // archived ones too
	want(find(crm.MatchQuery{Phones: []string{"13812345678"}}), a.Name, d.Name)
	want(find(crm.MatchQuery{Phones: []string{"", "13900001111"}}), d.Name)
	want(find(crm.MatchQuery{Name: crm.CompanyNameKey("云帆数据")}))
	want(find(crm.MatchQuery{}))
	want(find(crm.MatchQuery{Name: crm.CompanyNameKey(b.Name), Phones: []string{"13812345678"}, Limit: 2}), a.Name, b.Name)
	if _, err := s.Customers().FindMatches(ctx(t), crm.MatchQuery{Name: "x", Limit: 0}); crm.ErrorCode(err) != crm.CodeBadUserInput {
		t.Errorf("limit 0: %v", err)
	}
	// Each hands the keys out, e-mails included, without the contacts (the
	// duplicate review's scan).
	keys := func() map[string]crm.MatchKeys {
		t.Helper()
		out := map[string]crm.MatchKeys{}
		err := s.Customers().Each(ctx(t), crm.EachQuery{Scope: crm.ScopeAll}, func(x *crm.Customer) error {
			out[x.Name] = x.Match
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	wantKeys := func(got crm.MatchKeys, name string, phones, emails []string) {
		t.Helper()
		if !got.Current() || got.Name != name || !slices.Equal(got.Phones, phones) || !slices.Equal(got.Emails, emails) || got.Order == "" {
			t.Errorf("keys %+v, want name %q, phones %q, e-mails %q and an order key", got, name, phones, emails)
		}
	}
	wantKeys(keys()[a.Name], "杭州云帆数据", []string{"13812345678"}, []string{"wang@yunfan.cn", "wu@yunfan.cn"})

	// A rename moves the name key.
	a2 := *a
	a2.Name = "杭州云帆智能有限公司"
	a2.Version = 2
	a2.Recompute()
	if err := s.Customers().Replace(ctx(t), &a2, 1); err != nil {
		t.Fatal(err)
	}
	want(find(crm.MatchQuery{Name: crm.CompanyNameKey("杭州云帆数据")}), b.Name)
	want(find(crm.MatchQuery{Name: crm.CompanyNameKey("杭州云帆智能")}), a2.Name)

	// Keys written by older rules (or none, before keys were kept) are
	// recomputed by the store: such a customer still matches after a restart.
	old := plain("宁波老客户贸易有限公司", base.Add(4*time.Minute))
	old.Contacts = []crm.Contact{{ID: "c1", Name: "孙", Phone: "13700001111"}}
	old.Recompute()
	old.Match = crm.MatchKeys{V: crm.MatchKeysVersion - 1, Name: "stale"}
	insert(t, s, old)
	// Version 1 kept no e-mails: such keys are right but for them.
	v1 := plain("温州老客户电器有限公司", base.Add(5*time.Minute))
	v1.Contacts = []crm.Contact{{ID: "c1", Name: "郑", Phone: "13700002222", Email: " Zheng@Example.COM "}}
	v1.Recompute()
	v1.Match = crm.MatchKeys{V: 1, Name: v1.Match.Name, Phones: v1.Match.Phones}
	insert(t, s, v1)
	// Version 2 kept no order key: the customer sorts by name all the same.
	v2 := plain("安吉老客户竹业有限公司", base.Add(6*time.Minute))
	v2.Match.V, v2.Match.Order = 2, ""
	insert(t, s, v2)
	if h.Reopen == nil {
		return
	}
	s = h.Reopen(t, s)
	// The store wrote today's keys back into the documents, without a new
	// version (no editor sees a conflict).
	for _, x := range []*crm.Customer{old, v1, v2} {
		got, err := s.Customers().Get(ctx(t), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := crm.MatchKeysOf(got); !reflect.DeepEqual(got.Match, want) || got.Version != x.Version {
			t.Errorf("%s stored after a restart: keys %+v, version %d; want %+v, version %d", x.Name, got.Match, got.Version, want, x.Version)
		}
	}
	page, err := s.Customers().List(ctx(t), crm.ListQuery{OrderBy: crm.OrderName, First: 2, Scope: crm.ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Customers) != 2 || page.Customers[0].Name != v2.Name || page.Customers[1].Name != c.Name {
		t.Errorf("first by name: %v", page.Customers)
	}
	want(find(crm.MatchQuery{Name: crm.CompanyNameKey("宁波老客户贸易")}), old.Name)
	want(find(crm.MatchQuery{Phones: []string{"13700001111"}}), old.Name)
	want(find(crm.MatchQuery{Name: "stale"}))
	all := keys()
	wantKeys(all[old.Name], "宁波老客户贸易", []string{"13700001111"}, nil)
	wantKeys(all[v1.Name], "温州老客户电器", []string{"13700002222"}, []string{"zheng@example.com"})
}
