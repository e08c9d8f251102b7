package auth

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Client is where a request came from, as far as the server can trust it.
type Client struct {
	Addr  netip.Addr // the client's address; invalid when unknown
	HTTPS bool       // the client reached us over HTTPS (directly or via a trusted proxy)
}

// Key is the client's sign-in limiter key: the IPv4 address, or the /64
// network of an IPv6 address (one subscriber usually holds a whole /64,
// so single IPv6 addresses cost an attacker nothing). "" when unknown.
func (c Client) Key() string {
	return addrKey(c.Addr)
}

func addrKey(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.WithZone("").Prefix(64)
		return p.String()
	}
	return a.String()
}

// maxForwardedHops bounds the X-Forwarded-For entries looked at: a long
// header from a client costs no more than this.
const maxForwardedHops = 32

// ClientOf returns the client of r. The peer address (r.RemoteAddr) is the
// client unless it lies in one of the trusted proxy networks; only then is
// X-Forwarded-For read, from the right (the entry the nearest proxy added)
// leftwards, skipping further trusted proxies: the first address that is
// not a trusted proxy is the client. Entries left of it were written by the
// client itself and are never believed. When an entry is not an address,
// the last trusted hop is taken as the client. HTTPS is r.TLS, or
// X-Forwarded-Proto "https" (its first value, the one the outermost proxy
// set) from a trusted proxy.
func ClientOf(r *http.Request, trusted []netip.Prefix) Client {
	c := Client{Addr: peerAddr(r.RemoteAddr), HTTPS: r.TLS != nil}
	if !isTrusted(c.Addr, trusted) {
		return c
	}
	if proto := r.Header.Values("X-Forwarded-Proto"); len(proto) > 0 {
		first, _, _ := strings.Cut(proto[0], ",")
		if strings.EqualFold(strings.TrimSpace(first), "https") {
			c.HTTPS = true
		}
	}
	hops := forwardedFor(r.Header.Values("X-Forwarded-For"))
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			if ap, err2 := netip.ParseAddrPort(hops[i]); err2 == nil { // "1.2.3.4:5678", "[::1]:80"
				a, err = ap.Addr(), nil
			}
		}
		if err != nil {
			break
		}
		c.Addr = a.Unmap()
		if !isTrusted(c.Addr, trusted) {
			break
		}
	}
	return c
}

// forwardedFor splits X-Forwarded-For values (a header may be repeated)
// into their last maxForwardedHops entries.
func forwardedFor(values []string) []string {
	var hops []string
	for _, v := range values {
		for _, h := range strings.Split(v, ",") {
			hops = append(hops, strings.TrimSpace(h))
		}
	}
	if len(hops) > maxForwardedHops {
		hops = hops[len(hops)-maxForwardedHops:]
	}
	return hops
}

func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	if !a.IsValid() {
		return false
	}
	a = a.WithZone("")
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

type clientCtxKey struct{}

// WithClient returns a context carrying the request's client.
func WithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientCtxKey{}, c)
}

// ClientFrom returns the client stored by WithClient (the zero Client
// when none was).
func ClientFrom(ctx context.Context) Client {
	c, _ := ctx.Value(clientCtxKey{}).(Client)
	return c
}
