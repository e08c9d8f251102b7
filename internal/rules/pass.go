package rules

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// PassKey is the settings key of the periodic pass's state.
const PassKey = "classification-pass"

// Lease is how long a replica holds the pass without renewing it: another
// replica takes over a pass whose holder stopped for longer.
const Lease = 10 * time.Minute

// passBatch is how many next checks the pass stores in one write.
const passBatch = 500

// changeBatch is how many changed customers the pass writes in one write:
// a person's write that queues behind it waits for one such write.
const changeBatch = 100

// passState is the pass's settings document: who runs it until when (the
// lease), and which rule set every customer has been classified with.
type passState struct {
	Holder string    `bson:"holder,omitempty"`
	Until  time.Time `bson:"until"`
	// Applied is the version of the rule set the last full pass applied
	// to every customer; nil before the first.
	Applied *int64    `bson:"applied,omitempty"`
	LastRun time.Time `bson:"lastRun"`
	Visited int       `bson:"visited"`
	Changed int       `bson:"changed"`
}

// PassResult says what one pass did.
type PassResult struct {
	Skipped bool // another replica holds the lease
	Full    bool // every active customer was visited (a new rule set)
	Visited int  // customers classified
	Changed int  // customers the rules changed (and wrote)
}

// Pass applies the rules where time or a new rule set may have changed the
// classification with no write to the customer: after a new rule set, to
// every active customer once (a full pass); otherwise only to those whose
// Class.NextCheckAt has come. One replica at a time runs it: holder takes
// a lease in the settings store (compare and set) and renews it while it
// works; a pass that finds the lease held by another does nothing. The
// customers whose values change are written with new versions in batches
// (one store write a batch, checked against the versions read: a customer
// written meanwhile is classified again and written on its own through
// Reclassify, so nothing a person wrote is lost, and a writer waits for
// one batch write at most); one that only gets a new next check has it
// stored in a batch without a new version, so the pass never makes a
// person's open edit a conflict.
func (s *Service) Pass(ctx context.Context, holder string) (PassResult, error) {
	var res PassResult
	st, version, ok, err := s.lease(ctx, holder)
	if err != nil || !ok {
		res.Skipped = !ok
		return res, err
	}
	now := s.Clock.Now().Truncate(time.Millisecond)
	prog, err := s.program(ctx, now)
	if err != nil {
		return res, err
	}
	set := prog.set
	res.Full = st.Applied == nil || *st.Applied != set.Version
	q := crm.EachQuery{Scope: crm.ScopeActive, Full: true, User: "rules"}
	if !res.Full {
		q.DueBy = now
	}
	// Classify each customer as read. Most only get a new next check:
	// stored in batches, without a new version (SetNextChecks). Those
	// whose values change are written in batches with new versions
	// (ReplaceMany, on the batch writer's goroutine while the next batch
	// is read), checked against the versions read; one written meanwhile
	// is classified again and written on its own (Reclassify, under the
	// customer's lock), after the others.
	var checks []crm.NextCheck
	flush := func() error {
		_, err := s.Customers.SetNextChecks(ctx, checks)
		checks = checks[:0]
		return err
	}
	var changed []*crm.Customer
	var expected []int64
	writer := newBatchWriter(ctx, s.Customers)
	write := func() error {
		err := writer.send(changed, expected)
		changed, expected = nil, nil // the writer's now
		return err
	}
	renewed := time.Now()
	renew := func() error {
		if time.Since(renewed) < Lease/4 {
			return nil
		}
		st.Until = s.Clock.Now().Add(Lease)
		if err := s.Settings.Put(ctx, PassKey, st, version); err != nil {
			return err // lost the lease (CONFLICT): the new holder goes on
		}
		version++
		renewed = time.Now()
		return nil
	}
	err = s.Customers.Each(ctx, q, func(c *crm.Customer) error {
		if err := ctx.Err(); err != nil {
			return crm.Internal(err)
		}
		if err := renew(); err != nil {
			return err
		}
		res.Visited++
		switch values, next := s.keep(prog, c, now); {
		case values:
			// Normalised and its figures derived as any write stores them
			// (a stored document's are already: this costs about 70 µs, so
			// only the written ones pay it).
			c.Recompute()
			expected = append(expected, c.Version)
			c.Version++
			changed = append(changed, c)
			if len(changed) == changeBatch {
				return write()
			}
		case next:
			checks = append(checks, crm.NextCheck{ID: c.ID, Version: c.Version, At: c.Class.NextCheckAt})
			if len(checks) == passBatch {
				return flush()
			}
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = write()
	}
	written, redo, werr := writer.wait()
	res.Changed += written
	if werr != nil || errors.Is(err, errWriterFailed) {
		err = werr
	}
	if err != nil {
		return res, err
	}
	for _, id := range redo {
		if err := renew(); err != nil {
			return res, err
		}
		ok, err := s.Reclassify(ctx, id, now)
		if crm.IsCode(err, crm.CodeNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return res, err
		}
		if ok {
			res.Changed++
		}
	}
	if res.Full {
		// Only the set that was applied counts: one saved during the pass
		// gets a full pass of its own.
		st.Applied = &set.Version
	}
	st.Holder, st.Until, st.LastRun, st.Visited, st.Changed = "", time.Time{}, now.UTC(), res.Visited, res.Changed
	return res, s.Settings.Put(ctx, PassKey, st, version)
}

// lease takes the pass for holder unless another holds it; it returns the
// state and its version as written.
func (s *Service) lease(ctx context.Context, holder string) (*passState, int64, bool, error) {
	st := new(passState)
	v, err := s.Settings.Get(ctx, PassKey, st)
	if err != nil && !crm.IsCode(err, crm.CodeNotFound) {
		return nil, 0, false, err
	}
	now := s.Clock.Now()
	if st.Holder != "" && st.Holder != holder && now.Before(st.Until) {
		return nil, 0, false, nil
	}
	st.Holder, st.Until = holder, now.Add(Lease).UTC()
	switch err := s.Settings.Put(ctx, PassKey, st, v); {
	case crm.IsCode(err, crm.CodeConflict):
		return nil, 0, false, nil // taken meanwhile
	case err != nil:
		return nil, 0, false, err
	}
	return st, v + 1, true, nil
}

// Run runs the pass now, then every interval and whenever a rule set is
// saved (SaveRules), until ctx ends. Errors are logged and retried at the
// next turn.
func (s *Service) Run(ctx context.Context, holder string, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		start := time.Now()
		res, err := s.Pass(ctx, holder)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Error("classification pass", "err", err)
		case !res.Skipped && res.Visited > 0:
			log.Info("classification pass", "full", res.Full, "visited", res.Visited, "changed", res.Changed, "took", time.Since(start).Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.saved():
		}
	}
}

// saved is signalled when a rule set is saved.
func (s *Service) saved() chan struct{} {
	s.kickOnce.Do(func() { s.kick = make(chan struct{}, 1) })
	return s.kick
}

func (s *Service) notifySaved() {
	select {
	case s.saved() <- struct{}{}:
	default: // a pass is already due
	}
}
