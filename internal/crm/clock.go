package crm

import (
	"sync"
	"time"
	_ "time/tzdata" // Asia/Shanghai everywhere, even without system zoneinfo
)

// Clock gives the current time. Everything that needs "now" takes a Clock,
// so tests can move time forward.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

// FixedClock is a settable clock for tests and the demo generator.
type FixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func NewFixedClock(t time.Time) *FixedClock { return &FixedClock{t: t} }

func (c *FixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *FixedClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// DefaultLocation is the time zone for calendar dates and customer codes.
var DefaultLocation = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// DateOf returns the calendar date of t in loc, as midnight UTC: the one
// representation of a date (deal date, founded date) in storage.
func DateOf(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DayEnd returns the last millisecond (the precision of stored times) of
// t's day in loc, in UTC: when a task of a whole day falls due, so that
// done on its day is done on time.
func DayEnd(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc).Add(-time.Millisecond).UTC()
}
