package crm

import "testing"

// TestAPITokenPolicy: who manages API tokens, and what a token's actor may
// do, written by hand from docs/API.md (Roles, API tokens).
func TestAPITokenPolicy(t *testing.T) {
	manage := map[Role]bool{RoleAdmin: true, RoleManager: true, RoleSales: false, RoleService: false, RoleAnalyst: false}
	for _, r := range roles {
		a := Actor{UserID: "me", Role: r}
		if a.CanManageAPITokens() != manage[r] {
			t.Errorf("%s manages API tokens: %v, want %v", r, a.CanManageAPITokens(), manage[r])
		}
		if a.ReadOnly() {
			t.Errorf("%s signed in as a person is read-only", r)
		}
		u := &User{ID: "me", Role: r}
		if u.CanManageAPITokens() != manage[r] {
			t.Errorf("user %s: CanManageAPITokens %v", r, u.CanManageAPITokens())
		}
		u.Disabled = true
		if u.CanManageAPITokens() {
			t.Errorf("disabled %s manages API tokens", r)
		}
	}
	tok := APITokenActor("t1")
	if id, ok := tok.APITokenID(); !ok || id != "t1" || tok.Role != RoleAnalyst {
		t.Fatalf("APITokenActor: %+v", tok)
	}
	// Even a token whose actor claimed a managing role manages nothing.
	for _, a := range []Actor{tok, {UserID: APITokenActor("t2").UserID, Role: RoleAdmin}} {
		if !a.ReadOnly() || a.CanManageAPITokens() {
			t.Errorf("%+v: read-only %v, manages tokens %v", a, a.ReadOnly(), a.CanManageAPITokens())
		}
	}
	c := &Customer{OwnerID: "o", Contacts: []Contact{{Phone: "13812345678", Email: "wang@example.com"}}}
	if tok.CanSeeContactDetails(c) || tok.CanEdit(c) || tok.CanLog(c) || tok.CanCreate() {
		t.Error("a token's actor sees contact details or changes customers")
	}
	if got := VisibleContacts(tok, c)[0]; got.Phone == "13812345678" || got.Email == "wang@example.com" {
		t.Errorf("contacts not masked for a token: %+v", got)
	}
	if tok.CanEditSegment(&SavedSegment{OwnerID: "me"}) || !tok.CanSeeSegment(&SavedSegment{OwnerID: "me", Shared: true}) {
		t.Error("a token edits a segment, or does not see a shared one")
	}
}
