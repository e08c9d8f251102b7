package crm_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// changesOf renders a draft's changes as "field:old→new" lines, sorted.
func changesOf(d crm.ImportDraft) []string {
	var out []string
	for _, ch := range d.Changes {
		out = append(out, ch.Field+":"+ch.Old+"→"+ch.New)
	}
	return out
}

func wantChanges(t *testing.T, d crm.ImportDraft, want ...string) {
	t.Helper()
	got := changesOf(d)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("changes:\n got %q\nwant %q", got, want)
	}
}

// DraftImport builds what an import writes, validated as the API validates,
// with the diff; applying the same record again changes nothing.
func TestDraftImport(t *testing.T) {
	f := newPolicyFixture(t) // 权限测试公司, owned by seller, contact 李总 13912345678
	svc, ctx := f.svc, context.Background()
	day := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	at := time.Date(2026, 10, 20, 2, 0, 0, 0, time.UTC)

	t.Run("only managers and admins import", func(t *testing.T) {
		_, err := svc.DraftImport(ctx, f.seller, nil, crm.ImportRecord{Name: ptr("某公司")})
		wantCode(t, err, crm.CodeForbidden, "")
	})

	t.Run("a new customer", func(t *testing.T) {
		rec := crm.ImportRecord{Name: ptr("导入新公司"), Fields: crm.CustomerFields{Industry: ptr("制造业"), Tags: []string{"展会", "重点"}},
			Contacts: []crm.ContactInput{
				{Name: "张三", ContactFields: crm.ContactFields{Phone: ptr("13812345678"), Title: ptr("采购经理")}},
				{Name: "李四", ContactFields: crm.ContactFields{Email: ptr("li@example.cn")}}},
			Interactions: []crm.InteractionInput{{At: &at, Channel: crm.ChannelPhone, Summary: "电话联系，了解需求"}},
			Deals:        []crm.DealInput{{Date: &day, Product: "产品A", Amount: 100000}}}
		d, err := svc.DraftImport(ctx, f.boss, nil, rec)
		if err != nil {
			t.Fatal(err)
		}
		c := d.Customer
		if !d.Created || c.Version != 1 || c.Code != "" || c.OwnerID != f.boss.UserID || c.Name != "导入新公司" {
			t.Fatalf("draft: created %v, version %d, code %q, owner %s, name %s", d.Created, c.Version, c.Code, c.OwnerID, c.Name)
		}
		wantChanges(t, d, "name:→导入新公司", "industry:→制造业", "tags:→展会、重点", "type:→NEW", "stage:→POTENTIAL",
			"ownerId:→"+f.boss.UserID, "contacts[张三].name:→张三", "contacts[张三].phone:→13812345678", "contacts[张三].title:→采购经理",
			"contacts[李四].name:→李四", "contacts[李四].email:→li@example.cn", "interactions:→1", "deals:→1")
		if !c.Contacts[0].Primary || c.Contacts[1].Primary {
			t.Errorf("primary contact: %+v", c.Contacts)
		}
		if c.Stats.TotalAmount != 100000 || c.Match.Name == "" || c.Interactions[0].At != at {
			t.Errorf("figures not recomputed: deal total %d, name key %q, interaction at %v", c.Stats.TotalAmount, c.Match.Name, c.Interactions[0].At)
		}
		if err := svc.Store.Customers().Insert(ctx, c, "202611"); err != nil {
			t.Fatal(err)
		}
		again, err := svc.Store.Customers().Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		d, err = svc.DraftImport(ctx, f.boss, again, rec)
		if err != nil || len(d.Changes) != 0 || d.Customer.Version != 1 {
			t.Fatalf("the same record again: %v, changes %q, version %d", err, changesOf(d), d.Customer.Version)
		}
	})

	t.Run("an update", func(t *testing.T) {
		c, err := svc.Store.Customers().Get(ctx, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		version := c.Version
		rec := crm.ImportRecord{Fields: crm.CustomerFields{Industry: ptr("物流"), Tags: []string{"重点"}},
			Contacts: []crm.ContactInput{
				{Name: "李总", ContactFields: crm.ContactFields{Email: ptr("li@kehu.cn")}},
				{Name: "王五"}}}
		d, err := svc.DraftImport(ctx, f.boss, c, rec)
		if err != nil {
			t.Fatal(err)
		}
		wantChanges(t, d, "industry:→物流", "tags:"+strings.Join(c.Tags[:len(c.Tags)-1], "、")+"→"+strings.Join(c.Tags, "、"),
			"contacts[李总].email:→li@kehu.cn", "contacts[王五].name:→王五")
		if d.Created || d.Customer.Version != version+1 || d.Customer.Contacts[0].Phone != "13912345678" {
			t.Fatalf("draft: created %v, version %d (was %d), 李总's phone %q", d.Created, d.Customer.Version, version, d.Customer.Contacts[0].Phone)
		}
	})

	t.Run("bad values name the record's field", func(t *testing.T) {
		for _, r := range []struct {
			name  string
			rec   crm.ImportRecord
			field string
		}{
			{"no name for a new customer", crm.ImportRecord{}, "name"},
			{"an ID number in the notes", crm.ImportRecord{Name: ptr("某公司"), Fields: crm.CustomerFields{Notes: ptr("法人身份证 11010519491231002X")}}, "notes"},
			{"a bad phone", crm.ImportRecord{Name: ptr("某公司"), Contacts: []crm.ContactInput{{Name: "甲"}, {Name: "乙", ContactFields: crm.ContactFields{Phone: ptr("12345")}}}}, "contacts[1].phone"},
			{"an interaction without a time", crm.ImportRecord{Name: ptr("某公司"), Interactions: []crm.InteractionInput{{Channel: crm.ChannelPhone, Summary: "电话"}}}, "interactions[0].at"},
			{"a deal in the future", crm.ImportRecord{Name: ptr("某公司"), Deals: []crm.DealInput{{Date: ptr(day.AddDate(1, 0, 0)), Product: "A", Amount: 1}}}, "deals[0].date"},
			{"an unknown owner", crm.ImportRecord{Name: ptr("某公司"), Fields: crm.CustomerFields{OwnerID: ptr("nobody")}}, "ownerId"},
		} {
			t.Run(r.name, func(t *testing.T) {
				_, err := svc.DraftImport(ctx, f.boss, nil, r.rec)
				wantCode(t, err, crm.CodeBadUserInput, r.field)
			})
		}
	})

	t.Run("owners are checked against the users the context knows", func(t *testing.T) {
		boss, err := svc.Store.Users().Get(ctx, f.boss.UserID)
		if err != nil {
			t.Fatal(err)
		}
		known := crm.WithKnownUsers(ctx, []*crm.User{boss})
		rec := crm.ImportRecord{Name: ptr("某公司"), Fields: crm.CustomerFields{OwnerID: ptr(f.seller.UserID)}}
		if _, err := svc.DraftImport(ctx, f.boss, nil, rec); err != nil {
			t.Fatalf("the seller from the store: %v", err)
		}
		_, err = svc.DraftImport(known, f.boss, nil, rec)
		wantCode(t, err, crm.CodeBadUserInput, "ownerId")
		rec.Fields.OwnerID = ptr(f.boss.UserID)
		if _, err := svc.DraftImport(known, f.boss, nil, rec); err != nil {
			t.Fatalf("a known owner: %v", err)
		}
	})

	t.Run("an archived customer", func(t *testing.T) {
		c, err := svc.Store.Customers().Get(ctx, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c, err = svc.ArchiveCustomer(ctx, f.boss, c.ID, c.Version); err != nil {
			t.Fatal(err)
		}
		_, err = svc.DraftImport(ctx, f.boss, c, crm.ImportRecord{Fields: crm.CustomerFields{Industry: ptr("物流")}})
		wantCode(t, err, crm.CodeBadUserInput, "id")
	})
}
