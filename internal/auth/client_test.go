package auth_test

import (
	"crypto/tls"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/auth"
)

func TestClientOf(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, c := range []struct {
		name    string
		remote  string
		xff     []string
		proto   string
		tls     bool
		trusted []netip.Prefix
		addr    string
		https   bool
		key     string
	}{
		{"direct", "203.0.113.5:4000", nil, "", false, proxies, "203.0.113.5", false, "203.0.113.5"},
		{"direct TLS", "203.0.113.5:4000", nil, "", true, proxies, "203.0.113.5", true, "203.0.113.5"},
		{"forged XFF from an untrusted peer", "203.0.113.5:4000", []string{"198.51.100.1"}, "https", false, proxies, "203.0.113.5", false, "203.0.113.5"},
		{"no proxies configured", "10.0.0.2:4000", []string{"198.51.100.1"}, "https", false, nil, "10.0.0.2", false, "10.0.0.2"},
		{"trusted proxy", "10.0.0.2:4000", []string{"198.51.100.1"}, "https", false, proxies, "198.51.100.1", true, "198.51.100.1"},
		{"client forges the left part", "10.0.0.2:4000", []string{"6.6.6.6, 198.51.100.1"}, "", false, proxies, "198.51.100.1", false, "198.51.100.1"},
		{"two trusted hops", "10.0.0.2:4000", []string{"6.6.6.6, 198.51.100.1, 10.1.1.1"}, "", false, proxies, "198.51.100.1", false, "198.51.100.1"},
		{"repeated headers", "10.0.0.2:4000", []string{"6.6.6.6", "198.51.100.1, 10.1.1.1"}, "", false, proxies, "198.51.100.1", false, "198.51.100.1"},
		{"garbage hop", "10.0.0.2:4000", []string{"198.51.100.1, not-an-ip"}, "", false, proxies, "10.0.0.2", false, "10.0.0.2"},
		{"only proxies", "10.0.0.2:4000", []string{"10.9.9.9"}, "", false, proxies, "10.9.9.9", false, "10.9.9.9"},
		{"empty XFF", "10.0.0.2:4000", []string{""}, "", false, proxies, "10.0.0.2", false, "10.0.0.2"},
		{"address with port", "10.0.0.2:4000", []string{"[2001:db8::1]:443"}, "", false, proxies, "2001:db8::1", false, "2001:db8::/64"},
		{"IPv6 client via IPv6 proxy", "[fd00::1]:4000", []string{"2001:db8:a:b:c::9"}, "HTTPS", false, proxies, "2001:db8:a:b:c::9", true, "2001:db8:a:b::/64"},
		{"mapped IPv4 peer", "[::ffff:10.0.0.2]:4000", []string{"198.51.100.1"}, "", false, proxies, "198.51.100.1", false, "198.51.100.1"},
		{"proto list", "10.0.0.2:4000", nil, "https, http", false, proxies, "10.0.0.2", true, "10.0.0.2"},
		{"proto http", "10.0.0.2:4000", nil, "http", false, proxies, "10.0.0.2", false, "10.0.0.2"},
		{"unparsable peer", "@", []string{"198.51.100.1"}, "https", false, proxies, "invalid IP", false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "http://kehu.test/graphql", nil)
			r.RemoteAddr = c.remote
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if c.proto != "" {
				r.Header.Set("X-Forwarded-Proto", c.proto)
			}
			if c.tls {
				r.TLS = &tls.ConnectionState{}
			}
			got := auth.ClientOf(r, c.trusted)
			if got.Addr.String() != c.addr || got.HTTPS != c.https || got.Key() != c.key {
				t.Fatalf("got %v https=%v key %q, want %s https=%v key %q", got.Addr, got.HTTPS, got.Key(), c.addr, c.https, c.key)
			}
		})
	}
}

// FuzzClientOf: whatever the headers say, the client is the peer or one of
// the forwarded addresses, and never a forwarded one when the peer is not a
// trusted proxy.
func FuzzClientOf(f *testing.F) {
	f.Add("10.0.0.2:1", "1.2.3.4, 10.0.0.3", "https")
	f.Add("203.0.113.1:1", "1.2.3.4", "https")
	f.Add("[fd00::1]:1", "[2001:db8::1]:80,,, x", "http,https")
	f.Add("10.0.0.2:1", strings.Repeat("1.1.1.1,", 100), "")
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	f.Fuzz(func(t *testing.T, remote, xff, proto string) {
		r, _ := http.NewRequest(http.MethodGet, "http://kehu.test/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		r.Header.Set("X-Forwarded-Proto", proto)
		c := auth.ClientOf(r, trusted)
		peer := auth.ClientOf(r, nil)
		if peer.HTTPS {
			t.Fatal("HTTPS believed from an untrusted peer")
		}
		trustedPeer := false
		for _, p := range trusted {
			trustedPeer = trustedPeer || peer.Addr.IsValid() && p.Contains(peer.Addr)
		}
		if !trustedPeer {
			if c != peer {
				t.Fatalf("untrusted peer %v: client %v", peer.Addr, c.Addr)
			}
			return
		}
		if c.Addr != peer.Addr && !strings.Contains(xff, strings.TrimPrefix(c.Addr.String(), "::ffff:")) {
			t.Fatalf("client %v is neither the peer nor in %q", c.Addr, xff)
		}
		if len(c.Key()) > 64 {
			t.Fatalf("key %q", c.Key())
		}
	})
}
