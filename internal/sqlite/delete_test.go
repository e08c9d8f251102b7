package sqlite_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// TestDeleteManyReadModel deletes customers one at a time (emptying a
// chunk), in a batch across chunks, and racing with other writes and with
// deletes of the same customers, then checks that the read model equals
// what is stored and that the text index holds the rows a rebuild from the
// stored customers makes, no more, before and after a restart.
func TestDeleteManyReadModel(t *testing.T) {
	for _, limit := range []int{0, 4} {
		t.Run(fmt.Sprintf("chunkLimit=%d", limit), func(t *testing.T) {
			if limit > 0 {
				t.Cleanup(sqlite.SetChunkLimit(limit))
			}
			testDeleteManyReadModel(t)
		})
	}
}

func testDeleteManyReadModel(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	r := rand.New(rand.NewPCG(3, 3))
	var all []*crm.Customer
	for i := range 40 {
		c := genCustomer(r, i, 3)
		if i%3 == 0 { // a text with a masked row
			c.Interactions[0].Summary += "，客户电话 13812345678"
		}
		all = append(all, mustInsert(t, s, c))
	}
	// In id order, the read model's: the first chunk holds the first four
	// at most.
	slices.SortFunc(all, func(a, b *crm.Customer) int { return strings.Compare(a.ID, b.ID) })
	del := func(cs ...*crm.Customer) (changed, gone []int) {
		t.Helper()
		ids, versions := make([]string, len(cs)), make([]int64, len(cs))
		for i, c := range cs {
			ids[i], versions[i] = c.ID, c.Version
		}
		changed, gone, err := s.Customers().DeleteMany(ctx(t), ids, versions)
		if err != nil {
			t.Fatal(err)
		}
		return changed, gone
	}

	// One at a time: the first four (emptying the first chunk), one between.
	for _, c := range append(slices.Clone(all[:4]), all[17]) {
		if changed, gone := del(c); changed != nil || gone != nil {
			t.Fatalf("delete %s: changed %v, gone %v", c.Code, changed, gone)
		}
		checkReadModel(t, s)
	}
	// A batch across chunks, the last customer in it, with one changed
	// and one unknown.
	bumped := *all[12]
	bumped.Name, bumped.Version = "改名", 2
	if err := s.Customers().Replace(ctx(t), &bumped, 1); err != nil {
		t.Fatal(err)
	}
	if changed, gone := del(all[30], all[5], all[12], small("未存"), all[39]); !slices.Equal(changed, []int{2}) || !slices.Equal(gone, []int{3}) {
		t.Fatalf("batch: changed %v, gone %v; want [2] and [3]", changed, gone)
	}
	checkReadModel(t, s)

	// Deleters race for all[20:30] (each deleted once, the others find it
	// gone or changed) beside inserts and replaces.
	var mu sync.Mutex
	deleted := map[string]int{}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 5))
			for range 5 {
				var batch []*crm.Customer
				for _, k := range r.Perm(10)[:3] {
					c, err := s.Customers().Get(ctx(t), all[20+k].ID)
					if crm.IsCode(err, crm.CodeNotFound) {
						c = all[20+k]
					} else if err != nil {
						t.Error(err)
						return
					}
					batch = append(batch, c)
				}
				ids, versions := make([]string, len(batch)), make([]int64, len(batch))
				for i, c := range batch {
					ids[i], versions[i] = c.ID, c.Version
				}
				changed, gone, err := s.Customers().DeleteMany(ctx(t), ids, versions)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for i, id := range ids {
					if !slices.Contains(changed, i) && !slices.Contains(gone, i) {
						deleted[id]++
					}
				}
				mu.Unlock()
			}
		})
	}
	for w := range 2 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 6))
			for op := range 10 {
				if op%2 == 0 {
					if err := s.Customers().Insert(ctx(t), genCustomer(r, 100*w+op, 3), "202611"); err != nil {
						t.Error(err)
					}
					continue
				}
				c, err := s.Customers().Get(ctx(t), all[20+r.IntN(10)].ID)
				if crm.IsCode(err, crm.CodeNotFound) {
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				c.Name, c.Version = c.Name+"改", c.Version+1
				if err := s.Customers().Replace(ctx(t), c, c.Version-1); err != nil && !crm.IsCode(err, crm.CodeNotFound) && !crm.IsVersionConflict(err) {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for _, c := range all[20:30] {
		_, err := s.Customers().Get(ctx(t), c.ID)
		if n := deleted[c.ID]; n > 1 || (n == 1) != crm.IsCode(err, crm.CodeNotFound) {
			t.Fatalf("%s deleted %d times, stored: %v", c.Code, n, err)
		}
	}
	checkReadModel(t, s)

	// The text index as a rebuild makes it (a format it does not know
	// makes Open rebuild it).
	counts := textRows(t, dir)
	s = reopen(t, s)
	checkReadModel(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rawExec(t, dir, "UPDATE text_index SET format = 0")
	s = openAt(t, dir)
	if rebuilt := textRows(t, dir); rebuilt != counts || counts[2] == 0 {
		t.Fatalf("text index rows (texts, grams, masked) %v after deletes, %v rebuilt", counts, rebuilt)
	}

	// Every customer, then a new one.
	var rest []*crm.Customer
	if err := s.Customers().Each(ctx(t), crm.EachQuery{Scope: crm.ScopeAll}, func(c *crm.Customer) error {
		x := *c
		rest = append(rest, &x)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if changed, gone := del(rest...); changed != nil || gone != nil {
		t.Fatalf("delete the rest: changed %v, gone %v", changed, gone)
	}
	checkReadModel(t, s)
	if n := textRows(t, dir); n != [3]int{} {
		t.Fatalf("text index rows (texts, grams, masked) %v with no customer", n)
	}
	c := mustInsert(t, s, small("重新开始"))
	checkReadModel(t, s)
	s = reopen(t, s)
	checkReadModel(t, s)
	if got, err := s.Customers().Get(ctx(t), c.ID); err != nil || got.Code != c.Code {
		t.Fatalf("after a restart: %v %v", got, err)
	}
}

// textRows counts the rows of the text index's tables: texts, grams,
// masked_texts.
func textRows(t *testing.T, dir string) [3]int {
	t.Helper()
	return [3]int{rawInt(t, dir, "SELECT count(*) FROM texts"), rawInt(t, dir, "SELECT count(*) FROM grams"),
		rawInt(t, dir, "SELECT count(*) FROM masked_texts")}
}
