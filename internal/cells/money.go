package cells

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Unit is the unit of a money column: what a bare number in it counts.
type Unit uint8

const (
	Yuan        Unit = iota // 元, the default
	TenThousand             // 万元: a header such as 累计交易金额(万元)
)

// exp is the power of ten a unit multiplies yuan by.
func (u Unit) exp() int {
	if u == TenThousand {
		return 4
	}
	return 0
}

var (
	plainNumberRe   = regexp.MustCompile(`^(\d+)(?:\.(\d+))?$`)
	groupedNumberRe = regexp.MustCompile(`^(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$`)
	scientificRe    = regexp.MustCompile(`^\d+(?:\.\d+)?[eE][+-]?\d+$`)
	foreignMoneyRe  = regexp.MustCompile(`(?i)(\$|€|£|usd|hkd|eur|美元|美金|港币|港元|欧元|英镑|日元)`)
)

// Money reads an amount of yuan, exactly (integer arithmetic in fen). It
// accepts 680000, 680000.5, 680,000 (commas every three digits), ¥1,000,
// ￥1000, RMB 1000, 1000元, 1000元整, 68万, 68万元, 1.2亿, 1.2亿元 and
// full-width digits and punctuation (６８万). A bare number counts the
// column's unit (68 in a 万元 column is 680000.00); a unit written in the
// cell (元, 万, 亿) wins over the column's. Errors (Reason): REQUIRED for
// an empty cell; INVALID_MONEY for anything else that is not an amount
// (another currency, scientific notation, which Excel rounds, Chinese
// numerals), and for more than two decimals once in yuan (1.234567万);
// OUT_OF_RANGE for a negative amount (-100, −100, (100)) or one over
// crm.MaxMoney.
func Money(s string, unit Unit) (crm.Money, Note, error) {
	t := Fold(s)
	if t == "" {
		return 0, Note{}, required("an amount of yuan such as 680000 or 68万")
	}
	num, exp, neg := t, unit.exp(), false
	if strings.HasPrefix(num, "(") && strings.HasSuffix(num, ")") {
		num, neg = num[1:len(num)-1], true // accounting's negative
	}
	num = strings.TrimSpace(num)
	num, neg = cutMinus(num, neg)
	for _, p := range []string{"¥", "RMB", "rmb", "CNY", "cny", "人民币"} {
		if rest, ok := strings.CutPrefix(num, p); ok {
			num = strings.TrimSpace(rest)
			break
		}
	}
	num, neg = cutMinus(num, neg)
	for _, u := range []struct {
		suffix string
		exp    int
	}{{"亿元", 8}, {"万元", 4}, {"元整", 0}, {"元", 0}, {"亿", 8}, {"万", 4}, {"RMB", 0}, {"CNY", 0}} {
		if rest, ok := strings.CutSuffix(num, u.suffix); ok {
			num, exp = strings.TrimSpace(rest), u.exp
			break
		}
	}
	var whole, frac string
	if m := plainNumberRe.FindStringSubmatch(num); m != nil {
		whole, frac = m[1], m[2]
	} else if m := groupedNumberRe.FindStringSubmatch(num); m != nil {
		whole, frac = strings.ReplaceAll(m[1], ",", ""), m[2]
	} else {
		switch {
		case scientificRe.MatchString(num):
			return 0, Note{}, fail(crm.ReasonInvalidMoney, nil,
				"%s is in scientific notation, which Excel rounds: format the column as a number and save the file again", quote(s))
		case foreignMoneyRe.MatchString(t):
			return 0, Note{}, fail(crm.ReasonInvalidMoney, nil, "%s is not in yuan (人民币): convert it to yuan first", quote(s))
		}
		return 0, Note{}, fail(crm.ReasonInvalidMoney, nil,
			"%s is not an amount: write yuan such as 680000, 680,000.50, ¥1,000, 68万 or 1.2亿", quote(s))
	}
	if neg {
		return 0, Note{}, fail(crm.ReasonOutOfRange, map[string]any{"min": "0"}, "%s is negative: amounts must not be negative", quote(s))
	}
	// In fen: move the decimal point exp+2 places to the right.
	exp += 2
	for len(frac) < exp {
		frac += "0"
	}
	if strings.Trim(frac[exp:], "0") != "" {
		return 0, Note{}, fail(crm.ReasonInvalidMoney, nil,
			"%s has more than two decimals in yuan: amounts are kept to the fen (0.01 yuan)", quote(s))
	}
	digits := strings.TrimLeft(whole+frac[:exp], "0")
	var fen int64
	if len(digits) > 18 {
		fen = -1
	} else if digits != "" {
		fen, _ = strconv.ParseInt(digits, 10, 64)
	}
	m := crm.Money(fen)
	if fen < 0 || m > crm.MaxMoney {
		return 0, Note{}, fail(crm.ReasonOutOfRange, map[string]any{"max": crm.MaxMoney.String()},
			"%s is over the largest amount, %s yuan", quote(s), crm.MaxMoney.String())
	}
	api, err := crm.ParseMoney(strings.TrimSpace(s))
	return m, note(s, m.String(), err == nil && api == m), nil
}

// cutMinus removes a leading minus sign (- or U+2212), setting neg.
func cutMinus(s string, neg bool) (string, bool) {
	for _, p := range []string{"-", "\u2212"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return s, neg
}
