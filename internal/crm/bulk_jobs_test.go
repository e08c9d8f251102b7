package crm

import (
	"testing"
	"time"
)

// The job registry's bounds: two running jobs per user (RATE_LIMITED
// beyond, other users unaffected), at most maxBulkKept kept per user (the
// oldest finished go first, running ones never), finished ones forgotten
// after BulkJobTTL.
func TestBulkJobRegistryBounds(t *testing.T) {
	var r bulkJobs
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	a, _ := r.start("u1", BulkAddTags, 100, now)
	b, _ := r.start("u1", BulkAddTags, 100, now)
	if _, err := r.start("u1", BulkAddTags, 100, now); !IsCode(err, CodeRateLimited) {
		t.Fatalf("third running job: %v", err)
	}
	if _, err := r.start("u2", BulkAddTags, 100, now); err != nil {
		t.Fatalf("another user: %v", err)
	}
	r.finish(a.ID, now)
	var last *BulkJob
	for i := range maxBulkKept + 5 {
		at := now.Add(time.Duration(i+1) * time.Second)
		j, err := r.start("u1", BulkArchive, 1, at)
		if err != nil {
			t.Fatalf("job %d: %v", i, err)
		}
		r.progress(j.ID, true, nil)
		r.finish(j.ID, at)
		last = j
	}
	kept := 0
	for _, j := range r.jobs {
		if j.UserID == "u1" {
			kept++
		}
	}
	if kept > maxBulkKept {
		t.Errorf("kept %d jobs of one user, at most %d", kept, maxBulkKept)
	}
	if _, err := r.get("u1", b.ID, now); err != nil {
		t.Errorf("the running job was dropped: %v", err)
	}
	if _, err := r.get("u1", a.ID, now); !IsCode(err, CodeNotFound) {
		t.Errorf("the oldest finished job was kept: %v", err)
	}
	got, err := r.get("u1", last.ID, now)
	if err != nil || got.Changed != 1 || got.Status != BulkDone {
		t.Fatalf("last job: %+v %v", got, err)
	}
	if _, err := r.get("u2", last.ID, now); !IsCode(err, CodeNotFound) {
		t.Errorf("another user reads the job: %v", err)
	}
	if _, err := r.get("u1", last.ID, now.Add(time.Hour)); err != nil {
		t.Errorf("kept less than an hour after it finished: %v", err)
	}
	if _, err := r.get("u1", last.ID, now.Add(2*time.Hour)); !IsCode(err, CodeNotFound) {
		t.Errorf("kept after its time: %v", err)
	}
}
