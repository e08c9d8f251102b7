package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

func init() {
	register("ConcurrentInsertsGetUniqueCodes", true, func(t *testing.T, h Harness) {
		s := open(t, h)
		const n = 40
		codes := make([]string, n)
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				c := plain(fmt.Sprint("并发", i), base)
				if err := s.Customers().Insert(ctx(t), c, "202611"); err != nil {
					errs <- err
					return
				}
				codes[i] = c.Code
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if seen[c] {
				t.Fatalf("code %s handed out twice", c)
			}
			seen[c] = true
		}
		for i := 1; i <= n; i++ {
			if !seen[crm.FormatCode("202611", int64(i))] {
				t.Fatalf("codes are not 1..%d: %v", n, codes)
			}
		}
	})

	register("RacingReplaceOneWinnerPerVersion", true, func(t *testing.T, h Harness) {
		s := open(t, h)
		c := insert(t, s, plain("竞争", base))
		for round := int64(1); round <= 3; round++ {
			const racers = 10
			var wg sync.WaitGroup
			var mu sync.Mutex
			won, conflicts := 0, 0
			for i := 0; i < racers; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					next := *c
					next.Name = fmt.Sprintf("第%d轮-%d", round, i)
					next.Version = round + 1
					err := s.Customers().Replace(ctx(t), &next, round)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						won++
					case crm.IsVersionConflict(err):
						conflicts++
					default:
						t.Errorf("racer: %v", err)
					}
				}(i)
			}
			wg.Wait()
			if won != 1 || conflicts != racers-1 {
				t.Fatalf("round %d: %d won, %d conflicts; want exactly one winner", round, won, conflicts)
			}
			got, err := s.Customers().Get(ctx(t), c.ID)
			if err != nil || got.Version != round+1 {
				t.Fatalf("after round %d: version %d, %v", round, got.Version, err)
			}
		}
	})

	register("RacingAppendsLoseNothing", true, func(t *testing.T, h Harness) {
		s := open(t, h)
		c := insert(t, s, plain("追加", base))
		const n = 30
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				for attempt := 0; ; attempt++ {
					cur, err := s.Customers().Get(ctx(t), c.ID)
					if err != nil {
						t.Error(err)
						return
					}
					cur.Interactions = append(cur.Interactions, crm.Interaction{ID: fmt.Sprint("race", i), At: base, Channel: crm.ChannelPhone, Summary: "并发追加"})
					cur.Recompute()
					v := cur.Version
					cur.Version++
					err = s.Customers().Replace(ctx(t), cur, v)
					if err == nil {
						return
					}
					if !crm.IsVersionConflict(err) || attempt > 1000 {
						t.Error(err)
						return
					}
				}
			}(i)
		}
		wg.Wait()
		got, err := s.Customers().Get(ctx(t), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Stats.InteractionCount != n || got.Version != n+1 {
			t.Fatalf("%d interactions at version %d, want %d at %d", got.Stats.InteractionCount, got.Version, n, n+1)
		}
	})
}
