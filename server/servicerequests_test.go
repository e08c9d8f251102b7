package main

import (
	"strings"
	"testing"
)

// Service requests over HTTP on the demo data: a complaint logged by the
// owner opens one; a service colleague, who sees the customer's contact
// details masked, works it to the end without losing the phone number in
// its summary; an analyst reads it masked and may not change it; a bad
// move is BAD_TRANSITION with from and to; the list holds it while open.
func TestServiceRequestsOverHTTP(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 150
	ts := newTestServerWith(t, cfg)
	sales := ts.login(t, "sales1@kehu.local", DemoPassword)
	service := ts.login(t, "service1@kehu.local", DemoPassword)
	analyst := ts.login(t, "analyst@kehu.local", DemoPassword)

	var mine struct {
		Customers struct{ Nodes []struct{ ID, Code string } }
	}
	ts.post(t, sales, `{ customers(first: 1, query: "owner:me") { nodes { id code } } }`, nil).ok(t, &mine)
	if len(mine.Customers.Nodes) == 0 {
		t.Fatal("sales1 owns no demo customer")
	}
	cid := mine.Customers.Nodes[0].ID
	const summary = "客户来电投诉无法登录，回电 13912345678"
	var logged struct {
		LogInteraction struct{ ID string }
	}
	ts.post(t, sales, `mutation($c: ID!, $s: String!) { logInteraction(customerId: $c, input: {channel: PHONE, summary: $s, keyEvent: COMPLAINT}) { id } }`,
		map[string]any{"c": cid, "s": summary}).ok(t, &logged)

	type request struct {
		ID, Kind, Status, Summary, Priority string
		Resolution                          *string
		Interaction                         *struct{ Summary string }
		Assignee                            struct{ Email string }
	}
	const fields = `id kind status summary priority resolution interaction { summary } assignee { email }`
	read := func(token string) request {
		t.Helper()
		var out struct {
			Customer struct{ ServiceRequests []request }
		}
		ts.post(t, token, `query($c: ID!) { customer(id: $c) { serviceRequests(status: OPEN, limit: 50) { `+fields+` } } }`,
			map[string]any{"c": cid}).ok(t, &out)
		for _, r := range out.Customer.ServiceRequests {
			if r.Kind == "COMPLAINT" && r.Interaction != nil && strings.Contains(r.Interaction.Summary, "无法登录") {
				return r
			}
		}
		t.Fatalf("no open complaint request from the interaction: %+v", out.Customer.ServiceRequests)
		return request{}
	}
	r := read(sales)
	if r.Summary != summary || r.Priority != "HIGH" || r.Assignee.Email != "sales1@kehu.local" {
		t.Fatalf("the owner reads %+v", r)
	}
	if got := read(analyst); strings.Contains(got.Summary, "13912345678") || strings.Contains(got.Interaction.Summary, "13912345678") {
		t.Fatalf("the analyst reads the phone: %+v", got)
	}
	masked := read(service)
	if strings.Contains(masked.Summary, "13912345678") {
		t.Fatalf("service1 (not the owner) reads the phone: %q", masked.Summary)
	}

	vars := map[string]any{"c": cid, "r": r.ID}
	ts.post(t, analyst, `mutation($c: ID!, $r: ID!) { updateServiceRequest(customerId: $c, requestId: $r, input: {status: IN_PROGRESS}) { id } }`, vars).
		fails(t, "FORBIDDEN", "")
	e := ts.post(t, service, `mutation($c: ID!, $r: ID!) { updateServiceRequest(customerId: $c, requestId: $r, input: {status: CLOSED}) { id } }`, vars).
		fails(t, "BAD_USER_INPUT", "input.status")
	if p, _ := e.Extensions["params"].(map[string]any); e.Extensions["reason"] != "BAD_TRANSITION" || p["from"] != "OPEN" || p["to"] != "CLOSED" {
		t.Fatalf("a bad move: %+v", e)
	}
	// Errors name the argument the client sent.
	ts.post(t, service, `mutation($c: ID!) { openServiceRequest(customerId: $c, input: {kind: CONSULTATION, summary: "咨询", contactId: "nope"}) { id } }`,
		map[string]any{"c": cid}).fails(t, "BAD_USER_INPUT", "input.contactId")
	ts.post(t, service, `mutation($c: ID!) { updateServiceRequest(customerId: $c, requestId: "nope", input: {note: "x"}) { id } }`,
		map[string]any{"c": cid}).fails(t, "BAD_USER_INPUT", "requestId")
	ts.post(t, service, `{ serviceRequests(statuses: [CLOSED]) { totalCount } }`, nil).fails(t, "BAD_USER_INPUT", "statuses[0]")
	// service1 takes it on and resolves it; the list holds it meanwhile.
	var me struct{ Me struct{ ID string } }
	ts.post(t, service, `{ me { id } }`, nil).ok(t, &me)
	ts.post(t, service, `mutation($c: ID!, $r: ID!, $u: ID!) { updateServiceRequest(customerId: $c, requestId: $r, input: {status: IN_PROGRESS, assigneeId: $u}) { id } }`,
		map[string]any{"c": cid, "r": r.ID, "u": me.Me.ID}).ok(t, nil)
	listed := func() bool {
		var out struct {
			ServiceRequests struct{ Nodes []struct{ ID string } }
		}
		ts.post(t, service, `{ serviceRequests(mine: true, first: 500) { nodes { id } } }`, nil).ok(t, &out)
		for _, n := range out.ServiceRequests.Nodes {
			if n.ID == r.ID {
				return true
			}
		}
		return false
	}
	if !listed() {
		t.Fatal("service1's request is not in its list")
	}
	ts.post(t, service, `mutation($c: ID!, $r: ID!) { updateServiceRequest(customerId: $c, requestId: $r, input: {status: RESOLVED, note: "已重置密码"}) { id } }`, vars).ok(t, nil)
	ts.post(t, service, `mutation($c: ID!, $r: ID!) { closeServiceRequest(customerId: $c, requestId: $r, score: 120) { id } }`, vars).
		fails(t, "BAD_USER_INPUT", "score")
	var closed struct {
		CloseServiceRequest struct {
			Status       string
			Summary      string
			Satisfaction struct{ Score int }
		}
	}
	ts.post(t, service, `mutation($c: ID!, $r: ID!) { closeServiceRequest(customerId: $c, requestId: $r, score: 88) { status summary satisfaction { score } } }`, vars).ok(t, &closed)
	if c := closed.CloseServiceRequest; c.Status != "CLOSED" || c.Satisfaction.Score != 88 {
		t.Fatalf("closed: %+v", c)
	}
	if listed() {
		t.Fatal("a closed request is still listed")
	}
	// The masked summary service1 worked on is whole for the owner.
	var full struct {
		Customer struct{ ServiceRequests []request }
	}
	ts.post(t, sales, `query($c: ID!) { customer(id: $c) { serviceRequests(status: CLOSED, limit: 50) { `+fields+` } } }`, map[string]any{"c": cid}).ok(t, &full)
	found := false
	for _, x := range full.Customer.ServiceRequests {
		if x.ID == r.ID {
			found = x.Summary == summary && x.Resolution != nil && *x.Resolution == "已重置密码"
		}
	}
	if !found {
		t.Fatalf("the owner's view of the closed request: %+v", full.Customer.ServiceRequests)
	}
}

// Error fields name what each mutation takes: contactId is an argument of
// updateContact and removeContact and a field of openServiceRequest's
// input; assigneeId an argument of reassignTask and an input field of
// createTask and updateServiceRequest; score an argument of
// closeServiceRequest and an input field of recordSatisfaction. The list
// of requests reads each one's contact and interaction.
func TestErrorFieldsPerMutationOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "路径公司", "contacts": []any{map[string]any{"name": "王经理"}}})
	ct := c.Contacts[0].ID
	const nobody = "000000000000000000000000"
	var opened struct{ OpenServiceRequest struct{ ID string } }
	ts.post(t, ts.admin, `mutation($c: ID!, $ct: ID!) { openServiceRequest(customerId: $c, input: {kind: AFTER_SALES, summary: "换货", contactId: $ct}) { id } }`,
		map[string]any{"c": c.ID, "ct": ct}).ok(t, &opened)
	var task struct{ CreateTask struct{ ID string } }
	ts.post(t, ts.admin, `mutation($c: ID!) { createTask(customerId: $c, input: {title: "回访", due: "2026-12-01T09:00:00Z"}) { id } }`,
		map[string]any{"c": c.ID}).ok(t, &task)
	ts.post(t, ts.admin, `mutation($c: ID!, $r: ID!) { updateServiceRequest(customerId: $c, requestId: $r, input: {status: RESOLVED, note: "已换货"}) { id } }`,
		map[string]any{"c": c.ID, "r": opened.OpenServiceRequest.ID}).ok(t, nil)
	var now struct{ Customer struct{ Version int } }
	ts.post(t, ts.admin, `query($c: ID!) { customer(id: $c) { version } }`, map[string]any{"c": c.ID}).ok(t, &now)

	vars := map[string]any{"c": c.ID, "v": now.Customer.Version, "r": opened.OpenServiceRequest.ID, "t": task.CreateTask.ID, "u": nobody}
	for _, tc := range []struct{ name, mutation, field string }{
		{"updateContact", `mutation($c: ID!, $v: Int!) { updateContact(customerId: $c, contactId: "nope", expectedVersion: $v, input: {name: "李"}) { id } }`, "contactId"},
		{"removeContact", `mutation($c: ID!, $v: Int!) { removeContact(customerId: $c, contactId: "nope", expectedVersion: $v) { id } }`, "contactId"},
		{"openServiceRequest", `mutation($c: ID!) { openServiceRequest(customerId: $c, input: {kind: CONSULTATION, summary: "咨询", contactId: "nope"}) { id } }`, "input.contactId"},
		{"updateServiceRequest", `mutation($c: ID!, $r: ID!, $u: ID!) { updateServiceRequest(customerId: $c, requestId: $r, input: {assigneeId: $u}) { id } }`, "input.assigneeId"},
		{"createTask", `mutation($c: ID!, $u: ID!) { createTask(customerId: $c, input: {title: "x", due: "2026-12-01T09:00:00Z", assigneeId: $u}) { id } }`, "input.assigneeId"},
		{"reassignTask", `mutation($c: ID!, $t: ID!, $u: ID!) { reassignTask(customerId: $c, taskId: $t, assigneeId: $u) { id } }`, "assigneeId"},
		{"recordSatisfaction", `mutation($c: ID!) { recordSatisfaction(customerId: $c, input: {score: 120}) { id } }`, "input.score"},
		{"closeServiceRequest", `mutation($c: ID!, $r: ID!) { closeServiceRequest(customerId: $c, requestId: $r, score: 120) { id } }`, "score"},
	} {
		e := ts.post(t, ts.admin, tc.mutation, vars).fails(t, "BAD_USER_INPUT", tc.field)
		if !strings.HasPrefix(e.Message, tc.field+":") {
			t.Errorf("%s: message %q does not start with %s", tc.name, e.Message, tc.field)
		}
	}

	var list struct {
		ServiceRequests struct {
			Nodes []struct {
				ID       string
				Contact  *struct{ Name string }
				Customer struct{ Name string }
			}
		}
	}
	ts.post(t, ts.admin, `{ serviceRequests { nodes { id contact { name } customer { name } } } }`, nil).ok(t, &list)
	if n := list.ServiceRequests.Nodes; len(n) != 1 || n[0].ID != opened.OpenServiceRequest.ID || n[0].Contact == nil ||
		n[0].Contact.Name != "王经理" || n[0].Customer.Name != "路径公司" {
		t.Fatalf("the list: %+v", n)
	}
}
