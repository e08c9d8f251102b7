package crm

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Masking of contact details, for viewers who may not see them in full
// (Actor.CanSeeContactDetails false): the contact fields themselves
// (MaskPhone, MaskEmail, MaskWeChat) and phone numbers, e-mail addresses and
// WeChat IDs written into free text (MaskFreeText).
//
// The phone rule. A number is a prefix that names a network or a place
// (a mobile's first three digits, a landline's area code with its 0,
// 400/800) and a line number (the rest). The masked form shows the prefix
// and hides the first digits of the line number: at least half of them,
// and at least 4 of every 11 digits of the whole number, whichever is more
// (rounded up). So a mobile is 138****5678 (4 of 11 hidden), a landline
// 010-****5678 or 0755-****567 (a 7-digit line number shows 3 of its 7
// digits, not 4), 0755-*****678 (12 digits: 5 hidden), 400-****567.
// A number in no known format hides all but its last third.

// MaskPhone masks a phone number by the rule above; an extension stays.
func MaskPhone(p string) string {
	if p == "" {
		return ""
	}
	t := scanText(p)
	spans := t.phoneSpans()
	if len(spans) > 0 {
		return t.apply(spans)
	}
	var digits []byte
	for _, u := range t.units {
		if isASCIIDigitRune(u.r) {
			digits = append(digits, byte(u.r))
		}
	}
	n := len(digits)
	if n < 6 {
		return "***"
	}
	return strings.Repeat("*", n-n/3) + string(digits[n-n/3:])
}

// MaskEmail keeps the first character of the local part (none when the
// local part is one character) and the domain: z***@example.com.
func MaskEmail(e string) string {
	at := strings.LastIndexByte(e, '@')
	if at <= 0 {
		if e == "" {
			return ""
		}
		return "***"
	}
	r := []rune(e[:at])
	if len(r) < 2 {
		return "***" + e[at:]
	}
	return string(r[0]) + "***" + e[at:]
}

// MaskWeChat keeps the first and last character of IDs of six or more
// characters (w***x) and nothing of shorter ones.
func MaskWeChat(w string) string {
	r := []rune(w)
	switch {
	case len(r) == 0:
		return ""
	case len(r) < 6:
		return "***"
	}
	return string(r[0]) + "***" + string(r[len(r)-1])
}

// MaskFreeText returns s with every phone number, e-mail address and WeChat
// ID it holds masked as the contact fields are (138****5678, z***@abc.com,
// w***x); everything else is returned unchanged. Numbers are recognised in
// the forms people type them: +86/0086, spaces, dashes, dots and brackets
// between digit groups, full-width digits, zero-width and other invisible
// characters inside (all judged after NFKC). A masked number is written in
// plain digits. Digits glued to a longer digit run (an order number) are
// not a phone number. WeChat IDs are recognised after 微信, 微信号, v信 (薇信,
// 威信), WeChat, weixin, wx or vx and a separator.
func MaskFreeText(s string) string {
	if !mayHoldContact(s) {
		return s
	}
	t := scanText(s)
	spans := t.phoneSpans()
	spans = append(spans, t.emailSpans()...)
	spans = append(spans, t.wechatSpans()...)
	if len(spans) == 0 {
		return s
	}
	return t.apply(spans)
}

// mayHoldContact is a cheap first look: a phone number or e-mail needs a
// digit or '@', a WeChat ID an ASCII letter or digit, in ASCII or in a form
// NFKC folds to it (full-width). CJK ideographs are skipped unread.
func mayHoldContact(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < 0x80:
			if c == '@' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z') {
				return true
			}
			i++
		case c >= 0xE4 && c <= 0xE9: // U+4000-U+9FFF: ideographs
			i += 3
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if f := foldRune(r); f != r && (f == '@' || isAlnum(f)) {
				return true
			}
			i += size
		}
	}
	return false
}

// textUnit is one visible rune of a text, folded by NFKC when that gives a
// single rune (full-width digits and letters, ideographic space, ＠, ：),
// with its byte range in the original text.
type textUnit struct {
	r          rune
	start, end int
}

// scannedText is a text as its visible folded runes, and the same runes as
// a string (folded) for regular expressions, with at[i] the unit index of
// byte i of folded.
type scannedText struct {
	src    string
	units  []textUnit
	folded string
	at     []int32
}

func scanText(s string) *scannedText {
	t := &scannedText{src: s, units: make([]textUnit, 0, len(s)), at: make([]int32, 0, len(s))}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, size = utf8.DecodeRuneInString(s[i:])
		}
		if isInvisible(r) {
			continue
		}
		f := foldRune(r)
		t.units = append(t.units, textUnit{r: f, start: i, end: i + size})
		n := b.Len()
		b.WriteRune(f)
		for j := n; j < b.Len(); j++ {
			t.at = append(t.at, int32(len(t.units)-1))
		}
	}
	t.folded = b.String()
	return t
}

// foldRune returns the NFKC form of r when that is one rune, else r.
func foldRune(r rune) rune {
	switch {
	case r < 0x80 || (r >= 0x4e00 && r <= 0x9fff) || (r > 0x3000 && r <= 0x3035):
		return r // ASCII, ideographs, CJK punctuation: NFKC keeps them
	case r >= 0xff01 && r <= 0xff5e:
		return r - 0xfee0 // full-width ASCII
	case r == 0x3000:
		return ' '
	}
	f := norm.NFKC.String(string(r))
	if fr, size := utf8.DecodeRuneInString(f); size == len(f) && fr != utf8.RuneError {
		return fr
	}
	return r
}

// isInvisible reports characters that show nothing of their own: format
// characters (zero-width space and joiners, BOM, soft hyphen, direction
// marks) and combining marks.
func isInvisible(r rune) bool {
	if r < 0x80 || (r >= 0x3400 && r <= 0x9fff) || (r >= 0xff01 && r <= 0xff5e) {
		return false
	}
	return unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me)
}

func isASCIIDigitRune(r rune) bool { return r >= '0' && r <= '9' }

// isDigitSeparator reports characters people put between digit groups:
// spaces, dashes of every kind, dots, slashes, underscores and brackets.
// Two numbers a separator joins are still told apart: a phone number is
// made of whole groups.
func isDigitSeparator(r rune) bool {
	switch r {
	case ' ', '-', '.', '/', '_', '(', ')', '\u00b7', '\u30fb', '\uff65', '\u2212':
		return true
	}
	return r >= 0x80 && (unicode.Is(unicode.Zs, r) || unicode.Is(unicode.Pd, r))
}

// span is a range of units [from, to) to replace by masked.
type span struct {
	from, to int
	masked   string
}

// apply writes the source text with spans replaced; overlapping spans keep
// the one that starts first (the longer at the same start).
func (t *scannedText) apply(spans []span) string {
	var b strings.Builder
	last := 0
	for _, sp := range resolveSpans(spans) {
		b.WriteString(t.src[last:t.units[sp.from].start])
		b.WriteString(sp.masked)
		last = t.units[sp.to-1].end
	}
	b.WriteString(t.src[last:])
	return b.String()
}

// resolveSpans orders spans and drops those overlapping an earlier one.
func resolveSpans(spans []span) []span {
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].from != spans[j].from {
			return spans[i].from < spans[j].from
		}
		return spans[i].to > spans[j].to
	})
	out := spans[:0]
	end := 0
	for _, sp := range spans {
		if sp.from >= end {
			out = append(out, sp)
			end = sp.to
		}
	}
	return out
}

// UnmaskFreeText returns edited, a text a viewer wrote over the masked form
// of stored (MaskFreeText), with each masked contact detail of stored that
// it still holds put back as stored, in order: a viewer who sees a phone
// number masked and corrects another word of the text keeps the number
// they could not see, instead of storing its mask.
func UnmaskFreeText(edited, stored string) string {
	if edited == stored || !strings.Contains(edited, "*") || !mayHoldContact(stored) {
		return edited
	}
	t := scanText(stored)
	spans := t.phoneSpans()
	spans = append(spans, t.emailSpans()...)
	spans = append(spans, t.wechatSpans()...)
	var b strings.Builder
	rest := edited
	for _, sp := range resolveSpans(spans) {
		i := strings.Index(rest, sp.masked)
		if i < 0 {
			continue
		}
		b.WriteString(rest[:i])
		b.WriteString(stored[t.units[sp.from].start:t.units[sp.to-1].end])
		rest = rest[i+len(sp.masked):]
	}
	b.WriteString(rest)
	return b.String()
}

// digitGroup is a run of digits between separators: its digits and the
// units of its first and last digit.
type digitGroup struct {
	digits      string
	first, last int
}

// maxSeparators bounds the separators between two digit groups of a run.
const maxSeparators = 8

// phoneSpans finds phone numbers: runs of digit groups joined by at most
// maxSeparators separators, of which whole consecutive groups form a
// number.
func (t *scannedText) phoneSpans() []span {
	var out []span
	us := t.units
	for i := 0; i < len(us); {
		if !isASCIIDigitRune(us[i].r) {
			i++
			continue
		}
		plus := i > 0 && us[i-1].r == '+'
		var groups []digitGroup
		j := i
		for {
			g := digitGroup{first: j}
			var d strings.Builder
			for j < len(us) && isASCIIDigitRune(us[j].r) {
				d.WriteRune(us[j].r)
				j++
			}
			g.digits, g.last = d.String(), j-1
			groups = append(groups, g)
			k := j
			for k < len(us) && k-j < maxSeparators && isDigitSeparator(us[k].r) {
				k++
			}
			if k == j || k >= len(us) || !isASCIIDigitRune(us[k].r) {
				break
			}
			j = k
		}
		i = j
		for g := 0; g < len(groups); {
			best, masked := -1, ""
			digits := ""
			for k := g; k < len(groups) && len(digits) <= 16; k++ {
				digits += groups[k].digits
				if m, ok := maskPhoneDigits(digits, plus && g == 0); ok {
					best, masked = k, m
				}
			}
			if best < 0 {
				g++
				continue
			}
			from, to := groups[g].first, groups[best].last+1
			if plus && g == 0 {
				from--
			}
			if from > 0 && us[from-1].r == '(' && g < best && us[groups[g].last+1].r == ')' {
				from-- // (0755)1234567
			}
			out = append(out, span{from: from, to: to, masked: masked})
			g = best + 1
		}
	}
	return out
}

// maskPhoneDigits recognises digits as a Chinese phone number (with +86 or
// 0086 before it when international) and returns its masked form.
func maskPhoneDigits(d string, plus bool) (string, bool) {
	if rest, ok := strings.CutPrefix(d, "0086"); ok {
		return maskNationalDigits(rest, true)
	}
	if rest, ok := strings.CutPrefix(d, "86"); ok && (plus || len(d) == 13) {
		if m, ok := maskNationalDigits(rest, true); ok {
			return m, true
		}
	}
	if plus {
		return "", false
	}
	return maskNationalDigits(d, false)
}

// maskNationalDigits masks a mobile, landline or 400/800 number; an
// international landline omits the area code's 0.
func maskNationalDigits(d string, intl bool) (string, bool) {
	switch {
	case len(d) == 11 && d[0] == '1' && d[1] >= '3':
		return maskLine(d[:3], "", d[3:]), true
	case !intl && len(d) == 10 && (d[:3] == "400" || d[:3] == "800"):
		return maskLine(d[:3], "-", d[3:]), true
	}
	if intl {
		d = "0" + d
	}
	if len(d) < 10 || d[0] != '0' {
		return "", false
	}
	area := 4
	switch {
	case d[1] == '1' && d[2] == '0', d[1] == '2':
		area = 3
	case d[1] < '3':
		return "", false
	}
	line := d[area:]
	if (len(line) != 7 && len(line) != 8) || line[0] == '0' {
		return "", false
	}
	return maskLine(d[:area], "-", line), true
}

// maskLine applies the phone rule: hide the line number's first digits,
// at least half of them and at least 4 of every 11 digits in all.
func maskLine(prefix, sep, line string) string {
	hide := (len(line) + 1) / 2
	if share := (4*(len(prefix)+len(line)) + 10) / 11; share > hide {
		hide = share
	}
	hide = min(hide, len(line))
	return prefix + sep + strings.Repeat("*", hide) + line[hide:]
}

var emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+`)

func (t *scannedText) emailSpans() []span {
	if !strings.Contains(t.folded, "@") {
		return nil
	}
	var out []span
	for _, m := range emailRe.FindAllStringIndex(t.folded, -1) {
		out = append(out, span{from: int(t.at[m[0]]), to: int(t.at[m[1]-1]) + 1, masked: MaskEmail(t.folded[m[0]:m[1]])})
	}
	return out
}

var (
	wechatZhRe = regexp.MustCompile(`(?i)(?:微信号?|v信|薇信|威信)(?:\s*id)?\s*(?:[:=]|是|为)?\s*([A-Za-z0-9][A-Za-z0-9_\-]{2,39})`)
	wechatEnRe = regexp.MustCompile(`(?i)\b(?:wechat|weixin|wx|vx)(?:\s*id)?(\s*[:=]\s*|\s+)([A-Za-z0-9][A-Za-z0-9_\-]{2,39})`)
)

func (t *scannedText) wechatSpans() []span {
	if !strings.Contains(t.folded, "信") && !containsASCIIFold(t.folded, "wx", "vx", "wechat", "weixin") {
		return nil
	}
	var out []span
	add := func(a, b int) {
		out = append(out, span{from: int(t.at[a]), to: int(t.at[b-1]) + 1, masked: MaskWeChat(t.folded[a:b])})
	}
	for _, m := range wechatZhRe.FindAllStringSubmatchIndex(t.folded, -1) {
		add(m[2], m[3])
	}
	for _, m := range wechatEnRe.FindAllStringSubmatchIndex(t.folded, -1) {
		id := t.folded[m[4]:m[5]]
		// "WeChat group" is prose; an ID after a bare space needs a digit,
		// '_' or '-' to count.
		if strings.TrimSpace(t.folded[m[2]:m[3]]) == "" && !strings.ContainsAny(id, "0123456789_-") {
			continue
		}
		add(m[4], m[5])
	}
	return out
}

// containsASCIIFold reports whether s contains one of the lower-case ASCII
// words, ignoring ASCII case.
func containsASCIIFold(s string, words ...string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			continue
		}
		for _, w := range words {
			if c == w[0] && i+len(w) <= len(s) && strings.EqualFold(s[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}
