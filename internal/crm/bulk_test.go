package crm_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// bulkFixture: a manager, two sales reps (rep owns four customers, other
// owns one), a service agent, an analyst and a disabled rep.
type bulkFixture struct {
	svc                              *crm.Service
	clock                            *crm.FixedClock
	boss, rep, other, agent, analyst crm.Actor
	gone                             string // a disabled SALES account
	mine                             []*crm.Customer
	theirs                           *crm.Customer
}

func newBulkFixture(t *testing.T) *bulkFixture {
	t.Helper()
	svc, clock := newService(t)
	ctx := context.Background()
	f := &bulkFixture{svc: svc, clock: clock,
		boss: crm.Actor{UserID: "b-manager", Role: crm.RoleManager}, rep: crm.Actor{UserID: "b-rep", Role: crm.RoleSales},
		other: crm.Actor{UserID: "b-other", Role: crm.RoleSales}, agent: crm.Actor{UserID: "b-agent", Role: crm.RoleService},
		analyst: crm.Actor{UserID: "b-analyst", Role: crm.RoleAnalyst}, gone: "b-gone"}
	for _, a := range []crm.Actor{f.boss, f.rep, f.other, f.agent, f.analyst, {UserID: f.gone, Role: crm.RoleSales}} {
		u := &crm.User{ID: a.UserID, Email: a.UserID + "@kehu.local", Name: a.UserID, Role: a.Role, Version: 1}
		if err := svc.Store.Users().Insert(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		c, err := svc.CreateCustomer(ctx, f.rep, crm.CustomerInput{Name: fmt.Sprintf("批量测试%d号公司", i),
			CustomerFields: crm.CustomerFields{Tags: []string{"展会"}}})
		if err != nil {
			t.Fatal(err)
		}
		f.mine = append(f.mine, c)
	}
	c, err := svc.CreateCustomer(ctx, f.other, crm.CustomerInput{Name: "别人的公司"})
	if err != nil {
		t.Fatal(err)
	}
	f.theirs = c
	return f
}

func (f *bulkFixture) get(t *testing.T, id string) *crm.Customer {
	t.Helper()
	c, err := f.svc.Customer(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func targets(cs ...*crm.Customer) []crm.BulkTarget {
	out := make([]crm.BulkTarget, len(cs))
	for i, c := range cs {
		out[i] = crm.BulkTarget{ID: c.ID, Version: c.Version}
	}
	return out
}

func failuresByID(j *crm.BulkJob) map[string]crm.BulkFailure {
	m := map[string]crm.BulkFailure{}
	for _, f := range j.Failures {
		m[f.CustomerID] = f
	}
	return m
}

// Reassigning, in bulk or one by one, moves the open next actions assigned
// to the previous owner, and only those, unless the manager keeps them
// where they are.
func TestBulkReassignMovesOpenNextActions(t *testing.T) {
	for _, tc := range []struct {
		bulk, keep bool
	}{{true, false}, {true, true}, {false, false}, {false, true}} {
		keep := tc.keep
		t.Run(fmt.Sprintf("bulk=%v,keep=%v", tc.bulk, keep), func(t *testing.T) {
			f := newBulkFixture(t)
			ctx := context.Background()
			id := f.mine[0].ID
			log := func(what, owner string, done bool) {
				if _, err := f.svc.LogInteraction(ctx, f.rep, id, nil, crm.InteractionInput{Channel: crm.ChannelPhone, Summary: "电话沟通",
					NextAction: &crm.NextActionInput{What: what, OwnerID: ptr(owner), Done: ptr(done)}}); err != nil {
					t.Fatal(err)
				}
			}
			log("发报价", f.rep.UserID, false)    // open, the old owner's: moves
			log("回访", f.rep.UserID, true)      // done: stays
			log("安装调试", f.agent.UserID, false) // someone else's: stays
			c := f.get(t, id)
			if tc.bulk {
				job, err := f.svc.StartBulkChange(ctx, f.boss, crm.BulkChange{Action: crm.BulkReassign, OwnerID: f.other.UserID,
					KeepNextActions: keep, Targets: targets(c)})
				if err != nil {
					t.Fatal(err)
				}
				if job.Status != crm.BulkDone || job.Changed != 1 || len(job.Failures) != 0 {
					t.Fatalf("job: %+v", job)
				}
			} else if _, err := f.svc.UpdateCustomer(ctx, f.boss, id, c.Version, crm.CustomerPatch{
				CustomerFields: crm.CustomerFields{OwnerID: ptr(f.other.UserID)}, KeepNextActions: keep}); err != nil {
				t.Fatal(err)
			}
			c = f.get(t, id)
			if c.OwnerID != f.other.UserID || c.UpdatedBy != f.boss.UserID {
				t.Fatalf("owner %s updated by %s", c.OwnerID, c.UpdatedBy)
			}
			// The owner history says who had it, who has it and who gave it.
			wantOwners := []crm.OwnerChange{{To: f.rep.UserID, By: f.rep.UserID}, {From: f.rep.UserID, To: f.other.UserID, By: f.boss.UserID}}
			if len(c.OwnerHistory) != 2 {
				t.Fatalf("owner history %+v", c.OwnerHistory)
			}
			for i, h := range c.OwnerHistory {
				if h.From != wantOwners[i].From || h.To != wantOwners[i].To || h.By != wantOwners[i].By || h.At.IsZero() {
					t.Errorf("owner history[%d] = %+v, want %+v", i, h, wantOwners[i])
				}
			}
			var got []string
			for _, it := range c.Interactions {
				got = append(got, it.NextAction.OwnerID)
			}
			want := []string{f.other.UserID, f.rep.UserID, f.agent.UserID}
			if keep {
				want[0] = f.rep.UserID
			}
			if !slices.Equal(got, want) {
				t.Fatalf("next action owners %v, want %v", got, want)
			}
			if !keep && (c.Interactions[0].UpdatedBy != f.boss.UserID || c.Interactions[1].UpdatedAt != nil) {
				t.Fatalf("moved next action not recorded: %+v / %+v", c.Interactions[0], c.Interactions[1])
			}
		})
	}
}

// A customer changed since it was selected is CONFLICT and left alone; a
// customer whose change fails validation is left wholly as it was (its next
// actions did not move either); the rest are changed.
func TestBulkConflictsAndAllOrNothing(t *testing.T) {
	f := newBulkFixture(t)
	ctx := context.Background()
	sel := targets(f.mine...)
	// Someone edits mine[1] after the selection.
	if _, err := f.svc.UpdateCustomer(ctx, f.rep, f.mine[1].ID, f.mine[1].Version, crm.CustomerPatch{Name: ptr("改过名的公司")}); err != nil {
		t.Fatal(err)
	}
	// mine[2] has a collaborator whose account is disabled since: a single
	// owner change fails on it, so the bulk one must too, wholly.
	c2, err := f.svc.UpdateCustomer(ctx, f.rep, f.mine[2].ID, f.mine[2].Version, crm.CustomerPatch{CustomerFields: crm.CustomerFields{Collaborators: []string{f.gone}}})
	if err != nil {
		t.Fatal(err)
	}
	if c2, err = f.svc.LogInteraction(ctx, f.rep, c2.ID, nil, crm.InteractionInput{Channel: crm.ChannelVisit, Summary: "拜访",
		NextAction: &crm.NextActionInput{What: "发合同"}}); err != nil {
		t.Fatal(err)
	}
	u, err := f.svc.Store.Users().Get(ctx, f.gone)
	if err != nil {
		t.Fatal(err)
	}
	u.Disabled, u.Version = true, u.Version+1
	if err := f.svc.Store.Users().Replace(ctx, u, u.Version-1); err != nil {
		t.Fatal(err)
	}
	sel[2].Version = c2.Version
	before2 := f.get(t, c2.ID)

	job, err := f.svc.StartBulkChange(ctx, f.boss, crm.BulkChange{Action: crm.BulkReassign, OwnerID: f.other.UserID, Targets: sel})
	if err != nil {
		t.Fatal(err)
	}
	if job.Total != 4 || job.Done != 4 || job.Changed != 2 || len(job.Failures) != 2 {
		t.Fatalf("job: %+v", job)
	}
	fails := failuresByID(job)
	if g := fails[f.mine[1].ID]; g.Code != crm.CodeConflict || g.CustomerName != "改过名的公司" || g.CustomerCode != f.mine[1].Code {
		t.Errorf("changed since selected: %+v", g)
	}
	if g := fails[c2.ID]; g.Code != crm.CodeBadUserInput || g.Reason != crm.ReasonNotActiveUser || g.Field != "collaborators[0]" {
		t.Errorf("disabled collaborator: %+v", g)
	}
	if after := f.get(t, c2.ID); after.Version != before2.Version || after.OwnerID != f.rep.UserID ||
		after.Interactions[0].NextAction.OwnerID != f.rep.UserID {
		t.Errorf("half applied: v%d owner %s next action %s", after.Version, after.OwnerID, after.Interactions[0].NextAction.OwnerID)
	}
	if c := f.get(t, f.mine[1].ID); c.OwnerID != f.rep.UserID {
		t.Errorf("conflicting customer changed: owner %s", c.OwnerID)
	}
	for _, i := range []int{0, 3} {
		if c := f.get(t, f.mine[i].ID); c.OwnerID != f.other.UserID {
			t.Errorf("mine[%d] not reassigned", i)
		}
	}

	// Tags past the limit: the customer keeps its tags, wholly.
	many := make([]string, crm.MaxTags)
	for i := range many {
		many[i] = fmt.Sprintf("标签%d", i)
	}
	c0 := f.get(t, f.mine[0].ID)
	job, err = f.svc.StartBulkChange(ctx, f.boss, crm.BulkChange{Action: crm.BulkAddTags, Tags: many, Targets: targets(c0)})
	if err != nil {
		t.Fatal(err)
	}
	if len(job.Failures) != 1 || job.Failures[0].Reason != crm.ReasonTooMany {
		t.Fatalf("too many tags: %+v", job)
	}
	if c := f.get(t, c0.ID); c.Version != c0.Version || !slices.Equal(c.Tags, []string{"展会"}) {
		t.Errorf("tags half applied: %v", c.Tags)
	}
}

// Who may do what in bulk is who may do it one by one: the actions offered
// per role, and per customer the single edit's answer.
func TestBulkPermissionsPerRole(t *testing.T) {
	f := newBulkFixture(t)
	ctx := context.Background()
	all := crm.BulkActions
	staff := []crm.BulkAction{crm.BulkAddTags, crm.BulkRemoveTags, crm.BulkSetStage, crm.BulkArchive, crm.BulkRestore}
	for _, tc := range []struct {
		a    crm.Actor
		want []crm.BulkAction
	}{
		{crm.Actor{UserID: "x", Role: crm.RoleAdmin}, all},
		{f.boss, all},
		{f.rep, staff},
		{f.agent, staff},
		{f.analyst, nil},
	} {
		if got := tc.a.OfferedBulkActions(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: offered %v, want %v", tc.a.Role, got, tc.want)
		}
	}

	sel := targets(f.mine[0], f.theirs)
	cases := []struct {
		name     string
		a        crm.Actor
		ch       crm.BulkChange
		startErr crm.Code
		changed  int
		refused  []string // customers answered FORBIDDEN
	}{
		{"analyst tags", f.analyst, crm.BulkChange{Action: crm.BulkAddTags, Tags: []string{"重点"}}, crm.CodeForbidden, 0, nil},
		{"rep reassigns", f.rep, crm.BulkChange{Action: crm.BulkReassign, OwnerID: f.other.UserID}, crm.CodeForbidden, 0, nil},
		{"rep tags own and other's", f.rep, crm.BulkChange{Action: crm.BulkAddTags, Tags: []string{"重点"}}, "", 1, []string{f.theirs.ID}},
		{"agent sets stage on others'", f.agent, crm.BulkChange{Action: crm.BulkSetStage, Stage: crm.StageContacted}, "", 0, []string{f.mine[0].ID, f.theirs.ID}},
		{"manager sets stage", f.boss, crm.BulkChange{Action: crm.BulkSetStage, Stage: crm.StageContacted}, "", 2, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.ch.Targets = targets(f.get(t, sel[0].ID), f.get(t, sel[1].ID))
			job, err := f.svc.StartBulkChange(ctx, tc.a, tc.ch)
			if tc.startErr != "" {
				if crm.ErrorCode(err) != tc.startErr {
					t.Fatalf("want %s, got %v", tc.startErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var refused []string
			for _, fl := range job.Failures {
				if fl.Code != crm.CodeForbidden {
					t.Errorf("unexpected failure %+v", fl)
				}
				refused = append(refused, fl.CustomerID)
			}
			if job.Changed != tc.changed || !slices.Equal(refused, tc.refused) {
				t.Fatalf("changed %d refused %v, want %d %v", job.Changed, refused, tc.changed, tc.refused)
			}
		})
	}
	// The stage change is in the customer's history, with who made it.
	c := f.get(t, f.mine[0].ID)
	last := c.StageHistory[len(c.StageHistory)-1]
	if last.To != crm.StageContacted || last.By != f.boss.UserID {
		t.Errorf("stage history: %+v", c.StageHistory)
	}
}

// A filter selects the customers a list with it holds when the job starts;
// archive and restore go through the list's scope; customers already as
// asked count as unchanged and keep their version.
func TestBulkFilterSelection(t *testing.T) {
	f := newBulkFixture(t)
	ctx := context.Background()
	if _, err := f.svc.UpdateCustomer(ctx, f.rep, f.mine[3].ID, f.mine[3].Version, crm.CustomerPatch{CustomerFields: crm.CustomerFields{Tags: []string{"重点"}}}); err != nil {
		t.Fatal(err)
	}
	filter := func(line string) *crm.ListQuery {
		flt, err := segment.FilterOf(nil, line, segment.OptionsAt(f.clock, nil, f.rep.UserID))
		if err != nil {
			t.Fatal(err)
		}
		if flt == nil {
			return &crm.ListQuery{}
		}
		return &crm.ListQuery{Filter: flt}
	}
	// tag:展会 holds mine[0..2]: remove 展会 there.
	job, err := f.svc.StartBulkChange(ctx, f.rep, crm.BulkChange{Action: crm.BulkRemoveTags, Tags: []string{"展会"}, List: filter("tag:展会")})
	if err != nil {
		t.Fatal(err)
	}
	if job.Total != 3 || job.Changed != 3 {
		t.Fatalf("remove tags: %+v", job)
	}
	for _, c := range f.mine[:3] {
		if got := f.get(t, c.ID); len(got.Tags) != 0 || got.UpdatedBy != f.rep.UserID {
			t.Errorf("%s tags %v", got.Code, got.Tags)
		}
	}
	// A tag the customer has already: unchanged, not written.
	c3 := f.get(t, f.mine[3].ID)
	job, err = f.svc.StartBulkChange(ctx, f.rep, crm.BulkChange{Action: crm.BulkAddTags, Tags: []string{"重点"}, Targets: targets(c3)})
	if err != nil || job.Unchanged != 1 || job.Changed != 0 || f.get(t, c3.ID).Version != c3.Version {
		t.Fatalf("add a tag already there: %+v %v", job, err)
	}
	// Archive the rep's own customers (owner:me), then restore them from
	// the archived scope; the other rep's customer is not selected.
	job, err = f.svc.StartBulkChange(ctx, f.rep, crm.BulkChange{Action: crm.BulkArchive, List: filter("owner:me")})
	if err != nil || job.Total != 4 || job.Changed != 4 {
		t.Fatalf("archive: %+v %v", job, err)
	}
	if f.get(t, f.theirs.ID).Archived() {
		t.Fatal("archived a customer outside the filter")
	}
	q := filter("owner:me")
	q.Scope = crm.ScopeAll
	v := f.get(t, f.mine[0].ID).Version
	job, err = f.svc.StartBulkChange(ctx, f.rep, crm.BulkChange{Action: crm.BulkArchive, List: q})
	if err != nil || job.Total != 4 || job.Unchanged != 4 || f.get(t, f.mine[0].ID).Version != v {
		t.Fatalf("archive again: %+v %v", job, err)
	}
	q = filter("")
	q.Scope = crm.ScopeArchived
	job, err = f.svc.StartBulkChange(ctx, f.rep, crm.BulkChange{Action: crm.BulkRestore, List: q})
	if err != nil || job.Total != 4 || job.Changed != 4 {
		t.Fatalf("restore: %+v %v", job, err)
	}
	// Changing an archived customer other than by restoring it is refused
	// per customer, as one by one.
	c := f.get(t, f.mine[0].ID)
	if _, err := f.svc.ArchiveCustomer(ctx, f.rep, c.ID, c.Version); err != nil {
		t.Fatal(err)
	}
	job, err = f.svc.StartBulkChange(ctx, f.rep, crm.BulkChange{Action: crm.BulkSetStage, Stage: crm.StageWon, Targets: targets(f.get(t, c.ID))})
	if err != nil || len(job.Failures) != 1 || job.Failures[0].Reason != crm.ReasonArchived {
		t.Fatalf("stage of archived: %+v %v", job, err)
	}
}

// Every bad input is a BAD_USER_INPUT naming the field and the reason.
func TestBulkInputErrors(t *testing.T) {
	f := newBulkFixture(t)
	ctx := context.Background()
	one := targets(f.mine[0])
	tooMany := make([]crm.BulkTarget, crm.MaxBulkSelection+1)
	for i := range tooMany {
		tooMany[i] = crm.BulkTarget{ID: fmt.Sprint(i), Version: 1}
	}
	for _, tc := range []struct {
		name   string
		ch     crm.BulkChange
		field  string
		reason crm.Reason
	}{
		{"no action", crm.BulkChange{Targets: one}, "action", crm.ReasonNotAllowed},
		{"unknown action", crm.BulkChange{Action: "DELETE", Targets: one}, "action", crm.ReasonNotAllowed},
		{"no owner", crm.BulkChange{Action: crm.BulkReassign, Targets: one}, "ownerId", crm.ReasonRequired},
		{"analyst owner", crm.BulkChange{Action: crm.BulkReassign, OwnerID: f.analyst.UserID, Targets: one}, "ownerId", crm.ReasonAnalystAssigned},
		{"unknown owner", crm.BulkChange{Action: crm.BulkReassign, OwnerID: "nobody", Targets: one}, "ownerId", crm.ReasonNotActiveUser},
		{"no tags", crm.BulkChange{Action: crm.BulkAddTags, Targets: one}, "tags", crm.ReasonRequired},
		{"long tag", crm.BulkChange{Action: crm.BulkAddTags, Tags: []string{"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"}, Targets: one}, "tags[0]", crm.ReasonTooLong},
		{"no stage", crm.BulkChange{Action: crm.BulkSetStage, Targets: one}, "stage", crm.ReasonRequired},
		{"bad stage", crm.BulkChange{Action: crm.BulkSetStage, Stage: "DONE", Targets: one}, "stage", crm.ReasonNotAllowed},
		{"nothing selected", crm.BulkChange{Action: crm.BulkArchive}, "customers", crm.ReasonRequired},
		{"both selections", crm.BulkChange{Action: crm.BulkArchive, Targets: one, List: &crm.ListQuery{}}, "customers", crm.ReasonExclusive},
		{"too many", crm.BulkChange{Action: crm.BulkArchive, Targets: tooMany}, "customers", crm.ReasonTooMany},
		{"long search", crm.BulkChange{Action: crm.BulkArchive, List: &crm.ListQuery{Search: string(make([]rune, 201))}}, "filter.search", crm.ReasonTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.StartBulkChange(ctx, f.boss, tc.ch)
			wantReason(t, tc.name, err, tc.field, tc.reason)
		})
	}
	if c := f.get(t, f.mine[0].ID); c.Version != f.mine[0].Version {
		t.Error("a refused bulk change changed a customer")
	}
}

// A large selection runs in the background; its job is its starter's
// alone, and is forgotten a while after it finished.
func TestBulkJobInBackground(t *testing.T) {
	f := newBulkFixture(t)
	ctx := context.Background()
	var cs []*crm.Customer
	for i := range 60 {
		c, err := f.svc.CreateCustomer(ctx, f.boss, crm.CustomerInput{Name: fmt.Sprintf("后台任务%02d号公司", i)})
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	job, err := f.svc.StartBulkChange(ctx, f.boss, crm.BulkChange{Action: crm.BulkSetStage, Stage: crm.StageWon, Targets: targets(cs...)})
	if err != nil {
		t.Fatal(err)
	}
	if job.Total != 60 {
		t.Fatalf("total %d", job.Total)
	}
	for job.Status == crm.BulkRunning {
		if job.Done > job.Total {
			t.Fatalf("progress %d/%d", job.Done, job.Total)
		}
		time.Sleep(5 * time.Millisecond)
		if job, err = f.svc.BulkJob(ctx, f.boss, job.ID); err != nil {
			t.Fatal(err)
		}
	}
	if job.Done != 60 || job.Changed != 60 || job.FinishedAt == nil {
		t.Fatalf("finished: %+v", job)
	}
	for _, c := range cs {
		if f.get(t, c.ID).Stage != crm.StageWon {
			t.Fatalf("%s not won", c.Code)
		}
	}
	if _, err := f.svc.BulkJob(ctx, f.rep, job.ID); !crm.IsCode(err, crm.CodeNotFound) {
		t.Errorf("another user reads the job: %v", err)
	}
	f.clock.Advance(crm.BulkJobTTL - time.Minute)
	if _, err := f.svc.BulkJob(ctx, f.boss, job.ID); err != nil {
		t.Errorf("job gone early: %v", err)
	}
	f.clock.Advance(2 * time.Minute)
	if _, err := f.svc.BulkJob(ctx, f.boss, job.ID); !crm.IsCode(err, crm.CodeNotFound) {
		t.Errorf("job kept after its time: %v", err)
	}
}
