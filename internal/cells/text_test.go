package cells

import (
	"errors"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"  abc  ", "abc"},
		{"６８万", "68万"},
		{"ＡＢＣ－１２３", "ABC-123"},
		{"（北京）科技有限公司", "(北京)科技有限公司"},
		{"￥１，０００．５０", "¥1,000.50"},
		{"a\u3000\u3000b", "a b"},      // ideographic spaces
		{"a \t\n\r b", "a b"},          // any white space, new lines too
		{"a\u00a0b", "a b"},            // no-break space
		{"13\u200b8\ufeff12", "13812"}, // zero-width space, BOM
		{"高意向、价格敏感。", "高意向、价格敏感。"},     // CJK punctuation without an ASCII twin stays
		{"ｶﾀｶﾅ", "カタカナ"},               // half-width katakana become full-width
		{"２０２３年１０月２０日", "2023年10月20日"},
	} {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNote(t *testing.T) {
	if n := note(" 68万 ", "680000.00", false); n != (Note{"68万", "680000.00"}) || n.String() != "68万 → 680000.00" {
		t.Errorf("note = %+v %q", n, n.String())
	}
	if n := note("680000.00", "680000.00", false); !n.IsZero() || n.String() != "" {
		t.Errorf("same text: note = %+v", n)
	}
	if n := note("680000", "680000.00", true); !n.IsZero() {
		t.Errorf("same value for the API: note = %+v", n)
	}
}

func TestFieldError(t *testing.T) {
	_, _, err := Money("abc", Yuan)
	f := FieldError("累计交易金额", err)
	if f.Field != "累计交易金额" || f.Reason != crm.ReasonInvalidMoney || f.Message != err.Error() {
		t.Errorf("FieldError = %+v", f)
	}
	f = FieldError("x", errors.New("plain"))
	if f.Reason != crm.ReasonInvalid || f.Message != "plain" {
		t.Errorf("FieldError of a plain error = %+v", f)
	}
	f = FieldError("x", crm.ReasonError(crm.ReasonTooLong, "too long"))
	if f.Reason != crm.ReasonTooLong {
		t.Errorf("FieldError of a crm reason error = %+v", f)
	}
}

// reasonOf is the reason of an error the readers return, or "" for nil.
func reasonOf(err error) crm.Reason {
	if err == nil {
		return ""
	}
	var e *Error
	if !errors.As(err, &e) {
		return "not *Error"
	}
	return e.Reason
}

func TestPlaceholder(t *testing.T) {
	for _, s := range []string{"无", " 暂无 ", "没有", "空", "未知", "不详", "待定", "N/A", "n/a", "NA", "NULL", "None", "#N/A", "?", "？",
		"-", "--", "—", "——", "－", "/", "／", "...", "…", " - ", "_"} {
		if !Placeholder(s) {
			t.Errorf("%q is not a placeholder", s)
		}
	}
	for _, s := range []string{"", " ", "无锡华光", "-1", "13812345678", "N/A公司", "A", "0", "空调", "无限科技", "na@kehu.cn"} {
		if Placeholder(s) {
			t.Errorf("%q is a placeholder", s)
		}
	}
}
