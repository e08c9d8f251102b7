package main

import (
	"fmt"
	"testing"
	"time"

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

// Done and closed tasks over HTTP on the demo data: a salesperson's done
// tasks latest closed first, the one just completed on top, paged without
// overlap; dueBefore still narrows them; a cursor of one status's list is
// refused on another's; managers list everyone's, salespeople only their
// own.
func TestDoneTasksOverHTTP(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 150
	ts := newTestServerWith(t, cfg)
	sales := ts.login(t, "sales1@kehu.local", DemoPassword)
	manager := ts.login(t, "manager@kehu.local", DemoPassword)
	type task struct {
		ID, Status, Due string
		ClosedAt        *string
		Customer        struct{ ID, Code string }
		Assignee        struct{ ID, Email string }
	}
	type conn struct {
		TotalCount int
		Nodes      []task
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
	}
	const fields = `totalCount nodes { id status due closedAt customer { id code } assignee { id email } } pageInfo { hasNextPage endCursor }`
	list := func(token, args string, vars map[string]any) conn {
		t.Helper()
		types := map[string]string{"a": "String", "d": "Time", "u": "ID"}
		decl := ""
		for name := range vars {
			decl += " $" + name + ": " + types[name]
		}
		if decl != "" {
			decl = "(" + decl + ")"
		}
		var out struct{ Tasks conn }
		ts.post(t, token, `query`+decl+` { tasks(`+args+`) { `+fields+` } }`, vars).ok(t, &out)
		return out.Tasks
	}

	open := list(sales, `first: 1`, nil)
	if len(open.Nodes) != 1 {
		t.Fatalf("sales1 has no open task: %+v", open)
	}
	x := open.Nodes[0]
	ts.clock.Advance(time.Hour) // later than every demo task closed
	ts.post(t, sales, `mutation($c: ID!, $t: ID!) { completeTask(customerId: $c, taskId: $t) { id } }`,
		map[string]any{"c": x.Customer.ID, "t": x.ID}).ok(t, nil)
	doneAt := testNow.Add(time.Hour)

	first := list(sales, `status: DONE, first: 3`, nil)
	if first.TotalCount < 4 || len(first.Nodes) != 3 || !first.PageInfo.HasNextPage {
		t.Fatalf("sales1's done tasks: %d, first page %d", first.TotalCount, len(first.Nodes))
	}
	if top := first.Nodes[0]; top.ID != x.ID || top.Customer.ID != x.Customer.ID || top.ClosedAt == nil || !sameTime(t, *top.ClosedAt, doneAt) {
		t.Fatalf("the task just done is not first: %+v, want %s closed at %v", top, x.ID, doneAt)
	}
	rest := list(sales, `status: DONE, first: 500, after: $a`, map[string]any{"a": *first.PageInfo.EndCursor})
	seen := map[string]bool{}
	var prev *task
	for _, n := range append(first.Nodes, rest.Nodes...) {
		key := n.Customer.ID + "/" + n.ID
		if seen[key] || n.Status != "DONE" || n.Assignee.Email != "sales1@kehu.local" || n.ClosedAt == nil {
			t.Fatalf("task %+v: seen twice, not done, not sales1's or without closedAt", n)
		}
		if prev != nil {
			if c := parseTime(t, *n.ClosedAt).Compare(parseTime(t, *prev.ClosedAt)); c > 0 || (c == 0 && n.ID < prev.ID) {
				t.Fatalf("task %s closed %s after %s closed %s: not latest closed first, then by id", n.ID, *n.ClosedAt, prev.ID, *prev.ClosedAt)
			}
		}
		seen[key] = true
		n := n
		prev = &n
	}
	if len(seen) != first.TotalCount || rest.PageInfo.HasNextPage {
		t.Fatalf("paged %d done tasks, total %d", len(seen), first.TotalCount)
	}

	// dueBefore narrows done tasks by their due time.
	before := parseTime(t, x.Due).Add(time.Millisecond)
	due := list(sales, `status: DONE, dueBefore: $d, first: 500`, map[string]any{"d": before.Format(time.RFC3339Nano)})
	found := false
	for _, n := range due.Nodes {
		if !parseTime(t, n.Due).Before(before) {
			t.Fatalf("done task %s due %s, not before %v", n.ID, n.Due, before)
		}
		found = found || n.ID == x.ID
	}
	if !found || due.TotalCount != len(due.Nodes) || due.TotalCount > first.TotalCount {
		t.Fatalf("done tasks due before %v: %d (total %d, the one just done found: %v), of %d", before, len(due.Nodes), due.TotalCount, found, first.TotalCount)
	}

	// A cursor belongs to the list of its status.
	q := `query($a: String) { tasks(status: %s, after: $a) { totalCount } }`
	ts.post(t, sales, fmt.Sprintf(q, "CLOSED"), map[string]any{"a": *first.PageInfo.EndCursor}).fails(t, "BAD_USER_INPUT", "after")
	ts.post(t, sales, fmt.Sprintf(q, "OPEN"), map[string]any{"a": *first.PageInfo.EndCursor}).fails(t, "BAD_USER_INPUT", "after")
	ts.post(t, sales, `query($a: String) { tasks(after: $a) { totalCount } }`, map[string]any{"a": *first.PageInfo.EndCursor}).fails(t, "BAD_USER_INPUT", "after")
	ts.post(t, sales, fmt.Sprintf(q, "DONE"), map[string]any{"a": *open.PageInfo.EndCursor}).fails(t, "BAD_USER_INPUT", "after")

	// Closed tasks closed by themselves; everyone's for managers only.
	closed := list(manager, `everyone: true, status: CLOSED, first: 500`, nil)
	if closed.TotalCount == 0 {
		t.Fatal("no closed tasks in the demo data")
	}
	for _, n := range closed.Nodes {
		if n.Status != "CLOSED" || n.ClosedAt == nil {
			t.Fatalf("closed list: %+v", n)
		}
	}
	ts.post(t, sales, `{ tasks(everyone: true, status: DONE) { totalCount } }`, nil).fails(t, "FORBIDDEN", "")
	everyone := list(manager, `everyone: true, status: DONE, first: 1`, nil)
	theirs := list(manager, `assignee: $u, status: DONE, first: 1`, map[string]any{"u": x.Assignee.ID})
	if theirs.TotalCount != first.TotalCount || everyone.TotalCount <= theirs.TotalCount {
		t.Fatalf("done tasks: everyone's %d, sales1's as the manager sees them %d, as sales1 does %d", everyone.TotalCount, theirs.TotalCount, first.TotalCount)
	}
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return at
}

func sameTime(t *testing.T, s string, want time.Time) bool { return parseTime(t, s).Equal(want) }
