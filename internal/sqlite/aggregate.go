package sqlite

import (
	"context"

	"github.com/kehu-crm/kehu/internal/analytics"
	"github.com/kehu-crm/kehu/internal/crm"
)

var _ analytics.Engine = (*Store)(nil)

// Aggregate computes an aggregate in process over one snapshot of the read
// model: the customers in scope are selected as Counts selects them, then
// the engine groups their rows on every core, from the columns of each
// chunk (analytics.EvaluateBlocks, built on a chunk's first aggregate) or,
// for what the columns do not hold, from the customers' briefs
// (analytics.Evaluate). A customer whose brief the read model could not
// build is read from its document.
func (s *Store) Aggregate(ctx context.Context, spec *analytics.Spec) (*analytics.Groups, error) {
	cs := (*customerStore)(s)
	q := crm.CountQuery{Scope: spec.Archive, User: spec.User, Viewer: spec.Viewer}
	n := s.snap.Load().n // most scans take most customers: room for all, no growing
	if analytics.Columnar(spec) {
		var parts []analytics.Part
		var starts []int // where each part's rows start in rows
		rows := make([]int32, 0, n)
		var last *chunk
		whole := true
		err := cs.eachInScopeAt(ctx, []crm.Filter{spec.Scope}, q, func(c *chunk, i, _ int) {
			if c != last {
				last = c
				b := c.block()
				if b == nil {
					whole = false
				}
				parts = append(parts, analytics.Part{Block: b})
				starts = append(starts, len(rows))
			}
			rows = append(rows, int32(i))
		})
		if err != nil {
			return nil, err
		}
		for k := range parts {
			end := len(rows)
			if k+1 < len(parts) {
				end = starts[k+1]
			}
			parts[k].Rows = rows[starts[k]:end:end]
		}
		if whole {
			if g, ok := analytics.EvaluateBlocks(spec, parts); ok {
				return g, nil
			}
		}
	}
	in := make([]*entry, 0, n)
	var missing []string
	err := cs.eachInScope(ctx, []crm.Filter{spec.Scope}, q, func(v *view, _ int) {
		if v.e.brief == nil {
			missing = append(missing, v.e.id())
			return
		}
		in = append(in, v.e)
	})
	if err != nil {
		return nil, err
	}
	var docs []*crm.Customer
	if len(missing) > 0 {
		if docs, err = cs.GetMany(ctx, missing); err != nil {
			return nil, err
		}
	}
	// The engine builds each customer from its entry when it reads it,
	// with the parts it reads.
	reads := spec.Reads()
	g, _ := analytics.EvaluateFrom(spec, len(in)+len(docs), func(i int, dst *crm.Customer) *crm.Customer {
		if i >= len(in) {
			return docs[i-len(in)]
		}
		in[i].into(dst, reads)
		return dst
	})
	return g, nil
}

// block returns the columns of the chunk's facts, building them on first
// use (a chunk never changes; a write makes a new one). It is nil when a
// customer of the chunk has no brief.
func (c *chunk) block() *analytics.Block {
	if b := c.facts.Load(); b != nil {
		return b
	}
	for i := range c.n {
		if c.entries[i].brief == nil {
			return nil
		}
	}
	entries := c.entries[:c.n]
	c.facts.CompareAndSwap(nil, analytics.NewBlockFrom(c.n, func(i int, dst *crm.Customer) *crm.Customer {
		entries[i].into(dst, crm.AllParts)
		return dst
	}))
	return c.facts.Load()
}

// DropBlocks forgets the chunks' columns (a benchmark measures their
// memory by it); the next aggregate builds them again.
func (s *Store) DropBlocks() {
	for _, c := range s.snap.Load().chunks {
		c.facts.Store(nil)
	}
}
