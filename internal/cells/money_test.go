package cells

import (
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		in     string
		unit   Unit
		want   crm.Money // in fen
		note   string    // the Note's To, "" for none
		reason crm.Reason
		msg    string
	}{
		{in: "680000", want: 68000000},
		{in: "680000.5", want: 68000050},
		{in: "680000.50", want: 68000050},
		{in: "0", want: 0},
		{in: "0.01", want: 1},
		{in: "680,000", want: 68000000, note: "680000.00"},
		{in: "1,234,567.89", want: 123456789, note: "1234567.89"},
		{in: "68万", want: 68000000, note: "680000.00"},
		{in: "68万元", want: 68000000, note: "680000.00"},
		{in: "68 万", want: 68000000, note: "680000.00"},
		{in: "6.8万", want: 6800000, note: "68000.00"},
		{in: "1.2亿", want: 12000000000, note: "120000000.00"},
		{in: "1.2亿元", want: 12000000000, note: "120000000.00"},
		{in: "0.00000001亿", want: 100, note: "1.00"},
		{in: "¥1,000", want: 100000, note: "1000.00"},
		{in: "￥1000", want: 100000, note: "1000.00"},
		{in: "¥ 1000.5", want: 100050, note: "1000.50"},
		{in: "RMB 1000", want: 100000, note: "1000.00"},
		{in: "人民币1000元", want: 100000, note: "1000.00"},
		{in: "1000元", want: 100000, note: "1000.00"},
		{in: "1000元整", want: 100000, note: "1000.00"},
		{in: "６８万", want: 68000000, note: "680000.00"},
		{in: "６８０，０００．５", want: 68000050, note: "680000.50"},
		{in: "680000.5000", want: 68000050, note: "680000.50"},
		{in: "007", want: 700},
		// A 万元 column: a bare number is in 万; a unit in the cell wins.
		{in: "68", unit: TenThousand, want: 68000000, note: "680000.00"},
		{in: "68.12345", unit: TenThousand, want: 68123450, note: "681234.50"},
		{in: "1.234567万", want: 1234567, note: "12345.67"},
		{in: "0.0001", unit: TenThousand, want: 100, note: "1.00"},
		{in: "68万", unit: TenThousand, want: 68000000, note: "680000.00"},
		{in: "1000元", unit: TenThousand, want: 100000, note: "1000.00"},
		{in: "1000000000000", want: crm.MaxMoney},
		{in: "100000000", unit: TenThousand, want: crm.MaxMoney, note: "1000000000000.00"},
		{in: "10000亿", want: crm.MaxMoney, note: "1000000000000.00"},

		{in: "", reason: crm.ReasonRequired},
		{in: "  ", reason: crm.ReasonRequired},
		{in: "-100", reason: crm.ReasonOutOfRange, msg: "negative"},
		{in: "−100", reason: crm.ReasonOutOfRange, msg: "negative"},
		{in: "(100)", reason: crm.ReasonOutOfRange, msg: "negative"},
		{in: "-¥1,000", reason: crm.ReasonOutOfRange, msg: "negative"},
		{in: "¥-1000", reason: crm.ReasonOutOfRange, msg: "negative"},
		{in: "-5万", reason: crm.ReasonOutOfRange, msg: "negative"},
		{in: "680000.555", reason: crm.ReasonInvalidMoney, msg: "two decimals"},
		{in: "1.2345678万", reason: crm.ReasonInvalidMoney, msg: "two decimals"},
		{in: "68.1234567", unit: TenThousand, reason: crm.ReasonInvalidMoney, msg: "two decimals"},
		{in: "1000000000000.01", reason: crm.ReasonOutOfRange, msg: "largest"},
		{in: "100000001", unit: TenThousand, reason: crm.ReasonOutOfRange, msg: "largest"},
		{in: "10001亿", reason: crm.ReasonOutOfRange, msg: "largest"},
		{in: "99999999999999999999999", reason: crm.ReasonOutOfRange, msg: "largest"},
		{in: "6,80,000", reason: crm.ReasonInvalidMoney, msg: "not an amount"},
		{in: "1,5", reason: crm.ReasonInvalidMoney},
		{in: "1.000,50", reason: crm.ReasonInvalidMoney},
		{in: "680 000", reason: crm.ReasonInvalidMoney},
		{in: "6.8E+05", reason: crm.ReasonInvalidMoney, msg: "scientific"},
		{in: "$1000", reason: crm.ReasonInvalidMoney, msg: "not in yuan"},
		{in: "1000美元", reason: crm.ReasonInvalidMoney, msg: "not in yuan"},
		{in: "六十八万", reason: crm.ReasonInvalidMoney},
		{in: "68万万", reason: crm.ReasonInvalidMoney},
		{in: ".5", reason: crm.ReasonInvalidMoney},
		{in: "5.", reason: crm.ReasonInvalidMoney},
		{in: "+100", reason: crm.ReasonInvalidMoney},
		{in: "abc", reason: crm.ReasonInvalidMoney},
		{in: "约10万", reason: crm.ReasonInvalidMoney},
	} {
		got, n, err := Money(c.in, c.unit)
		if r := reasonOf(err); r != c.reason {
			t.Errorf("Money(%q, %d): error %v, want reason %q", c.in, c.unit, err, c.reason)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), c.msg) || (strings.TrimSpace(c.in) != "" && !strings.Contains(err.Error(), strings.TrimSpace(c.in))) {
				t.Errorf("Money(%q): message %q should quote the cell and say %q", c.in, err, c.msg)
			}
			continue
		}
		if got != c.want {
			t.Errorf("Money(%q, %d) = %d fen, want %d", c.in, c.unit, got, c.want)
		}
		if n.To != c.note || (c.note != "" && n.From != strings.TrimSpace(c.in)) {
			t.Errorf("Money(%q, %d): note %+v, want To %q", c.in, c.unit, n, c.note)
		}
	}
}
