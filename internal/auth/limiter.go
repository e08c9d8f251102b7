package auth

import (
	"container/list"
	"net/netip"
	"sync"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// LimiterConfig sets the sign-in limits. Zero fields take the defaults.
type LimiterConfig struct {
	// Failures allowed without delay, per account and client together
	// (default 3), per account from every client (default 10) and per
	// client over every account (default 20). The last free failure starts
	// a wait of BaseDelay before the next attempt; each further failure
	// doubles it.
	PairFree, AccountFree, ClientFree int
	BaseDelay                         time.Duration // first wait; default 1s
	MaxDelay                          time.Duration // longest wait per pair and client; default 15 minutes
	AccountMaxDelay                   time.Duration // longest wait per account; default 5 minutes
	Forget                            time.Duration // failures older than this are forgotten; default 24h
	KnownFor                          time.Duration // a client that signed in to an account stays known; default 30 days
	MaxKeys                           int           // entries per table (pairs, accounts, clients, known); default 10,000
}

func (c LimiterConfig) withDefaults() LimiterConfig {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.PairFree, 3)
	def(&c.AccountFree, 10)
	def(&c.ClientFree, 20)
	def(&c.MaxKeys, 10_000)
	defDur(&c.BaseDelay, time.Second)
	defDur(&c.MaxDelay, 15*time.Minute)
	defDur(&c.AccountMaxDelay, 5*time.Minute)
	defDur(&c.Forget, 24*time.Hour)
	defDur(&c.KnownFor, 30*24*time.Hour)
	return c
}

// Limiter slows password guessing without locking anybody out.
//
// It counts failed sign-ins three ways: per account and client together
// (the pair), per account from every client, and per client over every
// account. Each count has a number of free failures; from then on, every
// failure doubles the wait before the next attempt (1s, 2s, 4s ... up to
// MaxDelay, or AccountMaxDelay for the account count): a guesser gets a
// few dozen guesses a day per account instead of thousands a second, and
// an attempt refused while waiting counts nothing. A client that signed in
// to an account (a known client) is held only by its own pair count: a
// guesser elsewhere, however many addresses they use, cannot make the
// owner wait at their usual address, and a colleague behind the same
// address cannot either. Clients are keyed by address, an IPv6 address by
// its /64.
//
// Memory is bounded: each table holds at most MaxKeys entries. When a table
// is full, the entries that impose no wait go first, idle longest first;
// only a table full of entries that impose a wait gives up a forgotten one
// or else the one with the fewest failures. So a flood of new keys, each
// holding one failure, never frees an account or client that is being
// slowed down.
//
// It lives in process memory, so each replica counts on its own: behind a
// load balancer with n replicas an attacker gets up to n times the guesses.
//
// The zero value is not usable; call NewLimiter. A Limiter is safe for
// concurrent use.
type Limiter struct {
	clock crm.Clock
	cfg   LimiterConfig

	mu                       sync.Mutex
	pairs, accounts, clients *table
	known                    *table // pairs that signed in; failures unused
}

// NewLimiter returns a limiter reading time from clock (nil: the wall clock).
func NewLimiter(clock crm.Clock, cfg LimiterConfig) *Limiter {
	if clock == nil {
		clock = crm.SystemClock{}
	}
	cfg = cfg.withDefaults()
	return &Limiter{clock: clock, cfg: cfg,
		pairs:    newTable(cfg.PairFree, cfg.MaxDelay, cfg.Forget, cfg),
		accounts: newTable(cfg.AccountFree, cfg.AccountMaxDelay, cfg.Forget, cfg),
		clients:  newTable(cfg.ClientFree, cfg.MaxDelay, cfg.Forget, cfg),
		known:    newTable(1<<30, 0, cfg.KnownFor, cfg),
	}
}

func emailKey(email string) string {
	if len(email) > 320 { // longer than any address: keep keys small
		email = email[:320]
	}
	return email
}

// clientKey is the address of client (the /64 of an IPv6 one), or client
// itself, shortened, when it is not an address.
func clientKey(client string) string {
	if a, err := netip.ParseAddr(client); err == nil {
		return addrKey(a)
	}
	if len(client) > 128 {
		client = client[:128]
	}
	return client
}

func pairKey(email, client string) string {
	if email == "" && client == "" {
		return ""
	}
	return email + "\x00" + client
}

// Attempt asks to try one sign-in for email from client (either may be "",
// then that count is not kept). When allowed it counts the attempt as a
// failure (Succeeded takes it back) and returns true; counting before the
// password is checked keeps racing attempts from slipping past the wait.
// When a wait is running it counts nothing and returns false and the time
// from which attempts are allowed again.
func (l *Limiter) Attempt(email, client string) (ok bool, retryAt time.Time) {
	now := l.clock.Now()
	email, client = emailKey(email), clientKey(client)
	pair := pairKey(email, client)
	l.mu.Lock()
	defer l.mu.Unlock()
	known := email != "" && client != "" && l.known.live(pair, now) != nil
	held := []struct {
		t   *table
		key string
	}{{l.pairs, pair}, {l.accounts, email}, {l.clients, client}}
	for i, h := range held {
		if h.key == "" || known && i > 0 {
			continue
		}
		if e := h.t.live(h.key, now); e != nil && now.Before(e.next) && e.next.After(retryAt) {
			retryAt = e.next
		}
	}
	if !retryAt.IsZero() {
		return false, retryAt
	}
	for _, h := range held {
		if h.key != "" {
			h.t.fail(h.key, now)
		}
	}
	return true, time.Time{}
}

// Succeeded records that the attempt for email from client signed in: the
// pair starts afresh and becomes known, and the attempt no longer counts
// against the account and the client.
func (l *Limiter) Succeeded(email, client string) {
	now := l.clock.Now()
	email, client = emailKey(email), clientKey(client)
	pair := pairKey(email, client)
	l.mu.Lock()
	defer l.mu.Unlock()
	if pair != "" {
		l.pairs.remove(pair)
		if email != "" && client != "" {
			l.known.touch(pair, now)
		}
	}
	l.accounts.refund(email, now)
	l.clients.refund(client, now)
}

// Len returns the number of entries held in all tables (for tests and
// metrics).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.pairs.m) + len(l.accounts.m) + len(l.clients.m) + len(l.known.m)
}

// table counts failures per key. Entries that impose no wait sit in clean,
// idle longest first; entries that do are only in m.
type table struct {
	free    int
	max     time.Duration
	base    time.Duration
	forget  time.Duration
	maxKeys int
	m       map[string]*entry
	clean   *list.List // of *entry
}

type entry struct {
	key      string
	failures int
	last     time.Time     // last failure (or success, in the known table)
	next     time.Time     // no attempt before this
	el       *list.Element // in clean, or nil
}

func newTable(free int, max, forget time.Duration, cfg LimiterConfig) *table {
	return &table{free: free, max: max, base: cfg.BaseDelay, forget: forget, maxKeys: cfg.MaxKeys,
		m: map[string]*entry{}, clean: list.New()}
}

// wait is the delay imposed after failures failures.
func (t *table) wait(failures int) time.Duration {
	over := failures - t.free + 1
	if over <= 0 {
		return 0
	}
	d := t.base
	for i := 1; i < over && d < t.max; i++ {
		d *= 2
	}
	return min(d, t.max)
}

// live returns the entry of key, or nil; a forgotten entry is dropped.
func (t *table) live(key string, now time.Time) *entry {
	e := t.m[key]
	if e != nil && t.expired(e, now) {
		t.remove(key)
		return nil
	}
	return e
}

func (t *table) expired(e *entry, now time.Time) bool {
	return !now.Before(e.last.Add(t.forget))
}

// fail counts a failure of key at now.
func (t *table) fail(key string, now time.Time) {
	e := t.live(key, now)
	if e == nil {
		e = t.add(key, now)
	}
	e.failures++
	e.last = now
	e.next = now.Add(t.wait(e.failures))
	t.place(e)
}

// refund takes back one failure counted by Attempt.
func (t *table) refund(key string, now time.Time) {
	if key == "" {
		return
	}
	e := t.live(key, now)
	if e == nil {
		return
	}
	if e.failures > 0 {
		e.failures--
	}
	e.next = e.last.Add(t.wait(e.failures))
	t.place(e)
}

// touch records activity of key (the known table).
func (t *table) touch(key string, now time.Time) {
	e := t.live(key, now)
	if e == nil {
		e = t.add(key, now)
	}
	e.last = now
	t.place(e)
}

// place keeps e in clean, at the back, while it imposes no wait.
func (t *table) place(e *entry) {
	isClean := e.failures < t.free
	switch {
	case isClean && e.el != nil:
		t.clean.MoveToBack(e.el)
	case isClean:
		e.el = t.clean.PushBack(e)
	case e.el != nil:
		t.clean.Remove(e.el)
		e.el = nil
	}
}

func (t *table) add(key string, now time.Time) *entry {
	for len(t.m) >= t.maxKeys {
		t.evict(now)
	}
	e := &entry{key: key, last: now}
	e.el = t.clean.PushBack(e)
	t.m[key] = e
	return e
}

// evict drops one entry: the clean one idle longest, else (every entry
// imposes a wait) a forgotten one, else the one with the fewest failures.
func (t *table) evict(now time.Time) {
	if f := t.clean.Front(); f != nil {
		t.remove(f.Value.(*entry).key)
		return
	}
	var victim *entry
	for _, e := range t.m {
		if t.expired(e, now) {
			victim = e
			break
		}
		if victim == nil || e.failures < victim.failures || e.failures == victim.failures && e.last.Before(victim.last) {
			victim = e
		}
	}
	if victim != nil {
		t.remove(victim.key)
	}
}

func (t *table) remove(key string) {
	e := t.m[key]
	if e == nil {
		return
	}
	if e.el != nil {
		t.clean.Remove(e.el)
	}
	delete(t.m, key)
}
