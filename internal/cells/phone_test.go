package cells

import (
	"errors"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

func TestPhone(t *testing.T) {
	for _, c := range []struct {
		in, want string
		reason   crm.Reason
		msg      string
	}{
		{in: "13812345678", want: "13812345678"},
		{in: "138 1234 5678", want: "13812345678"},
		{in: "138-1234-5678", want: "13812345678"},
		{in: "+86 138 1234 5678", want: "13812345678"},
		{in: "+86-13812345678", want: "13812345678"},
		{in: "(+86)13812345678", want: "13812345678"},
		{in: "0086 13812345678", want: "13812345678"},
		{in: "8613812345678", want: "13812345678"},
		{in: "１３８１２３４５６７８", want: "13812345678"},
		{in: "199\u200b12345678", want: "19912345678"},
		{in: "010-12345678", want: "010-12345678"},
		{in: "01012345678", want: "010-12345678"},
		{in: "(010) 1234 5678", want: "010-12345678"},
		{in: "（０１０）１２３４５６７８", want: "010-12345678"},
		{in: "0755-1234567", want: "0755-1234567"},
		{in: "0755 12345678", want: "0755-12345678"},
		{in: "020-87654321", want: "020-87654321"},
		{in: "+86 10 12345678", want: "010-12345678"},
		{in: "+86 755 1234567", want: "0755-1234567"},
		{in: "010-12345678转8001", want: "010-12345678-8001"},
		{in: "010-12345678 ext. 8001", want: "010-12345678-8001"},
		{in: "010-12345678-8001", want: "010-12345678-8001"},
		{in: "400-123-4567", want: "400-123-4567"},
		{in: "4001234567", want: "400-123-4567"},
		{in: "800 123 4567", want: "800-123-4567"},

		{in: "", reason: crm.ReasonRequired},
		{in: "12812345678", reason: crm.ReasonInvalidPhone, msg: "not a phone"},  // 12x is no mobile prefix
		{in: "1381234567", reason: crm.ReasonInvalidPhone, msg: "not a phone"},   // 10 digits
		{in: "138123456789", reason: crm.ReasonInvalidPhone, msg: "not a phone"}, // 12 digits
		{in: "12345678", reason: crm.ReasonInvalidPhone, msg: "area code"},       // a landline without area code
		{in: "010-1234567890", reason: crm.ReasonInvalidPhone},
		{in: "010-01234567", reason: crm.ReasonInvalidPhone},
		{in: "+1 415 555 0100", reason: crm.ReasonInvalidPhone},
		{in: "13812345678转8001", reason: crm.ReasonInvalidPhone},
		{in: "010-12345678转", reason: crm.ReasonInvalidPhone},
		{in: "138 1234 5678 / 010-12345678", reason: crm.ReasonInvalidPhone, msg: "2 numbers"},
		{in: "13812345678，13912345678", reason: crm.ReasonInvalidPhone, msg: "2 numbers"},
		{in: "13812345678\n13912345678", reason: crm.ReasonInvalidPhone, msg: "2 numbers"},
		{in: "手机13812345678", reason: crm.ReasonInvalidPhone},
		{in: "1.38123E+10", reason: crm.ReasonInvalidPhone},
		{in: "110105199003070017", reason: crm.ReasonIDNumber, msg: "ID number"},
	} {
		got, n, err := Phone(c.in)
		if r := reasonOf(err); r != c.reason {
			t.Errorf("Phone(%q): error %v, want reason %q", c.in, err, c.reason)
			continue
		}
		if err != nil {
			// Personal data is never quoted: an import stores its problems.
			personal := c.reason == crm.ReasonIDNumber || c.reason == crm.ReasonHomeAddress
			if !strings.Contains(err.Error(), c.msg) || (c.in != "" && strings.Contains(err.Error(), strings.Split(c.in, "\n")[0]) == personal) {
				t.Errorf("Phone(%q): message %q should quote the cell (unless it is personal data) and say %q", c.in, err, c.msg)
			}
			continue
		}
		if got != c.want {
			t.Errorf("Phone(%q) = %q, want %q", c.in, got, c.want)
		}
		if (c.in == c.want) != n.IsZero() || (!n.IsZero() && n.To != c.want) {
			t.Errorf("Phone(%q): note %+v", c.in, n)
		}
	}
}

func TestPhones(t *testing.T) {
	for _, c := range []struct {
		in     string
		want   string // the numbers joined by |
		reason crm.Reason
		msg    string
	}{
		{in: "138 1234 5678", want: "13812345678"},
		{in: "13812345678/13987654321", want: "13812345678|13987654321"},
		{in: "13812345678 / 0571-88886666", want: "13812345678|0571-88886666"},
		{in: "13812345678，13987654321、010-12345678转8001", want: "13812345678|13987654321|010-12345678-8001"},
		{in: "13812345678；138-1234-5678", want: "13812345678"}, // one number, twice
		{in: "13812345678/12345", reason: crm.ReasonInvalidPhone, msg: `"12345" is not a phone number (in "13812345678/12345")`},
		{in: "13812345678/110101199003070011", reason: crm.ReasonIDNumber},
		{in: "", reason: crm.ReasonRequired},
		{in: "abc", reason: crm.ReasonInvalidPhone},
	} {
		got, _, err := Phones(c.in)
		if c.reason != "" {
			var e *Error
			if !errors.As(err, &e) || e.Reason != c.reason || !strings.Contains(e.Message, c.msg) {
				t.Errorf("Phones(%q) = %v, %v; want %s %q", c.in, got, err, c.reason, c.msg)
			}
			continue
		}
		if err != nil || strings.Join(got, "|") != c.want {
			t.Errorf("Phones(%q) = %v, %v; want %s", c.in, got, err, c.want)
		}
	}
}
