package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/crm"
)

// Service imports worksheets of customers.
type Service struct {
	CRM *crm.Service // validation and drafts (DraftImport), the store, the clock
	Loc *time.Location
}

// Source is a worksheet as read (package sheet): its header and data rows.
type Source struct {
	HeaderRow int
	Header    []string
	Rows      []SourceRow
	Date1904  bool     // an XLSX workbook counting serial dates from 1904
	file      *os.File // the rows' cells, for a large file (Read); removed by Close
}

// MatchKey is how a row was matched to a stored customer.
type MatchKey string

const (
	ByCode       MatchKey = "CODE"        // 客户编号
	ByCreditCode MatchKey = "CREDIT_CODE" // a valid 统一社会信用代码
	ByName       MatchKey = "NAME"        // the company name's key, when the user chose it
	ByPhone      MatchKey = "PHONE"       // a contact's phone, when the user chose it
)

// Options qualify a plan.
type Options struct {
	// MatchBy is a further key the user trusts, for rows whose code and
	// credit code match no stored customer: ByName or ByPhone; "" for none.
	// Without it a name or phone shared with a stored customer makes the
	// row a likely duplicate (DUPLICATE, not written), never an update.
	MatchBy MatchKey
}

// Action is what an import does with a row's customer.
type Action string

const (
	Create    Action = "CREATE"
	Update    Action = "UPDATE"
	Unchanged Action = "UNCHANGED"
	Duplicate Action = "DUPLICATE" // a likely duplicate of a stored customer: not written, for review
	Failed    Action = "ERROR"     // the row (or another row of its customer) has an error: not written
	// A row of a commit that stopped (cancelled, or a write failed)
	// before its customer was written has no action ("").
)

// CreatedChanges is how many new customers of a plan keep their Changes.
const CreatedChanges = 100

// DetailedRows is how many rows of a plan, from the first, keep their
// notes and their customer's changes: the rows whose outcomes a job keeps
// (crm.MaxImportOutcomes), all the app ever shows. Later rows keep their
// action, match and problems (the result file's columns), not the detail,
// which for 100,000 rows would hold tens of megabytes (the notes alone
// 16 MB in the import benchmark; an update's diff per row).
const DetailedRows = crm.MaxImportOutcomes

// Row is the outcome of one data row.
type Row struct {
	Row       int // as the spreadsheet shows it (the header is HeaderRow)
	Action    Action
	Customer  string   // the stored customer matched (UPDATE, UNCHANGED), or the first likely duplicate
	Code      string   // its code; for a new customer the code the file gives, if any
	MatchedBy MatchKey // how Customer was found; "" for CREATE and ERROR
	// Duplicates are the codes of the stored customers a DUPLICATE row may
	// be (same name key or phone).
	Duplicates []string
	// Changes are the fields the row's customer gets, on the first row of
	// the customer (the rows of one customer are one change): for every
	// update; for the first CreatedChanges new customers (a new customer's
	// values are its rows' cells, and 100,000 of them would hold hundreds
	// of megabytes). Only within the first DetailedRows rows, as Notes.
	Changes []crm.FieldChange
	// Notes are the normalisations applied to the row's cells (68万 →
	// 680000.00); only within the first DetailedRows rows.
	Notes    []Note
	Warnings []Problem
	Errors   []Problem
}

// Plan is an import worked out: what each row would do.
type Plan struct {
	HeaderRow int
	Header    []string
	Mapping   columns.Mapping
	Warnings  []Problem // about the whole file: columns read but not imported
	Rows      []Row
	// Counts of customers by action (several rows may be one customer),
	// and of rows with an error.
	Created, Updated, Unchanged, Duplicates int
	RowErrors                               int
}

// Plan works out an import of src with mapping m as a, writing nothing:
// the dry run. Errors: FORBIDDEN for one who may not import,
// BAD_USER_INPUT for the mapping's problems, the store's.
func (s *Service) Plan(ctx context.Context, a crm.Actor, src *Source, m columns.Mapping, opt Options) (*Plan, error) {
	return s.run(ctx, a, src, m, opt, nil, nil)
}

// PlanWithProgress is Plan reporting its progress every Batch customers
// and at the end.
func (s *Service) PlanWithProgress(ctx context.Context, a crm.Actor, src *Source, m columns.Mapping, opt Options, progress func(Progress)) (*Plan, error) {
	return s.run(ctx, a, src, m, opt, nil, progress)
}

// run works out the import and, with w, writes each customer as it is
// worked out, in batches: the dry run and the commit are one path.
func (s *Service) run(ctx context.Context, a crm.Actor, src *Source, m columns.Mapping, opt Options, w *writer, progress func(Progress)) (*Plan, error) {
	if !a.CanImport() {
		return nil, crm.Errorf(crm.CodeForbidden, "only managers and admins may import customers")
	}
	if err := m.Err(); err != nil {
		return nil, err
	}
	switch opt.MatchBy {
	case "", ByName, ByPhone:
	default:
		return nil, &crm.Error{Code: crm.CodeBadUserInput, Message: "matchBy must be NAME or PHONE",
			Fields: []crm.FieldError{{Field: "matchBy", Reason: crm.ReasonNotAllowed, Message: "must be NAME or PHONE",
				Params: map[string]any{"value": string(opt.MatchBy)}}}}
	}
	list, err := s.CRM.Store.Users().List(ctx)
	if err != nil {
		return nil, err
	}
	ctx = crm.WithKnownUsers(ctx, list) // each draft checks owners without a read
	x, err := s.keyIndex(ctx)
	if err != nil {
		return nil, err
	}
	rd := newReader(m, src.Header, newUsers(list), s.loc(), src.Date1904, s.CRM.Classifier != nil)
	p := &Plan{HeaderRow: src.HeaderRow, Header: src.Header, Mapping: m, Warnings: rd.notImported(),
		Rows: make([]Row, len(src.Rows))}
	keys := make([]rowKeys, len(src.Rows))
	for i, r := range src.Rows {
		p.Rows[i].Row = r.Row
		cells, err := r.Cells()
		if err != nil {
			return nil, crm.Internal(err)
		}
		keys[i] = rd.keys(cells)
	}
	groups := group(keys)
	// Each customer's rows are read when it is worked out, and let go
	// after: a large file holds its cells and the rows' outcomes, not
	// every row's values at once.
	finish := func(i int, v *rowValues) {
		row := &p.Rows[i]
		if i < DetailedRows {
			row.Notes = append(row.Notes, v.notes...)
		}
		row.Warnings = append(row.Warnings, v.warnings...)
		for _, e := range v.errors {
			if e.Column == "" && e.cell > 0 {
				e.Column = rd.column(e.cell - 1)
			}
			row.Errors = append(row.Errors, e)
		}
		if len(row.Errors) > 0 {
			row.Action = Failed
		}
	}
	grouped := make([]bool, len(src.Rows))
	for _, rows := range groups {
		for _, i := range rows {
			grouped[i] = true
		}
	}
	claimed := map[string]int{} // stored customer id → the first row that updates it
	var stopped error           // a commit's write failed or ctx is done: the rows after have no action
	for gi, rows := range groups {
		if err := ctx.Err(); err != nil {
			if w == nil {
				return nil, err
			}
			w.drop(p)
			stopped = err
			break
		}
		if gi%Batch == 0 {
			s.prefetch(ctx, x, keys, groups[gi:min(gi+Batch, len(groups))], opt)
		}
		values := make([]*rowValues, len(rows))
		var cellsErr error
		for k, i := range rows {
			cells, err := src.Rows[i].Cells()
			if err != nil {
				cellsErr = crm.Internal(err)
				break
			}
			values[k] = rd.read(src.Rows[i].Row, cells)
			values[k].index = i
		}
		if cellsErr != nil {
			if w == nil {
				return nil, cellsErr
			}
			w.drop(p)
			stopped = cellsErr
			break
		}
		r := newRecord(values)
		d, err := s.plan(ctx, a, x, p, r, claimed, opt, w != nil)
		if err != nil && w == nil {
			return nil, err
		}
		for k, i := range rows {
			finish(i, values[k])
		}
		if err != nil {
			// A commit keeps what it wrote: its plan says so, with the
			// cause (a done ctx, a store that failed).
			w.drop(p)
			stopped = err
			break
		}
		if w != nil && d != nil {
			if stopped = w.add(ctx, p, d); stopped != nil {
				break
			}
		}
		if progress != nil && (gi+1)%Batch == 0 && gi+1 < len(groups) {
			if w != nil {
				// What was worked out is written before it is reported.
				if stopped = w.flush(ctx, p); stopped != nil {
					break
				}
			}
			progress(Progress{Processed: gi + 1, Total: len(groups)})
		}
	}
	if w != nil && stopped == nil {
		stopped = w.flush(ctx, p)
	}
	if progress != nil && stopped == nil {
		progress(Progress{Processed: len(groups), Total: len(groups)})
	}
	// Rows that name no customer.
	for i, r := range src.Rows {
		if grouped[i] {
			continue
		}
		cells, err := r.Cells()
		if err != nil {
			if stopped == nil {
				stopped = crm.Internal(err)
			}
			continue
		}
		v := rd.read(r.Row, cells)
		v.errors = append(v.errors, Problem{Field: "name", Reason: crm.ReasonRequired,
			Message: "the row names no customer: it needs a customer name, code or credit code"})
		finish(i, v)
	}
	for _, row := range p.Rows {
		if len(row.Errors) > 0 {
			p.RowErrors++
		}
	}
	return p, stopped
}

// plan works out one customer of the file: its match, its draft, the
// action of each of its rows. It returns the customer to write, if any;
// with keep, the draft holds the stored customer as it was (for undo).
func (s *Service) plan(ctx context.Context, a crm.Actor, x *keyIndex, p *Plan, r *record, claimed map[string]int,
	opt Options, keep bool) (*draft, error) {
	rows := make([]*Row, len(r.rows))
	for i, v := range r.rows {
		rows[i] = &p.Rows[v.index]
	}
	first := r.rows[0]
	setAll := func(act Action) {
		for _, row := range rows {
			row.Action = act
		}
	}
	if r.failed() {
		r.failRest()
		return nil, nil
	}
	existing, by, dups, err := s.match(ctx, x, r, opt)
	var ce *crm.Error
	switch {
	case errors.As(err, &ce) && ce.Code == crm.CodeBadUserInput:
		for _, pr := range problemOf(r, ce) {
			first.errors = append(first.errors, pr.Problem)
		}
		r.failRest()
		return nil, nil
	case err != nil:
		return nil, err
	}
	if len(dups) > 0 {
		setAll(Duplicate)
		rows[0].Customer = dups[0]
		rows[0].Duplicates = x.codes(dups)
		rows[0].Warnings = append(rows[0].Warnings, Problem{Reason: ReasonLikelyDuplicate, Params: map[string]any{"codes": rows[0].Duplicates},
			Message: fmt.Sprintf("no key matched, but %s shares the name or a phone: not imported (review it, or import with matchBy)",
				strings.Join(rows[0].Duplicates, ", "))})
		p.Duplicates++
		return nil, nil
	}
	if existing != nil {
		if at, ok := claimed[existing.ID]; ok {
			first.errors = append(first.errors, Problem{Reason: ReasonConflictingRows, Params: map[string]any{"row": at},
				Message: fmt.Sprintf("row %d updates the same customer %s", at, existing.Code)})
			r.failRest()
			return nil, nil
		}
		claimed[existing.ID] = first.row
	}
	var expected int64
	var before []byte
	if existing != nil {
		expected = existing.Version
		if keep {
			if before, err = bson.Marshal(existing); err != nil {
				return nil, crm.Internal(err)
			}
		}
	}
	if existing == nil && (r.rec.Name == nil || strings.TrimSpace(*r.rec.Name) == "") && (r.code != "" || r.credit != "") {
		// A file that updates customers by code or credit code (no name
		// column, or an empty name cell): this row's key matches none.
		key := r.code
		if key == "" {
			key = r.credit
		}
		first.errors = append(first.errors, Problem{Field: "name", Reason: crm.ReasonRequired, Params: map[string]any{"value": key},
			Message: fmt.Sprintf("no customer has %s: a new customer needs a name (客户名称)", key)})
		r.failRest()
		return nil, nil
	}
	d, err := s.CRM.DraftImport(ctx, a, existing, r.rec)
	if errors.As(err, &ce) && ce.Code == crm.CodeBadUserInput {
		for _, pr := range problemOf(r, ce) {
			v := r.rows[0]
			for _, w := range r.rows {
				if w.row == pr.row {
					v = w
				}
			}
			v.errors = append(v.errors, pr.Problem)
		}
		if !r.failed() {
			first.errors = append(first.errors, Problem{Reason: crm.ReasonInvalid, Message: ce.Message})
		}
		r.failRest()
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if first.index < DetailedRows && (!d.Created || p.Created < CreatedChanges) {
		rows[0].Changes = d.Changes
	}
	switch {
	case d.Created:
		setAll(Create)
		if r.code != "" {
			d.Customer.Code = r.code
			rows[0].Code = r.code
		}
		p.Created++
	case len(d.Changes) == 0:
		setAll(Unchanged)
		p.Unchanged++
	default:
		setAll(Update)
		p.Updated++
	}
	if existing != nil {
		for _, row := range rows {
			row.Customer, row.Code, row.MatchedBy = existing.ID, existing.Code, by
		}
	}
	if !d.Created && len(d.Changes) == 0 {
		return nil, nil
	}
	dr := &draft{record: r, customer: d.Customer, created: d.Created, expected: expected, before: before}
	for _, v := range r.rows {
		dr.rows = append(dr.rows, v.index)
	}
	return dr, nil
}

// match finds the stored customer r updates: by its code, then its credit
// code, then the user's key; or, when none matches, the stored customers
// it is likely a duplicate of (same name key or phone: their ids, by code,
// at most five). A code that no stored customer has makes a new customer
// with that code.
func (s *Service) match(ctx context.Context, x *keyIndex, r *record, opt Options) (existing *crm.Customer, by MatchKey, dups []string, err error) {
	get := func(id string, by MatchKey) (*crm.Customer, MatchKey, []string, error) {
		c, err := s.stored(ctx, x, id)
		return c, by, nil, err
	}
	if id, ok := x.byCode[r.code]; ok && r.code != "" {
		if other, ok := x.byCredit[r.credit]; ok && r.credit != "" && other != id {
			return nil, "", nil, &crm.Error{Code: crm.CodeBadUserInput, Message: "the code and the credit code disagree",
				Fields: []crm.FieldError{{Field: "creditCode", Reason: ReasonKeyMismatch, Params: map[string]any{"code": x.codeOf[other]},
					Message: fmt.Sprintf("is customer %s's, not %s's", x.codeOf[other], r.code)}}}
		}
		return get(id, ByCode)
	}
	if id, ok := x.byCredit[r.credit]; ok && r.credit != "" {
		if r.code != "" {
			return nil, "", nil, &crm.Error{Code: crm.CodeBadUserInput, Message: "the code and the credit code disagree",
				Fields: []crm.FieldError{{Field: "creditCode", Reason: ReasonKeyMismatch, Params: map[string]any{"code": x.codeOf[id]},
					Message: fmt.Sprintf("is customer %s's, but the row's code is %s", x.codeOf[id], r.code)}}}
		}
		return get(id, ByCreditCode)
	}
	if r.code != "" {
		return nil, "", nil, nil // a new customer with the file's code
	}
	phones := phoneKeys(r.rec.Contacts)
	var found []string
	switch opt.MatchBy {
	case ByName:
		found = x.sharing(r.nameKey, nil)
	case ByPhone:
		found = x.sharing("", phones)
	}
	switch len(found) {
	case 0:
	case 1:
		return get(found[0], opt.MatchBy)
	default:
		codes := x.codes(found)
		return nil, "", nil, &crm.Error{Code: crm.CodeBadUserInput, Message: "several customers match",
			Fields: []crm.FieldError{{Field: keyField(opt.MatchBy), Reason: ReasonAmbiguousMatch, Params: map[string]any{"codes": codes},
				Message: fmt.Sprintf("matches %d customers (%s): give the customer code", len(found), strings.Join(codes, ", "))}}}
	}
	dups = x.sharing(r.nameKey, phones)
	return nil, "", dups[:min(len(dups), 5)], nil
}

func keyField(k MatchKey) string {
	if k == ByPhone {
		return "contacts[0].phone"
	}
	return "name"
}

// phoneKeys are the phone keys of contacts, each once.
func phoneKeys(cs []crm.ContactInput) []string {
	var out []string
	for _, ct := range cs {
		if ct.Phone == nil {
			continue
		}
		if k, ok := crm.PhoneKey(*ct.Phone); ok && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// placed is a problem with the row it belongs to.
type placed struct {
	Problem
	row int
}

// problemOf turns crm's field errors on a record into problems on the rows
// and columns the values came from.
func problemOf(r *record, e *crm.Error) []placed {
	var out []placed
	for _, f := range e.Fields {
		at := r.where(f.Field)
		p := Problem{Field: f.Field, Reason: f.Reason, Message: f.Message, Params: f.Params}
		if at.col >= 0 {
			p.cell = at.col + 1
		}
		out = append(out, placed{p, at.row})
	}
	return out
}

func (s *Service) loc() *time.Location {
	if s.Loc != nil {
		return s.Loc
	}
	return crm.DefaultLocation
}
