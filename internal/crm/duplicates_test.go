package crm_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

func TestPossibleDuplicates(t *testing.T) {
	f := newPolicyFixture(t) // 权限测试公司, owned by seller, contact phone 13912345678
	svc, ctx := f.svc, context.Background()
	code17 := "91110108MA01ABCD1"
	credit := code17 + string(crm.CreditCodeCheckChar(code17))
	other, err := svc.CreateCustomer(ctx, f.boss, crm.CustomerInput{Name: "北京星河贸易有限公司", CustomerFields: crm.CustomerFields{
		CreditCode: ptr(credit), OwnerID: ptr(f.stranger.UserID)},
		Contacts: []crm.ContactInput{{Name: "周", ContactFields: crm.ContactFields{Phone: ptr("010-66668888")}}}})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		name string
		who  crm.Actor
		in   crm.DuplicateCheck
		want string // "name:REASON,REASON;..."
	}
	for _, r := range []row{
		{"name differs by form and width", f.seller, crm.DuplicateCheck{Name: "权限测试股份有限公司"}, "权限测试公司:NAME"},
		{"full-width name", f.analyst, crm.DuplicateCheck{Name: "权限测试（集团）"}, "权限测试公司:NAME"},
		{"region prefix is another company", f.boss, crm.DuplicateCheck{Name: "星河贸易有限公司"}, ""},
		{"credit code, lower case and spaced", f.seller, crm.DuplicateCheck{CreditCode: strings.ToLower(credit[:9]) + " " + credit[9:]}, "北京星河贸易有限公司:CREDIT_CODE"},
		{"invalid credit code matches nothing", f.boss, crm.DuplicateCheck{CreditCode: credit[:17] + "0"}, ""},
		{"phone, owner sees it", f.seller, crm.DuplicateCheck{Phones: []string{"+86 139 1234 5678"}}, "权限测试公司:PHONE"},
		{"phone, manager sees it", f.boss, crm.DuplicateCheck{Phones: []string{"01066668888"}}, "北京星河贸易有限公司:PHONE"},
		// The collaborator, another rep and an analyst see the phone masked:
		// a match would confirm the number behind the mask.
		{"phone, collaborator sees it masked", f.helper, crm.DuplicateCheck{Phones: []string{"13912345678"}}, ""},
		{"phone, other rep", f.seller, crm.DuplicateCheck{Phones: []string{"010-66668888"}}, ""},
		{"phone, analyst", f.analyst, crm.DuplicateCheck{Phones: []string{"13912345678"}}, ""},
		{"name still matches where the phone may not", f.helper, crm.DuplicateCheck{Name: "权限测试", Phones: []string{"13912345678"}}, "权限测试公司:NAME"},
		{"strongest reason first", f.boss, crm.DuplicateCheck{Name: "权限测试", CreditCode: credit, Phones: []string{"13912345678"}},
			"北京星河贸易有限公司:CREDIT_CODE;权限测试公司:NAME,PHONE"},
		{"limit", f.boss, crm.DuplicateCheck{Name: "权限测试", CreditCode: credit, Limit: 1}, "北京星河贸易有限公司:CREDIT_CODE"},
		{"the customer being edited", f.boss, crm.DuplicateCheck{Name: "北京星河贸易", ExcludeID: other.ID}, ""},
		{"nothing to match", f.boss, crm.DuplicateCheck{Name: " ", Phones: []string{"123"}}, ""},
	} {
		got, err := svc.PossibleDuplicates(ctx, r.who, r.in)
		if err != nil {
			t.Errorf("%s: %v", r.name, err)
			continue
		}
		var parts []string
		for _, m := range got {
			var why []string
			for _, x := range m.Reasons {
				why = append(why, string(x))
			}
			parts = append(parts, m.Customer.Name+":"+strings.Join(why, ","))
		}
		if s := strings.Join(parts, ";"); s != r.want {
			t.Errorf("%s: got %q, want %q", r.name, s, r.want)
		}
	}

	// Archived customers are candidates too.
	if _, err := svc.ArchiveCustomer(ctx, f.boss, other.ID, other.Version); err != nil {
		t.Fatal(err)
	}
	got, err := svc.PossibleDuplicates(ctx, f.seller, crm.DuplicateCheck{Name: "北京星河贸易"})
	if err != nil || len(got) != 1 || !got[0].Customer.Archived() {
		t.Fatalf("archived: %v %v", got, err)
	}

	// Bad input: a clear error per field.
	_, err = svc.PossibleDuplicates(ctx, f.boss, crm.DuplicateCheck{Name: strings.Repeat("名", 201),
		Phones: slices.Repeat([]string{"1"}, 21), Limit: 21})
	e, ok := err.(*crm.Error)
	if !ok || e.Code != crm.CodeBadUserInput {
		t.Fatalf("bad input: %v", err)
	}
	var fields []string
	for _, fe := range e.Fields {
		fields = append(fields, fe.Field+":"+string(fe.Reason))
	}
	if s := strings.Join(fields, " "); s != "name:TOO_LONG phones:TOO_MANY limit:OUT_OF_RANGE" {
		t.Fatalf("fields: %s", s)
	}
	_, err = svc.PossibleDuplicates(ctx, f.boss, crm.DuplicateCheck{Phones: []string{"1", strings.Repeat("1", 51)}})
	wantReason(t, "long phone", err, "phones[1]", crm.ReasonTooLong)
}
