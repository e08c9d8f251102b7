package cells

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Note is a normalisation applied to a cell, for the import's dry run:
// From is the cell as typed (trimmed), To the value as Kehu keeps it
// ("68万" → "680000.00"). The zero Note means the cell needed no
// normalisation: the API would have read it as it stands.
type Note struct{ From, To string }

// IsZero reports whether no normalisation was applied.
func (n Note) IsZero() bool { return n == Note{} }

func (n Note) String() string {
	if n.IsZero() {
		return ""
	}
	return n.From + " → " + n.To
}

// note returns the Note of a cell read as to, or none when the API's own
// form of the value (same) is what the cell says.
func note(cell, to string, same bool) Note {
	from := strings.TrimSpace(cell)
	if same || from == to {
		return Note{}
	}
	return Note{From: from, To: to}
}

// Error is a cell that cannot be read: a machine reason (crm.Reason, which
// clients translate, with its Params) and an English message that quotes
// the cell. The importer adds the row and column (FieldError).
type Error struct {
	Reason  crm.Reason
	Message string
	Params  map[string]any // as crm.FieldError.Params; nil when none
}

func (e *Error) Error() string { return e.Message }

// FieldError returns err as the field error of field (a column, or a path
// such as "contacts[0].phone"): the reason and parameters of an *Error, or
// crm.ReasonOf for any other error.
func FieldError(field string, err error) crm.FieldError {
	var e *Error
	if errors.As(err, &e) {
		return crm.FieldError{Field: field, Message: e.Message, Reason: e.Reason, Params: e.Params}
	}
	return crm.FieldError{Field: field, Message: err.Error(), Reason: crm.ReasonOf(err)}
}

func fail(reason crm.Reason, params map[string]any, format string, args ...any) *Error {
	return &Error{Reason: reason, Params: params, Message: fmt.Sprintf(format, args...)}
}

// required is the error of an empty cell. Callers that treat an empty cell
// as "leave the value alone" check Fold(s) == "" first.
func required(what string) *Error {
	return fail(crm.ReasonRequired, nil, "is empty: expected %s", what)
}

// quote quotes a cell for a message, cut to 40 characters.
func quote(s string) string { return `"` + Excerpt(s) + `"` }

// Excerpt is a cell as a message shows it: trimmed, valid UTF-8, cut to
// 40 characters (…).
func Excerpt(s string) string {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if utf8.RuneCountInString(s) > 40 {
		rs := []rune(s)
		s = string(rs[:40]) + "…"
	}
	return s
}

// Fold is the text normalisation every reader here starts with: full-width
// forms become half-width (golang.org/x/text/width: ６８ is 68, ＡＢＣ is
// ABC, （） are (), ￥ is ¥, the ideographic space is a space; half-width
// katakana become full-width), invisible characters (zero-width spaces and
// joiners, BOM, soft hyphen, direction marks) are dropped, and every run of
// white space (new lines and no-break spaces included) becomes one space,
// trimmed at both ends. Chinese punctuation without a full-width ASCII
// twin (、。《》) is kept. Fold(Fold(s)) == Fold(s).
func Fold(s string) string {
	return squash(narrow(s))
}

// narrow applies Fold's rune mappings but keeps white space as it is, so
// that a cell can still be split into lines.
func narrow(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if !invisible(r) {
			b.WriteRune(foldRune(r))
		}
	}
	return b.String()
}

// foldRune is the width folding of one rune.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return r
	}
	if f := width.LookupRune(r).Folded(); f != 0 {
		return f
	}
	return r
}

// foldedText is Fold(orig) with, for each of its bytes, the byte range of
// the original rune it comes from, so that a reader can parse the folded
// text and keep what the user typed for free text (a summary keeps its ，).
type foldedText struct {
	orig, s    string
	start, end []int // per byte of s
}

func foldMap(orig string) foldedText {
	f := foldedText{orig: orig}
	var b strings.Builder
	spaceAt := -1 // start of a pending run of white space
	for i, r := range orig {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, size = utf8.DecodeRuneInString(orig[i:])
		}
		if invisible(r) {
			continue
		}
		if unicode.IsSpace(r) {
			if spaceAt < 0 && b.Len() > 0 {
				spaceAt = i
			}
			continue
		}
		if spaceAt >= 0 {
			b.WriteByte(' ')
			f.start, f.end = append(f.start, spaceAt), append(f.end, i)
			spaceAt = -1
		}
		n, _ := b.WriteRune(foldRune(r))
		for range n {
			f.start, f.end = append(f.start, i), append(f.end, i+size)
		}
	}
	f.s = b.String()
	return f
}

// original returns what the user typed for the folded bytes [i, j),
// trimmed.
func (f foldedText) original(i, j int) string {
	if i >= j {
		return ""
	}
	return strings.TrimSpace(f.orig[f.start[i]:f.end[j-1]])
}

// splitRaw splits a cell at the runes whose folding sep reports, keeping
// the parts as typed (trimmed, empty ones dropped).
func splitRaw(s string, sep func(rune) bool) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return sep(foldRune(r)) }) {
		if Fold(part) != "" {
			out = append(out, strings.TrimSpace(part))
		}
	}
	return out
}

// squash turns runs of white space into one space and trims.
func squash(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// invisible reports format characters people never mean to type: they
// come with text copied from web pages and chat apps.
func invisible(r rune) bool {
	switch {
	case r == 0xad, r == 0x034f, r == 0x061c, r == 0x180e, r == 0xfeff:
		return true
	case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x206f:
		return true
	}
	return false
}

// key folds text for matching labels: Fold, lower case, without spaces,
// '-', '_' and '·'.
func key(s string) string {
	s = Fold(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case ' ', '-', '_', '·':
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// splitList splits a cell into its non-empty, folded parts at any rune
// for which sep is true (after width folding, so ， is , and ； is ;).
func splitList(s string, sep func(rune) bool) []string {
	var out []string
	for _, part := range strings.FieldsFunc(narrow(s), sep) {
		if part = squash(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// placeholders are what worksheets type in a cell that has no value, after
// Fold and lower-casing (dash-only cells are Placeholder's own test).
var placeholders = map[string]bool{
	"无": true, "暂无": true, "没有": true, "空": true, "未知": true, "不详": true, "待定": true, "待补充": true, "无数据": true,
	"n/a": true, "na": true, "null": true, "none": true, "nil": true, "#n/a": true, "?": true, "？": true,
}

// Placeholder reports whether a cell says there is no value: 无, 暂无, 没有,
// 空, 未知, 不详, 待定, N/A, null, #N/A, a question mark, or only dashes,
// slashes and dots (-, --, —, /). The importer reads such a cell as empty,
// which leaves the value alone, rather than naming a company 无 or calling
// "-" a phone number.
func Placeholder(cell string) bool {
	s := strings.ToLower(Fold(cell))
	if s == "" {
		return false
	}
	if placeholders[s] {
		return true
	}
	for _, r := range s {
		switch r {
		case '-', '—', '–', '_', '/', '\\', '.', '·', '…':
		default:
			return false
		}
	}
	return true
}
