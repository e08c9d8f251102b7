package crm

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// The cost model of filtered lists and counts (one policy for the API's
// complexity limit and for the evaluation gate below).
//
// Every list, count or segment count evaluates its filter on every customer
// of the read model (or, on MongoDB, of the collection): its cost grows with
// the number of customers, whatever page size was asked for. A filter that
// reads free text (an interaction's summary: the store looks it up in a text
// index and checks the candidates' texts) costs TextCostFactor times a lean
// one. Both are charged per evaluation, so 100 aliased customersCount cost
// 100 times one.
const (
	// RowsPerCostPoint is the number of customers a lean filter (or no
	// filter) scans per point of cost.
	RowsPerCostPoint = 100
	// TextCostFactor is how much more a filter that reads free text costs
	// than a lean one.
	TextCostFactor = 10
)

// FilterCost is the cost of evaluating one filter over customers customers:
// text tells whether the filter reads free text (crm.Filter.Lean false).
func FilterCost(customers int, text bool) int {
	c := 1 + max(customers, 0)/RowsPerCostPoint
	if text {
		c *= TextCostFactor
	}
	return c
}

// EvalLimits bound the expensive evaluations (filters that read free text)
// that run at once.
type EvalLimits struct {
	Total   int           // in the whole process (default: the number of cores, at least 2)
	PerUser int           // for one user (default 1: one user's mix holds at most one core)
	Wait    time.Duration // how long an evaluation waits for a slot before RATE_LIMITED (default 2 s; negative: no wait)
}

func (l EvalLimits) withDefaults() EvalLimits {
	if l.Total <= 0 {
		l.Total = max(2, runtime.NumCPU())
	}
	if l.PerUser <= 0 {
		l.PerUser = 1
	}
	if l.PerUser > l.Total {
		l.PerUser = l.Total
	}
	if l.Wait == 0 {
		l.Wait = 2 * time.Second
	}
	return l
}

// EvalGate is a semaphore over expensive evaluations, per user and in
// total. Waiters are woken in no particular order; one that has not got a
// slot when its wait is over is refused with RATE_LIMITED.
type EvalGate struct {
	lim     EvalLimits
	mu      sync.Mutex
	running int
	perUser map[string]int
	wake    chan struct{} // closed and replaced whenever a slot frees
}

// NewEvalGate returns a gate with the limits (zero fields take defaults).
func NewEvalGate(l EvalLimits) *EvalGate {
	return &EvalGate{lim: l.withDefaults(), perUser: map[string]int{}, wake: make(chan struct{})}
}

// Limits returns the gate's limits, defaults applied.
func (g *EvalGate) Limits() EvalLimits { return g.lim }

// Acquire takes a slot for user ("" is one anonymous user, e.g. the
// system). It returns the release function, or RATE_LIMITED when no slot
// freed up within the wait, or the context's error.
func (g *EvalGate) Acquire(ctx context.Context, user string) (release func(), err error) {
	var timer <-chan time.Time
	if g.lim.Wait > 0 {
		t := time.NewTimer(g.lim.Wait)
		defer t.Stop()
		timer = t.C
	}
	for {
		g.mu.Lock()
		if g.running < g.lim.Total && g.perUser[user] < g.lim.PerUser {
			g.running++
			g.perUser[user]++
			g.mu.Unlock()
			var once sync.Once
			return func() { once.Do(func() { g.release(user) }) }, nil
		}
		wake := g.wake
		g.mu.Unlock()
		if timer == nil {
			return nil, g.refused()
		}
		select {
		case <-wake:
		case <-timer:
			return nil, g.refused()
		case <-ctx.Done():
			return nil, Internal(ctx.Err())
		}
	}
}

func (g *EvalGate) release(user string) {
	g.mu.Lock()
	g.running--
	if g.perUser[user]--; g.perUser[user] <= 0 {
		delete(g.perUser, user)
	}
	close(g.wake)
	g.wake = make(chan struct{})
	g.mu.Unlock()
}

// RateLimitedError is the RATE_LIMITED error of a refused evaluation; its
// RetryAfter says when to try again.
type RateLimitedError struct {
	Err        *Error
	RetryAfter time.Duration
}

func (e *RateLimitedError) Error() string { return e.Err.Error() }
func (e *RateLimitedError) Unwrap() error { return e.Err }

func (g *EvalGate) refused() error {
	return &RateLimitedError{
		Err: Errorf(CodeRateLimited, "too many text searches are running (at most %d per user, %d in all): try again in a moment",
			g.lim.PerUser, g.lim.Total),
		RetryAfter: time.Second,
	}
}
