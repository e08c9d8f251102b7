package crm

import "testing"

// TestPolicyTable states the role rules as facts, one row per role and
// relation to the customer, written by hand from docs/API.md (Roles).
//
// Relations: "owner" owns the customer; "collaborator" collaborates on it;
// "author" wrote the interaction and the deal being changed but is neither
// owner nor collaborator; "none" has no relation. In every other relation
// the records were written by someone else.
//
// Columns of want, Y or N:
//
//	1 sees contact details in full   5 changes the collaborators
//	2 edits account, contacts, deals 6 changes or removes the interaction
//	3 logs interactions, needs ...   7 changes or removes the deal
//	4 changes the owner
func TestPolicyTable(t *testing.T) {
	facts := []struct {
		role Role
		rel  string
		want string
	}{
		{RoleAdmin, "owner", "YYYYYYY"},
		{RoleAdmin, "collaborator", "YYYYYYY"},
		{RoleAdmin, "author", "YYYYYYY"},
		{RoleAdmin, "none", "YYYYYYY"},
		{RoleManager, "owner", "YYYYYYY"},
		{RoleManager, "collaborator", "YYYYYYY"},
		{RoleManager, "author", "YYYYYYY"},
		{RoleManager, "none", "YYYYYYY"},
		{RoleSales, "owner", "YYYNYYY"},
		{RoleSales, "collaborator", "NYYNNNN"},
		{RoleSales, "author", "NNNNNNN"}, // no longer on the customer: may not touch it
		{RoleSales, "none", "NNNNNNN"},
		{RoleService, "owner", "YYYNYYY"},
		{RoleService, "collaborator", "NYYNNNN"},
		{RoleService, "author", "NNYNNYN"}, // logs anywhere, so keeps its own interactions; deals need edit
		{RoleService, "none", "NNYNNNN"},
		{RoleAnalyst, "owner", "NNNNNNN"}, // legacy data: analysts cannot be assigned now
		{RoleAnalyst, "collaborator", "NNNNNNN"},
		{RoleAnalyst, "author", "NNNNNNN"},
		{RoleAnalyst, "none", "NNNNNNN"},
	}
	if len(facts) != len(roles)*4 {
		t.Fatalf("%d facts for %d roles x 4 relations", len(facts), len(roles))
	}
	for _, f := range facts {
		a := Actor{UserID: "me", Role: f.role}
		c := &Customer{OwnerID: "o", Collaborators: []string{"k"}}
		author := "w"
		switch f.rel {
		case "owner":
			c.OwnerID = "me"
		case "collaborator":
			c.Collaborators = []string{"k", "me"}
		case "author":
			author = "me"
		}
		got := ""
		for _, ok := range []bool{
			a.CanSeeContactDetails(c), a.CanEdit(c), a.CanLog(c), a.CanChangeOwner(c), a.CanChangeCollaborators(c),
			a.CanChangeRecord(c, RecordInteraction, author), a.CanChangeRecord(c, RecordDeal, author),
		} {
			got += map[bool]string{true: "Y", false: "N"}[ok]
		}
		if got != f.want {
			t.Errorf("%s %s: got %s, want %s", f.role, f.rel, got, f.want)
		}
		// Needs and satisfaction results follow interactions (logging).
		for _, k := range []RecordKind{RecordNeed, RecordSatisfaction} {
			if a.CanChangeRecord(c, k, author) != a.CanChangeRecord(c, RecordInteraction, author) {
				t.Errorf("%s %s: %s differs from interaction", f.role, f.rel, k)
			}
		}
	}
}

func TestPolicyRolesAlone(t *testing.T) {
	for _, tc := range []struct {
		role             Role
		create, assigned bool
	}{
		{RoleAdmin, true, true}, {RoleManager, true, true}, {RoleSales, true, true},
		{RoleService, true, true}, {RoleAnalyst, false, false}, {"", false, false}, {"ROOT", false, false},
	} {
		a := Actor{UserID: "me", Role: tc.role}
		if a.CanCreate() != tc.create || CanBeAssigned(tc.role) != tc.assigned {
			t.Errorf("%q: create %v assigned %v", tc.role, a.CanCreate(), CanBeAssigned(tc.role))
		}
	}
	// Signed-out (no user id) owns and writes nothing.
	c := &Customer{OwnerID: "", Collaborators: []string{""}}
	if a := (Actor{Role: RoleSales}); a.CanEdit(c) || a.CanSeeContactDetails(c) || a.CanChangeRecord(c, RecordInteraction, "") {
		t.Error("an actor without id is involved in a customer without owner")
	}
}

func TestPolicyRecordsWithoutAuthor(t *testing.T) {
	// Records logged before authors were kept: only the owner, managers
	// and admins change them.
	c := &Customer{OwnerID: "o", Collaborators: []string{"k"}}
	for _, tc := range []struct {
		a    Actor
		want bool
	}{
		{Actor{"o", RoleSales}, true}, {Actor{"k", RoleSales}, false}, {Actor{"s", RoleService}, false},
		{Actor{"m", RoleManager}, true}, {Actor{"x", RoleAdmin}, true}, {Actor{"", RoleService}, false},
	} {
		if got := tc.a.CanChangeRecord(c, RecordNeed, ""); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.a, got, tc.want)
		}
	}
}

func TestPolicyTickOff(t *testing.T) {
	c := &Customer{OwnerID: "o", Collaborators: []string{"k"}}
	it := &Interaction{CreatedBy: "w", NextAction: &NextAction{What: "回访", OwnerID: "k"}}
	for _, tc := range []struct {
		a    Actor
		want bool
	}{
		{Actor{"k", RoleSales}, true},    // assigned, on the customer
		{Actor{"k", RoleAnalyst}, false}, // assigned, but analysts write nothing
		{Actor{"z", RoleSales}, false},   // not assigned, not involved
		{Actor{"w", RoleService}, true},  // the author
		{Actor{"s", RoleService}, false}, // logs here, but neither author nor assignee
		{Actor{"o", RoleSales}, true},    // the owner
		{Actor{"m", RoleManager}, true},  // a manager
	} {
		if got := tc.a.CanTickOff(c, it); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.a, got, tc.want)
		}
	}
	// Someone else's next action is not yours to tick off.
	if (Actor{"k", RoleSales}).CanTickOff(c, &Interaction{CreatedBy: "w", NextAction: &NextAction{OwnerID: "o"}}) {
		t.Error("collaborator ticked off a next action assigned to the owner")
	}
}

func TestVisibleUser(t *testing.T) {
	active := &User{ID: "u1", Email: "wang@kehu.local", Name: "王", Role: RoleSales, PasswordHash: "h", Locale: "en"}
	gone := &User{ID: "u2", Email: "li@kehu.local", Name: "李", Role: RoleManager, Disabled: true, PasswordHash: "h"}
	for _, tc := range []struct {
		a          Actor
		u          *User
		email      string
		role       Role
		full       bool
		name, note string
	}{
		{Actor{"x", RoleAdmin}, gone, "li@kehu.local", RoleManager, true, "李", "admin sees a disabled account"},
		{Actor{"x", RoleManager}, active, "wang@kehu.local", RoleSales, true, "王", "manager sees a colleague"},
		{Actor{"u1", RoleSales}, active, "wang@kehu.local", RoleSales, true, "王", "own account"},
		{Actor{"x", RoleSales}, active, "", RoleSales, false, "王", "colleague: name and role"},
		{Actor{"x", RoleAnalyst}, active, "", RoleSales, false, "王", "colleague: name and role"},
		{Actor{"x", RoleService}, gone, "", "", false, "李", "disabled colleague: name only"},
		{Actor{"x", RoleAnalyst}, gone, "", "", false, "李", "disabled colleague: name only"},
	} {
		v := VisibleUser(tc.a, tc.u)
		if v.Email != tc.email || v.Role != tc.role || v.Name != tc.name || v.PasswordHash != "" || v.ID != tc.u.ID ||
			v.Disabled != tc.u.Disabled || (tc.u.Locale != "" && (v.Locale == tc.u.Locale) != tc.full) {
			t.Errorf("%s: %+v", tc.note, v)
		}
	}
	if active.PasswordHash != "h" || active.Email == "" {
		t.Fatal("VisibleUser changed the stored user")
	}
}
