package crm

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Personal data the seeds forbid storing (隐私保护): resident identity
// numbers anywhere, home addresses in contact fields and free text. One
// normalisation (NormalizeText) comes before one check (PersonalData), and
// the check runs on every string a write stores (CheckStored), whatever
// field it comes from.

// NormalizeText is the normalisation every check of stored text reads
// (normalizeRune, which MaskFreeText reads too: NFKC, invisible characters
// removed, decimal digits of every script, dingbat digits and Chinese
// numerals written as ASCII), with
// the separators people put inside numbers (spaces, dashes, dots, brackets,
// slashes, underscores) removed between two digits and between a digit and
// a final X. It is for checking only: stored values keep what the user
// wrote.
func NormalizeText(s string) string {
	return string(joinDigitRuns(normalizeRunes(s, true, make([]rune, 0, len(s)))))
}

// foldForCheck is the normalisation without Chinese numerals and without
// joining digit runs, for the home-address wording (两室一厅 is not a
// flat number).
func foldForCheck(s string) string {
	return string(normalizeRunes(s, false, make([]rune, 0, len(s))))
}

// isNumberSeparator reports what people put between digit groups.
func isNumberSeparator(r rune) bool {
	return isDigitSeparator(r) || r == '/' || r == '_' || r == '\t' || r == '\n' || r == '\r'
}

// joinDigitRuns removes separators between two digits, and between a digit
// and an X or x that ends a word.
func joinDigitRuns(rs []rune) []rune {
	out := rs[:0] // never longer than what it has read
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if isNumberSeparator(r) && len(out) > 0 && isASCIIDigitRune(out[len(out)-1]) {
			j := i
			for j < len(rs) && isNumberSeparator(rs[j]) {
				j++
			}
			if j < len(rs) && (isASCIIDigitRune(rs[j]) ||
				((rs[j] == 'X' || rs[j] == 'x') && (j+1 == len(rs) || !isAlnum(rs[j+1])))) {
				i = j - 1
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

func isAlnum(r rune) bool {
	return isASCIIDigitRune(r) || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

// ContainsResidentID reports whether text holds a resident identity number
// once normalised (NormalizeText: also in Chinese numerals): 17 digits and a check character (X or x
// too) anywhere in a run of digits, even inside a longer one; or a
// first-generation 15-digit number (a real birth date in 19yymmdd) in a run
// of 15 to 17 digits.
func ContainsResidentID(text string) bool {
	if !mayHoldDigits(text, 15) {
		return false
	}
	s := NormalizeText(text)
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		run := s[i:j]
		if j < len(s) && (s[j] == 'X' || s[j] == 'x') {
			run += "X"
		}
		if runHoldsID(run) {
			return true
		}
		i = j
	}
	return false
}

func runHoldsID(run string) bool {
	for k := 0; k+18 <= len(run); k++ {
		if ValidResidentID(run[k : k+18]) {
			return true
		}
	}
	if n := len(strings.TrimSuffix(run, "X")); n >= 15 && n <= 17 {
		for k := 0; k+15 <= n; k++ {
			if validResidentID15(run[k : k+15]) {
				return true
			}
		}
	}
	return false
}

// mayHoldDigits is a cheap look before normalising: fewer than n runes that
// could be digits (ASCII digits, Chinese numerals, or non-ASCII runes
// outside the CJK ideographs) mean no number of n digits.
func mayHoldDigits(s string, n int) bool {
	count := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			count++
		case c >= 0xE4 && c <= 0xE9:
			if isChineseDigitAt(s, i) {
				count++
			}
		case c >= 0xC0:
			count++ // the lead byte of a rune that is not a CJK ideograph
		}
		if count >= n {
			return true
		}
	}
	return false
}

var residentIDWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const residentIDChecks = "10X98765432"

// validProvince reports whether the first two digits are a province-level
// region code of GB/T 2260 (11 Beijing ... 65 Xinjiang, 71 Taiwan, 81-83
// Hong Kong, Macao, Taiwan residence permits).
func validProvince(s string) bool {
	switch s[:2] {
	case "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
		"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
		"71", "81", "82", "83":
		return true
	}
	return false
}

// ValidResidentID reports whether s is an 18-character Chinese resident
// identity number (GB 11643): a province code, a real birth date from
// 1900 on, a correct check character (X or x).
func ValidResidentID(s string) bool {
	if len(s) != 18 || !validProvince(s) {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * residentIDWeights[i]
	}
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	if last != residentIDChecks[sum%11] {
		return false
	}
	return realDate(s[6:14])
}

// validResidentID15 reports whether s is a first-generation 15-digit
// number: a province code and a real birth date 19yymmdd.
func validResidentID15(s string) bool {
	if len(s) != 15 || !validProvince(s) {
		return false
	}
	for i := 0; i < 15; i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return realDate("19" + s[6:12])
}

func realDate(yyyymmdd string) bool {
	d, err := time.Parse("20060102", yyyymmdd)
	return err == nil && d.Year() >= 1900 && d.Year() < 2100
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

var (
	// Home wording followed by an address: a place word within 20
	// characters.
	homeWordRe = regexp.MustCompile(`(家庭住址|家庭地址|家庭住所|住址|家住|住所|居住地|现住)[\s:=是在为位于]{0,4}[^。；;,，\n]{0,20}?(省|市|区|县|镇|乡|村|路|街|道|巷|弄|号|栋|幢|楼|单元|室|小区|花园|公寓|苑|庄|屯|里)`)
	// 住宅 followed by a numbered place.
	residenceRe = regexp.MustCompile(`住宅[^。；;\n]{0,20}?\d+\s*(号|栋|幢|楼|单元|室|层)`)
	// A residential compound with a flat: a building and a flat or unit
	// number (3栋301, 5号楼1202), a unit or a room (2单元, 301室), or
	// dashed numbers (8-2-301). A compound with only a count of buildings
	// (小区共12栋) is not an address.
	compoundRe = regexp.MustCompile(`(小区|新村|家园|公寓|宿舍)[^。；;\n]{0,15}?(\d+\s*(栋|幢|号楼|座|楼|号)\s*\d+|\d+\s*(单元|室)|\d+\s*-\s*\d+)`)
	// Building and unit (3栋2单元301), unit and room (2单元301室).
	unitRe = regexp.MustCompile(`\d+\s*(栋|幢|号楼|座)\s*\d+\s*单元|\d+\s*单元\s*\d+`)
)

// ContainsHomeAddress reports home-address wording in text: 家庭住址,
// 住址, 家住 ... followed by an address, 住宅 with a numbered place, a
// 小区 (新村, 家园, 公寓, 宿舍) with a flat (3栋301, 2单元, 1202室, 8-2-301),
// or a building and unit (3栋2单元301). In a company address field only the
// explicit home wording counts (companyAddress true): 某某路88号某大厦
// 1201室 is a company's address.
func ContainsHomeAddress(text string, companyAddress bool) bool {
	if !mayHoldHomeWords(text) {
		return false
	}
	s := foldForCheck(text)
	if homeWordRe.MatchString(s) {
		return true
	}
	if companyAddress {
		return false
	}
	return residenceRe.MatchString(s) || compoundRe.MatchString(s) || unitRe.MatchString(s)
}

// mayHoldHomeWords is a cheap look: every rule needs one of these
// characters, or a rune that NFKC may turn into one (Kangxi radicals,
// compatibility ideographs).
func mayHoldHomeWords(s string) bool {
	for _, w := range []string{"住", "家", "区", "村", "园", "寓", "舍", "单"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	for _, r := range s {
		if (r >= 0x2e80 && r <= 0x2fdf) || (r >= 0xf900 && r <= 0xfaff) || r >= 0x2f800 {
			return true
		}
	}
	return false
}

// PersonalData checks one string that is about to be stored at field (a
// path such as "contacts[0].email"; "address" is the company address) and
// returns the field error to report, or false.
func PersonalData(field, s string) (FieldError, bool) {
	switch {
	case ContainsResidentID(s):
		return FieldError{Field: field, Reason: ReasonIDNumber,
			Message: "must not contain a resident ID number: Kehu does not store ID numbers (隐私保护：禁止记录证件号码)"}, true
	case ContainsHomeAddress(s, field == "address"):
		return FieldError{Field: field, Reason: ReasonHomeAddress,
			Message: "must not contain a home address: Kehu stores company addresses only (隐私保护：禁止记录家庭住址)"}, true
	}
	return FieldError{}, false
}

// checkPersonal records the PersonalData problem of s at field in p.
func checkPersonal(p Problems, field, s string) bool {
	if f, bad := PersonalData(field, s); bad {
		p.AddError(f)
		return true
	}
	return false
}

// CheckStored checks every string of doc (a struct, or a pointer to one,
// with nested structs, slices, maps and interface values) that is about to
// be stored, and returns BAD_USER_INPUT naming each offending field by its
// storage path ("interactions[3].summary"). Strings in before (the values
// the stored version already held) are not checked again, so a write costs
// what it changes; before may be nil. Identifiers (_id, id, fields ending
// in Id, Ids or By, participants, collaborators), timestamps and
// passwordHash are not personal text and are skipped. This is the backstop behind field validation: a field added
// later is checked without anyone remembering to.
func CheckStored(doc any, before map[string]struct{}) error {
	p := NewProblems()
	var w strWalker
	w.visit = func(s string) {
		if s == "" {
			return
		}
		if _, ok := before[s]; ok {
			return
		}
		if f, bad := PersonalData(w.path(), s); bad {
			p.AddError(f)
		}
	}
	w.walk(reflect.ValueOf(doc))
	return p.Err()
}

// StoredStrings returns the set of strings doc holds, for CheckStored.
func StoredStrings(doc any) map[string]struct{} {
	set := map[string]struct{}{}
	w := strWalker{visit: func(s string) { set[s] = struct{}{} }}
	w.walk(reflect.ValueOf(doc))
	return set
}

// walkStrings calls visit with the path (under prefix) and value of every
// string in v.
func walkStrings(v reflect.Value, prefix string, visit func(path, s string)) {
	var w strWalker
	w.visit = func(s string) { visit(join(prefix, w.path()), s) }
	w.walk(v)
}

// strWalker visits every string of a value; the path of the current one
// is rendered only when asked for (path), so walking a large document
// costs no string building.
type strWalker struct {
	stack []pathSeg
	visit func(s string)
	// value, when set, is called instead of visit with the string's
	// reflect.Value (settable inside a document reached by pointer).
	value func(v reflect.Value)
}

type pathSeg struct {
	name  string
	index int // -1 for a name
}

func (w *strWalker) path() string {
	var b strings.Builder
	for _, seg := range w.stack {
		if seg.index >= 0 {
			fmt.Fprintf(&b, "[%d]", seg.index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg.name)
	}
	return b.String()
}

func (w *strWalker) walk(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			w.walk(v.Elem())
		}
	case reflect.String:
		if w.value != nil {
			w.value(v)
		} else {
			w.visit(v.String())
		}
	case reflect.Struct:
		for _, f := range storedFields(v.Type()) {
			w.stack = append(w.stack, pathSeg{name: f.name, index: -1})
			w.walk(v.Field(f.index))
			w.stack = w.stack[:len(w.stack)-1]
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes, not text
		}
		for i := 0; i < v.Len(); i++ {
			w.stack = append(w.stack, pathSeg{index: i})
			w.walk(v.Index(i))
			w.stack = w.stack[:len(w.stack)-1]
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			name := fmt.Sprint(k.Interface())
			w.stack = append(w.stack, pathSeg{name: name, index: -1})
			if k.Kind() == reflect.String && w.visit != nil {
				w.visit(k.String())
			}
			w.walk(iter.Value())
			w.stack = w.stack[:len(w.stack)-1]
		}
	}
}

type storedField struct {
	index int
	name  string
}

var storedFieldCache sync.Map // reflect.Type -> []storedField

// storedFields lists the fields of a struct type that hold stored text:
// exported, stored (bson name not "-"), not identifiers.
func storedFields(t reflect.Type) []storedField {
	if fs, ok := storedFieldCache.Load(t); ok {
		return fs.([]storedField)
	}
	var fs []storedField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("bson"), ",")
		if !f.IsExported() || name == "-" || skipStoredField(name) {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fs = append(fs, storedField{index: i, name: name})
	}
	storedFieldCache.Store(t, fs)
	return fs
}

func skipStoredField(name string) bool {
	return name == "_id" || name == "id" || name == "by" || name == "passwordHash" ||
		name == "participants" || name == "collaborators" || strings.HasSuffix(name, "Id") || strings.HasSuffix(name, "Ids") || strings.HasSuffix(name, "By")
}

// storedTexts maps the path of every string of doc to its value.
func storedTexts(doc any) map[string]string {
	texts := map[string]string{}
	var w strWalker
	w.visit = func(s string) {
		if s != "" {
			texts[w.path()] = s
		}
	}
	w.walk(reflect.ValueOf(doc))
	return texts
}

// restoreMasked puts back, in every string of doc (a pointer) that changed
// from its value in before (storedTexts), the contact details its old value
// held that the new one still shows masked (UnmaskFreeText).
func restoreMasked(doc any, before map[string]string) {
	var w strWalker
	w.value = func(v reflect.Value) {
		if !v.CanSet() || !strings.Contains(v.String(), "*") {
			return
		}
		if old, ok := before[w.path()]; ok && old != v.String() {
			v.SetString(UnmaskFreeText(v.String(), old))
		}
	}
	w.walk(reflect.ValueOf(doc))
}
