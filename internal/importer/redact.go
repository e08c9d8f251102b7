package importer

import (
	"github.com/kehu-crm/kehu/internal/columns"
	"github.com/kehu-crm/kehu/internal/crm"
)

// Personal data never reaches the store through an import's own records.
// The rows kept for the result file, the problems and the rows' outcomes
// quote cells, and a cell may hold what Kehu does not store (PIPL; the
// seeds forbid it): a resident ID number or a home address, in a column of
// them (身份证号, 家庭住址) or typed into any other cell. The import never
// writes such a value to a customer (the API's validation refuses it); its
// records replace the whole string by Redacted before they are stored.

// Redacted stands for a value an import's records do not keep.
const Redacted = "〔已隐去：身份证号或家庭住址〕"

// redact returns s, or Redacted when s holds a resident ID number or a home
// address (companyAddress: s is a company address, where only explicit
// home wording counts, as crm.ContainsHomeAddress says).
func redact(s string, companyAddress bool) string {
	if crm.ContainsResidentID(s) || crm.ContainsHomeAddress(s, companyAddress) {
		return Redacted
	}
	return s
}

// redactParams returns params with their string values redacted (a copy
// when one changes).
func redactParams(params map[string]any) map[string]any {
	var out map[string]any
	for k, v := range params {
		s, ok := v.(string)
		if !ok {
			continue
		}
		if r := redact(s, false); r != s {
			if out == nil {
				out = make(map[string]any, len(params))
				for k2, v2 := range params {
					out[k2] = v2
				}
			}
			out[k] = r
		}
	}
	if out == nil {
		return params
	}
	return out
}

// redactRow returns the cells of a row as the result file keeps them: a
// column of personal data (by its header) and any cell holding such data
// redacted. cells is not modified.
func redactRow(m columns.Mapping, cells []string) []string {
	var out []string
	for i, c := range cells {
		if c == "" {
			continue
		}
		r := c
		if i < len(m.Columns) && m.Columns[i].PersonalData() {
			r = Redacted
		} else {
			r = redact(c, i < len(m.Columns) && m.Columns[i].Field == "address")
		}
		if r != c {
			if out == nil {
				out = append([]string(nil), cells...)
			}
			out[i] = r
		}
	}
	if out == nil {
		return cells
	}
	return out
}
