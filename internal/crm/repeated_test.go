package crm_test

import (
	"context"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// repeatFixture: a customer owned by seller, with a collaborator, and three
// interactions: a complaint logged twice (a form sent twice) and a visit.
type repeatFixture struct {
	svc                          *crm.Service
	seller, helper, other, staff crm.Actor
	c                            *crm.Customer
}

func newRepeatFixture(t *testing.T) *repeatFixture {
	t.Helper()
	svc, _ := newService(t)
	ctx := context.Background()
	f := &repeatFixture{svc: svc, seller: crm.Actor{UserID: "r-seller", Role: crm.RoleSales},
		helper: crm.Actor{UserID: "r-helper", Role: crm.RoleSales}, other: crm.Actor{UserID: "r-other", Role: crm.RoleSales},
		staff: crm.Actor{UserID: "r-service", Role: crm.RoleService}}
	for _, a := range []crm.Actor{f.seller, f.helper, f.other, f.staff, manager} {
		if err := svc.Store.Users().Insert(ctx, &crm.User{ID: a.UserID, Email: a.UserID + "@kehu.local", Name: a.UserID, Role: a.Role, Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := svc.CreateCustomer(ctx, f.seller, crm.CustomerInput{Name: "杭州云帆科技有限公司",
		CustomerFields: crm.CustomerFields{Collaborators: []string{f.helper.UserID}}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC)
	for _, in := range []crm.InteractionInput{
		{At: &at, Channel: crm.ChannelPhone, Summary: "客户投诉交付延迟", KeyEvent: ptr(crm.KeyEventComplaint)},
		{At: &at, Channel: crm.ChannelPhone, Summary: "客户投诉交付延迟", KeyEvent: ptr(crm.KeyEventComplaint)},
		{Channel: crm.ChannelVisit, Summary: "拜访"},
	} {
		if c, err = svc.LogInteraction(ctx, f.seller, c.ID, nil, in); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.ServiceRequests) != 2 {
		t.Fatalf("%d service requests, want one per complaint", len(c.ServiceRequests))
	}
	f.c = c
	return f
}

// secondRepeatsFirst is a repeatOf naming the second interaction a repeat
// of the first (the test decides; internal/quality decides for real).
func secondRepeatsFirst(xs []crm.Interaction) []int {
	of := make([]int, len(xs))
	for i := range of {
		of[i] = -1
	}
	of[1] = 0
	return of
}

func TestRemoveRepeatedInteractions(t *testing.T) {
	f := newRepeatFixture(t)
	ctx := context.Background()
	c, removed, err := f.svc.RemoveRepeatedInteractions(ctx, f.seller, f.c.ID, f.c.Version, secondRepeatsFirst)
	if err != nil {
		t.Fatal(err)
	}
	if removed != 1 || c.Version != f.c.Version+1 {
		t.Fatalf("removed %d at version %d, want 1 at %d", removed, c.Version, f.c.Version+1)
	}
	stored, err := f.svc.Store.Customers().Get(ctx, f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	kept, gone := f.c.Interactions[0].ID, f.c.Interactions[1].ID
	if len(stored.Interactions) != 2 || stored.Interactions[0].ID != kept || stored.Interactions[1].Summary != "拜访" {
		t.Fatalf("interactions after removal: %+v", stored.Interactions)
	}
	if stored.Stats.InteractionCount != 2 || stored.Stats.ComplaintCount != 1 {
		t.Fatalf("figures not recomputed: %+v", stored.Stats)
	}
	for _, r := range stored.ServiceRequests {
		if r.InteractionID == gone || r.InteractionID != kept {
			t.Fatalf("service request points at %s, want the kept complaint %s", r.InteractionID, kept)
		}
	}
	if stored.UpdatedBy != f.seller.UserID {
		t.Fatalf("updated by %q", stored.UpdatedBy)
	}

	// Nothing left to remove: nothing written.
	none := func(xs []crm.Interaction) []int {
		of := make([]int, len(xs))
		for i := range of {
			of[i] = -1
		}
		return of
	}
	again, removed, err := f.svc.RemoveRepeatedInteractions(ctx, f.seller, f.c.ID, stored.Version, none)
	if err != nil || removed != 0 || again.Version != stored.Version {
		t.Fatalf("nothing to remove: %d removed, version %d (was %d), %v", removed, again.Version, stored.Version, err)
	}
}

func TestRemoveRepeatedInteractionsRefused(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		actor    func(*repeatFixture) crm.Actor
		version  func(*repeatFixture) int64
		repeatOf func([]crm.Interaction) []int
		want     crm.Code
	}{
		{"stale version", func(f *repeatFixture) crm.Actor { return f.seller },
			func(f *repeatFixture) int64 { return f.c.Version - 1 }, secondRepeatsFirst, crm.CodeConflict},
		{"another seller", func(f *repeatFixture) crm.Actor { return f.other }, nil, secondRepeatsFirst, crm.CodeForbidden},
		{"service staff, who may log but not edit", func(f *repeatFixture) crm.Actor { return f.staff }, nil, secondRepeatsFirst, crm.CodeForbidden},
		{"analyst", func(*repeatFixture) crm.Actor { return analyst }, nil, secondRepeatsFirst, crm.CodeForbidden},
		{"API token", func(*repeatFixture) crm.Actor { return crm.APITokenActor("t1") }, nil, secondRepeatsFirst, crm.CodeForbidden},
		{"an answer per interaction missing", func(f *repeatFixture) crm.Actor { return f.seller }, nil,
			func(xs []crm.Interaction) []int { return []int{-1, 0} }, crm.CodeInternal},
		{"a repeat of a repeat", func(f *repeatFixture) crm.Actor { return f.seller }, nil,
			func(xs []crm.Interaction) []int { return []int{-1, 0, 1} }, crm.CodeInternal},
		{"a repeat of itself", func(f *repeatFixture) crm.Actor { return f.seller }, nil,
			func(xs []crm.Interaction) []int { return []int{-1, 1, -1} }, crm.CodeInternal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newRepeatFixture(t)
			v := f.c.Version
			if tc.version != nil {
				v = tc.version(f)
			}
			_, _, err := f.svc.RemoveRepeatedInteractions(ctx, tc.actor(f), f.c.ID, v, tc.repeatOf)
			wantCode(t, err, tc.want, "")
			stored, err := f.svc.Store.Customers().Get(ctx, f.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Version != f.c.Version || len(stored.Interactions) != 3 {
				t.Fatalf("written: version %d, %d interactions", stored.Version, len(stored.Interactions))
			}
		})
	}
}

func TestRemoveRepeatedInteractionsAllowed(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		actor func(*repeatFixture) crm.Actor
	}{
		{"owner", func(f *repeatFixture) crm.Actor { return f.seller }},
		{"collaborator", func(f *repeatFixture) crm.Actor { return f.helper }},
		{"manager", func(*repeatFixture) crm.Actor { return manager }},
		{"admin", func(*repeatFixture) crm.Actor { return admin }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newRepeatFixture(t)
			if _, n, err := f.svc.RemoveRepeatedInteractions(ctx, tc.actor(f), f.c.ID, f.c.Version, secondRepeatsFirst); err != nil || n != 1 {
				t.Fatalf("removed %d: %v", n, err)
			}
		})
	}
}

func TestRemoveRepeatedInteractionsArchived(t *testing.T) {
	f := newRepeatFixture(t)
	ctx := context.Background()
	c, err := f.svc.ArchiveCustomer(ctx, f.seller, f.c.ID, f.c.Version)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = f.svc.RemoveRepeatedInteractions(ctx, f.seller, c.ID, c.Version, secondRepeatsFirst)
	wantCode(t, err, crm.CodeBadUserInput, "id")
}

func TestCanSeeQualityReport(t *testing.T) {
	for _, tc := range []struct {
		a    crm.Actor
		want bool
	}{
		{admin, true}, {manager, true}, {analyst, true}, {crm.APITokenActor("t1"), true},
		{owner, false}, {crm.Actor{UserID: "s", Role: crm.RoleService}, false},
	} {
		if got := tc.a.CanSeeQualityReport(); got != tc.want {
			t.Errorf("%s %s: %v, want %v", tc.a.Role, tc.a.UserID, got, tc.want)
		}
	}
}
