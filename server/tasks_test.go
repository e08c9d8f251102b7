package main

import (
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Tasks over HTTP on the demo data: a salesperson's open tasks by due
// time, paged without overlap; completing one (twice is refused), bad
// snoozes and manual tasks refused on their field; managers list
// everyone's, salespeople only their own.
func TestTasksOverHTTP(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 150
	ts := newTestServerWith(t, cfg)
	sales := ts.login(t, "sales1@kehu.local", DemoPassword)
	manager := ts.login(t, "manager@kehu.local", DemoPassword)
	type task struct {
		ID, Kind, Title, Due, Status string
		Customer                     struct{ ID, Code string }
		Assignee                     struct{ Email string }
	}
	type conn struct {
		TotalCount int
		Nodes      []task
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
	}
	const fields = `totalCount nodes { id kind title due status customer { id code } assignee { email } } pageInfo { hasNextPage endCursor }`
	var first struct{ Tasks conn }
	ts.post(t, sales, `{ tasks(first: 3) { `+fields+` } }`, nil).ok(t, &first)
	all := first.Tasks
	if all.TotalCount < 4 || len(all.Nodes) != 3 || !all.PageInfo.HasNextPage {
		t.Fatalf("sales1's tasks: %d, first page %d", all.TotalCount, len(all.Nodes))
	}
	var rest struct{ Tasks conn }
	ts.post(t, sales, `query($a: String) { tasks(first: 500, after: $a) { `+fields+` } }`, map[string]any{"a": *all.PageInfo.EndCursor}).ok(t, &rest)
	seen := map[string]bool{}
	prev := ""
	for _, x := range append(all.Nodes, rest.Tasks.Nodes...) {
		key := x.Customer.ID + "/" + x.ID
		if seen[key] || x.Assignee.Email != "sales1@kehu.local" || x.Status != "OPEN" || x.Due < prev {
			t.Fatalf("task %+v: seen twice, not sales1's, not open or out of order (after %s)", x, prev)
		}
		seen[key], prev = true, x.Due
	}
	if len(seen) != all.TotalCount {
		t.Fatalf("paged %d tasks, total %d", len(seen), all.TotalCount)
	}

	x := all.Nodes[0]
	vars := map[string]any{"c": x.Customer.ID, "t": x.ID}
	var done struct{ CompleteTask task }
	ts.post(t, sales, `mutation($c: ID!, $t: ID!) { completeTask(customerId: $c, taskId: $t) { id status } }`, vars).ok(t, &done)
	if done.CompleteTask.Status != "DONE" {
		t.Fatalf("completed: %+v", done.CompleteTask)
	}
	ts.post(t, sales, `mutation($c: ID!, $t: ID!) { completeTask(customerId: $c, taskId: $t) { id } }`, vars).fails(t, "BAD_USER_INPUT", "taskId")
	y := all.Nodes[1]
	ts.post(t, sales, `mutation($c: ID!, $t: ID!) { snoozeTask(customerId: $c, taskId: $t, until: "2020-01-01T00:00:00Z") { id } }`,
		map[string]any{"c": y.Customer.ID, "t": y.ID}).fails(t, "BAD_USER_INPUT", "until")
	ts.post(t, sales, `mutation($c: ID!) { createTask(customerId: $c, input: { title: " ", due: "2026-12-01T09:00:00+08:00" }) { id } }`,
		map[string]any{"c": y.Customer.ID}).fails(t, "BAD_USER_INPUT", "input.title")
	var made struct {
		CreateTask task
	}
	ts.post(t, sales, `mutation($c: ID!) { createTask(customerId: $c, input: { title: "寄送样品", due: "2026-11-21T09:00:00+08:00" }) { id kind title status assignee { email } customer { code } } }`,
		map[string]any{"c": y.Customer.ID}).ok(t, &made)
	if m := made.CreateTask; m.Kind != "MANUAL" || m.Title != "寄送样品" || m.Status != "OPEN" || m.Customer.Code != y.Customer.Code {
		t.Fatalf("created %+v", m)
	}
	var after struct{ Tasks conn }
	ts.post(t, sales, `{ tasks(first: 1) { totalCount } }`, nil).ok(t, &after)
	if after.Tasks.TotalCount != all.TotalCount { // one done, one made
		t.Fatalf("after completing one and making one: %d tasks, were %d", after.Tasks.TotalCount, all.TotalCount)
	}

	var everyone struct{ Tasks conn }
	ts.post(t, manager, `{ tasks(everyone: true, first: 1) { totalCount } }`, nil).ok(t, &everyone)
	if everyone.Tasks.TotalCount <= after.Tasks.TotalCount {
		t.Fatalf("everyone's tasks %d, sales1's %d", everyone.Tasks.TotalCount, after.Tasks.TotalCount)
	}
	var can struct{ Me struct{ CanSeeAllTasks bool } }
	ts.post(t, sales, `{ me { canSeeAllTasks } }`, nil).ok(t, &can)
	if can.Me.CanSeeAllTasks {
		t.Error("a salesperson may see everyone's tasks")
	}
	ts.post(t, manager, `{ me { canSeeAllTasks } }`, nil).ok(t, &can)
	if !can.Me.CanSeeAllTasks {
		t.Error("a manager may not see everyone's tasks")
	}
	other, _ := ts.user(t, "sales-tasks@kehu.local", crm.RoleSales)
	ts.post(t, sales, `query($a: ID) { tasks(assignee: $a) { totalCount } }`, map[string]any{"a": other}).fails(t, "FORBIDDEN", "")
	ts.post(t, manager, `{ tasks(everyone: true, assignee: "x") { totalCount } }`, nil).fails(t, "BAD_USER_INPUT", "everyone")

	// On the customer: every task, open ones first.
	var c struct {
		Customer struct{ Tasks []task }
	}
	ts.post(t, sales, `query($id: ID) { customer(id: $id) { tasks { id kind status due } } }`, map[string]any{"id": x.Customer.ID}).ok(t, &c)
	found := false
	for _, z := range c.Customer.Tasks {
		found = found || (z.ID == x.ID && z.Status == "DONE")
	}
	if !found {
		t.Fatalf("the completed task is not on its customer: %+v", c.Customer.Tasks)
	}
}
