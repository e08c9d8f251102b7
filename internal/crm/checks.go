package crm

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// creditCodeChars is the GB 32100-2015 alphabet: digits and upper-case
// letters without I, O, Z, S and V. A letter's value is its index.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidCreditCode reports whether s is an 18-character unified social credit
// code (统一社会信用代码) with a correct check character (GB 32100-2015).
func ValidCreditCode(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCodeChars, s[i])
		if v < 0 {
			return false
		}
		sum += v * creditCodeWeights[i]
	}
	check := (31 - sum%31) % 31
	return s[17] == creditCodeChars[check]
}

// CreditCodeCheckChar returns the check character for the first 17
// characters of a credit code, or 0 when they are not in the alphabet.
func CreditCodeCheckChar(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCodeChars, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * creditCodeWeights[i]
	}
	return creditCodeChars[(31-sum%31)%31]
}

var (
	mobileRe   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineRe = regexp.MustCompile(`^0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}(-[0-9]{1,6})?$`)
	serviceRe  = regexp.MustCompile(`^[48]00-?[0-9]{3}-?[0-9]{4}$`)
)

// NormalizePhone checks a Chinese mobile, landline or 400/800 number and
// returns it in canonical form (mobile: 11 digits without +86 or spaces):
// full-width digits, invisible characters and dashes of any kind are
// accepted (NormalizeIdentifier).
func NormalizePhone(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if r >= 0x80 && unicode.Is(unicode.Pd, r) {
			return '-'
		}
		return r
	}, NormalizeIdentifier(s))
	s = strings.NewReplacer(" ", "", "\u00a0", "", "(", "", ")", "").Replace(s)
	if strings.HasPrefix(s, "+86") {
		s = strings.TrimPrefix(strings.TrimPrefix(s, "+86"), "-")
	}
	if d := strings.ReplaceAll(s, "-", ""); mobileRe.MatchString(d) {
		return d, true
	}
	if landlineRe.MatchString(s) || serviceRe.MatchString(s) {
		return s, true
	}
	return "", false
}

// NormalizeIdentifier is what a phone, e-mail, WeChat ID, website or
// credit code typed in is stored as: NFKC (full-width characters become
// ASCII), invisible characters removed, trimmed.
func NormalizeIdentifier(s string) string {
	s = norm.NFKC.String(s)
	if strings.IndexFunc(s, isInvisible) >= 0 {
		s = strings.Map(func(r rune) rune {
			if isInvisible(r) {
				return -1
			}
			return r
		}, s)
	}
	return strings.TrimSpace(s)
}

// ValidEmail accepts a bare address (no display name) with a dotted domain.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".") && !strings.HasSuffix(s, ".")
}

// ValidWebsite accepts an absolute http(s) URL with a host.
func ValidWebsite(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		!strings.ContainsAny(u.Host, " ") && strings.Contains(u.Hostname(), ".")
}

// Text limits, in characters (runes).
const (
	MaxShortText = 100  // names, titles, labels
	MaxLineText  = 300  // addresses, websites, one-line descriptions
	MaxLongText  = 5000 // notes, summaries, feedback
)

// checkText trims s, and records a problem when it is required and empty,
// too long, not valid UTF-8, holds control characters or personal data the
// seeds forbid (PersonalData). It returns the trimmed text.
func checkText(p Problems, field, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		p.Fail(field, ReasonRequired, nil, "is required")
	case !utf8.ValidString(s):
		p.Fail(field, ReasonInvalidText, nil, "is not valid UTF-8 text")
	case utf8.RuneCountInString(s) > max:
		p.Fail(field, ReasonTooLong, map[string]any{"max": max}, "must be at most %d characters", max)
	case hasControl(s, max > MaxLineText):
		p.Fail(field, ReasonControlCharacters, nil, "must not contain control characters")
	default:
		checkPersonal(p, field, s)
	}
	return s
}

func hasControl(s string, allowNewlines bool) bool {
	for _, r := range s {
		if r == '\n' || r == '\t' || r == '\r' {
			if allowNewlines {
				continue
			}
			return true
		}
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}
