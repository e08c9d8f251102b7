package followup_test

import (
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/followup"
)

var now = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)

func open(c *crm.Customer) map[crm.TaskKind]int {
	n := map[crm.TaskKind]int{}
	for _, t := range c.Tasks {
		if t.Open() {
			n[t.Kind]++
		}
	}
	return n
}

// Each reason opens its task at the seeds' threshold, not before, and says
// when it will; the task closes itself when the reason goes, and a task
// done by hand is not opened again for the same reason.
func TestSync(t *testing.T) {
	days := func(n int) time.Time { return now.AddDate(0, 0, n) }
	base := func() *crm.Customer {
		return &crm.Customer{ID: "c", OwnerID: "u1", CreatedAt: days(-400), ValueTier: crm.TierC}
	}
	for _, tc := range []struct {
		name string
		c    func() *crm.Customer
		want map[crm.TaskKind]int
		next time.Time // zero: none
	}{
		{"nothing to do", base, map[crm.TaskKind]int{}, time.Time{}},
		{"A silent 59 days: not yet", func() *crm.Customer {
			c := base()
			c.ValueTier = crm.TierA
			c.Stats.LastInteractionAt = days(-59)
			return c
		}, map[crm.TaskKind]int{}, days(1)},
		{"A silent 60 days", func() *crm.Customer {
			c := base()
			c.ValueTier = crm.TierA
			c.Stats.LastInteractionAt = days(-60)
			return c
		}, map[crm.TaskKind]int{crm.TaskChurnRisk: 1}, time.Time{}},
		{"C silent for a year: no churn task", func() *crm.Customer {
			c := base()
			c.Stats.LastInteractionAt = days(-365)
			return c
		}, map[crm.TaskKind]int{}, time.Time{}},
		{"a score of 59", func() *crm.Customer {
			c := base()
			c.Satisfaction = []crm.Satisfaction{{ID: "s1", At: days(-30), Score: 90}, {ID: "s2", At: days(-1), Score: 59}}
			return c
		}, map[crm.TaskKind]int{crm.TaskChurnRisk: 1}, time.Time{}},
		{"a drop of 15 points", func() *crm.Customer {
			c := base()
			c.Satisfaction = []crm.Satisfaction{{ID: "s2", At: days(-1), Score: 75}, {ID: "s1", At: days(-30), Score: 90}}
			return c
		}, map[crm.TaskKind]int{crm.TaskChurnRisk: 1}, time.Time{}},
		{"a drop of 14 points", func() *crm.Customer {
			c := base()
			c.Satisfaction = []crm.Satisfaction{{ID: "s1", At: days(-30), Score: 90}, {ID: "s2", At: days(-1), Score: 76}}
			return c
		}, map[crm.TaskKind]int{}, time.Time{}},
		{"a high need without progress for 14 days, a medium one for 100", func() *crm.Customer {
			c := base()
			c.Needs = []crm.Need{{ID: "n1", Title: "ERP", Priority: crm.PriorityHigh, Status: crm.NeedStatusOpen, OpenedAt: days(-14)},
				{ID: "n2", Title: "培训", Priority: crm.PriorityMedium, Status: crm.NeedStatusOpen, OpenedAt: days(-100)}}
			return c
		}, map[crm.TaskKind]int{crm.TaskStaleNeed: 1}, time.Time{}},
		{"a high need updated 10 days ago", func() *crm.Customer {
			c := base()
			up := days(-10)
			c.Needs = []crm.Need{{ID: "n1", Title: "ERP", Priority: crm.PriorityHigh, Status: crm.NeedStatusInProgress, OpenedAt: days(-30), UpdatedAt: &up}}
			return c
		}, map[crm.TaskKind]int{}, days(4)},
		{"an open next action and a done one", func() *crm.Customer {
			c := base()
			d := days(2)
			c.Interactions = []crm.Interaction{{ID: "i1", At: days(-1), NextAction: &crm.NextAction{What: "报价", Due: &d}},
				{ID: "i2", At: days(-2), NextAction: &crm.NextAction{What: "演示", Done: true}}}
			return c
		}, map[crm.TaskKind]int{crm.TaskNextAction: 1}, time.Time{}},
		{"a follow-up due tomorrow", func() *crm.Customer {
			c := base()
			c.CadenceDays, c.Stats.NextFollowUpAt = 30, days(1)
			return c
		}, map[crm.TaskKind]int{}, days(1)},
		{"lost in the pipeline: no follow-up", func() *crm.Customer {
			c := base()
			c.Stage, c.CadenceDays, c.Stats.NextFollowUpAt = crm.StageLost, 30, days(-1)
			return c
		}, map[crm.TaskKind]int{}, time.Time{}},
		{"a service request due tomorrow: not yet", func() *crm.Customer {
			c := base()
			c.ServiceRequests = []crm.ServiceRequest{{ID: "r1", Summary: "无法联网", Status: crm.ServiceInProgress, Due: days(1), AssigneeID: "u2"}}
			return c
		}, map[crm.TaskKind]int{}, days(1)},
		{"a service request past due, a resolved one and a closed one", func() *crm.Customer {
			c := base()
			res := days(-2)
			c.ServiceRequests = []crm.ServiceRequest{
				{ID: "r1", Summary: "无法联网", Status: crm.ServiceOpen, Due: days(-1), AssigneeID: "u2"},
				{ID: "r2", Summary: "发票", Status: crm.ServiceResolved, Due: days(-3), ResolvedAt: &res},
				{ID: "r3", Summary: "培训", Status: crm.ServiceClosed, Due: days(-3), ResolvedAt: &res, ClosedAt: &res}}
			return c
		}, map[crm.TaskKind]int{crm.TaskServiceOverdue: 1, crm.TaskServiceCheck: 1}, time.Time{}},
		{"archived: nothing", func() *crm.Customer {
			c := base()
			c.CadenceDays, c.Stats.NextFollowUpAt = 30, days(-1)
			at := days(-1)
			c.ArchivedAt = &at
			return c
		}, map[crm.TaskKind]int{}, time.Time{}},
	} {
		c := tc.c()
		_, next := followup.Sync(c, now, crm.DefaultLocation)
		if got := open(c); len(got) != len(tc.want) || func() bool {
			for k, v := range tc.want {
				if got[k] != v {
					return true
				}
			}
			return false
		}() {
			t.Errorf("%s: open %v, want %v", tc.name, got, tc.want)
		}
		if !next.Equal(tc.next) {
			t.Errorf("%s: next %v, want %v", tc.name, next, tc.next)
		}
		// Idempotent: nothing changes a second time.
		if changed, _ := followup.Sync(c, now, crm.DefaultLocation); changed {
			t.Errorf("%s: a second sync changed the tasks", tc.name)
		}
	}

	// A reason that goes closes its task; a task done by hand stays done.
	c := base()
	c.Satisfaction = []crm.Satisfaction{{ID: "s1", At: days(-1), Score: 40}}
	followup.Sync(c, now, crm.DefaultLocation)
	done := now
	c.Tasks[0].Status, c.Tasks[0].ClosedAt, c.Tasks[0].ClosedBy = crm.TaskDone, &done, "u1"
	if changed, _ := followup.Sync(c, now, crm.DefaultLocation); changed || len(c.Tasks) != 1 {
		t.Fatalf("a task done by hand came back: %+v", c.Tasks)
	}
	c.Satisfaction = append(c.Satisfaction, crm.Satisfaction{ID: "s2", At: now, Score: 95})
	c.Tasks[0].Status = crm.TaskOpen // as if it were still open
	if changed, _ := followup.Sync(c, now, crm.DefaultLocation); !changed || c.Tasks[0].Status != crm.TaskClosed || c.Tasks[0].ClosedBy != "" {
		t.Fatalf("the reason went, the task stayed: %+v", c.Tasks)
	}
}

// A service request's tasks go to its assignee, follow its steps, and
// close themselves: the overdue one when it is resolved, the check when it
// is closed; a new due time plans a new overdue task.
func TestServiceRequestTasks(t *testing.T) {
	c := &crm.Customer{ID: "c", OwnerID: "owner", CreatedAt: now.AddDate(-1, 0, 0)}
	c.ServiceRequests = []crm.ServiceRequest{{ID: "r1", Summary: "设备无法联网，已影响生产\n第二行", Status: crm.ServiceOpen,
		Due: now.Add(-time.Hour), AssigneeID: "svc"}}
	followup.Sync(c, now, crm.DefaultLocation)
	if len(c.Tasks) != 1 || c.Tasks[0].Kind != crm.TaskServiceOverdue || c.Tasks[0].AssigneeID != "svc" ||
		!c.Tasks[0].Due.Equal(now.Add(-time.Hour)) || c.Tasks[0].Title != "服务请求超时未解决：设备无法联网，已影响生产" {
		t.Fatalf("overdue task: %+v", c.Tasks)
	}
	// A later due time: the overdue task closes, a new one is planned.
	r := &c.ServiceRequests[0]
	r.Due = now.Add(48 * time.Hour)
	changed, next := followup.Sync(c, now, crm.DefaultLocation)
	if !changed || c.Tasks[0].Status != crm.TaskClosed || !next.Equal(r.Due) {
		t.Fatalf("due moved: changed %v, next %v, tasks %+v", changed, next, c.Tasks)
	}
	// Resolved: the check falls due a day later, for the assignee.
	res := now
	r.Status, r.ResolvedAt = crm.ServiceResolved, &res
	followup.Sync(c, now, crm.DefaultLocation)
	var check *crm.Task
	for i := range c.Tasks {
		if c.Tasks[i].Kind == crm.TaskServiceCheck {
			check = &c.Tasks[i]
		}
	}
	if check == nil || !check.Open() || !check.Due.Equal(now.Add(followup.ServiceCheckAfter)) || check.AssigneeID != "svc" {
		t.Fatalf("check task: %+v", c.Tasks)
	}
	// Closed: the check closes itself.
	r.Status, r.ClosedAt = crm.ServiceClosed, &res
	followup.Sync(c, now, crm.DefaultLocation)
	for _, x := range c.Tasks {
		if x.Open() {
			t.Fatalf("a task of a closed request is open: %+v", x)
		}
	}
}

// Scheduled reviews: A and strategic quarterly, churned monthly, others
// who cooperate every six months, from the first deal, then from the last
// review done; none for prospects, dormant customers or while a review a
// change opened is pending.
func TestScheduledReviews(t *testing.T) {
	loc := crm.DefaultLocation
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	// A review opens at the start of its day and falls due at its end.
	opens := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc).UTC() }
	dueOn := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 23, 59, 59, 999e6, loc).UTC() }
	// now is 2026-12-06 10:00 UTC (18:00 in Shanghai).
	cust := func(tier crm.Tier, life crm.Lifecycle, firstDeal time.Time) *crm.Customer {
		c := &crm.Customer{ID: "c", OwnerID: "u1", CreatedAt: firstDeal.AddDate(0, -1, 0), ValueTier: tier, Lifecycle: life}
		c.Stats.FirstDealOn = firstDeal
		c.Stats.LastInteractionAt = now // no churn task
		return c
	}
	reviews := func(c *crm.Customer) []crm.Task {
		var out []crm.Task
		for _, x := range c.Tasks {
			if x.Kind == crm.TaskReview && x.Open() {
				out = append(out, x)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		c    *crm.Customer
		open bool
		next time.Time
	}{
		{"A, first deal three months ago today: open today (next: the churn watch)", cust(crm.TierA, crm.LifecycleNew, date(2026, 9, 6)), true, now.AddDate(0, 0, followup.SilentDays)},
		{"A, first deal two months ago: due in a month", cust(crm.TierA, crm.LifecycleNew, date(2026, 10, 6)), false, opens(2027, 1, 6)},
		{"strategic B: quarterly", cust(crm.TierB, crm.LifecycleStrategic, date(2026, 10, 1)), false, opens(2027, 1, 1)},
		{"B: every six months", cust(crm.TierB, crm.LifecycleStable, date(2026, 7, 1)), false, opens(2027, 1, 1)},
		{"C, six months and a day", cust(crm.TierC, crm.LifecycleStable, date(2026, 6, 5)), true, time.Time{}},
		{"churned: monthly", cust(crm.TierC, crm.LifecycleChurned, date(2026, 11, 20)), false, opens(2026, 12, 20)},
		{"dormant: none", cust(crm.TierC, crm.LifecycleDormant, date(2025, 1, 1)), false, time.Time{}},
		{"prospect: none", cust(crm.TierC, crm.LifecyclePotential, time.Time{}), false, time.Time{}},
	} {
		_, next := followup.Sync(tc.c, now, loc)
		if got := len(reviews(tc.c)) == 1; got != tc.open || len(reviews(tc.c)) > 1 {
			t.Errorf("%s: open reviews %+v, want open %v", tc.name, reviews(tc.c), tc.open)
		}
		if !next.Equal(tc.next) {
			t.Errorf("%s: next %v, want %v", tc.name, next, tc.next)
		}
	}

	// Done today: the next falls due a quarter later; a review a change
	// opened holds the scheduled one back.
	c := cust(crm.TierC, crm.LifecycleStrategic, date(2026, 1, 10))
	followup.Sync(c, now, loc)
	r := reviews(c)
	if len(r) != 1 || r[0].Title != "定期复核客户分级（战略客户每季度）" || !r[0].Due.Equal(dueOn(2026, 4, 10)) {
		t.Fatalf("overdue scheduled review: %+v", r)
	}
	// Done in the evening of its day is done on time; the next morning, late.
	for _, tc := range []struct {
		at   time.Time
		late bool
	}{{time.Date(2026, 4, 10, 21, 0, 0, 0, loc), false}, {time.Date(2026, 4, 11, 0, 0, 0, 0, loc), true}} {
		x := r[0]
		x.Status, x.ClosedAt = crm.TaskDone, &tc.at
		if late, ok := x.DoneLate(); !ok || late != tc.late {
			t.Errorf("a review due %v done at %v: late %v, want %v", x.Due, tc.at, late, tc.late)
		}
	}
	done := now
	for i := range c.Tasks {
		if c.Tasks[i].ID == r[0].ID {
			c.Tasks[i].Status, c.Tasks[i].ClosedAt, c.Tasks[i].ClosedBy = crm.TaskDone, &done, "u1"
		}
	}
	if _, next := followup.Sync(c, now, loc); len(reviews(c)) != 0 || !next.Equal(opens(2027, 3, 6)) {
		t.Fatalf("after the review: open %+v, next %v", reviews(c), next)
	}
	c.Tasks = append(c.Tasks, crm.Task{ID: "trig", Kind: crm.TaskReview, Key: crm.ReviewTriggerKey + "x", Title: "复核", AssigneeID: "u1",
		Due: now, Status: crm.TaskOpen, CreatedAt: now})
	later := time.Date(2027, 3, 7, 0, 0, 0, 0, time.UTC)
	if followup.Sync(c, later, loc); len(reviews(c)) != 1 || reviews(c)[0].ID != "trig" {
		t.Fatalf("with a review a change opened pending: %+v", reviews(c))
	}
}

// A next action marked not done again after its task was done reopens
// the task; other kinds stay done for their reason.
func TestReopenedNextAction(t *testing.T) {
	d := now.Add(time.Hour)
	c := &crm.Customer{ID: "c", OwnerID: "u1", CreatedAt: now.AddDate(0, -1, 0),
		Interactions: []crm.Interaction{{ID: "i1", At: now.Add(-time.Hour), NextAction: &crm.NextAction{What: "报价", OwnerID: "u1", Due: &d}}}}
	followup.Sync(c, now, crm.DefaultLocation)
	done := now
	c.Tasks[0].Status, c.Tasks[0].ClosedAt, c.Tasks[0].ClosedBy = crm.TaskDone, &done, "u1"
	c.Interactions[0].NextAction.Done = true
	if changed, _ := followup.Sync(c, now, crm.DefaultLocation); changed || c.Tasks[0].Status != crm.TaskDone {
		t.Fatalf("done with its next action: %+v", c.Tasks[0])
	}
	c.Interactions[0].NextAction.Done = false // marked not done again
	if changed, _ := followup.Sync(c, now, crm.DefaultLocation); !changed || len(c.Tasks) != 1 || !c.Tasks[0].Open() || c.Tasks[0].ClosedAt != nil {
		t.Fatalf("the next action is open again, its task: %+v", c.Tasks)
	}
}
