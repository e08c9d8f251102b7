package cells

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/kehu-crm/kehu/internal/crm"
)

// dashExtRe is a landline with an extension after a dash.
var dashExtRe = regexp.MustCompile(`^(\(?0\d{2,3}\)?[ -]?\d{7,8}) ?- ?(\d{1,6})$`)

const phoneExpected = "a mobile number (13812345678), a landline with its area code (010-12345678) or a 400/800 number"

// Phone reads a phone number and returns it as the API stores it (the
// check is crm.NormalizePhone's): a mobile as 11 digits (138 1234 5678,
// 138-1234-5678, +86 138..., 0086 138..., 86138...), a landline as area
// code, dash, number and an optional extension (010-12345678, (0755)
// 1234567, 075512345678, +86 10 12345678, 010-12345678转8001 is
// 010-12345678-8001), a 400/800 number as 400-123-4567. Errors (Reason):
// REQUIRED for an empty cell; ID_NUMBER or HOME_ADDRESS for personal data
// the seeds forbid (crm.PersonalData); INVALID_PHONE for anything else,
// several numbers in one cell included (a contact has one phone).
func Phone(s string) (string, Note, error) {
	t := Fold(s)
	if t == "" {
		return "", Note{}, required(phoneExpected)
	}
	if f, bad := crm.PersonalData("phone", t); bad {
		// Not quoted: an import's problems are stored, an ID number is not.
		return "", Note{}, &Error{Reason: f.Reason, Message: "the cell " + f.Message, Params: f.Params}
	}
	if parts := splitList(s, func(r rune) bool { return tagSeparator(r) || r == '/' }); len(parts) > 1 {
		return "", Note{}, fail(crm.ReasonInvalidPhone, nil,
			"%s holds %d numbers: a contact has one phone, keep one in this cell (others can go to another contact or the notes)", quote(s), len(parts))
	}
	p, ok := phone(t)
	if !ok {
		return "", Note{}, fail(crm.ReasonInvalidPhone, nil, "%s is not a phone number: expected %s", quote(s), phoneExpected)
	}
	return p, note(s, p, false), nil
}

// Phones reads a cell of one or several phone numbers, separated as tags
// are (, ， 、 ; ；) or by /: "13812345678 / 0571-88886666". It returns
// them as Phone does, in the cell's order without repeats, and the Note of
// the first. Errors as Phone's; a cell of several numbers fails when any
// of them is not a phone number (INVALID_PHONE naming it).
func Phones(s string) ([]string, Note, error) {
	parts := splitList(s, func(r rune) bool { return tagSeparator(r) || r == '/' })
	if len(parts) <= 1 {
		p, n, err := Phone(s)
		if err != nil {
			return nil, Note{}, err
		}
		return []string{p}, n, nil
	}
	var out []string
	for _, part := range parts {
		p, _, err := Phone(part)
		if err != nil {
			var e *Error
			if errors.As(err, &e) && e.Reason == crm.ReasonInvalidPhone {
				return nil, Note{}, fail(crm.ReasonInvalidPhone, map[string]any{"value": part},
					"%s is not a phone number (in %s): expected %s", quote(part), quote(s), phoneExpected)
			}
			return nil, Note{}, err
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, note(s, out[0], false), nil
}

// phone canonicalises a folded cell, or reports false.
func phone(t string) (string, bool) {
	main, ext := t, ""
	if m := dashExtRe.FindStringSubmatch(t); m != nil {
		main, ext = m[1], m[2] // 010-12345678-8001
	}
	for _, mark := range []string{"转", "分机", "ext.", "ext", "EXT", "Ext", "#"} {
		if i := strings.Index(t, mark); i > 0 {
			main, ext = t[:i], strings.TrimSpace(t[i+len(mark):])
			if ext == "" || !digitsOnly(ext) || len(ext) > 6 {
				return "", false
			}
			break
		}
	}
	var b strings.Builder
	for _, r := range strings.TrimSpace(main) {
		switch {
		case r >= '0' && r <= '9', r == '+' && b.Len() == 0:
			b.WriteRune(r)
		case r == ' ' || r == '(' || r == ')' || r == '-' || r == '.' || unicode.Is(unicode.Pd, r):
		default:
			return "", false
		}
	}
	d := b.String()
	intl := false
	switch {
	case strings.HasPrefix(d, "+86"):
		d, intl = d[3:], true
	case strings.HasPrefix(d, "0086"):
		d, intl = d[4:], true
	case strings.HasPrefix(d, "+"):
		return "", false // another country: crm keeps Chinese numbers
	case len(d) == 13 && strings.HasPrefix(d, "861"):
		d = d[2:]
	}
	var out string
	switch {
	case len(d) == 11 && d[0] == '1':
		if ext != "" {
			return "", false
		}
		out = d
	case len(d) == 10 && (strings.HasPrefix(d, "400") || strings.HasPrefix(d, "800")):
		if ext != "" {
			return "", false
		}
		out = d[:3] + "-" + d[3:6] + "-" + d[6:]
	default:
		if intl && !strings.HasPrefix(d, "0") {
			d = "0" + d // dialled from abroad without the trunk 0
		}
		if len(d) < 3 || d[0] != '0' {
			return "", false
		}
		area := 4 // 0755; Beijing (010) and 020-029 have three digits
		if d[1] == '1' || d[1] == '2' {
			area = 3
		}
		if len(d) < area+7 || len(d) > area+8 {
			return "", false
		}
		out = d[:area] + "-" + d[area:]
		if ext != "" {
			out += "-" + ext
		}
	}
	n, ok := crm.NormalizePhone(out)
	return n, ok && n == out
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
