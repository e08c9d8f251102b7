package importer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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
	Date1904  bool // an XLSX workbook counting serial dates from 1904
}

// SourceRow is one data row, numbered as the spreadsheet shows it.
type SourceRow struct {
	Row   int
	Cells []string
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
)

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
	// the customer (the rows of one customer are one change).
	Changes  []crm.FieldChange
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

	drafts []draft // what a commit writes: the customers created or updated
}

// draft is one customer a commit writes.
type draft struct {
	customer *crm.Customer
	created  bool
	expected int64 // the stored version an update replaces
	rows     []int // indexes into Plan.Rows
}

// Plan works out an import of src with mapping m as a, writing nothing:
// the dry run. Errors: FORBIDDEN for one who may not import,
// BAD_USER_INPUT for the mapping's problems, the store's.
func (s *Service) Plan(ctx context.Context, a crm.Actor, src *Source, m columns.Mapping, opt Options) (*Plan, error) {
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
	rd := &reader{mapping: m, header: src.Header, users: newUsers(list), loc: s.loc(), now: s.CRM.Clock.Now(),
		date1904: src.Date1904, rulesKeepTier: s.CRM.Classifier != nil}
	values := make([]*rowValues, len(src.Rows))
	for i, r := range src.Rows {
		values[i] = rd.read(r.Row, r.Cells)
	}
	p := &Plan{HeaderRow: src.HeaderRow, Header: src.Header, Mapping: m, Warnings: rd.notImported()}
	records := group(values)
	index := make(map[int]int, len(values)) // row number → index in p.Rows
	for i, v := range values {
		index[v.row] = i
		p.Rows = append(p.Rows, Row{Row: v.row, Notes: v.notes, Warnings: v.warnings})
	}
	claimed := map[string]int{} // stored customer id → the first row that updates it
	for _, r := range records {
		if err := s.plan(ctx, a, p, r, index, claimed, opt); err != nil {
			return nil, err
		}
	}
	// Rows without a record (no customer named) and the errors of each row.
	for i, v := range values {
		row := &p.Rows[i]
		for _, e := range v.errors {
			if e.Column == "" && e.cell > 0 {
				e.Column = rd.column(e.cell - 1)
			}
			row.Errors = append(row.Errors, e)
		}
		if len(row.Errors) > 0 {
			row.Action = Failed
			p.RowErrors++
		}
	}
	return p, nil
}

// plan works out one customer of the file: its match, its draft, the
// action of each of its rows.
func (s *Service) plan(ctx context.Context, a crm.Actor, p *Plan, r *record, index map[int]int, claimed map[string]int, opt Options) error {
	rows := make([]*Row, len(r.rows))
	for i, v := range r.rows {
		rows[i] = &p.Rows[index[v.row]]
	}
	first := r.rows[0]
	setAll := func(act Action) {
		for _, row := range rows {
			row.Action = act
		}
	}
	if r.failed() {
		r.failRest()
		return nil
	}
	existing, by, dups, err := s.match(ctx, r, opt)
	var ce *crm.Error
	switch {
	case errors.As(err, &ce) && ce.Code == crm.CodeBadUserInput:
		for _, pr := range problemOf(r, ce) {
			first.errors = append(first.errors, pr.Problem)
		}
		r.failRest()
		return nil
	case err != nil:
		return err
	}
	if len(dups) > 0 {
		setAll(Duplicate)
		rows[0].Customer = dups[0].ID
		for _, d := range dups {
			rows[0].Duplicates = append(rows[0].Duplicates, d.Code)
		}
		rows[0].Warnings = append(rows[0].Warnings, Problem{Reason: ReasonLikelyDuplicate, Params: map[string]any{"codes": rows[0].Duplicates},
			Message: fmt.Sprintf("no key matched, but %s shares the name or a phone: not imported (review it, or import with matchBy)",
				strings.Join(rows[0].Duplicates, ", "))})
		p.Duplicates++
		return nil
	}
	if existing != nil {
		if at, ok := claimed[existing.ID]; ok {
			first.errors = append(first.errors, Problem{Reason: ReasonConflictingRows, Params: map[string]any{"row": at},
				Message: fmt.Sprintf("row %d updates the same customer %s", at, existing.Code)})
			r.failRest()
			return nil
		}
		claimed[existing.ID] = first.row
	}
	var expected int64
	if existing != nil {
		expected = existing.Version
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
		return nil
	}
	if err != nil {
		return err
	}
	rows[0].Changes = d.Changes
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
	if d.Created || len(d.Changes) > 0 {
		dr := draft{customer: d.Customer, created: d.Created, expected: expected}
		for _, v := range r.rows {
			dr.rows = append(dr.rows, index[v.row])
		}
		p.drafts = append(p.drafts, dr)
	}
	return nil
}

// match finds the stored customer r updates: by its code, then its credit
// code, then the user's key; or, when none matches, the stored customers
// it is likely a duplicate of (same name key or phone). A code that no
// stored customer has makes a new customer with that code.
func (s *Service) match(ctx context.Context, r *record, opt Options) (existing *crm.Customer, by MatchKey, dups []*crm.Customer, err error) {
	store := s.CRM.Store.Customers()
	if r.code != "" {
		c, err := store.GetByCode(ctx, r.code)
		switch {
		case err == nil:
			return c, ByCode, nil, nil
		case !crm.IsCode(err, crm.CodeNotFound):
			return nil, "", nil, err
		}
	}
	full := func(c *crm.Customer) (*crm.Customer, error) { return store.Get(ctx, c.ID) }
	if r.credit != "" {
		found, err := store.FindMatches(ctx, crm.MatchQuery{CreditCode: r.credit, Limit: 1})
		if err != nil {
			return nil, "", nil, err
		}
		if len(found) == 1 && found[0].CreditCode == r.credit {
			c, err := full(found[0])
			return c, ByCreditCode, nil, err
		}
	}
	if r.code != "" {
		return nil, "", nil, nil // a new customer with the file's code
	}
	phones := phoneKeys(r.rec.Contacts)
	q := crm.MatchQuery{Name: r.nameKey, Phones: phones, Limit: 6}
	switch opt.MatchBy {
	case ByName:
		q.Phones = nil
	case ByPhone:
		q.Name = ""
	}
	if opt.MatchBy != "" && (q.Name != "" || len(q.Phones) > 0) {
		found, err := store.FindMatches(ctx, q)
		if err != nil {
			return nil, "", nil, err
		}
		switch len(found) {
		case 0:
		case 1:
			c, err := full(found[0])
			return c, opt.MatchBy, nil, err
		default:
			var codes []string
			for _, c := range found {
				codes = append(codes, c.Code)
			}
			return nil, "", nil, &crm.Error{Code: crm.CodeBadUserInput, Message: "several customers match",
				Fields: []crm.FieldError{{Field: keyField(opt.MatchBy), Reason: ReasonAmbiguousMatch, Params: map[string]any{"codes": codes},
					Message: fmt.Sprintf("matches %d customers (%s): give the customer code", len(found), strings.Join(codes, ", "))}}}
		}
	}
	q = crm.MatchQuery{Name: r.nameKey, Phones: phones, Limit: 5}
	if q.Name == "" && len(q.Phones) == 0 {
		return nil, "", nil, nil
	}
	found, err := store.FindMatches(ctx, q)
	return nil, "", found, err
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
