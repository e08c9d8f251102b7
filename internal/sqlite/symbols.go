package sqlite

import (
	"strings"
	"sync"
	"sync/atomic"
)

// symbols numbers the short repeated strings of the read model's entries
// (industries, regions, sources, enum values, user ids, rule names, the
// order keys of those texts), so that an entry holds four bytes for each
// instead of a sixteen-byte string header. Symbol 0 is "". The table only
// grows: a value stays numbered after the last customer holding it is
// gone (values are few; a free text typed into one of these fields once
// costs its string and a slot of the table, about what it cost before).
//
// Numbering takes a lock (writers, the start-up decoders); reading a
// symbol does not: the table is published as a new slice header after each
// append, and an entry is published (in a snapshot) only after its
// symbols, so whoever sees the entry sees a table holding them. Appends
// write past the end of the slice readers hold, never inside it.
type symbols struct {
	mu    sync.Mutex
	ids   map[string]uint32 // under mu
	table atomic.Pointer[[]string]
}

// syms is the process's table, shared by every store: values repeat
// across stores as within one.
var syms = newSymbols()

func newSymbols() *symbols {
	s := &symbols{ids: map[string]uint32{"": 0}}
	t := []string{""}
	s.table.Store(&t)
	return s
}

// id numbers v.
func (s *symbols) id(v string) uint32 {
	if v == "" {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.ids[v]; ok {
		return id
	}
	t := *s.table.Load()
	v = strings.Clone(v) // never pin a larger allocation v is part of
	t = append(t, v)
	id := uint32(len(t) - 1)
	s.ids[v] = id
	s.table.Store(&t)
	return id
}

// all returns the table as of now: every symbol of a published entry.
func (s *symbols) all() []string { return *s.table.Load() }

// symCache remembers symbols a decoder has numbered, so that most fields
// cost a lookup in an unshared map and no lock. It is owned by one
// goroutine.
type symCache map[string]uint32

func (c symCache) id(v string) uint32 {
	if v == "" {
		return 0
	}
	if id, ok := c[v]; ok {
		return id
	}
	id := syms.id(v)
	if len(c) < 1<<16 {
		c[v] = id
	}
	return id
}
