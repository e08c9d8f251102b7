package importer

import (
	"context"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Reasons an undo leaves a customer as it is.
const (
	// ReasonChangedSince: a person wrote the customer after the import:
	// the undo does not overwrite that. (The rules' writes do not count.)
	ReasonChangedSince = crm.ReasonChangedSince
	// ReasonGone: the customer no longer exists.
	ReasonGone = crm.ReasonGone
)

// UndoReport says what an undo did.
type UndoReport struct {
	Deleted  int    // customers the import created, deleted
	Restored int    // customers the import changed, as they were before it
	Kept     []Kept // customers left as they are, and why
}

// Kept is a customer an undo left as it is.
type Kept struct {
	ID     string
	Code   string
	Reason crm.Reason
}

// Undo takes an import back: the customers it created are deleted and
// those it changed are restored as they were, in batches, each only while
// it is still as the import left it (at the version the import wrote, or
// written since by the classification rules alone: crm.OnlyRulesSince);
// one a person wrote since is left as it is and reported (Kept,
// CHANGED_SINCE), never overwritten. A restored customer is a new version, its figures and
// classification computed anew. Errors: FORBIDDEN for one who may not
// import; the store's (what was undone before stays undone: undoing again
// finishes the job).
func (s *Service) Undo(ctx context.Context, a crm.Actor, u *Undo) (*UndoReport, error) {
	if !a.CanImport() {
		return nil, crm.Errorf(crm.CodeForbidden, "only managers and admins may undo imports")
	}
	rep := &UndoReport{}
	store := s.CRM.Store.Customers()
	for start := 0; start < len(u.Created); start += Batch {
		ids := u.Created[start:min(start+Batch, len(u.Created))]
		expected := make([]int64, len(ids))
		for i := range expected {
			expected[i] = 1 // as InsertMany writes them
		}
		changed, gone, err := store.DeleteMany(ctx, ids, expected)
		if err != nil {
			return rep, err
		}
		rep.Deleted += len(ids) - len(changed) - len(gone)
		kept, err := s.deleteRulesOnly(ctx, ids, changed, gone, rep)
		if err != nil {
			return rep, err
		}
		rep.Kept = append(rep.Kept, kept...)
	}
	for start := 0; start < len(u.Updated); start += Batch {
		if err := s.restore(ctx, a, u.Updated[start:min(start+Batch, len(u.Updated))], rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// restore writes back a batch of customers as they were.
func (s *Service) restore(ctx context.Context, a crm.Actor, batch []Before, rep *UndoReport) error {
	store := s.CRM.Store.Customers()
	ids := make([]string, len(batch))
	for i, b := range batch {
		ids[i] = b.ID
	}
	stored, err := store.GetMany(ctx, ids)
	if err != nil {
		return err
	}
	byID := make(map[string]*crm.Customer, len(stored))
	for _, c := range stored {
		byID[c.ID] = c
	}
	var writes []*crm.Customer
	var expected []int64
	for _, b := range batch {
		current := byID[b.ID]
		switch {
		case current == nil:
			rep.Kept = append(rep.Kept, Kept{ID: b.ID, Reason: ReasonGone})
			continue
		case current.Version != b.Version && !crm.OnlyRulesSince(current, b.Version):
			rep.Kept = append(rep.Kept, Kept{ID: b.ID, Code: current.Code, Reason: ReasonChangedSince})
			continue
		}
		var before crm.Customer
		if err := bson.Unmarshal(b.Doc, &before); err != nil {
			return crm.Internal(err)
		}
		c, err := s.CRM.DraftRestore(ctx, a, current, &before)
		if err != nil {
			return err
		}
		writes = append(writes, c)
		expected = append(expected, current.Version)
	}
	if len(writes) == 0 {
		return nil
	}
	conflicts, err := store.ReplaceMany(ctx, writes, expected)
	if err != nil {
		return err
	}
	rep.Restored += len(writes) - len(conflicts)
	for _, i := range conflicts {
		rep.Kept = append(rep.Kept, Kept{ID: writes[i].ID, Code: writes[i].Code, Reason: ReasonChangedSince})
	}
	return nil
}

// deleteRulesOnly deals with the created customers a delete left: those
// only the rules wrote since the import created them (crm.OnlyRulesSince)
// are deleted at their version; the rest are reported, changed since
// (with their codes, read back) or gone.
func (s *Service) deleteRulesOnly(ctx context.Context, ids []string, changed, gone []int, rep *UndoReport) ([]Kept, error) {
	var out []Kept
	for _, i := range gone {
		out = append(out, Kept{ID: ids[i], Reason: ReasonGone})
	}
	if len(changed) > 0 {
		var which []string
		for _, i := range changed {
			which = append(which, ids[i])
		}
		cs, err := s.CRM.Store.Customers().GetMany(ctx, which)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]*crm.Customer, len(cs))
		var again []string
		var versions []int64
		for _, c := range cs {
			byID[c.ID] = c
			if crm.OnlyRulesSince(c, 1) {
				again, versions = append(again, c.ID), append(versions, c.Version)
			} else {
				out = append(out, Kept{ID: c.ID, Code: c.Code, Reason: ReasonChangedSince})
			}
		}
		for _, id := range which {
			if byID[id] == nil { // deleted meanwhile
				out = append(out, Kept{ID: id, Reason: ReasonGone})
			}
		}
		if len(again) > 0 {
			changed, gone, err := s.CRM.Store.Customers().DeleteMany(ctx, again, versions)
			if err != nil {
				return nil, err
			}
			rep.Deleted += len(again) - len(changed) - len(gone)
			for _, i := range changed { // a person wrote it just now
				out = append(out, Kept{ID: again[i], Code: byID[again[i]].Code, Reason: ReasonChangedSince})
			}
			for _, i := range gone {
				out = append(out, Kept{ID: again[i], Reason: ReasonGone})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Kept) int { return strings.Compare(x.Code, y.Code) })
	return out, nil
}
