package crm

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestMasking(t *testing.T) {
	tests := []struct{ got, want string }{
		{MaskPhone("13812345678"), "138****5678"},
		{MaskPhone("010-12345678"), "010-****5678"},
		{MaskPhone("0755-1234567"), "0755-****567"},
		{MaskPhone("0755-12345678"), "0755-*****678"},
		{MaskPhone("021-12345678-801"), "021-****5678-801"},
		{MaskPhone("400-123-4567"), "400-****567"},
		{MaskPhone("+86 138 1234 5678"), "138****5678"},
		{MaskPhone("12345"), "***"},
		{MaskPhone("123456789"), "******789"},
		{MaskPhone(""), ""},
		{MaskEmail("zhangsan@abc.com"), "z***@abc.com"},
		{MaskEmail("王五@abc.com"), "王***@abc.com"},
		{MaskEmail("a@abc.com"), "***@abc.com"},
		{MaskEmail(""), ""},
		{MaskWeChat("wang_wx"), "w***x"},
		{MaskWeChat("ab"), "***"},
		{MaskWeChat("abcde"), "***"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("case %d: %q, want %q", i, tc.got, tc.want)
		}
	}
	c := &Customer{OwnerID: "o", Collaborators: []string{"k"}, Contacts: []Contact{{Phone: "13812345678", Email: "ab@b.cn", WeChat: "wxid_1"}}}
	for _, tc := range []struct {
		a      Actor
		masked bool
	}{
		{Actor{"o", RoleSales}, false}, {Actor{"k", RoleSales}, true}, {Actor{"x", RoleManager}, false},
		{Actor{"x", RoleAdmin}, false}, {Actor{"x", RoleSales}, true}, {Actor{"x", RoleService}, true},
		{Actor{"x", RoleAnalyst}, true}, {Actor{"", RoleSales}, true},
	} {
		got := VisibleContacts(tc.a, c)[0]
		if (got.Phone == "138****5678") != tc.masked || (got.Email == "a***@b.cn") != tc.masked {
			t.Errorf("%+v: masked=%v, got %+v", tc.a, tc.masked, got)
		}
	}
	if c.Contacts[0].Phone != "13812345678" {
		t.Fatal("masking changed the stored contact")
	}
}

// TestMaskPhoneShare checks the rule over every length: at least half of
// the line number and at least 4 of 11 digits in all are hidden.
func TestMaskPhoneShare(t *testing.T) {
	for _, p := range []string{"13912345678", "010-23456789", "021-2345678", "0755-2345678", "0755-23456789",
		"0991-2345678", "400-823-4567", "800-123-4567"} {
		m := MaskPhone(p)
		digits, hidden := 0, strings.Count(m, "*")
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		total := digits + hidden
		if hidden*11 < total*4 || hidden < 4 {
			t.Errorf("%s -> %s hides %d of %d digits", p, m, hidden, total)
		}
	}
}

func TestMaskFreeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"客户电话13812345678，下周回访", "客户电话138****5678，下周回访"},
		{"手机 +86 138-1234-5678 王经理", "手机 138****5678 王经理"},
		{"call +8613812345678 now", "call 138****5678 now"},
		{"0086 13812345678", "138****5678"},
		{"电话：１３８１２３４５６７８。", "电话：138****5678。"},
		{"电话138\u200b1234\u200d5678好", "电话138****5678好"},
		{"电话138 1234 5678", "电话138****5678"},
		{"电话138.1234.5678", "电话138****5678"},
		{"座机010-12345678转801", "座机010-****5678转801"},
		{"座机(0755)1234567", "座机0755-****567"},
		{"座机 0755 – 2345 6789", "座机 0755-*****789"},
		{"热线400-820-1234或800 123 4567", "热线400-****234或800-****567"},
		{"+86 10 12345678", "010-****5678"},
		{"两个号码13812345678/13987654321", "两个号码138****5678/139****4321"},
		{"两个号码13812345678 13987654321", "两个号码138****5678 139****4321"},
		{"电话138/1234/5678", "电话138****5678"},
		{"电话138    1234    5678", "电话138****5678"},
		{"电话１３８／１２３４／５６７８", "电话138****5678"},
		{"威信：wang_wx88", "威信：w***8"},
		{"邮箱zhangsan@abc.com请回复", "邮箱z***@abc.com请回复"},
		{"邮箱ｚｈａｎｇｓａｎ＠ａｂｃ．ｃｏｍ", "邮箱z***@abc.com"},
		{"mail: zhang\u200bsan@abc.com.", "mail: z***@abc.com."},
		{"QQ邮箱13812345678@qq.com", "QQ邮箱1***@qq.com"},
		{"微信：wang_wx88，方便联系", "微信：w***8，方便联系"},
		{"微信号 wang-2024", "微信号 w***4"},
		{"加微信wangwu1", "加微信w***1"},
		{"WeChat: zhangsan_01", "WeChat: z***1"},
		{"wx:abc123xyz", "wx:a***z"},
		{"vx 13812345678", "vx 138****5678"},
		{"微信：13812345678", "微信：138****5678"},
		// Nothing to mask.
		{"订单号20231201123456789已发货", "订单号20231201123456789已发货"},
		{"金额12,500元，数量3", "金额12,500元，数量3"},
		{"2024-05-01 回访，满意度 90", "2024-05-01 回访，满意度 90"},
		{"WeChat group chat went well", "WeChat group chat went well"},
		{"用微信沟通了需求", "用微信沟通了需求"},
		{"统一社会信用代码91350100M000100Y43", "统一社会信用代码91350100M000100Y43"},
		{"", ""},
		{"plain text", "plain text"},
	}
	for _, tc := range tests {
		if got := MaskFreeText(tc.in); got != tc.want {
			t.Errorf("MaskFreeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// phoneVariant writes digits the way people (and attackers) do: full-width,
// with separators or invisible characters between them, with +86.
func phoneVariant(digits string, v uint8) string {
	var b strings.Builder
	if v&1 != 0 {
		b.WriteString("+86 ")
	}
	seps := []string{"", " ", "-", "\u200b", "\u2060", "\ufeff", "\u3000", "－", "\u00ad"}
	for i, r := range digits {
		if i > 0 && (i == 3 || i == 7 || v&8 != 0) {
			b.WriteString(seps[int(v>>4)%len(seps)])
		}
		if v&2 != 0 {
			r += '０' - '0'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// visibleDigits is the oracle's own reading of a text: NFKC, then only
// the ASCII digits kept, each run of them separately.
func visibleDigits(s string) []string {
	s = norm.NFKC.String(s)
	var runs []string
	var cur strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			cur.WriteRune(r)
		case strings.ContainsRune(" -.\u200b\u2060\ufeff\u00ad()+", r):
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

func FuzzMaskFreeText(f *testing.F) {
	for _, s := range []string{"客户说", "", "订单123", "a@b", "微信", "电话 0", "+86"} {
		f.Add(s, uint64(1), uint8(0))
		f.Add(s, uint64(99), uint8(0xff))
	}
	f.Fuzz(func(t *testing.T, text string, seed uint64, v uint8) {
		rng := rand.New(rand.NewPCG(seed, 7))
		mobile := "1" + string(rune('3'+rng.IntN(7)))
		for range 9 {
			mobile += string(rune('0' + rng.IntN(10)))
		}
		local := "u" + strings.Repeat(string(rune('a'+rng.IntN(26))), 1+rng.IntN(6))
		email := local + "@example.com"
		in := text + "，电话" + phoneVariant(mobile, v) + "。邮箱 " + email + " " + text
		out := MaskFreeText(in)
		for _, run := range visibleDigits(out) {
			if strings.Contains(run, mobile[3:]) && !strings.Contains(norm.NFKC.String(text), mobile[3:]) {
				t.Fatalf("%q masked to %q still shows %s", in, out, mobile)
			}
		}
		if strings.Contains(out, email) && !strings.Contains(text, email) {
			t.Fatalf("%q masked to %q still shows %s", in, out, email)
		}
		if again := MaskFreeText(out); again != out {
			t.Fatalf("masking is not idempotent: %q -> %q -> %q", in, out, again)
		}
		if MaskFreeText(text) == text && strings.Count(out, text) < 2 && text != "" {
			t.Fatalf("text around the contact details changed: %q -> %q", in, out)
		}
	})
}

func TestVisibleCustomerMasksFreeText(t *testing.T) {
	c := &Customer{OwnerID: "o", Notes: "电话13812345678", CommPreference: "微信：wangjl88", Address: "前台010-12345678",
		Tags:         []string{"回电13900001111"},
		Contacts:     []Contact{{Name: "王", Phone: "13812345678", BestTime: "上午 13700001111"}},
		Interactions: []Interaction{{Summary: "手机13512345678", NextAction: &NextAction{What: "邮件 a1@b.cn"}}},
		Needs:        []Need{{Title: "联系13612345678"}}, Deals: []Deal{{Note: "13312345678"}},
		Satisfaction: []Satisfaction{{Comment: "wx: zhang_2024"}}}
	if got := VisibleCustomer(Actor{"o", RoleSales}, c); got != c {
		t.Fatal("the owner gets a copy")
	}
	v := VisibleCustomer(Actor{"x", RoleAnalyst}, c)
	got := []string{v.Notes, v.CommPreference, v.Address, v.Tags[0], v.Contacts[0].Phone, v.Contacts[0].BestTime,
		v.Interactions[0].Summary, v.Interactions[0].NextAction.What, v.Needs[0].Title, v.Deals[0].Note, v.Satisfaction[0].Comment}
	want := []string{"电话138****5678", "微信：w***8", "前台010-****5678", "回电139****1111", "138****5678", "上午 137****1111",
		"手机135****5678", "邮件 a***@b.cn", "联系136****5678", "133****5678", "wx: z***4"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d: %q, want %q", i, got[i], want[i])
		}
	}
	if c.Notes != "电话13812345678" || c.Interactions[0].NextAction.What != "邮件 a1@b.cn" || c.Tags[0] != "回电13900001111" {
		t.Fatal("masking changed the stored customer")
	}
}

func TestUnmaskFreeText(t *testing.T) {
	stored := "客户电话13812345678，邮箱wang@example.com，另一个13900001111"
	for _, tc := range []struct{ edited, want string }{
		// Another word corrected: the numbers stay as stored.
		{"客户手机138****5678，邮箱w***@example.com，另一个139****1111",
			"客户手机13812345678，邮箱wang@example.com，另一个13900001111"},
		// A masked number removed stays removed; the rest is restored in order.
		{"客户电话138****5678，另一个139****1111", "客户电话13812345678，另一个13900001111"},
		// Text typed with asterisks that no stored detail masks to is kept.
		{"评分****", "评分****"},
		// Unchanged or without masks: as edited.
		{stored, stored},
		{"全部改写了", "全部改写了"},
	} {
		if got := UnmaskFreeText(tc.edited, stored); got != tc.want {
			t.Errorf("UnmaskFreeText(%q) = %q, want %q", tc.edited, got, tc.want)
		}
	}
}
