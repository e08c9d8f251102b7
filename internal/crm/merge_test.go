package crm_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// mergeFixture: a survivor and two duplicates of one company, typed in by
// different people, with entries they share and entries of their own.
type mergeFixture struct {
	svc          *crm.Service
	clock        *crm.FixedClock
	boss, seller crm.Actor
	rep          crm.Actor
	a, b, c      *crm.Customer
}

func newMergeFixture(t *testing.T) *mergeFixture {
	t.Helper()
	svc, clock := newService(t)
	ctx := context.Background()
	f := &mergeFixture{svc: svc, clock: clock, boss: crm.Actor{UserID: "m-boss", Role: crm.RoleManager},
		seller: crm.Actor{UserID: "m-seller", Role: crm.RoleSales}, rep: crm.Actor{UserID: "m-rep", Role: crm.RoleSales}}
	for _, a := range []crm.Actor{f.boss, f.seller, f.rep} {
		if err := svc.Store.Users().Insert(ctx, &crm.User{ID: a.UserID, Email: a.UserID + "@kehu.local", Name: a.UserID, Role: a.Role, Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 11, 10, 2, 0, 0, 0, time.UTC)
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	create := func(in crm.CustomerInput, owner crm.Actor, its func(c *crm.Customer) *crm.Customer) *crm.Customer {
		in.OwnerID = ptr(owner.UserID)
		c, err := svc.CreateCustomer(ctx, f.boss, in)
		if err != nil {
			t.Fatal(err)
		}
		return its(c)
	}
	must := func(c *crm.Customer, err error) *crm.Customer {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	f.a = create(crm.CustomerInput{Name: "杭州云帆科技有限公司", CustomerFields: crm.CustomerFields{Industry: ptr("软件"), Tags: []string{"重点"}},
		Contacts: []crm.ContactInput{{Name: "陈经理", ContactFields: crm.ContactFields{Phone: ptr("13912345678")}}}}, f.seller,
		func(c *crm.Customer) *crm.Customer {
			c = must(svc.LogInteraction(ctx, f.seller, c.ID, nil, crm.InteractionInput{At: &at, Channel: crm.ChannelPhone, Summary: "电话联系，了解需求"}))
			return must(svc.RecordDeal(ctx, f.seller, c.ID, nil, crm.DealInput{Date: &day, Product: "产品A", Amount: 100000}))
		})
	f.b = create(crm.CustomerInput{Name: "杭州云帆科技", CustomerFields: crm.CustomerFields{CreditCode: ptr("91350100M000100Y43"),
		Address: ptr("杭州市西湖区文三路1号"), Tags: []string{"展会"}},
		Contacts: []crm.ContactInput{
			{Name: "陈经理", ContactFields: crm.ContactFields{Phone: ptr("139-1234-5678"), Email: ptr("chen@yunfan.cn")}},
			{Name: "李工", ContactFields: crm.ContactFields{Phone: ptr("13800001111")}}}}, f.rep,
		func(c *crm.Customer) *crm.Customer {
			c = must(svc.LogInteraction(ctx, f.rep, c.ID, nil, crm.InteractionInput{At: &at, Channel: crm.ChannelPhone, Summary: "电话联系，了解需求"}))
			c = must(svc.LogInteraction(ctx, f.rep, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelVisit, Summary: "拜访李工",
				ContactIDs: []string{c.Contacts[1].ID}}))
			c = must(svc.RecordDeal(ctx, f.rep, c.ID, nil, crm.DealInput{Date: &day, Product: "产品A", Amount: 100000}))
			return must(svc.RecordDeal(ctx, f.rep, c.ID, nil, crm.DealInput{Date: &day, Product: "产品B", Amount: 50000}))
		})
	f.c = create(crm.CustomerInput{Name: "云帆科技（杭州）", CustomerFields: crm.CustomerFields{Industry: ptr("信息技术")}}, f.seller,
		func(c *crm.Customer) *crm.Customer { return c })
	return f
}

func (f *mergeFixture) input(choices ...crm.MergeChoice) crm.MergeInput {
	return crm.MergeInput{SurvivorID: f.a.ID, OtherIDs: []string{f.b.ID, f.c.ID},
		ExpectedVersions: []int64{f.a.Version, f.b.Version, f.c.Version}, Choices: choices}
}

func (f *mergeFixture) get(t *testing.T, id string) *crm.Customer {
	t.Helper()
	c, err := f.svc.Store.Customers().Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A merge combines the entries (the same one once), takes the fields as
// chosen (by default the survivor's, else the first other's), computes the
// figures again, archives the others with a pointer; the undo restores
// every customer as it was.
func TestMergeCustomers(t *testing.T) {
	f := newMergeFixture(t)
	ctx := context.Background()
	m, got, err := f.svc.MergeCustomers(ctx, f.boss, f.input(crm.MergeChoice{Field: "industry", From: f.c.ID}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "杭州云帆科技有限公司" || got.Industry != "信息技术" || got.CreditCode != "91350100M000100Y43" ||
		got.Address != "杭州市西湖区文三路1号" || got.OwnerID != f.seller.UserID || got.Version != f.a.Version+1 {
		t.Fatalf("fields: %+v", got)
	}
	if !slices.Equal(got.Tags, []string{"重点", "展会"}) || !slices.Equal(got.Collaborators, []string{f.rep.UserID}) {
		t.Errorf("tags %q, collaborators %q", got.Tags, got.Collaborators)
	}
	if len(got.Contacts) != 2 || got.Contacts[0].Email != "chen@yunfan.cn" || !got.Contacts[0].Primary || got.Contacts[1].Primary {
		t.Errorf("contacts: %+v", got.Contacts)
	}
	if len(got.Interactions) != 2 || len(got.Deals) != 2 || got.Stats.TotalAmount != 150000 || got.Stats.DealCount != 2 {
		t.Errorf("%d interactions, %d deals, total %v", len(got.Interactions), len(got.Deals), got.Stats.TotalAmount)
	}
	visit := got.Interactions[slices.IndexFunc(got.Interactions, func(x crm.Interaction) bool { return x.Summary == "拜访李工" })]
	if !slices.Equal(visit.ContactIDs, []string{got.Contacts[1].ID}) {
		t.Errorf("the visit names contacts %q, want 李工's %s", visit.ContactIDs, got.Contacts[1].ID)
	}
	for _, o := range []*crm.Customer{f.b, f.c} {
		s := f.get(t, o.ID)
		if !s.Archived() || s.MergedInto != f.a.ID || s.Version != o.Version+1 {
			t.Errorf("%s: archived %v, merged into %q", s.Code, s.Archived(), s.MergedInto)
		}
	}
	if s := f.get(t, f.b.ID); s.CreditCode != "" {
		t.Errorf("the archived duplicate keeps the credit code the survivor took: %q", s.CreditCode)
	}
	if m.Survivor != f.a.ID || !slices.Equal(m.Others, []string{f.b.ID, f.c.ID}) || len(m.Before) != 3 || m.By != f.boss.UserID {
		t.Fatalf("merge: %+v", m)
	}
	list, err := f.svc.Merges(ctx, f.boss, f.b.ID, 10)
	if err != nil || len(list) != 1 || list[0].ID != m.ID {
		t.Fatalf("merges of an other: %v %v", err, list)
	}

	undone, err := f.svc.UndoMerge(ctx, f.boss, m.ID)
	if err != nil || undone.UndoneAt == nil || len(undone.Kept) != 0 {
		t.Fatalf("undo: %v %+v", err, undone)
	}
	for _, o := range []*crm.Customer{f.a, f.b, f.c} {
		s := f.get(t, o.ID)
		if s.Archived() || s.MergedInto != "" || s.Name != o.Name || s.CreditCode != o.CreditCode || s.Industry != o.Industry ||
			len(s.Contacts) != len(o.Contacts) || len(s.Deals) != len(o.Deals) || s.Stats.TotalAmount != o.Stats.TotalAmount {
			t.Errorf("%s after the undo: %+v", o.Code, s)
		}
	}
	_, err = f.svc.UndoMerge(ctx, f.boss, m.ID)
	wantCode(t, err, crm.CodeBadUserInput, "id")
}

// An undo leaves a customer written since as it is, and says so.
func TestUndoMergeKeepsWhatChangedSince(t *testing.T) {
	f := newMergeFixture(t)
	ctx := context.Background()
	m, got, err := f.svc.MergeCustomers(ctx, f.boss, f.input())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.LogInteraction(ctx, f.seller, got.ID, nil, crm.InteractionInput{Channel: crm.ChannelWeChat, Summary: "合并后的跟进"}); err != nil {
		t.Fatal(err)
	}
	undone, err := f.svc.UndoMerge(ctx, f.boss, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The survivor keeps the credit code it took from b: b cannot have it
	// back, and stays merged.
	want := []crm.UndoKept{{ID: f.a.ID, Code: f.a.Code, Reason: crm.ReasonChangedSince}, {ID: f.b.ID, Code: f.b.Code, Reason: crm.ReasonTaken}}
	if !slices.Equal(undone.Kept, want) {
		t.Fatalf("kept %+v, want %+v", undone.Kept, want)
	}
	if s := f.get(t, f.c.ID); s.Archived() {
		t.Error("an unchanged other stays archived")
	}
	if s := f.get(t, f.a.ID); len(s.Interactions) != 3 {
		t.Errorf("the survivor written since was overwritten: %d interactions", len(s.Interactions))
	}

	// The rules rewriting the survivor (a new version; Edited, UpdatedAt
	// and UpdatedBy kept, as Reclassify writes) do not stop the undo.
	t.Run("over the rules' writes", func(t *testing.T) {
		f := newMergeFixture(t)
		m, got, err := f.svc.MergeCustomers(ctx, f.boss, f.input())
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			c := f.get(t, got.ID)
			c.ValueTier = crm.TierC
			c.Version++
			if err := f.svc.Store.Customers().Replace(ctx, c, c.Version-1); err != nil {
				t.Fatal(err)
			}
		}
		undone, err := f.svc.UndoMerge(ctx, f.boss, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(undone.Kept) != 0 {
			t.Fatalf("kept %+v", undone.Kept)
		}
		if s := f.get(t, f.a.ID); s.ValueTier == crm.TierC || len(s.Interactions) != len(f.a.Interactions) {
			t.Errorf("the survivor was not restored: tier %q, %d interactions", s.ValueTier, len(s.Interactions))
		}
	})

	t.Run("after 30 days", func(t *testing.T) {
		f := newMergeFixture(t)
		m, _, err := f.svc.MergeCustomers(ctx, f.boss, f.input())
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(crm.MergeUndoWithin + time.Minute)
		_, err = f.svc.UndoMerge(ctx, f.boss, m.ID)
		wantCode(t, err, crm.CodeBadUserInput, "id")
	})
}

// Every refused merge writes nothing.
func TestMergeRefusals(t *testing.T) {
	f := newMergeFixture(t)
	ctx := context.Background()
	ok := f.input()
	cases := []struct {
		name  string
		who   crm.Actor
		in    func() crm.MergeInput
		code  crm.Code
		field string
	}{
		{"a salesperson", f.seller, func() crm.MergeInput { return ok }, crm.CodeForbidden, ""},
		{"no other", f.boss, func() crm.MergeInput {
			in := ok
			in.OtherIDs, in.ExpectedVersions = nil, in.ExpectedVersions[:1]
			return in
		},
			crm.CodeBadUserInput, "otherIds"},
		{"the survivor among the others", f.boss, func() crm.MergeInput {
			in := ok
			in.OtherIDs = []string{f.b.ID, f.a.ID}
			return in
		}, crm.CodeBadUserInput, "otherIds[1]"},
		{"a version short", f.boss, func() crm.MergeInput { in := ok; in.ExpectedVersions = in.ExpectedVersions[:2]; return in },
			crm.CodeBadUserInput, "expectedVersions"},
		{"an unknown field", f.boss, func() crm.MergeInput {
			in := ok
			in.Choices = []crm.MergeChoice{{Field: "stats", From: f.b.ID}}
			return in
		}, crm.CodeBadUserInput, "choices[0].field"},
		{"a value from a stranger", f.boss, func() crm.MergeInput {
			in := ok
			in.Choices = []crm.MergeChoice{{Field: "name", From: "nobody"}}
			return in
		}, crm.CodeBadUserInput, "choices[0].from"},
		{"a stale version", f.boss, func() crm.MergeInput {
			in := ok
			in.ExpectedVersions = []int64{f.a.Version, f.b.Version - 1, f.c.Version}
			return in
		}, crm.CodeConflict, "otherIds[0]"},
		{"a customer that does not exist", f.boss, func() crm.MergeInput {
			in := ok
			in.OtherIDs = []string{f.b.ID, "nope"}
			return in
		}, crm.CodeNotFound, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := f.svc.MergeCustomers(ctx, c.who, c.in())
			wantCode(t, err, c.code, c.field)
			for _, o := range []*crm.Customer{f.a, f.b, f.c} {
				if s := f.get(t, o.ID); s.Version != o.Version {
					t.Fatalf("%s was written", o.Code)
				}
			}
		})
	}
	t.Run("an archived customer", func(t *testing.T) {
		arch, err := f.svc.ArchiveCustomer(ctx, f.boss, f.c.ID, f.c.Version)
		if err != nil {
			t.Fatal(err)
		}
		in := ok
		in.ExpectedVersions = []int64{f.a.Version, f.b.Version, arch.Version}
		_, _, err = f.svc.MergeCustomers(ctx, f.boss, in)
		wantCode(t, err, crm.CodeBadUserInput, "otherIds[1]")
	})
}

// The others' people join the survivor as collaborators only while they
// may: a disabled owner does not, and does not stop the merge.
func TestMergeLeavesOutPeopleWhoMayNot(t *testing.T) {
	f := newMergeFixture(t)
	ctx := context.Background()
	u, err := f.svc.Store.Users().Get(ctx, f.rep.UserID)
	if err != nil {
		t.Fatal(err)
	}
	u.Disabled, u.Version = true, u.Version+1
	if err := f.svc.Store.Users().Replace(ctx, u, u.Version-1); err != nil {
		t.Fatal(err)
	}
	_, got, err := f.svc.MergeCustomers(ctx, f.boss, f.input())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Collaborators) != 0 {
		t.Errorf("collaborators %q: the disabled owner of a merged customer joined", got.Collaborators)
	}
}
