package importer

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/kehu-crm/kehu/internal/crm"
)

// record is one customer of the file: the rows that give it, merged.
type record struct {
	rows    []*rowValues
	code    string
	credit  string
	nameKey string
	rec     crm.ImportRecord
	// from says where each value of rec came from, by crm's field path:
	// "name", "ownerId", "contacts[1]", "interactions[0]", "deals[2]".
	from map[string]ref
}

// failed reports whether a row of r has an error.
func (r *record) failed() bool {
	return slices.ContainsFunc(r.rows, func(v *rowValues) bool { return len(v.errors) > 0 })
}

// failRest gives each row of r without an error of its own one saying
// that another row's error stops the customer: none of its rows is written.
func (r *record) failRest() {
	bad := slices.IndexFunc(r.rows, func(w *rowValues) bool { return len(w.errors) > 0 })
	if bad < 0 {
		return
	}
	at := r.rows[bad].row
	for _, v := range r.rows {
		if len(v.errors) == 0 {
			v.errors = append(v.errors, Problem{Reason: ReasonSameCustomerFailed, Params: map[string]any{"row": at},
				Message: fmt.Sprintf("row %d of the same customer has an error: none of its rows is imported", at)})
		}
	}
}

// where returns the cell crm's field path came from: the path itself, or
// its first element (contacts[1] for contacts[1].phone), or the record's
// first row.
func (r *record) where(path string) ref {
	for p := path; p != ""; {
		if at, ok := r.from[p]; ok && at.row > 0 {
			return at
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return ref{row: r.rows[0].row, col: -1}
}

// rowKeys are the keys of a row that decide which customer of the file it
// is of (reader.keys): a valid customer code, a valid credit code, the
// company name's key.
type rowKeys struct {
	code, credit, nameKey string
}

// group gathers the rows of each customer, as indexes into keys, each
// group in row order, the groups in the order of their first rows: rows
// with the same customer code, else the same credit code, else the same
// company name (its key: width, punctuation and the legal form do not
// count) are one customer; a row with only a name joins the one group with
// a code or credit code of that name. Rows that name no customer at all
// are in no group.
func group(keys []rowKeys) [][]int {
	type grp struct {
		rowKeys
		rows []int
	}
	byKey := map[string]*grp{}
	var out []*grp
	for i, k := range keys {
		var key string
		switch {
		case k.code != "":
			key = "code:" + k.code
		case k.credit != "":
			key = "credit:" + k.credit
		case k.nameKey != "":
			key = "name:" + k.nameKey
		default:
			continue
		}
		g := byKey[key]
		if g == nil {
			g = &grp{rowKeys: k}
			byKey[key] = g
			out = append(out, g)
		}
		if g.nameKey == "" {
			g.nameKey = k.nameKey
		}
		g.rows = append(g.rows, i)
	}
	// Rows with only a name join the keyed customer of that name.
	keyed := map[string][]*grp{}
	for _, g := range out {
		if (g.code != "" || g.credit != "") && g.nameKey != "" {
			keyed[g.nameKey] = append(keyed[g.nameKey], g)
		}
	}
	var groups [][]int
	for _, g := range out {
		if g.code == "" && g.credit == "" {
			if to := keyed[g.nameKey]; len(to) == 1 {
				to[0].rows = append(to[0].rows, g.rows...)
				continue
			}
		}
		groups = append(groups, g.rows)
	}
	for _, rows := range groups {
		slices.Sort(rows)
	}
	slices.SortFunc(groups, func(a, b []int) int { return a[0] - b[0] })
	return groups
}

// newRecord merges the rows of one customer (in row order) into a record.
func newRecord(rows []*rowValues) *record {
	r := &record{rows: rows, from: map[string]ref{}}
	r.merge()
	return r
}

// merge builds r.rec from its rows in order: a customer field takes the
// first row's value that has one, and a later row with another value gets
// an error (CONFLICTING_ROWS); tags and collaborators add up; contacts of
// one name are one contact; history entries add up, each once.
func (r *record) merge() {
	fields := reflect.ValueOf(&r.rec.Fields).Elem()
	for _, v := range r.rows {
		conflict := func(field string, at ref, was, now any) {
			first := r.from[field]
			p := Problem{Field: field, Reason: ReasonConflictingRows, Params: map[string]any{"row": first.row},
				Message: fmt.Sprintf("row %d gives this customer's %s as %v, this row as %v", first.row, field, was, now)}
			if at.row == v.row {
				p.cell = at.col + 1
			}
			v.errors = append(v.errors, p)
		}
		if v.rec.Name != nil {
			switch {
			case r.rec.Name == nil:
				r.rec.Name = v.rec.Name
				r.from["name"] = v.from["name"]
			case *r.rec.Name != *v.rec.Name:
				conflict("name", v.from["name"], *r.rec.Name, *v.rec.Name)
			}
		}
		if r.code == "" {
			r.code = v.code
		}
		if r.credit == "" {
			r.credit = v.credit
		}
		if r.nameKey == "" {
			r.nameKey = v.nameKey
		}
		row := reflect.ValueOf(&v.rec.Fields).Elem()
		for i := range row.NumField() {
			name := apiName(row.Type().Field(i).Name)
			got, have := row.Field(i), fields.Field(i)
			switch {
			case got.IsNil():
			case got.Kind() == reflect.Slice:
				for j := range got.Len() {
					if x := got.Index(j).String(); !slices.Contains(have.Interface().([]string), x) {
						have.Set(reflect.Append(have, got.Index(j)))
					}
				}
				if _, ok := r.from[name]; !ok {
					r.from[name] = v.from[name]
				}
			case have.IsNil():
				have.Set(got)
				r.from[name] = v.from[name]
			case !reflect.DeepEqual(have.Elem().Interface(), got.Elem().Interface()):
				conflict(name, v.from[name], have.Elem().Interface(), got.Elem().Interface())
			}
		}
		for i, ct := range v.rec.Contacts {
			k := slices.IndexFunc(r.rec.Contacts, func(c crm.ContactInput) bool { return c.Name == ct.Name })
			if k < 0 {
				r.from[fmt.Sprintf("contacts[%d]", len(r.rec.Contacts))] = v.contacts[i]
				r.rec.Contacts = append(r.rec.Contacts, ct)
				continue
			}
			have := &r.rec.Contacts[k].ContactFields
			cf, hv := reflect.ValueOf(&ct.ContactFields).Elem(), reflect.ValueOf(have).Elem()
			for j := range cf.NumField() {
				got, was := cf.Field(j), hv.Field(j)
				switch {
				case got.IsNil():
				case was.IsNil():
					was.Set(got)
				case !reflect.DeepEqual(was.Elem().Interface(), got.Elem().Interface()):
					conflict(fmt.Sprintf("contacts[%d].%s", k, apiName(cf.Type().Field(j).Name)), v.contacts[i],
						was.Elem().Interface(), got.Elem().Interface())
				}
			}
		}
		for i, x := range v.rec.Interactions {
			if !slices.ContainsFunc(r.rec.Interactions, func(y crm.InteractionInput) bool { return y.At.Equal(*x.At) && y.Summary == x.Summary }) {
				r.from[fmt.Sprintf("interactions[%d]", len(r.rec.Interactions))] = v.interactions[i]
				r.rec.Interactions = append(r.rec.Interactions, x)
			}
		}
		for i, d := range v.rec.Deals {
			if !slices.ContainsFunc(r.rec.Deals, func(e crm.DealInput) bool {
				return e.Date.Equal(*d.Date) && e.Product == d.Product && e.Amount == d.Amount
			}) {
				r.from[fmt.Sprintf("deals[%d]", len(r.rec.Deals))] = v.deals[i]
				r.rec.Deals = append(r.rec.Deals, d)
			}
		}
	}
}

// apiName is the API's name of a Go field: CreditCode is creditCode,
// OwnerID is ownerId, WeChat is wechat.
func apiName(goName string) string {
	switch goName {
	case "WeChat":
		return "wechat"
	}
	s := strings.TrimSuffix(goName, "ID")
	if s != goName {
		s += "Id"
	}
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}
