package crm

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
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

// MaskRulesVersion numbers the rules of MaskFreeText. A store that keeps
// masked texts (the embedded store's text index) rebuilds them when it
// changes: bump it with every change to what MaskFreeText masks or how.
const MaskRulesVersion = 2

// MaskFreeText returns s with every contact detail it holds masked as the
// contact fields are (138****5678, z***@abc.com, w***x), and everything
// else unchanged: the one detector (contactSpans) over the one
// normalisation (normalizeUnits), applied to the original text's spans.
//
// Phone numbers are recognised in the forms people type them: +86/0086,
// spaces, dashes, dots and brackets between digit groups, full-width,
// circled and other scripts' digits, Chinese numerals (一三八, 幺, 两, 〇),
// zero-width and other invisible characters inside. A masked number is
// written in plain digits. Digits glued to a longer digit run, or named as
// an order, model or serial number (订单号, 单号, 编号, 型号, SN) or an
// amount (¥, 元), are not a phone number. E-mail addresses also when the @
// or the dots are written out: name at example dot com, name(at)example.com,
// name#example.com, name艾特example点com (then the domain must end in a
// known top-level domain). QQ numbers after QQ, 扣扣, 企鹅号 or Q号 (QQ号码,
// QQ群, QQ邮箱 ...), and WeChat IDs after 微信, 微信号, 薇信, 威信, V信,
// 加V, WeChat, weixin, wx or vx, with a separator or none.
func MaskFreeText(s string) string {
	if !mayHoldContact(s) {
		return s
	}
	t := scanText(s)
	spans := t.contactSpans()
	if len(spans) == 0 {
		return s
	}
	return t.apply(spans)
}

// contactSpans is the one detector: every contact detail of t, in the
// order phone numbers, QQ numbers, e-mails, WeChat IDs (where two start at
// the same unit, the longer, then the earlier kind, wins).
func (t *scannedText) contactSpans() []span {
	spans := t.phoneSpans()
	spans = append(spans, t.qqSpans()...)
	spans = append(spans, t.emailSpans()...)
	return append(spans, t.wechatSpans()...)
}

// mayHoldContact is a cheap first look: a contact detail needs an ASCII
// letter, digit or '@', in ASCII or in a form NFKC folds to it (full-width),
// a digit of another kind, or a run of five or more Chinese numerals (with
// separators between). Other CJK ideographs are skipped undecoded.
func mayHoldContact(s string) bool {
	run := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < 0x80:
			if c == '@' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z') {
				return true
			}
			if !isDigitSeparator(rune(c)) {
				run = 0
			}
			i++
		case c >= 0xE4 && c <= 0xE9: // U+4000-U+9FFF: ideographs
			if isChineseDigitAt(s, i) {
				if run++; run >= 5 {
					return true
				}
			} else {
				run = 0
			}
			i += 3
		case c == 0xE3 && i+2 < len(s) && s[i+1] == 0x80: // U+3000-U+303F: CJK punctuation
			switch r := 0x3000 | rune(s[i+2]&0x3f); {
			case r >= 0x3021 && r <= 0x3029: // Hangzhou numerals
				return true
			case r == 0x3007: // 〇
				if run++; run >= 5 {
					return true
				}
			case r != 0x3000: // the ideographic space separates digits
				run = 0
			}
			i += 3
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if foldsToContact(r) {
				return true
			}
			switch {
			case r == 0x3007: // 〇
				if run++; run >= 5 {
					return true
				}
			case !isInvisible(r) && !isDigitSeparator(r):
				run = 0
			}
			i += size
		}
	}
	return false
}

// foldsToContact reports whether the normalisation makes r (not ASCII, not
// an ideograph) into a digit, an ASCII letter or '@', or puts one in.
func foldsToContact(r rune) bool {
	var buf [8]rune
	for _, c := range normalizeRune(buf[:0], r, true) {
		if c == '@' || isAlnum(c) {
			return true
		}
	}
	return false
}

// scannedText is a text as its normalised units (normalizeUnits, Chinese
// numerals as digits), and the same units as a string for regular
// expressions (folded), with the separators between two digits left out
// (138 1234 5678 reads 13812345678); at[i] is the unit index of byte i of
// folded.
type scannedText struct {
	src    string
	units  []textUnit
	folded string
	at     []int32
}

func scanText(s string) *scannedText {
	t := &scannedText{src: s, units: normalizeUnits(s, true, make([]textUnit, 0, len(s)))}
	t.at = make([]int32, 0, len(s))
	var b strings.Builder
	b.Grow(len(s))
	us := t.units
	for i := 0; i < len(us); i++ {
		if isDigitSeparator(us[i].r) && i > 0 && isASCIIDigitRune(us[i-1].r) {
			j := i
			for j < len(us) && j-i < maxSeparators && isDigitSeparator(us[j].r) {
				j++
			}
			if j < len(us) && isASCIIDigitRune(us[j].r) {
				i = j - 1
				continue
			}
		}
		n := b.Len()
		b.WriteRune(us[i].r)
		for j := n; j < b.Len(); j++ {
			t.at = append(t.at, int32(i))
		}
	}
	t.folded = b.String()
	return t
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
	sort.SliceStable(spans, func(i, j int) bool {
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
	spans := t.contactSpans()
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
			numeral := t.numeral(j)
			for j < len(us) && isASCIIDigitRune(us[j].r) && t.numeral(j) == numeral {
				d.WriteRune(us[j].r)
				j++
			}
			g.digits, g.last = d.String(), j-1
			groups = append(groups, g)
			k := j
			for k < len(us) && k-j < maxSeparators && isDigitSeparator(us[k].r) {
				k++
			}
			// Digits and Chinese numerals written together are separate
			// groups: 漏洞13812345678 holds a phone number.
			if k >= len(us) || !isASCIIDigitRune(us[k].r) {
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
			if !t.notPhone(from, to) {
				out = append(out, span{from: from, to: to, masked: masked})
			}
			g = best + 1
		}
	}
	return out
}

// numeral reports whether unit i comes from a Chinese numeral.
func (t *scannedText) numeral(i int) bool {
	u := t.units[i]
	if u.end-u.start != 3 {
		return false
	}
	return isChineseDigitAt(t.src, u.start) || strings.HasPrefix(t.src[u.start:], "〇")
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

// notPhone reports a number that the words around it name as something
// else: an order, model or serial number (订单号13812345678, SN:...), or an
// amount (¥13812345678, 13812345678元).
func (t *scannedText) notPhone(from, to int) bool {
	us := t.units
	isLetter := func(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }
	glued := func(i int) bool {
		return i >= 0 && i < len(us) && (isLetter(us[i].r) || us[i].r == '-' || us[i].r == '_')
	}
	// A model or part number: letters glued on both sides (KH-13812345678-A).
	if glued(from-1) && glued(to) {
		a, b := from-1, to
		for a >= 0 && (us[a].r == '-' || us[a].r == '_') {
			a--
		}
		for b < len(us) && (us[b].r == '-' || us[b].r == '_') {
			b++
		}
		if a >= 0 && b < len(us) && isLetter(us[a].r) && isLetter(us[b].r) {
			return true
		}
	}
	i := from
	for k := 0; i > 0 && k < 3; k++ {
		if r := us[i-1].r; r == ':' || r == '#' || r == '=' || r == '是' || r == '为' || r == '：' || isDigitSeparator(r) {
			i--
			continue
		}
		break
	}
	if t.endsWithNotPhoneWord(i) {
		return true
	}
	// A code's letters (型号KH-...) come between the word and the digits.
	for k := 0; i > 0 && k < 6 && isLetter(us[i-1].r); k++ {
		i--
	}
	for k := 0; i > 0 && k < 2 && (us[i-1].r == '-' || us[i-1].r == ' '); k++ {
		i--
	}
	if t.endsWithNotPhoneWord(i) {
		return true
	}
	for j := to; j < len(us) && j < to+2; j++ {
		if r := us[j].r; r != ' ' {
			return strings.ContainsRune("元块万亿圆", r)
		}
	}
	return false
}

// endsWithNotPhoneWord reports whether the units before i end with one of
// notPhoneWords.
func (t *scannedText) endsWithNotPhoneWord(i int) bool {
	var before []rune
	for k := max(0, i-5); k < i; k++ {
		before = append(before, t.units[k].r)
	}
	b := strings.ToLower(string(before))
	for _, w := range notPhoneWords {
		if strings.HasSuffix(b, w) {
			return true
		}
	}
	return false
}

// notPhoneWords end the text before a number that is not a phone number
// (lower case).
var notPhoneWords = []string{"单号", "订单", "编号", "合同号", "发票号", "型号", "批号", "批次", "货号", "料号",
	"序列号", "序号", "流水号", "条码", "编码", "单据", "sn", "s/n", "¥", "$", "rmb", "金额", "价格", "总价", "合计", "报价"}

// maskDigits hides the first two thirds of a number that has no phone
// format (a QQ number): 12345678 -> ******78.
func maskDigits(d string) string {
	n := len(d)
	return strings.Repeat("*", n-n/3) + d[n-n/3:]
}

var qqRe = regexp.MustCompile(`(?i)(?:\bqq|扣扣|抠抠|企鹅|\bq号)\s*(?:号码|号|邮箱|群号?|账号)?\s*(?:[:=\-~]|是|为)?\s*([1-9][0-9]{4,10})`)

// qqSpans finds QQ numbers: 5 to 11 digits after QQ, 扣扣, 企鹅号, Q号 (QQ号码,
// QQ群, QQ邮箱, QQ账号) and a separator or none.
func (t *scannedText) qqSpans() []span {
	if !containsASCIIFold(t.folded, "q") && !strings.Contains(t.folded, "扣") &&
		!strings.Contains(t.folded, "抠") && !strings.Contains(t.folded, "企鹅") {
		return nil
	}
	var out []span
	for _, m := range qqRe.FindAllStringSubmatchIndex(t.folded, -1) {
		if m[3] < len(t.folded) && isDigit(t.folded[m[3]]) {
			continue // a longer run
		}
		out = append(out, span{from: int(t.at[m[2]]), to: int(t.at[m[3]-1]) + 1, masked: maskDigits(t.folded[m[2]:m[3]])})
	}
	return out
}

var emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+`)

// E-mail addresses with the @ or the dots written out.
const (
	emailLabel = `[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?`
	emailAt    = `(?:\s*(?:@|[(\[{<【]\s*(?:at|@|艾特)\s*[)\]}>】]|#|艾特|爱特)\s*|\s+at\s+)`
	emailDot   = `(?:\s*(?:\.|[(\[{<【]\s*(?:dot|点|\.)\s*[)\]}>】]|点|。)\s*|\s+dot\s+)`
)

var (
	emailObfRe = regexp.MustCompile(`(?i)([A-Za-z0-9][A-Za-z0-9._%+\-]*)(` + emailAt + `)(` + emailLabel + `(?:` + emailDot + emailLabel + `)+)`)
	emailDotRe = regexp.MustCompile(`(?i)` + emailDot)
	mailWordRe = regexp.MustCompile(`(?i)(?:邮箱|邮件|e-?mail|mail)\W{0,3}$`)
)

// topLevelDomains are the endings a written-out address must have.
var topLevelDomains = map[string]bool{}

func init() {
	for _, d := range strings.Fields(`com cn net org edu gov info biz io co me cc tv top xyz vip club site online
		tech hk tw mo jp kr sg us uk de fr ru asia mail email work ltd group shop store app dev ai la so name
		mobi pro ink wang ren link fun icu live plus`) {
		topLevelDomains[d] = true
	}
}

func (t *scannedText) emailSpans() []span {
	var out []span
	add := func(a, b int, addr string) {
		out = append(out, span{from: int(t.at[a]), to: int(t.at[b-1]) + 1, masked: MaskEmail(addr)})
	}
	if strings.Contains(t.folded, "@") {
		for _, m := range emailRe.FindAllStringIndex(t.folded, -1) {
			add(m[0], m[1], t.folded[m[0]:m[1]])
		}
	}
	if !mayHoldWrittenOutEmail(t.folded) {
		return out
	}
	for _, m := range emailObfRe.FindAllStringSubmatchIndex(t.folded, -1) {
		local, at, domain := t.folded[m[2]:m[3]], strings.TrimSpace(t.folded[m[4]:m[5]]), t.folded[m[6]:m[7]]
		// The address ends at its last known top-level domain, or at the
		// first one a 。 follows (that 。 ends the sentence).
		seps := emailDotRe.FindAllStringIndex(domain, -1)
		end := -1
		for k := 1; k <= len(seps); k++ {
			lo, hi := seps[k-1][1], len(domain)
			if k < len(seps) {
				hi = seps[k][0]
			}
			if topLevelDomains[strings.ToLower(domain[lo:hi])] {
				end = hi
				if k < len(seps) && strings.Contains(domain[seps[k][0]:seps[k][1]], "。") {
					break
				}
			}
		}
		if end < 0 {
			continue
		}
		domain = domain[:end]
		m[1] = m[6] + end
		labels := emailDotRe.Split(domain, -1)
		plainDots := len(labels) == strings.Count(domain, ".")+1 && !strings.ContainsAny(domain, " \t")
		if at == "@" && plainDots {
			continue // emailRe's
		}
		// "look at example.com" is prose: a written-out "at" with plain
		// dots needs a local part that is not a word, or a mail word before.
		if strings.EqualFold(at, "at") && plainDots {
			if strings.HasPrefix(strings.ToLower(domain), "www.") {
				continue
			}
			if strings.Trim(local, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" &&
				!mailWordRe.MatchString(t.folded[max(0, m[2]-24):m[2]]) {
				continue
			}
		}
		add(m[2], m[1], local+"@"+strings.Join(labels, "."))
	}
	return out
}

// mayHoldWrittenOutEmail is a cheap look for emailObfRe: an @ written
// out, or an @ followed by a label and a dot written out (点, 。, dot,
// brackets) before another label.
func mayHoldWrittenOutEmail(s string) bool {
	if strings.ContainsAny(s, "#艾爱【") || containsASCIIFold(s, "at") {
		return true
	}
	for i := strings.IndexByte(s, '@'); i >= 0; {
		j := i + 1
		for j < len(s) && (isAlnum(rune(s[j])) || s[j] == '-' || s[j] == '.' || s[j] == ' ') {
			j++
		}
		rest := s[j:]
		for _, d := range []string{"点", "。", "(", "[", "{", "<"} {
			if r := strings.TrimLeft(strings.TrimPrefix(rest, d), " "); len(r) < len(rest) && r != "" && (isAlnum(rune(r[0])) || d != "点" && d != "。") {
				return true
			}
		}
		if seg := s[i:j]; containsASCIIFold(seg, "dot") || strings.HasPrefix(seg, "@ ") || i > 0 && s[i-1] == ' ' ||
			strings.Contains(seg, " .") || strings.Contains(seg, ". ") {
			return true // dot written out, or spaces around the @ or a dot
		}
		k := strings.IndexByte(rest, '@')
		if k < 0 {
			break
		}
		i = j + k
	}
	return false
}

var (
	wechatZhRe = regexp.MustCompile(`(?i)(?:(?:微|薇|威|徽|v)\s*信|加\s*(?:v|vx|wx)(?:\s*[:=]\s*|\s+|是|为))(?:\s*号)?(?:\s*id)?\s*(?:[:=\-~]|是|为)?\s*([A-Za-z0-9][A-Za-z0-9_\-]{2,39})`)
	wechatEnRe = regexp.MustCompile(`(?i)\b(?:wechat|weixin|wei\s*xin|wx|vx)(?:\s*id)?(\s*[:=\-~]\s*|\s+)([A-Za-z0-9][A-Za-z0-9_\-]{2,39})`)
)

func (t *scannedText) wechatSpans() []span {
	if !strings.Contains(t.folded, "信") && !strings.Contains(t.folded, "加") && !containsASCIIFold(t.folded, "wx", "vx", "wechat", "wei") {
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
