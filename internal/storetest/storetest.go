// Package storetest is the conformance suite every crm.Store must pass.
// Adapters call Run from their own tests with a Harness that opens real
// stores (SQLite files in a temp dir; FerretDB or MongoDB).
package storetest

import (
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Harness tells the suite how to get stores.
type Harness struct {
	// Open returns a new, empty, open store. The suite closes it.
	Open func(t *testing.T) crm.Store
	// Reopen closes s and opens the same data again (restart durability).
	Reopen func(t *testing.T, s crm.Store) crm.Store
	// SkipRaces names why racing writes cannot be tested on this backend
	// (FerretDB's SQLite handler does not make updates atomic); empty runs them.
	SkipRaces string
	// SkipNestedFilters names why filters over nested arrays cannot run
	// (FerretDB v1 lacks $expr and mis-evaluates $elemMatch); empty runs them.
	SkipNestedFilters string
}

// Run runs every conformance case as a subtest.
func Run(t *testing.T, h Harness) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.racing && h.SkipRaces != "" {
				t.Skip(h.SkipRaces)
			}
			c.run(t, h)
		})
	}
}

type testCase struct {
	name   string
	racing bool
	run    func(t *testing.T, h Harness)
}

var cases []testCase

func register(name string, racing bool, run func(t *testing.T, h Harness)) {
	cases = append(cases, testCase{name, racing, run})
}
