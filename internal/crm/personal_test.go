package crm

import (
	"strings"
	"testing"
)

func TestContainsResidentID(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"11010519491231002X", true},
		{"11010519491231002x", true},
		{"身份证号11010519491231002X请勿记录", true},
		{"110105199003078510", true},
		{"310115198511201234", true},
		{"510107199912310046", true},
		// Normalisation variants.
		{"１１０１０５１９９００３０７８５１０", true},                   // full-width
		{"110105 19900307 8510", true},                 // spaces
		{"110105-1990-0307-8510", true},                // dashes
		{"110105.19900307.8510", true},                 // dots
		{"1101\u200b0519\u200d9003\u2060078510", true}, // zero-width
		{"11010519491231002\u00adx", true},             // soft hyphen before x
		{"身份证 11010519491231002 x。", true},             // x after a space
		{"٣١٠١١٥١٩٨٥١١٢٠١٢٣٤", true},                   // Arabic-Indic digits
		{"911010519491231002X", true},                  // run starts one digit early
		{"11010519491231002X1", true},                  // digits follow
		{"编号88110105199003078510999", true},            // inside a longer run
		{"110105491231002", true},                      // 15 digits, 1949-12-31
		{"身份证：1101 0549 1231 002", true},               // 15 digits with spaces
		{"9110105491231002", true},                     // 15 digits one early
		{"110105199003078511", false},                  // wrong check digit
		{"11010519491331002X", false},                  // month 13
		{"440306200102294568", false},                  // 2001-02-29 does not exist
		{"010105199003078510", false},                  // no province 01
		{"110105491331002", false},                     // 15 digits, month 13
		{"订单号 1101051949123100 金额", false},             // 16 digits, no date in place
		{"客户电话13812345678", false},
		{"金额 110,105,491,231,002 元", false}, // commas do not join
		{"统一社会信用代码91350100M000100Y43", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := ContainsResidentID(tc.text); got != tc.want {
			t.Errorf("ContainsResidentID(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestContainsHomeAddress(t *testing.T) {
	tests := []struct {
		text    string
		company bool // the company address field
		want    bool
	}{
		{"家庭住址：北京市朝阳区望京西路1号", false, true},
		{"家庭地址 上海市浦东新区", false, true},
		{"他家住海淀区学院路", false, true},
		{"住址是杭州市西湖区文三路", false, true},
		{"住宅：朝阳区某街道12号", false, true},
		{"阳光小区3栋2单元301", false, true},
		{"幸福家园5号楼1202室", false, true},
		{"住在翠苑小区8-2-301", false, true},
		{"3栋2单元301", false, true},
		{"2单元501室", false, true},
		{"家\u200b庭住址：北京市朝阳区", false, true}, // zero-width inside the keyword
		{"阳光小区３栋２单元３０１", false, true},      // full-width digits
		{"家庭住址：北京市朝阳区望京西路1号", true, true},  // home wording in the company address
		{"某某路88号某大厦1201室", true, false},    // a company address
		{"阳光小区3栋2单元301", true, false},      // a company in a residential compound
		{"某某路88号某大厦1201室", false, false},
		{"客户主营住宅地产开发", false, false},
		{"住宅小区配套工程", false, false},
		{"住址不详", false, false},
		{"小区物业管理系统需求", false, false},
		{"智慧小区安防项目，共12栋楼", false, false},
		{"小区3期工程", false, false},
		{"阳光小区3栋301", false, true},
		{"人才公寓2号楼1202", false, true},
		{"3楼会议室", false, false},
		{"下周三到客户公司拜访", false, false},
		{"", false, false},
	}
	for _, tc := range tests {
		if got := ContainsHomeAddress(tc.text, tc.company); got != tc.want {
			t.Errorf("ContainsHomeAddress(%q, %v) = %v, want %v", tc.text, tc.company, got, tc.want)
		}
	}
}

func TestCheckStored(t *testing.T) {
	c := &Customer{Name: "某公司", Contacts: []Contact{{Name: "王经理", Email: "110105199003078510@qq.com"}},
		Interactions: []Interaction{{Summary: "客户说家住海淀区学院路"}}, Tags: []string{"VIP"}}
	err := CheckStored(c, nil)
	var e *Error
	if !asError(err, &e) || e.Code != CodeBadUserInput || len(e.Fields) != 2 {
		t.Fatalf("got %v", err)
	}
	if f := e.Fields[0]; f.Field != "contacts[0].email" || f.Reason != ReasonIDNumber {
		t.Errorf("first field %+v", f)
	}
	if f := e.Fields[1]; f.Field != "interactions[0].summary" || f.Reason != ReasonHomeAddress {
		t.Errorf("second field %+v", f)
	}
	// What the stored version already held is not checked again.
	if err := CheckStored(c, StoredStrings(c)); err != nil {
		t.Errorf("unchanged strings refused: %v", err)
	}
	// A field nobody validates (here a new map of text) is checked too.
	type later struct {
		Extra map[string]any `bson:"extra"`
		ID    string         `bson:"_id"`
	}
	err = CheckStored(later{Extra: map[string]any{"k": []any{"备注11010519491231002X"}}, ID: "110105199003078510"}, nil)
	if !asError(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "extra.k[0]" {
		t.Errorf("got %v", err)
	}
	// The company address is an address.
	if err := CheckStored(&Customer{Address: "某某路88号某大厦1201室", Notes: "客户在某大厦12层办公"}, nil); err != nil {
		t.Errorf("company address refused: %v", err)
	}
}

func asError(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

// idVariant writes an ID the ways people (and attackers) do.
func idVariant(id string, v uint8) string {
	seps := []string{"", " ", "-", ".", "\u200b", "\u2060", "\ufeff", "\u00ad", "\u3000", "－", " - "}
	var b strings.Builder
	if v&0x80 != 0 {
		b.WriteString("9") // one digit early
	}
	for i, r := range id {
		if i > 0 && (v&1 != 0 || i%4 == 0) {
			b.WriteString(seps[int(v>>3)%len(seps)])
		}
		switch {
		case r == 'X' && v&2 != 0:
			r = 'x'
		case r >= '0' && r <= '9' && v&4 != 0:
			r += '０' - '0'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func FuzzPersonalData(f *testing.F) {
	for _, s := range []string{"", "备注", "abc", "订单 123", "X", "家庭住址：", "1"} {
		f.Add(s, uint8(0), uint8(0))
		f.Add(s, uint8(0xff), uint8(3))
	}
	ids := []string{"11010519491231002X", "110105199003078510", "310115198511201234", "110105491231002"}
	homes := []string{"家庭住址：北京市朝阳区望京西路1号", "阳光小区3栋2单元301", "幸福家园5号楼1202室", "家住海淀区学院路"}
	f.Fuzz(func(t *testing.T, text string, v, which uint8) {
		// An ID in any variant, between non-digits, is always found.
		id := ids[int(which)%len(ids)]
		if len(id) == 15 {
			v &^= 0x80 // a 15-digit number one digit early is a 16-digit run
		}
		in := text + "，证件" + idVariant(id, v) + "。" + text
		if !ContainsResidentID(in) {
			t.Fatalf("missed the ID in %q", in)
		}
		if _, bad := PersonalData("notes", in); !bad {
			t.Fatalf("PersonalData let %q through", in)
		}
		// A home address with invisible characters or full-width digits.
		home := []rune(homes[int(which)%len(homes)])
		var b strings.Builder
		for i, r := range home {
			if v&1 != 0 && i > 0 {
				b.WriteString("\u200b")
			}
			if r >= '0' && r <= '9' && v&4 != 0 {
				r += '０' - '0'
			}
			b.WriteRune(r)
		}
		if in := text + "。" + b.String() + "。"; !ContainsHomeAddress(in, false) {
			t.Fatalf("missed the home address in %q", in)
		}
		// Text with fewer than 15 digits of any kind holds no ID.
		if n := len([]rune(NormalizeText(text))); n < 15 && ContainsResidentID(text) {
			t.Fatalf("found an ID in %q", text)
		}
		// Normalising twice changes nothing more.
		if once := NormalizeText(text); NormalizeText(once) != once {
			t.Fatalf("NormalizeText is not idempotent on %q", text)
		}
	})
}
