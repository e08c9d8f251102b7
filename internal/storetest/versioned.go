package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// versioned adapts a store of small versioned documents (imports, merges:
// each store writes them with one shared helper) to the checks they share:
// Insert takes version 1 and refuses a taken id; Replace writes version
// expected+1 only over version expected; racing writers get one winner.
type versioned[T any] struct {
	noun    string // "import", "merge": for messages
	insert  func(T) error
	replace func(doc T, expected int64) error
	get     func(id string) (T, error)
	id      func(T) string
	// build returns a document of id, at version, that carries mark (a
	// value the checks read back with mark).
	build   func(id, mark string, version int64) T
	mark    func(T) string
	version func(T) int64
	same    func(t *testing.T, want, got T)
}

// checkInsert inserts id (which must not exist) at version 1, checks a
// second insert of id is refused without changing either document, and
// that an insert without an id gets one. It returns the document stored
// as id, and the one given an id.
func checkInsert[T any](t *testing.T, v versioned[T], id string) (doc, noID T) {
	t.Helper()
	_, err := v.get(id)
	mustCode(t, err, crm.CodeNotFound)
	doc = v.build(id, "first", 7)
	if err := v.insert(doc); err != nil {
		t.Fatal(err)
	}
	if v.version(doc) != 1 {
		t.Fatalf("%s inserted as version %d", v.noun, v.version(doc))
	}
	got, err := v.get(id)
	if err != nil {
		t.Fatal(err)
	}
	v.same(t, doc, got)

	again := v.build(id, "second", 0)
	mustField(t, v.insert(again), crm.CodeConflict, "id")
	if v.version(again) != 0 {
		t.Fatalf("a refused insert changed the %s: version %d", v.noun, v.version(again))
	}
	got, _ = v.get(id)
	v.same(t, doc, got)

	noID = v.build("", "no id", 0)
	if err := v.insert(noID); err != nil || v.id(noID) == "" || v.version(noID) != 1 {
		t.Fatalf("insert without an id: %q version %d, %v", v.id(noID), v.version(noID), err)
	}
	if got, err := v.get(v.id(noID)); err != nil || v.id(got) != v.id(noID) {
		t.Fatalf("get the %s given an id: %v %v", v.noun, got, err)
	}
	return doc, noID
}

// checkReplace replaces id (at version 1) step by step, stale, ahead and
// missing writes refused; id ends at version 3, marked "14".
func checkReplace[T any](t *testing.T, v versioned[T], id, missing string) {
	t.Helper()
	for _, step := range []struct {
		name     string
		id       string
		expected int64
		mark     string
		code     crm.Code // "" for success
		held     int64
	}{
		{"replace", id, 1, "10", "", 2},
		{"stale", id, 1, "11", crm.CodeConflict, 2},
		{"ahead", id, 5, "12", crm.CodeConflict, 2},
		{"no such " + v.noun, missing, 2, "13", crm.CodeNotFound, 2},
		{"replace again", id, 2, "14", "", 3},
	} {
		w := v.build(step.id, step.mark, step.expected+1)
		err := v.replace(w, step.expected)
		switch {
		case step.code == "" && err != nil:
			t.Fatalf("%s: %v", step.name, err)
		case step.code == crm.CodeConflict && !crm.IsVersionConflict(err):
			t.Fatalf("%s: want a version CONFLICT, got %v", step.name, err)
		case step.code != "":
			mustCode(t, err, step.code)
		}
		got, err := v.get(id)
		if err != nil || v.version(got) != step.held {
			t.Fatalf("%s: %s at version %v, want %d (%v)", step.name, id, got, step.held, err)
		}
		if step.code == "" {
			v.same(t, w, got)
		}
	}
	_, err := v.get(missing)
	mustCode(t, err, crm.CodeNotFound)
}

// checkInsertRace creates id from several goroutines at once: one wins,
// the others are refused on "id".
func checkInsertRace[T any](t *testing.T, v versioned[T], id string) {
	t.Helper()
	const racers = 8
	errs := make([]error, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() { errs[i] = v.insert(v.build(id, fmt.Sprintf("racer%d", i), 0)) })
	}
	wg.Wait()
	winners := 0
	for _, err := range errs {
		if err == nil {
			winners++
			continue
		}
		mustField(t, err, crm.CodeConflict, "id")
	}
	if winners != 1 {
		t.Fatalf("%d racers inserted the %s: %v", winners, v.noun, errs)
	}
}

// checkReplaceRace has racers replace id (at version 1) from its version in
// three rounds: each round exactly one wins, the others get a version
// CONFLICT, and the winner's document is stored.
func checkReplaceRace[T any](t *testing.T, v versioned[T], id string) {
	t.Helper()
	for round := int64(1); round <= 3; round++ {
		const racers = 8
		errs := make([]error, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() { errs[i] = v.replace(v.build(id, fmt.Sprintf("%d-%d", round, i), round+1), round) })
		}
		wg.Wait()
		winner := oneWinnerOf(t, errs, func(err error) {
			if !crm.IsVersionConflict(err) {
				t.Fatalf("a racer: %v, want a version CONFLICT", err)
			}
		})
		got, err := v.get(id)
		if err != nil || v.version(got) != round+1 || v.mark(got) != fmt.Sprintf("%d-%d", round, winner) {
			t.Fatalf("round %d: winner %d, stored %+v %v", round, winner, got, err)
		}
	}
}
