package quality_test

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/demo"
	"github.com/kehu-crm/kehu/internal/quality"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

var (
	seller  = crm.Actor{UserID: "q-seller", Role: crm.RoleSales}
	seller2 = crm.Actor{UserID: "q-seller2", Role: crm.RoleSales}
	leaver  = crm.Actor{UserID: "q-leaver", Role: crm.RoleSales}
	staff   = crm.Actor{UserID: "q-service", Role: crm.RoleService}
	manager = crm.Actor{UserID: "q-manager", Role: crm.RoleManager}
	admin   = crm.Actor{UserID: "q-admin", Role: crm.RoleAdmin}
	analyst = crm.Actor{UserID: "q-analyst", Role: crm.RoleAnalyst}
)

// The clock of the world: the stale customers are written at t0, the rest
// at t1; the report is read six months after t0.
var (
	t0 = time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC) // 17:30 in Shanghai
	t1 = time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	// sixMonths is t0 plus six calendar months: the cut-off is then t0.
	sixMonths = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
)

// world is a real SQLite store with one customer for each finding, each
// written through crm.Service but for what it refuses to write (no owner,
// a bad credit code: data from before the checks).
type world struct {
	crm   *crm.Service
	q     *quality.Service
	clock *crm.FixedClock
	by    map[string]*crm.Customer // by name
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := crm.NewFixedClock(t0)
	w := &world{crm: &crm.Service{Store: st, Clock: clock}, clock: clock, by: map[string]*crm.Customer{}}
	w.q = &quality.Service{CRM: w.crm}
	ctx := context.Background()
	for _, a := range []crm.Actor{seller, seller2, leaver, staff, manager, admin, analyst} {
		if err := st.Users().Insert(ctx, &crm.User{ID: a.UserID, Email: a.UserID + "@kehu.local", Name: a.UserID, Role: a.Role, Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	must := func(c *crm.Customer, err error) *crm.Customer {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		w.by[c.Name] = c
		return c
	}
	create := func(a crm.Actor, in crm.CustomerInput) *crm.Customer { return must(w.crm.CreateCustomer(ctx, a, in)) }
	contact := func(name string, f crm.ContactFields) []crm.ContactInput {
		return []crm.ContactInput{{Name: name, ContactFields: f}}
	}
	log := func(c *crm.Customer, in crm.InteractionInput) *crm.Customer {
		return must(w.crm.LogInteraction(ctx, seller, c.ID, nil, in))
	}

	// Written at t0 and not since.
	create(seller, crm.CustomerInput{Name: "上海申远机械有限公司"})
	next := t0.Add(23 * time.Hour)
	log(create(seller, crm.CustomerInput{Name: "苏州华信电子有限公司"}), crm.InteractionInput{At: &next, Channel: crm.ChannelPhone, Summary: "约下周拜访"})

	clock.Advance(t1.Sub(t0))
	full := create(seller, crm.CustomerInput{Name: "杭州云帆科技有限公司", CustomerFields: crm.CustomerFields{
		Industry: ptr("软件"), EmployeeBand: ptr("100-500人"), Province: ptr("浙江"), City: ptr("杭州"), Source: ptr("展会"),
		CreditCode: ptr("91330100MA27XK5Y39"), Address: ptr("杭州市西湖区文三路1号")},
		Contacts: []crm.ContactInput{{Name: "陈经理", ContactFields: crm.ContactFields{Title: ptr("采购经理"),
			Role: ptr(crm.ContactRoleDecisionMaker), Phone: ptr("13912345678"), Email: ptr("chen@yunfan.cn")}}}})
	must(w.crm.AddNeed(ctx, seller, full.ID, nil, crm.NeedInput{Title: "客户管理系统"}))
	log(full, crm.InteractionInput{Channel: crm.ChannelVisit, Summary: "上门演示"})
	// The same phone, typed otherwise, on another company.
	create(seller, crm.CustomerInput{Name: "宁波海纳贸易有限公司", Contacts: contact("赵经理", crm.ContactFields{Phone: ptr("139-1234-5678")})})
	// One phone on one company typed twice: the duplicate review's.
	create(seller, crm.CustomerInput{Name: "南京恒通物流有限公司", Contacts: contact("周总", crm.ContactFields{Phone: ptr("13800001111")})})
	create(seller2, crm.CustomerInput{Name: "南京恒通物流股份有限公司", Contacts: contact("周总", crm.ContactFields{Phone: ptr("+86 138 0000 1111")})})
	create(seller, crm.CustomerInput{Name: "广州明达贸易有限公司", Contacts: []crm.ContactInput{
		{Name: "王经理", ContactFields: crm.ContactFields{Phone: ptr("13700002222")}}, {Name: "李工"}}})
	create(seller, crm.CustomerInput{Name: "深圳鹏程科技有限公司", Contacts: contact("张总", crm.ContactFields{WeChat: ptr("zhang_pc")})})
	rep := create(seller, crm.CustomerInput{Name: "成都天府软件有限公司"})
	log(rep, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "电话联系，了解需求"})
	log(rep, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "电话联系，了解需求"}) // sent twice
	log(rep, crm.InteractionInput{Channel: crm.ChannelEmail, Summary: "发送报价"})
	create(leaver, crm.CustomerInput{Name: "武汉长江化工有限公司"})
	u, err := st.Users().Get(ctx, leaver.UserID)
	if err != nil {
		t.Fatal(err)
	}
	u.Disabled = true
	u.Version++
	if err := st.Users().Replace(ctx, u, u.Version-1); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*crm.Customer{
		{Name: "西安古城文化有限公司"},
		{Name: "重庆山城火锅有限公司", OwnerID: seller.UserID, CreditCode: "91330100MA27XK5Y3A"},
	} {
		c.ID, c.Type, c.Stage, c.CreatedAt, c.UpdatedAt = crm.NewID(), crm.CustomerTypeNew, crm.StagePotential, t1, t1
		c.Recompute()
		if err := st.Customers().Insert(ctx, c, "202611"); err != nil {
			t.Fatal(err)
		}
		w.by[c.Name] = c
	}
	create(seller, crm.CustomerInput{Name: "长沙湘江食品有限公司"})
	// Archived: in no finding, whatever it lacks.
	gone := create(seller, crm.CustomerInput{Name: "天津海河贸易有限公司", Contacts: contact("孙工", crm.ContactFields{Phone: ptr("13912345678")})})
	must(w.crm.ArchiveCustomer(ctx, seller, gone.ID, gone.Version))
	return w
}

// names returns the names of refs.
func names(refs []quality.Ref) []string {
	out := []string{}
	for _, r := range refs {
		out = append(out, r.Name)
	}
	return out
}

func (w *world) report(t *testing.T, a crm.Actor, now time.Time) *quality.Report {
	t.Helper()
	r, err := w.q.Report(context.Background(), a, now)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestQualityReport(t *testing.T) {
	w := newWorld(t)
	r := w.report(t, manager, sixMonths.Add(23*time.Hour+time.Millisecond))
	if r.Customers != 13 {
		t.Fatalf("%d customers, want the 13 active ones", r.Customers)
	}
	// Scores, by hand (of 21): an owner 2, an interaction 2, a reachable
	// contact 2+2, a credit code 1.
	wantLeast := []string{
		"西安古城文化有限公司 0", "上海申远机械有限公司 10", "武汉长江化工有限公司 10", "长沙湘江食品有限公司 10",
		"重庆山城火锅有限公司 14", "苏州华信电子有限公司 19", "成都天府软件有限公司 19",
		"宁波海纳贸易有限公司 29", "南京恒通物流有限公司 29", "南京恒通物流股份有限公司 29", "广州明达贸易有限公司 29",
		"深圳鹏程科技有限公司 29", "杭州云帆科技有限公司 100",
	}
	var least []string
	for _, s := range r.LeastComplete {
		least = append(least, s.Name+" "+strconv.Itoa(s.Score))
	}
	if !slices.Equal(least, wantLeast) {
		t.Errorf("least complete:\n%q\nwant\n%q", least, wantLeast)
	}
	if r.AvgCompleteness != 25.2 { // 327 / 13
		t.Errorf("average %v, want 25.2", r.AvgCompleteness)
	}
	wantHist := []quality.Bucket{{0, 19, 7}, {20, 39, 5}, {40, 59, 0}, {60, 79, 0}, {80, 100, 1}}
	if !slices.Equal(r.Histogram, wantHist) {
		t.Errorf("histogram %v, want %v", r.Histogram, wantHist)
	}
	var missing []string
	for _, m := range r.Missing {
		missing = append(missing, m.Field+" "+strconv.Itoa(m.Customers))
	}
	wantMissing := []string{"industry 12", "size 12", "contacts.title 12", "needs 12", "region 12", "source 12",
		"contacts.role 12", "address 12", "creditCode 11", "interactions 10", "contacts 7", "contacts.reach 7", "owner 1"}
	if !slices.Equal(missing, wantMissing) {
		t.Errorf("missing:\n%q\nwant\n%q", missing, wantMissing)
	}
	if m := r.Missing[len(r.Missing)-1]; !slices.Equal(names(m.Drill), []string{"西安古城文化有限公司"}) {
		t.Errorf("missing owner drill %q", names(m.Drill))
	}

	for _, tc := range []struct {
		kind    quality.Kind
		records int
		drill   []string // by code
	}{
		{quality.KindStale, 2, []string{"上海申远机械有限公司", "苏州华信电子有限公司"}},
		{quality.KindUnreachableContacts, 1, []string{"广州明达贸易有限公司"}},
		{quality.KindNoOwner, 1, []string{"西安古城文化有限公司"}},
		{quality.KindInactiveOwner, 1, []string{"武汉长江化工有限公司"}},
		{quality.KindInvalidCreditCode, 1, []string{"重庆山城火锅有限公司"}},
		{quality.KindSharedPhone, 1, []string{"杭州云帆科技有限公司", "宁波海纳贸易有限公司"}},
		{quality.KindRepeatedFollowUps, 1, []string{"成都天府软件有限公司"}},
	} {
		f := r.Finding(tc.kind)
		if f.Customers != len(tc.drill) || f.Records != tc.records || !slices.Equal(names(f.Drill), tc.drill) {
			t.Errorf("%s: %d customers, %d records, %q; want %d, %d, %q", tc.kind, f.Customers, f.Records, names(f.Drill),
				len(tc.drill), tc.records, tc.drill)
		}
	}
	if len(r.Findings) != len(quality.Kinds()) {
		t.Errorf("%d findings", len(r.Findings))
	}
	// Read whole: the two contacts of 广州明达 (one phone key for two), the
	// WeChat of 深圳鹏程, the two calls of 成都天府. The rest from the read
	// model.
	if r.ReadWhole != 3 {
		t.Errorf("%d customers read whole, want 3", r.ReadWhole)
	}
}

func TestQualityReportStaleBoundary(t *testing.T) {
	w := newWorld(t)
	// 上海申远: written at t0. 苏州华信: written at t0, its interaction at
	// t0 + 23 h. The cut-off is six calendar months before now.
	for _, tc := range []struct {
		name string
		now  time.Time
		want []string
	}{
		{"six months to the millisecond: at the cut-off is not stale", sixMonths, nil},
		{"a millisecond later: written before, no interaction", sixMonths.Add(time.Millisecond), []string{"上海申远机械有限公司"}},
		{"its interaction at the cut-off", sixMonths.Add(23 * time.Hour), []string{"上海申远机械有限公司"}},
		{"both before", sixMonths.Add(23*time.Hour + time.Millisecond), []string{"上海申远机械有限公司", "苏州华信电子有限公司"}},
		{"a day earlier", sixMonths.Add(-24 * time.Hour), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := w.report(t, analyst, tc.now)
			if f := r.Finding(quality.KindStale); !slices.Equal(names(f.Drill), tc.want) {
				t.Fatalf("stale %q, want %q (cut-off %s)", names(f.Drill), tc.want, r.StaleBefore)
			}
			if !r.StaleBefore.Equal(tc.now.AddDate(0, -6, 0)) {
				t.Fatalf("cut-off %s", r.StaleBefore)
			}
		})
	}
	// Calendar months in Shanghai: 2026-08-31 08:00 there is 00:00 UTC;
	// six months before is "02-31", which Go's AddDate carries to 03-03.
	if got, want := quality.StaleBefore(time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC), nil),
		time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("cut-off %s, want %s", got, want)
	}
	// Late in the day UTC is the next day in Shanghai.
	if got, want := quality.StaleBefore(time.Date(2026, 8, 30, 16, 0, 0, 0, time.UTC), nil),
		time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("cut-off %s, want %s", got, want)
	}
}

func TestQualityReportPermissions(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		a    crm.Actor
		want crm.Code
	}{
		{admin, ""}, {manager, ""}, {analyst, ""}, {crm.APITokenActor("t1"), ""},
		{seller, crm.CodeForbidden}, {staff, crm.CodeForbidden},
	} {
		_, err := w.q.Report(context.Background(), tc.a, sixMonths)
		if got := crm.Code(""); err != nil {
			got = crm.ErrorCode(err)
			if got != tc.want {
				t.Errorf("%s: %v, want %s", tc.a.Role, err, tc.want)
			}
		} else if tc.want != "" {
			t.Errorf("%s: read the report, want %s", tc.a.Role, tc.want)
		}
	}
}

func TestQualityRemoveRepeatedFollowUps(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.by["成都天府软件有限公司"]
	if len(c.Interactions) != 3 {
		t.Fatalf("%d interactions", len(c.Interactions))
	}
	stored := func() *crm.Customer {
		t.Helper()
		got, err := w.crm.Store.Customers().Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, tc := range []struct {
		name    string
		a       crm.Actor
		version int64
		want    crm.Code
	}{
		{"a stale version", seller, c.Version - 1, crm.CodeConflict},
		{"another seller", seller2, c.Version, crm.CodeForbidden},
		{"service staff", staff, c.Version, crm.CodeForbidden},
		{"an analyst", analyst, c.Version, crm.CodeForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := w.q.RemoveRepeatedFollowUps(ctx, tc.a, c.ID, tc.version)
			if crm.ErrorCode(err) != tc.want || err == nil {
				t.Fatalf("%v, want %s", err, tc.want)
			}
			if s := stored(); s.Version != c.Version || len(s.Interactions) != 3 {
				t.Fatalf("written: version %d, %d interactions", s.Version, len(s.Interactions))
			}
		})
	}
	got, removed, err := w.q.RemoveRepeatedFollowUps(ctx, seller, c.ID, c.Version)
	if err != nil || removed != 1 || got.Version != c.Version+1 {
		t.Fatalf("removed %d, %v", removed, err)
	}
	s := stored()
	if len(s.Interactions) != 2 || s.Interactions[0].ID != c.Interactions[0].ID || s.Stats.InteractionCount != 2 {
		t.Fatalf("kept %+v (stats %d)", s.Interactions, s.Stats.InteractionCount)
	}
	if f := w.report(t, manager, sixMonths).Finding(quality.KindRepeatedFollowUps); f.Customers != 0 {
		t.Fatalf("still reported: %+v", f)
	}
	// Again: nothing to remove, nothing written.
	if again, n, err := w.q.RemoveRepeatedFollowUps(ctx, seller, c.ID, s.Version); err != nil || n != 0 || again.Version != s.Version {
		t.Fatalf("again: %d removed, %v", n, err)
	}
}

func TestQualityRemoveAllRepeatedFollowUps(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// A second customer with repeats (seller2's, whom seller may not edit)
	// and an import done twice: three identical records.
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	c, err := w.crm.CreateCustomer(ctx, seller2, crm.CustomerInput{Name: "青岛海尔森电器有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if c, err = w.crm.LogInteraction(ctx, seller2, c.ID, nil, crm.InteractionInput{At: &day, Channel: crm.ChannelPhone, Summary: "电话联系"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []crm.Actor{seller, analyst, staff, crm.APITokenActor("t1")} {
		if _, err := w.q.RemoveAllRepeatedFollowUps(ctx, a); !crm.IsCode(err, crm.CodeForbidden) {
			t.Fatalf("%s: %v, want FORBIDDEN", a.Role, err)
		}
	}
	if f := w.report(t, manager, sixMonths).Finding(quality.KindRepeatedFollowUps); f.Customers != 2 || f.Records != 3 {
		t.Fatalf("before: %+v", f)
	}
	done, err := w.q.RemoveAllRepeatedFollowUps(ctx, manager)
	if err != nil {
		t.Fatal(err)
	}
	if done.Customers != 2 || done.Removed != 3 || len(done.Changed) != 0 {
		t.Fatalf("cleanup %+v", done)
	}
	if f := w.report(t, manager, sixMonths).Finding(quality.KindRepeatedFollowUps); f.Customers != 0 {
		t.Fatalf("after: %+v", f)
	}
	got, err := w.crm.Store.Customers().Get(ctx, c.ID)
	if err != nil || len(got.Interactions) != 1 || got.UpdatedBy != manager.UserID {
		t.Fatalf("%v: %d interactions, by %s", err, len(got.Interactions), got.UpdatedBy)
	}
}

func TestQualityReportFromReadModelMatchesWholeDocuments(t *testing.T) {
	// The report reads most customers from the read model; reading every
	// one whole must give the same report. Demo customers (contacts without
	// phone or e-mail, several contacts, WeChat) and the world's.
	st, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	now := sixMonths
	if err := demo.Load(ctx, st, 7, 200, now, ""); err != nil {
		t.Fatal(err)
	}
	svc := &crm.Service{Store: st, Clock: crm.NewFixedClock(now)}
	users, err := st.Users().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var boss crm.Actor
	for _, u := range users {
		if u.Role == crm.RoleManager {
			boss = crm.Actor{UserID: u.ID, Role: u.Role}
		}
	}
	// Repeats on a few demo customers: their last interaction logged again;
	// on a few others a contact with one phone, and one without a way to
	// reach them.
	n, phone, shared := 0, "", 0
	err = st.Customers().Each(ctx, crm.EachQuery{Scope: crm.ScopeActive, Full: true}, func(c *crm.Customer) error {
		switch {
		case phone == "" && c.Contacts[0].Phone != "":
			phone = c.Contacts[0].Phone
		case phone != "" && shared < 3:
			shared++
			_, err := svc.AddContact(ctx, boss, c.ID, nil, crm.ContactInput{Name: "钱工", ContactFields: crm.ContactFields{Phone: ptr(phone)}})
			if err == nil {
				_, err = svc.AddContact(ctx, boss, c.ID, nil, crm.ContactInput{Name: "孙工"})
			}
			return err
		}
		if n < 5 && len(c.Interactions) > 0 && c.Interactions[len(c.Interactions)-1].NextAction == nil {
			n++
			x := c.Interactions[len(c.Interactions)-1]
			_, err := svc.LogInteraction(ctx, boss, c.ID, nil, crm.InteractionInput{At: &x.At, Channel: x.Channel,
				Summary: x.Summary, Feedback: ptr(x.Feedback), Result: ptr(x.Result), KeyEvent: ptr(x.KeyEvent)})
			return err
		}
		return nil
	})
	if err != nil || n != 5 {
		t.Fatalf("planted %d repeats: %v", n, err)
	}

	got, err := (&quality.Service{CRM: svc}).Report(ctx, boss, now)
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]bool{}
	for _, u := range users {
		owners[u.ID] = u.Assignable()
	}
	z := quality.NewAnalyzer(quality.Config{Now: now, Owners: func(id string) bool { return owners[id] }})
	err = st.Customers().Each(ctx, crm.EachQuery{Scope: crm.ScopeActive, Full: true}, func(c *crm.Customer) error {
		if !z.Add(c) {
			t.Fatalf("whole document %s not added", c.Code)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := z.Report()
	if want.ReadWhole != want.Customers || got.ReadWhole >= got.Customers/2 {
		t.Errorf("read whole: %d of %d, and %d of %d for all", got.ReadWhole, got.Customers, want.ReadWhole, want.Customers)
	}
	t.Logf("%d customers, %d read whole; average %.1f; findings %+v", got.Customers, got.ReadWhole, got.AvgCompleteness, counts(got))
	got.ReadWhole, want.ReadWhole = 0, 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("from the read model:\n%+v\nwhole:\n%+v", got, want)
	}
	if f := got.Finding(quality.KindRepeatedFollowUps); f.Customers != 5 || f.Records != 5 {
		t.Errorf("repeats %+v", f)
	}
	if f := got.Finding(quality.KindSharedPhone); f.Customers != 4 || f.Records != 1 {
		t.Errorf("shared phones %+v", f)
	}
}

func counts(r *quality.Report) map[quality.Kind][2]int {
	out := map[quality.Kind][2]int{}
	for _, f := range r.Findings {
		out[f.Kind] = [2]int{f.Customers, f.Records}
	}
	return out
}
