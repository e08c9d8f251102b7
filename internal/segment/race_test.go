//go:build race

package segment_test

// raceEnabled: the race detector slows FerretDB down several times; the
// server test then runs fewer random filters.
const raceEnabled = true
