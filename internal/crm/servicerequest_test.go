package crm_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// requestOn returns the customer's service request id.
func requestOn(t *testing.T, c *crm.Customer, id string) crm.ServiceRequest {
	t.Helper()
	for _, r := range c.ServiceRequests {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("customer %s has no service request %s", c.Code, id)
	return crm.ServiceRequest{}
}

// A complaint logged on an interaction opens one HIGH service request,
// due in a day, for whoever logged it; correcting the interaction does not
// open another, and turning an interaction into a complaint opens one.
func TestComplaintOpensServiceRequest(t *testing.T) {
	f := newPolicyFixture(t)
	ctx := context.Background()
	clock := f.svc.Clock.(*crm.FixedClock)
	c, err := f.svc.Customer(ctx, f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ServiceRequests) != 1 {
		t.Fatalf("%d service requests after a complaint, want 1", len(c.ServiceRequests))
	}
	r := c.ServiceRequests[0]
	it := c.Interactions[0]
	if r.Kind != crm.ServiceComplaint || r.Priority != crm.PriorityHigh || r.Status != crm.ServiceOpen ||
		r.InteractionID != f.interaction || r.AssigneeID != f.svcA.UserID || r.OpenedBy != f.svcA.UserID ||
		r.Summary != it.Summary || !r.Due.Equal(r.OpenedAt.Add(24*time.Hour)) || len(r.History) != 1 {
		t.Fatalf("request opened by the complaint: %+v", r)
	}
	if c.Stats.OpenServiceCount != 1 || c.Stats.ServiceRequestCount != 1 {
		t.Fatalf("stats %+v", c.Stats)
	}

	// Correcting the complaint, and setting it a complaint again, open nothing.
	c, err = f.svc.UpdateInteraction(ctx, f.svcA, c.ID, f.interaction, c.Version, crm.InteractionPatch{
		Summary: ptr("客户来电投诉交付延迟两周"), KeyEvent: ptr(crm.KeyEventComplaint)})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ServiceRequests) != 1 {
		t.Fatalf("%d service requests after correcting the complaint, want 1", len(c.ServiceRequests))
	}

	// An interaction that becomes a complaint opens one, at that time.
	clock.Advance(time.Hour)
	c, err = f.svc.UpdateInteraction(ctx, f.seller, c.ID, f.assigned, c.Version, crm.InteractionPatch{KeyEvent: ptr(crm.KeyEventComplaint)})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ServiceRequests) != 2 || c.ServiceRequests[1].InteractionID != f.assigned ||
		c.ServiceRequests[1].AssigneeID != f.seller.UserID || !c.ServiceRequests[1].OpenedAt.Equal(clock.Now().Truncate(time.Millisecond)) {
		t.Fatalf("requests after marking an interaction a complaint: %+v", c.ServiceRequests)
	}
	// A refused write opens nothing.
	_, err = f.svc.LogInteraction(ctx, f.svcA, c.ID, nil, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "",
		KeyEvent: ptr(crm.KeyEventComplaint)})
	wantReason(t, "complaint without a summary", err, "summary", crm.ReasonRequired)
	if c, _ = f.svc.Customer(ctx, c.ID); len(c.ServiceRequests) != 2 {
		t.Fatalf("a refused complaint left %d requests", len(c.ServiceRequests))
	}
}

// The loop: open, in progress, resolved with a resolution, reopened,
// resolved again, closed with the satisfaction check; every step with who
// and when, the figures following.
func TestServiceRequestLoop(t *testing.T) {
	f := newPolicyFixture(t)
	ctx := context.Background()
	clock := f.svc.Clock.(*crm.FixedClock)
	opened := clock.Now().Truncate(time.Millisecond)
	c, id, err := f.svc.OpenServiceRequest(ctx, f.seller, f.c.ID, nil, crm.ServiceRequestInput{
		Kind: crm.ServiceAfterSales, Summary: "设备安装后无法联网", ContactID: ptr(f.c.Contacts[0].ID), AssigneeID: ptr(f.svcB.UserID)})
	if err != nil {
		t.Fatal(err)
	}
	r := requestOn(t, c, id)
	if r.Priority != crm.PriorityMedium || !r.Due.Equal(opened.Add(72*time.Hour)) || r.AssigneeID != f.svcB.UserID ||
		r.ContactID != f.c.Contacts[0].ID || r.OpenedBy != f.seller.UserID || c.Stats.OpenServiceCount != 2 {
		t.Fatalf("opened %+v (open count %d)", r, c.Stats.OpenServiceCount)
	}

	step := func(who crm.Actor, p crm.ServiceRequestPatch) *crm.Customer {
		t.Helper()
		clock.Advance(time.Hour)
		c, err := f.svc.UpdateServiceRequest(ctx, who, c.ID, id, &c.Version, p)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c = step(f.svcB, crm.ServiceRequestPatch{Status: ptr(crm.ServiceInProgress)})
	_, err = f.svc.UpdateServiceRequest(ctx, f.svcB, c.ID, id, &c.Version, crm.ServiceRequestPatch{Status: ptr(crm.ServiceResolved)})
	wantReason(t, "resolved without a resolution", err, "note", crm.ReasonRequired)
	c = step(f.svcB, crm.ServiceRequestPatch{Status: ptr(crm.ServiceResolved), Note: ptr("更换路由器后恢复")})
	r = requestOn(t, c, id)
	if got, ok := r.ResolutionTime(); !ok || got != 2*time.Hour || r.Resolution != "更换路由器后恢复" || r.ResolvedBy != f.svcB.UserID {
		t.Fatalf("resolved: %+v (%v)", r, got)
	}
	if c.Stats.OpenServiceCount != 1 {
		t.Fatalf("open count %d after resolving, want 1 (the complaint)", c.Stats.OpenServiceCount)
	}
	// The customer is not satisfied: reopened (with why), resolved again.
	_, err = f.svc.UpdateServiceRequest(ctx, f.svcB, c.ID, id, &c.Version, crm.ServiceRequestPatch{Status: ptr(crm.ServiceInProgress)})
	wantReason(t, "reopened without why", err, "note", crm.ReasonRequired)
	c = step(f.svcB, crm.ServiceRequestPatch{Status: ptr(crm.ServiceInProgress), Note: ptr("客户反馈仍偶尔断线")})
	if r = requestOn(t, c, id); r.Status != crm.ServiceInProgress {
		t.Fatalf("reopened: %s", r.Status)
	}
	if _, ok := r.ResolutionTime(); ok {
		t.Fatal("a reopened request has a resolution time")
	}
	c = step(f.svcB, crm.ServiceRequestPatch{Note: ptr("已联系厂家")}) // a note alone
	c = step(f.svcB, crm.ServiceRequestPatch{Status: ptr(crm.ServiceResolved), Note: ptr("更换固件")})

	// The check: a score or a comment is needed, the score is 0-100.
	_, err = f.svc.CloseServiceRequest(ctx, f.svcB, c.ID, id, &c.Version, crm.ServiceCheck{})
	wantReason(t, "closed without a check", err, "score", crm.ReasonRequired)
	_, err = f.svc.CloseServiceRequest(ctx, f.svcB, c.ID, id, &c.Version, crm.ServiceCheck{Score: ptr(101)})
	wantReason(t, "a score of 101", err, "score", crm.ReasonOutOfRange)
	clock.Advance(time.Hour)
	surveys := len(c.Satisfaction)
	c, err = f.svc.CloseServiceRequest(ctx, f.svcB, c.ID, id, &c.Version, crm.ServiceCheck{Score: ptr(90), Comment: ptr("满意")})
	if err != nil {
		t.Fatal(err)
	}
	r = requestOn(t, c, id)
	if r.Status != crm.ServiceClosed || r.ClosedBy != f.svcB.UserID || r.ClosedAt == nil || len(c.Satisfaction) != surveys+1 {
		t.Fatalf("closed: %+v", r)
	}
	if s := c.Satisfaction[len(c.Satisfaction)-1]; s.ID != r.SatisfactionID || s.Score != 90 || s.Comment != "满意" || s.CreatedBy != f.svcB.UserID {
		t.Fatalf("the check's result %+v, request points at %s", s, r.SatisfactionID)
	}
	if got, ok := r.ResolutionTime(); !ok || got != 5*time.Hour {
		t.Fatalf("resolution time %v, want 5h (to the latest resolution)", got)
	}
	var steps []string
	for _, h := range r.History {
		steps = append(steps, string(h.From)+">"+string(h.To)+":"+h.By+":"+h.Note)
	}
	want := ">OPEN:" + f.seller.UserID + ":|OPEN>IN_PROGRESS:" + f.svcB.UserID + ":|IN_PROGRESS>RESOLVED:" + f.svcB.UserID + ":更换路由器后恢复|" +
		"RESOLVED>IN_PROGRESS:" + f.svcB.UserID + ":客户反馈仍偶尔断线|IN_PROGRESS>IN_PROGRESS:" + f.svcB.UserID + ":已联系厂家|" +
		"IN_PROGRESS>RESOLVED:" + f.svcB.UserID + ":更换固件|RESOLVED>CLOSED:" + f.svcB.UserID + ":满意"
	if got := strings.Join(steps, "|"); got != want {
		t.Fatalf("history\n got %s\nwant %s", got, want)
	}
	// Closed is closed.
	_, err = f.svc.UpdateServiceRequest(ctx, f.svcB, c.ID, id, &c.Version, crm.ServiceRequestPatch{Note: ptr("再补充")})
	wantReason(t, "a note on a closed request", err, "requestId", crm.ReasonAlready)
	_, err = f.svc.CloseServiceRequest(ctx, f.svcB, c.ID, id, &c.Version, crm.ServiceCheck{Score: ptr(80)})
	wantReason(t, "closed twice", err, "requestId", crm.ReasonAlready)
	// Without a score, a comment closes it.
	c, id2, err := f.svc.OpenServiceRequest(ctx, f.svcA, c.ID, nil, crm.ServiceRequestInput{Kind: crm.ServiceConsultation, Summary: "询问发票"})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = f.svc.UpdateServiceRequest(ctx, f.svcA, c.ID, id2, nil, crm.ServiceRequestPatch{Status: ptr(crm.ServiceResolved), Note: ptr("已寄出")}); err != nil {
		t.Fatal(err)
	}
	if c, err = f.svc.CloseServiceRequest(ctx, f.svcA, c.ID, id2, nil, crm.ServiceCheck{Comment: ptr("客户未接电话，三次未联系上")}); err != nil {
		t.Fatal(err)
	}
	if r := requestOn(t, c, id2); r.Status != crm.ServiceClosed || r.SatisfactionID != "" || len(c.Satisfaction) != surveys+1 {
		t.Fatalf("closed without a score: %+v", r)
	}
}

// Every bad input is BAD_USER_INPUT with its field and reason, and
// changes nothing.
func TestServiceRequestBadInput(t *testing.T) {
	f := newPolicyFixture(t)
	ctx := context.Background()
	c, err := f.svc.Customer(ctx, f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	complaint := c.ServiceRequests[0].ID
	past := f.svc.Clock.Now().Add(-time.Minute)
	open := func(in crm.ServiceRequestInput) error {
		_, _, err := f.svc.OpenServiceRequest(ctx, f.svcA, c.ID, nil, in)
		return err
	}
	update := func(id string, p crm.ServiceRequestPatch) error {
		_, err := f.svc.UpdateServiceRequest(ctx, f.svcA, c.ID, id, nil, p)
		return err
	}
	for _, tc := range []struct {
		name   string
		err    error
		field  string
		reason crm.Reason
	}{
		{"unknown kind", open(crm.ServiceRequestInput{Kind: "REFUND", Summary: "x"}), "kind", crm.ReasonNotAllowed},
		{"empty summary", open(crm.ServiceRequestInput{Kind: crm.ServiceConsultation, Summary: "  "}), "summary", crm.ReasonRequired},
		{"ID number in the summary", open(crm.ServiceRequestInput{Kind: crm.ServiceConsultation, Summary: "身份证 110105199003078510"}), "summary", crm.ReasonIDNumber},
		{"unknown priority", open(crm.ServiceRequestInput{Kind: crm.ServiceConsultation, Summary: "x", Priority: ptr(crm.Priority("URGENT"))}), "priority", crm.ReasonNotAllowed},
		{"due in the past", open(crm.ServiceRequestInput{Kind: crm.ServiceConsultation, Summary: "x", Due: &past}), "due", crm.ReasonPastDate},
		{"unknown contact", open(crm.ServiceRequestInput{Kind: crm.ServiceConsultation, Summary: "x", ContactID: ptr("nope")}), "contactId", crm.ReasonNotFound},
		{"an analyst assigned", open(crm.ServiceRequestInput{Kind: crm.ServiceConsultation, Summary: "x", AssigneeID: ptr(f.analyst.UserID)}), "assigneeId", crm.ReasonAnalystAssigned},
		{"an unknown assignee", open(crm.ServiceRequestInput{Kind: crm.ServiceConsultation, Summary: "x", AssigneeID: ptr("ghost")}), "assigneeId", crm.ReasonNotActiveUser},
		{"unknown request", update("nope", crm.ServiceRequestPatch{Note: ptr("x")}), "requestId", crm.ReasonNotFound},
		{"closed by an update", update(complaint, crm.ServiceRequestPatch{Status: ptr(crm.ServiceClosed)}), "status", crm.ReasonBadTransition},
		{"back to open", update(complaint, crm.ServiceRequestPatch{Status: ptr(crm.ServiceStatus("WAITING"))}), "status", crm.ReasonBadTransition},
		{"due moved into the past", update(complaint, crm.ServiceRequestPatch{Due: &past}), "due", crm.ReasonPastDate},
		{"assignee cleared", update(complaint, crm.ServiceRequestPatch{AssigneeID: ptr("")}), "assigneeId", crm.ReasonRequired},
		{"closing an open request", func() error {
			_, err := f.svc.CloseServiceRequest(ctx, f.svcA, c.ID, complaint, nil, crm.ServiceCheck{Score: ptr(80)})
			return err
		}(), "requestId", crm.ReasonBadTransition},
	} {
		t.Run(tc.name, func(t *testing.T) { wantReason(t, tc.name, tc.err, tc.field, tc.reason) })
	}
	if _, err := f.svc.UpdateServiceRequest(ctx, f.svcA, c.ID, complaint, nil, crm.ServiceRequestPatch{Status: ptr(crm.ServiceInProgress)}); err != nil {
		t.Fatal(err)
	}
	err = update(complaint, crm.ServiceRequestPatch{Status: ptr(crm.ServiceOpen)})
	wantReason(t, "in progress back to open", err, "status", crm.ReasonBadTransition)
	after, err := f.svc.Customer(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.ServiceRequests) != 1 || after.Version != c.Version+1 {
		t.Fatalf("bad input changed the customer: %d requests, version %d (want %d)", len(after.ServiceRequests), after.Version, c.Version+1)
	}
}

// Who may work on requests: whoever may log on the customer (service
// staff on any customer), and the request's assignee; never an analyst.
func TestServiceRequestPolicy(t *testing.T) {
	f := newPolicyFixture(t)
	ctx := context.Background()
	if _, _, err := f.svc.OpenServiceRequest(ctx, f.stranger, f.c.ID, nil, crm.ServiceRequestInput{Kind: crm.ServiceConsultation, Summary: "x"}); crm.ErrorCode(err) != crm.CodeForbidden {
		t.Fatalf("a salesperson of another customer opened a request: %v", err)
	}
	if _, _, err := f.svc.OpenServiceRequest(ctx, f.analyst, f.c.ID, nil, crm.ServiceRequestInput{Kind: crm.ServiceConsultation, Summary: "x"}); crm.ErrorCode(err) != crm.CodeForbidden {
		t.Fatalf("an analyst opened a request: %v", err)
	}
	// Service staff open on any customer and may give it to a salesperson
	// who does not work the customer: that person may then work on it.
	c, id, err := f.svc.OpenServiceRequest(ctx, f.svcB, f.c.ID, nil, crm.ServiceRequestInput{Kind: crm.ServiceAfterSales, Summary: "上门检修",
		AssigneeID: ptr(f.stranger.UserID)})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = f.svc.UpdateServiceRequest(ctx, f.stranger, c.ID, id, nil, crm.ServiceRequestPatch{Status: ptr(crm.ServiceInProgress)}); err != nil {
		t.Fatalf("the assignee could not work on the request: %v", err)
	}
	complaint := c.ServiceRequests[0].ID
	if _, err := f.svc.UpdateServiceRequest(ctx, f.stranger, c.ID, complaint, nil, crm.ServiceRequestPatch{Note: ptr("x")}); crm.ErrorCode(err) != crm.CodeForbidden {
		t.Fatalf("a salesperson changed another's request on a customer not theirs: %v", err)
	}
	if _, err := f.svc.UpdateServiceRequest(ctx, f.analyst, c.ID, id, nil, crm.ServiceRequestPatch{Note: ptr("x")}); crm.ErrorCode(err) != crm.CodeForbidden {
		t.Fatalf("an analyst changed a request: %v", err)
	}
}

// The list across customers: requests not closed, by due time, of an
// assignee, kind, statuses or overdue, paged with a cursor.
func TestServiceRequestList(t *testing.T) {
	f := newPolicyFixture(t)
	ctx := context.Background()
	clock := f.svc.Clock.(*crm.FixedClock)
	other, err := f.svc.CreateCustomer(ctx, f.boss, crm.CustomerInput{Name: "另一家公司"})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(cid string, who crm.Actor, kind crm.ServiceKind, prio crm.Priority) string {
		t.Helper()
		clock.Advance(time.Minute) // distinct due times
		_, id, err := f.svc.OpenServiceRequest(ctx, who, cid, nil, crm.ServiceRequestInput{Kind: kind, Summary: string(kind), Priority: &prio})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	complaint := f.c.ServiceRequests[0].ID                                  // HIGH, due in 24h, svcA
	a := mk(other.ID, f.svcB, crm.ServiceConsultation, crm.PriorityLow)     // due in a week
	b := mk(f.c.ID, f.svcB, crm.ServiceAfterSales, crm.PriorityMedium)      // due in 3 days
	closed := mk(other.ID, f.svcA, crm.ServiceAfterSales, crm.PriorityHigh) // closed below
	if _, err := f.svc.UpdateServiceRequest(ctx, f.svcA, other.ID, closed, nil, crm.ServiceRequestPatch{Status: ptr(crm.ServiceResolved), Note: ptr("ok")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CloseServiceRequest(ctx, f.svcA, other.ID, closed, nil, crm.ServiceCheck{Score: ptr(100)}); err != nil {
		t.Fatal(err)
	}
	resolved := mk(other.ID, f.svcA, crm.ServiceConsultation, crm.PriorityMedium)
	if _, err := f.svc.UpdateServiceRequest(ctx, f.svcA, other.ID, resolved, nil, crm.ServiceRequestPatch{Status: ptr(crm.ServiceResolved), Note: ptr("ok")}); err != nil {
		t.Fatal(err)
	}
	ids := func(q crm.ServiceQuery) string {
		t.Helper()
		page, err := f.svc.ServiceRequests(ctx, f.analyst, q, 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range page.Items {
			out = append(out, it.ID)
		}
		if page.Total != len(out) {
			t.Fatalf("total %d, %d items", page.Total, len(out))
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		name string
		q    crm.ServiceQuery
		want []string
	}{
		{"all not closed, by due", crm.ServiceQuery{}, []string{complaint, b, resolved, a}},
		{"one assignee's", crm.ServiceQuery{Assignee: f.svcB.UserID}, []string{b, a}},
		{"one kind", crm.ServiceQuery{Kind: crm.ServiceConsultation}, []string{resolved, a}},
		{"resolved, awaiting the check", crm.ServiceQuery{Statuses: []crm.ServiceStatus{crm.ServiceResolved}}, []string{resolved}},
		{"overdue at 4 days", crm.ServiceQuery{OverdueAt: clock.Now().Add(96 * time.Hour)}, []string{complaint, b}},
	} {
		if got := ids(tc.q); got != strings.Join(tc.want, ",") {
			t.Errorf("%s: got %s, want %s", tc.name, got, strings.Join(tc.want, ","))
		}
	}
	// Paging: two pages of two, the second after the first's last.
	p1, err := f.svc.ServiceRequests(ctx, f.seller, crm.ServiceQuery{}, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := p1.Items[1]
	p2, err := f.svc.ServiceRequests(ctx, f.seller, crm.ServiceQuery{}, 2, &crm.DueCursor{Due: last.Due, ID: last.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !p1.HasNext || p2.HasNext || len(p2.Items) != 2 || p2.Items[0].ID != resolved || p2.Total != 4 {
		t.Fatalf("pages: %+v / %+v", p1, p2)
	}
	for _, tc := range []struct {
		name  string
		q     crm.ServiceQuery
		first int
		field string
	}{
		{"first 0", crm.ServiceQuery{}, 0, "first"},
		{"first 501", crm.ServiceQuery{}, 501, "first"},
		{"closed ones", crm.ServiceQuery{Statuses: []crm.ServiceStatus{crm.ServiceClosed}}, 10, "statuses[0]"},
		{"unknown kind", crm.ServiceQuery{Kind: "REFUND"}, 10, "kind"},
	} {
		_, err := f.svc.ServiceRequests(ctx, f.seller, tc.q, tc.first, nil)
		wantCode(t, err, crm.CodeBadUserInput, tc.field)
	}
}

// The satisfaction trend is the latest survey by time less the one
// before, whatever order they were recorded in; none with one survey.
func TestSatisfactionTrend(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	c := &crm.Customer{Satisfaction: []crm.Satisfaction{{ID: "a", At: day(10), Score: 90}}}
	c.Recompute()
	if c.Stats.SatisfactionTrend != nil {
		t.Fatalf("a trend from one survey: %d", *c.Stats.SatisfactionTrend)
	}
	c.Satisfaction = append(c.Satisfaction, crm.Satisfaction{ID: "b", At: day(20), Score: 70}, crm.Satisfaction{ID: "c", At: day(1), Score: 50})
	c.Recompute()
	if c.Stats.SatisfactionTrend == nil || *c.Stats.SatisfactionTrend != -20 {
		t.Fatalf("trend %v, want -20 (70 on the 20th after 90 on the 10th)", c.Stats.SatisfactionTrend)
	}
}
