package auth

import (
	"container/list"
	"sync"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// LimiterConfig sets the sign-in limits. Zero fields take the defaults.
type LimiterConfig struct {
	PerEmail  int           // attempts per email per window; default 5
	PerClient int           // attempts per client key (IP) per window; default 20
	Window    time.Duration // default 15 minutes
	MaxKeys   int           // emails and client keys remembered at once; default 10,000
}

func (c LimiterConfig) withDefaults() LimiterConfig {
	if c.PerEmail <= 0 {
		c.PerEmail = 5
	}
	if c.PerClient <= 0 {
		c.PerClient = 20
	}
	if c.Window <= 0 {
		c.Window = 15 * time.Minute
	}
	if c.MaxKeys <= 0 {
		c.MaxKeys = 10_000
	}
	return c
}

// Limiter limits sign-in attempts per email and per client key with a fixed
// window per key that opens at the key's first attempt: after PerEmail
// attempts on one email (or PerClient from one client) within Window, further
// attempts are refused until the window that holds them closes. A successful
// sign-in clears the email's count and does not count against the client.
//
// It lives in process memory, so each replica counts on its own: behind a
// load balancer with n replicas an attacker gets up to n times the limits
// (still a few guesses per minute per account). Memory is bounded: at most
// MaxKeys keys are kept; expired windows are swept on every call (the keys
// sit in a list ordered by window start, so a sweep costs only what it
// removes), and when the table is full the oldest window is evicted.
//
// The zero value is not usable; call NewLimiter. A Limiter is safe for
// concurrent use.
type Limiter struct {
	clock crm.Clock
	cfg   LimiterConfig

	mu    sync.Mutex
	keys  map[string]*list.Element // of *window
	order *list.List               // *window, oldest start first
}

type window struct {
	key   string
	start time.Time
	count int
}

// NewLimiter returns a limiter reading time from clock (nil: the wall clock).
func NewLimiter(clock crm.Clock, cfg LimiterConfig) *Limiter {
	if clock == nil {
		clock = crm.SystemClock{}
	}
	return &Limiter{clock: clock, cfg: cfg.withDefaults(), keys: map[string]*list.Element{}, order: list.New()}
}

func emailKey(email string) string {
	if email == "" {
		return ""
	}
	if len(email) > 320 { // longer than any address: keep keys small
		email = email[:320]
	}
	return "e:" + email
}

func clientKey(client string) string {
	if client == "" {
		return ""
	}
	if len(client) > 128 {
		client = client[:128]
	}
	return "c:" + client
}

// Attempt asks to try one sign-in for email from client (either may be "",
// then it is not limited). When allowed it counts the attempt against both
// keys and returns true. When a limit is reached it counts nothing and
// returns false and the time from which the blocking keys allow attempts
// again.
func (l *Limiter) Attempt(email, client string) (ok bool, retryAt time.Time) {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	type check struct {
		key   string
		limit int
	}
	checks := [2]check{{emailKey(email), l.cfg.PerEmail}, {clientKey(client), l.cfg.PerClient}}
	for _, c := range checks {
		if c.key == "" {
			continue
		}
		if w := l.get(c.key, now); w != nil && w.count >= c.limit {
			if end := w.start.Add(l.cfg.Window); end.After(retryAt) {
				retryAt = end
			}
		}
	}
	if !retryAt.IsZero() {
		return false, retryAt
	}
	for _, c := range checks {
		if c.key == "" {
			continue
		}
		w := l.get(c.key, now)
		if w == nil {
			w = l.add(c.key, now)
		}
		w.count++
	}
	return true, time.Time{}
}

// Succeeded records that the attempt for email from client signed in: the
// email starts afresh and the attempt no longer counts against the client.
func (l *Limiter) Succeeded(email, client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if k := emailKey(email); k != "" {
		if e, ok := l.keys[k]; ok {
			l.order.Remove(e)
			delete(l.keys, k)
		}
	}
	if k := clientKey(client); k != "" {
		if e, ok := l.keys[k]; ok {
			if w := e.Value.(*window); w.count > 0 {
				w.count--
			}
		}
	}
}

// Len returns the number of keys held (for tests and metrics).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// get returns the live window of key, or nil (dropping an expired one).
func (l *Limiter) get(key string, now time.Time) *window {
	e, ok := l.keys[key]
	if !ok {
		return nil
	}
	w := e.Value.(*window)
	if !now.Before(w.start.Add(l.cfg.Window)) {
		l.order.Remove(e)
		delete(l.keys, key)
		return nil
	}
	return w
}

func (l *Limiter) add(key string, now time.Time) *window {
	for len(l.keys) >= l.cfg.MaxKeys {
		oldest := l.order.Front()
		l.order.Remove(oldest)
		delete(l.keys, oldest.Value.(*window).key)
	}
	w := &window{key: key, start: now}
	l.keys[key] = l.order.PushBack(w)
	return w
}

// sweep drops expired windows from the front of the list. Windows are
// appended as they open, so the front is the oldest.
func (l *Limiter) sweep(now time.Time) {
	for e := l.order.Front(); e != nil; e = l.order.Front() {
		w := e.Value.(*window)
		if now.Before(w.start.Add(l.cfg.Window)) {
			return
		}
		l.order.Remove(e)
		delete(l.keys, w.key)
	}
}
