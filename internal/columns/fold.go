package columns

import (
	"regexp"
	"strings"

	"github.com/kehu-crm/kehu/internal/cells"
)

// FoldHeader is what a header is matched as: cells.Fold (full width to
// half width, invisible characters dropped), lower case, brackets of every
// kind as ( ), 、 | \ as /, and without spaces, '*' and other required
// marks (※ ★), '-' '_' '.' '·' dashes, colons and quotes, nor the groups
// (必填) (选填) (可选) (required) (optional) and empty brackets; no '/' at
// either end. FoldHeader(FoldHeader(h)) == FoldHeader(h).
func FoldHeader(h string) string {
	s := h
	for range 32 { // each pass that changes the text shortens it or maps it to a fixed alphabet
		t := foldOnce(s)
		if t == s {
			break
		}
		s = t
	}
	return s
}

// requiredGroupRe is a group saying whether a column must be filled in.
var requiredGroupRe = regexp.MustCompile(`\((?:必填|必填项|必须|必需|必输|必录|选填|选填项|可选|可填|非必填|可不填|可空|required|optional|\*)?\)`)

func foldOnce(s string) string {
	s = strings.ToLower(cells.Fold(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '【', '〔', '［', '[', '{', '<', '《', '〈', '﹙', '⟨', '〖':
			b.WriteByte('(')
		case '】', '〕', '］', ']', '}', '>', '》', '〉', '﹚', '⟩', '〗':
			b.WriteByte(')')
		case '、', '|', '\\', '／':
			b.WriteByte('/')
		case ' ', '*', '﹡', '※', '★', '☆', '_', '-', '.', '·', '•', '‐', '‑', '‒', '–', '—', '―', '−', '~',
			':', '"', '\'', '“', '”', '‘', '’', '「', '」', '『', '』', '。':
		default:
			b.WriteRune(r)
		}
	}
	s = strings.Trim(requiredGroupRe.ReplaceAllString(b.String(), ""), "/")
	if base, groups := cutGroups(s); base == "" && len(groups) == 1 {
		s = groups[0] // 【客户名称】
	}
	return s
}

// cutGroups cuts the bracketed groups at the end of a folded header:
// "累计交易金额(元)" is "累计交易金额" and ["元"]. The last group comes first.
// A header that is one group is "" and that group; brackets that do not
// pair stay.
func cutGroups(s string) (string, []string) {
	var groups []string
	for strings.HasSuffix(s, ")") {
		depth, open := 0, -1
		for i := len(s) - 1; i >= 0 && open < 0; i-- {
			switch s[i] {
			case ')':
				depth++
			case '(':
				if depth--; depth == 0 {
					open = i
				}
			}
		}
		if open < 0 || open == 0 && len(groups) > 0 {
			break
		}
		groups = append(groups, s[open+1:len(s)-1])
		s = s[:open]
	}
	return s, groups
}

// unitOf reads a unit written in a header (folded): ok is false when the
// text is not a unit, supported false when it is one cells.Money has no
// Unit for (亿元, 千元, 美元 ...).
func unitOf(s string) (u cells.Unit, ok, supported bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "单位"), "币种")
	switch s {
	case "元", "人民币", "人民币元", "元人民币", "rmb", "cny", "¥", "yuan", "rmb元":
		return cells.Yuan, true, true
	case "万元", "万", "万人民币", "人民币万元", "万元人民币", "万rmb", "万cny", "rmb万元", "rmb万", "10kcny", "cny10k",
		"10krmb", "rmb10k", "10kyuan", "10k", "万元rmb", "¥万":
		return cells.TenThousand, true, true
	case "亿", "亿元", "亿人民币", "千", "千元", "百万", "百万元", "千万", "千万元", "k", "m", "mn", "million", "millions",
		"kcny", "mcny", "cnym", "cnyk", "rmbk", "krmb", "usd", "$", "us$", "美元", "美金", "万美元", "千美元", "港币", "港元", "hkd",
		"eur", "€", "欧元", "gbp", "£", "英镑", "日元", "jpy":
		return cells.Yuan, true, false
	}
	return cells.Yuan, false, false
}

// unitSuffixes are the units a header may end with without brackets
// (累计交易金额万元), longest first.
var unitSuffixes = []string{"人民币万元", "万人民币", "万元", "亿元", "千元", "美元", "人民币", "元"}
