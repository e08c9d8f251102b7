package crm

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Money is an exact amount of CNY in fen (1/100 yuan). It is stored as an
// integer and exchanged as a decimal string ("12345.60").
type Money int64

// MaxMoney bounds any single amount: one trillion yuan.
const MaxMoney Money = 1_000_000_000_000 * 100

var (
	errMoneyFormat    = ReasonError(ReasonInvalidMoney, `must be a decimal number of yuan such as "12500" or "12500.50"`)
	errMoneyPrecision = ReasonError(ReasonInvalidMoney, "must have at most 2 decimal places")
	errMoneyNegative  = ReasonError(ReasonOutOfRange, "must not be negative")
	errMoneyRange     = ReasonError(ReasonOutOfRange, "is too large")
)

// ParseMoney reads a non-negative decimal with at most two decimals.
// Thousands separators and signs other than a leading '-' are rejected so
// that nothing is silently reinterpreted.
func ParseMoney(s string) (Money, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errMoneyFormat
	}
	if s[0] == '-' {
		if _, err := ParseMoney(s[1:]); err == nil {
			return 0, errMoneyNegative
		}
		return 0, errMoneyFormat
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || (hasDot && (frac == "" || !allDigits(frac))) {
		return 0, errMoneyFormat
	}
	if len(frac) > 2 {
		return 0, errMoneyPrecision
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 13 {
		return 0, errMoneyRange
	}
	var yuan int64
	if whole != "" {
		var err error
		if yuan, err = strconv.ParseInt(whole, 10, 64); err != nil {
			return 0, errMoneyRange
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	fen, _ := strconv.ParseInt(frac, 10, 64)
	m := Money(yuan*100 + fen)
	if m > MaxMoney {
		return 0, errMoneyRange
	}
	return m, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats the amount with exactly two decimals.
func (m Money) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// UnmarshalGQL accepts a decimal string (preferred) or a JSON number.
func (m *Money) UnmarshalGQL(v any) error {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case interface{ String() string }: // json.Number
		s = x.String()
	case int:
		s = strconv.Itoa(x)
	case int64:
		s = strconv.FormatInt(x, 10)
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return errMoneyFormat
	}
	parsed, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = parsed
	return nil
}

// MarshalGQL writes the amount as a JSON string.
func (m Money) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(m.String())) }
