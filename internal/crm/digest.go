package crm

import (
	"context"
	"slices"
	"time"
)

// Digest is a user's daily summary of their work (每日待办摘要): what is
// overdue and due today, what opened since they last read it, and the
// service requests they hold. The app shows it behind a bell, one per day,
// instead of a notification per task a rule opens.
type Digest struct {
	Day      time.Time // the local date it is for (midnight UTC)
	Overdue  int       // open tasks due before today
	DueToday int       // open tasks due today
	// New counts the open tasks opened since the user last read a digest,
	// or within the last day when that was longer ago (or never).
	New   int
	Kinds []KindCount // the overdue and today's tasks by kind, most first
	// Services and ServicesOverdue count the service requests not closed
	// assigned to the user, and those still worked on past their due time.
	Services, ServicesOverdue int
	Top                       []TaskItem // the first DigestTop overdue and today's tasks, soonest first
	Read                      bool       // the user read today's digest
}

// KindCount is a number of tasks of one kind.
type KindCount struct {
	Kind  TaskKind
	Count int
}

// DigestTop is how many tasks a digest lists.
const DigestTop = 5

// digestRead is the setting that keeps when a user last read a digest.
type digestRead struct {
	At time.Time `bson:"at"`
}

func digestKey(user string) string { return "digest:" + user }

// Digest returns the actor's digest of today (in the service's time zone).
// Snoozed tasks wait for their time, as in the task lists.
func (s *Service) Digest(ctx context.Context, a Actor) (*Digest, error) {
	now := s.now()
	loc := s.loc()
	day := DateOf(now, loc)
	y, m, d := now.In(loc).Date()
	startOfDay := time.Date(y, m, d, 0, 0, 0, 0, loc)
	endOfDay := startOfDay.AddDate(0, 0, 1)
	out := &Digest{Day: day}
	var read digestRead
	if a.UserID != "" {
		if _, err := s.Store.Settings().Get(ctx, digestKey(a.UserID), &read); err != nil && !IsCode(err, CodeNotFound) {
			return nil, err
		}
	}
	out.Read = !read.At.IsZero() && !read.At.Before(startOfDay)
	if a.UserID == "" {
		return out, nil
	}
	since := read.At
	if dayAgo := now.AddDate(0, 0, -1); since.Before(dayAgo) {
		since = dayAgo
	}
	kinds := map[TaskKind]int{}
	var due []TaskItem
	err := s.Store.Customers().CustomersWithTasks(ctx, TaskQuery{Assignee: a.UserID, Status: TaskOpen}, func(c *Customer) error {
		for _, t := range c.Tasks {
			if !t.Open() || t.AssigneeID != a.UserID || t.Snoozed(now) {
				continue
			}
			if t.CreatedAt.After(since) {
				out.New++
			}
			if !t.Due.Before(endOfDay) {
				continue
			}
			if t.Due.Before(startOfDay) {
				out.Overdue++
			} else {
				out.DueToday++
			}
			kinds[t.Kind]++
			due = append(due, TaskItem{Task: t, Customer: c})
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	for _, k := range taskKinds {
		if kinds[k] > 0 {
			out.Kinds = append(out.Kinds, KindCount{Kind: k, Count: kinds[k]})
		}
	}
	slices.SortStableFunc(out.Kinds, func(x, y KindCount) int { return y.Count - x.Count })
	out.Top, _ = duePage(due, func(t TaskItem) (time.Time, string) { return t.Due, t.ID }, DigestTop, nil)
	err = s.Store.Customers().OpenServiceRequests(ctx, ServiceQuery{Assignee: a.UserID}, func(c *Customer) error {
		for i := range c.ServiceRequests {
			r := &c.ServiceRequests[i]
			if r.Closed() || r.AssigneeID != a.UserID {
				continue
			}
			out.Services++
			if r.Active() && r.Due.Before(now) {
				out.ServicesOverdue++
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MarkDigestRead records that the actor read today's digest and returns
// it as it was read (its New counted from the read before). Errors:
// FORBIDDEN for a read-only caller (an API token).
func (s *Service) MarkDigestRead(ctx context.Context, a Actor) (*Digest, error) {
	if a.ReadOnly() || a.UserID == "" {
		return nil, Errorf(CodeForbidden, "a read-only caller has no digest to mark read")
	}
	d, err := s.Digest(ctx, a)
	if err != nil {
		return nil, err
	}
	key := digestKey(a.UserID)
	for attempt := 0; ; attempt++ {
		var read digestRead
		v, err := s.Store.Settings().Get(ctx, key, &read)
		if err != nil && !IsCode(err, CodeNotFound) {
			return nil, err
		}
		err = s.Store.Settings().Put(ctx, key, digestRead{At: s.now()}, v)
		if err == nil {
			break
		}
		if !IsCode(err, CodeConflict) || attempt >= 3 { // the same user in two tabs
			return nil, err
		}
	}
	d.Read = true
	return d, nil
}
