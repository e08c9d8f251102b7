package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// newStore opens a real SQLite store in a temporary directory.
func newStore(t *testing.T) crm.Store {
	t.Helper()
	s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

type fixture struct {
	svc   *auth.Service
	clock *crm.FixedClock
	store crm.Store
	admin *crm.User
	ctx   context.Context
}

const adminPW = "admin-password-1"

// newFixture returns a service over a fresh store holding one admin
// (admin@kehu.cn / adminPW).
func newFixture(t *testing.T) *fixture {
	t.Helper()
	st := newStore(t)
	clock := crm.NewFixedClock(t0)
	f := &fixture{
		svc:   &auth.Service{Users: st.Users(), Sessions: st.Sessions(), Clock: clock},
		clock: clock, store: st, ctx: context.Background(),
	}
	created, gen, err := f.svc.EnsureAdmin(f.ctx, "Admin@Kehu.cn", adminPW)
	if err != nil || !created || gen != "" {
		t.Fatalf("EnsureAdmin = %v, %q, %v", created, gen, err)
	}
	if f.admin, err = st.Users().GetByEmail(f.ctx, "admin@kehu.cn"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) actor() crm.Actor { return crm.Actor{UserID: f.admin.ID, Role: crm.RoleAdmin} }

func (f *fixture) create(t *testing.T, email string, role crm.Role, pw string) *crm.User {
	t.Helper()
	u, err := f.svc.CreateUser(f.ctx, f.actor(), auth.NewUser{Email: email, Name: "用户 " + email, Role: role, Password: pw})
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

func wantCode(t *testing.T, err error, code crm.Code) *crm.Error {
	t.Helper()
	var e *crm.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("error %v; want %s", err, code)
	}
	return e
}

func fieldsOf(e *crm.Error) []string {
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestLoginAndAuthenticate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok, u, exp, err := f.svc.Login(f.ctx, "  ADMIN@kehu.CN ", adminPW, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != 43 || strings.ContainsAny(tok, "+/=") {
		t.Fatalf("token %q is not 32 bytes of unpadded base64url", tok)
	}
	if u.ID != f.admin.ID || u.Email != "admin@kehu.cn" || u.PasswordHash != "" {
		t.Fatalf("user %+v", u)
	}
	if !exp.Equal(t0.Add(12 * time.Hour)) {
		t.Fatalf("expires %v, want now+12h", exp)
	}
	id, _ := auth.SessionID(tok)
	sess, err := f.store.Sessions().Get(f.ctx, id)
	if err != nil {
		t.Fatalf("session not stored under sha256(token): %v", err)
	}
	if sess.UserID != u.ID || !sess.CreatedAt.Equal(t0) || !sess.ExpiresAt.Equal(exp) {
		t.Fatalf("session %+v", sess)
	}
	if _, err := f.store.Sessions().Get(f.ctx, tok); !crm.IsCode(err, crm.CodeNotFound) {
		t.Fatalf("the raw token is a session id: %v", err)
	}

	got, err := f.svc.Authenticate(f.ctx, tok)
	if err != nil || got.ID != u.ID || got.Role != crm.RoleAdmin || got.PasswordHash != "" {
		t.Fatalf("Authenticate = %+v, %v", got, err)
	}
	// A second sign-in opens a second, independent session.
	tok2, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, "10.0.0.2")
	if err != nil || tok2 == tok {
		t.Fatalf("second login %q, %v", tok2, err)
	}
}

func TestLoginFailuresLookAlike(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.create(t, "off@kehu.cn", crm.RoleSales, "sales-password-1")
	off, _ := f.store.Users().GetByEmail(f.ctx, "off@kehu.cn")
	disabled := true
	if _, err := f.svc.UpdateUser(f.ctx, f.actor(), off.ID, off.Version, auth.UserPatch{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, c := range []struct{ email, pw string }{
		{"admin@kehu.cn", "wrong-password"},
		{"admin@kehu.cn", ""},
		{"nobody@kehu.cn", adminPW},
		{"", adminPW},
		{strings.Repeat("x", 300) + "@kehu.cn", adminPW},
		{"off@kehu.cn", "sales-password-1"}, // disabled, right password
		{"admin@kehu.cn", strings.Repeat("p", 10_000)},
	} {
		tok, u, _, err := f.svc.Login(f.ctx, c.email, c.pw, "")
		if tok != "" || u != nil {
			t.Fatalf("%s: got a session", c.email)
		}
		e := wantCode(t, err, crm.CodeUnauthenticated)
		msgs = append(msgs, e.Error())
	}
	for _, m := range msgs {
		if m != msgs[0] || !strings.Contains(m, "wrong email or password") {
			t.Fatalf("failures differ: %q", msgs)
		}
	}
}

func TestLoginCorruptHashIsInternal(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := &crm.User{ID: crm.NewID(), Email: "bad@kehu.cn", Name: "bad", Role: crm.RoleSales,
		PasswordHash: "$argon2id$v=19$m=1,t=1,p=1$$", CreatedAt: t0, UpdatedAt: t0, Version: 1}
	if err := f.store.Users().Insert(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := f.svc.Login(f.ctx, "bad@kehu.cn", "whatever-pw", "")
	e := wantCode(t, err, crm.CodeInternal)
	if e.Message != "internal error" || !errors.Is(err, auth.ErrMalformedHash) {
		t.Fatalf("error %v", err)
	}
}

func TestLoginUpgradesWeakHash(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	weak := "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4" // "password"
	u := &crm.User{ID: crm.NewID(), Email: "old@kehu.cn", Name: "old", Role: crm.RoleSales,
		PasswordHash: weak, CreatedAt: t0, UpdatedAt: t0, Version: 1}
	if err := f.store.Users().Insert(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := f.svc.Login(f.ctx, "old@kehu.cn", "password", ""); err != nil {
		t.Fatal(err)
	}
	stored, _ := f.store.Users().Get(f.ctx, u.ID)
	if stored.Version != 2 || auth.NeedsRehash(stored.PasswordHash) {
		t.Fatalf("hash not upgraded: version %d, %s", stored.Version, stored.PasswordHash)
	}
	if _, _, _, err := f.svc.Login(f.ctx, "old@kehu.cn", "password", ""); err != nil {
		t.Fatalf("login after upgrade: %v", err)
	}
}

func TestLoginSlowsGuessesPerEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Fresh addresses every time: the account's count (10 free) holds them.
	for i := range 10 {
		_, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", "wrong-password", fmt.Sprint("203.0.113.", i))
		wantCode(t, err, crm.CodeUnauthenticated)
	}
	_, _, _, err := f.svc.Login(f.ctx, "Admin@kehu.cn", adminPW, "198.51.100.9")
	e := wantCode(t, err, crm.CodeRateLimited)
	if !strings.Contains(e.Message, "try again in 1 seconds") {
		t.Fatalf("message %q does not say when to retry", e.Message)
	}
	if at, ok := auth.RetryAt(err); !ok || !at.Equal(t0.Add(time.Second)) {
		t.Fatalf("RetryAt = %v, %v", at, ok)
	}
	f.clock.Advance(time.Second)
	if _, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, "198.51.100.9"); err != nil {
		t.Fatalf("after the wait: %v", err)
	}
}

// TestLoginOwnerNotLockedOut: guesses from elsewhere do not keep the owner
// out at an address they signed in from (anyone could lock out the admin).
func TestLoginOwnerNotLockedOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, "198.51.100.9"); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		_, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", "wrong-password", fmt.Sprint("203.0.113.", i))
		if !crm.IsCode(err, crm.CodeUnauthenticated) && !crm.IsCode(err, crm.CodeRateLimited) {
			t.Fatal(err)
		}
	}
	if _, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, "198.51.100.9"); err != nil {
		t.Fatalf("the owner at home is kept out: %v", err)
	}
}

func TestLoginSuccessResetsPair(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for range 2 {
		_, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", "wrong-password", "")
		wantCode(t, err, crm.CodeUnauthenticated)
	}
	if _, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, ""); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		_, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", "wrong-password", "")
		if !crm.IsCode(err, crm.CodeUnauthenticated) {
			t.Fatalf("failure %d after a success: %v", i+1, err)
		}
	}
	_, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, "")
	wantCode(t, err, crm.CodeRateLimited)
}

func TestLoginRateLimitedPerClient(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.svc.Limiter = auth.NewLimiter(f.clock, auth.LimiterConfig{ClientFree: 3})
	for i := range 3 {
		_, _, _, err := f.svc.Login(f.ctx, fmt.Sprintf("guess%d@kehu.cn", i), "wrong-password", "203.0.113.7")
		wantCode(t, err, crm.CodeUnauthenticated)
	}
	_, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, "203.0.113.7")
	wantCode(t, err, crm.CodeRateLimited)
	if _, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, "198.51.100.1"); err != nil {
		t.Fatalf("another client: %v", err)
	}
}

func TestAuthenticateRejects(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.svc.SessionTTL = time.Hour
	tok, _, exp, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, "")
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(t0.Add(time.Hour)) {
		t.Fatalf("expires %v with a 1h TTL", exp)
	}
	for _, bad := range []string{"", "x", tok + "A", tok[:42], strings.ToUpper(tok), strings.Repeat("A", 43)} {
		_, err := f.svc.Authenticate(f.ctx, bad)
		wantCode(t, err, crm.CodeUnauthenticated)
	}
	f.clock.Advance(time.Hour - time.Second)
	if _, err := f.svc.Authenticate(f.ctx, tok); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	f.clock.Advance(time.Second)
	_, err = f.svc.Authenticate(f.ctx, tok)
	wantCode(t, err, crm.CodeUnauthenticated)
	id, _ := auth.SessionID(tok)
	if _, err := f.store.Sessions().Get(f.ctx, id); !crm.IsCode(err, crm.CodeNotFound) {
		t.Fatalf("expired session not deleted: %v", err)
	}
}

func TestAuthenticateDisabledUserWithLiveSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := &crm.User{ID: crm.NewID(), Email: "ghost@kehu.cn", Name: "ghost", Role: crm.RoleSales,
		Disabled: true, CreatedAt: t0, UpdatedAt: t0, Version: 1}
	if err := f.store.Users().Insert(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	tok := strings.Repeat("B", 42) + "A"
	id, _ := auth.SessionID(tok)
	if err := f.store.Sessions().Insert(f.ctx, &crm.Session{ID: id, UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Authenticate(f.ctx, tok)
	wantCode(t, err, crm.CodeUnauthenticated)

	// A session of a user that does not exist.
	tok2 := strings.Repeat("C", 42) + "A"
	id2, _ := auth.SessionID(tok2)
	if err := f.store.Sessions().Insert(f.ctx, &crm.Session{ID: id2, UserID: crm.NewID(), CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Authenticate(f.ctx, tok2)
	wantCode(t, err, crm.CodeUnauthenticated)
}

func TestLogout(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, "")
	if err != nil {
		t.Fatal(err)
	}
	other, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Logout(f.ctx, tok); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Authenticate(f.ctx, tok)
	wantCode(t, err, crm.CodeUnauthenticated)
	if _, err := f.svc.Authenticate(f.ctx, other); err != nil {
		t.Fatalf("logout ended another session: %v", err)
	}
	for _, tk := range []string{tok, "", "garbage"} {
		if err := f.svc.Logout(f.ctx, tk); err != nil {
			t.Fatalf("Logout(%q) = %v", tk, err)
		}
	}
}

func TestSweepSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.svc.SessionTTL = time.Hour
	if _, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, ""); err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.SweepSessions(f.ctx); err != nil || n != 0 {
		t.Fatalf("sweep before expiry = %d, %v", n, err)
	}
	f.clock.Advance(2 * time.Hour)
	if n, err := f.svc.SweepSessions(f.ctx); err != nil || n != 1 {
		t.Fatalf("sweep after expiry = %d, %v", n, err)
	}
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.clock.Advance(time.Hour)
	u, err := f.svc.CreateUser(f.ctx, f.actor(), auth.NewUser{
		Email: " Li.Lei@Kehu.CN ", Name: "  李雷  ", Role: crm.RoleSales, Password: "li-lei-password"})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.ID) != 24 || u.Email != "li.lei@kehu.cn" || u.Name != "李雷" || u.Role != crm.RoleSales ||
		u.Version != 1 || u.Disabled || u.PasswordHash != "" ||
		!u.CreatedAt.Equal(t0.Add(time.Hour)) || !u.UpdatedAt.Equal(u.CreatedAt) {
		t.Fatalf("created %+v", u)
	}
	stored, err := f.store.Users().Get(f.ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := auth.VerifyPassword(stored.PasswordHash, "li-lei-password"); !ok || err != nil {
		t.Fatalf("stored hash does not verify: %v %v", ok, err)
	}
	if _, _, _, err := f.svc.Login(f.ctx, "li.lei@kehu.cn", "li-lei-password", ""); err != nil {
		t.Fatalf("new user cannot sign in: %v", err)
	}

	_, err = f.svc.CreateUser(f.ctx, f.actor(), auth.NewUser{Email: "LI.LEI@kehu.cn", Name: "x", Role: crm.RoleSales, Password: "another-password"})
	e := wantCode(t, err, crm.CodeConflict)
	if got := fieldsOf(e); len(got) != 1 || got[0] != "email" {
		t.Fatalf("duplicate fields %v", got)
	}

	_, err = f.svc.CreateUser(f.ctx, f.actor(), auth.NewUser{Email: "not an email", Name: "  ", Role: "BOSS", Password: "short"})
	e = wantCode(t, err, crm.CodeBadUserInput)
	if got := strings.Join(fieldsOf(e), ","); got != "email,name,role,password" {
		t.Fatalf("fields %s, want every invalid field", got)
	}
	_, err = f.svc.CreateUser(f.ctx, f.actor(), auth.NewUser{Email: "", Name: strings.Repeat("名", 101), Role: crm.RoleAnalyst, Password: "long-enough-pw"})
	e = wantCode(t, err, crm.CodeBadUserInput)
	if got := strings.Join(fieldsOf(e), ","); got != "email,name" {
		t.Fatalf("fields %s", got)
	}
	if _, err := f.svc.CreateUser(f.ctx, f.actor(), auth.NewUser{Email: "n@kehu.cn", Name: strings.Repeat("名", 100), Role: crm.RoleAnalyst, Password: "long-enough-pw"}); err != nil {
		t.Fatalf("100-character name: %v", err)
	}
}

func TestUserAdminIsAdminOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	target := f.create(t, "t@kehu.cn", crm.RoleSales, "target-password")
	name := "x"
	for _, r := range []crm.Role{crm.RoleManager, crm.RoleSales, crm.RoleService, crm.RoleAnalyst, ""} {
		a := crm.Actor{UserID: target.ID, Role: r}
		_, err := f.svc.CreateUser(f.ctx, a, auth.NewUser{Email: "new@kehu.cn", Name: "new", Role: crm.RoleSales, Password: "new-password-1"})
		wantCode(t, err, crm.CodeForbidden)
		_, err = f.svc.UpdateUser(f.ctx, a, target.ID, target.Version, auth.UserPatch{Name: &name})
		wantCode(t, err, crm.CodeForbidden)
	}
	for _, r := range []crm.Role{crm.RoleSales, crm.RoleService, crm.RoleAnalyst, ""} {
		_, err := f.svc.ListUsers(f.ctx, crm.Actor{UserID: target.ID, Role: r})
		wantCode(t, err, crm.CodeForbidden)
	}
	for _, r := range []crm.Role{crm.RoleAdmin, crm.RoleManager} {
		us, err := f.svc.ListUsers(f.ctx, crm.Actor{UserID: "someone", Role: r})
		if err != nil {
			t.Fatal(err)
		}
		if len(us) != 2 || us[0].Email != "admin@kehu.cn" || us[1].Email != "t@kehu.cn" {
			t.Fatalf("%s lists %v", r, us)
		}
		for _, u := range us {
			if u.PasswordHash != "" {
				t.Fatal("ListUsers leaks password hashes")
			}
		}
	}
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.create(t, "han@kehu.cn", crm.RoleSales, "han-password-1")
	ptr := func(s string) *string { return &s }
	role := func(r crm.Role) *crm.Role { return &r }
	flag := func(b bool) *bool { return &b }

	f.clock.Advance(time.Minute)
	got, err := f.svc.UpdateUser(f.ctx, f.actor(), u.ID, 1, auth.UserPatch{Name: ptr(" 韩梅梅 "), Role: role(crm.RoleManager)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "韩梅梅" || got.Role != crm.RoleManager || got.Version != 2 || got.PasswordHash != "" ||
		!got.UpdatedAt.Equal(t0.Add(time.Minute)) || !got.CreatedAt.Equal(t0) {
		t.Fatalf("updated %+v", got)
	}
	// Stale version.
	_, err = f.svc.UpdateUser(f.ctx, f.actor(), u.ID, 1, auth.UserPatch{Name: ptr("x")})
	if !crm.IsVersionConflict(err) {
		t.Fatalf("stale version: %v", err)
	}
	_, err = f.svc.UpdateUser(f.ctx, f.actor(), crm.NewID(), 1, auth.UserPatch{Name: ptr("x")})
	wantCode(t, err, crm.CodeNotFound)
	// Invalid input: every field at once, nothing written.
	_, err = f.svc.UpdateUser(f.ctx, f.actor(), u.ID, 2, auth.UserPatch{Name: ptr(""), Role: role("KING"), Password: ptr("short")})
	e := wantCode(t, err, crm.CodeBadUserInput)
	if got := strings.Join(fieldsOf(e), ","); got != "name,role,password" {
		t.Fatalf("fields %s", got)
	}
	if s, _ := f.store.Users().Get(f.ctx, u.ID); s.Version != 2 {
		t.Fatal("an invalid update was written")
	}

	// The admin cannot lock themself out.
	_, err = f.svc.UpdateUser(f.ctx, f.actor(), f.admin.ID, f.admin.Version, auth.UserPatch{Disabled: flag(true)})
	if e := wantCode(t, err, crm.CodeBadUserInput); fieldsOf(e)[0] != "disabled" {
		t.Fatalf("fields %v", fieldsOf(e))
	}
	_, err = f.svc.UpdateUser(f.ctx, f.actor(), f.admin.ID, f.admin.Version, auth.UserPatch{Role: role(crm.RoleManager)})
	if e := wantCode(t, err, crm.CodeBadUserInput); fieldsOf(e)[0] != "role" {
		t.Fatalf("fields %v", fieldsOf(e))
	}
	// But may rename themself and keep ADMIN.
	if _, err := f.svc.UpdateUser(f.ctx, f.actor(), f.admin.ID, f.admin.Version, auth.UserPatch{Name: ptr("超级管理员"), Role: role(crm.RoleAdmin), Disabled: flag(false)}); err != nil {
		t.Fatal(err)
	}
}

func TestDisablingEndsSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.create(t, "wang@kehu.cn", crm.RoleService, "wang-password-1")
	tok1, _, _, err := f.svc.Login(f.ctx, "wang@kehu.cn", "wang-password-1", "")
	if err != nil {
		t.Fatal(err)
	}
	tok2, _, _, err := f.svc.Login(f.ctx, "wang@kehu.cn", "wang-password-1", "")
	if err != nil {
		t.Fatal(err)
	}
	adminTok, _, _, err := f.svc.Login(f.ctx, "admin@kehu.cn", adminPW, "")
	if err != nil {
		t.Fatal(err)
	}
	on, off := false, true
	if _, err := f.svc.UpdateUser(f.ctx, f.actor(), u.ID, 1, auth.UserPatch{Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{tok1, tok2} {
		_, err := f.svc.Authenticate(f.ctx, tok)
		wantCode(t, err, crm.CodeUnauthenticated)
		id, _ := auth.SessionID(tok)
		if _, err := f.store.Sessions().Get(f.ctx, id); !crm.IsCode(err, crm.CodeNotFound) {
			t.Fatalf("session of a disabled user kept: %v", err)
		}
	}
	if _, err := f.svc.Authenticate(f.ctx, adminTok); err != nil {
		t.Fatalf("another user's session ended: %v", err)
	}
	_, _, _, err = f.svc.Login(f.ctx, "wang@kehu.cn", "wang-password-1", "")
	wantCode(t, err, crm.CodeUnauthenticated)

	if _, err := f.svc.UpdateUser(f.ctx, f.actor(), u.ID, 2, auth.UserPatch{Disabled: &on}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := f.svc.Login(f.ctx, "wang@kehu.cn", "wang-password-1", ""); err != nil {
		t.Fatalf("re-enabled user: %v", err)
	}
}

func TestPasswordChangeEndsSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.create(t, "zhao@kehu.cn", crm.RoleAnalyst, "zhao-password-1")
	tok, _, _, err := f.svc.Login(f.ctx, "zhao@kehu.cn", "zhao-password-1", "")
	if err != nil {
		t.Fatal(err)
	}
	pw := "zhao-password-2"
	got, err := f.svc.UpdateUser(f.ctx, f.actor(), u.ID, 1, auth.UserPatch{Password: &pw})
	if err != nil {
		t.Fatal(err)
	}
	if got.PasswordHash != "" || got.Version != 2 {
		t.Fatalf("updated %+v", got)
	}
	_, err = f.svc.Authenticate(f.ctx, tok)
	wantCode(t, err, crm.CodeUnauthenticated)
	_, _, _, err = f.svc.Login(f.ctx, "zhao@kehu.cn", "zhao-password-1", "")
	wantCode(t, err, crm.CodeUnauthenticated)
	if _, _, _, err := f.svc.Login(f.ctx, "zhao@kehu.cn", pw, ""); err != nil {
		t.Fatalf("new password: %v", err)
	}
	// A rename keeps sessions.
	tok, _, _, _ = f.svc.Login(f.ctx, "zhao@kehu.cn", pw, "")
	name := "赵"
	if _, err := f.svc.UpdateUser(f.ctx, f.actor(), u.ID, 2, auth.UserPatch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(f.ctx, tok); err != nil {
		t.Fatalf("rename ended a session: %v", err)
	}
}

func TestEnsureAdmin(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	ctx := context.Background()
	svc := &auth.Service{Users: st.Users(), Sessions: st.Sessions(), Clock: crm.NewFixedClock(t0)}

	_, _, err := svc.EnsureAdmin(ctx, "not-an-email", "")
	wantCode(t, err, crm.CodeBadUserInput)
	_, _, err = svc.EnsureAdmin(ctx, "root@kehu.cn", "short")
	wantCode(t, err, crm.CodeBadUserInput)

	created, gen, err := svc.EnsureAdmin(ctx, "root@kehu.cn", "")
	if err != nil || !created || len(gen) != auth.GeneratedPasswordLen {
		t.Fatalf("EnsureAdmin = %v, %q, %v", created, gen, err)
	}
	_, u, _, err := svc.Login(ctx, "root@kehu.cn", gen, "")
	if err != nil || u.Role != crm.RoleAdmin {
		t.Fatalf("generated password does not sign in: %v", err)
	}
	created, gen, err = svc.EnsureAdmin(ctx, "other@kehu.cn", "")
	if err != nil || created || gen != "" {
		t.Fatalf("second EnsureAdmin = %v, %q, %v", created, gen, err)
	}
	if n, _ := st.Users().Count(ctx); n != 1 {
		t.Fatalf("%d users after two EnsureAdmin calls", n)
	}
}

func TestUpdateUserRacesOnOneVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.create(t, "race@kehu.cn", crm.RoleSales, "race-password-1")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			name := fmt.Sprint("name ", i)
			_, errs[i] = f.svc.UpdateUser(f.ctx, f.actor(), u.ID, 1, auth.UserPatch{Name: &name})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !crm.IsVersionConflict(err):
			t.Fatalf("racing update: %v", err)
		}
	}
	if s, _ := f.store.Users().Get(f.ctx, u.ID); won != 1 || s.Version != 2 {
		t.Fatalf("%d updates won, version %d; want exactly one, version 2", won, s.Version)
	}
}

// TestPasswordPolicyOnAccounts: creating, resetting and changing a
// password refuse common, personal and unchanged passwords, with the field
// and the reason.
func TestPasswordPolicyOnAccounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	refused := func(err error, field string, reason crm.Reason) {
		t.Helper()
		e := wantCode(t, err, crm.CodeBadUserInput)
		if len(e.Fields) != 1 || e.Fields[0].Field != field || e.Fields[0].Reason != reason {
			t.Fatalf("want %s on %s, got %+v", reason, field, e.Fields)
		}
	}
	_, err := f.svc.CreateUser(f.ctx, f.actor(), auth.NewUser{Email: "li.lei@kehu.cn", Name: "李雷", Role: crm.RoleSales, Password: "Li.Lei2026!"})
	refused(err, "password", auth.ReasonContainsEmail)
	_, err = f.svc.CreateUser(f.ctx, f.actor(), auth.NewUser{Email: "li.lei@kehu.cn", Name: "李雷", Role: crm.RoleSales, Password: "woaini1314520"})
	refused(err, "password", auth.ReasonCommonPassword)
	u := f.create(t, "li.lei@kehu.cn", crm.RoleSales, "li-lei-tea-house")

	same := "li-lei-tea-house"
	_, err = f.svc.UpdateUser(f.ctx, f.actor(), u.ID, u.Version, auth.UserPatch{Password: &same})
	refused(err, "password", auth.ReasonSamePassword)
	trivial := "abcabcabcabc"
	_, err = f.svc.UpdateUser(f.ctx, f.actor(), u.ID, u.Version, auth.UserPatch{Password: &trivial})
	refused(err, "password", auth.ReasonTrivialPassword)

	tok, _, _, err := f.svc.Login(f.ctx, "li.lei@kehu.cn", same, "")
	if err != nil {
		t.Fatal(err)
	}
	me := crm.Actor{UserID: u.ID, Role: u.Role}
	refused(f.svc.ChangePassword(f.ctx, me, same, same, tok), "newPassword", auth.ReasonSamePassword)
	refused(f.svc.ChangePassword(f.ctx, me, same, "Qwerty123456", tok), "newPassword", auth.ReasonCommonPassword)
	refused(f.svc.ChangePassword(f.ctx, me, same, "li.lei@kehu.cn", tok), "newPassword", auth.ReasonContainsEmail)
	if err := f.svc.ChangePassword(f.ctx, me, same, "kehu-demo-2026", tok); err != nil {
		t.Fatalf("the demo password is refused: %v", err)
	}
}

// Names and e-mails of staff are stored strings like any other: no ID
// number, in any of the forms people type it.
func TestUserPersonalData(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		in    auth.NewUser
		field string
	}{
		{auth.NewUser{Email: "110105199003078510@qq.com", Name: "王五"}, "email"},
		{auth.NewUser{Email: "w5@kehu.cn", Name: "王五 １１０１０５１９９００３０７８５１０"}, "name"},
		{auth.NewUser{Email: "w6@kehu.cn", Name: "王五 110105-1990-0307-8510"}, "name"},
		{auth.NewUser{Email: "w7@kehu.cn", Name: "王五110105491231002"}, "name"},
	} {
		tc.in.Role, tc.in.Password = crm.RoleSales, "long-enough-pw"
		_, err := f.svc.CreateUser(f.ctx, f.actor(), tc.in)
		e := wantCode(t, err, crm.CodeBadUserInput)
		if len(e.Fields) != 1 || e.Fields[0].Field != tc.field || e.Fields[0].Reason != crm.ReasonIDNumber {
			t.Errorf("%+v: fields %+v", tc.in, e.Fields)
		}
	}
	u := f.create(t, "zhao@kehu.cn", crm.RoleSales, "long-enough-pw")
	name := "赵六\u200b11010519491231002x"
	_, err := f.svc.UpdateUser(f.ctx, f.actor(), u.ID, u.Version, auth.UserPatch{Name: &name})
	if e := wantCode(t, err, crm.CodeBadUserInput); e.Fields[0].Reason != crm.ReasonIDNumber {
		t.Errorf("update: %+v", e.Fields)
	}
}

// A password an administrator sets for someone else is temporary: until the
// user changes it, Principal refuses every operation (FORBIDDEN,
// PASSWORD_CHANGE_REQUIRED) and only changing it is allowed.
func TestResetPasswordMustBeChanged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.create(t, "qian@kehu.cn", crm.RoleSales, "qian-password-1")
	principal := func(email, pw string) (crm.Actor, crm.Actor, string, error) {
		t.Helper()
		tok, _, _, err := f.svc.Login(f.ctx, email, pw, "")
		if err != nil {
			t.Fatalf("Login(%s): %v", email, err)
		}
		me, err := f.svc.Authenticate(f.ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		ctx := auth.WithUser(f.ctx, me)
		signed, err := auth.SignedIn(ctx)
		if err != nil {
			t.Fatalf("SignedIn: %v", err)
		}
		a, err := auth.Principal(ctx)
		return signed, a, tok, err
	}
	if _, _, _, err := principal("qian@kehu.cn", "qian-password-1"); err != nil {
		t.Fatalf("a created user is refused: %v", err)
	}

	temp := "temp-password-77"
	got, err := f.svc.UpdateUser(f.ctx, f.actor(), u.ID, 1, auth.UserPatch{Password: &temp})
	if err != nil || !got.MustChangePassword {
		t.Fatalf("reset: %+v, %v", got, err)
	}
	signed, _, tok, err := principal("qian@kehu.cn", temp)
	if e := wantCode(t, err, crm.CodeForbidden); e.Reason != auth.ReasonPasswordChangeRequired {
		t.Fatalf("reason %q", e.Reason)
	}
	if stored, _ := f.store.Users().Get(f.ctx, u.ID); !stored.MustChangePassword {
		t.Fatal("the flag is not stored")
	}
	if err := f.svc.ChangePassword(f.ctx, signed, temp, "qian-own-password-2", tok); err != nil {
		t.Fatalf("ChangePassword: %v", err)
	}
	if _, _, _, err := principal("qian@kehu.cn", "qian-own-password-2"); err != nil {
		t.Fatalf("after the change: %v", err)
	}

	// An administrator setting their own password chose it: not temporary.
	own := "admin-password-2"
	me, err := f.svc.UpdateUser(f.ctx, f.actor(), f.admin.ID, f.admin.Version, auth.UserPatch{Password: &own})
	if err != nil || me.MustChangePassword {
		t.Fatalf("own reset: %+v, %v", me, err)
	}
	// Other changes keep the flag as it is.
	if _, err := f.svc.UpdateUser(f.ctx, f.actor(), u.ID, 3, auth.UserPatch{Password: &temp}); err != nil {
		t.Fatal(err)
	}
	name := "钱"
	if got, err := f.svc.UpdateUser(f.ctx, f.actor(), u.ID, 4, auth.UserPatch{Name: &name}); err != nil || !got.MustChangePassword {
		t.Fatalf("rename: %+v, %v", got, err)
	}
}
