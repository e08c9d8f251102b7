package sheet

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// How a number format's cells are read. excelize renders a cell through its
// number format; Excel's own formats are made for the eye (03-01-23, a
// rounded 680,001, 1.23E+10), so the workbook's styles are rewritten in
// memory before reading:
//   - dates and times come out as yyyy-mm-dd, yyyy-mm-dd hh:mm[:ss] and
//     hh:mm[:ss], whatever the format (built-in 14 "short date", 22, the
//     CJK built-ins 27-36 and 50-58, custom "yyyy年m月d日", "m/d/yyyy" ...);
//   - plain numbers (General, 0.00, #,##0, currency, accounting, fractions,
//     scientific, text "@") come out as the value stored, in full, without
//     separators or symbols: 13912345678, 680000.5;
//   - formats whose rendering carries meaning the bare value lacks are kept:
//     percent (85%), literal text or a unit ("68万元"), zero padding
//     (00123), scaling (0.0,,), and elapsed time ([h]:mm).
type fmtClass int

const (
	fmtKeep  fmtClass = iota // excelize renders it as the format says
	fmtExact                 // the stored value
	fmtDate
	fmtDateTime
	fmtDateTimeSec
	fmtTime
	fmtTimeSec
)

// Built-in formats Excel does not write into styles.xml: ids 0-49 are
// fixed, 27-36 and 50-81 depend on the locale (here the CJK ones: dates,
// 时/分 times).
func builtinClass(id int) fmtClass {
	switch {
	case id == 9 || id == 10: // 0%, 0.00%
		return fmtKeep
	case id <= 13 || (37 <= id && id <= 44) || id == 48 || id == 49:
		return fmtExact
	case (14 <= id && id <= 17) || (27 <= id && id <= 31) || id == 36 || id == 50 || id == 51 || id == 54 || id == 57 || id == 58:
		return fmtDate
	case id == 22:
		return fmtDateTime
	case id == 18 || id == 20 || id == 32 || id == 34 || id == 52 || id == 55:
		return fmtTime
	case id == 19 || id == 21 || id == 33 || id == 35 || id == 53 || id == 56:
		return fmtTimeSec
	}
	return fmtKeep // 45-47 (mm:ss, [h]:mm:ss), Thai and other locales
}

// classify reads a custom number format code. One longer than Excel allows
// (255 characters) was not written by Excel: its cells are read exactly.
func classify(code string) fmtClass {
	if len(code) > 4*255 || utf8.RuneCountInString(code) > 255 {
		return fmtExact
	}
	lower := strings.ToLower(code)
	var y, mo, d, h, s, elapsed, percent, text, scaled bool
	zeros, maxZeros, inFraction := 0, 0, false // zero padding of the integer part
	rs := []rune(lower)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case hasPrefix(rs[i:], "general"):
			i += len("general") - 1
		case c == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			if meaningful(rs[i+1 : min(j, len(rs))]) {
				text = true // "万元", not "¥" or "-"
			}
			i = j
		case c == '\\':
			if i+1 < len(rs) && meaningful(rs[i+1:i+2]) {
				text = true
			}
			i++
		case c == '_' || c == '*': // a padding character follows
			i++
		case c == '[':
			j := i + 1
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if in := string(rs[i+1 : min(j, len(rs))]); in != "" && strings.Trim(in, "hms") == "" {
				elapsed = true
			}
			i = j
		case hasPrefix(rs[i:], "am/pm"):
			i += len("am/pm") - 1
		case hasPrefix(rs[i:], "a/p"):
			i += len("a/p") - 1
		case c == 'e' && i+1 < len(rs) && (rs[i+1] == '+' || rs[i+1] == '-'):
			i++ // scientific: read exactly
		case c == 'y' || c == 'e' || c == 'b' || c == 'g': // e, b, g: era and Buddhist years
			y = true
		case c == 'm':
			mo = true
		case c == 'd':
			d = true
		case c == 'h':
			h = true
		case c == 's':
			s = true
		case c == '%':
			percent = true
		case c == '0':
			if !inFraction {
				zeros++
				maxZeros = max(maxZeros, zeros)
			}
		case c == '#' || c == '?':
			zeros = 0
		case c == '.':
			inFraction = true // the fraction part: zeros there are decimals
		case c == ',':
			j := i + 1
			for j < len(rs) && rs[j] == ',' {
				j++
			}
			if j >= len(rs) || !strings.ContainsRune("0#?", rs[j]) {
				scaled = true // commas after the last digit divide by 1,000 each
			}
			i = j - 1
		case c == ';':
			zeros, inFraction = 0, false
		case meaningful([]rune{c}):
			text = true // unquoted literal: 元, 上午/下午 ...
		}
	}
	hasTime := h || s
	hasDate := y || d || (mo && !hasTime)
	switch {
	case elapsed:
		return fmtKeep
	case hasDate && hasTime && s:
		return fmtDateTimeSec
	case hasDate && hasTime:
		return fmtDateTime
	case hasDate:
		return fmtDate
	case s:
		return fmtTimeSec
	case hasTime:
		return fmtTime
	case percent || text || scaled || maxZeros >= 2:
		return fmtKeep
	}
	return fmtExact
}

func hasPrefix(rs []rune, p string) bool {
	for _, c := range p {
		if len(rs) == 0 || rs[0] != c {
			return false
		}
		rs = rs[1:]
	}
	return true
}

// meaningful reports whether a literal of a format says something a bare
// number does not (a unit: 万元), unlike a currency sign or a dash.
func meaningful(lit []rune) bool {
	for _, c := range lit {
		if unicode.IsLetter(c) || unicode.IsNumber(c) {
			return true
		}
	}
	return false
}

// Layouts of the date and time classes.
var layouts = map[fmtClass]string{
	fmtDate:        "2006-01-02",
	fmtDateTime:    "2006-01-02 15:04",
	fmtDateTimeSec: "2006-01-02 15:04:05",
	fmtTime:        "15:04",
	fmtTimeSec:     "15:04:05",
}

// A date or time cell is rendered by excelize as its serial number behind a
// marker naming its class, and turned into text by dateText: excelize's own
// date rendering costs some 30 µs a cell (3 s for 100,000 rows of the
// template's three dates), a plain number format a fifth of that. The
// marker is a control character (2 to 6), which XML cannot hold as such: a
// cell's text could only begin with one escaped as _x0002_, which no
// spreadsheet program writes there.
func markerCode(c fmtClass) string { return "\"" + string(rune(c)) + "\"0.##########" }

func markerClass(s string) (fmtClass, string, bool) {
	if s != "" && s[0] < 0x20 {
		if c := fmtClass(s[0]); layouts[c] != "" {
			return c, s[1:], true
		}
	}
	return 0, s, false
}

// dateText renders a cell excelize gave with a marker; a negative serial
// comes out as "-\x01…", a bare negative number, and so does a date or
// date-time serial under 1 (Excel's "1900-01-00") or past 9999-12-31.
func dateText(s string, date1904 bool) string {
	c, num, ok := markerClass(s)
	if !ok {
		if len(s) > 1 && s[0] == '-' {
			if _, rest, ok := markerClass(s[1:]); ok {
				return "-" + rest
			}
		}
		return s
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 || v >= 2958466 || (v < 1 && c != fmtTime && c != fmtTimeSec) {
		return num
	}
	t, err := excelize.ExcelDateToTime(v, date1904)
	if err != nil {
		return num
	}
	return t.Format(layouts[c])
}

// normalizeFormats rewrites the workbook's cell formats (in memory) so that
// excelize renders each cell as the class of its number format says. A cell
// of an exact class gets a number format id that is neither built in nor
// defined: excelize then gives the stored value.
func normalizeFormats(f *excelize.File) error {
	ss := f.Styles
	if ss == nil || ss.CellXfs == nil {
		return nil
	}
	custom := map[int]string{}
	if ss.NumFmts != nil {
		for _, nf := range ss.NumFmts.NumFmt {
			if nf == nil {
				continue
			}
			code := nf.FormatCode
			if nf.FormatCode16 != "" {
				code = nf.FormatCode16
			}
			if _, seen := custom[nf.NumFmtID]; !seen { // excelize uses the first
				custom[nf.NumFmtID] = code
			}
		}
	}
	exact := 163
	for exact > 0 && (custom[exact] != "" || isBuiltin(exact)) {
		exact--
	}
	classOf := func(id int) fmtClass {
		if code, ok := custom[id]; ok {
			return classify(code)
		}
		return builtinClass(id)
	}
	ids := map[int]int{}                // built-in format id → its replacement
	for i := range len(ss.CellXfs.Xf) { // not the styles NewStyle adds
		id := 0
		if p := f.Styles.CellXfs.Xf[i].NumFmtID; p != nil {
			id = *p
		}
		if _, isCustom := custom[id]; isCustom {
			if classOf(id) == fmtExact {
				f.Styles.CellXfs.Xf[i].NumFmtID = &exact
			}
			continue
		}
		to, done := ids[id]
		if !done {
			to = id
			switch c := builtinClass(id); c {
			case fmtExact:
				to = exact
			case fmtDate, fmtDateTime, fmtDateTimeSec, fmtTime, fmtTimeSec:
				// A format of the marker's code, through a new style.
				code := markerCode(c)
				style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
				if err != nil {
					return err
				}
				to = *f.Styles.CellXfs.Xf[style].NumFmtID
			}
			ids[id] = to
		}
		if to != id {
			f.Styles.CellXfs.Xf[i].NumFmtID = &to // NewStyle may have moved the slice
		}
	}
	if f.Styles.NumFmts != nil {
		for _, nf := range f.Styles.NumFmts.NumFmt {
			if nf == nil {
				continue
			}
			if _, isCustom := custom[nf.NumFmtID]; !isCustom {
				continue // a marker format added above
			}
			if c := classOf(nf.NumFmtID); layouts[c] != "" {
				nf.FormatCode, nf.FormatCode16 = markerCode(c), ""
			}
		}
	}
	return nil
}

func isBuiltin(id int) bool {
	return id <= 22 || (27 <= id && id <= 62) || (67 <= id && id <= 81)
}
