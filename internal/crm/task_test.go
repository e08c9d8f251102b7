package crm_test

import (
	"fmt"
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
