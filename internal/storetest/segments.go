package storetest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// savedSegment builds a segment as the service would (Version 1, NameKey).
func savedSegment(owner, name string, shared bool) *crm.SavedSegment {
	return &crm.SavedSegment{ID: crm.NewID(), Name: name, NameKey: crm.SegmentNameKey(name),
		Where: `{"valueTier":{"in":["A"]}}`, Query: "tier:A", Shared: shared, OwnerID: owner,
		CreatedAt: base, CreatedBy: owner, UpdatedAt: base, UpdatedBy: owner, Version: 1}
}

func sameSegment(t *testing.T, want, got *crm.SavedSegment) {
	t.Helper()
	wb, _ := bson.Marshal(want)
	gb, _ := bson.Marshal(got)
	if !bytes.Equal(wb, gb) {
		t.Fatalf("segment differs:\nwant %v\n got %v", bson.Raw(wb), bson.Raw(gb))
	}
}

func names(segs []*crm.SavedSegment) string {
	var out []string
	for _, s := range segs {
		out = append(out, s.OwnerID+":"+s.Name)
	}
	return fmt.Sprint(out)
}

func init() {
	register("SavedSegments", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		ss := s.Segments()
		if list, err := ss.ListVisible(ctx(t), "a"); err != nil || list == nil || len(list) != 0 {
			t.Fatalf("empty list: %v %v", list, err)
		}
		beta := savedSegment("a", "Beta 重点客户", false)
		alpha := savedSegment("a", "alpha", false)
		bAlpha := savedSegment("b", "ALPHA", false) // another owner may use the same name
		gamma := savedSegment("b", "Gamma", true)
		gamma.Query = "" // a filter without a one-line form
		for _, seg := range []*crm.SavedSegment{beta, alpha, bAlpha, gamma} {
			if err := ss.Insert(ctx(t), seg); err != nil {
				t.Fatalf("insert %s: %v", seg.Name, err)
			}
		}
		// Names are unique per owner, whatever their case.
		mustField(t, ss.Insert(ctx(t), savedSegment("a", "ALPHA", true)), crm.CodeConflict, "name")
		got, err := ss.Get(ctx(t), beta.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameSegment(t, beta, got)
		if got, _ := ss.Get(ctx(t), gamma.ID); got.Query != "" || !got.Shared {
			t.Fatalf("gamma: %+v", got)
		}
		_, err = ss.Get(ctx(t), crm.NewID())
		mustCode(t, err, crm.CodeNotFound)

		for user, want := range map[string]string{
			"a":      "[a:alpha a:Beta 重点客户 b:Gamma]",
			"b":      "[b:ALPHA b:Gamma]",
			"nobody": "[b:Gamma]",
		} {
			list, err := ss.ListVisible(ctx(t), user)
			if err != nil || names(list) != want {
				t.Fatalf("visible to %s: %s %v, want %s", user, names(list), err, want)
			}
		}

		// Versioned replace.
		next := *alpha
		next.Name, next.NameKey, next.Shared, next.Version = "Alpha 2", crm.SegmentNameKey("Alpha 2"), true, 2
		next.UpdatedAt, next.UpdatedBy = base.Add(time.Minute), "admin"
		if err := ss.Replace(ctx(t), &next, 1); err != nil {
			t.Fatal(err)
		}
		if err := ss.Replace(ctx(t), &next, 1); !crm.IsVersionConflict(err) {
			t.Fatalf("stale replace: %v", err)
		}
		got, _ = ss.Get(ctx(t), alpha.ID)
		sameSegment(t, &next, got)
		taken := *beta
		taken.Name, taken.NameKey, taken.Version = "ALPHA 2", crm.SegmentNameKey("alpha 2"), 2
		mustField(t, ss.Replace(ctx(t), &taken, 1), crm.CodeConflict, "name")
		if got, _ := ss.Get(ctx(t), beta.ID); got.Version != 1 || got.Name != beta.Name {
			t.Fatalf("a refused rename was written: %+v", got)
		}
		missing := savedSegment("a", "missing", false)
		missing.Version = 2
		mustCode(t, ss.Replace(ctx(t), missing, 1), crm.CodeNotFound)
		if list, _ := ss.ListVisible(ctx(t), "nobody"); names(list) != "[a:Alpha 2 b:Gamma]" {
			t.Fatalf("shared after replace: %s", names(list))
		}

		// Versioned delete; the name is free again afterwards.
		if err := ss.Delete(ctx(t), beta.ID, 2); !crm.IsVersionConflict(err) {
			t.Fatalf("stale delete: %v", err)
		}
		if err := ss.Delete(ctx(t), beta.ID, 1); err != nil {
			t.Fatal(err)
		}
		mustCode(t, ss.Delete(ctx(t), beta.ID, 1), crm.CodeNotFound)
		_, err = ss.Get(ctx(t), beta.ID)
		mustCode(t, err, crm.CodeNotFound)
		if err := ss.Insert(ctx(t), savedSegment("a", "BETA 重点客户", false)); err != nil {
			t.Fatalf("reusing a deleted segment's name: %v", err)
		}

		// Segments survive a restart.
		if h.Reopen != nil {
			s = h.Reopen(t, s)
			t.Cleanup(func() { _ = s.Close() })
			got, err := s.Segments().Get(ctx(t), alpha.ID)
			if err != nil {
				t.Fatal(err)
			}
			sameSegment(t, &next, got)
		}
	})

	register("SavedSegmentRaces", true, func(t *testing.T, h Harness) {
		s := open(t, h)
		ss := s.Segments()
		seg := savedSegment("a", "抢", false)
		if err := ss.Insert(ctx(t), seg); err != nil {
			t.Fatal(err)
		}
		// Ten writers on one version: exactly one wins.
		var mu sync.Mutex
		won, conflicts := 0, 0
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				next := *seg
				next.Name, next.NameKey, next.Version = fmt.Sprint("抢", i), fmt.Sprint("抢", i), 2
				err := ss.Replace(ctx(t), &next, 1)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case crm.IsVersionConflict(err):
					conflicts++
				default:
					t.Errorf("racing replace: %v", err)
				}
			}()
		}
		wg.Wait()
		if won != 1 || conflicts != 9 {
			t.Fatalf("%d won, %d conflicts", won, conflicts)
		}
		// Ten inserts of one name for one owner: exactly one is stored.
		won = 0
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := ss.Insert(ctx(t), savedSegment("b", "同名", false))
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					won++
				} else if crm.ErrorCode(err) != crm.CodeConflict {
					t.Errorf("racing insert: %v", err)
				}
			}()
		}
		wg.Wait()
		if list, _ := ss.ListVisible(ctx(t), "b"); won != 1 || len(list) != 1 {
			t.Fatalf("%d inserts of one name won, %d stored", won, len(list))
		}
	})
}
