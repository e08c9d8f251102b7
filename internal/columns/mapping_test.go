package columns

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/crm"
)

// Valid unified social credit codes (GB 32100-2015 check characters
// checked by hand), and one with a wrong check character.
const (
	code1    = "91350100M000100Y43"
	code2    = "91110000802100433B"
	badCode  = "91350100M000100Y44"
	mobile1  = "13812345678"
	mobile2  = "139 1234 5678"
	landline = "010-12345678"
)

// fields lists each column's field, "-" for none.
func fields(m Mapping) string {
	out := make([]string, len(m.Columns))
	for i, c := range m.Columns {
		out[i] = c.Field
		if out[i] == "" {
			out[i] = "-"
		}
	}
	return strings.Join(out, " ")
}

// reasons lists the reasons of m's problems.
func reasons(m Mapping) string {
	var out []string
	for _, p := range m.Problems {
		out = append(out, string(p.Reason))
	}
	return strings.Join(out, " ")
}

func warningReasons(c Column) string {
	var out []string
	for _, w := range c.Warnings {
		out = append(out, string(w.Reason))
	}
	return strings.Join(out, " ")
}

// TestDetectSeeds maps the seeds' template headers with their example
// rows.
func TestDetectSeeds(t *testing.T) {
	for _, c := range []struct {
		name     string
		header   []string
		rows     [][]string
		want     string            // fields
		problems string            // reasons
		warnings map[string]string // header -> warning reasons
		conf     map[string]Confidence
	}{
		{
			name: "seeds/003 客户信息基础表",
			header: []string{"客户编号", "客户名称", "行业类型", "联系人(职位)", "统一社会信用代码", "首次合作时间", "累计交易金额(元)",
				"最近交易时间", "企业规模(人数)", "备注"},
			rows: [][]string{
				{"C001", "*科技有限公司", "制造业", "张*(总经理)", code1, "2022-03-15", "680,000", "2023-10-20", "200-300人", "战略合作意向"},
				{"C002", "*商贸有限公司", "零售业", "李*(采购经理)", code2, "2021/6/1", "120000", "2023.9.1", "50-100人", ""},
			},
			want: "code name industry contactNameTitle creditCode firstDealOn totalAmount lastDealOn employeeBand notes",
			conf: map[string]Confidence{"统一社会信用代码": High, "累计交易金额(元)": High, "企业规模(人数)": High},
		},
		{
			name: "seeds/001 CRM数据记录表",
			header: []string{"客户名称", "所属行业", "企业规模", "客户类型", "姓名", "职位", "联系方式", "核心需求", "业务目标", "最近跟进日期",
				"跟进方式", "沟通内容摘要", "下次跟进计划", "当前阶段", "客户标签", "销售负责人", "最后更新人"},
			rows: [][]string{{"*科技有限公司", "信息技术服务业", "100-500人", "新客户", "*经理", "采购部经理", "工号*",
				"需要一套能提升客户管理效率的CRM系统", "3个月内实现客户数据数字化管理", "2023-10-15", "电话拜访", "客户对系统操作界面有疑问，已预约下周演示",
				"2023-10-20，线上会议，演示系统操作流程", "需求确认", "高意向，技术优先型", "*主管", "*专员"}},
			want: "name industry employeeBand type contactName contactTitle contactPhone - - lastInteractionAt - - - stage tags owner -",
			warnings: map[string]string{"联系方式": "VALUES_MISMATCH", "核心需求": "UNKNOWN_HEADER", "业务目标": "UNKNOWN_HEADER",
				"跟进方式": "UNKNOWN_HEADER", "沟通内容摘要": "UNKNOWN_HEADER", "下次跟进计划": "UNKNOWN_HEADER", "最后更新人": "UNKNOWN_HEADER"},
			conf: map[string]Confidence{"联系方式": Low, "客户类型": High, "当前阶段": High},
		},
		{
			name: "seeds/000 客户信息管理表",
			header: []string{"客户编号", "姓名*", "公司名称", "职位", "行业类型", "客户来源", "联系方式*", "日期", "互动方式", "参与人*",
				"沟通内容概要", "客户反馈", "下一步行动", "当前需求", "潜在需求", "需求优先级", "需求状态", "关系等级"},
			rows: [][]string{
				{"C202405001", "*经理", "科技有限公司", "采购总监", "制造业", "行业展会", "13856781234", "2024-05-10", "拜访", "*销售代表",
					"客户反馈现有物流效率低，希望优化配送方案", "希望提供定制化仓储管理方案", "5月15日前提供定制方案，责任人：*", "物流配送效率提升",
					"供应链数字化管理工具", "高", "跟进中", "A类(高价值)"},
				{"C202405002", "*总监", "贸易有限公司", "总经理", "零售业", "线上咨询", "0755-12345678", "2024-05-12", "电话", "*销售代表",
					"", "", "", "", "", "中", "未跟进", "B类"},
			},
			want: "code contactName name contactTitle industry source contactPhone - - - - - - - - - - valueTier",
			warnings: map[string]string{"日期": "AMBIGUOUS_HEADER", "互动方式": "UNKNOWN_HEADER", "需求状态": "UNKNOWN_HEADER",
				"客户编号": "", "联系方式*": "", "关系等级": ""},
			conf: map[string]Confidence{"联系方式*": High, "关系等级": High},
		},
		{
			name:   "seeds/004 客户管理工作表 (headers as its text names them)",
			header: []string{"姓名", "公司名称", "职位", "电话", "邮箱", "地址", "互动记录", "购买历史", "客户反馈", "客户分类", "客户分级"},
			rows: [][]string{
				{"张三", "ABC公司", "经理", "12345678", "zhangsan@abc.com", "北京市", "2023-01-01 电话联系，了解需求", "2022-12-01 购买产品A，1000元",
					"产品质量好，希望增加售后服务", "制造业", "A类"},
				{"李四", "XYZ公司", "总监", "87654321", "lisi@xyz.com", "上海市", "2023-02-01 邮件沟通，确认订单", "2023-01-15 购买产品B，2000元",
					"服务态度好，希望增加优惠活动", "零售业", "B类"},
			},
			// 客户分类 may be 客户类型, 所属行业 or 价值分级: 制造业 is no type and no tier.
			want:     "contactName name contactTitle contactPhone contactEmail address interactions deals - industry valueTier",
			warnings: map[string]string{"电话": "VALUES_MISMATCH", "客户反馈": "UNKNOWN_HEADER", "客户分类": ""},
			conf:     map[string]Confidence{"电话": Low, "客户分类": Medium, "互动记录": High, "购买历史": High},
		},
		{
			name:     "seeds/004 without a header row: the values decide what they can",
			header:   []string{"", "", "", "", "", "", "", "", "", "", ""},
			rows:     nil, // set below
			want:     "- - - - contactEmail - interactions deals - - -",
			problems: "REQUIRED",
		},
	} {
		rows := c.rows
		if rows == nil {
			rows = [][]string{
				{"张三", "ABC公司", "经理", "12345678", "zhangsan@abc.com", "北京市", "2023-01-01 电话联系，了解需求", "2022-12-01 购买产品A，1000元",
					"产品质量好，希望增加售后服务", "制造业", "A类"},
				{"李四", "XYZ公司", "总监", "87654321", "lisi@xyz.com", "上海市", "2023-02-01 邮件沟通，确认订单", "2023-01-15 购买产品B，2000元",
					"服务态度好，希望增加优惠活动", "零售业", "B类"},
			}
		}
		m := Detect(c.header, rows)
		if got := fields(m); got != c.want {
			t.Errorf("%s: fields\n got %s\nwant %s", c.name, got, c.want)
		}
		if got := reasons(m); got != c.problems {
			t.Errorf("%s: problems %q, want %q: %v", c.name, got, c.problems, m.Problems)
		}
		for _, col := range m.Columns {
			if want, ok := c.warnings[col.Header]; ok {
				if got := warningReasons(col); got != want {
					t.Errorf("%s: column %q warnings %q, want %q: %v", c.name, col.Header, got, want, col.Warnings)
				}
			} else if col.Field != "" && len(col.Warnings) > 0 {
				t.Errorf("%s: column %q: unexpected warnings %v", c.name, col.Header, col.Warnings)
			}
			if want, ok := c.conf[col.Header]; ok && col.Confidence != want {
				t.Errorf("%s: column %q confidence %s, want %s", c.name, col.Header, col.Confidence, want)
			}
		}
	}
}

// TestDetect covers units, contacts, sniffing and the whole-header checks.
func TestDetect(t *testing.T) {
	for _, c := range []struct {
		name     string
		header   []string
		rows     [][]string
		want     string // fields
		how      string // each column's How, "-" for none
		contacts []int  // each column's Contact, when given
		problems string
		check    func(t *testing.T, m Mapping)
	}{
		{
			name:   "full width, required marks and English",
			header: []string{"＊客户名称（必填）", "Ｃｏｍｐａｎｙ　Ａｄｄｒｅｓｓ", "E-mail:", "所属行业【选填】"},
			want:   "name address contactEmail industry", how: "header header synonym header",
		},
		{
			name:   "a 万元 column",
			header: []string{"客户名称", "累计交易金额（万元）", "年营收"},
			rows:   [][]string{{"甲", "68", "1000万-5000万"}, {"乙", "1.5", "1亿以上"}},
			want:   "name totalAmount revenueBand",
			check: func(t *testing.T, m Mapping) {
				if m.Columns[1].Unit != cells.TenThousand || m.Columns[1].Confidence != High || m.Columns[2].Unit != cells.Yuan {
					t.Errorf("units %v", m.Columns)
				}
			},
		},
		{
			name:     "contacts numbered by the header",
			header:   []string{"客户名称", "联系人", "电话", "联系人2", "电话2", "职位2", "邮箱3"},
			want:     "name contactName contactPhone contactName contactPhone contactTitle contactEmail",
			contacts: []int{0, 1, 1, 2, 2, 2, 1}, // no 联系人3: 邮箱3 is contact 1's
		},
		{
			name:     "a second phone of one contact is fine, a second name is not",
			header:   []string{"客户名称", "联系人", "手机", "座机", "客户全称", "联系人姓名"},
			want:     "name contactName contactPhone contactPhone name contactName",
			problems: "DUPLICATE_COLUMN DUPLICATE_COLUMN",
			check: func(t *testing.T, m Mapping) {
				p := m.Problems[0]
				if p.Field != "mapping" || !slices.Equal(p.Params["columns"].([]int), []int{0, 4}) || p.Params["field"] != "name" ||
					!strings.Contains(p.Message, `A "客户名称" and E "客户全称"`) {
					t.Errorf("problem %+v", p)
				}
			},
		},
		{
			name:     "a 区域 column and a 省份 column both give the province",
			header:   []string{"客户名称", "区域", "省份"},
			want:     "name region province",
			problems: "DUPLICATE_COLUMN",
		},
		{
			name:     "联系人(职位) and 职位 both give the title",
			header:   []string{"客户名称", "联系人(职位)", "职位"},
			want:     "name contactNameTitle contactTitle",
			problems: "DUPLICATE_COLUMN",
		},
		{
			name:   "no name column, but codes: a file that updates customers",
			header: []string{"客户编号", "标签"},
			want:   "code tags",
		},
		{
			name:   "no name column, but credit codes",
			header: []string{"统一社会信用代码", "所属行业"},
			want:   "creditCode industry",
		},
		{
			name:     "no column naming the customer",
			header:   []string{"联系人", "标签"},
			want:     "contactName tags",
			problems: "REQUIRED",
			check: func(t *testing.T, m Mapping) {
				var e *crm.Error
				if err := m.Err(); !errors.As(err, &e) || e.Code != crm.CodeBadUserInput || e.Fields[0].Field != "mapping" ||
					e.Fields[0].Params["field"] != "name" {
					t.Errorf("Err() = %v", err)
				}
			},
		},
		{
			name:   "tags, notes and history cells take several columns",
			header: []string{"客户名称", "标签", "客户标签", "备注", "说明", "跟进记录", "沟通记录"},
			want:   "name tags tags notes notes interactions interactions",
		},
		{
			name:   "sniffed: credit codes, e-mails, mobiles, websites under unknown or blank headers",
			header: []string{"客户名称", "代码", "", "其他联系", "主页地址", ""},
			rows: [][]string{
				{"甲", code1, "a@b.cn", mobile1, "https://a.example.cn", ""},
				{"乙", code2, "c@d.cn", mobile2, "www.b.example.cn", ""},
			},
			want: "name creditCode contactEmail contactPhone website -",
			how:  "header sniffed sniffed sniffed sniffed -",
			check: func(t *testing.T, m Mapping) {
				for _, c := range m.Columns[1:5] {
					if c.Confidence != Medium || len(c.Warnings) > 0 {
						t.Errorf("column %q: %s %v", c.Header, c.Confidence, c.Warnings)
					}
				}
				if len(m.Columns[5].Warnings) > 0 { // blank and empty: nothing to say
					t.Errorf("empty column: %v", m.Columns[5].Warnings)
				}
			},
		},
		{
			name:   "not sniffed: one cell, mixed cells, a taken field, an ambiguous shape",
			header: []string{"客户名称", "信用代码", "代码", "a", "b", "c"},
			rows: [][]string{
				{"甲", code1, code2, code1, "2023-10-20", "680000"},
				{"乙", code2, code1, "x", "2023-10-21", "120000"},
			},
			want: "name creditCode - - - -",
			check: func(t *testing.T, m Mapping) {
				for _, c := range m.Columns[2:] {
					if warningReasons(c) != "UNKNOWN_HEADER" {
						t.Errorf("column %q: %v", c.Header, c.Warnings)
					}
				}
			},
		},
		{
			name:   "ambiguous headers: the values rule out all but one, or they do not",
			header: []string{"客户名称", "类型", "规模", "等级", "日期", "名称", "渠道"},
			rows: [][]string{
				{"甲", "新客户", "100-500人", "A类", "2023-10-20", "张三", "展会"},
				{"乙", "渠道", "50人以下", "B类", "2023-10-21", "李四", "转介绍"},
			},
			want: "name type employeeBand - - - source",
			how:  "header sniffed sniffed - - - sniffed",
			check: func(t *testing.T, m Mapping) {
				if c := m.Columns[3]; warningReasons(c) != "AMBIGUOUS_HEADER" ||
					!slices.Equal(c.Candidates, []string{"valueTier", "intentGrade"}) ||
					!strings.Contains(c.Warnings[0].Message, "价值分级 (valueTier) or 意向等级 (intentGrade)") {
					t.Errorf("等级: %+v", c)
				}
			},
		},
		{
			name:   "an ambiguous header whose field is taken by another column",
			header: []string{"客户名称", "客户类型", "类型"},
			rows:   [][]string{{"甲", "新客户", "新客户"}, {"乙", "老客户", "老客户"}},
			want:   "name type -",
		},
		{
			name:   "values that contradict the header",
			header: []string{"客户名称", "联系电话", "统一社会信用代码", "企业规模", "负责人", "微信", "客户编号", "成立日期"},
			rows: [][]string{
				{"甲", "a@b.cn", code1, "1000万-5000万", "wang@kehu.cn", mobile1, code1, "2001-02-03"},
				{"乙", "c@d.cn", badCode, "1亿以上", "李四", "wx_li", code2, "2001-02-30"},
				{"丙", "e@f.cn", code2, "5000万", "张三", "zhang", code1, "2001年2月3日"},
				{"丁", "g@h.cn", code1, "100万", "张三", "zhang", code2, "二〇〇一年"},
			},
			want: "name contactPhone creditCode employeeBand owner contactWechat code foundedOn",
			check: func(t *testing.T, m Mapping) {
				for i, want := range []struct {
					conf   Confidence
					reason string
					found  any
					msg    string
				}{
					{conf: High},
					{Low, "VALUES_MISMATCH", "email", `column B "联系电话" holds e-mail addresses (4 of 4 sampled cells), not phone numbers`},
					{Medium, "VALUES_MISMATCH", nil, `1 of 4 sampled cells of column C "统一社会信用代码" are not credit codes (e.g. "` + badCode + `")`},
					{Low, "VALUES_MISMATCH", nil, "are not values of 员工规模"},
					{conf: High}, // users by e-mail or name
					{conf: High}, // a WeChat ID may be the mobile
					{Low, "VALUES_MISMATCH", "creditCode", `column G "客户编号" holds credit codes (4 of 4 sampled cells), not 客户编号 values`},
					{Medium, "VALUES_MISMATCH", nil, "2 of 4 sampled cells"},
				} {
					c := m.Columns[i]
					if c.Confidence != want.conf || warningReasons(c) != want.reason {
						t.Errorf("column %q: %s %v, want %s %s", c.Header, c.Confidence, c.Warnings, want.conf, want.reason)
						continue
					}
					if want.reason != "" && (c.Warnings[0].Params["found"] != want.found || !strings.Contains(c.Warnings[0].Message, want.msg) ||
						c.Warnings[0].Params["column"] != i) {
						t.Errorf("column %q: %+v, want found %v, %q", c.Header, c.Warnings[0], want.found, want.msg)
					}
				}
			},
		},
		{
			// A bare number is no evidence of a date: Excel's serial 12345 is
			// a date only in a column that is meant to hold dates.
			name:   "bare numbers: not phone numbers, yet not dates either; serials in a date column",
			header: []string{"客户名称", "手机", "首次合作时间"},
			rows:   [][]string{{"甲", "12345", "45000"}, {"乙", "23456", "45001.5"}, {"丙", "34567", "2023-03-01"}},
			want:   "name contactPhone firstDealOn",
			check: func(t *testing.T, m Mapping) {
				c := m.Columns[1]
				if warningReasons(c) != "VALUES_MISMATCH" || c.Warnings[0].Params["found"] != nil ||
					!strings.Contains(c.Warnings[0].Message, `3 of 3 sampled cells of column B "手机" are not phone numbers (e.g. "12345")`) {
					t.Errorf("手机: %+v", c.Warnings)
				}
				if c := m.Columns[2]; c.Confidence != High || len(c.Warnings) != 0 {
					t.Errorf("首次合作时间: %s %+v", c.Confidence, c.Warnings)
				}
			},
		},
		{
			name:   "unmapped with a reason: personal data, a unit Kehu does not read",
			header: []string{"客户名称", "身份证号", "家庭住址", "累计交易金额(亿元)"},
			rows:   [][]string{{"甲", "110101199003070011", "北京市朝阳区", "1.2"}, {"乙", "", "", "3"}},
			want:   "name - - -",
			check: func(t *testing.T, m Mapping) {
				for i, want := range []string{"", "ID_NUMBER", "HOME_ADDRESS", "UNSUPPORTED_UNIT"} {
					if got := warningReasons(m.Columns[i]); got != want {
						t.Errorf("column %d: %q, want %q", i, got, want)
					}
				}
				if w := m.Columns[3].Warnings[0]; w.Params["unit"] != "亿元" || !slices.Equal(m.Columns[3].Candidates, []string{"totalAmount"}) {
					t.Errorf("unit warning %+v", w)
				}
			},
		},
		{
			name:   "rows longer than the header, and only the first SampleRows rows read",
			header: []string{"客户名称"},
			rows: append(slices.Repeat([][]string{{"甲", "a@b.cn"}}, SampleRows),
				[]string{"乙", "not an e-mail"}),
			want: "name contactEmail",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := Detect(c.header, c.rows)
			if got := fields(m); got != c.want {
				t.Errorf("fields\n got %s\nwant %s", got, c.want)
			}
			if c.how != "" {
				var hows []string
				for _, col := range m.Columns {
					h := col.How.String()
					if h == "" {
						h = "-"
					}
					hows = append(hows, h)
				}
				if got := strings.Join(hows, " "); got != c.how {
					t.Errorf("how %s, want %s", got, c.how)
				}
			}
			if c.contacts != nil {
				var got []int
				for _, col := range m.Columns {
					got = append(got, col.Contact)
				}
				if !slices.Equal(got, c.contacts) {
					t.Errorf("contacts %v, want %v", got, c.contacts)
				}
			}
			if got := reasons(m); got != c.problems {
				t.Errorf("problems %q, want %q: %v", got, c.problems, m.Problems)
			}
			if (m.Err() == nil) != (c.problems == "") {
				t.Errorf("Err() = %v", m.Err())
			}
			if c.check != nil {
				c.check(t, m)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestApply(t *testing.T) {
	header := []string{"客户名称", "类型", "公司名称", "金额", "电话", "邮箱", "联系人2"}
	rows := [][]string{{"甲", "新客户", "甲有限公司", "68", "a@b.cn", "a@b.cn", "张三"}, {"乙", "老客户", "乙有限公司", "12", "c@d.cn", "c@d.cn", "李四"}}
	m := Detect(header, rows)
	if fields(m) != "name type name - contactPhone contactEmail contactName" || reasons(m) != "DUPLICATE_COLUMN" {
		t.Fatalf("detected %s, %s", fields(m), reasons(m))
	}
	got, err := Apply(m, []Correction{
		{Column: 2, Field: ""}, // the second name column left out
		{Column: 3, Field: "totalAmount", Unit: ptr(cells.TenThousand)}, // an ambiguous header chosen, in 万元
		{Column: 1, Field: "needType"},                                  // the user overrules the values
		{Column: 6, Field: "contactName", Contact: 1},                   // 联系人2 is the row's only contact
	})
	if err != nil {
		t.Fatal(err)
	}
	if fields(got) != "name needType - totalAmount contactPhone contactEmail contactName" || got.Err() != nil {
		t.Fatalf("applied %s, %v", fields(got), got.Err())
	}
	for _, i := range []int{1, 2, 3, 6} {
		if c := got.Columns[i]; c.How != ByUser || c.Confidence != High {
			t.Errorf("column %d: %s %s", i, c.How, c.Confidence)
		}
	}
	if c := got.Columns[1]; warningReasons(c) != "VALUES_MISMATCH" { // 新客户 is no need type: still said
		t.Errorf("needType column warnings %v", c.Warnings)
	}
	if c := got.Columns[3]; c.Unit != cells.TenThousand || len(c.Candidates) > 0 || len(c.Warnings) > 0 {
		t.Errorf("amount column %+v", c)
	}
	if got.Columns[6].Contact != 1 || got.Columns[4].Contact != 1 {
		t.Errorf("contacts %d %d", got.Columns[6].Contact, got.Columns[4].Contact)
	}
	if fields(m) != "name type name - contactPhone contactEmail contactName" || m.Columns[1].How != BySniffing {
		t.Errorf("Apply changed its argument: %s", fields(m))
	}

	// A correction that makes a duplicate: the same whole-header check.
	dup, err := Apply(got, []Correction{{Column: 5, Field: "name"}})
	if err != nil || reasons(dup) != "DUPLICATE_COLUMN" {
		t.Errorf("duplicate: %v, %s", err, reasons(dup))
	}
	// Leaving the name out: REQUIRED.
	if none, err := Apply(got, []Correction{{Column: 0}}); err != nil || reasons(none) != "REQUIRED" {
		t.Errorf("no name: %v, %s", err, reasons(none))
	}
	// The header's unit is kept when the user maps a column without one.
	m2 := Detect([]string{"客户名称", "累计交易金额(万元)"}, nil)
	if a, err := Apply(m2, []Correction{{Column: 1, Field: "totalAmount"}}); err != nil || a.Columns[1].Unit != cells.TenThousand {
		t.Errorf("unit from the header: %v %v", err, a.Columns)
	}
}

func TestApplyErrors(t *testing.T) {
	m := Detect([]string{"客户名称", "联系人", "累计交易金额"}, nil)
	for _, c := range []struct {
		name   string
		cs     []Correction
		fields []string // the error's field paths
		reason crm.Reason
	}{
		{"unknown field", []Correction{{Column: 1, Field: "contactName"}, {Column: 0, Field: "companyName"}},
			[]string{"mapping[1].field"}, crm.ReasonNotAllowed},
		{"column out of range", []Correction{{Column: 3, Field: "name"}}, []string{"mapping[0].column"}, crm.ReasonOutOfRange},
		{"negative column", []Correction{{Column: -1}}, []string{"mapping[0].column"}, crm.ReasonOutOfRange},
		{"a column twice", []Correction{{Column: 1}, {Column: 1, Field: "contactName"}}, []string{"mapping[1].column"}, crm.ReasonInvalid},
		{"a unit on text", []Correction{{Column: 1, Field: "contactName", Unit: ptr(cells.TenThousand)}}, []string{"mapping[0].unit"},
			crm.ReasonNotAllowed},
		{"a unit on a column left out", []Correction{{Column: 2, Unit: ptr(cells.Yuan)}}, []string{"mapping[0].unit"}, crm.ReasonNotAllowed},
		{"no such unit", []Correction{{Column: 2, Field: "totalAmount", Unit: ptr(cells.Unit(7))}}, []string{"mapping[0].unit"},
			crm.ReasonNotAllowed},
		{"a contact on a customer field", []Correction{{Column: 0, Field: "name", Contact: 2}}, []string{"mapping[0].contact"},
			crm.ReasonNotAllowed},
		{"a contact out of range", []Correction{{Column: 1, Field: "contactName", Contact: 99}}, []string{"mapping[0].contact"},
			crm.ReasonOutOfRange},
		{"every error at once", []Correction{{Column: 9}, {Column: 0, Field: "x"}}, []string{"mapping[0].column", "mapping[1].field"},
			crm.ReasonOutOfRange},
	} {
		got, err := Apply(m, c.cs)
		var e *crm.Error
		if !errors.As(err, &e) || e.Code != crm.CodeBadUserInput {
			t.Errorf("%s: err %v", c.name, err)
			continue
		}
		var paths []string
		for _, f := range e.Fields {
			paths = append(paths, f.Field)
		}
		if !slices.Equal(paths, c.fields) || e.Fields[0].Reason != c.reason {
			t.Errorf("%s: %v, want %v %s", c.name, e.Fields, c.fields, c.reason)
		}
		if fields(got) != fields(m) {
			t.Errorf("%s: the mapping changed: %s", c.name, fields(got))
		}
	}
	_, err := Apply(m, []Correction{{Column: 0, Field: "companyName"}})
	var e *crm.Error
	if errors.As(err, &e) {
		f := e.Fields[0]
		if f.Params["value"] != "companyName" || !slices.Contains(f.Params["allowed"].([]string), "name") ||
			!strings.Contains(f.Message, "code, name, creditCode") {
			t.Errorf("unknown field error: %+v", f)
		}
	}
}
