package crm_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// policyFixture is a customer owned by a SALES user with a SALES
// collaborator, and one record of every kind written by a SERVICE user who
// is neither: the complaint of the issue.
type policyFixture struct {
	svc                              *crm.Service
	c                                *crm.Customer
	boss, seller, helper, svcA, svcB crm.Actor
	stranger, analyst                crm.Actor
	interaction, need, deal, result  string
	assigned                         string // interaction whose next action is assigned to helper
}

func newPolicyFixture(t *testing.T) *policyFixture {
	t.Helper()
	svc, _ := newService(t)
	ctx := context.Background()
	f := &policyFixture{svc: svc,
		boss: crm.Actor{UserID: "p-manager", Role: crm.RoleManager}, seller: crm.Actor{UserID: "p-owner", Role: crm.RoleSales},
		helper: crm.Actor{UserID: "p-collab", Role: crm.RoleSales}, svcA: crm.Actor{UserID: "p-service-a", Role: crm.RoleService},
		svcB: crm.Actor{UserID: "p-service-b", Role: crm.RoleService}, stranger: crm.Actor{UserID: "p-other", Role: crm.RoleSales},
		analyst: crm.Actor{UserID: "p-analyst", Role: crm.RoleAnalyst}}
	for _, a := range []crm.Actor{f.boss, f.seller, f.helper, f.svcA, f.svcB, f.stranger, f.analyst} {
		if err := svc.Store.Users().Insert(ctx, &crm.User{ID: a.UserID, Email: a.UserID + "@kehu.local", Name: a.UserID, Role: a.Role, Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := svc.CreateCustomer(ctx, f.boss, crm.CustomerInput{Name: "权限测试公司", CustomerFields: crm.CustomerFields{
		OwnerID: ptr(f.seller.UserID), Collaborators: []string{f.helper.UserID}},
		Contacts: []crm.ContactInput{{Name: "李总", ContactFields: crm.ContactFields{Phone: ptr("13912345678")}}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err = svc.LogInteraction(ctx, f.svcA, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "客户来电投诉交付延迟",
		KeyEvent: ptr(crm.KeyEventComplaint)})
	if err != nil {
		t.Fatal(err)
	}
	f.interaction = c.Interactions[0].ID
	c, err = svc.LogInteraction(ctx, f.seller, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelVisit, Summary: "拜访",
		NextAction: &crm.NextActionInput{What: "发方案", OwnerID: ptr(f.helper.UserID)}})
	if err != nil {
		t.Fatal(err)
	}
	f.assigned = c.Interactions[1].ID
	if c, err = svc.AddNeed(ctx, f.svcA, c.ID, nil, crm.NeedInput{Title: "缩短交付周期"}); err != nil {
		t.Fatal(err)
	}
	f.need = c.Needs[0].ID
	if c, err = svc.RecordSatisfaction(ctx, f.svcA, c.ID, nil, crm.SatisfactionInput{Score: 40, Comment: ptr("不满意")}); err != nil {
		t.Fatal(err)
	}
	f.result = c.Satisfaction[0].ID
	if c, err = svc.RecordDeal(ctx, f.helper, c.ID, nil, crm.DealInput{Product: "年度服务", Amount: 1000000}); err != nil {
		t.Fatal(err)
	}
	f.deal = c.Deals[0].ID
	f.c = c
	return f
}

// TestPolicyRefusalsChangeNothing: every refused change answers FORBIDDEN
// (or BAD_USER_INPUT on the field, for assigning an analyst) and leaves the
// stored customer exactly as it was.
func TestPolicyRefusalsChangeNothing(t *testing.T) {
	f := newPolicyFixture(t)
	ctx := context.Background()
	id, v := f.c.ID, f.c.Version
	before, err := f.svc.Customer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		code  crm.Code
		field string
		do    func() (*crm.Customer, error)
	}{
		{"service rewrites another's complaint as praise", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.UpdateInteraction(ctx, f.svcB, id, f.interaction, v, crm.InteractionPatch{Summary: ptr("客户表扬"), ClearKeyEvent: true})
		}},
		{"service removes another's complaint", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.RemoveInteraction(ctx, f.svcB, id, f.interaction, v)
		}},
		{"collaborator rewrites another's complaint", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.UpdateInteraction(ctx, f.helper, id, f.interaction, v, crm.InteractionPatch{ClearKeyEvent: true})
		}},
		{"service changes another's need", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.UpdateNeed(ctx, f.svcB, id, f.need, v, crm.NeedPatch{NeedFields: crm.NeedFields{Status: ptr(crm.NeedStatusResolved)}})
		}},
		{"service removes another's need", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.RemoveNeed(ctx, f.svcB, id, f.need, v)
		}},
		{"service changes another's satisfaction result", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.UpdateSatisfaction(ctx, f.svcB, id, f.result, v, crm.SatisfactionPatch{Score: ptr(100)})
		}},
		{"collaborator removes another's satisfaction result", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.RemoveSatisfaction(ctx, f.helper, id, f.result, v)
		}},
		{"service changes a deal", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.UpdateDeal(ctx, f.svcA, id, f.deal, v, crm.DealPatch{Note: ptr("x")})
		}},
		{"stranger removes a deal", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.RemoveDeal(ctx, f.stranger, id, f.deal, v)
		}},
		{"assignee rewrites the interaction of its next action", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.UpdateInteraction(ctx, f.helper, id, f.assigned, v, crm.InteractionPatch{NextActionDone: ptr(true), Summary: ptr("改")})
		}},
		{"collaborator changes the collaborators", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.UpdateCustomer(ctx, f.helper, id, v, crm.CustomerPatch{CustomerFields: crm.CustomerFields{Collaborators: []string{f.helper.UserID, f.stranger.UserID}}})
		}},
		{"collaborator removes the owner's choices", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.UpdateCustomer(ctx, f.helper, id, v, crm.CustomerPatch{CustomerFields: crm.CustomerFields{Collaborators: []string{}}})
		}},
		{"owner gives the customer away", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.UpdateCustomer(ctx, f.seller, id, v, crm.CustomerPatch{CustomerFields: crm.CustomerFields{OwnerID: ptr(f.stranger.UserID)}})
		}},
		{"owner adds an analyst", crm.CodeBadUserInput, "collaborators[1]", func() (*crm.Customer, error) {
			return f.svc.UpdateCustomer(ctx, f.seller, id, v, crm.CustomerPatch{CustomerFields: crm.CustomerFields{Collaborators: []string{f.helper.UserID, f.analyst.UserID}}})
		}},
		{"manager makes an analyst owner", crm.CodeBadUserInput, "ownerId", func() (*crm.Customer, error) {
			return f.svc.UpdateCustomer(ctx, f.boss, id, v, crm.CustomerPatch{CustomerFields: crm.CustomerFields{OwnerID: ptr(f.analyst.UserID)}})
		}},
		{"analyst logs", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.LogInteraction(ctx, f.analyst, id, nil, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "x"})
		}},
		{"analyst edits", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.UpdateCustomer(ctx, f.analyst, id, v, crm.CustomerPatch{Name: ptr("x")})
		}},
		{"stranger archives", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.ArchiveCustomer(ctx, f.stranger, id, v)
		}},
		{"stranger adds a contact", crm.CodeForbidden, "", func() (*crm.Customer, error) {
			return f.svc.AddContact(ctx, f.stranger, id, nil, crm.ContactInput{Name: "x"})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.do()
			wantCode(t, err, tc.code, tc.field)
			after, err := f.svc.Customer(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(before, after) {
				t.Fatalf("a refused change changed the customer: version %d -> %d", before.Version, after.Version)
			}
		})
	}
	// An analyst cannot be made owner of a new customer either.
	_, err = f.svc.CreateCustomer(ctx, f.boss, crm.CustomerInput{Name: "分析员的客户", CustomerFields: crm.CustomerFields{OwnerID: ptr(f.analyst.UserID)}})
	wantCode(t, err, crm.CodeBadUserInput, "ownerId")
}

// TestPolicyAllowedChangesKeepAuthors: the author, the owner and managers
// may change records; each change records who made it, and the author stays.
func TestPolicyAllowedChangesKeepAuthors(t *testing.T) {
	f := newPolicyFixture(t)
	ctx := context.Background()
	id := f.c.ID
	if f.c.Interactions[0].CreatedBy != f.svcA.UserID || f.c.Needs[0].CreatedBy != f.svcA.UserID ||
		f.c.Satisfaction[0].CreatedBy != f.svcA.UserID || f.c.Deals[0].CreatedBy != f.helper.UserID {
		t.Fatalf("authors not kept: %+v %+v %+v %+v", f.c.Interactions[0], f.c.Needs[0], f.c.Satisfaction[0], f.c.Deals[0])
	}
	if f.c.Interactions[0].UpdatedBy != "" || f.c.Interactions[0].UpdatedAt != nil {
		t.Fatalf("a new record shows a change: %+v", f.c.Interactions[0])
	}
	steps := []struct {
		name   string
		by     crm.Actor
		author string
		do     func(a crm.Actor, v int64) (*crm.Customer, error)
		who    func(c *crm.Customer) (createdBy, updatedBy string)
	}{
		{"author corrects its interaction", f.svcA, f.svcA.UserID, func(a crm.Actor, v int64) (*crm.Customer, error) {
			return f.svc.UpdateInteraction(ctx, a, id, f.interaction, v, crm.InteractionPatch{Summary: ptr("客户来电投诉交付延迟两周")})
		}, func(c *crm.Customer) (string, string) {
			return c.Interactions[0].CreatedBy, c.Interactions[0].UpdatedBy
		}},
		{"owner corrects service's need", f.seller, f.svcA.UserID, func(a crm.Actor, v int64) (*crm.Customer, error) {
			return f.svc.UpdateNeed(ctx, a, id, f.need, v, crm.NeedPatch{NeedFields: crm.NeedFields{Urgent: ptr(true)}})
		}, func(c *crm.Customer) (string, string) { return c.Needs[0].CreatedBy, c.Needs[0].UpdatedBy }},
		{"manager corrects the satisfaction result", f.boss, f.svcA.UserID, func(a crm.Actor, v int64) (*crm.Customer, error) {
			return f.svc.UpdateSatisfaction(ctx, a, id, f.result, v, crm.SatisfactionPatch{Score: ptr(45)})
		}, func(c *crm.Customer) (string, string) {
			return c.Satisfaction[0].CreatedBy, c.Satisfaction[0].UpdatedBy
		}},
		{"collaborator corrects its deal", f.helper, f.helper.UserID, func(a crm.Actor, v int64) (*crm.Customer, error) {
			return f.svc.UpdateDeal(ctx, a, id, f.deal, v, crm.DealPatch{Note: ptr("首年")})
		}, func(c *crm.Customer) (string, string) { return c.Deals[0].CreatedBy, c.Deals[0].UpdatedBy }},
		{"assignee ticks off its next action", f.helper, f.seller.UserID, func(a crm.Actor, v int64) (*crm.Customer, error) {
			return f.svc.UpdateInteraction(ctx, a, id, f.assigned, v, crm.InteractionPatch{NextActionDone: ptr(true)})
		}, func(c *crm.Customer) (string, string) {
			return c.Interactions[1].CreatedBy, c.Interactions[1].UpdatedBy
		}},
	}
	v := f.c.Version
	for _, st := range steps {
		c, err := st.do(st.by, v)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		v = c.Version
		stored, err := f.svc.Customer(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		created, updated := st.who(stored)
		if updated != st.by.UserID || created != st.author {
			t.Fatalf("%s: createdBy %s updatedBy %s", st.name, created, updated)
		}
	}
	// The owner changes the collaborators; the manager the owner.
	c, err := f.svc.UpdateCustomer(ctx, f.seller, id, v, crm.CustomerPatch{CustomerFields: crm.CustomerFields{Collaborators: []string{f.helper.UserID, f.svcB.UserID}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateCustomer(ctx, f.boss, id, c.Version, crm.CustomerPatch{CustomerFields: crm.CustomerFields{OwnerID: ptr(f.stranger.UserID)}}); err != nil {
		t.Fatal(err)
	}
	// The author removes its own complaint.
	c, err = f.svc.Customer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RemoveInteraction(ctx, f.svcA, id, f.interaction, c.Version); err != nil {
		t.Fatal(err)
	}
}
