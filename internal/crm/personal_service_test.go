package crm_test

import (
	"context"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// newServiceWithUser is newService with the owner as an active user.
func newServiceWithUser(t *testing.T) *crm.Service {
	t.Helper()
	svc, _ := newService(t)
	u := &crm.User{ID: owner.UserID, Email: "o@kehu.cn", Name: "O", Role: crm.RoleSales, Version: 1, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := svc.Store.Users().Insert(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return svc
}

func wantReason(t *testing.T, what string, err error, field string, reason crm.Reason) {
	t.Helper()
	e, ok := err.(*crm.Error)
	if !ok || e.Code != crm.CodeBadUserInput || len(e.Fields) == 0 {
		t.Errorf("%s: want BAD_USER_INPUT %s on %s, got %v", what, reason, field, err)
		return
	}
	if f := e.Fields[0]; f.Field != field || f.Reason != reason {
		t.Errorf("%s: want %s on %s, got %+v", what, reason, field, e.Fields)
	}
}

// Every string a customer write stores is checked, whatever field it comes
// from, after one normalisation.
func TestCustomerWritesRefusePersonalData(t *testing.T) {
	svc := newServiceWithUser(t)
	ctx := context.Background()
	const id = "110105199003078510"
	const idFull = "１１０１０５１９９００３０７８５１０"
	const idSpaced = "110105 1990 0307 851 0"
	const id15 = "110105491231002"
	create := func(f func(*crm.CustomerInput)) error {
		in := crm.CustomerInput{Name: "某科技有限公司"}
		f(&in)
		_, err := svc.CreateCustomer(ctx, owner, in)
		return err
	}
	for _, tc := range []struct {
		what   string
		f      func(*crm.CustomerInput)
		field  string
		reason crm.Reason
	}{
		{"name", func(in *crm.CustomerInput) { in.Name = "某公司" + idFull }, "name", crm.ReasonIDNumber},
		{"credit code that is an ID", func(in *crm.CustomerInput) { in.CreditCode = ptr(id) }, "creditCode", crm.ReasonIDNumber},
		{"website", func(in *crm.CustomerInput) { in.Website = ptr("https://example.com/" + id) }, "website", crm.ReasonIDNumber},
		{"tag", func(in *crm.CustomerInput) { in.Tags = []string{"VIP", "证件" + idSpaced} }, "tags[1]", crm.ReasonIDNumber},
		{"notes 15", func(in *crm.CustomerInput) { in.Notes = ptr("老身份证" + id15) }, "notes", crm.ReasonIDNumber},
		{"notes early digit", func(in *crm.CustomerInput) { in.Notes = ptr("编号9" + id) }, "notes", crm.ReasonIDNumber},
		{"notes zero-width", func(in *crm.CustomerInput) { in.Notes = ptr("1101\u200b0519\u200b9003\u200b078510") }, "notes", crm.ReasonIDNumber},
		{"notes lower x", func(in *crm.CustomerInput) { in.Notes = ptr("11010519491231002x") }, "notes", crm.ReasonIDNumber},
		{"contact e-mail", func(in *crm.CustomerInput) {
			in.Contacts = []crm.ContactInput{{Name: "王", ContactFields: crm.ContactFields{Email: ptr(id + "@qq.com")}}}
		}, "contacts[0].email", crm.ReasonIDNumber},
		{"contact wechat", func(in *crm.CustomerInput) {
			in.Contacts = []crm.ContactInput{{Name: "王", ContactFields: crm.ContactFields{WeChat: ptr("wx" + id)}}}
		}, "contacts[0].wechat", crm.ReasonIDNumber},
		{"contact best time", func(in *crm.CustomerInput) {
			in.Contacts = []crm.ContactInput{{Name: "王", ContactFields: crm.ContactFields{BestTime: ptr("家住阳光小区3栋2单元301")}}}
		}, "contacts[0].bestTime", crm.ReasonHomeAddress},
		{"home wording in the company address", func(in *crm.CustomerInput) { in.Address = ptr("家庭住址：北京市朝阳区望京西路1号") }, "address", crm.ReasonHomeAddress},
		{"compound in notes", func(in *crm.CustomerInput) { in.Notes = ptr("老板住幸福家园5号楼1202室") }, "notes", crm.ReasonHomeAddress},
	} {
		wantReason(t, tc.what, create(tc.f), tc.field, tc.reason)
	}

	c, err := svc.CreateCustomer(ctx, owner, crm.CustomerInput{Name: "某科技有限公司", CustomerFields: crm.CustomerFields{
		Address: ptr("某某路88号某大厦1201室"), CreditCode: ptr(" ９１３５０１００ｍ０００１００Ｙ４３ ")},
		Contacts: []crm.ContactInput{{Name: "王经理", ContactFields: crm.ContactFields{Phone: ptr("１３８ １２３４ ５６７８"), Email: ptr("ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Address != "某某路88号某大厦1201室" || c.CreditCode != "91350100M000100Y43" || c.Contacts[0].Phone != "13812345678" ||
		c.Contacts[0].Email != "wang@example.com" {
		t.Fatalf("stored %q %+v", c.Address, c.Contacts[0])
	}
	// Nested free text: interactions, next actions, needs, deals, satisfaction.
	_, err = svc.LogInteraction(ctx, owner, c.ID, nil, crm.InteractionInput{Channel: crm.InteractionChannel("PHONE"), Summary: "客户提供了" + idFull})
	wantReason(t, "summary", err, "summary", crm.ReasonIDNumber)
	_, err = svc.LogInteraction(ctx, owner, c.ID, nil, crm.InteractionInput{Channel: crm.InteractionChannel("PHONE"), Summary: "回访",
		NextAction: &crm.NextActionInput{What: "寄到家庭住址：上海市浦东新区某路1号"}})
	wantReason(t, "next action", err, "nextAction.what", crm.ReasonHomeAddress)
	_, err = svc.AddNeed(ctx, owner, c.ID, nil, crm.NeedInput{Title: "证件 " + idSpaced})
	wantReason(t, "need", err, "title", crm.ReasonIDNumber)
	_, err = svc.RecordDeal(ctx, owner, c.ID, nil, crm.DealInput{Product: "软件", Amount: 100, Note: ptr(id15)})
	wantReason(t, "deal note", err, "note", crm.ReasonIDNumber)
	_, err = svc.RecordSatisfaction(ctx, owner, c.ID, nil, crm.SatisfactionInput{Score: 90, Comment: ptr("住址是杭州市西湖区文三路")})
	wantReason(t, "satisfaction", err, "comment", crm.ReasonHomeAddress)
	got, err := svc.Customer(ctx, c.ID)
	if err != nil || got.Version != c.Version {
		t.Fatalf("a refused write was stored: %v %d", err, got.Version)
	}
}

// Filter values kept in saved segments are stored strings too.
func TestSavedSegmentRefusesPersonalData(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	_, err := svc.SaveSegment(ctx, analyst, crm.SegmentInput{Name: "x", Query: ptr(`name:*110105-1990-0307-8510*`)})
	wantReason(t, "query", err, "query", crm.ReasonIDNumber)
	_, err = svc.SaveSegment(ctx, analyst, crm.SegmentInput{Name: "y", Where: map[string]any{
		"name": map[string]any{"contains": "11010519491231002x"}}})
	wantReason(t, "where", err, "where.name.contains", crm.ReasonIDNumber)
	_, err = svc.SaveSegment(ctx, analyst, crm.SegmentInput{Name: "身份证110105491231002", Query: ptr("tier:A")})
	wantReason(t, "name", err, "name", crm.ReasonIDNumber)
	seg, err := svc.SaveSegment(ctx, analyst, crm.SegmentInput{Name: "ok", Query: ptr("tier:A")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.UpdateSegment(ctx, analyst, seg.ID, seg.Version, crm.SegmentPatch{Query: ptr(`name:*阳光小区3栋2单元301*`)})
	wantReason(t, "update", err, "query", crm.ReasonHomeAddress)
}

// A viewer who sees a customer's contact details masked and corrects a
// text keeps the details the text held: the mask is not stored over them.
func TestMaskedEditKeepsContactDetails(t *testing.T) {
	svc := newServiceWithUser(t)
	ctx := context.Background()
	service := crm.Actor{UserID: "u-service", Role: crm.RoleService}
	u := &crm.User{ID: service.UserID, Email: "s@kehu.cn", Name: "S", Role: crm.RoleService, Version: 1, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := svc.Store.Users().Insert(ctx, u); err != nil {
		t.Fatal(err)
	}
	c, err := svc.CreateCustomer(ctx, owner, crm.CustomerInput{Name: "某科技有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	if c.OwnerID == service.UserID || service.CanSeeContactDetails(c) {
		t.Fatal("the service user must see this customer masked")
	}
	c, err = svc.LogInteraction(ctx, service, c.ID, nil, crm.InteractionInput{Channel: crm.InteractionChannel("PHONE"),
		Summary: "客户来电，手机13812345678，邮箱wang@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	it := c.Interactions[0]
	seen := crm.VisibleInteractions(service, c, c.Interactions)[0].Summary
	if seen != "客户来电，手机138****5678，邮箱w***@example.com" {
		t.Fatalf("the service user sees %q", seen)
	}
	edited := "客户回电" + seen[len("客户来电"):]
	c, err = svc.UpdateInteraction(ctx, service, c.ID, it.ID, c.Version, crm.InteractionPatch{Summary: &edited})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Interactions[0].Summary; got != "客户回电，手机13812345678，邮箱wang@example.com" {
		t.Fatalf("stored %q", got)
	}
}
