package crm

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// TestMaskFreeTextDisguised: contact details written the way people evade
// filters, or simply type on a phone, are masked; ordinary business text
// around them, and business text that only looks like them, is not.
func TestMaskFreeTextDisguised(t *testing.T) {
	mask := []struct{ in, want string }{
		// Chinese numerals, spoken forms, mixed with digits and separators.
		{"电话一三八一二三四五六七八", "电话138****5678"},
		{"手机幺三八 幺二三四 五六七八，晚上打", "手机138****5678，晚上打"},
		{"电话1三8-1二3-4五6-7八", "电话138****5678"},
		{"号码壹叁捌壹贰叁肆伍陆柒捌", "号码138****5678"},
		{"打一三九.两两两两.〇〇〇〇", "打139****0000"},
		{"座机〇一〇 一二三四五六七八", "座机010-****5678"},
		{"电话138零零零零一一一一", "电话138****1111"},
		{"发现漏洞13812345678", "发现漏洞138****5678"},
		{"统一13812345678两位联系人", "统一138****5678两位联系人"},
		{"打了13812345678一次", "打了138****5678一次"},
		// Circled, dingbat and parenthesised digits, full-width, other scripts.
		{"电话①③⑧①②③④⑤⑥⑦⑧", "电话138****5678"},
		{"电话❶❸❽➊➋➌➍➎➏➐➑", "电话138****5678"},
		{"电话⑴⑶⑻⑴⑵⑶⑷⑸⑹⑺⑻", "电话138****5678"},
		{"电话１３８－１２３４－５６７８", "电话138****5678"},
		{"电话١٣٨١٢٣٤٥٦٧٨", "电话138****5678"},
		{"电话1\u200b3\u200c8\u200d1\u20602\ufeff345678", "电话138****5678"},
		// E-mail addresses with the @ or the dots written out.
		{"邮箱 zhangsan at example dot com 谢谢", "邮箱 z***@example.com 谢谢"},
		{"mail zhangsan AT example DOT com", "mail z***@example.com"},
		{"zhangsan(at)example.com", "z***@example.com"},
		{"zhangsan[at]example[dot]com", "z***@example.com"},
		{"zhangsan#example.com", "z***@example.com"},
		{"邮箱zhangsan艾特example点com", "邮箱z***@example.com"},
		{"邮箱ｚｈａｎｇｓａｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "邮箱z***@example.com"},
		{"邮箱zhangsan@example。com", "邮箱z***@example.com"},
		{"zhang_san88 at qq.com", "z***@qq.com"},
		{"邮件发到 wang at example.com", "邮件发到 w***@example.com"},
		{"zhangsan @ example . com", "z***@example.com"},
		// QQ numbers.
		{"QQ 12345678", "QQ ******78"},
		{"qq:123456789，备注公司名", "qq:******789，备注公司名"},
		{"扣扣一二三四五六七八", "扣扣******78"},
		{"Q号：1234 5678", "Q号：******78"},
		{"QQ号码是 87654321", "QQ号码是 ******21"},
		{"QQ邮箱12345678", "QQ邮箱******78"},
		{"QQ邮箱12345678@qq.com", "QQ邮箱1***@qq.com"},
		{"ＱＱ：９８７６５４３２１", "ＱＱ：******321"},
		{"企鹅号 55667788", "企鹅号 ******88"},
		{"QQ群 123456", "QQ群 ****56"},
		// WeChat IDs.
		{"VX：wang_2024", "VX：w***4"},
		{"vx wang_2024", "vx w***4"},
		{"V信 wangwu88", "V信 w***8"},
		{"加V: wangwu88", "加V: w***8"},
		{"威信-wangwu88", "威信-w***8"},
		{"微 信 wangwu88", "微 信 w***8"},
		{"微信号：ｗａｎｇｗｕ８８", "微信号：w***8"},
		{"wx~wangwu88", "wx~w***8"},
		{"weixin: wangwu88", "weixin: w***8"},
		{"微信一三八一二三四五六七八", "微信138****5678"},
	}
	for _, tc := range mask {
		if got := MaskFreeText(tc.in); got != tc.want {
			t.Errorf("MaskFreeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	keep := []string{
		"合同金额一百三十八万元，首付三成",
		"签约日期二〇二六年十一月二十日，二〇二七年续约",
		"一二三四五六七八九十，共十项",
		"型号KH-13812345678-A已停产",
		"订单号13812345678已发货",
		"单号：15012345678，请核对",
		"快递单号 SF1381234567890",
		"SN:13812345678",
		"报价13812345678元",
		"¥13812345678",
		"价格1380元，数量12345678件",
		"一一对应，逐一核对，三三两两",
		"一三八一二三四五六七八一", // twelve digits: not a phone number, as 138123456781 is not
		"请看 look at example.com 的说明",
		"visit us at www.example.com",
		"QQ音乐会员",
		"Q3季度目标12345678",
		"加VIP123会员",
		"WeChat group chat went well",
		"用微信沟通了需求",
		"网址example.com，点击进入",
		"C#.net开发",
		"第一、二、三期已交付",
		"统一社会信用代码91350100M000100Y43",
		"2026-11-20 回访，满意度 90",
		"金额12,500元，数量3",
	}
	for _, s := range keep {
		if got := MaskFreeText(s); got != s {
			t.Errorf("MaskFreeText(%q) = %q, want it unchanged", s, got)
		}
	}
}

// TestNormalizeTextNumerals: the one normalisation reads Chinese numerals
// and digit forms as digits, so the ID check sees them too; the home
// address wording does not (两室一厅 is not a flat number).
func TestNormalizeTextNumerals(t *testing.T) {
	for in, want := range map[string]string{
		"一三八 一二三四 五六七八": "13812345678",
		"①③⑧⑴⒈❶➀➊⓵⓿〡":   "13811111101",
		"⑩⓫":            "1011",
		"合同一百三十八万":      "合同1百3十8万",
	} {
		if got := NormalizeText(in); got != want {
			t.Errorf("NormalizeText(%q) = %q, want %q", in, got, want)
		}
	}
	if !ContainsResidentID("身份证一一〇一〇五一九四九一二三一〇〇二X") {
		t.Error("missed an ID number in Chinese numerals")
	}
	if ContainsHomeAddress("样板间在阳光小区，两室一厅", false) {
		t.Error("两室一厅 read as a flat number")
	}
}

// contactVariant writes s with random disguises: invisible characters
// between runes, full-width forms of ASCII, digits as Chinese numerals,
// circled or full-width digits, and separators between digits.
func contactVariant(rng *rand.Rand, s string) string {
	invisible := []string{"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
	seps := []string{" ", "-", ".", "\u3000", "－", " - ", "·"}
	numerals := [][]string{{"0", "〇", "零", "０", "⓪"}, {"1", "一", "幺", "壹", "１", "①", "❶"},
		{"2", "二", "两", "贰", "２", "②", "➁"}, {"3", "三", "叁", "３", "③", "⑶"}, {"4", "四", "肆", "４", "④"},
		{"5", "五", "伍", "５", "⑤"}, {"6", "六", "陆", "６", "⑥"}, {"7", "七", "柒", "７", "⑦"},
		{"8", "八", "捌", "８", "⑧"}, {"9", "九", "玖", "９", "⑨"}}
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if i > 0 && rng.IntN(4) == 0 {
			b.WriteString(invisible[rng.IntN(len(invisible))])
		}
		if i > 0 && isASCIIDigitRune(r) && isASCIIDigitRune(rs[i-1]) && rng.IntN(5) == 0 {
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		switch {
		case isASCIIDigitRune(r):
			forms := numerals[r-'0']
			b.WriteString(forms[rng.IntN(len(forms))])
		case r > ' ' && r < 0x7f && rng.IntN(3) == 0:
			b.WriteRune(r + 0xfee0) // full-width
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// digitsOf is the test's own reading of a text's digits: NFKC, Chinese
// numerals and dingbat digits by its own table, separators and invisible
// characters skipped inside a run; returns the runs. (mask_test.go's
// visibleDigits is the plain-digit oracle of FuzzMaskFreeText, whose
// contract does not include numerals.)
func digitsOf(s string) []string {
	val := map[rune]rune{}
	for _, p := range []struct {
		rs string
		d  rune
	}{{"〇零⓪", '0'}, {"一幺壹❶", '1'}, {"二两贰➁", '2'}, {"三叁⑶", '3'}, {"四肆", '4'}, {"五伍", '5'},
		{"六陆", '6'}, {"七柒", '7'}, {"八捌", '8'}, {"九玖", '9'}} {
		for _, r := range p.rs {
			val[r] = p.d
		}
	}
	var runs []string
	var cur strings.Builder
	for _, r := range norm.NFKC.String(s) {
		if d, ok := val[r]; ok {
			r = d
		}
		switch {
		case r >= '0' && r <= '9':
			cur.WriteRune(r)
		case r == '(' || r == ')' || unicode.IsSpace(r) || strings.ContainsRune("-.·－\u200b\u200c\u200d\u2060\ufeff\u00ad", r):
		default:
			if cur.Len() > 0 {
				runs = append(runs, cur.String())
				cur.Reset()
			}
		}
	}
	if cur.Len() > 0 {
		runs = append(runs, cur.String())
	}
	return runs
}

// FuzzMaskDisguisedContacts: a phone number, e-mail address, QQ number or
// WeChat ID in any disguise, between ordinary text, is masked: the masked
// text shows none of the number's hidden digits in any form, nor the
// e-mail's or WeChat ID's name; the text around is unchanged.
func FuzzMaskDisguisedContacts(f *testing.F) {
	for _, s := range []string{"客户说", "", "订单已发", "合同金额一百万", "微信", "QQ", "at", "点"} {
		for k := range 4 {
			f.Add(s, uint64(k), uint8(k))
		}
	}
	f.Fuzz(func(t *testing.T, text string, seed uint64, which uint8) {
		if strings.ContainsAny(text, "*") {
			return
		}
		rng := rand.New(rand.NewPCG(seed, 14))
		digits := func(n int) string {
			var b strings.Builder
			b.WriteRune(rune('1' + rng.IntN(9)))
			for b.Len() < n {
				b.WriteRune(rune('0' + rng.IntN(10)))
			}
			return b.String()
		}
		name := string(rune('a'+rng.IntN(26))) + strings.Repeat(string(rune('a'+rng.IntN(26))), 3+rng.IntN(4)) + digits(2)
		var contact, secret string // secret: what the masked text must not show
		var isDigits bool
		switch which % 5 {
		case 0: // a mobile
			secret = "1" + string(rune('3'+rng.IntN(7))) + digits(9)
			contact, isDigits = "电话"+contactVariant(rng, secret), true
			secret = secret[3:]
		case 1: // a landline
			secret = "0" + []string{"10", "21", "755", "571"}[rng.IntN(4)] + digits(8)
			contact, isDigits = "座机"+contactVariant(rng, secret), true
			secret = secret[len(secret)-8:]
		case 2: // a QQ number
			secret = digits(5 + rng.IntN(7))
			contact, isDigits = []string{"QQ", "qq:", "扣扣", "Q号 ", "QQ号码："}[rng.IntN(5)]+contactVariant(rng, secret), true
		case 3: // an e-mail address
			at := []string{"@", " at ", "(at)", "#", "艾特", "＠", "[at]"}[rng.IntN(7)]
			dot := []string{".", " dot ", "点", "．", "(dot)"}[rng.IntN(5)]
			contact = "邮箱 " + contactVariant(rng, name) + at + "example" + dot + "com"
			secret = name
		default: // a WeChat ID
			kw := []string{"微信：", "微信号 ", "VX:", "vx ", "V信", "wx:", "威信 ", "weixin: "}[rng.IntN(8)]
			contact = kw + contactVariant(rng, name)
			secret = name
		}
		in := text + "，" + contact + "。" + text
		out := MaskFreeText(in)
		if !strings.HasPrefix(out, text+"，") || !strings.HasSuffix(out, "。"+text) {
			if MaskFreeText(text) == text {
				t.Fatalf("text around the contact changed: %q -> %q", in, out)
			}
		}
		if isDigits {
			for _, run := range digitsOf(out) {
				if strings.Contains(run, secret) && !strings.Contains(strings.Join(digitsOf(text), " "), secret) {
					t.Fatalf("%q masked to %q still shows %s", in, out, secret)
				}
			}
		} else if n := NormalizeText(out); strings.Contains(strings.ToLower(n), secret) && !strings.Contains(strings.ToLower(NormalizeText(text)), secret) {
			t.Fatalf("%q masked to %q still shows %s", in, out, secret)
		}
		if again := MaskFreeText(out); again != out {
			t.Fatalf("masking is not idempotent: %q -> %q -> %q", in, out, again)
		}
	})
}
