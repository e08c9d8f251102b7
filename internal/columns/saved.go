package columns

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/crm"
)

// Fingerprint identifies a header row, so that a mapping saved for one
// file is offered for the next with the same header: the folded headers
// (FoldHeader), in order, blank ones at the end dropped, hashed. Two rows
// that differ only in width, case, spaces, '*' or (必填) have the same one.
func Fingerprint(header []string) string {
	folded := make([]string, len(header))
	for i, h := range header {
		folded[i] = FoldHeader(h)
	}
	for len(folded) > 0 && folded[len(folded)-1] == "" {
		folded = folded[:len(folded)-1]
	}
	sum := sha256.Sum256([]byte(strings.Join(folded, "\x1f")))
	return "h1:" + hex.EncodeToString(sum[:16])
}

// Saved is a mapping as stored for the next file with the same header row
// (the user confirmed it): plain data, JSON and BSON.
type Saved struct {
	Fingerprint string        `json:"fingerprint" bson:"fingerprint"`
	Columns     []SavedColumn `json:"columns" bson:"columns"`
}

// SavedColumn is one column of a saved mapping.
type SavedColumn struct {
	Column  int    `json:"column" bson:"column"`
	Header  string `json:"header" bson:"header"`                       // as in the file, to show
	Field   string `json:"field,omitempty" bson:"field,omitempty"`     // "" when left out
	Unit    string `json:"unit,omitempty" bson:"unit,omitempty"`       // money columns: YUAN or TEN_THOUSAND
	Contact int    `json:"contact,omitempty" bson:"contact,omitempty"` // contact fields: which contact
}

// Save returns the mapping in its stored form.
func (m Mapping) Save() Saved {
	s := Saved{Fingerprint: m.Fingerprint, Columns: make([]SavedColumn, len(m.Columns))}
	for i, c := range m.Columns {
		sc := SavedColumn{Column: c.Index, Header: c.Header, Field: c.Field}
		if t, ok := c.Target(); ok {
			if t.Kind == Money {
				sc.Unit = UnitName(c.Unit)
			}
			if t.Group == Contact {
				sc.Contact = c.Contact
			}
		}
		s.Columns[i] = sc
	}
	return s
}

// Restore applies a saved mapping to a sheet with the same header row:
// Detect, then every saved column as the user's correction (Apply).
// Errors: BAD_USER_INPUT on "mapping", reason HEADER_CHANGED, when the
// header row's fingerprint is not the saved one; Apply's errors (a saved
// field that no longer exists), and mapping[i].unit NOT_ALLOWED_VALUE for
// a unit that is not one.
func Restore(s Saved, header []string, rows [][]string) (Mapping, error) {
	if fp := Fingerprint(header); fp != s.Fingerprint {
		p := crm.NewProblems()
		p.Fail("mapping", ReasonHeaderChanged, map[string]any{"fingerprint": s.Fingerprint},
			"the saved mapping is for another header row: the columns have changed")
		return Mapping{}, p.Err()
	}
	m := Detect(header, rows)
	cs := make([]Correction, len(s.Columns))
	p := crm.NewProblems()
	for i, sc := range s.Columns {
		cs[i] = Correction{Column: sc.Column, Field: sc.Field, Contact: sc.Contact}
		if sc.Unit != "" {
			u, ok := ParseUnit(sc.Unit)
			if !ok {
				p.Index("mapping", i).Fail("unit", crm.ReasonNotAllowed, map[string]any{"value": sc.Unit}, "is not a unit: use YUAN or TEN_THOUSAND")
			}
			cs[i].Unit = &u
		}
	}
	if p.HasErrors() {
		return m, p.Err()
	}
	return Apply(m, cs)
}

// UnitName is a unit's name in saved mappings and the API.
func UnitName(u cells.Unit) string {
	if u == cells.TenThousand {
		return "TEN_THOUSAND"
	}
	return "YUAN"
}

// ParseUnit reads a UnitName.
func ParseUnit(s string) (cells.Unit, bool) {
	switch s {
	case "YUAN":
		return cells.Yuan, true
	case "TEN_THOUSAND":
		return cells.TenThousand, true
	}
	return cells.Yuan, false
}
