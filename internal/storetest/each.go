package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

func init() {
	// Each visits exactly the customers a filter selects in a scope, each
	// once; without Full every lean filter matches the customers it hands
	// out as it matches their whole documents; fn's error stops it.
	register("Each", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		all := listData(t, s, 30)
		byID := map[string]*crm.Customer{}
		for _, c := range all {
			byID[c.ID] = c
		}
		lines := []string{"", "amount:>=2", "tier:A OR stage:won"}
		probes := []string{"tier:B", "-satisfaction:none", "stage:won amount:>=1"}
		if h.SkipNestedFilters == "" {
			lines = append(lines, "interactions.some(channel:phone)", "interactions.some(summary:*电话*)")
			probes = append(probes, "interactions.some(channel:phone)", "interactions.count():>=2", "deals.sum():>=1")
		}
		filterOf := func(line string) crm.Filter {
			if line == "" {
				return nil
			}
			f, err := segment.FilterOf(nil, line, segment.Options{Now: base})
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		var lean []crm.Filter
		for _, line := range probes {
			if f := filterOf(line); f.Lean() {
				lean = append(lean, f)
			}
		}
		for _, line := range lines {
			f := filterOf(line)
			for _, scope := range []crm.ArchiveScope{crm.ScopeActive, crm.ScopeArchived, crm.ScopeAll} {
				var want []string
				for _, c := range all {
					inScope := scope == crm.ScopeAll || (c.ArchivedAt != nil) == (scope == crm.ScopeArchived)
					if inScope && (f == nil || f.Match(c)) {
						want = append(want, c.ID)
					}
				}
				for _, full := range []bool{false, true} {
					var got []string
					err := s.Customers().Each(ctx(t), crm.EachQuery{Scope: scope, Filter: f, Full: full}, func(c *crm.Customer) error {
						got = append(got, c.ID)
						whole := byID[c.ID]
						if full {
							if c.Partial || len(c.Interactions) != len(whole.Interactions) || len(c.Contacts) != len(whole.Contacts) {
								t.Errorf("%q full: %s is not the whole document", line, c.Code)
							}
						}
						for k, p := range lean {
							if p.Match(c) != p.Match(whole) {
								t.Errorf("%q full=%v: lean probe %s on %s: %v, on the document %v", line, full, probes[k], c.Code, p.Match(c), p.Match(whole))
							}
						}
						return nil
					})
					if err != nil {
						t.Fatal(err)
					}
					slices.Sort(got)
					slices.Sort(want)
					if !slices.Equal(got, want) {
						t.Errorf("%q %s full=%v: visited %d customers, want %d", line, scope, full, len(got), len(want))
					}
				}
			}
		}
		// DueBy keeps the customers whose classification check has come:
		// set and not after it; the archive scope still applies.
		due := open(t, h)
		var wantDue []string
		for i, tc := range []struct {
			check    *time.Duration // nil: never checked
			archived bool
			due      bool
		}{
			{nil, false, false},
			{ptrTo(-time.Hour), false, true},
			{ptrTo(-time.Millisecond), true, false},
			{ptrTo(time.Duration(0)), false, true},
			{ptrTo(time.Millisecond), false, false},
			{ptrTo(time.Hour), false, false},
		} {
			c := plain(fmt.Sprintf("到期公司%d", i), base)
			if tc.check != nil {
				c.Class.NextCheckAt = base.Add(*tc.check)
			}
			if tc.archived {
				at := base
				c.ArchivedAt = &at
			}
			insert(t, due, c)
			if tc.due {
				wantDue = append(wantDue, c.ID)
			}
		}
		var gotDue []string
		for _, full := range []bool{false, true} {
			gotDue = gotDue[:0]
			err := due.Customers().Each(ctx(t), crm.EachQuery{Scope: crm.ScopeActive, DueBy: base, Full: full}, func(c *crm.Customer) error {
				gotDue = append(gotDue, c.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(gotDue)
			slices.Sort(wantDue)
			if !slices.Equal(gotDue, wantDue) {
				t.Errorf("due by %v (full=%v): visited %v, want %v", base, full, gotDue, wantDue)
			}
		}

		// fn's error stops the visit and comes back as it is.
		stop := errors.New("enough")
		n := 0
		err := s.Customers().Each(ctx(t), crm.EachQuery{Scope: crm.ScopeAll}, func(*crm.Customer) error {
			n++
			if n == 3 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 3 {
			t.Fatalf("stopping: %v after %d customers", err, n)
		}
		if err := s.Customers().Each(ctx(t), crm.EachQuery{Scope: "NOPE"}, func(*crm.Customer) error { return nil }); !crm.IsCode(err, crm.CodeBadUserInput) {
			t.Fatalf("bad scope: %v", err)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }

func init() {
	// SetNextChecks stores the next check of customers still at their
	// version and nothing else: the version, the other fields and lists
	// stay; a customer changed since, or unknown, is skipped and not
	// counted. Gets, lists and DueBy see the new check.
	register("SetNextChecks", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		a := insert(t, s, plain("检查公司甲", base))
		b := insert(t, s, plain("检查公司乙", base))
		stale := insert(t, s, plain("检查公司丙", base))
		before, err := s.Customers().Get(ctx(t), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		moved := *stale
		moved.Version++
		moved.Name = "检查公司丙（改名）"
		if err := s.Customers().Replace(ctx(t), &moved, stale.Version); err != nil {
			t.Fatal(err)
		}
		at := base.Add(36 * time.Hour)
		n, err := s.Customers().SetNextChecks(ctx(t), []crm.NextCheck{
			{ID: b.ID, Version: b.Version, At: at.Add(time.Hour)},
			{ID: a.ID, Version: a.Version, At: at},
			{ID: stale.ID, Version: stale.Version, At: at},
			{ID: "000000000000000000000000", Version: 1, At: at},
		})
		if err != nil || n != 2 {
			t.Fatalf("stored %d (%v), want 2", n, err)
		}
		got, err := s.Customers().Get(ctx(t), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Class.NextCheckAt.Equal(at) || got.Version != before.Version || got.Name != before.Name || len(got.Contacts) != len(before.Contacts) {
			t.Fatalf("after: check %v version %d name %q; want %v, %d, %q", got.Class.NextCheckAt, got.Version, got.Name, at, before.Version, before.Name)
		}
		if got, _ := s.Customers().Get(ctx(t), stale.ID); !got.Class.NextCheckAt.IsZero() || got.Name != moved.Name {
			t.Fatalf("the changed customer got the check %v (name %q)", got.Class.NextCheckAt, got.Name)
		}
		var due []string
		err = s.Customers().Each(ctx(t), crm.EachQuery{Scope: crm.ScopeActive, DueBy: at}, func(c *crm.Customer) error {
			due = append(due, c.ID)
			if !c.Class.NextCheckAt.Equal(at) {
				t.Errorf("Each hands out the check %v, want %v", c.Class.NextCheckAt, at)
			}
			return nil
		})
		if err != nil || len(due) != 1 || due[0] != a.ID {
			t.Fatalf("due by %v: %v (%v), want only %s", at, due, err, a.Code)
		}
		if n, err := s.Customers().SetNextChecks(ctx(t), nil); err != nil || n != 0 {
			t.Fatalf("no checks: %d %v", n, err)
		}
	})
}

func init() {
	// ReplaceMany writes the customers still at their expected versions,
	// with the read model, and reports the others (changed or deleted
	// meanwhile) by index, unwritten.
	register("ReplaceMany", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		a := insert(t, s, plain("批量公司甲", base))
		b := insert(t, s, plain("批量公司乙", base))
		stale := insert(t, s, plain("批量公司丙", base))
		moved := *stale
		moved.Version++
		moved.Name = "批量公司丙（先改）"
		if err := s.Customers().Replace(ctx(t), &moved, stale.Version); err != nil {
			t.Fatal(err)
		}
		gone := plain("批量公司丁", base)
		gone.ID, gone.Version = "000000000000000000000000", 2
		var write []*crm.Customer
		var expected []int64
		for _, c := range []*crm.Customer{b, stale, a, gone} {
			x := *c
			x.Version++
			x.Name += "（批量）"
			x.Tags = []string{"批量"}
			write = append(write, &x)
			expected = append(expected, c.Version)
		}
		conflicts, err := s.Customers().ReplaceMany(ctx(t), write, expected)
		if err != nil || !slices.Equal(conflicts, []int{1, 3}) {
			t.Fatalf("conflicts %v (%v), want [1 3]", conflicts, err)
		}
		for _, c := range []*crm.Customer{a, b} {
			got, err := s.Customers().Get(ctx(t), c.ID)
			if err != nil || got.Name != c.Name+"（批量）" || got.Version != c.Version+1 {
				t.Fatalf("%s after: %+v %v", c.Name, got, err)
			}
		}
		if got, _ := s.Customers().Get(ctx(t), stale.ID); got.Name != moved.Name || got.Version != moved.Version {
			t.Fatalf("the customer changed meanwhile was overwritten: %q v%d", got.Name, got.Version)
		}
		// The lists see the batch at once.
		tagged, err := segment.NewFilter(segment.Cond{Field: "tags", Op: segment.HasAny, Value: segment.Strings{"批量"}}, segment.Options{Now: base})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Customers().Counts(ctx(t), []crm.Filter{tagged}, crm.CountQuery{Scope: crm.ScopeActive})
		if err != nil || n[0] != 2 {
			t.Fatalf("customers tagged by the batch in the lists: %v (%v), want 2", n, err)
		}
		if c, err := s.Customers().ReplaceMany(ctx(t), nil, nil); err != nil || len(c) != 0 {
			t.Fatalf("an empty batch: %v %v", c, err)
		}
	})
	// CustomersWithTasks hands out the active customers with a task of the
	// status (OPEN when none) and the assignee (any assignee's with none),
	// each once, with those tasks; a customer with such a task of another
	// assignee, or another such task of the assignee, is not one. fn's
	// error stops it.
	register("CustomersWithTasks", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		closedAt := base.Add(time.Hour)
		task := func(assignee string, status crm.TaskStatus) crm.Task {
			x := crm.Task{ID: crm.NewID(), Kind: crm.TaskManual, Title: "任务", AssigneeID: assignee, Due: base, Status: status, CreatedAt: base}
			if status != crm.TaskOpen {
				x.ClosedAt = &closedAt
			}
			return x
		}
		mine := plain("任务公司甲", base)
		mine.Tasks = []crm.Task{task("u1", crm.TaskOpen), task("u1", crm.TaskOpen), task("u2", crm.TaskDone)}
		theirs := plain("任务公司乙", base)
		theirs.Tasks = []crm.Task{task("u2", crm.TaskOpen), task("u1", crm.TaskClosed)}
		archived := plain("任务公司丙", base)
		archived.Tasks = []crm.Task{task("u1", crm.TaskOpen), task("u1", crm.TaskDone), task("u1", crm.TaskClosed)}
		at := base
		archived.ArchivedAt = &at
		none := plain("任务公司丁", base)
		finished := plain("任务公司戊", base)
		finished.Tasks = []crm.Task{task("u1", crm.TaskDone), task("u1", crm.TaskDone), task("u3", crm.TaskClosed)}
		// Done after it was stored: the store sees the write.
		later := plain("任务公司己", base)
		later.Tasks = []crm.Task{task("u3", crm.TaskOpen)}
		all := []*crm.Customer{mine, theirs, archived, none, finished, later}
		for _, c := range all {
			insert(t, s, c)
		}
		done := *later
		done.Tasks = []crm.Task{later.Tasks[0]}
		done.Tasks[0].Status, done.Tasks[0].ClosedAt = crm.TaskDone, &closedAt
		done.Version = 2
		if err := s.Customers().Replace(ctx(t), &done, 1); err != nil {
			t.Fatal(err)
		}
		all[len(all)-1] = &done
		stored := map[string]*crm.Customer{}
		for _, c := range all {
			stored[c.ID] = c
		}
		for _, tc := range []struct {
			status   crm.TaskStatus
			assignee string
			want     []*crm.Customer
		}{
			{"", "u1", []*crm.Customer{mine}},
			{crm.TaskOpen, "u1", []*crm.Customer{mine}},
			{crm.TaskOpen, "u2", []*crm.Customer{theirs}},
			{crm.TaskOpen, "", []*crm.Customer{mine, theirs}},
			{crm.TaskOpen, "u3", nil},
			{crm.TaskDone, "u1", []*crm.Customer{finished}},
			{crm.TaskDone, "u2", []*crm.Customer{mine}},
			{crm.TaskDone, "u3", []*crm.Customer{&done}},
			{crm.TaskDone, "", []*crm.Customer{mine, finished, &done}},
			{crm.TaskClosed, "u1", []*crm.Customer{theirs}},
			{crm.TaskClosed, "u2", nil},
			{crm.TaskClosed, "u3", []*crm.Customer{finished}},
			{crm.TaskClosed, "", []*crm.Customer{theirs, finished}},
		} {
			q := crm.TaskQuery{Status: tc.status, Assignee: tc.assignee}
			picked := func(c *crm.Customer) int {
				n := 0
				for _, x := range c.Tasks {
					if x.Status == q.TaskStatus() && (tc.assignee == "" || x.AssigneeID == tc.assignee) {
						n++
					}
				}
				return n
			}
			var got []string
			err := s.Customers().CustomersWithTasks(ctx(t), q, func(c *crm.Customer) error {
				got = append(got, c.ID)
				whole := stored[c.ID]
				if whole == nil || picked(c) == 0 || picked(c) != picked(whole) || (q.TaskStatus() == crm.TaskOpen && !c.Partial) {
					t.Errorf("%s of %q: %s handed out with tasks %+v (partial %v)", q.TaskStatus(), tc.assignee, c.Code, c.Tasks, c.Partial)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, c := range tc.want {
				want = append(want, c.ID)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s tasks of %q: customers %v, want %v", q.TaskStatus(), tc.assignee, got, want)
			}
		}
		for _, st := range []crm.TaskStatus{crm.TaskOpen, crm.TaskDone} {
			stop := errors.New("stop")
			calls := 0
			err := s.Customers().CustomersWithTasks(ctx(t), crm.TaskQuery{Status: st}, func(*crm.Customer) error {
				calls++
				return stop
			})
			if !errors.Is(err, stop) || calls != 1 {
				t.Errorf("%s: fn's error: %v after %d calls, want it after 1", st, err, calls)
			}
		}
		err := s.Customers().CustomersWithTasks(ctx(t), crm.TaskQuery{Status: "LATE"}, func(*crm.Customer) error { return nil })
		mustCode(t, err, crm.CodeBadUserInput)
	})
}

func init() {
	// OpenServiceRequests hands out the active customers with a service
	// request that is not closed, of the assignee (anyone's with none),
	// each once, with those requests.
	register("OpenServiceRequests", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		req := func(assignee string, status crm.ServiceStatus) crm.ServiceRequest {
			return crm.ServiceRequest{ID: crm.NewID(), Kind: crm.ServiceComplaint, Summary: "投诉", Priority: crm.PriorityHigh,
				Status: status, Due: base, AssigneeID: assignee, OpenedAt: base, OpenedBy: assignee,
				History: []crm.ServiceStatusChange{{To: crm.ServiceOpen, At: base, By: assignee}}}
		}
		working := plain("服务公司甲", base)
		working.ServiceRequests = []crm.ServiceRequest{req("u1", crm.ServiceInProgress), req("u2", crm.ServiceClosed)}
		resolved := plain("服务公司乙", base)
		resolved.ServiceRequests = []crm.ServiceRequest{req("u2", crm.ServiceResolved), req("u1", crm.ServiceClosed)}
		closed := plain("服务公司丙", base)
		closed.ServiceRequests = []crm.ServiceRequest{req("u1", crm.ServiceClosed)}
		archived := plain("服务公司丁", base)
		archived.ServiceRequests = []crm.ServiceRequest{req("u1", crm.ServiceOpen)}
		at := base
		archived.ArchivedAt = &at
		for _, c := range []*crm.Customer{working, resolved, closed, archived, plain("服务公司戊", base)} {
			insert(t, s, c)
		}
		for _, tc := range []struct {
			assignee string
			want     []string
		}{{"u1", []string{working.ID}}, {"u2", []string{resolved.ID}}, {"", []string{working.ID, resolved.ID}}, {"u3", nil}} {
			var got []string
			err := s.Customers().OpenServiceRequests(ctx(t), crm.ServiceQuery{Assignee: tc.assignee}, func(c *crm.Customer) error {
				got = append(got, c.ID)
				n := 0
				for _, r := range c.ServiceRequests {
					if !r.Closed() && (tc.assignee == "" || r.AssigneeID == tc.assignee) {
						n++
					}
				}
				if n == 0 || !c.Partial {
					t.Errorf("%q: %s handed out with requests %+v (partial %v)", tc.assignee, c.Code, c.ServiceRequests, c.Partial)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			slices.Sort(tc.want)
			if !slices.Equal(got, tc.want) {
				t.Errorf("service requests of %q: customers %v, want %v", tc.assignee, got, tc.want)
			}
		}
	})
}
