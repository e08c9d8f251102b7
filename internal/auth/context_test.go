package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
)

func TestContextPrincipal(t *testing.T) {
	ctx := context.Background()
	if _, ok := auth.UserFrom(ctx); ok {
		t.Fatal("user in an empty context")
	}
	if _, ok := auth.ActorFrom(ctx); ok {
		t.Fatal("actor in an empty context")
	}
	if _, ok := auth.UserFrom(auth.WithUser(ctx, nil)); ok {
		t.Fatal("nil user reported as signed in")
	}
	u := &crm.User{ID: "u1", Role: crm.RoleSales}
	ctx = auth.WithUser(ctx, u)
	got, ok := auth.UserFrom(ctx)
	if !ok || got != u {
		t.Fatalf("UserFrom = %v, %v", got, ok)
	}
	a, ok := auth.ActorFrom(ctx)
	if !ok || a != (crm.Actor{UserID: "u1", Role: crm.RoleSales}) {
		t.Fatalf("ActorFrom = %v, %v", a, ok)
	}
}

func TestTokenFromRequest(t *testing.T) {
	cases := []struct {
		name, header, cookie, want string
	}{
		{"nothing", "", "", ""},
		{"bearer", "Bearer abc", "", "abc"},
		{"bearer lower case", "bearer abc", "", "abc"},
		{"bearer spaces", "  Bearer   abc  ", "", "abc"},
		{"bearer wins over cookie", "Bearer abc", "cookie", "abc"},
		{"cookie", "", "cookie", "cookie"},
		{"basic falls back to cookie", "Basic dXNlcjpwYXNz", "cookie", "cookie"},
		{"empty bearer falls back", "Bearer ", "cookie", "cookie"},
		{"basic alone", "Basic dXNlcjpwYXNz", "", ""},
		{"scheme only", "Bearer", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			if c.header != "" {
				r.Header.Set("Authorization", c.header)
			}
			if c.cookie != "" {
				r.AddCookie(&http.Cookie{Name: auth.CookieName, Value: c.cookie})
				r.AddCookie(&http.Cookie{Name: "other", Value: "zzz"})
			}
			if got := auth.TokenFromRequest(r); got != c.want {
				t.Errorf("TokenFromRequest = %q, want %q", got, c.want)
			}
		})
	}
}

func TestCookies(t *testing.T) {
	exp := time.Date(2026, 11, 3, 21, 0, 0, 0, time.FixedZone("CST", 8*3600))
	c := auth.SessionCookie("tok", exp, true)
	if c.Name != "kehu_session" || c.Value != "tok" || c.Path != "/" || !c.HttpOnly || !c.Secure ||
		c.SameSite != http.SameSiteLaxMode || !c.Expires.Equal(exp) {
		t.Fatalf("session cookie %+v", c)
	}
	if c.Valid() != nil {
		t.Fatal(c.Valid())
	}
	if auth.SessionCookie("tok", exp, false).Secure {
		t.Fatal("Secure without HTTPS")
	}
	// Round trip through a response and a request.
	w := httptest.NewRecorder()
	http.SetCookie(w, c)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, rc := range w.Result().Cookies() {
		r.AddCookie(rc)
	}
	if got := auth.TokenFromRequest(r); got != "tok" {
		t.Fatalf("token after round trip %q", got)
	}
	cl := auth.ClearCookie(false)
	if cl.Name != auth.CookieName || cl.Value != "" || cl.MaxAge >= 0 || cl.Path != "/" || !cl.HttpOnly {
		t.Fatalf("clear cookie %+v", cl)
	}
	w = httptest.NewRecorder()
	http.SetCookie(w, cl)
	if h := w.Header().Get("Set-Cookie"); h == "" || !containsAll(h, "Max-Age=0", "HttpOnly", "SameSite=Lax") {
		t.Fatalf("Set-Cookie %q", h)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func TestSessionID(t *testing.T) {
	for _, tok := range []string{"", "short", "abc def", "Bearer x",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",   // 42
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // 44
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",  // std alphabet
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",  // non-canonical last char
	} {
		if id, ok := auth.SessionID(tok); ok {
			t.Errorf("SessionID(%q) = %s, true", tok, id)
		}
	}
	tok := strings.Repeat("A", 43)
	sum := sha256.Sum256([]byte(tok))
	id, ok := auth.SessionID(tok)
	if !ok || id != hex.EncodeToString(sum[:]) {
		t.Fatalf("SessionID = %q, %v", id, ok)
	}
}
