package importer

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/crm"
)

// Reasons of the importer's own problems (crm's reasons for the rest).
const (
	// ReasonNotImported: a column Kehu recognises but does not write: a
	// figure it computes from the records (累计金额, 最近联系), a value
	// the classification rules keep (价值分级, 生命周期), a list of every
	// contact in one cell. A warning; the column is read no further.
	ReasonNotImported crm.Reason = "NOT_IMPORTED"
	// ReasonConflictingRows: two rows of one customer give it different
	// values (params: row, the other row). An error on the later row.
	ReasonConflictingRows crm.Reason = "CONFLICTING_ROWS"
	// ReasonLikelyDuplicate: no key matched, but stored customers share
	// the name or a phone (params: codes). The row is not written.
	ReasonLikelyDuplicate crm.Reason = "LIKELY_DUPLICATE"
	// ReasonAmbiguousMatch: the chosen key matches several stored
	// customers (params: codes). An error.
	ReasonAmbiguousMatch crm.Reason = "AMBIGUOUS_MATCH"
	// ReasonKeyMismatch: the row's customer code and credit code belong
	// to different stored customers, or its code to none while its credit
	// code is another's (params: code, the stored customer's). An error.
	ReasonKeyMismatch crm.Reason = "KEY_MISMATCH"
	// ReasonMasked: a contact detail masked for the user who exported the
	// file (139****5678). A warning; the cell is not imported (the
	// contact's value stays as it is).
	ReasonMasked crm.Reason = "MASKED"
	// ReasonSameCustomerFailed: the row is of a customer another row of
	// which has an error (params: row): none of its rows is written.
	ReasonSameCustomerFailed crm.Reason = "SAME_CUSTOMER_FAILED"
	// ReasonHistoryOmitted: a history cell of an export says that earlier
	// entries were left out to fit the cell (params: count). A warning; the
	// entries it holds are imported.
	ReasonHistoryOmitted crm.Reason = "HISTORY_OMITTED"
)

// Problem is an error or a warning about a row, naming the column.
type Problem struct {
	Column  string // the column as the spreadsheet shows it: "D 联系电话"; "" for the whole row
	Field   string // the field: a target key (contactPhone) or the record's path (contacts[1].phone)
	Reason  crm.Reason
	Message string
	Params  map[string]any

	cell int // the column's index + 1 when Column is still to be named; 0 for none
}

// Note is a normalisation applied to a cell ("68万" → "680000.00").
type Note struct {
	Column   string
	From, To string
}

// ref is where a value of a record came from: a row and a column.
type ref struct {
	row int // as the spreadsheet shows it
	col int // from 0; -1 for the row as a whole
}

// rowValues is what one data row gives: its keys, its part of a customer
// record, and where each value came from (by the record's field path).
type rowValues struct {
	row          int
	index        int    // in Source.Rows and Plan.Rows
	code         string // a customer code as given (valid format), "" for none
	credit       string // a valid credit code, normalised; "" for none
	nameKey      string // crm.CompanyNameKey of the name; "" for none
	rec          crm.ImportRecord
	from         map[string]ref // customer field (crm name) → its cell
	contacts     []ref          // the row's contacts, in rec.Contacts order: their first cell
	interactions []ref          // the row's interactions, in rec order: their cell
	deals        []ref          // the row's deals
	notes        []Note
	warnings     []Problem
	errors       []Problem
}

// users finds users by name or e-mail, as people write them in a 负责人
// column.
type users struct {
	byKey map[string][]*crm.User
}

func newUsers(list []*crm.User) users {
	u := users{byKey: map[string][]*crm.User{}}
	for _, x := range list {
		if x.Disabled {
			continue
		}
		for _, k := range []string{strings.ToLower(x.Email), cells.Fold(x.Name)} {
			if k != "" {
				u.byKey[k] = append(u.byKey[k], x)
			}
		}
	}
	return u
}

// find returns the id of the user s names; an error when none or several.
func (u users) find(s string) (string, *cells.Error) {
	k := cells.Fold(s)
	if strings.Contains(k, "@") {
		k = strings.ToLower(k)
	}
	switch found := u.byKey[k]; len(found) {
	case 1:
		return found[0].ID, nil
	case 0:
		return "", &cells.Error{Reason: crm.ReasonNotActiveUser, Params: map[string]any{"value": s},
			Message: fmt.Sprintf("%q is not an active user's name or e-mail", s)}
	default:
		return "", &cells.Error{Reason: ReasonAmbiguousMatch, Params: map[string]any{"value": s},
			Message: fmt.Sprintf("%q is the name of %d users: write their e-mail", s, len(found))}
	}
}

// reader reads data rows with a mapping.
type reader struct {
	mapping  columns.Mapping
	header   []string
	labels   map[int]string // each mapped column as the spreadsheet shows it: "D 联系电话"
	users    users
	loc      *time.Location
	date1904 bool
	// rulesKeepTier: a classifier keeps the value tier, so a tier column
	// is not imported.
	rulesKeepTier bool
	// key columns: the customer code, name and credit code (-1: none).
	codeCol, nameCol, creditCol int
}

func newReader(m columns.Mapping, header []string, u users, loc *time.Location, date1904, rulesKeepTier bool) *reader {
	r := &reader{mapping: m, header: header, labels: map[int]string{}, users: u, loc: loc, date1904: date1904,
		rulesKeepTier: rulesKeepTier, codeCol: -1, nameCol: -1, creditCol: -1}
	for _, c := range m.Columns {
		r.labels[c.Index] = label(c.Index, header)
		switch c.Field {
		case "code":
			r.codeCol = c.Index
		case "name":
			r.nameCol = c.Index
		case "creditCode":
			r.creditCol = c.Index
		}
	}
	return r
}

// ColumnLabel names column i (from 0) as problems do: its letter and
// header, "D 联系电话".
func ColumnLabel(i int, header string) string {
	h := make([]string, i+1)
	h[i] = header
	return label(i, h)
}

// label names column i as the spreadsheet shows it: its letter and header.
func label(i int, header []string) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		name = fmt.Sprint(i + 1)
	}
	if i < len(header) && strings.TrimSpace(header[i]) != "" {
		return name + " " + strings.TrimSpace(header[i])
	}
	return name
}

// column names column i (computed once per mapped column).
func (r *reader) column(i int) string {
	if l, ok := r.labels[i]; ok {
		return l
	}
	return label(i, r.header)
}

// keys reads a row's customer keys as read does, and nothing else.
func (r *reader) keys(cellsOf []string) rowKeys {
	cell := func(i int) string {
		if i < 0 || i >= len(cellsOf) {
			return ""
		}
		return cellsOf[i]
	}
	var k rowKeys
	if s := cells.Fold(cell(r.codeCol)); s != "" {
		if _, _, ok := crm.ParseCode(s); ok {
			k.code = s
		}
	}
	if s := cells.Fold(cell(r.creditCol)); s != "" {
		k.credit = creditKey(s)
	}
	if s := strings.TrimSpace(cell(r.nameCol)); cells.Fold(s) != "" && !cells.Placeholder(s) {
		k.nameKey = crm.CompanyNameKey(s)
	}
	return k
}

// creditKey is a credit code as stored when it is valid, else "".
func creditKey(s string) string {
	if k, ok := crm.CreditCodeKey(s); ok && crm.ValidCreditCode(k) {
		return k
	}
	return ""
}

// warnings returns the mapping's warnings about columns that are read but
// not written, once per file (the rows do not repeat them).
func (r *reader) notImported() []Problem {
	var out []Problem
	for _, c := range r.mapping.Columns {
		t, ok := c.Target()
		if !ok {
			continue
		}
		if why := r.skipped(t); why != "" {
			out = append(out, Problem{Column: r.column(c.Index), Field: t.Key, Reason: ReasonNotImported, Message: why})
		}
	}
	return out
}

// skipped says why a target's column is not written; "" when it is.
func (r *reader) skipped(t columns.Target) string {
	switch {
	case t.Group == columns.Figure:
		return fmt.Sprintf("%s is computed by Kehu from the interactions and deals: the column is not imported", t.En)
	case t.Key == "lifecycle":
		return "the lifecycle stage is kept by the classification rules: the column is not imported"
	case t.Key == "valueTier" && r.rulesKeepTier:
		return "the value tier is kept by the classification rules (override a customer's tier on its page): the column is not imported"
	case t.Key == "cadenceDays":
		return "a customer's follow-up cadence is set on its page: the column is not imported"
	}
	return ""
}

// read reads one data row.
func (r *reader) read(row int, cellsOf []string) *rowValues {
	v := &rowValues{row: row, from: map[string]ref{}}
	contacts := map[int]*crm.ContactInput{} // by Column.Contact
	contactRef := map[int]ref{}
	var contactOrder []int
	contact := func(n, col int) *crm.ContactInput {
		if ct, ok := contacts[n]; ok {
			return ct
		}
		ct := &crm.ContactInput{}
		contacts[n], contactRef[n] = ct, ref{row, col}
		contactOrder = append(contactOrder, n)
		return ct
	}
	fail := func(col int, field string, err error) {
		fe := cells.FieldError(field, err)
		v.errors = append(v.errors, Problem{Column: r.column(col), Field: field, Reason: fe.Reason, Message: fe.Message,
			Params: withValue(fe.Params, fe.Reason, cellsOf, col)})
	}
	note := func(col int, n cells.Note) {
		if !n.IsZero() {
			v.notes = append(v.notes, Note{Column: r.column(col), From: n.From, To: n.To})
		}
	}
	set := func(field string, dst **string, col int, s string) {
		if *dst != nil && **dst != s {
			// Two columns of one field (Many: notes): joined.
			s = **dst + "\n" + s
		}
		*dst = &s
		if _, ok := v.from[field]; !ok {
			v.from[field] = ref{row, col}
		}
	}
	f := &v.rec.Fields
	var listed []crm.ContactInput // from a column of every contact (全部联系人)
	var listedAt []ref
	for _, c := range r.mapping.Columns {
		t, ok := c.Target()
		if !ok || c.Index >= len(cellsOf) || r.skipped(t) != "" {
			continue
		}
		// Readers of package cells fold the cell themselves; free text is
		// kept as typed (full-width punctuation is Chinese text's own),
		// trimmed; codes and addresses are folded (６８ is 68).
		raw := cellsOf[c.Index]
		s := cells.Fold(raw)
		if s == "" {
			continue // an empty cell leaves the value alone
		}
		if cells.Placeholder(s) { // 无, -, N/A: read as empty, said in a note
			v.notes = append(v.notes, Note{Column: r.column(c.Index), From: strings.TrimSpace(raw)})
			continue
		}
		text := strings.TrimSpace(raw)
		col := c.Index
		switch t.Key {
		case "code":
			if _, _, ok := crm.ParseCode(s); !ok {
				fail(col, t.Key, &cells.Error{Reason: crm.ReasonInvalid, Params: map[string]any{"value": s},
					Message: fmt.Sprintf("%q is not a Kehu customer code (C, the year and month, a number: C202405001)", s)})
				continue
			}
			v.code = s
		case "name":
			set("name", &v.rec.Name, col, text)
			v.nameKey = crm.CompanyNameKey(text)
		case "creditCode":
			set("creditCode", &f.CreditCode, col, s)
			v.credit = creditKey(s)
		case "industry":
			set("industry", &f.Industry, col, text)
		case "employeeBand":
			set("employeeBand", &f.EmployeeBand, col, text)
		case "revenueBand":
			set("revenueBand", &f.RevenueBand, col, text)
		case "province":
			set("province", &f.Province, col, text)
		case "city":
			set("city", &f.City, col, text)
		case "address":
			set("address", &f.Address, col, text)
		case "website":
			set("website", &f.Website, col, s)
		case "mainBusiness":
			set("mainBusiness", &f.MainBusiness, col, text)
		case "source":
			set("source", &f.Source, col, text)
		case "commPreference":
			set("commPreference", &f.CommPreference, col, text)
		case "notes":
			set("notes", &f.Notes, col, text)
		case "region":
			province, city, ok := columns.SplitRegion(text)
			if !ok {
				fail(col, t.Key, &cells.Error{Reason: crm.ReasonInvalid, Params: map[string]any{"value": s},
					Message: fmt.Sprintf("%q does not start with a province (广东省深圳市, 北京市)", s)})
				continue
			}
			set("province", &f.Province, col, province)
			if city != "" {
				set("city", &f.City, col, city)
			}
		case "foundedOn":
			d, n, err := cells.Date(raw, cells.DateOptions{Date1904: r.date1904})
			if err != nil {
				fail(col, t.Key, err)
				continue
			}
			note(col, n)
			f.FoundedOn = &d
			v.from["foundedOn"] = ref{row, col}
		case "type", "stage", "valueTier", "intentGrade", "needType":
			val, n, err := t.Vocabulary.Read(raw)
			if err != nil {
				fail(col, t.Key, err)
				continue
			}
			note(col, n)
			switch t.Key {
			case "type":
				f.Type = ptr(crm.CustomerType(val))
			case "stage":
				f.Stage = ptr(crm.Stage(val))
			case "valueTier":
				f.ValueTier = ptr(crm.Tier(val))
			case "intentGrade":
				f.IntentGrade = ptr(crm.Tier(val))
			case "needType":
				f.NeedType = ptr(crm.NeedType(val))
			}
			v.from[t.Key] = ref{row, col}
		case "tags":
			tags, n := cells.Tags(raw)
			note(col, n)
			f.Tags = append(f.Tags, tags...)
			if _, ok := v.from["tags"]; !ok {
				v.from["tags"] = ref{row, col}
			}
		case "owner":
			id, err := r.users.find(s)
			if err != nil {
				fail(col, t.Key, err)
				continue
			}
			f.OwnerID = &id
			v.from["ownerId"] = ref{row, col}
		case "collaborators":
			names, _ := cells.Tags(raw)
			for _, name := range names {
				id, err := r.users.find(name)
				if err != nil {
					fail(col, t.Key, err)
					continue
				}
				f.Collaborators = append(f.Collaborators, id)
			}
			if _, ok := v.from["collaborators"]; !ok {
				v.from["collaborators"] = ref{row, col}
			}
		case "contacts":
			list, err := cells.Contacts(raw)
			if err != nil {
				fail(col, t.Key, err)
				continue
			}
			for _, x := range list {
				ct := crm.ContactInput{Name: x.Name}
				for _, kv := range []struct {
					s   string
					dst **string
				}{{x.Title, &ct.Title}, {x.Phone, &ct.Phone}, {x.Email, &ct.Email}, {x.WeChat, &ct.WeChat}} {
					if kv.s != "" {
						*kv.dst = ptr(kv.s)
					}
				}
				listed = append(listed, ct)
				listedAt = append(listedAt, ref{row, col})
			}
		case "interactions", "deals":
			read := cells.History
			if t.Key == "deals" { // a column of deals: "2022-12-01 产品A 1000元" is one
				read = cells.DealHistory
			}
			h, err := read(raw, r.loc, cells.DateOptions{Date1904: r.date1904})
			if err != nil {
				fail(col, t.Key, err)
				continue
			}
			for _, x := range h.Interactions {
				at := x.At
				v.rec.Interactions = append(v.rec.Interactions, crm.InteractionInput{At: &at, Channel: x.Channel, Summary: x.Summary})
				v.interactions = append(v.interactions, ref{row, col})
			}
			for _, d := range h.Deals {
				day := d.Date
				v.rec.Deals = append(v.rec.Deals, crm.DealInput{Date: &day, Product: d.Product, Amount: d.Amount})
				v.deals = append(v.deals, ref{row, col})
			}
			if h.Omitted > 0 {
				v.warnings = append(v.warnings, Problem{Column: r.column(col), Field: t.Key, Reason: ReasonHistoryOmitted,
					Params:  map[string]any{"count": h.Omitted},
					Message: fmt.Sprintf("the cell says %d earlier entries were left out (the export cuts a history to fit a cell): they are not imported", h.Omitted)})
			}
		default:
			if t.Group != columns.Contact {
				continue
			}
			ct := contact(max(c.Contact, 1), col)
			if (t.Key == "contactPhone" || t.Key == "contactEmail" || t.Key == "contactWechat") && strings.Contains(s, "**") {
				v.warnings = append(v.warnings, Problem{Column: r.column(col), Field: t.Key, Reason: ReasonMasked,
					Message: fmt.Sprintf("%q is masked (exported by a user who does not see this contact's details): not imported", s)})
				continue
			}
			switch t.Key {
			case "contactName":
				ct.Name = text
			case "contactNameTitle":
				name, title, _ := columns.SplitNameTitle(text)
				ct.Name = name
				if title != "" {
					ct.Title = &title
				}
			case "contactTitle":
				ct.Title = &text
			case "contactPhone":
				phones, n, err := cells.Phones(raw)
				if err != nil {
					fail(col, t.Key, err)
					continue
				}
				phone := phones[0]
				if len(phones) > 1 {
					v.warnings = append(v.warnings, Problem{Column: r.column(col), Field: t.Key, Reason: crm.ReasonTooMany,
						Params: map[string]any{"kept": phone, "value": strings.Join(phones[1:], ", ")},
						Message: fmt.Sprintf("a contact keeps one phone: %s is kept, %s not imported (give another contact its number, or keep it in the notes)",
							phone, strings.Join(phones[1:], ", "))})
				}
				if ct.Phone != nil && *ct.Phone != phone {
					v.warnings = append(v.warnings, Problem{Column: r.column(col), Field: t.Key, Reason: crm.ReasonTooMany,
						Params:  map[string]any{"kept": *ct.Phone, "value": phone},
						Message: fmt.Sprintf("a contact keeps one phone: %s is kept, %s is not imported", *ct.Phone, phone)})
					continue
				}
				note(col, n)
				ct.Phone = &phone
			case "contactEmail":
				ct.Email = &s
			case "contactWechat":
				ct.WeChat = &s
			case "contactRole":
				val, n, err := t.Vocabulary.Read(raw)
				if err != nil {
					fail(col, t.Key, err)
					continue
				}
				note(col, n)
				ct.Role = ptr(crm.ContactRole(val))
			}
		}
	}
	for _, n := range contactOrder {
		ct := contacts[n]
		if strings.TrimSpace(ct.Name) == "" {
			v.errors = append(v.errors, Problem{Column: r.column(contactRef[n].col), Field: "contactName", Reason: crm.ReasonRequired,
				Message: "a contact needs a name: this row gives a contact's details without one"})
			continue
		}
		v.rec.Contacts = append(v.rec.Contacts, *ct)
		v.contacts = append(v.contacts, contactRef[n])
	}
	v.rec.Contacts = append(v.rec.Contacts, listed...)
	v.contacts = append(v.contacts, listedAt...)
	return v
}

func ptr[T any](v T) *T { return &v }

// withValue returns a cell's problem parameters with the cell as "value"
// (cells.Excerpt: a job keeps up to crm.MaxImportErrors problems, not
// whole cells), so that a client words the problem naming it; not for
// personal data, which no record keeps (redact.go).
func withValue(params map[string]any, reason crm.Reason, cellsOf []string, col int) map[string]any {
	if _, ok := params["value"]; ok || col < 0 || col >= len(cellsOf) || reason == crm.ReasonIDNumber || reason == crm.ReasonHomeAddress {
		return params
	}
	out := make(map[string]any, len(params)+1)
	for k, v := range params {
		out[k] = v
	}
	out["value"] = cells.Excerpt(cellsOf[col])
	return out
}
