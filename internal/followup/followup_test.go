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
