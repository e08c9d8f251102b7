package crm_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// KeepTasks bounds the tasks by dropping the closed ones that closed
// first; open tasks are never dropped.
func TestKeepTasks(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &crm.Customer{}
	for i := range crm.MaxTasks + 10 {
		x := crm.Task{ID: fmt.Sprint(i), Status: crm.TaskOpen}
		if i%20 != 0 {
			at := base.Add(time.Duration(crm.MaxTasks+10-i) * time.Hour) // later tasks closed earlier
			x.Status, x.ClosedAt = crm.TaskDone, &at
		}
		c.Tasks = append(c.Tasks, x)
	}
	crm.KeepTasks(c)
	if len(c.Tasks) != crm.MaxTasks {
		t.Fatalf("%d tasks kept, want %d", len(c.Tasks), crm.MaxTasks)
	}
	kept := map[string]bool{}
	for _, x := range c.Tasks {
		kept[x.ID] = true
	}
	for i := range crm.MaxTasks + 10 {
		id := fmt.Sprint(i)
		switch {
		case i%20 == 0 && !kept[id]:
			t.Errorf("open task %s dropped", id)
		case i >= crm.MaxTasks && i%20 != 0 && kept[id]:
			t.Errorf("task %s, among the first to close, kept", id)
		}
	}
}

// storeTasks stores an active (or archived) customer with the tasks
// given, as rules and people left them.
func storeTasks(t *testing.T, svc *crm.Service, name string, archived bool, tasks ...crm.Task) {
	t.Helper()
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	c := &crm.Customer{ID: crm.NewID(), Name: name, Type: crm.CustomerTypeNew, Stage: crm.StagePotential,
		CreatedAt: at, UpdatedAt: at, CreatedBy: "u", UpdatedBy: "u", Version: 1, Tasks: tasks}
	if archived {
		c.ArchivedAt = &at
	}
	c.Recompute()
	if err := svc.Store.Customers().Insert(context.Background(), c, crm.CodePeriod(at, crm.DefaultLocation)); err != nil {
		t.Fatal(err)
	}
}

// Tasks of one status across customers: open ones by due time; done and
// closed ones latest closed first, ties by id, whatever their snooze;
// kind, due time and assignee narrow every status; a page goes on after
// its cursor, and a cursor of another status's list is refused on after.
func TestTasksOfStatus(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	h := func(n int) *time.Time { x := t0.Add(time.Duration(n) * time.Hour); return &x }
	day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
	task := func(id, assignee string, status crm.TaskStatus, due time.Time, closed *time.Time) crm.Task {
		return crm.Task{ID: id, Kind: crm.TaskManual, Title: id, AssigneeID: assignee, Due: due, Status: status,
			CreatedAt: t0.AddDate(0, 0, -7), ClosedAt: closed}
	}
	far := day(365)
	b2 := task("t-b2", "u1", crm.TaskDone, day(3), h(4))
	b2.Kind, b2.SnoozedUntil = crm.TaskFollowUp, &far // done while put off
	storeTasks(t, svc, "甲公司", false,
		task("t-a1", "u1", crm.TaskDone, day(10), h(3)),
		task("t-a2", "u1", crm.TaskDone, day(1), h(1)),
		task("t-a3", "u1", crm.TaskOpen, day(2), nil),
		task("t-a4", "u2", crm.TaskDone, day(1), h(5)),
		task("t-a5", "u1", crm.TaskClosed, day(1), h(2)))
	storeTasks(t, svc, "乙公司", false,
		task("t-b1", "u1", crm.TaskDone, day(2), h(3)), // closed with t-a1: after it by id
		b2,
		task("t-b3", "u1", crm.TaskClosed, day(1), h(6)),
		task("t-b4", "u1", crm.TaskOpen, day(1), nil))
	storeTasks(t, svc, "丙公司", true, task("t-c1", "u1", crm.TaskDone, day(1), h(9)))

	seller := crm.Actor{UserID: "u1", Role: crm.RoleSales}
	boss := crm.Actor{UserID: "boss", Role: crm.RoleManager}
	ids := func(items []crm.TaskItem) string {
		var out []string
		for _, it := range items {
			out = append(out, it.ID)
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		name string
		a    crm.Actor
		q    crm.TaskQuery
		want string
	}{
		{"open, by due", seller, crm.TaskQuery{Assignee: "u1"}, "t-b4,t-a3"},
		{"open, said so", seller, crm.TaskQuery{Assignee: "u1", Status: crm.TaskOpen}, "t-b4,t-a3"},
		{"done, latest closed first", seller, crm.TaskQuery{Assignee: "u1", Status: crm.TaskDone}, "t-b2,t-a1,t-b1,t-a2"},
		{"closed", seller, crm.TaskQuery{Assignee: "u1", Status: crm.TaskClosed}, "t-b3,t-a5"},
		{"done of a kind", seller, crm.TaskQuery{Assignee: "u1", Status: crm.TaskDone, Kind: crm.TaskFollowUp}, "t-b2"},
		{"done, due before", seller, crm.TaskQuery{Assignee: "u1", Status: crm.TaskDone, DueBefore: day(2).Add(time.Hour)}, "t-b1,t-a2"},
		{"everyone's done", boss, crm.TaskQuery{Status: crm.TaskDone}, "t-a4,t-b2,t-a1,t-b1,t-a2"},
		{"another's done", boss, crm.TaskQuery{Assignee: "u2", Status: crm.TaskDone}, "t-a4"},
		{"none closed", boss, crm.TaskQuery{Assignee: "u2", Status: crm.TaskClosed}, ""},
	} {
		page, err := svc.Tasks(ctx, tc.a, tc.q, crm.MaxTaskPage, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := ids(page.Items); got != tc.want || page.Total != len(page.Items) || page.HasNext {
			t.Errorf("%s: %s (total %d, next %v), want %s", tc.name, got, page.Total, page.HasNext, tc.want)
		}
	}

	// Two pages of two, the second after the first's last (a tie on the time closed).
	done := crm.TaskQuery{Assignee: "u1", Status: crm.TaskDone}
	p1, err := svc.Tasks(ctx, seller, done, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := p1.Items[len(p1.Items)-1]
	p2, err := svc.Tasks(ctx, seller, done, 2, &crm.TaskCursor{Status: crm.TaskDone, At: *last.ClosedAt, ID: last.ID})
	if err != nil {
		t.Fatal(err)
	}
	if ids(p1.Items) != "t-b2,t-a1" || !p1.HasNext || p1.Total != 4 || ids(p2.Items) != "t-b1,t-a2" || p2.HasNext || p2.Total != 4 {
		t.Fatalf("pages: %s (next %v, total %d) / %s (next %v, total %d)", ids(p1.Items), p1.HasNext, p1.Total, ids(p2.Items), p2.HasNext, p2.Total)
	}

	for _, tc := range []struct {
		name  string
		a     crm.Actor
		q     crm.TaskQuery
		after *crm.TaskCursor
		code  crm.Code
		field string
	}{
		{"a seller's look at another's done tasks", seller, crm.TaskQuery{Assignee: "u2", Status: crm.TaskDone}, nil, crm.CodeForbidden, ""},
		{"a seller's look at everyone's closed tasks", seller, crm.TaskQuery{Status: crm.TaskClosed}, nil, crm.CodeForbidden, ""},
		{"an open list's cursor on done tasks", seller, done, &crm.TaskCursor{At: *h(3), ID: "t-a1"}, crm.CodeBadUserInput, "after"},
		{"a done list's cursor on closed tasks", seller, crm.TaskQuery{Assignee: "u1", Status: crm.TaskClosed},
			&crm.TaskCursor{Status: crm.TaskDone, At: *h(3), ID: "t-a1"}, crm.CodeBadUserInput, "after"},
		{"a closed list's cursor on open tasks", seller, crm.TaskQuery{Assignee: "u1"},
			&crm.TaskCursor{Status: crm.TaskClosed, At: *h(3), ID: "t-a1"}, crm.CodeBadUserInput, "after"},
		{"an unknown status", seller, crm.TaskQuery{Assignee: "u1", Status: "LATE"}, nil, crm.CodeBadUserInput, "status"},
	} {
		_, err := svc.Tasks(ctx, tc.a, tc.q, 10, tc.after)
		if crm.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			continue
		}
		if e, ok := err.(*crm.Error); tc.field != "" && (!ok || len(e.Fields) == 0 || e.Fields[0].Field != tc.field) {
			t.Errorf("%s: %v, want %s on %s", tc.name, err, tc.code, tc.field)
		}
	}
}

// Paging through a long list of done tasks, a few at a time, visits every
// one once in order (the pager keeps only about two pages while it reads).
func TestTasksPagedThroughMany(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	const n = 300
	for c := range 2 {
		var tasks []crm.Task
		for i := c; i < n; i += 2 {
			m := i * 37 % n // minute m closed task m: every minute once
			closed := t0.Add(time.Duration(m) * time.Minute)
			tasks = append(tasks, crm.Task{ID: fmt.Sprintf("t%03d", m), Kind: crm.TaskManual, Title: "x", AssigneeID: "u1",
				Due: t0, Status: crm.TaskDone, CreatedAt: t0, ClosedAt: &closed})
		}
		storeTasks(t, svc, fmt.Sprintf("公司%d", c), false, tasks...)
	}
	seller := crm.Actor{UserID: "u1", Role: crm.RoleSales}
	q := crm.TaskQuery{Assignee: "u1", Status: crm.TaskDone}
	var after *crm.TaskCursor
	var got []string
	for pages := 0; ; pages++ {
		if pages > n {
			t.Fatal("paging does not end")
		}
		page, err := svc.Tasks(ctx, seller, q, 7, after)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != n {
			t.Fatalf("total %d, want %d", page.Total, n)
		}
		for _, it := range page.Items {
			got = append(got, it.ID)
		}
		if !page.HasNext {
			break
		}
		last := page.Items[len(page.Items)-1]
		after = &crm.TaskCursor{Status: crm.TaskDone, At: *last.ClosedAt, ID: last.ID}
	}
	if len(got) != n {
		t.Fatalf("%d tasks paged, want %d", len(got), n)
	}
	for k, id := range got {
		if want := fmt.Sprintf("t%03d", n-1-k); id != want {
			t.Fatalf("task %d is %s, want %s (latest closed first)", k, id, want)
		}
	}
}
