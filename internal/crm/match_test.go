package crm

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestCompanyNameKeySame(t *testing.T) {
	// Each group: names of one company, as people type them.
	groups := [][]string{
		{"华为技术有限公司", "华为技术", "华为技术股份有限公司", "华为技术有限责任公司", "华为技术公司", "华为 技术 有限公司", "华为技术集团有限公司", "华为技术集团"},
		{"ＡＢＣ科技有限公司", "abc科技", "ABC 科技有限公司", "Abc科技（有限公司）"},
		{"西门子（中国）有限公司", "西门子(中国)有限公司", "西门子有限公司", "西门子", "西门子【中国】"},
		{"杭州云帆数据（集团）股份有限公司", "杭州云帆数据集团", "杭州云帆数据"},
		{"Acme Co., Ltd.", "ACME CO LTD", "acme", "Acme Inc.", "Acme Corporation", "ＡＣＭＥ　Ｌｔｄ．"},
		{"华为技术有限公司北京分公司", "华为技术北京分公司", "华为技术股份有限公司北京分公司", "华为技术有限公司 北京 分公司"},
		{"三一重工（长沙）有限公司", "三一重工长沙有限公司", "三一重工(长沙)"},
		{"有限公司", "有限公司"}, // nothing but a form keeps it
		{"苏州华信机械有限公司", "苏州市华信机械股份有限公司", "苏州市 华信机械"},
		{"浙江省杭州市云帆科技有限公司", "浙江杭州云帆科技", "浙江省杭州云帆科技"},
		{"黑龙江省龙江机械有限公司", "黑龙江龙江机械"},
	}
	for _, g := range groups {
		want := CompanyNameKey(g[0])
		if want == "" {
			t.Fatalf("%q: empty key", g[0])
		}
		for _, n := range g[1:] {
			if got := CompanyNameKey(n); got != want {
				t.Errorf("CompanyNameKey(%q) = %q, want %q (as %q)", n, got, want, g[0])
			}
		}
	}
}

func TestCompanyNameKeyDifferent(t *testing.T) {
	// Pairs that must stay apart: a region prefix, the industry word, a
	// branch and its parent, a name that is only a form.
	pairs := [][2]string{
		{"北京华为技术有限公司", "华为技术有限公司"},
		{"北京华为技术有限公司", "上海华为技术有限公司"},
		{"华为技术有限公司", "华为科技有限公司"},
		{"华为技术有限公司北京分公司", "华为技术有限公司"},
		{"华为技术有限公司北京分公司", "华为技术有限公司上海分公司"},
		{"三一重工（长沙）有限公司", "三一重工（昆山）有限公司"},
		{"有限公司", "某某有限公司"},
		{"中国银行", "银行"},
		{"Acme Co., Ltd.", "Acme Systems Co., Ltd."},
		{"苏州市华信机械有限公司", "华信机械有限公司"},
		{"苏州市", "苏州"}, // nothing after the place: not a prefix
	}
	for _, p := range pairs {
		if a, b := CompanyNameKey(p[0]), CompanyNameKey(p[1]); a == b {
			t.Errorf("%q and %q share the key %q", p[0], p[1], a)
		}
	}
}

func TestCompanyNameKeyValues(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"  ", ""},
		{"（）", ""},
		{"华为技术有限公司", "华为技术"},
		{"ＡＢＣ科技有限公司", "abc科技"},
		{"有限公司", "有限公司"},
		{"集团", "集团"},
		{"华为技术有限公司北京分公司", "华为技术北京分公司"},
	} {
		if got := CompanyNameKey(c.in); got != c.want {
			t.Errorf("CompanyNameKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPhoneKey(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" when not a phone
	}{
		{"13812345678", "13812345678"},
		{"138 1234 5678", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"+86-13812345678", "13812345678"},
		{"0086 13812345678", "13812345678"},
		{"008613812345678", "13812345678"},
		{"１３８１２３４５６７８", "13812345678"},
		{"010-12345678", "01012345678"},
		{"01012345678", "01012345678"},
		{"010-12345678-123", "01012345678"},
		{"+86 10 12345678", "01012345678"},
		{"+86-10-1234-5678", "01012345678"},
		{"0086 10 12345678", "01012345678"},
		{"0755-1234567", "07551234567"},
		{"400-123-4567", "4001234567"},
		{"4001234567", "4001234567"},
		{"", ""},
		{"12345", ""},
		{"abc", ""},
		{"+1 415 555 0100", ""},
	} {
		got, ok := PhoneKey(c.in)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("PhoneKey(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestCreditCodeKey(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"91350100M000100Y43", "91350100M000100Y43", true},
		{"91350100m000100y43", "91350100M000100Y43", true},
		{" 9135 0100-M000 100Y43 ", "91350100M000100Y43", true},
		{"９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43", true},
		{"91350100M000100Y44", "91350100M000100Y44", false},
		{"", "", false},
	} {
		got, ok := CreditCodeKey(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("CreditCodeKey(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestEmailKey(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" when not an address
	}{
		{"wang@yunfan.cn", "wang@yunfan.cn"},
		{"Wang.Wei@YunFan.CN", "wang.wei@yunfan.cn"},
		{"  wang@yunfan.cn\t", "wang@yunfan.cn"},
		{"ｗａｎｇ＠ｙｕｎｆａｎ．ｃｎ", "wang@yunfan.cn"},         // full width
		{"wang\u200b@yunfan.cn", "wang@yunfan.cn"},   // an invisible character
		{"wang+crm@yunfan.cn", "wang+crm@yunfan.cn"}, // no provider's rules
		{"w.a.n.g@gmail.com", "w.a.n.g@gmail.com"},
		{"12345678@QQ.com", "12345678@qq.com"},
		{"", ""},
		{"wang", ""},
		{"wang@yunfan", ""},
		{"王伟 <wang@yunfan.cn>", ""},
		{"wang@yunfan.cn.", ""},
		{"wang@@yunfan.cn", ""},
	} {
		got, ok := EmailKey(c.in)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("EmailKey(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestMatchKeysOf(t *testing.T) {
	c := &Customer{Name: "杭州云帆数据有限公司", Industry: "软件", Region: Region{Province: "浙江省", City: "杭州市"}, Contacts: []Contact{
		{Phone: "13812345678", Email: "Wang@YunFan.cn"}, {Phone: ""}, {Phone: "138-1234-5678", Email: "li@yunfan.cn"},
		{Phone: "010-12345678-8", Email: "wang@yunfan.cn"}, {Phone: "bad", Email: "bad"},
	}}
	c.Recompute()
	k := c.Match
	if !k.Current() || k.V != 4 || k.Name != "杭州云帆数据" || strings.Join(k.Phones, ",") != "13812345678,01012345678" ||
		strings.Join(k.Emails, ",") != "wang@yunfan.cn,li@yunfan.cn" || k.Order != OrderKey(c.Name) ||
		k.IndustryOrder != OrderKey("软件") || k.SourceOrder != "" || k.ProvinceOrder != OrderKey("浙江省") || k.CityOrder != OrderKey("杭州市") {
		t.Fatalf("keys = %+v", k)
	}
	// Keys of version 1 (no e-mails) are not current: stores recompute them.
	if (MatchKeys{V: 1, Name: k.Name, Phones: k.Phones}).Current() {
		t.Error("version 1 keys are current")
	}
	// Nor those of version 2 (no order key).
	if (MatchKeys{V: 2, Name: k.Name, Phones: k.Phones, Emails: k.Emails}).Current() {
		t.Error("version 2 keys are current")
	}
	if k := MatchKeysOf(&Customer{Name: "甲"}); k.Phones != nil || k.Emails != nil {
		t.Errorf("no contacts: %+v", k) // omitted from the document, not empty arrays
	}
}

func TestCompanyLegalForm(t *testing.T) {
	for _, c := range []struct {
		name string
		want LegalForm
	}{
		{"华为技术有限公司", LegalFormLimited},
		{"华为技术有限责任公司", LegalFormLimited},
		{"华为技术（有限公司）", LegalFormLimited},
		{"杭州云帆数据集团有限公司", LegalFormLimited},
		{"华为技术股份有限公司", LegalFormJointStock},
		{"华为技术股份公司", LegalFormJointStock},
		{"杭州云帆数据（集团）股份有限公司", LegalFormJointStock}, // the outermost form that tells one
		{"温州瓯海机械股份合作公司", LegalFormCooperative},
		{"宁波云帆投资合伙企业（有限合伙）", LegalFormPartnership},
		{"华为技术股份有限公司北京分公司", LegalFormJointStock}, // the parent's
		{"华为技术有限公司北京分公司", LegalFormLimited},
		{"华为技术北京分公司", LegalFormUnknown},
		{"华为技术", LegalFormUnknown},
		{"华为技术公司", LegalFormUnknown},
		{"华为技术集团", LegalFormUnknown},
		{"Acme Co., Ltd.", LegalFormUnknown},
		{"", LegalFormUnknown},
	} {
		if got := CompanyLegalForm(c.name); got != c.want {
			t.Errorf("CompanyLegalForm(%q) = %q, want %q", c.name, got, c.want)
		}
	}
	for f := range formKinds {
		if !contains(legalForms, f) {
			t.Errorf("%s has a kind but is not a form CompanyNameKey drops", f)
		}
	}
}

// FuzzCompanyNameKey checks the key's invariants on any input: it is
// idempotent on itself once forms are gone, holds only lower-case letters
// and digits, ignores width, spaces and punctuation, and never panics.
func FuzzCompanyNameKey(f *testing.F) {
	for _, s := range []string{"华为技术有限公司", "ＡＢＣ（中国）有限公司", "Acme Co., Ltd.", "华为技术有限公司北京分公司",
		"有限公司", "()", "（中国）", "分公司", "\xff", "a\u0301", "ǅ", "集团有限公司分公司"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := CompanyNameKey(s)
		if !utf8.ValidString(k) {
			t.Fatalf("key of %q is not UTF-8: %q", s, k)
		}
		for _, r := range k {
			if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) || r == utf8.RuneError {
				t.Fatalf("key of %q holds %q: %q", s, r, k)
			}
		}
		if utf8.ValidString(s) && hanOnly(s) {
			// Spaces, punctuation and width never matter between Chinese
			// characters and digits.
			spaced := "　" + strings.Join(strings.Split(s, ""), " ・ ") + "。"
			if got := CompanyNameKey(spaced); got != k {
				t.Fatalf("key of %q is %q but of %q is %q", s, k, spaced, got)
			}
		}
		if _, _, _, branch := splitBranch(k); utf8.ValidString(s) && hanOnly(s) && k != "" && !branch && !contains(legalForms, k) {
			if k2 := CompanyNameKey(s + "有限公司"); k2 != k {
				t.Fatalf("the form changes the key of %q: %q vs %q", s, k, k2)
			}
		}
	})
}

// hanOnly reports whether s holds Chinese characters, digits, spaces and
// punctuation only (no brackets, whose content the key keeps apart).
func hanOnly(s string) bool {
	for _, r := range norm.NFKC.String(s) {
		if strings.ContainsRune("([{【〔〖《〈<「『)]}】〕〗》〉>」』", r) || (unicode.IsLetter(r) && !unicode.Is(unicode.Han, r)) ||
			unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Me, r) {
			return false
		}
	}
	return true
}

// FuzzPhoneKey: a key is all digits, a phone again with the same key, and
// the spelled-out forms of it (+86, dashes, spaces) give the same key.
func FuzzPhoneKey(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138 1234 5678", "010-12345678-123", "0086 10 12345678", "400-123-4567", "", "+86", "0086"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, ok := PhoneKey(s)
		if !ok {
			if k != "" {
				t.Fatalf("PhoneKey(%q) = %q without ok", s, k)
			}
			return
		}
		for _, r := range k {
			if r < '0' || r > '9' {
				t.Fatalf("PhoneKey(%q) = %q: not all digits", s, k)
			}
		}
		if k2, ok2 := PhoneKey(k); !ok2 || k2 != k {
			t.Fatalf("PhoneKey(%q) = %q but PhoneKey(%q) = %q, %v", s, k, k, k2, ok2)
		}
		if k[0] == '1' {
			if k3, ok3 := PhoneKey("+86 " + k); !ok3 || k3 != k {
				t.Fatalf("+86 %s gives %q, %v", k, k3, ok3)
			}
		}
	})
}
