package auth_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
)

var t0 = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)

func TestLimiterPerEmailWindow(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewLimiter(clock, auth.LimiterConfig{})
	for i := range 5 {
		if ok, _ := l.Attempt("a@x.cn", fmt.Sprint("ip", i)); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
		clock.Advance(time.Minute)
	}
	ok, at := l.Attempt("a@x.cn", "ip-new")
	if ok || !at.Equal(t0.Add(15*time.Minute)) {
		t.Fatalf("6th attempt = %v, retry at %v; want refused until %v", ok, at, t0.Add(15*time.Minute))
	}
	if ok, _ := l.Attempt("b@x.cn", "ip-new"); !ok {
		t.Fatal("another email is refused")
	}
	clock.Advance(10*time.Minute - time.Second) // t0+14m59s
	if ok, _ := l.Attempt("a@x.cn", "ip-new"); ok {
		t.Fatal("allowed before the window closed")
	}
	clock.Advance(time.Second) // t0+15m: a new window opens
	for i := range 5 {
		if ok, _ := l.Attempt("a@x.cn", "ip-later"); !ok {
			t.Fatalf("new window: attempt %d refused", i+1)
		}
	}
	if ok, at := l.Attempt("a@x.cn", "ip-later"); ok || !at.Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("new window: 6th attempt = %v, %v", ok, at)
	}
}

func TestLimiterPerClient(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewLimiter(clock, auth.LimiterConfig{})
	for i := range 20 {
		if ok, _ := l.Attempt(fmt.Sprintf("u%d@x.cn", i), "10.0.0.1"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if ok, at := l.Attempt("fresh@x.cn", "10.0.0.1"); ok || !at.Equal(t0.Add(15*time.Minute)) {
		t.Fatalf("21st attempt from one client = %v, %v", ok, at)
	}
	// The refused attempt did not count against the email.
	if ok, _ := l.Attempt("fresh@x.cn", "10.0.0.2"); !ok {
		t.Fatal("email refused from another client")
	}
	// An empty client key is not limited (and not shared).
	for i := range 30 {
		if ok, _ := l.Attempt(fmt.Sprintf("v%d@x.cn", i), ""); !ok {
			t.Fatalf("empty client: attempt %d refused", i+1)
		}
	}
}

func TestLimiterSucceeded(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewLimiter(clock, auth.LimiterConfig{PerEmail: 3, PerClient: 4})
	for range 2 {
		l.Attempt("a@x.cn", "ip")
	}
	l.Attempt("a@x.cn", "ip")
	l.Succeeded("a@x.cn", "ip") // the third attempt signed in
	for i := range 3 {
		if ok, _ := l.Attempt("a@x.cn", "other"); !ok {
			t.Fatalf("after success: attempt %d refused", i+1)
		}
	}
	// "ip" holds 2 failures (the success was refunded): 2 more allowed.
	for i := range 2 {
		if ok, _ := l.Attempt(fmt.Sprint("z", i), "ip"); !ok {
			t.Fatalf("client: attempt %d refused", i+1)
		}
	}
	if ok, _ := l.Attempt("y", "ip"); ok {
		t.Fatal("client: 5th attempt allowed with PerClient 4")
	}
}

func TestLimiterBoundedMemory(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewLimiter(clock, auth.LimiterConfig{MaxKeys: 100})
	for i := range 1000 {
		l.Attempt(fmt.Sprintf("u%d@x.cn", i), fmt.Sprintf("ip%d", i))
		if n := l.Len(); n > 100 {
			t.Fatalf("holds %d keys, max 100", n)
		}
	}
	// Expired windows are swept on the next call.
	clock.Advance(15 * time.Minute)
	l.Attempt("late@x.cn", "")
	if n := l.Len(); n != 1 {
		t.Fatalf("after the window: %d keys, want 1", n)
	}
}

func TestLimiterDefaultKeys(t *testing.T) {
	clock := crm.NewFixedClock(t0)
	l := auth.NewLimiter(clock, auth.LimiterConfig{})
	for i := range 12_000 {
		l.Attempt(fmt.Sprintf("u%d@x.cn", i), "")
	}
	if n := l.Len(); n != 10_000 {
		t.Fatalf("holds %d keys, want the default bound 10000", n)
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := auth.NewLimiter(crm.NewFixedClock(t0), auth.LimiterConfig{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 50 {
		wg.Go(func() {
			if ok, _ := l.Attempt("a@x.cn", ""); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 5 {
		t.Fatalf("%d of 50 racing attempts allowed, want exactly 5", allowed)
	}
}
