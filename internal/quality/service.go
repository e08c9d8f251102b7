package quality

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Service is the data quality use case over crm's store and service.
type Service struct {
	CRM *crm.Service
}

// readBatch is how many whole documents are read at a time.
const readBatch = 500

// Report computes the report over the active customers at now, for a who
// may read it (crm.Actor.CanSeeQualityReport: managers, admins and
// analysts). It scans the read model once and reads whole only the
// customers the scan leaves open (Analyzer.Add). Errors: FORBIDDEN.
func (s *Service) Report(ctx context.Context, a crm.Actor, now time.Time) (*Report, error) {
	if !a.CanSeeQualityReport() {
		return nil, crm.Errorf(crm.CodeForbidden, "only managers, admins and analysts read the data quality report")
	}
	users, err := s.CRM.Store.Users().List(ctx)
	if err != nil {
		return nil, err
	}
	owners := map[string]bool{}
	for _, u := range users {
		if u.Assignable() {
			owners[u.ID] = true
		}
	}
	z := NewAnalyzer(Config{Now: now, Loc: s.CRM.Loc, Owners: func(id string) bool { return owners[id] }})
	var whole []string
	err = s.each(ctx, a, func(c *crm.Customer) error {
		if !z.Add(c) {
			whole = append(whole, c.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.read(ctx, whole, func(c *crm.Customer) error {
		z.Add(c) // whole: always added (archived since: passed by)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return z.Report(), nil
}

func (s *Service) each(ctx context.Context, a crm.Actor, fn func(*crm.Customer) error) error {
	return s.CRM.Store.Customers().Each(ctx, crm.EachQuery{Scope: crm.ScopeActive, User: a.UserID}, fn)
}

// read calls fn with the whole documents of ids that still exist, in
// batches.
func (s *Service) read(ctx context.Context, ids []string, fn func(*crm.Customer) error) error {
	for start := 0; start < len(ids); start += readBatch {
		docs, err := s.CRM.Store.Customers().GetMany(ctx, ids[start:min(start+readBatch, len(ids))])
		if err != nil {
			return err
		}
		for _, c := range docs {
			if err := fn(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// RemoveRepeatedFollowUps removes the repeated identical interactions of
// one customer of version expectedVersion (Repeats: the first of each
// group is kept) in one versioned write, and returns the customer and how
// many it removed (0: nothing written). Whoever may edit the customer may
// do it. Errors: as crm.Service.RemoveRepeatedInteractions (NOT_FOUND,
// FORBIDDEN, BAD_USER_INPUT when archived, CONFLICT on a stale version).
func (s *Service) RemoveRepeatedFollowUps(ctx context.Context, a crm.Actor, customerID string, expectedVersion int64) (*crm.Customer, int, error) {
	return s.CRM.RemoveRepeatedInteractions(ctx, a, customerID, expectedVersion, Repeats)
}

// Cleanup is what RemoveAllRepeatedFollowUps did.
type Cleanup struct {
	Customers int // customers written
	Removed   int // interactions removed
	// Changed are the customers changed, archived or deleted by someone
	// else between the scan and the write, left as they are (the report
	// shows those still active again). By code.
	Changed []Ref
}

// RemoveAllRepeatedFollowUps removes the repeated identical interactions
// of every active customer, one versioned write per customer (not one for
// all: a customer changed meanwhile is left alone and listed in Changed).
// It is the bulk cleaning of the report: for managers and admins, who may
// edit every customer (crm.Actor.CanMerge: the same 数据清洗 as merging
// duplicates). Errors: FORBIDDEN; a store error stops it, what was written
// stays written.
func (s *Service) RemoveAllRepeatedFollowUps(ctx context.Context, a crm.Actor) (*Cleanup, error) {
	if !a.CanMerge() {
		return nil, crm.Errorf(crm.CodeForbidden, "only managers and admins remove repeated follow-ups in bulk")
	}
	var candidates []string
	err := s.each(ctx, a, func(c *crm.Customer) error {
		switch {
		case !c.Partial:
			if RepeatCount(c.Interactions) > 0 {
				candidates = append(candidates, c.ID)
			}
		case c.Brief == nil || mayRepeat(c.Brief):
			candidates = append(candidates, c.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &Cleanup{}
	err = s.read(ctx, candidates, func(c *crm.Customer) error {
		if c.Archived() || RepeatCount(c.Interactions) == 0 {
			return nil
		}
		_, n, err := s.CRM.RemoveRepeatedInteractions(ctx, a, c.ID, c.Version, Repeats)
		switch {
		case crm.IsVersionConflict(err) || crm.IsCode(err, crm.CodeNotFound) || crm.IsCode(err, crm.CodeBadUserInput):
			out.Changed = append(out.Changed, Ref{ID: c.ID, Code: c.Code, Name: c.Name})
		case err != nil:
			return err
		case n > 0:
			out.Customers++
			out.Removed += n
		}
		return nil
	})
	slices.SortFunc(out.Changed, func(x, y Ref) int { return strings.Compare(x.Code, y.Code) })
	if err != nil {
		return out, err
	}
	return out, nil
}
