package crm

import (
	"strconv"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The one normalisation that the checks of stored text (ContainsResidentID)
// and the masking of contact details in free text (MaskFreeText) read. Each
// rune of the text becomes zero or more units, each with the byte range of
// the rune it came from, so a detector that finds something in the
// normalised text can replace the original bytes:
//   - NFKC's compatibility mappings, rune by rune, decomposed (full-width
//     digits, letters and punctuation, ideographic space, circled digits,
//     superscripts, ligatures; é reads e);
//   - invisible characters dropped (zero-width spaces and joiners, BOM,
//     soft hyphen, direction marks, combining marks);
//   - every decimal digit written as ASCII: other scripts' digits, dingbat
//     digits (❶➀➊⓵⓿), Hangzhou numerals (〡〢〣), and, when numerals is
//     set, the Chinese numerals people write numbers with: 〇零洞 0, 一壹幺
//     1, 二贰两 2, 三叁 3, 四肆 4, 五伍 5, 六陆 6, 七柒拐 7, 八捌 8, 九玖勾 9.
//     Tens, hundreds and ten-thousands (十百千万) are not digits, so an
//     amount (一百三十八万) or a date (二〇二六年十一月) never reads as a
//     phone number.

// textUnit is one unit of the normalised text: a rune, and the byte range
// [start, end) of the original rune it came from (several units may share
// one: ⑩ gives 1 and 0).
type textUnit struct {
	r          rune
	start, end int
}

// normalizeUnits appends the units of s to units and returns them.
func normalizeUnits(s string, numerals bool, units []textUnit) []textUnit {
	var buf [8]rune
	for i, r := range s {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, size = utf8.DecodeRuneInString(s[i:])
		}
		for _, c := range normalizeRune(buf[:0], r, numerals) {
			units = append(units, textUnit{c, i, i + size})
		}
	}
	return units
}

// normalizeRunes appends the normalised runes of s to out.
func normalizeRunes(s string, numerals bool, out []rune) []rune {
	for _, r := range s {
		out = normalizeRune(out, r, numerals)
	}
	return out
}

// normalizeRune appends what r normalises to.
func normalizeRune(out []rune, r rune, numerals bool) []rune {
	switch {
	case r < 0x80:
		return append(out, r)
	case r >= 0x4e00 && r <= 0x9fff:
		if d, ok := chineseDigit(r); ok && numerals {
			r = d
		}
		return append(out, r)
	case r >= 0xff01 && r <= 0xff5e:
		return append(out, r-0xfee0) // full-width ASCII
	case r == 0x3000:
		return append(out, ' ')
	case r > 0x3000 && r <= 0x303f && r != 0x3007 && (r < 0x3021 || r > 0x3029):
		return append(out, r) // CJK punctuation: NFKC keeps it
	}
	if d, ok := digitLike(r); ok {
		for _, c := range d {
			out = append(out, c)
		}
		return out
	}
	if isInvisible(r) {
		return out
	}
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	f := norm.NFKC.Properties(b[:n]).Decomposition()
	if f == nil {
		f = b[:n]
	}
	for len(f) > 0 {
		c, size := utf8.DecodeRune(f)
		f = f[size:]
		switch d, ok := chineseDigit(c); {
		case isInvisible(c):
			continue
		case ok && numerals:
			c = d
		case c >= 0x80 && unicode.IsDigit(c):
			c = rune('0' + digitValue(c))
		}
		out = append(out, c)
	}
	return out
}

// chineseDigit maps a Chinese numeral (plain, financial or spoken) to its
// ASCII digit.
func chineseDigit(r rune) (rune, bool) {
	switch r {
	case '〇', '零', '洞':
		return '0', true
	case '一', '壹', '幺':
		return '1', true
	case '二', '贰', '貳', '两', '兩':
		return '2', true
	case '三', '叁':
		return '3', true
	case '四', '肆':
		return '4', true
	case '五', '伍':
		return '5', true
	case '六', '陆', '陸':
		return '6', true
	case '七', '柒', '拐':
		return '7', true
	case '八', '捌':
		return '8', true
	case '九', '玖', '勾':
		return '9', true
	}
	return 0, false
}

// digitLike writes the digits that NFKC leaves alone but people read as
// digits (dingbat and double circled digits, Hangzhou numerals, other
// scripts' decimal digits), and digits that NFKC writes with punctuation
// (⑴ is "(1)", ⒈ "1.").
func digitLike(r rune) (string, bool) {
	ten := func(lo rune) (string, bool) {
		if r == lo+9 {
			return "10", true
		}
		return string('1' + r - lo), true
	}
	switch {
	case r >= 0x2776 && r <= 0x277f:
		return ten(0x2776) // ❶-❿
	case r >= 0x2780 && r <= 0x2789:
		return ten(0x2780) // ➀-➉
	case r >= 0x278a && r <= 0x2793:
		return ten(0x278a) // ➊-➓
	case r >= 0x24f5 && r <= 0x24fe:
		return ten(0x24f5) // ⓵-⓾
	case r >= 0x24eb && r <= 0x24f4:
		return strconv.Itoa(11 + int(r-0x24eb)), true // ⓫-⓴
	case r >= 0x2474 && r <= 0x2487:
		return strconv.Itoa(1 + int(r-0x2474)), true // ⑴-⒇, not (1)
	case r >= 0x2488 && r <= 0x249b:
		return strconv.Itoa(1 + int(r-0x2488)), true // ⒈-⒛, not 1.
	case r >= 0x1f101 && r <= 0x1f10a:
		return string('0' + r - 0x1f101), true // 🄁-🄊, not 0,
	case r == 0x24ff || r == 0x1f10b || r == 0x1f10c:
		return "0", true // ⓿ 🄋 🄌
	case r >= 0x3021 && r <= 0x3029:
		return string('1' + r - 0x3021), true // 〡-〩
	case r >= 0x80 && unicode.IsDigit(r) && norm.NFKC.IsNormalString(string(r)):
		return string(rune('0' + digitValue(r))), true
	}
	return "", false
}

// numeralBits marks the Chinese numerals among U+4E00-U+9FFF.
var numeralBits [(0xa000 - 0x4e00) / 64]uint64

func init() {
	for _, r := range "零洞一壹幺二贰貳两兩三叁四肆五伍六陆陸七柒拐八捌九玖勾" {
		numeralBits[(r-0x4e00)/64] |= 1 << ((r - 0x4e00) % 64)
	}
}

// isChineseDigitAt reports whether the three-byte rune at s[i] (a lead
// byte 0xE4-0xE9: U+4000-U+9FFF) is a Chinese numeral; a cheap look that
// does not validate the encoding.
func isChineseDigitAt(s string, i int) bool {
	if i+2 >= len(s) {
		return false
	}
	r := rune(s[i]&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f)
	if r < 0x4e00 || r > 0x9fff {
		return false
	}
	k := r - 0x4e00
	return numeralBits[k/64]&(1<<(k%64)) != 0
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

// digitValue is the value of a decimal digit: Unicode puts every script's
// digits 0-9 in a row, and the Nd table's ranges start at a zero.
func digitValue(r rune) int {
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	return 0
}
