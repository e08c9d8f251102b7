package columns

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/crm"
)

// shape is what a cell looks like, as a set: a mobile number is also a
// phone number, an amount and a whole number.
type shape uint16

const (
	shCreditCode shape = 1 << iota // passes crm.ValidCreditCode
	shMobile                       // 1[3-9] and 9 digits, as cells.Phone reads it
	shPhone                        // any number cells.Phone reads
	shEmail
	shWebsite
	shDate    // cells.Date reads it
	shTime    // cells.DateTime reads it
	shInt     // a whole number (30, 30天)
	shNumber  // a decimal number
	shHistory // cells.History reads it
	shDeals   // ... and finds only deals in it
	shRegion  // SplitRegion reads it
	// shSerial: a bare number cells.Date or DateTime reads as Excel's
	// serial (45000 = 2023-03-15). A date column may hold them, but they
	// say nothing about a column: 12345 in a 手机 column is a short
	// number, not a date.
	shSerial
)

// strongShapes are the shapes that say what a column is, in the order a
// message prefers them.
var strongShapes = []shape{shCreditCode, shEmail, shMobile, shPhone, shWebsite, shDate}

func (s shape) String() string {
	switch s {
	case shCreditCode:
		return "creditCode"
	case shMobile:
		return "mobile"
	case shPhone:
		return "phone"
	case shEmail:
		return "email"
	case shWebsite:
		return "website"
	case shDate:
		return "date"
	}
	return "other"
}

// plural names a strong shape in a message.
func (s shape) plural() string {
	switch s {
	case shCreditCode:
		return "credit codes"
	case shMobile:
		return "mobile numbers"
	case shPhone:
		return "phone numbers"
	case shEmail:
		return "e-mail addresses"
	case shWebsite:
		return "websites"
	case shDate:
		return "dates"
	}
	return "other values"
}

var (
	intRe    = regexp.MustCompile(`^\d{1,9} ?(?:天|日|次|个|笔)?$`)
	numberRe = regexp.MustCompile(`^\d{1,12}(?:\.\d+)?$`)
	wwwRe    = regexp.MustCompile(`^www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/\S*)?$`)
)

// classify says what a cell looks like. The readers of package cells get
// the cell as typed: they fold it themselves, and a history cell's ，is
// not a ,.
func classify(cell string) shape {
	t := cells.Fold(cell)
	var s shape
	if _, ok := crm.CreditCodeKey(t); ok {
		s |= shCreditCode
	}
	if crm.ValidEmail(crm.NormalizeIdentifier(t)) {
		s |= shEmail
	}
	if ps, _, err := cells.Phones(cell); err == nil { // a cell may list several
		s |= shPhone
		if p := ps[0]; len(p) == 11 && p[0] == '1' {
			s |= shMobile
		}
	}
	if crm.ValidWebsite(t) || wwwRe.MatchString(strings.ToLower(t)) {
		s |= shWebsite
	}
	dateShape, timeShape := shDate, shTime
	if numberRe.MatchString(t) {
		dateShape, timeShape = shSerial, shSerial
	}
	if _, _, err := cells.Date(cell, cells.DateOptions{}); err == nil {
		s |= dateShape
	}
	if _, _, err := cells.DateTime(cell, crm.DefaultLocation, cells.DateOptions{}); err == nil {
		s |= timeShape
	}
	if intRe.MatchString(t) {
		s |= shInt
	}
	if numberRe.MatchString(t) {
		s |= shNumber
	}
	if h, err := cells.History(cell, crm.DefaultLocation, cells.DateOptions{}); err == nil {
		s |= shHistory
		if len(h.Interactions) == 0 {
			s |= shDeals
		}
	}
	if _, _, ok := SplitRegion(t); ok {
		s |= shRegion
	}
	return s
}

// check returns the test a cell of t in unit passes, and what such cells
// are called in a message; nil for a target whose cells can be anything.
func check(t *Target, unit cells.Unit) (func(cell string, sh shape) bool, string) {
	has := func(want shape) func(string, shape) bool {
		return func(_ string, sh shape) bool { return sh&want != 0 }
	}
	switch t.Kind {
	case CreditCode:
		return has(shCreditCode), "credit codes"
	case Phone:
		return has(shPhone), "phone numbers"
	case Email:
		return has(shEmail), "e-mail addresses"
	case Website:
		return has(shWebsite), "websites"
	case Date:
		return has(shDate | shSerial), "dates"
	case Time:
		return has(shTime | shSerial), "dates or times"
	case Int:
		return has(shInt), "whole numbers"
	case Float:
		return has(shNumber), "numbers"
	case History:
		return has(shHistory), "history entries (2023-01-01 电话联系，了解需求)"
	case Region:
		return has(shRegion), "places (广东省深圳市)"
	case Money:
		return func(cell string, _ shape) bool {
			_, _, err := cells.Money(cell, unit)
			return err == nil
		}, "amounts"
	case Enum:
		return func(cell string, _ shape) bool {
			_, _, err := t.Vocabulary.Read(cell)
			return err == nil
		}, "values of " + t.Zh + " (" + strings.Join(t.Vocabulary.Values(), ", ") + ")"
	}
	if t.looks != nil {
		return func(cell string, _ shape) bool { return t.looks(cell) }, "values of " + t.Zh
	}
	return nil, ""
}

// allowed are strong shapes a free-text target may hold without a
// warning: a WeChat ID is often the mobile number, a user may be named by
// e-mail.
func allowed(t *Target, sh shape) bool {
	switch t.Kind {
	case WeChat:
		return sh == shMobile || sh == shPhone
	case User, Users:
		return sh == shEmail
	case Contacts, History:
		return true
	}
	return false
}

// evidence is what the sampled cells of a column say about a target.
type evidence struct {
	of      int    // non-empty sampled cells
	match   int    // cells the target's check passes; -1 for a target without one
	what    string // what the check wants, for messages
	found   shape  // a strong shape most of the cells that fail have (all cells without a check); 0 when none
	foundN  int
	example string // a cell that fails the check
}

func examine(t *Target, unit cells.Unit, samples []string) evidence {
	ok, what := check(t, unit)
	ev := evidence{of: len(samples), match: -1, what: what}
	if ok != nil {
		ev.match = 0
	}
	counts := map[shape]int{}
	bad := 0
	for _, s := range samples {
		sh := classify(s)
		if ok != nil && ok(s, sh) {
			ev.match++
			continue
		}
		bad++
		if ev.example == "" {
			ev.example = s
		}
		for _, st := range strongShapes {
			if sh&st != 0 && !allowed(t, st) {
				counts[st]++
			}
		}
	}
	for _, st := range strongShapes {
		if n := counts[st]; n*2 > bad && n > ev.foundN {
			ev.found, ev.foundN = st, n
		}
	}
	return ev
}

// judge sets how sure a column's mapping is from its sampled cells, with
// a warning when they do not look like the target's values.
func judge(c *Column, samples []string) {
	c.Warnings = nil
	t := target(c.Field)
	ev := examine(t, c.Unit, samples)
	c.Confidence = High
	switch {
	case ev.of == 0:
	case ev.match >= 0:
		if ev.match*5 >= ev.of*4 {
			break
		}
		c.Confidence = Low
		if ev.match*2 >= ev.of {
			c.Confidence = Medium
		}
		params := map[string]any{"column": c.Index, "field": c.Field, "expected": t.Kind.String(),
			"count": ev.of - ev.match, "of": ev.of}
		if ev.found != 0 {
			params["found"] = ev.found.String()
			c.warn(ReasonValuesMismatch, params, "column %s holds %s (%d of %d sampled cells), not %s",
				label(c.Index, c.Header), ev.found.plural(), ev.foundN, ev.of, ev.what)
		} else {
			c.warn(ReasonValuesMismatch, params, "%d of %d sampled cells of column %s are not %s (e.g. %s)",
				ev.of-ev.match, ev.of, label(c.Index, c.Header), ev.what, quote(ev.example))
		}
	case ev.found != 0 && ev.foundN*5 >= ev.of*4:
		c.Confidence = Low
		c.warn(ReasonValuesMismatch, map[string]any{"column": c.Index, "field": c.Field, "expected": t.Kind.String(),
			"found": ev.found.String(), "count": ev.foundN, "of": ev.of},
			"column %s holds %s (%d of %d sampled cells), not %s values", label(c.Index, c.Header), ev.found.plural(),
			ev.foundN, ev.of, t.Zh)
	}
	if c.How == ByUser {
		c.Confidence = High
	}
}

// sniff names the target a column without a known header is, when every
// sampled cell (two at least) says the same: credit codes, e-mail
// addresses, mobile numbers, websites or history cells.
func sniff(samples []string) string {
	if len(samples) < minSniff {
		return ""
	}
	all := ^shape(0)
	for _, s := range samples {
		all &= classify(s)
	}
	switch {
	case all&shCreditCode != 0:
		return "creditCode"
	case all&shEmail != 0:
		return "contactEmail"
	case all&shMobile != 0:
		return "contactPhone"
	case all&shWebsite != 0:
		return "website"
	case all&shDeals != 0:
		return "deals"
	case all&shHistory != 0:
		return "interactions"
	}
	return ""
}

// minSniff is how many non-empty sampled cells a column needs before its
// values decide what it is.
const minSniff = 2

// resolve picks the one target an ambiguous header means when its values
// rule out every other: a candidate whose check fails on a sampled cell is
// out, as is one another column has taken, and one must be left after the
// values ruled out one at least (名称 holding names stays ambiguous, even
// with the company's name in another column).
func resolve(cands []string, samples []string, taken func(string) bool) string {
	if len(samples) < minSniff || len(cands) < 2 {
		return ""
	}
	left, ruledOut := "", false
	for _, k := range cands {
		t := target(k)
		if t == nil {
			continue
		}
		if ev := examine(t, cells.Yuan, samples); ev.match >= 0 && ev.match < ev.of {
			ruledOut = true
			continue
		}
		if taken(k) {
			continue
		}
		if left != "" {
			return ""
		}
		left = k
	}
	if !ruledOut {
		return ""
	}
	return left
}

// Letter is a column's name as spreadsheets show it: A, B, ..., AA.
func Letter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// label names a column in a message: C "公司名称".
func label(i int, header string) string {
	if cells.Fold(header) == "" {
		return Letter(i) + " (no header)"
	}
	return Letter(i) + " " + quote(header)
}

// quote quotes a header or cell for a message, cut to 40 characters.
func quote(s string) string {
	s = strings.ToValidUTF8(strings.TrimSpace(s), "\uFFFD")
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}

func (c *Column) warn(reason crm.Reason, params map[string]any, format string, args ...any) {
	c.Warnings = append(c.Warnings, Warning{Reason: reason, Params: params, Message: fmt.Sprintf(format, args...)})
}
