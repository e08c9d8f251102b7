package graph

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/graph/model"
	"github.com/kehu-crm/kehu/internal/crm"
)

// Tasks translate to crm's task use cases.

// taskCursor writes a task's place in its list of tasks of status: the
// due time and id of an open task (the form of dueCursor), or the status,
// the time closed and the id of a done or closed one, so that a cursor
// names the list (and the time) it sorts by.
func taskCursor(status crm.TaskStatus, t crm.Task) string {
	if status == crm.TaskOpen {
		return dueCursor(t.Due, t.ID)
	}
	var at time.Time
	if t.ClosedAt != nil {
		at = *t.ClosedAt
	}
	return base64.RawURLEncoding.EncodeToString([]byte(string(status) + ":" + strconv.FormatInt(at.UnixMilli(), 10) + ":" + t.ID))
}

// dueCursor writes a place in a list ordered by due time, then id (open
// tasks, service requests).
func dueCursor(due time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(due.UnixMilli(), 10) + ":" + id))
}

// badCursor is the error of an after that no list wrote.
func badCursor() error {
	p := crm.NewProblems()
	p.Fail("after", crm.ReasonInvalid, nil, "is not a cursor of this list")
	return p.Err()
}

// parseTimeID reads "ms:id".
func parseTimeID(s string) (time.Time, string, bool) {
	ms, id, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || id == "" {
		return time.Time{}, "", false
	}
	return time.UnixMilli(n).UTC(), id, true
}

// parseDueCursor reads a cursor of dueCursor.
func parseDueCursor(s string) (*crm.DueCursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, badCursor()
	}
	due, id, ok := parseTimeID(string(raw))
	if !ok {
		return nil, badCursor()
	}
	return &crm.DueCursor{Due: due, ID: id}, nil
}

// parseTaskCursor reads a cursor of taskCursor, with the status of the
// list that wrote it (crm.Service.Tasks refuses it on another list).
func parseTaskCursor(s string) (*crm.TaskCursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, badCursor()
	}
	status, rest := crm.TaskOpen, string(raw)
	if prefix, tail, ok := strings.Cut(rest, ":"); ok {
		if st := crm.TaskStatus(prefix); st != crm.TaskOpen && st.Valid() {
			status, rest = st, tail
		}
	}
	at, id, ok := parseTimeID(rest)
	if !ok {
		return nil, badCursor()
	}
	return &crm.TaskCursor{Status: status, At: at, ID: id}, nil
}

func (r *Resolver) tasks(ctx context.Context, assignee *string, everyone bool, status *crm.TaskStatus, kind *crm.TaskKind, dueBefore *time.Time, snoozed bool, first *int, after *string) (*model.TaskConnection, error) {
	return asArgs(ctx, func(a crm.Actor) (*model.TaskConnection, error) {
		q := crm.TaskQuery{Assignee: a.UserID, Snoozed: snoozed}
		switch {
		case everyone && assignee != nil:
			p := crm.NewProblems()
			p.Fail("everyone", crm.ReasonExclusive, nil, "give assignee or everyone, not both")
			return nil, p.Err()
		case everyone:
			q.Assignee = ""
		case assignee != nil:
			q.Assignee = *assignee
		}
		if status != nil {
			q.Status = *status
		}
		if kind != nil {
			q.Kind = *kind
		}
		if dueBefore != nil {
			q.DueBefore = *dueBefore
		}
		n := 50
		if first != nil {
			n = *first
		}
		var cur *crm.TaskCursor
		if after != nil {
			var err error
			if cur, err = parseTaskCursor(*after); err != nil {
				return nil, err
			}
		}
		page, err := r.CRM.Tasks(ctx, a, q, n, cur)
		if err != nil {
			return nil, err
		}
		if err := r.wholeTaskCustomers(ctx, page.Items); err != nil {
			return nil, err
		}
		out := &model.TaskConnection{Nodes: page.Items, TotalCount: page.Total, PageInfo: &model.PageInfo{HasNextPage: page.HasNext}}
		if k := len(page.Items); k > 0 {
			st := q.TaskStatus()
			start, end := taskCursor(st, page.Items[0].Task), taskCursor(st, page.Items[k-1].Task)
			out.PageInfo.StartCursor, out.PageInfo.EndCursor = &start, &end
		}
		return out, nil
	})
}

// customerTasks lists a customer's tasks: open ones first, then by due
// time; of one status when given.
func (r *Resolver) customerTasks(ctx context.Context, obj *crm.Customer, status *crm.TaskStatus, limit *int) ([]crm.TaskItem, error) {
	c, err := r.nested(ctx, obj, limit, crm.MaxTasks)
	if err != nil {
		return nil, err
	}
	var out []crm.TaskItem
	for _, t := range c.Tasks {
		if status == nil || t.Status == *status {
			out = append(out, crm.TaskItem{Task: t, Customer: c})
		}
	}
	slices.SortStableFunc(out, func(x, y crm.TaskItem) int {
		if x.Open() != y.Open() {
			if x.Open() {
				return -1
			}
			return 1
		}
		return x.Due.Compare(y.Due)
	})
	if limit != nil && *limit < len(out) {
		out = out[:*limit]
	}
	return out, nil
}

// taskOf returns the task id of a customer a mutation returned.
func taskOf(c *crm.Customer, id string) (*crm.TaskItem, error) {
	for _, t := range c.Tasks {
		if t.ID == id {
			return &crm.TaskItem{Task: t, Customer: c}, nil
		}
	}
	return nil, crm.Internal(fmt.Errorf("graph: task %s is not on customer %s", id, c.Code))
}

// taskChange runs a task mutation as the signed-in actor and returns the
// task as it is after it.
func (r *Resolver) taskChange(ctx context.Context, taskID string, fn func(a crm.Actor) (*crm.Customer, error)) (*crm.TaskItem, error) {
	return asArgs(ctx, func(a crm.Actor) (*crm.TaskItem, error) {
		c, err := fn(a)
		if err != nil {
			return nil, err
		}
		return taskOf(c, taskID)
	})
}

func (r *Resolver) createTask(ctx context.Context, customerID string, in crm.TaskInput, expectedVersion *int) (*crm.TaskItem, error) {
	return as(ctx, func(a crm.Actor) (*crm.TaskItem, error) {
		c, id, err := r.CRM.CreateTask(ctx, a, customerID, version(expectedVersion), in)
		if err != nil {
			return nil, err
		}
		return taskOf(c, id)
	})
}
