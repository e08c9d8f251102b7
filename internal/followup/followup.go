// Package followup keeps a customer's generated tasks (crm.Task) in step
// with the customer (seed 002 and 003: every class its rhythm of contact,
// risks watched, no next action forgotten): from the customer's state at
// a time it derives the tasks that should be open, opens the missing ones
// (never twice for one reason: a task's kind and key), closes those whose
// reason went away, and says when time alone will next open one. It is
// pure: the classification hook (internal/rules) calls it on every write
// and in the periodic pass, inside the write.
package followup

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// The thresholds of the seeds.
const (
	SilentDays    = 60 // an A or B customer without an interaction this long is at risk
	LowScore      = 60 // a satisfaction score below it is a risk
	ScoreDrop     = 15 // a score this much below the previous one is a risk
	StaleNeedDays = 14 // a high-priority need without progress this long
	// ServiceCheckAfter is when the satisfaction check of a resolved
	// service request falls due.
	ServiceCheckAfter = 24 * time.Hour
	briefRunes        = 40 // a text quoted in a task's title
)

// want is a generated task that should be open.
type want struct {
	kind     crm.TaskKind
	key      string
	title    string
	assignee string
	due      time.Time
}

// dayBounds are the first and the last millisecond of a day in loc.
func dayBounds(y int, m time.Month, d int, loc *time.Location) (start, end time.Time) {
	start = time.Date(y, m, d, 0, 0, 0, 0, loc)
	return start.UTC(), crm.DayEnd(start, loc)
}

// Sync opens and closes c's generated tasks as its state at now says
// (times of days in loc). It reports whether c's tasks changed, and the
// earliest time after now at which time alone will make another task due
// (zero: none).
func Sync(c *crm.Customer, now time.Time, loc *time.Location) (changed bool, next time.Time) {
	now = now.UTC().Truncate(time.Millisecond)
	wants, next := plan(c, now, loc)
	byKey := map[string]*crm.Task{}
	for i := range c.Tasks {
		t := &c.Tasks[i]
		if t.Kind != crm.TaskManual && !t.Triggered() {
			byKey[string(t.Kind)+"|"+t.Key] = t
		}
	}
	wanted := map[string]bool{}
	for _, w := range wants {
		k := string(w.kind) + "|" + w.key
		wanted[k] = true
		t, ok := byKey[k]
		switch {
		case !ok:
			c.Tasks = append(c.Tasks, crm.Task{ID: taskID(c.ID, k), Kind: w.kind, Key: w.key, Title: w.title, AssigneeID: w.assignee,
				Due: w.due, Status: crm.TaskOpen, CreatedAt: now})
			changed = true
		case t.Open():
			// Keep an open task's words and due time current; its assignee
			// is set once (a person may give it to someone else), except a
			// next action's, which is the next action's owner.
			if t.Title != w.title || !t.Due.Equal(w.due) || (w.kind == crm.TaskNextAction && t.AssigneeID != w.assignee) {
				t.Title, t.Due = w.title, w.due
				if w.kind == crm.TaskNextAction {
					t.AssigneeID = w.assignee
				}
				changed = true
			}
		case w.kind == crm.TaskNextAction:
			// A next action ticked off and then marked not done again is
			// to do again: its task reopens.
			t.Status, t.ClosedAt, t.ClosedBy, t.Title, t.Due, t.AssigneeID = crm.TaskOpen, nil, "", w.title, w.due, w.assignee
			changed = true
		}
		// Any other task done or closed for its reason stays so.
	}
	for i := range c.Tasks {
		t := &c.Tasks[i]
		if t.Open() && t.Kind != crm.TaskManual && !t.Triggered() && !wanted[string(t.Kind)+"|"+t.Key] {
			t.Status, t.ClosedAt, t.ClosedBy = crm.TaskClosed, &now, ""
			changed = true
		}
	}
	if changed {
		crm.KeepTasks(c)
	}
	return changed, next
}

// plan lists the tasks c's state at now asks for, and the earliest later
// time at which another would be asked for.
func plan(c *crm.Customer, now time.Time, loc *time.Location) ([]want, time.Time) {
	var out []want
	var next time.Time
	later := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	// opensAt opens a task at a time, or says when it will; due opens it
	// at its due time.
	opensAt := func(at time.Time, w want) {
		if at.After(now) {
			later(at)
			return
		}
		out = append(out, w)
	}
	due := func(w want) { opensAt(w.due, w) }
	// onDay opens a task of a whole day in loc (a review) at the start of
	// the day, due at its last millisecond: it is that day's work all day,
	// and done on its day is done on time.
	onDay := func(kind crm.TaskKind, key, title, assignee string, y int, m time.Month, d int) {
		start, end := dayBounds(y, m, d, loc)
		opensAt(start, want{kind, key, title, assignee, end})
	}
	owner := c.OwnerID
	if c.Archived() {
		return nil, time.Time{} // an archived customer has nothing to do
	}

	// Next actions recorded on interactions: open until ticked off.
	for i := range c.Interactions {
		it := &c.Interactions[i]
		na := it.NextAction
		if na == nil || na.Done {
			continue
		}
		d := it.At
		if na.Due != nil {
			d = *na.Due
		}
		out = append(out, want{crm.TaskNextAction, it.ID, na.What, firstOf(na.OwnerID, owner), d})
	}

	// The cadence: a follow-up falls due at the last interaction plus the
	// cadence. Its key is that due time, so logging the follow-up (a new
	// interaction, a later due time) closes it and plans the next.
	// A customer lost in the pipeline is not followed up on the cadence.
	if f := c.Stats.NextFollowUpAt; !f.IsZero() && c.Stage != crm.StageLost {
		due(want{crm.TaskFollowUp, f.UTC().Format(time.RFC3339), fmt.Sprintf("按周期跟进（每 %d 天）", c.CadenceDays), owner, f})
	}

	// Churn risk: an A or B customer silent for 60 days; a low score, or a
	// drop of 15 points against the previous survey.
	if c.ValueTier == crm.TierA || c.ValueTier == crm.TierB {
		last := c.Stats.LastInteractionAt
		if last.IsZero() {
			last = c.CreatedAt
		}
		due(want{crm.TaskChurnRisk, "silent:" + last.UTC().Format(time.RFC3339),
			fmt.Sprintf("%s类客户 %d 天未联系，流失风险", c.ValueTier, SilentDays), owner, last.AddDate(0, 0, SilentDays)})
	}
	if len(c.Satisfaction) > 0 {
		latest := latestSurveys(c.Satisfaction)
		s := latest[0]
		switch {
		case s.Score < LowScore:
			out = append(out, want{crm.TaskChurnRisk, "score:" + s.ID, fmt.Sprintf("满意度 %d 分，低于 %d 分", s.Score, LowScore), owner, s.At})
		case len(latest) > 1 && latest[1].Score-s.Score >= ScoreDrop:
			out = append(out, want{crm.TaskChurnRisk, "drop:" + s.ID,
				fmt.Sprintf("满意度从 %d 分降到 %d 分", latest[1].Score, s.Score), owner, s.At})
		}
	}

	// A high-priority need without progress for 14 days.
	for i := range c.Needs {
		n := &c.Needs[i]
		if n.Priority != crm.PriorityHigh || n.Status.Closed() {
			continue
		}
		progress := n.OpenedAt
		if n.UpdatedAt != nil && n.UpdatedAt.After(progress) {
			progress = *n.UpdatedAt
		}
		due(want{crm.TaskStaleNeed, n.ID + ":" + progress.UTC().Format(time.RFC3339),
			fmt.Sprintf("高优先级需求“%s” %d 天无进展", n.Title, StaleNeedDays), owner, progress.AddDate(0, 0, StaleNeedDays)})
	}

	// Service requests (seed 002: every request closed in a loop): one
	// still worked on past its due time, and one resolved that waits for
	// its satisfaction check (回访), due a day after the resolution. Both
	// go to the request's assignee.
	for i := range c.ServiceRequests {
		r := &c.ServiceRequests[i]
		who := firstOf(r.AssigneeID, owner)
		switch {
		case r.Active():
			due(want{crm.TaskServiceOverdue, r.ID + ":" + r.Due.UTC().Format(time.RFC3339),
				fmt.Sprintf("服务请求超时未解决：%s", brief(r.Summary)), who, r.Due})
		case r.Status == crm.ServiceResolved && r.ResolvedAt != nil:
			out = append(out, want{crm.TaskServiceCheck, r.ID + ":" + r.ResolvedAt.UTC().Format(time.RFC3339),
				fmt.Sprintf("回访：确认客户对“%s”的处理是否满意", brief(r.Summary)), who, r.ResolvedAt.Add(ServiceCheckAfter)})
		}
	}

	// Scheduled reviews of the classification (seed 003's 评估周期): A
	// and strategic customers every quarter, churned ones every month, the
	// others who have cooperated every six months, counted from the last
	// review done (any classification review) or else the first deal, so
	// that customers' reviews spread over the period rather than falling
	// on one day. None while a review a change opened is pending, and none
	// for prospects (no deal yet) or dormant customers.
	if months, what := reviewPeriod(c); months > 0 && !pendingTriggered(c) {
		// The day of the anchor: the last review's in loc, or the first
		// deal's (a date, kept as midnight UTC).
		y, m, d := c.Stats.FirstDealOn.AddDate(0, months, 0).Date()
		if last := lastReview(c); !last.IsZero() {
			y, m, d = last.In(loc).AddDate(0, months, 0).Date()
		}
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		onDay(crm.TaskReview, "scheduled:"+day, "定期复核客户分级（"+what+"）", owner, y, m, d)
	}

	// A manual override's review date: a review task, never a silent
	// expiry.
	for _, v := range []struct {
		name string
		cv   *crm.ClassValue
	}{{"价值分级", &c.Class.ValueTier}, {"生命周期", &c.Class.Lifecycle}, {"跟进周期", &c.Class.Cadence}} {
		o := v.cv.Override
		if o == nil || o.ReviewOn == nil {
			continue
		}
		y, m, d := o.ReviewOn.Date()
		onDay(crm.TaskReview, v.name+":"+o.ReviewOn.Format(time.DateOnly),
			fmt.Sprintf("复核手动设置的%s（%s）", v.name, o.Value), firstOf(o.By, owner), y, m, d)
	}
	return out, next
}

// reviewPeriod is how often c's classification is reviewed, in months,
// and how the title says so; 0 for none.
func reviewPeriod(c *crm.Customer) (int, string) {
	switch {
	case c.Lifecycle == crm.LifecyclePotential || c.Lifecycle == crm.LifecycleDormant || c.Stats.FirstDealOn.IsZero():
		return 0, ""
	case c.Lifecycle == crm.LifecycleChurned:
		return 1, "流失客户每月"
	case c.Lifecycle == crm.LifecycleStrategic:
		return 3, "战略客户每季度"
	case c.ValueTier == crm.TierA:
		return 3, "A类客户每季度"
	case c.ValueTier != "":
		return 6, string(c.ValueTier) + "类客户每半年"
	}
	return 6, "每半年"
}

// lastReview is when c's classification was last reviewed: the latest
// classification review a person completed (zero: never).
func lastReview(c *crm.Customer) time.Time {
	var last time.Time
	for i := range c.Tasks {
		t := &c.Tasks[i]
		if t.Kind == crm.TaskReview && t.Status == crm.TaskDone && t.ClosedAt != nil && t.ClosedAt.After(last) {
			last = *t.ClosedAt
		}
	}
	return last
}

// pendingTriggered reports whether a review a change opened is open.
func pendingTriggered(c *crm.Customer) bool {
	for i := range c.Tasks {
		if c.Tasks[i].Open() && c.Tasks[i].Triggered() {
			return true
		}
	}
	return false
}

// taskID names a generated task by its customer, kind and key: at most one
// such task ever exists, and the same state gives the same document
// (replicas, the demo data).
func taskID(customer, kindKey string) string {
	h := sha256.Sum256([]byte(customer + "|" + kindKey))
	return hex.EncodeToString(h[:12])
}

// latestSurveys returns the survey results, newest first.
func latestSurveys(rs []crm.Satisfaction) []crm.Satisfaction {
	out := append([]crm.Satisfaction(nil), rs...)
	for i := 1; i < len(out); i++ { // few results: insertion sort, stable
		for j := i; j > 0 && out[j].At.After(out[j-1].At); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// brief shortens a text quoted in a title to its first line and
// briefRunes characters.
func brief(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	n := 0
	for i := range s {
		if n == briefRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func firstOf(ids ...string) string {
	for _, id := range ids {
		if id != "" {
			return id
		}
	}
	return ""
}
