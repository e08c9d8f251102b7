package importer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/crm"
)

// Batch is how many customers a commit writes together: one store write
// for the new ones and one for the changed ones (on the embedded store, a
// transaction and one publication of the read model each).
const Batch = 200

// draft is one customer a commit writes.
type draft struct {
	record   *record
	customer *crm.Customer
	created  bool
	expected int64  // the stored version an update replaces
	before   []byte // the stored customer as it was (BSON), for undo
	rows     []int  // indexes into Plan.Rows
}

// Undo is what a commit did, to take it back: the customers it created,
// and those it changed as they were before.
type Undo struct {
	Created []string // ids
	Updated []Before
}

// Before is a customer as it was before an import changed it, and the
// version the import wrote: an undo restores it only while the customer is
// still at that version, and reports it otherwise.
type Before struct {
	ID      string
	Version int64    // the version the import wrote
	Doc     bson.Raw // the customer before the import
}

// Progress is reported every Batch customers worked out (after their
// write, in a commit), and at the end.
type Progress struct {
	Processed int // customers of the file worked out so far
	Total     int // customers of the file
}

// CommitOptions qualify a commit.
type CommitOptions struct {
	Options
	// Progress, when set, is called every Batch customers and at the end.
	Progress func(Progress)
	// OnUndo, when set, takes the undo data of each batch as it is
	// written (a job stores it), and Commit's Undo stays empty: the
	// before-documents of a large import are too many to hold.
	OnUndo func(*Undo) error
}

// Commit imports src: the plan of Plan, written as it is worked out, a
// batch at a time (a customer is written whole or not at all; one that
// changed since it was read is worked out again and written alone). It
// returns the plan as written: each new customer's code and id on its rows;
// a row whose write failed has the error. ctx is checked between batches:
// when it is done the commit stops there, what was written stays (Undo
// holds it), and the error is ctx's.
func (s *Service) Commit(ctx context.Context, a crm.Actor, src *Source, m columns.Mapping, opt CommitOptions) (*Plan, *Undo, error) {
	w := &writer{svc: s, actor: a, undo: &Undo{}, onUndo: opt.OnUndo}
	p, err := s.run(ctx, a, src, m, opt.Options, w, opt.Progress)
	return p, w.undo, err
}

// writer writes a commit's drafts in batches.
type writer struct {
	svc     *Service
	actor   crm.Actor
	pending []*draft
	undo    *Undo // all of it, or (with onUndo) the batch being written
	onUndo  func(*Undo) error
}

func (w *writer) add(ctx context.Context, p *Plan, d *draft) error {
	w.pending = append(w.pending, d)
	if len(w.pending) < Batch {
		return nil
	}
	return w.flush(ctx, p)
}

// flush writes the pending drafts: the new customers in one write, the
// changed ones in another.
func (w *writer) flush(ctx context.Context, p *Plan) error {
	if err := ctx.Err(); err != nil {
		w.drop(p)
		return err
	}
	if len(w.pending) == 0 {
		return nil
	}
	store := w.svc.CRM.Store.Customers()
	var created, changed []*draft
	for _, d := range w.pending {
		if d.created {
			created = append(created, d)
		} else {
			changed = append(changed, d)
		}
	}
	w.pending = w.pending[:0]
	if len(created) > 0 {
		cs := make([]*crm.Customer, len(created))
		for i, d := range created {
			cs[i] = d.customer
		}
		errs, err := store.InsertMany(ctx, cs, crm.CodePeriod(w.svc.CRM.Clock.Now(), w.svc.loc()))
		if err != nil {
			for _, d := range append(created, changed...) {
				w.failed(p, d, err)
			}
			return err
		}
		for i, d := range created {
			if errs[i] != nil {
				w.failed(p, d, errs[i])
				continue
			}
			w.undo.Created = append(w.undo.Created, d.customer.ID)
			w.wrote(p, d)
		}
	}
	if len(changed) > 0 {
		cs := make([]*crm.Customer, len(changed))
		expected := make([]int64, len(changed))
		for i, d := range changed {
			cs[i], expected[i] = d.customer, d.expected
		}
		conflicts, err := store.ReplaceMany(ctx, cs, expected)
		if err != nil {
			for _, d := range changed {
				w.failed(p, d, err)
			}
			return err
		}
		for i, d := range changed {
			if slices.Contains(conflicts, i) {
				if err := w.again(ctx, p, d); err != nil {
					return err
				}
				continue
			}
			w.undo.Updated = append(w.undo.Updated, Before{ID: d.customer.ID, Version: d.customer.Version, Doc: d.before})
			w.wrote(p, d)
		}
	}
	if w.onUndo != nil && (len(w.undo.Created) > 0 || len(w.undo.Updated) > 0) {
		if err := w.onUndo(w.undo); err != nil {
			return err
		}
		w.undo = &Undo{}
	}
	return nil
}

// again works out and writes alone a customer changed since it was read.
func (w *writer) again(ctx context.Context, p *Plan, d *draft) error {
	for attempt := 0; attempt < 3; attempt++ {
		c, err := w.svc.CRM.Store.Customers().Get(ctx, d.customer.ID)
		if err != nil {
			w.failed(p, d, err)
			return nil
		}
		before, err := bson.Marshal(c)
		if err != nil {
			return crm.Internal(err)
		}
		expected := c.Version
		nd, err := w.svc.CRM.DraftImport(ctx, w.actor, c, d.record.rec)
		if err != nil {
			w.failed(p, d, err)
			return nil
		}
		if len(nd.Changes) == 0 {
			for _, i := range d.rows {
				p.Rows[i].Action, p.Rows[i].Changes = Unchanged, nil
			}
			p.Updated--
			p.Unchanged++
			return nil
		}
		switch err := w.svc.CRM.Store.Customers().Replace(ctx, nd.Customer, expected); {
		case err == nil:
			if d.rows[0] < DetailedRows {
				p.Rows[d.rows[0]].Changes = nd.Changes
			}
			w.undo.Updated = append(w.undo.Updated, Before{ID: c.ID, Version: nd.Customer.Version, Doc: before})
			return nil
		case crm.IsVersionConflict(err):
			continue
		default:
			w.failed(p, d, err)
			return nil
		}
	}
	w.failed(p, d, crm.VersionConflict("customer"))
	return nil
}

// drop forgets the drafts not written (the commit stops): their rows get
// no action, as the rows after them.
func (w *writer) drop(p *Plan) {
	for _, d := range w.pending {
		if d.created {
			p.Created--
		} else {
			p.Updated--
		}
		for _, i := range d.rows {
			p.Rows[i].Action, p.Rows[i].Changes = "", nil
		}
	}
	w.pending = w.pending[:0]
}

// wrote puts a written customer's id and code on its rows.
func (w *writer) wrote(p *Plan, d *draft) {
	for _, i := range d.rows {
		p.Rows[i].Customer, p.Rows[i].Code = d.customer.ID, d.customer.Code
	}
}

// failed turns a customer whose write failed into errors on its rows.
func (w *writer) failed(p *Plan, d *draft, err error) {
	var e *crm.Error
	var pr Problem
	switch {
	case errors.As(err, &e) && len(e.Fields) > 0:
		f := e.Fields[0]
		pr = Problem{Field: f.Field, Reason: f.Reason, Message: f.Message, Params: f.Params}
	case errors.As(err, &e):
		pr = Problem{Reason: crm.Reason(e.Code), Message: e.Message}
	default:
		pr = Problem{Reason: crm.ReasonInvalid, Message: fmt.Sprint(err)}
	}
	if d.created {
		p.Created--
	} else {
		p.Updated--
	}
	for k, i := range d.rows {
		row := &p.Rows[i]
		row.Action = Failed
		if k == 0 {
			row.Errors = append(row.Errors, pr)
		} else {
			row.Errors = append(row.Errors, Problem{Reason: ReasonSameCustomerFailed, Params: map[string]any{"row": p.Rows[d.rows[0]].Row},
				Message: fmt.Sprintf("row %d of the same customer could not be written: none of its rows is imported", p.Rows[d.rows[0]].Row)})
		}
	}
}
