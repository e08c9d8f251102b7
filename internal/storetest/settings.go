package storetest

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// ruleSet is a setting value with every kind of field a setting holds.
type ruleSet struct {
	Name    string      `bson:"name"`
	Count   int64       `bson:"count"`
	Rules   []ruleEntry `bson:"rules"`
	At      time.Time   `bson:"at"`
	Enabled bool        `bson:"enabled"`
}

type ruleEntry struct {
	Field    string `bson:"field"`
	Priority int64  `bson:"priority"`
}

// ruleSetNo builds a distinct value for n.
func ruleSetNo(n int) ruleSet {
	return ruleSet{
		Name:  fmt.Sprintf("价值分层规则 第%d版", n),
		Count: int64(n) << 40,
		Rules: []ruleEntry{
			{Field: "valueTier", Priority: int64(n)},
			{Field: "lifecycle", Priority: -int64(n)},
		},
		At:      base.Add(time.Duration(n)*time.Hour + 123*time.Millisecond),
		Enabled: n%2 == 1,
	}
}

func sameRuleSet(a, b ruleSet) bool {
	if !a.At.Equal(b.At) {
		return false
	}
	a.At, b.At = time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

// mustSetting asserts what is stored under key.
func mustSetting(t *testing.T, ss crm.SettingStore, key string, want ruleSet, wantVersion int64) {
	t.Helper()
	var got ruleSet
	v, err := ss.Get(ctx(t), key, &got)
	if err != nil || v != wantVersion || !sameRuleSet(got, want) {
		t.Fatalf("%s: version %d, %+v, %v; want version %d, %+v", key, v, got, err, wantVersion, want)
	}
}

func init() {
	register("Settings", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		ss := s.Settings()

		var v ruleSet
		_, err := ss.Get(ctx(t), "rules", &v)
		if !crm.IsCode(err, crm.CodeNotFound) {
			t.Fatalf("get a missing key: %v", err)
		}
		mustCode(t, err, crm.CodeNotFound)

		// Each step puts ruleSetNo(step.value) and then the key must hold
		// ruleSetNo(held) at version.
		for _, step := range []struct {
			name     string
			expected int64
			value    int
			conflict bool
			held     int
			version  int64
		}{
			{"create", 0, 1, false, 1, 1},
			{"create again", 0, 2, true, 1, 1},
			{"version ahead", 2, 2, true, 1, 1},
			{"negative", -1, 2, true, 1, 1},
			{"replace", 1, 2, false, 2, 2},
			{"stale", 1, 3, true, 2, 2},
			{"far ahead", 7, 3, true, 2, 2},
			{"replace again", 2, 3, false, 3, 3},
		} {
			err := ss.Put(ctx(t), "rules", ruleSetNo(step.value), step.expected)
			if step.conflict {
				if crm.ErrorCode(err) != crm.CodeConflict {
					t.Fatalf("%s: want CONFLICT, got %v", step.name, err)
				}
				mustField(t, err, crm.CodeConflict, "expectedVersion")
			} else if err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			mustSetting(t, ss, "rules", ruleSetNo(step.held), step.version)
		}

		// Keys: 1 to 100 bytes (not characters).
		for _, tc := range []struct {
			name, key string
			ok        bool
		}{
			{"empty", "", false},
			{"101 bytes", strings.Repeat("k", 101), false},
			{"34 Chinese characters (102 bytes)", strings.Repeat("规", 34), false},
			{"100 bytes", strings.Repeat("k", 100), true},
			{"33 Chinese characters (99 bytes)", strings.Repeat("规", 33), true},
		} {
			err := ss.Put(ctx(t), tc.key, ruleSetNo(4), 0)
			if tc.ok {
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				mustSetting(t, ss, tc.key, ruleSetNo(4), 1)
				continue
			}
			if !crm.IsCode(err, crm.CodeBadUserInput) {
				t.Fatalf("%s: want BAD_USER_INPUT, got %v", tc.name, err)
			}
			mustField(t, err, crm.CodeBadUserInput, "key")
			if tc.key != "" {
				_, err = ss.Get(ctx(t), tc.key, &v)
				mustCode(t, err, crm.CodeNotFound)
			}
		}

		// Two keys are independent: creating, replacing and a conflict on
		// one leave the other as it was.
		if err := ss.Put(ctx(t), "lease:daily", ruleSetNo(5), 0); err != nil {
			t.Fatal(err)
		}
		if err := ss.Put(ctx(t), "lease:daily", ruleSetNo(6), 1); err != nil {
			t.Fatal(err)
		}
		mustField(t, ss.Put(ctx(t), "lease:daily", ruleSetNo(7), 3), crm.CodeConflict, "expectedVersion")
		mustSetting(t, ss, "lease:daily", ruleSetNo(6), 2)
		mustSetting(t, ss, "rules", ruleSetNo(3), 3)
		// A version of one key is no version of another.
		mustField(t, ss.Put(ctx(t), "lease:weekly", ruleSetNo(7), 2), crm.CodeConflict, "expectedVersion")
		_, err = ss.Get(ctx(t), "lease:weekly", &v)
		mustCode(t, err, crm.CodeNotFound)

		// Creating one key from several goroutines at once: one wins.
		const racers = 8
		errs := make([]error, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = ss.Put(ctx(t), "created once", ruleSetNo(10+i), 0)
			}()
		}
		wg.Wait()
		winner := oneWinner(t, errs)
		mustSetting(t, ss, "created once", ruleSetNo(10+winner), 1)

		// The stored document: {_id, version, value, updatedAt}, the value
		// the caller's struct as bson encodes it.
		var dumped []bson.Raw
		if err := s.Dump(ctx(t), crm.CollectionSettings, func(d []byte) error {
			dumped = append(dumped, bytes.Clone(d))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// In byte order, as both stores sort _id.
		wantKeys := []string{"created once", strings.Repeat("k", 100), "lease:daily", "rules", strings.Repeat("规", 33)}
		if len(dumped) != len(wantKeys) {
			t.Fatalf("dumped %d settings, want %d", len(dumped), len(wantKeys))
		}
		for i, d := range dumped {
			elems, err := d.Elements()
			if err != nil || len(elems) != 4 {
				t.Fatalf("setting %d: %v %v", i, d, err)
			}
			var names []string
			for _, e := range elems {
				names = append(names, e.Key())
			}
			if fmt.Sprint(names) != "[_id version value updatedAt]" {
				t.Fatalf("setting %d has fields %v", i, names)
			}
			if key, _ := d.Lookup("_id").StringValueOK(); key != wantKeys[i] {
				t.Fatalf("setting %d is %q, want %q (ordered by _id)", i, key, wantKeys[i])
			}
			if _, ok := d.Lookup("version").Int64OK(); !ok {
				t.Fatalf("setting %d: version is no int64: %v", i, d.Lookup("version"))
			}
			if at, ok := d.Lookup("updatedAt").TimeOK(); !ok || time.Since(at) > time.Minute || time.Since(at) < -time.Minute {
				t.Fatalf("setting %d: updatedAt %v", i, d.Lookup("updatedAt"))
			}
		}
		want, err := bson.Marshal(ruleSetNo(3))
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := dumped[3].Lookup("value").DocumentOK(); !ok || !bytes.Equal(got, want) {
			t.Fatalf("stored value %v, want %v", dumped[3].Lookup("value"), bson.Raw(want))
		}

		// Durable across a restart.
		if h.Reopen == nil {
			return
		}
		s = h.Reopen(t, s)
		t.Cleanup(func() { _ = s.Close() })
		mustSetting(t, s.Settings(), "rules", ruleSetNo(3), 3)
		mustSetting(t, s.Settings(), "lease:daily", ruleSetNo(6), 2)
	})

	register("SettingRaces", true, func(t *testing.T, h Harness) {
		ss := open(t, h).Settings()
		if err := ss.Put(ctx(t), "rules", ruleSetNo(1), 0); err != nil {
			t.Fatal(err)
		}
		// Several rounds: each moves the version on by exactly one.
		for round := int64(1); round <= 3; round++ {
			const racers = 8
			errs := make([]error, racers)
			var wg sync.WaitGroup
			for i := range racers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = ss.Put(ctx(t), "rules", ruleSetNo(int(round)*100+i), round)
				}()
			}
			wg.Wait()
			winner := oneWinner(t, errs)
			mustSetting(t, ss, "rules", ruleSetNo(int(round)*100+winner), round+1)
		}
	})
}

// oneWinner asserts that exactly one error is nil and the others are
// CONFLICT on expectedVersion, and returns the index of the nil one.
func oneWinner(t *testing.T, errs []error) int {
	t.Helper()
	return oneWinnerOf(t, errs, func(err error) { mustField(t, err, crm.CodeConflict, "expectedVersion") })
}

// oneWinnerOf asserts that exactly one error is nil, checks each other one
// with lost, and returns the index of the nil one.
func oneWinnerOf(t *testing.T, errs []error, lost func(error)) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		if err == nil {
			if winner >= 0 {
				t.Fatalf("racers %d and %d both won", winner, i)
			}
			winner = i
			continue
		}
		lost(err)
	}
	if winner < 0 {
		t.Fatalf("no racer won: %v", errs)
	}
	return winner
}
