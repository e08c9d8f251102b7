package auth_test

import (
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
)

var t0 = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)

// failN makes n allowed attempts (failures) for email from client, each
// once the limiter allows it, and returns how long that took.
func failN(t *testing.T, l *auth.Limiter, clock *crm.FixedClock, email, client string, n int) time.Duration {
	t.Helper()
	start := clock.Now()
	for i := 0; i < n; i++ {
		ok, at := l.Attempt(email, client)
		if !ok {
			clock.Advance(at.Sub(clock.Now()))
			if ok, _ = l.Attempt(email, client); !ok {
				t.Fatalf("%s from %s: refused at the retry time it gave", email, client)
			}
		}
	}
	return clock.Now().Sub(start)
}

func TestLimiterPairDelaysDouble(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewLimiter(clock, auth.LimiterConfig{})
	for i := range 3 { // 3 free failures
		if ok, _ := l.Attempt("a@x.cn", "10.0.0.1"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	// 3 failures: wait 1s, then 2s, 4s ... each refusal counts nothing.
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		for range 3 {
			ok, at := l.Attempt("a@x.cn", "10.0.0.1")
			if ok || !at.Equal(clock.Now().Add(want)) {
				t.Fatalf("step %d: %v, retry at %v, want %v", i, ok, at.Sub(clock.Now()), want)
			}
		}
		clock.Advance(want - time.Millisecond)
		if ok, _ := l.Attempt("a@x.cn", "10.0.0.1"); ok {
			t.Fatalf("step %d: allowed before the wait ended", i)
		}
		clock.Advance(time.Millisecond)
		if ok, _ := l.Attempt("a@x.cn", "10.0.0.1"); !ok {
			t.Fatalf("step %d: refused after the wait", i)
		}
	}
	// The wait stops growing at 15 minutes.
	failN(t, l, clock, "a@x.cn", "10.0.0.1", 20)
	if _, at := l.Attempt("a@x.cn", "10.0.0.1"); at.Sub(clock.Now()) != 15*time.Minute {
		t.Fatalf("capped wait %v", at.Sub(clock.Now()))
	}
	// Failures are forgotten a day after the last one.
	clock.Advance(24 * time.Hour)
	for i := range 3 {
		if ok, _ := l.Attempt("a@x.cn", "10.0.0.1"); !ok {
			t.Fatalf("a day later: attempt %d refused", i+1)
		}
	}
}

// TestLimiterOwnerNotLockedOut: a guesser using many addresses slows the
// account down for new addresses, but the owner at an address they signed
// in from before is never made to wait by others' failures.
func TestLimiterOwnerNotLockedOut(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewLimiter(clock, auth.LimiterConfig{})
	if ok, _ := l.Attempt("boss@x.cn", "198.51.100.7"); !ok {
		t.Fatal("first sign-in refused")
	}
	l.Succeeded("boss@x.cn", "198.51.100.7")
	// 500 guesses from 500 addresses, as fast as the limiter lets them.
	took := time.Duration(0)
	for i := range 500 {
		took += failN(t, l, clock, "boss@x.cn", fmt.Sprintf("203.0.%d.%d", i/250, i%250), 1)
	}
	if took < 500*time.Minute {
		t.Fatalf("500 distributed guesses took only %v", took)
	}
	// A new address has to wait (at most the account's 5 minutes) ...
	ok, at := l.Attempt("boss@x.cn", "192.0.2.1")
	if ok || at.Sub(clock.Now()) > 5*time.Minute {
		t.Fatalf("new address: %v, wait %v", ok, at.Sub(clock.Now()))
	}
	// ... the owner at home does not.
	for i := range 3 {
		if ok, _ := l.Attempt("boss@x.cn", "198.51.100.7"); !ok {
			t.Fatalf("owner at home refused (try %d)", i+1)
		}
		l.Succeeded("boss@x.cn", "198.51.100.7")
	}
}

// TestLimiterPerClient: one address spraying many accounts is slowed down;
// a colleague behind the same address who signed in there before is not.
func TestLimiterPerClient(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewLimiter(clock, auth.LimiterConfig{})
	l.Attempt("colleague@x.cn", "10.0.0.1")
	l.Succeeded("colleague@x.cn", "10.0.0.1")
	for i := range 20 {
		if ok, _ := l.Attempt(fmt.Sprintf("u%d@x.cn", i), "10.0.0.1"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	ok, at := l.Attempt("fresh@x.cn", "10.0.0.1")
	if ok || !at.Equal(clock.Now().Add(time.Second)) {
		t.Fatalf("21st attempt from one client: %v, %v", ok, at.Sub(clock.Now()))
	}
	if ok, _ := l.Attempt("fresh@x.cn", "10.0.0.2"); !ok {
		t.Fatal("the email is refused from another client")
	}
	if ok, _ := l.Attempt("colleague@x.cn", "10.0.0.1"); !ok {
		t.Fatal("a known colleague behind the same address is refused")
	}
	// An empty client is not counted (nor shared).
	for i := range 30 {
		if ok, _ := l.Attempt(fmt.Sprintf("v%d@x.cn", i), ""); !ok {
			t.Fatalf("empty client: attempt %d refused", i+1)
		}
	}
}

func TestLimiterIPv6By64(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewLimiter(clock, auth.LimiterConfig{ClientFree: 5})
	for i := range 5 { // five addresses of one /64, one account each
		if ok, _ := l.Attempt(fmt.Sprintf("u%d@x.cn", i), fmt.Sprintf("2001:db8:1:2::%x", i+1)); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if ok, _ := l.Attempt("v@x.cn", "2001:db8:1:2:ffff:ffff:ffff:ffff"); ok {
		t.Fatal("another address of the same /64 is not slowed down")
	}
	if ok, _ := l.Attempt("v@x.cn", "2001:db8:1:3::1"); !ok {
		t.Fatal("another /64 is slowed down")
	}
	// An IPv4-mapped IPv6 address is the IPv4 client.
	for i := range 5 {
		l.Attempt(fmt.Sprintf("w%d@x.cn", i), "192.0.2.9")
	}
	if ok, _ := l.Attempt("z@x.cn", "::ffff:192.0.2.9"); ok {
		t.Fatal("::ffff:192.0.2.9 is not 192.0.2.9")
	}
}

func TestLimiterSucceededRefunds(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewLimiter(clock, auth.LimiterConfig{ClientFree: 4})
	l.Attempt("a@x.cn", "ip")
	l.Attempt("a@x.cn", "ip")
	l.Attempt("a@x.cn", "ip")
	l.Succeeded("a@x.cn", "ip") // the third attempt signed in
	// The account's count was refunded: 3 free attempts from another client.
	for i := range 3 {
		if ok, _ := l.Attempt("a@x.cn", "other"); !ok {
			t.Fatalf("after success: attempt %d refused", i+1)
		}
	}
	// "ip" holds 2 failures (the success was refunded): 2 more are free,
	// then the next waits.
	for i := range 2 {
		if ok, _ := l.Attempt(fmt.Sprint("z", i), "ip"); !ok {
			t.Fatalf("client: attempt %d refused", i+1)
		}
	}
	if ok, _ := l.Attempt("y", "ip"); ok {
		t.Fatal("client: not slowed down after 4 failures with ClientFree 4")
	}
}

// TestLimiterFloodKeepsLocks: new keys flooding every table do not free an
// account, a client or a pair that is being slowed down.
func TestLimiterFloodKeepsLocks(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewLimiter(clock, auth.LimiterConfig{MaxKeys: 100})
	failN(t, l, clock, "boss@x.cn", "203.0.113.7", 12)
	for i := range 12 {
		failN(t, l, clock, fmt.Sprintf("spray%d@x.cn", i), "198.51.100.1", 1)
	}
	clock.Advance(time.Second) // within every wait still running
	for i := range 10_000 {
		l.Attempt(fmt.Sprintf("new%d@x.cn", i), fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		if n := l.Len(); n > 400 {
			t.Fatalf("holds %d entries, bound 4 x 100", n)
		}
	}
	if ok, _ := l.Attempt("boss@x.cn", "203.0.113.7"); ok {
		t.Fatal("the flood freed the pair")
	}
	if ok, _ := l.Attempt("boss@x.cn", "192.0.2.200"); ok {
		t.Fatal("the flood freed the account")
	}
}

func TestLimiterDefaultKeys(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewLimiter(clock, auth.LimiterConfig{})
	for i := range 12_000 {
		l.Attempt(fmt.Sprintf("u%d@x.cn", i), "")
	}
	if n := l.Len(); n != 20_000 { // pairs and accounts, 10,000 each
		t.Fatalf("holds %d entries, want the default bound 2 x 10000", n)
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := auth.NewLimiter(crm.NewFixedClock(t0), auth.LimiterConfig{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 50 {
		wg.Go(func() {
			if ok, _ := l.Attempt("a@x.cn", "ip"); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 3 {
		t.Fatalf("%d of 50 racing attempts allowed, want exactly 3 (the free ones)", allowed)
	}
}

// FuzzLimiterBounded runs random sequences of attempts, successes and
// clock moves over small key spaces: memory stays within 4 x MaxKeys, and
// an account slowed down at the start stays slowed down while its wait
// runs, whatever else happens.
func FuzzLimiterBounded(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("\xff\xfe\x00\x01attempt-flood-new-keys-0123456789"))
	f.Fuzz(func(t *testing.T, ops []byte) {
		clock := crm.NewFixedClock(t0)
		const maxKeys = 16
		l := auth.NewLimiter(clock, auth.LimiterConfig{MaxKeys: maxKeys})
		failN(t, l, clock, "locked@x.cn", "203.0.113.1", 16)
		_, until := l.Attempt("locked@x.cn", "203.0.113.1")
		for len(ops) >= 3 {
			op, a, b := ops[0], ops[1], ops[2]
			ops = ops[3:]
			email, client := fmt.Sprintf("u%d@x.cn", a%64), fmt.Sprintf("10.0.%d.%d", b>>4, b&15)
			switch op % 4 {
			case 0, 1:
				l.Attempt(email, client)
			case 2:
				l.Succeeded(email, client)
			case 3:
				clock.Advance(time.Duration(binary.BigEndian.Uint16([]byte{a, b})) * time.Millisecond)
			}
			if n := l.Len(); n > 4*maxKeys {
				t.Fatalf("holds %d entries, bound %d", n, 4*maxKeys)
			}
		}
		if clock.Now().Before(until) {
			if ok, _ := l.Attempt("locked@x.cn", "203.0.113.1"); ok {
				t.Fatal("the slowed-down pair was freed")
			}
		}
	})
}
