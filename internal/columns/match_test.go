package columns

import (
	"slices"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/crm"
)

func TestFoldHeader(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"客户名称", "客户名称"},
		{" 客户 名称 ", "客户名称"},
		{"客户名称*", "客户名称"},
		{"*客户名称", "客户名称"},
		{"客户名称（必填）", "客户名称"},
		{"客户名称(选填)", "客户名称"},
		{"客户名称【必填】", "客户名称"},
		{"客户名称 ( 必填 )", "客户名称"},
		{"客户名称：", "客户名称"},
		{"客户名称:", "客户名称"},
		{"【客户名称】", "客户名称"},
		{"客户名称()", "客户名称"},
		{"累计交易金额（万元）", "累计交易金额(万元)"},
		{"累计交易金额[万元]", "累计交易金额(万元)"},
		{"Ｅ－ｍａｉｌ", "email"},
		{"E-mail", "email"},
		{"Company Name", "companyname"},
		{"Avg. satisfaction", "avgsatisfaction"},
		{"手机、电话", "手机/电话"},
		{"/手机/", "手机"},
		{"联系人\u200b姓名", "联系人姓名"},
		{"((必填))", ""},
		{"", ""},
	} {
		if got := FoldHeader(c.in); got != c.want {
			t.Errorf("FoldHeader(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMatchHeader(t *testing.T) {
	for _, c := range []struct {
		in      string
		field   string
		how     How
		unit    cells.Unit
		ordinal int
		cands   []string   // ambiguous (or unsupported unit) candidates
		reason  crm.Reason // when field is ""
	}{
		// The seeds' template headers (seeds/000, 001, 003).
		{in: "客户编号", field: "code", how: ByHeader},
		{in: "姓名*", field: "contactName", how: BySynonym},
		{in: "公司名称", field: "name", how: BySynonym},
		{in: "职位", field: "contactTitle", how: BySynonym},
		{in: "行业类型", field: "industry", how: BySynonym},
		{in: "客户来源", field: "source", how: ByHeader},
		{in: "联系方式*", field: "contactPhone", how: BySynonym},
		{in: "关系等级", field: "valueTier", how: BySynonym},
		{in: "客户名称", field: "name", how: ByHeader},
		{in: "所属行业", field: "industry", how: ByHeader},
		{in: "企业规模", field: "employeeBand", how: BySynonym},
		{in: "客户类型", field: "type", how: ByHeader},
		{in: "姓名", field: "contactName", how: BySynonym},
		{in: "最近跟进日期", field: "lastInteractionAt", how: BySynonym},
		{in: "当前阶段", field: "stage", how: BySynonym},
		{in: "客户标签", field: "tags", how: BySynonym},
		{in: "销售负责人", field: "owner", how: BySynonym},
		{in: "联系人(职位)", field: "contactNameTitle", how: ByHeader},
		{in: "统一社会信用代码", field: "creditCode", how: ByHeader},
		{in: "首次合作时间", field: "firstDealOn", how: BySynonym},
		{in: "累计交易金额(元)", field: "totalAmount", how: BySynonym},
		{in: "最近交易时间", field: "lastDealOn", how: BySynonym},
		{in: "企业规模(人数)", field: "employeeBand", how: BySynonym},
		{in: "备注", field: "notes", how: ByHeader},
		// The variants.
		{in: "企业名称", field: "name", how: BySynonym},
		{in: "单位名称", field: "name", how: BySynonym},
		{in: "客户全称", field: "name", how: BySynonym},
		{in: "联系人", field: "contactName", how: ByHeader},
		{in: "联系人姓名", field: "contactName", how: BySynonym},
		{in: "职务", field: "contactTitle", how: BySynonym},
		{in: "行业", field: "industry", how: BySynonym},
		{in: "公司规模", field: "employeeBand", how: BySynonym},
		{in: "人员规模", field: "employeeBand", how: BySynonym},
		{in: "区域", field: "region", how: ByHeader},
		{in: "地区", field: "region", how: BySynonym},
		{in: "所在地", field: "region", how: BySynonym},
		{in: "省份", field: "province", how: ByHeader},
		{in: "省", field: "province", how: BySynonym},
		{in: "城市", field: "city", how: ByHeader},
		{in: "市", field: "city", how: BySynonym},
		{in: "来源", field: "source", how: BySynonym},
		{in: "获客渠道", field: "source", how: BySynonym},
		{in: "手机", field: "contactPhone", how: BySynonym},
		{in: "手机号", field: "contactPhone", how: BySynonym},
		{in: "电话", field: "contactPhone", how: BySynonym},
		{in: "联系电话", field: "contactPhone", how: BySynonym},
		{in: "移动电话", field: "contactPhone", how: BySynonym},
		{in: "邮箱", field: "contactEmail", how: BySynonym},
		{in: "电子邮箱", field: "contactEmail", how: BySynonym},
		{in: "微信", field: "contactWechat", how: BySynonym},
		{in: "微信号", field: "contactWechat", how: BySynonym},
		{in: "信用代码", field: "creditCode", how: BySynonym},
		{in: "社会信用代码", field: "creditCode", how: BySynonym},
		{in: "税号", field: "creditCode", how: BySynonym},
		{in: "纳税人识别号", field: "creditCode", how: BySynonym},
		{in: "合作时间", field: "firstDealOn", how: BySynonym},
		{in: "首次成交时间", field: "firstDealOn", how: BySynonym},
		{in: "累计交易金额(万元)", field: "totalAmount", how: BySynonym, unit: cells.TenThousand},
		{in: "累计成交金额", field: "totalAmount", how: BySynonym},
		{in: "交易总额", field: "totalAmount", how: BySynonym},
		{in: "最后交易时间", field: "lastDealOn", how: BySynonym},
		{in: "最后跟进时间", field: "lastInteractionAt", how: BySynonym},
		{in: "客户分级", field: "valueTier", how: BySynonym},
		{in: "价值分级", field: "valueTier", how: ByHeader},
		{in: "客户等级", field: "valueTier", how: BySynonym},
		{in: "标签", field: "tags", how: ByHeader},
		{in: "客户阶段", field: "stage", how: ByHeader},
		{in: "销售阶段", field: "stage", how: BySynonym},
		{in: "负责人", field: "owner", how: ByHeader},
		{in: "跟进人", field: "owner", how: BySynonym},
		{in: "业务员", field: "owner", how: BySynonym},
		{in: "客户经理", field: "owner", how: BySynonym},
		{in: "说明", field: "notes", how: BySynonym},
		{in: "跟进记录", field: "interactions", how: ByHeader},
		{in: "历史记录", field: "interactions", how: BySynonym},
		{in: "互动记录", field: "interactions", how: BySynonym},
		{in: "交易记录", field: "deals", how: ByHeader},
		{in: "购买历史", field: "deals", how: BySynonym},
		// Folding: required marks, width, brackets, colons, case.
		{in: "客户名称（必填）", field: "name", how: ByHeader},
		{in: "*客户名称(必填)", field: "name", how: ByHeader},
		{in: "客户名称：", field: "name", how: ByHeader},
		{in: "【客户名称】", field: "name", how: ByHeader},
		{in: "联系电话（选填）", field: "contactPhone", how: BySynonym},
		{in: "ＥＭＡＩＬ", field: "contactEmail", how: BySynonym},
		{in: "客 户 名 称", field: "name", how: ByHeader},
		// Units.
		{in: "累计交易金额（万元）", field: "totalAmount", how: BySynonym, unit: cells.TenThousand},
		{in: "累计交易金额（万）", field: "totalAmount", how: BySynonym, unit: cells.TenThousand},
		{in: "累计交易金额万元", field: "totalAmount", how: BySynonym, unit: cells.TenThousand},
		{in: "累计交易金额/万元", field: "totalAmount", how: BySynonym, unit: cells.TenThousand},
		{in: "累计交易金额(单位：万元)", field: "totalAmount", how: BySynonym, unit: cells.TenThousand},
		{in: "交易总额(人民币)", field: "totalAmount", how: BySynonym},
		{in: "Total amount (10k CNY)", field: "totalAmount", how: BySynonym, unit: cells.TenThousand},
		{in: "累计交易金额(亿元)", cands: []string{"totalAmount"}, reason: ReasonUnsupportedUnit},
		{in: "累计交易金额(千元)", cands: []string{"totalAmount"}, reason: ReasonUnsupportedUnit},
		{in: "交易总额(美元)", cands: []string{"totalAmount"}, reason: ReasonUnsupportedUnit},
		{in: "年营收(万元)", field: "revenueBand", how: ByHeader}, // a band: the unit is not the column's Unit
		{in: "跟进周期(天)", field: "cadenceDays", how: ByHeader},
		{in: "跟进周期（日）", field: "cadenceDays", how: BySynonym},
		// Annotations in brackets are dropped; numbers say which contact.
		{in: "客户名称(全称)", field: "name", how: ByHeader},
		{in: "联系方式(电话/邮箱)", field: "contactPhone", how: BySynonym},
		{in: "联系人2", field: "contactName", how: ByHeader, ordinal: 2},
		{in: "联系人 2", field: "contactName", how: ByHeader, ordinal: 2},
		{in: "电话2", field: "contactPhone", how: BySynonym, ordinal: 2},
		{in: "电话(2)", field: "contactPhone", how: BySynonym, ordinal: 2},
		{in: "Contact 1", field: "contactName", how: ByHeader, ordinal: 1},
		{in: "联系人123", reason: ReasonUnknownHeader},
		// Alternatives.
		{in: "手机/电话", field: "contactPhone", how: BySynonym},
		{in: "手机、座机", field: "contactPhone", how: BySynonym},
		{in: "电话/邮箱", cands: []string{"contactPhone", "contactEmail"}, reason: ReasonAmbiguousHeader},
		{in: "省/市", field: "region", how: BySynonym},
		// English.
		{in: "Company", field: "name", how: BySynonym},
		{in: "Customer name", field: "name", how: BySynonym},
		{in: "Company name", field: "name", how: ByHeader},
		{in: "Contact", field: "contactName", how: ByHeader},
		{in: "Title", field: "contactTitle", how: BySynonym},
		{in: "Phone", field: "contactPhone", how: BySynonym},
		{in: "Mobile", field: "contactPhone", how: BySynonym},
		{in: "Email", field: "contactEmail", how: BySynonym},
		{in: "E-mail", field: "contactEmail", how: BySynonym},
		{in: "Industry", field: "industry", how: ByHeader},
		{in: "Source", field: "source", how: ByHeader},
		{in: "Stage", field: "stage", how: ByHeader},
		{in: "Tier", field: "valueTier", how: BySynonym},
		{in: "Owner", field: "owner", how: ByHeader},
		{in: "Tags", field: "tags", how: ByHeader},
		{in: "Notes", field: "notes", how: ByHeader},
		{in: "WeChat", field: "contactWechat", how: BySynonym},
		{in: "Tax ID", field: "creditCode", how: BySynonym},
		// Ambiguous: never from the name alone.
		{in: "类型", cands: []string{"type", "needType"}, reason: ReasonAmbiguousHeader},
		{in: "等级", cands: []string{"valueTier", "intentGrade"}, reason: ReasonAmbiguousHeader},
		{in: "名称", cands: []string{"name", "contactName"}, reason: ReasonAmbiguousHeader},
		{in: "Name", cands: []string{"name", "contactName"}, reason: ReasonAmbiguousHeader},
		{in: "状态", cands: []string{"stage", "lifecycle"}, reason: ReasonAmbiguousHeader},
		{in: "规模", cands: []string{"employeeBand", "revenueBand"}, reason: ReasonAmbiguousHeader},
		{in: "金额", cands: []string{"totalAmount"}, reason: ReasonAmbiguousHeader},
		{in: "日期", cands: []string{"firstDealOn", "lastDealOn", "lastInteractionAt", "nextFollowUpAt", "foundedOn", "createdAt"},
			reason: ReasonAmbiguousHeader},
		// Personal data, unknown and blank headers.
		{in: "身份证号", reason: crm.ReasonIDNumber},
		{in: "证件号码", reason: crm.ReasonIDNumber},
		{in: "家庭住址", reason: crm.ReasonHomeAddress},
		{in: "客户反馈", reason: ReasonUnknownHeader},
		{in: "沟通内容概要", reason: ReasonUnknownHeader},
		{in: "序号", reason: ReasonUnknownHeader},
		{in: "QQ", reason: ReasonUnknownHeader},
		{in: "", reason: ""},
		{in: " * ", reason: ""},
		{in: "（必填）", reason: ""},
	} {
		got := MatchHeader(c.in)
		want := HeaderMatch{Field: c.field, How: c.how, Unit: c.unit, Ordinal: c.ordinal, Candidates: c.cands, Reason: c.reason}
		if got.Field != want.Field || got.How != want.How || got.Unit != want.Unit || got.Ordinal != want.Ordinal ||
			!slices.Equal(got.Candidates, want.Candidates) || got.Reason != want.Reason {
			t.Errorf("MatchHeader(%q) = %+v, want %+v", c.in, got, want)
		}
	}
}

// TestCatalog checks the catalog's own consistency: every name of a
// target maps back to it, enums have a vocabulary, keys are unique.
func TestCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, tg := range Targets() {
		if seen[tg.Key] {
			t.Errorf("key %s twice", tg.Key)
		}
		seen[tg.Key] = true
		if (tg.Kind == Enum) != (tg.Vocabulary != nil) {
			t.Errorf("%s: kind %s, vocabulary %v", tg.Key, tg.Kind, tg.Vocabulary != nil)
		}
		if tg.Zh == "" || tg.En == "" {
			t.Errorf("%s: a name is missing", tg.Key)
		}
		for _, n := range append([]string{tg.Zh, tg.En}, tg.Synonyms...) {
			if m := MatchHeader(n); m.Field != tg.Key {
				t.Errorf("%s: name %q matches %+v", tg.Key, n, m)
			}
		}
		for _, k := range tg.Writes() {
			if _, ok := Lookup(k); !ok {
				t.Errorf("%s writes unknown %s", tg.Key, k)
			}
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup(nope) found something")
	}
	if got := strings.Join(Keys()[:3], ","); got != "code,name,creditCode" {
		t.Errorf("Keys() starts %s", got)
	}
}

func TestSplitRegion(t *testing.T) {
	for _, c := range []struct {
		in             string
		province, city string
		ok             bool
	}{
		{"广东省深圳市", "广东省", "深圳市", true},
		{"广东省深圳市南山区", "广东省", "深圳市", true},
		{"广东 深圳", "广东省", "深圳", true},
		{"广东-深圳市", "广东省", "深圳市", true},
		{"广东深圳", "广东省", "深圳", true},
		{"浙江", "浙江省", "", true},
		{"北京市", "北京市", "北京市", true},
		{"北京市朝阳区", "北京市", "北京市", true},
		{"上海", "上海市", "上海市", true},
		{"新疆维吾尔自治区乌鲁木齐市", "新疆维吾尔自治区", "乌鲁木齐市", true},
		{"广西桂林市", "广西壮族自治区", "桂林市", true},
		{"吉林省延边朝鲜族自治州延吉市", "吉林省", "延边朝鲜族自治州", true},
		{"华东", "", "", false},
		{"深圳", "", "", false},
		{"", "", "", false},
	} {
		p, ci, ok := SplitRegion(c.in)
		if p != c.province || ci != c.city || ok != c.ok {
			t.Errorf("SplitRegion(%q) = %q, %q, %v; want %q, %q, %v", c.in, p, ci, ok, c.province, c.city, c.ok)
		}
	}
}

func TestSplitNameTitle(t *testing.T) {
	for _, c := range []struct{ in, name, title string }{
		{"张*(总经理)", "张*", "总经理"},
		{"张三（总经理）", "张三", "总经理"},
		{"张三 (采购总监)", "张三", "采购总监"},
		{"张三 总经理", "张三", "总经理"},
		{"张三/总经理", "张三", "总经理"},
		{"张三", "张三", ""},
	} {
		n, ti, ok := SplitNameTitle(c.in)
		if n != c.name || ti != c.title || !ok {
			t.Errorf("SplitNameTitle(%q) = %q, %q, %v; want %q, %q", c.in, n, ti, ok, c.name, c.title)
		}
	}
	if _, _, ok := SplitNameTitle(" "); ok {
		t.Error("SplitNameTitle of a blank cell is ok")
	}
}
