package crm_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Every list of a customer has one maximum: a write that grows a list past
// it is refused with TOO_MANY and the maximum, nothing is stored; a customer
// that already holds more (stored before the maximum was set) stays
// readable, may be changed otherwise and may shrink.
func TestCustomerListsHaveAMaximum(t *testing.T) {
	svc := newServiceWithUser(t)
	ctx := context.Background()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	ids := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%s%d", prefix, i)
		}
		return out
	}
	for _, id := range append(ids("u-collab", crm.MaxCollaborators+3), "u-one-more") {
		u := &crm.User{ID: id, Email: id + "@kehu.cn", Name: id, Role: crm.RoleSales, Version: 1, CreatedAt: at, UpdatedAt: at}
		if err := svc.Store.Users().Insert(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	patch := func(f crm.CustomerFields) func(c *crm.Customer) error {
		return func(c *crm.Customer) error {
			_, err := svc.UpdateCustomer(ctx, owner, c.ID, c.Version, crm.CustomerPatch{CustomerFields: f})
			return err
		}
	}
	for _, tc := range []struct {
		field string
		max   int
		fill  func(c *crm.Customer, n int)
		grow  func(c *crm.Customer) error
	}{
		{"contacts", 100, func(c *crm.Customer, n int) {
			c.Contacts = nil
			for i := range n {
				c.Contacts = append(c.Contacts, crm.Contact{ID: fmt.Sprint("ct", i), Name: "联系人", Primary: i == 0})
			}
		}, func(c *crm.Customer) error {
			_, err := svc.AddContact(ctx, owner, c.ID, nil, crm.ContactInput{Name: "新联系人"})
			return err
		}},
		{"interactions", 10000, func(c *crm.Customer, n int) {
			c.Interactions = nil
			for i := range n {
				c.Interactions = append(c.Interactions, crm.Interaction{ID: fmt.Sprint("it", i), At: at, Channel: crm.ChannelPhone,
					Participants: []string{owner.UserID}, Summary: "回访", CreatedBy: owner.UserID})
			}
		}, func(c *crm.Customer) error {
			_, err := svc.LogInteraction(ctx, owner, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "再次回访"})
			return err
		}},
		{"needs", 500, func(c *crm.Customer, n int) {
			c.Needs = nil
			for i := range n {
				c.Needs = append(c.Needs, crm.Need{ID: fmt.Sprint("nd", i), Title: "需求", Kind: crm.NeedKindCurrent,
					Priority: crm.PriorityMedium, Status: crm.NeedStatusOpen, OpenedAt: at})
			}
		}, func(c *crm.Customer) error {
			_, err := svc.AddNeed(ctx, owner, c.ID, nil, crm.NeedInput{Title: "新需求"})
			return err
		}},
		{"deals", 5000, func(c *crm.Customer, n int) {
			c.Deals = nil
			for i := range n {
				c.Deals = append(c.Deals, crm.Deal{ID: fmt.Sprint("dl", i), Date: at, Amount: 100, Product: "产品A"})
			}
		}, func(c *crm.Customer) error {
			_, err := svc.RecordDeal(ctx, owner, c.ID, nil, crm.DealInput{Product: "产品B", Amount: 100})
			return err
		}},
		{"satisfaction", 1000, func(c *crm.Customer, n int) {
			c.Satisfaction = nil
			for i := range n {
				c.Satisfaction = append(c.Satisfaction, crm.Satisfaction{ID: fmt.Sprint("sf", i), At: at, Score: 90})
			}
		}, func(c *crm.Customer) error {
			_, err := svc.RecordSatisfaction(ctx, owner, c.ID, nil, crm.SatisfactionInput{Score: 80})
			return err
		}},
		{"stage", 500, func(c *crm.Customer, n int) {
			c.StageHistory = nil
			for range n {
				c.StageHistory = append(c.StageHistory, crm.StageChange{To: crm.StagePotential, At: at, By: owner.UserID})
			}
			c.Stage = crm.StagePotential
		}, func(c *crm.Customer) error {
			next := map[crm.Stage]crm.Stage{crm.StagePotential: crm.StageContacted, crm.StageContacted: crm.StagePotential}[c.Stage]
			return patch(crm.CustomerFields{Stage: &next})(c)
		}},
		{"valueTier", 500, func(c *crm.Customer, n int) {
			c.TierHistory = nil
			for range n {
				c.TierHistory = append(c.TierHistory, crm.TierChange{To: crm.TierB, At: at, By: owner.UserID})
			}
			c.ValueTier = crm.TierB
		}, func(c *crm.Customer) error {
			next := map[crm.Tier]crm.Tier{crm.TierB: crm.TierA, crm.TierA: crm.TierB}[c.ValueTier]
			return patch(crm.CustomerFields{ValueTier: &next})(c)
		}},
		{"collaborators", 20, func(c *crm.Customer, n int) { c.Collaborators = ids("u-collab", n) },
			func(c *crm.Customer) error {
				_, err := svc.UpdateCustomer(ctx, owner, c.ID, c.Version, crm.CustomerPatch{CustomerFields: crm.CustomerFields{
					Collaborators: append(ids("u-collab", len(c.Collaborators)), "u-one-more")}})
				return err
			}},
		{"tags", 50, func(c *crm.Customer, n int) { c.Tags = ids("标签", n) },
			func(c *crm.Customer) error { return patch(crm.CustomerFields{Tags: ids("标签", len(c.Tags)+1)})(c) }},
	} {
		t.Run(tc.field, func(t *testing.T) {
			c, err := svc.CreateCustomer(ctx, owner, crm.CustomerInput{Name: "上限测试" + tc.field})
			if err != nil {
				t.Fatal(err)
			}
			// store sets the list to n elements, as a document stored
			// before the maximum was set would hold them.
			store := func(n int) *crm.Customer {
				t.Helper()
				cur, err := svc.Store.Customers().Get(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				tc.fill(cur, n)
				cur.Version++
				cur.Recompute()
				if err := svc.Store.Customers().Replace(ctx, cur, cur.Version-1); err != nil {
					t.Fatal(err)
				}
				return cur
			}

			// One below the maximum: the write that reaches it is accepted.
			cur := store(tc.max - 1)
			if err := tc.grow(cur); err != nil {
				t.Fatalf("growing to the maximum %d: %v", tc.max, err)
			}
			// At the maximum: refused, with the maximum, nothing stored.
			cur, _ = svc.Store.Customers().Get(ctx, c.ID)
			err = tc.grow(cur)
			wantReason(t, "at the maximum", err, tc.field, crm.ReasonTooMany)
			if e, ok := err.(*crm.Error); ok && len(e.Fields) > 0 && e.Fields[0].Params["max"] != tc.max {
				t.Errorf("params %v, want max %d", e.Fields[0].Params, tc.max)
			}
			if after, _ := svc.Store.Customers().Get(ctx, c.ID); after.Version != cur.Version {
				t.Fatalf("a refused write stored version %d", after.Version)
			}

			// Above the maximum (stored before it was set): readable,
			// changed otherwise, still refused growing.
			cur = store(tc.max + 3)
			got, err := svc.Customer(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != cur.Version {
				t.Fatalf("read version %d, want %d", got.Version, cur.Version)
			}
			if cur, err = svc.UpdateCustomer(ctx, owner, c.ID, cur.Version, crm.CustomerPatch{CustomerFields: crm.CustomerFields{Notes: ptr("备注")}}); err != nil {
				t.Fatalf("another change of a customer above the maximum: %v", err)
			}
			wantReason(t, "above the maximum", tc.grow(cur), tc.field, crm.ReasonTooMany)
		})
	}
}

// One interaction names at most MaxParticipants of our staff and
// MaxInteractionContacts of the customer's contacts; an interaction that
// already names more may be corrected otherwise.
func TestInteractionListsHaveAMaximum(t *testing.T) {
	svc := newServiceWithUser(t)
	ctx := context.Background()
	contacts := make([]crm.ContactInput, 25)
	for i := range contacts {
		contacts[i] = crm.ContactInput{Name: fmt.Sprint("联系人", i)}
	}
	c, err := svc.CreateCustomer(ctx, owner, crm.CustomerInput{Name: "参与人测试", Contacts: contacts})
	if err != nil {
		t.Fatal(err)
	}
	var contactIDs, staff []string
	for i, ct := range c.Contacts {
		contactIDs = append(contactIDs, ct.ID)
		staff = append(staff, fmt.Sprint("u-staff", i))
	}
	_, err = svc.LogInteraction(ctx, owner, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelMeeting, Summary: "会议",
		Participants: staff[:crm.MaxParticipants+1]})
	wantReason(t, "participants", err, "participants", crm.ReasonTooMany)
	_, err = svc.LogInteraction(ctx, owner, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelMeeting, Summary: "会议",
		ContactIDs: contactIDs[:crm.MaxInteractionContacts+1]})
	wantReason(t, "contact ids", err, "contactIds", crm.ReasonTooMany)
	c, err = svc.LogInteraction(ctx, owner, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelMeeting, Summary: "会议",
		ContactIDs: contactIDs[:crm.MaxInteractionContacts]})
	if err != nil {
		t.Fatal(err)
	}
	it := c.Interactions[0].ID

	// Stored with more (before the maximum): corrected otherwise, not grown.
	c.Interactions[0].ContactIDs = contactIDs[:crm.MaxInteractionContacts+2]
	c.Version++
	if err := svc.Store.Customers().Replace(ctx, c, c.Version-1); err != nil {
		t.Fatal(err)
	}
	c, err = svc.UpdateInteraction(ctx, owner, c.ID, it, c.Version, crm.InteractionPatch{Summary: ptr("会议纪要"),
		ContactIDs: contactIDs[:crm.MaxInteractionContacts+1]})
	if err != nil {
		t.Fatalf("shrinking an interaction above the maximum: %v", err)
	}
	_, err = svc.UpdateInteraction(ctx, owner, c.ID, it, c.Version, crm.InteractionPatch{ContactIDs: contactIDs[:crm.MaxInteractionContacts+2]})
	wantReason(t, "growing", err, "contactIds", crm.ReasonTooMany)
}

func TestCheckLimit(t *testing.T) {
	for _, tc := range []struct {
		limit *int
		ok    bool
	}{{nil, true}, {ptr(0), true}, {ptr(20), true}, {ptr(100), true}, {ptr(-1), false}, {ptr(101), false}} {
		err := crm.CheckLimit("limit", tc.limit, 100)
		if tc.ok != (err == nil) {
			t.Errorf("limit %v: %v", tc.limit, err)
		}
		if err != nil {
			wantReason(t, "limit", err, "limit", crm.ReasonOutOfRange)
		}
	}
}
