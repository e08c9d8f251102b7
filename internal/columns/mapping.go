package columns

import (
	"fmt"
	"strings"

	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/crm"
)

// Reasons of the warnings and problems of a mapping (crm.Reason, which
// clients translate), besides crm's REQUIRED, NOT_ALLOWED_VALUE,
// OUT_OF_RANGE, ID_NUMBER and HOME_ADDRESS.
const (
	// ReasonUnknownHeader (warning): no target has the column's header, or
	// it has none, and its values do not say what it is (params: column).
	ReasonUnknownHeader crm.Reason = "UNKNOWN_HEADER"
	// ReasonAmbiguousHeader (warning): the header may mean several targets
	// (类型, 日期) and the values do not rule all but one out (params:
	// column, fields).
	ReasonAmbiguousHeader crm.Reason = "AMBIGUOUS_HEADER"
	// ReasonUnsupportedUnit (warning): a money column in a unit Kehu does
	// not read (亿元, 千元, 美元) is left unmapped (params: column, unit).
	ReasonUnsupportedUnit crm.Reason = "UNSUPPORTED_UNIT"
	// ReasonValuesMismatch (warning): the sampled cells do not look like
	// the target's values (params: column, field, expected (a Kind),
	// found (creditCode, mobile, phone, email, website, date; absent when
	// none dominates), count, of).
	ReasonValuesMismatch crm.Reason = "VALUES_MISMATCH"
	// ReasonDuplicateColumn (problem): several columns give one value
	// that takes one (params: field, columns).
	ReasonDuplicateColumn crm.Reason = "DUPLICATE_COLUMN"
	// ReasonHeaderChanged (error of Restore): a saved mapping is for
	// another header row (params: fingerprint).
	ReasonHeaderChanged crm.Reason = "HEADER_CHANGED"
)

// SampleRows is how many data rows Detect looks at.
const SampleRows = 20

// How says how a column's target was decided.
type How uint8

const (
	NotMapped  How = iota // not mapped
	ByHeader              // the header is the target's Chinese or English name
	BySynonym             // the header is another name of the target
	BySniffing            // the values decided: a column without a known header, or an ambiguous one
	ByUser                // the user's correction, or a saved mapping
)

var howNames = [...]string{"", "header", "synonym", "sniffed", "user"}

func (h How) String() string {
	if int(h) < len(howNames) {
		return howNames[h]
	}
	return "how?"
}

// Confidence says how sure a mapping is.
type Confidence uint8

const (
	// Unsure: not mapped.
	Unsure Confidence = iota
	// Low: the header names the target but most sampled cells are not
	// its values (a warning says what they are).
	Low
	// Medium: the values alone decided (BySniffing); or the header names the
	// target and some sampled cells (up to half) are not its values.
	Medium
	// High: the user decided; or the header names the target and the
	// sampled cells agree (at least 80% of them), or nothing in them
	// contradicts it.
	High
)

var confidenceNames = [...]string{"", "low", "medium", "high"}

func (c Confidence) String() string {
	if int(c) < len(confidenceNames) {
		return confidenceNames[c]
	}
	return "confidence?"
}

// Warning is something about one column the user should look at; it
// does not stop the import.
type Warning struct {
	Reason  crm.Reason
	Message string         // English, naming the column
	Params  map[string]any // as crm.FieldError.Params
}

// Column is the decision about one column of the sheet.
type Column struct {
	Index  int    // from 0, in the sheet's order
	Header string // as in the file
	Field  string // the target's key; "" when the column is not imported
	// Unit is what a bare number counts, for a money target: from the
	// header ((万元)) or the user.
	Unit cells.Unit
	// Contact is, for a contact field, which contact of the row the
	// column is of: 1, or n for a header numbered n (联系人2, 电话2) when
	// the sheet has a name column numbered n too (else 电话2 is a second
	// phone of contact 1); 0 for other fields.
	Contact    int
	How        How
	Confidence Confidence
	// Candidates are the fields an ambiguous header may mean, for the
	// user to choose from.
	Candidates []string
	Warnings   []Warning

	ordinal      int  // the number after the header's name
	contactFixed bool // Contact was set by the user
	reason       crm.Reason
}

// Target returns the column's target; false when it is not imported.
func (c Column) Target() (Target, bool) { return Lookup(c.Field) }

// PersonalData reports whether the column's header names personal data
// Kehu does not keep (身份证号, 家庭住址): it is never imported.
func (c Column) PersonalData() bool {
	return c.reason == crm.ReasonIDNumber || c.reason == crm.ReasonHomeAddress
}

// Mapping is which target each column of a sheet is, with the problems of
// the whole header row (Problems, which Err returns) that stop an import.
type Mapping struct {
	Columns     []Column
	Problems    []crm.FieldError // on field "mapping": DUPLICATE_COLUMN, REQUIRED (no name column)
	Fingerprint string           // of the header row: see Fingerprint

	samples [][]string // per column, the non-empty cells of the first SampleRows rows
}

// Err returns the mapping's problems as a BAD_USER_INPUT error, nil when
// it has none.
func (m Mapping) Err() error {
	p := crm.NewProblems()
	for _, f := range m.Problems {
		p.AddError(f)
	}
	return p.Err()
}

// Samples returns the non-empty cells of column i among the sampled rows
// (at most SampleRows), to show the user; nil for a column out of range.
func (m Mapping) Samples(i int) []string {
	if i < 0 || i >= len(m.samples) {
		return nil
	}
	return append([]string(nil), m.samples[i]...)
}

// ColumnsOf returns the indexes of the columns mapped to a target.
func (m Mapping) ColumnsOf(key string) []int {
	var out []int
	for _, c := range m.Columns {
		if c.Field == key {
			out = append(out, c.Index)
		}
	}
	return out
}

// Detect maps a sheet's header row to targets, with the first data rows
// (at most SampleRows are read) to confirm each match or, for a column
// whose header names nothing, decide it. The sheet has as many columns as
// its header or its longest sampled row.
func Detect(header []string, rows [][]string) Mapping {
	rows = rows[:min(len(rows), SampleRows)]
	width := len(header)
	for _, r := range rows {
		width = max(width, len(r))
	}
	m := Mapping{Columns: make([]Column, width), samples: make([][]string, width), Fingerprint: Fingerprint(header)}
	for i := range width {
		h := ""
		if i < len(header) {
			h = header[i]
		}
		for _, r := range rows {
			if i < len(r) && cells.Fold(r[i]) != "" {
				m.samples[i] = append(m.samples[i], r[i])
			}
		}
		hm := MatchHeader(h)
		c := Column{Index: i, Header: h, Candidates: hm.Candidates, ordinal: hm.Ordinal, reason: hm.Reason}
		if hm.Field != "" {
			c.Field, c.How, c.Unit = hm.Field, hm.How, hm.Unit
			judge(&c, m.samples[i])
		}
		m.Columns[i] = c
	}
	taken := map[string]bool{}
	for _, c := range m.Columns {
		if c.Field != "" && !target(c.Field).Many {
			for _, k := range target(c.Field).Writes() {
				taken[k] = true
			}
		}
	}
	isTaken := func(key string) bool {
		t := target(key)
		if t.Many {
			return false
		}
		for _, k := range t.Writes() {
			if taken[k] {
				return true
			}
		}
		return false
	}
	for i := range m.Columns {
		c := &m.Columns[i]
		if c.Field != "" {
			continue
		}
		s := m.samples[i]
		var key string
		switch c.reason {
		case ReasonAmbiguousHeader:
			key = resolve(c.Candidates, s, isTaken)
		case ReasonUnknownHeader, "":
			if k := sniff(s); k != "" && !isTaken(k) {
				key = k
			}
		}
		if key != "" {
			c.Field, c.How, c.Unit, c.Confidence = key, BySniffing, cells.Yuan, Medium
			if !target(key).Many {
				for _, k := range target(key).Writes() {
					taken[k] = true
				}
			}
			continue
		}
		notImported(c, len(s) > 0)
	}
	finish(&m)
	return m
}

// notImported warns about a column left unmapped.
func notImported(c *Column, hasValues bool) {
	l := label(c.Index, c.Header)
	switch c.reason {
	case ReasonAmbiguousHeader:
		names := make([]string, len(c.Candidates))
		for i, k := range c.Candidates {
			names[i] = target(k).Zh + " (" + k + ")"
		}
		c.warn(ReasonAmbiguousHeader, map[string]any{"column": c.Index, "fields": c.Candidates},
			"column %s is not imported: it may mean %s; choose the field", l, strings.Join(names, " or "))
	case ReasonUnsupportedUnit:
		hm := MatchHeader(c.Header)
		c.warn(ReasonUnsupportedUnit, map[string]any{"column": c.Index, "unit": hm.UnitText},
			"column %s is not imported: Kehu reads amounts in 元 or 万元, not %s; convert the column, or write the unit in each cell (1.2亿)",
			l, hm.UnitText)
	case crm.ReasonIDNumber:
		c.warn(crm.ReasonIDNumber, map[string]any{"column": c.Index}, "column %s is not imported: Kehu keeps no ID numbers", l)
	case crm.ReasonHomeAddress:
		c.warn(crm.ReasonHomeAddress, map[string]any{"column": c.Index},
			"column %s is not imported: Kehu keeps no home addresses (a company's address goes to 公司地址)", l)
	case ReasonUnknownHeader:
		c.warn(ReasonUnknownHeader, map[string]any{"column": c.Index},
			"column %s is not imported: no field has this name; choose one, or leave the column out", l)
	default: // a blank header
		if hasValues {
			c.warn(ReasonUnknownHeader, map[string]any{"column": c.Index},
				"column %s is not imported: it has no header; choose a field, or leave the column out", l)
		}
	}
}

// finish numbers the contacts and checks the whole header row.
func finish(m *Mapping) {
	named := map[int]bool{} // contacts with a name column
	for _, c := range m.Columns {
		if c.Field == "contactName" || c.Field == "contactNameTitle" {
			if c.contactFixed {
				named[c.Contact] = true
			} else {
				named[max(c.ordinal, 1)] = true
			}
		}
	}
	for i := range m.Columns {
		c := &m.Columns[i]
		switch {
		case c.Field == "" || target(c.Field).Group != Contact:
			c.Contact = 0
		case c.contactFixed:
		case named[max(c.ordinal, 1)]:
			c.Contact = max(c.ordinal, 1)
		default:
			c.Contact = 1
		}
	}
	m.Problems = problems(m.Columns)
}

// problems checks the header row as a whole: a value that takes one
// column given by several, and no column naming the customer (its name;
// or its code or credit code: a file that updates customers already in
// Kehu needs no names, and a row of a new customer without one fails).
func problems(cols []Column) []crm.FieldError {
	type slot struct {
		key     string
		contact int
	}
	var order []slot
	by := map[slot][]int{}
	hasKey := false // a column that names the customer
	for _, c := range cols {
		if c.Field == "" {
			continue
		}
		t := target(c.Field)
		for _, k := range t.Writes() {
			hasKey = hasKey || k == "name" || k == "code" || k == "creditCode"
			if t.Many {
				continue
			}
			s := slot{k, c.Contact}
			if by[s] == nil {
				order = append(order, s)
			}
			by[s] = append(by[s], c.Index)
		}
	}
	var out []crm.FieldError
	for _, s := range order {
		idx := by[s]
		if len(idx) < 2 {
			continue
		}
		labels := make([]string, len(idx))
		for i, j := range idx {
			labels[i] = label(j, cols[j].Header)
		}
		what := target(s.key).Zh + " (" + s.key + ")"
		if s.contact > 1 {
			what += fmt.Sprintf(" of contact %d", s.contact)
		}
		all := "all"
		if len(idx) == 2 {
			all = "both"
		}
		out = append(out, crm.FieldError{Field: "mapping", Reason: ReasonDuplicateColumn,
			Params: map[string]any{"field": s.key, "columns": idx},
			Message: fmt.Sprintf("columns %s %s give %s, which takes one column: ignore all but one, or map them to other fields",
				strings.Join(labels, " and "), all, what)})
	}
	if !hasKey {
		out = append(out, crm.FieldError{Field: "mapping", Reason: crm.ReasonRequired, Params: map[string]any{"field": "name"},
			Message: "no column names the customer: map one to name (客户名称), or to code (客户编号) or creditCode (统一社会信用代码) to update customers already in Kehu"})
	}
	return out
}

// Correction is the user's choice for one column.
type Correction struct {
	Column int    // from 0
	Field  string // a target key; "" to leave the column out
	// Unit, for a money target: what a bare number counts; nil keeps the
	// header's (or yuan).
	Unit *cells.Unit
	// Contact, for a contact field: which contact of the row (1 ...); 0
	// lets the header decide.
	Contact int
}

// Apply returns m with the user's corrections, each column's warnings
// and confidence (High) computed again from its sampled cells, and the
// whole-header problems checked again (Mapping.Err). m is not changed.
// Errors: BAD_USER_INPUT on mapping[i].column (OUT_OF_RANGE: no such
// column; INVALID: corrected twice), mapping[i].field (NOT_ALLOWED_VALUE:
// no such target, params value and allowed, every key), mapping[i].unit
// and mapping[i].contact (NOT_ALLOWED_VALUE for a target without one,
// OUT_OF_RANGE); i is the correction's index. On error m is returned.
func Apply(m Mapping, corrections []Correction) (Mapping, error) {
	p := crm.NewProblems()
	seen := map[int]int{}
	for i, c := range corrections {
		pi := p.Index("mapping", i)
		if c.Column < 0 || c.Column >= len(m.Columns) {
			pi.Fail("column", crm.ReasonOutOfRange, map[string]any{"min": 0, "max": len(m.Columns) - 1},
				"column %d is not in the sheet, whose columns are 0 to %d", c.Column, len(m.Columns)-1)
			continue
		}
		if j, dup := seen[c.Column]; dup {
			pi.Fail("column", crm.ReasonInvalid, nil, "column %d is corrected twice (also by mapping[%d])", c.Column, j)
			continue
		}
		seen[c.Column] = i
		var t *Target
		if c.Field != "" {
			if t = target(c.Field); t == nil {
				pi.Fail("field", crm.ReasonNotAllowed, map[string]any{"value": c.Field, "allowed": Keys()},
					"unknown field %s: the fields are %s", quote(c.Field), strings.Join(Keys(), ", "))
				continue
			}
		}
		if c.Unit != nil {
			switch {
			case *c.Unit != cells.Yuan && *c.Unit != cells.TenThousand:
				pi.Fail("unit", crm.ReasonNotAllowed, map[string]any{"value": int(*c.Unit)}, "is not a unit: use YUAN or TEN_THOUSAND")
			case t == nil || t.Kind != Money:
				pi.Fail("unit", crm.ReasonNotAllowed, map[string]any{"value": UnitName(*c.Unit)},
					"only a money column has a unit (%s)", strings.Join(moneyKeys(), ", "))
			}
		}
		switch {
		case c.Contact < 0 || c.Contact > maxOrdinal:
			pi.Fail("contact", crm.ReasonOutOfRange, map[string]any{"min": 0, "max": maxOrdinal},
				"must be 0 (from the header) or a contact from 1 to %d", maxOrdinal)
		case c.Contact > 0 && (t == nil || t.Group != Contact):
			pi.Fail("contact", crm.ReasonNotAllowed, map[string]any{"value": c.Contact}, "only a contact field is of a contact")
		}
	}
	if p.HasErrors() {
		return m, p.Err()
	}
	out := m.clone()
	for _, c := range corrections {
		col := &out.Columns[c.Column]
		col.Field, col.How, col.Confidence, col.Warnings, col.Candidates = c.Field, ByUser, High, nil, nil
		col.Contact, col.contactFixed = c.Contact, c.Contact > 0
		col.Unit = cells.Yuan
		if c.Field == "" {
			continue
		}
		if c.Unit != nil {
			col.Unit = *c.Unit
		} else if u, ok, supported := unitOf(MatchHeader(col.Header).UnitText); ok && supported {
			col.Unit = u
		}
		judge(col, out.samples[c.Column])
	}
	finish(&out)
	return out, nil
}

func moneyKeys() []string {
	var keys []string
	for _, t := range catalog {
		if t.Kind == Money {
			keys = append(keys, t.Key)
		}
	}
	return keys
}

func (m Mapping) clone() Mapping {
	out := m
	out.Columns = make([]Column, len(m.Columns))
	for i, c := range m.Columns {
		c.Candidates = append([]string(nil), c.Candidates...)
		c.Warnings = append([]Warning(nil), c.Warnings...)
		out.Columns[i] = c
	}
	out.Problems = append([]crm.FieldError(nil), m.Problems...)
	return out
}
