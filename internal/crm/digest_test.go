package crm_test

import (
	"context"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// The digest counts the user's overdue and today's tasks (snoozed ones
// and others' left out), what opened since the last read, and the service
// requests they hold; reading it clears it for the day only.
func TestDigest(t *testing.T) {
	f := newPolicyFixture(t)
	ctx := context.Background()
	clock := f.svc.Clock.(*crm.FixedClock)
	now := clock.Now() // 2026-11-20 17:30 in Shanghai
	loc := crm.DefaultLocation
	task := func(who crm.Actor, title string, due time.Time, assignee *string) string {
		t.Helper()
		_, id, err := f.svc.CreateTask(ctx, who, f.c.ID, nil, crm.TaskInput{Title: title, Due: due, AssigneeID: assignee})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	overdue := task(f.seller, "昨天的事", time.Date(2026, 11, 19, 15, 0, 0, 0, loc), nil)
	today := task(f.seller, "今晚的事", time.Date(2026, 11, 20, 21, 0, 0, 0, loc), nil)
	task(f.seller, "明天的事", time.Date(2026, 11, 21, 9, 0, 0, 0, loc), nil)
	task(f.seller, "别人的事", time.Date(2026, 11, 19, 9, 0, 0, 0, loc), ptr(f.helper.UserID))
	snoozed := task(f.seller, "推迟的事", time.Date(2026, 11, 18, 9, 0, 0, 0, loc), nil)
	if _, err := f.svc.SnoozeTask(ctx, f.seller, f.c.ID, snoozed, nil, now.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	d, err := f.svc.Digest(ctx, f.seller)
	if err != nil {
		t.Fatal(err)
	}
	if d.Overdue != 1 || d.DueToday != 1 || d.New != 3 || d.Read || len(d.Top) != 2 || d.Top[0].ID != overdue || d.Top[1].ID != today ||
		len(d.Kinds) != 1 || d.Kinds[0] != (crm.KindCount{Kind: crm.TaskManual, Count: 2}) || !d.Day.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("digest %+v", d)
	}
	// Read: cleared, and only what opens after counts as new.
	clock.Advance(time.Minute)
	if d, err = f.svc.MarkDigestRead(ctx, f.seller); err != nil || !d.Read || d.New != 3 {
		t.Fatalf("the digest marked read, as it was read: %+v, %v", d, err)
	}
	if d, _ = f.svc.Digest(ctx, f.seller); !d.Read || d.New != 0 {
		t.Fatalf("after reading: %+v", d)
	}
	clock.Advance(time.Minute)
	task(f.seller, "新来的事", time.Date(2026, 11, 20, 22, 0, 0, 0, loc), nil)
	if d, _ = f.svc.Digest(ctx, f.seller); !d.Read || d.New != 1 || d.DueToday != 2 {
		t.Fatalf("a task after reading: %+v", d)
	}
	// The next day's digest is unread again.
	clock.Advance(24 * time.Hour)
	if d, _ = f.svc.Digest(ctx, f.seller); d.Read || d.Overdue != 3 {
		t.Fatalf("the next day: %+v", d)
	}
	// Service requests: the complaint svcA holds, overdue a day after it opened.
	if d, _ = f.svc.Digest(ctx, f.svcA); d.Services != 1 || d.ServicesOverdue != 1 {
		t.Fatalf("svcA's digest: %+v", d)
	}
	if _, err := f.svc.MarkDigestRead(ctx, crm.APITokenActor("t1")); crm.ErrorCode(err) != crm.CodeForbidden {
		t.Fatalf("an API token marked a digest read: %v", err)
	}
}
