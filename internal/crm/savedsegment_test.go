package crm_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// newService runs the service on a real SQLite store in a temp dir.
func newService(t testing.TB) (*crm.Service, *crm.FixedClock) {
	t.Helper()
	s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	clock := crm.NewFixedClock(time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC))
	return &crm.Service{Store: s, Clock: clock, Filters: segment.SavedFilters{}}, clock
}

func ptr[T any](v T) *T { return &v }

func wantCode(t *testing.T, err error, code crm.Code, field string) {
	t.Helper()
	if crm.ErrorCode(err) != code || err == nil {
		t.Fatalf("want %s, got %v", code, err)
	}
	if field == "" {
		return
	}
	if e := err.(*crm.Error); len(e.Fields) == 0 || e.Fields[0].Field != field {
		t.Fatalf("want %s on field %q, got %v", code, field, err)
	}
}

var (
	owner   = crm.Actor{UserID: "u-owner", Role: crm.RoleSales}
	other   = crm.Actor{UserID: "u-other", Role: crm.RoleSales}
	analyst = crm.Actor{UserID: "u-analyst", Role: crm.RoleAnalyst}
	manager = crm.Actor{UserID: "u-manager", Role: crm.RoleManager}
	admin   = crm.Actor{UserID: "u-admin", Role: crm.RoleAdmin}
)

func TestSaveSegmentCanonicalForms(t *testing.T) {
	svc, clock := newService(t)
	ctx := context.Background()
	// From a query line: the where JSON is the canonical input form.
	seg, err := svc.SaveSegment(ctx, analyst, crm.SegmentInput{Name: "  A 类大客户  ", Query: ptr("tier:A   amount:>=100000")})
	if err != nil {
		t.Fatal(err)
	}
	if seg.Name != "A 类大客户" || seg.NameKey != "a 类大客户" || seg.OwnerID != analyst.UserID || seg.Version != 1 ||
		seg.Shared || seg.CreatedBy != analyst.UserID || !seg.CreatedAt.Equal(clock.Now()) {
		t.Fatalf("saved: %+v", seg)
	}
	if seg.Query != "tier:A amount:>=100000" {
		t.Fatalf("query %q", seg.Query)
	}
	if seg.Where != `{"and":[{"valueTier":{"eq":"A"}},{"totalAmount":{"gte":"100000.00"}}]}` {
		t.Fatalf("where %s", seg.Where)
	}
	// From a where input: the same canonical forms.
	seg2, err := svc.SaveSegment(ctx, analyst, crm.SegmentInput{Name: "same", Where: map[string]any{
		"valueTier": map[string]any{"in": []any{"A"}}, "totalAmount": map[string]any{"gte": "100000.00"}}})
	if err != nil {
		t.Fatal(err)
	}
	if seg2.Where != seg.Where || seg2.Query != seg.Query {
		t.Fatalf("where input gave %s / %q, query gave %s / %q", seg2.Where, seg2.Query, seg.Where, seg.Query)
	}
	// A filter without a one-line form keeps Query empty.
	seg3, err := svc.SaveSegment(ctx, analyst, crm.SegmentInput{Name: "nothing", Where: map[string]any{"or": []any{}}})
	if err != nil || seg3.Query != "" || seg3.Where != `{"or":[]}` {
		t.Fatalf("or []: %+v %v", seg3, err)
	}
	// An empty filter (every customer) is a filter too.
	for i, in := range []crm.SegmentInput{{Query: ptr("  ")}, {Where: map[string]any{}}} {
		in.Name = "all " + string(rune('a'+i))
		all, err := svc.SaveSegment(ctx, analyst, in)
		if err != nil || all.Where != "{}" || all.Query != "" {
			t.Fatalf("empty filter %d: %+v %v", i, all, err)
		}
	}
	// The stored where reads back into the same filter.
	w, err := segment.SavedWhere(seg.Where)
	if err != nil {
		t.Fatal(err)
	}
	n, err := segment.FromInput("where", w)
	if err != nil {
		t.Fatal(err)
	}
	if line, _ := segment.Format(n); line != seg.Query {
		t.Fatalf("stored where reads back as %q", line)
	}
}

func TestSaveSegmentValidation(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	if _, err := svc.SaveSegment(ctx, owner, crm.SegmentInput{Name: "Taken", Query: ptr("tier:A")}); err != nil {
		t.Fatal(err)
	}
	tier := map[string]any{"valueTier": map[string]any{"in": []any{"A"}}}
	for _, tc := range []struct {
		name  string
		actor crm.Actor
		in    crm.SegmentInput
		code  crm.Code
		field string
	}{
		{"no name", owner, crm.SegmentInput{Query: ptr("tier:A")}, crm.CodeBadUserInput, "name"},
		{"blank name", owner, crm.SegmentInput{Name: "   ", Query: ptr("tier:A")}, crm.CodeBadUserInput, "name"},
		{"name too long", owner, crm.SegmentInput{Name: strings.Repeat("名", 81), Query: ptr("tier:A")}, crm.CodeBadUserInput, "name"},
		{"name with a newline", owner, crm.SegmentInput{Name: "a\nb", Query: ptr("tier:A")}, crm.CodeBadUserInput, "name"},
		{"neither where nor query", owner, crm.SegmentInput{Name: "x"}, crm.CodeBadUserInput, "where"},
		{"both where and query", owner, crm.SegmentInput{Name: "x", Where: tier, Query: ptr("tier:A")}, crm.CodeBadUserInput, "where"},
		{"bad query", owner, crm.SegmentInput{Name: "x", Query: ptr("tier:A (")}, crm.CodeBadUserInput, "query"},
		{"bad query value", owner, crm.SegmentInput{Name: "x", Query: ptr("tier:Z")}, crm.CodeBadUserInput, "query"},
		{"bad where", owner, crm.SegmentInput{Name: "x", Where: map[string]any{"valueTier": map[string]any{"in": []any{}}}}, crm.CodeBadUserInput, "where.valueTier.in"},
		{"unknown where field", owner, crm.SegmentInput{Name: "x", Where: map[string]any{"idCard": map[string]any{"eq": "1"}}}, crm.CodeBadUserInput, ""},
		{"name taken", owner, crm.SegmentInput{Name: "Taken", Query: ptr("tier:B")}, crm.CodeConflict, "name"},
		{"name taken in another case", owner, crm.SegmentInput{Name: " tAKEN ", Where: tier}, crm.CodeConflict, "name"},
		{"not signed in", crm.Actor{}, crm.SegmentInput{Name: "x", Query: ptr("tier:A")}, crm.CodeUnauthenticated, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.SaveSegment(ctx, tc.actor, tc.in)
			wantCode(t, err, tc.code, tc.field)
		})
	}
	// Every bad argument is reported at once.
	_, err := svc.SaveSegment(ctx, owner, crm.SegmentInput{Name: "", Query: ptr("tier:Z")})
	if e, ok := err.(*crm.Error); !ok || len(e.Fields) != 2 || e.Fields[0].Field != "name" || e.Fields[1].Field != "query" {
		t.Fatalf("name and query wrong: %v", err)
	}
	// The position of a bad query line reaches the message.
	_, err = svc.SaveSegment(ctx, owner, crm.SegmentInput{Name: "x", Query: ptr("tier:")})
	if err == nil || !strings.Contains(err.Error(), "at 6") {
		t.Fatalf("bad query without its position: %v", err)
	}
	// 80 characters is fine; another owner may reuse a name.
	if _, err := svc.SaveSegment(ctx, owner, crm.SegmentInput{Name: strings.Repeat("名", 80), Query: ptr("tier:A")}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveSegment(ctx, other, crm.SegmentInput{Name: "taken", Query: ptr("tier:A")}); err != nil {
		t.Fatal(err)
	}
}

// TestSegmentPolicy: who sees and who may change a private and a shared
// segment of a SALES owner.
func TestSegmentPolicy(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name        string
		actor       crm.Actor
		seePrivate  bool
		edit        bool // may change or delete both
		listPrivate bool
	}{
		{"owner", owner, true, true, true},
		{"other sales", other, false, false, false},
		{"analyst", analyst, false, false, false},
		{"manager", manager, false, false, false},
		{"admin", admin, true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			private, err := svc.SaveSegment(ctx, owner, crm.SegmentInput{Name: "私有 " + tc.name, Query: ptr("tier:A")})
			if err != nil {
				t.Fatal(err)
			}
			shared, err := svc.SaveSegment(ctx, owner, crm.SegmentInput{Name: "共享 " + tc.name, Query: ptr("tier:B"), Shared: true})
			if err != nil {
				t.Fatal(err)
			}
			// Reading.
			_, err = svc.Segment(ctx, tc.actor, private.ID)
			if tc.seePrivate {
				if err != nil {
					t.Fatalf("private segment: %v", err)
				}
			} else {
				wantCode(t, err, crm.CodeNotFound, "")
			}
			if _, err := svc.Segment(ctx, tc.actor, shared.ID); err != nil {
				t.Fatalf("shared segment: %v", err)
			}
			list, err := svc.Segments(ctx, tc.actor)
			if err != nil {
				t.Fatal(err)
			}
			listed := map[string]bool{}
			for _, s := range list {
				listed[s.ID] = true
			}
			if !listed[shared.ID] || listed[private.ID] != tc.listPrivate {
				t.Fatalf("listed shared %v, private %v", listed[shared.ID], listed[private.ID])
			}
			if a := tc.actor; a.CanEditSegment(shared) != tc.edit || a.CanEditSegment(private) != tc.edit {
				t.Fatalf("CanEditSegment disagrees")
			}
			// Changing: someone else's private segment is NOT_FOUND, a shared one FORBIDDEN.
			_, errPriv := svc.UpdateSegment(ctx, tc.actor, private.ID, 1, crm.SegmentPatch{Name: ptr("改名 " + tc.name)})
			_, errShared := svc.UpdateSegment(ctx, tc.actor, shared.ID, 1, crm.SegmentPatch{Shared: ptr(false)})
			errDel := svc.DeleteSegment(ctx, tc.actor, private.ID, 2)
			if tc.edit {
				if errPriv != nil || errShared != nil || errDel != nil {
					t.Fatalf("update %v, update shared %v, delete %v", errPriv, errShared, errDel)
				}
				if _, err := svc.Segment(ctx, owner, private.ID); !crm.IsCode(err, crm.CodeNotFound) {
					t.Fatalf("deleted segment: %v", err)
				}
				return
			}
			wantCode(t, errPriv, crm.CodeNotFound, "")
			wantCode(t, errShared, crm.CodeForbidden, "")
			wantCode(t, errDel, crm.CodeNotFound, "")
			wantCode(t, svc.DeleteSegment(ctx, tc.actor, shared.ID, 1), crm.CodeForbidden, "")
		})
	}
	_, err := svc.Segments(ctx, crm.Actor{})
	wantCode(t, err, crm.CodeUnauthenticated, "")
}

func TestUpdateAndDeleteSegment(t *testing.T) {
	svc, clock := newService(t)
	ctx := context.Background()
	seg, err := svc.SaveSegment(ctx, owner, crm.SegmentInput{Name: "近期拜访", Query: ptr("visits(90d):>=3")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveSegment(ctx, owner, crm.SegmentInput{Name: "B 类", Query: ptr("tier:B")}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	// An admin changes the filter (by where) and shares it; the owner stays.
	got, err := svc.UpdateSegment(ctx, admin, seg.ID, 1, crm.SegmentPatch{
		Where: map[string]any{"stage": map[string]any{"in": []any{"NEGOTIATION"}}}, Shared: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.OwnerID != owner.UserID || got.UpdatedBy != admin.UserID || !got.UpdatedAt.Equal(clock.Now()) ||
		got.CreatedBy != owner.UserID || !got.Shared || got.Name != "近期拜访" || got.Query != "stage:NEGOTIATION" {
		t.Fatalf("after update: %+v", got)
	}
	for _, tc := range []struct {
		name    string
		version int64
		patch   crm.SegmentPatch
		code    crm.Code
		field   string
	}{
		{"stale version", 1, crm.SegmentPatch{Name: ptr("x")}, crm.CodeConflict, ""},
		{"where and query", 2, crm.SegmentPatch{Where: map[string]any{}, Query: ptr("tier:A")}, crm.CodeBadUserInput, "where"},
		{"empty name", 2, crm.SegmentPatch{Name: ptr(" ")}, crm.CodeBadUserInput, "name"},
		{"bad query", 2, crm.SegmentPatch{Query: ptr("stage:")}, crm.CodeBadUserInput, "query"},
		{"name of another segment of the owner", 2, crm.SegmentPatch{Name: ptr("b 类")}, crm.CodeConflict, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.UpdateSegment(ctx, owner, seg.ID, tc.version, tc.patch)
			wantCode(t, err, tc.code, tc.field)
			if cur, _ := svc.Segment(ctx, owner, seg.ID); cur.Version != 2 {
				t.Fatalf("a refused update was written: %+v", cur)
			}
		})
	}
	// The owner renames it with a query line; untouched fields stay.
	got, err = svc.UpdateSegment(ctx, owner, seg.ID, 2, crm.SegmentPatch{Name: ptr("谈判中"), Query: ptr("stage:negotiation tier:A")})
	if err != nil || got.Version != 3 || !got.Shared || got.Query != "stage:NEGOTIATION tier:A" || got.NameKey != "谈判中" {
		t.Fatalf("rename: %+v %v", got, err)
	}
	wantCode(t, svc.DeleteSegment(ctx, owner, seg.ID, 2), crm.CodeConflict, "")
	if err := svc.DeleteSegment(ctx, owner, seg.ID, 3); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Segment(ctx, owner, seg.ID)
	wantCode(t, err, crm.CodeNotFound, "")
	wantCode(t, svc.DeleteSegment(ctx, owner, seg.ID, 3), crm.CodeNotFound, "")
}

// quota asserts a QUOTA_EXCEEDED refusal on field.
func quota(t *testing.T, err error, field string) {
	t.Helper()
	var e *crm.Error
	if !errors.As(err, &e) || e.Code != crm.CodeBadUserInput || e.Fields[0].Field != field || e.Fields[0].Reason != crm.ReasonQuotaExceeded {
		t.Fatalf("want QUOTA_EXCEEDED on %s, got %v", field, err)
	}
}

// Quotas: crm.MaxSavedSegments per owner, crm.MaxSharedSegments of them
// shared, on save and on update; freeing one makes room; other users are
// not affected; concurrent saves cannot pass a quota together.
func TestSegmentQuotas(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	save := func(a crm.Actor, i int, shared bool) (*crm.SavedSegment, error) {
		return svc.SaveSegment(ctx, a, crm.SegmentInput{Name: fmt.Sprint("segment ", i), Query: ptr("tier:A"), Shared: shared})
	}
	var segs []*crm.SavedSegment
	for i := range crm.MaxSharedSegments {
		seg, err := save(owner, i, true)
		if err != nil {
			t.Fatal(err)
		}
		segs = append(segs, seg)
	}
	_, err := save(owner, 1000, true)
	quota(t, err, "shared")
	// Concurrent saves past the total: exactly the quota's worth succeed.
	var mu sync.Mutex
	var wg sync.WaitGroup
	ok := 0
	for i := range crm.MaxSavedSegments {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seg, err := save(owner, 2000+i, false)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
				segs = append(segs, seg)
				return
			}
			if crm.ErrorCode(err) != crm.CodeBadUserInput || err.(*crm.Error).Fields[0].Reason != crm.ReasonQuotaExceeded {
				t.Errorf("save %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if ok != crm.MaxSavedSegments-crm.MaxSharedSegments {
		t.Fatalf("%d saves passed, want %d", ok, crm.MaxSavedSegments-crm.MaxSharedSegments)
	}
	_, err = save(owner, 3000, false)
	quota(t, err, "name")
	// Others are not affected.
	if _, err := save(other, 0, true); err != nil {
		t.Fatal(err)
	}
	// Sharing one more by update is refused; unsharing one makes room.
	private := segs[len(segs)-1]
	_, err = svc.UpdateSegment(ctx, owner, private.ID, private.Version, crm.SegmentPatch{Shared: ptr(true)})
	quota(t, err, "shared")
	if _, err := svc.UpdateSegment(ctx, owner, segs[0].ID, segs[0].Version, crm.SegmentPatch{Shared: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateSegment(ctx, owner, private.ID, private.Version, crm.SegmentPatch{Shared: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	// Renaming a shared segment is not sharing one more.
	if _, err := svc.UpdateSegment(ctx, owner, segs[1].ID, segs[1].Version, crm.SegmentPatch{Name: ptr("renamed")}); err != nil {
		t.Fatal(err)
	}
	// Deleting one makes room for a new one.
	if err := svc.DeleteSegment(ctx, owner, segs[2].ID, segs[2].Version); err != nil {
		t.Fatal(err)
	}
	if _, err := save(owner, 4000, false); err != nil {
		t.Fatal(err)
	}
}
