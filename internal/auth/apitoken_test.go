package auth_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// tokenFixture is newFixture with the API token store wired.
func tokenFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.svc.APITokens = f.store.APITokens()
	return f
}

func TestCreateAndUseAPIToken(t *testing.T) {
	f := tokenFixture(t)
	exp := t0.Add(90 * 24 * time.Hour)
	secret, tok, err := f.svc.CreateAPIToken(f.ctx, f.actor(), "  数据大屏  ", exp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "kehu_at_") || len(secret) != len("kehu_at_")+43 || !auth.IsAPIToken(secret) {
		t.Fatalf("secret %q", secret)
	}
	if tok.Name != "数据大屏" || tok.CreatedBy != f.admin.ID || !tok.CreatedAt.Equal(t0) || !tok.ExpiresAt.Equal(exp) ||
		tok.LastUsedAt != nil || tok.Revoked() {
		t.Fatalf("token %+v", tok)
	}
	// Only the hash is stored: the secret appears nowhere in the record.
	stored, err := f.store.APITokens().Get(f.ctx, tok.ID)
	if err != nil || stored.Hash == "" || strings.Contains(stored.Hash, strings.TrimPrefix(secret, "kehu_at_")) {
		t.Fatalf("stored %+v %v", stored, err)
	}
	if h, _ := auth.APITokenHash(secret); h != stored.Hash || len(h) != 64 {
		t.Fatalf("hash %q, stored %q", h, stored.Hash)
	}
	// Two tokens never share a secret.
	other, _, err := f.svc.CreateAPIToken(f.ctx, f.actor(), "数据大屏", exp)
	if err != nil || other == secret {
		t.Fatalf("second token: %q %v", other, err)
	}

	f.clock.Advance(time.Hour)
	got, err := f.svc.AuthenticateAPIToken(f.ctx, secret)
	if err != nil || got.ID != tok.ID {
		t.Fatalf("authenticate: %+v %v", got, err)
	}
	used := t0.Add(time.Hour)
	if stored, _ := f.store.APITokens().Get(f.ctx, tok.ID); stored.LastUsedAt == nil || !stored.LastUsedAt.Equal(used) {
		t.Fatalf("last used %v", stored.LastUsedAt)
	}
	// Used again within the minute: not written again.
	f.clock.Advance(30 * time.Second)
	if _, err := f.svc.AuthenticateAPIToken(f.ctx, secret); err != nil {
		t.Fatal(err)
	}
	if stored, _ := f.store.APITokens().Get(f.ctx, tok.ID); !stored.LastUsedAt.Equal(used) {
		t.Fatalf("last used moved within the minute: %v", stored.LastUsedAt)
	}
	// The actor: a read-only analyst that is no user.
	ctx := auth.WithAPIToken(context.Background(), got)
	a, err := auth.Principal(ctx)
	if err != nil || a.Role != crm.RoleAnalyst || !a.ReadOnly() || a.CanManageAPITokens() || a.UserID == f.admin.ID {
		t.Fatalf("principal %+v %v", a, err)
	}
	if _, ok := auth.UserFrom(ctx); ok {
		t.Fatal("a token request has a user")
	}
}

func TestAPITokenInput(t *testing.T) {
	f := tokenFixture(t)
	for _, c := range []struct {
		name   string
		expiry time.Time
		field  string
		reason crm.Reason
	}{
		{"", t0.Add(time.Hour), "name", crm.ReasonRequired},
		{"   ", t0.Add(time.Hour), "name", crm.ReasonRequired},
		{strings.Repeat("屏", 101), t0.Add(time.Hour), "name", crm.ReasonTooLong},
		{"a\x00b", t0.Add(time.Hour), "name", crm.ReasonControlCharacters},
		{"大屏", t0, "expiresAt", auth.ReasonPastTime},
		{"大屏", t0.Add(-time.Second), "expiresAt", auth.ReasonPastTime},
		{"大屏", t0.AddDate(2, 0, 0).Add(time.Second), "expiresAt", auth.ReasonTooFarAhead},
	} {
		_, _, err := f.svc.CreateAPIToken(f.ctx, f.actor(), c.name, c.expiry)
		e := wantCode(t, err, crm.CodeBadUserInput)
		if len(e.Fields) != 1 || e.Fields[0].Field != c.field || e.Fields[0].Reason != c.reason {
			t.Errorf("%q until %s: %+v", c.name, c.expiry, e.Fields)
		}
	}
	// The edges are allowed: 100 characters, exactly two years.
	if _, _, err := f.svc.CreateAPIToken(f.ctx, f.actor(), strings.Repeat("屏", 100), t0.AddDate(2, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if list, _ := f.svc.ListAPITokens(f.ctx, f.actor()); len(list) != 1 {
		t.Fatalf("%d tokens after refused input", len(list))
	}
}

func TestAPITokensAreForManagers(t *testing.T) {
	f := tokenFixture(t)
	_, tok, err := f.svc.CreateAPIToken(f.ctx, f.actor(), "大屏", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	mgr := f.create(t, "mgr@kehu.cn", crm.RoleManager, "manager-password-1")
	if _, _, err := f.svc.CreateAPIToken(f.ctx, crm.Actor{UserID: mgr.ID, Role: crm.RoleManager}, "经理的", t0.Add(time.Hour)); err != nil {
		t.Fatalf("manager: %v", err)
	}
	for _, a := range []crm.Actor{
		{UserID: "s", Role: crm.RoleSales}, {UserID: "v", Role: crm.RoleService}, {UserID: "n", Role: crm.RoleAnalyst},
		crm.APITokenActor(tok.ID),
	} {
		_, _, err := f.svc.CreateAPIToken(f.ctx, a, "x", t0.Add(time.Hour))
		wantCode(t, err, crm.CodeForbidden)
		_, err = f.svc.ListAPITokens(f.ctx, a)
		wantCode(t, err, crm.CodeForbidden)
		_, err = f.svc.RevokeAPIToken(f.ctx, a, tok.ID)
		wantCode(t, err, crm.CodeForbidden)
	}
	if stored, _ := f.store.APITokens().Get(f.ctx, tok.ID); stored.Revoked() {
		t.Fatal("a refused revoke revoked")
	}
}

func TestRevokeAndExpireAPIToken(t *testing.T) {
	f := tokenFixture(t)
	secret, tok, err := f.svc.CreateAPIToken(f.ctx, f.actor(), "大屏", t0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AuthenticateAPIToken(f.ctx, secret); err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.RevokeAPIToken(f.ctx, f.actor(), tok.ID)
	if err != nil || r.RevokedAt == nil || !r.RevokedAt.Equal(t0) || r.RevokedBy != f.admin.ID {
		t.Fatalf("revoke: %+v %v", r, err)
	}
	f.clock.Advance(time.Minute)
	again, err := f.svc.RevokeAPIToken(f.ctx, f.actor(), tok.ID) // idempotent
	if err != nil || !again.RevokedAt.Equal(t0) {
		t.Fatalf("revoke again: %+v %v", again, err)
	}
	_, err = f.svc.AuthenticateAPIToken(f.ctx, secret)
	if e := wantCode(t, err, crm.CodeUnauthenticated); e.Reason != auth.ReasonAPITokenRevoked || !strings.Contains(e.Message, "revoked") {
		t.Fatalf("revoked token: %+v", e)
	}
	_, err = f.svc.RevokeAPIToken(f.ctx, f.actor(), crm.NewID())
	wantCode(t, err, crm.CodeNotFound)

	secret2, _, err := f.svc.CreateAPIToken(f.ctx, f.actor(), "报表", f.clock.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour - time.Second) // one second before it expires
	if _, err := f.svc.AuthenticateAPIToken(f.ctx, secret2); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	f.clock.Advance(time.Second) // exactly at expiresAt: expired
	_, err = f.svc.AuthenticateAPIToken(f.ctx, secret2)
	if e := wantCode(t, err, crm.CodeUnauthenticated); e.Reason != auth.ReasonAPITokenExpired || !strings.Contains(e.Message, "expired") {
		t.Fatalf("expired token: %+v", e)
	}
	// Malformed, altered and unknown tokens.
	unknown := "kehu_at_" + strings.Repeat("A", 43)
	for _, bad := range []string{"", "kehu_at_", "kehu_at_short", secret2 + "x", secret2[:len(secret2)-1] + "!", unknown} {
		if _, err := f.svc.AuthenticateAPIToken(f.ctx, bad); !crm.IsCode(err, crm.CodeUnauthenticated) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestAPITokenRateLimit(t *testing.T) {
	f := tokenFixture(t)
	f.svc.TokenLimiter = auth.NewRequestLimiter(f.clock, auth.RequestLimit{PerMinute: 60, Burst: 3})
	a, _, err := f.svc.CreateAPIToken(f.ctx, f.actor(), "A", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := f.svc.CreateAPIToken(f.ctx, f.actor(), "B", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := f.svc.AuthenticateAPIToken(f.ctx, a); err != nil {
			t.Fatalf("request %d within the burst: %v", i+1, err)
		}
	}
	_, err = f.svc.AuthenticateAPIToken(f.ctx, a)
	wantCode(t, err, crm.CodeRateLimited)
	if at, ok := auth.RetryAt(err); !ok || !at.Equal(t0.Add(time.Second)) {
		t.Fatalf("retry at %v %v", at, ok)
	}
	// Another token has its own limit.
	if _, err := f.svc.AuthenticateAPIToken(f.ctx, b); err != nil {
		t.Fatalf("other token: %v", err)
	}
	// One a second at the steady rate.
	f.clock.Advance(time.Second)
	if _, err := f.svc.AuthenticateAPIToken(f.ctx, a); err != nil {
		t.Fatalf("after a second: %v", err)
	}
	_, err = f.svc.AuthenticateAPIToken(f.ctx, a)
	wantCode(t, err, crm.CodeRateLimited)
}

func TestRequestLimiter(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewRequestLimiter(clock, auth.RequestLimit{PerMinute: 120})
	allowed := 0
	for i := 0; i < 200; i++ {
		if ok, _ := l.Allow("k"); ok {
			allowed++
		}
	}
	if allowed != 120 {
		t.Fatalf("%d allowed at once, want the burst of 120", allowed)
	}
	// A quiet minute gives the whole burst back; refusals counted nothing.
	clock.Advance(time.Minute)
	allowed = 0
	for i := 0; i < 200; i++ {
		if ok, _ := l.Allow("k"); ok {
			allowed++
		}
	}
	if allowed != 120 {
		t.Fatalf("%d allowed after a quiet minute", allowed)
	}
	// Steady: 2 a second.
	clock.Advance(time.Second)
	allowed = 0
	for i := 0; i < 5; i++ {
		if ok, _ := l.Allow("k"); ok {
			allowed++
		}
	}
	if allowed != 2 || l.PerMinute() != 120 {
		t.Fatalf("%d allowed a second later", allowed)
	}
}

// FuzzAPITokenHash: any bearer token a client sends is either refused or
// the exact shape issued (the prefix and 32 bytes in canonical base64url),
// with a 64-digit hex hash; never a panic.
func FuzzAPITokenHash(f *testing.F) {
	for _, s := range []string{"", "kehu_at_", "kehu_at_" + strings.Repeat("A", 43), "kehu_at_" + strings.Repeat("B", 43),
		"kehu_at_" + strings.Repeat("_", 43), "Kehu_at_" + strings.Repeat("A", 43), "kehu_at_" + strings.Repeat("A", 42) + "=",
		strings.Repeat("A", 43)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, ok := auth.APITokenHash(s)
		if !ok {
			if h != "" {
				t.Fatalf("refused %q with hash %q", s, h)
			}
			return
		}
		secret, found := strings.CutPrefix(s, auth.APITokenPrefix)
		b, err := base64.RawURLEncoding.DecodeString(secret)
		if !found || err != nil || len(b) != 32 || base64.RawURLEncoding.EncodeToString(b) != secret || len(h) != 64 {
			t.Fatalf("accepted %q (hash %q)", s, h)
		}
		if !auth.IsAPIToken(s) {
			t.Fatalf("%q accepted but not recognised as an API token", s)
		}
	})
}

// BenchmarkAuthenticateAPIToken: what a token adds to each request on the
// embedded store (a look-up by hash and the rate limiter; lastUsedAt is
// written once a minute, so not in the loop). docs/PERFORMANCE.md.
func BenchmarkAuthenticateAPIToken(b *testing.B) {
	st, err := sqlite.Open(b.TempDir(), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	clock := crm.NewFixedClock(t0)
	svc := &auth.Service{Users: st.Users(), Sessions: st.Sessions(), APITokens: st.APITokens(), Clock: clock,
		TokenLimiter: auth.NewRequestLimiter(clock, auth.RequestLimit{PerMinute: 1 << 30})}
	secret, _, err := svc.CreateAPIToken(context.Background(), crm.Actor{UserID: "u", Role: crm.RoleAdmin}, "大屏", t0.Add(time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.AuthenticateAPIToken(context.Background(), secret); err != nil {
			b.Fatal(err)
		}
	}
}
