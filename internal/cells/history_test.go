package cells

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

func TestHistory(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, sh) }
	type (
		I = Interaction
		D = Deal
	)
	for _, c := range []struct {
		in     string
		want   HistoryEntries
		reason crm.Reason
		msg    string
	}{
		{in: "2023-01-01 电话联系，了解需求",
			want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelPhone, "电话联系，了解需求"}}}},
		{in: "2022-12-01 购买产品A，1000元",
			want: HistoryEntries{Deals: []D{{day(2022, 12, 1), "产品A", 100000}}}},
		{in: "2023-01-01 电话联系，了解需求\n2023-02-10 上门拜访，演示产品；2023/3/5 14:30 视频会议：方案评审\n2023年4月1日 采购了产品B 20台，金额5.5万元",
			want: HistoryEntries{
				Interactions: []I{
					{at(2023, 1, 1, 0, 0), crm.ChannelPhone, "电话联系，了解需求"},
					{at(2023, 2, 10, 0, 0), crm.ChannelVisit, "上门拜访，演示产品"},
					{at(2023, 3, 5, 14, 30), crm.ChannelMeeting, "视频会议：方案评审"},
				},
				Deals: []D{{day(2023, 4, 1), "产品B 20台", 5500000}},
			}},
		{in: "２０２３－０１－０１　微信沟通报价", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelWeChat, "微信沟通报价"}}}},
		{in: "2023-01-01: 发送邮件，附产品资料", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelEmail, "发送邮件，附产品资料"}}}},
		{in: "2023-01-01 电话拜访", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelPhone, "电话拜访"}}}},
		{in: "2023-01-01 客户来访后安排电话回访", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelVisit, "客户来访后安排电话回访"}}}},
		{in: "2023-01-01 线上演示", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelOnline, "线上演示"}}}},
		{in: "2023-01-01 参加行业展会", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelOther, "参加行业展会"}}}},
		{in: "2023-01-01 签约仪式在客户公司举行", // a purchase word without an amount: an interaction
			want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelOther, "签约仪式在客户公司举行"}}}},
		{in: "2023-01-01 电话报价1000元", // an amount without a purchase word: an interaction
			want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelPhone, "电话报价1000元"}}}},
		{in: "2023-06-01 续费，2万元", want: HistoryEntries{Deals: []D{{day(2023, 6, 1), "续费", 2000000}}}},
		// No product named: the deal is what the entry says it was.
		{in: "2022-12-01 购买，1000元", want: HistoryEntries{Deals: []D{{day(2022, 12, 1), "购买", 100000}}}},
		{in: "2023-03-01 成交 5万元", want: HistoryEntries{Deals: []D{{day(2023, 3, 1), "成交", 5000000}}}},
		{in: "2023-06-01 签单 CRM系统 ¥12,800", want: HistoryEntries{Deals: []D{{day(2023, 6, 1), "CRM系统", 1280000}}}},
		{in: "2023-06-01 下单设备X1000元", want: HistoryEntries{Deals: []D{{day(2023, 6, 1), "设备X", 100000}}}},
		{in: "2023-06-01 购买设备X1000，1000元", want: HistoryEntries{Deals: []D{{day(2023, 6, 1), "设备X1000", 100000}}}},
		{in: "2023-06-01 购买产品Ａ（标准版）， ￥１，０００", want: HistoryEntries{Deals: []D{{day(2023, 6, 1), "产品Ａ（标准版）", 100000}}}},
		{in: "2023-01-01 回访，满意度100%", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelOther, "回访，满意度100%"}}}},
		{in: "2023-01-01 ＷｅＣｈａｔ  沟通", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelWeChat, "ＷｅＣｈａｔ  沟通"}}}},
		{in: "\n2023-01-01 电话联系\n\n", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelPhone, "电话联系"}}}},
		// A backslash keeps a separator in the entry.
		{in: `2023-01-01 电话联系\；客户同意\;下周回访`, want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelPhone, "电话联系；客户同意;下周回访"}}}},
		{in: `2023-01-01 路径C:\\；2023-01-02 C:\new`, want: HistoryEntries{Interactions: []I{
			{at(2023, 1, 1, 0, 0), crm.ChannelOther, `路径C:\\`}, {at(2023, 1, 2, 0, 0), crm.ChannelOther, `C:\new`}}}},
		{in: "2023-01-01 10:00-11:00 会议", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 10, 0), crm.ChannelMeeting, "11:00 会议"}}}},
		{in: "2023-01-01 10:00:00-11:00:00 会议", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 10, 0), crm.ChannelMeeting, "11:00:00 会议"}}}},
		// The export's form: a channel or 购买 in brackets, the text as typed.
		{in: "2023-01-01 10:30 【拜访】电话联系，约好上门", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 10, 30), crm.ChannelVisit, "电话联系，约好上门"}}}},
		{in: "2023-01-01 ［Phone］ - 购买产品A，1000元", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelPhone, "- 购买产品A，1000元"}}}},
		{in: "2023-01-01：【电话沟通】 第一行\\n第二行\\；\\\\", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelPhone, "第一行\n第二行；\\"}}}},
		{in: "2023-01-01 10:30:15.25+09:00 【其他】x", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 9, 30).Add(15250 * time.Millisecond), crm.ChannelOther, "x"}}}},
		{in: "2023-01-01 【重要】客户来电", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelPhone, "【重要】客户来电"}}}},
		{in: "2022-12-01 【购买】产品A，标准版 ¥1,000", want: HistoryEntries{Deals: []D{{day(2022, 12, 1), "产品A，标准版", 100000}}}},
		{in: "2022-12-01 [purchase] -产品A- 5万", want: HistoryEntries{Deals: []D{{day(2022, 12, 1), "-产品A-", 5000000}}}},
		{in: "2022-12-01 【签约】仪式", want: HistoryEntries{Interactions: []I{{at(2022, 12, 1, 0, 0), crm.ChannelOther, "【签约】仪式"}}}},
		{in: "2022-12-01 10:30 【购买】产品A ¥1.00", want: HistoryEntries{Deals: []D{{day(2022, 12, 1), "产品A", 100}}}}, // the time dropped, as Date does

		{in: "", reason: crm.ReasonRequired},
		{in: " ；\n", reason: crm.ReasonRequired},
		{in: "电话联系，了解需求", reason: crm.ReasonInvalid, msg: "does not start with a date"},
		{in: "2023-01-01 电话联系\n客户满意", reason: crm.ReasonInvalid, msg: "entry 2"},
		{in: "2023-01-01", reason: crm.ReasonInvalid, msg: "no text"},
		{in: "2023-02-30 电话联系", reason: crm.ReasonInvalidDate, msg: "days 1 to 28"},
		{in: "2023-01-01 电话联系；2023-13-01 拜访", reason: crm.ReasonInvalidDate, msg: "entry 2"},
		{in: "03-01-23 电话联系", reason: crm.ReasonInvalid, msg: "does not start with a date"},
		{in: "2022-12-01 购买产品A，1000", reason: crm.ReasonInvalid, msg: "no unit"},
		{in: "2022-12-01 购买产品A，1000.555元", reason: crm.ReasonInvalidMoney, msg: "two decimals"},
		{in: "2022-12-01 购买产品A，6,80,000元", reason: crm.ReasonInvalidMoney, msg: "not a number"},
		{in: "满意度100%", reason: crm.ReasonInvalid, msg: `entry "满意度100%" does not start with a date`},
		{in: "2023-01-01 【电话】 ", reason: crm.ReasonInvalid, msg: "no text"},
		{in: "2022-12-01 【购买】产品A", reason: crm.ReasonInvalid, msg: "without a product or an amount"},
		{in: "2022-12-01 【购买】 ¥1000", reason: crm.ReasonInvalid, msg: "without a product or an amount"},
		{in: "2022-12-01 【购买】产品A 一千元", reason: crm.ReasonInvalidMoney},
		{in: "[3 earlier entries left out]\n2023-01-01", reason: crm.ReasonInvalid, msg: "entry 2"},
	} {
		got, err := History(c.in, sh, DateOptions{})
		if r := reasonOf(err); r != c.reason {
			t.Errorf("History(%q): error %v, want reason %q", c.in, err, c.reason)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("History(%q): message %q should say %q", c.in, err, c.msg)
			}
			continue
		}
		if !equalHistory(got, c.want) {
			t.Errorf("History(%q) =\n%+v\nwant\n%+v", c.in, got, c.want)
		}
	}
}

// TestDealHistory: in a column of deals an entry ending with an amount is a
// deal without a purchase word too; everything else reads as History reads
// it.
func TestDealHistory(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	type D = Deal
	for _, c := range []struct {
		in     string
		want   HistoryEntries
		reason crm.Reason
		msg    string
	}{
		{in: "2022-12-01 产品A 1000元", want: HistoryEntries{Deals: []D{{day(2022, 12, 1), "产品A", 100000}}}},
		{in: "2022-12-01 产品A，标准版 ¥1,000；2023-03-01 年度维保 2万元",
			want: HistoryEntries{Deals: []D{{day(2022, 12, 1), "产品A，标准版", 100000}, {day(2023, 3, 1), "年度维保", 2000000}}}},
		{in: "2022-12-01 购买产品A，1000元", want: HistoryEntries{Deals: []D{{day(2022, 12, 1), "产品A", 100000}}}},
		{in: "2023-03-01 成交 5万元", want: HistoryEntries{Deals: []D{{day(2023, 3, 1), "成交", 5000000}}}},
		{in: "2023-01-01 签约仪式", want: HistoryEntries{Interactions: []Interaction{{time.Date(2023, 1, 1, 0, 0, 0, 0, sh), crm.ChannelOther, "签约仪式"}}}},
		{in: "2022-12-01 1000元", reason: crm.ReasonInvalid, msg: "without a product"},
		{in: "2022-12-01 产品A 1000", reason: crm.ReasonInvalid, msg: "no unit"},
	} {
		got, err := DealHistory(c.in, sh, DateOptions{})
		if r := reasonOf(err); r != c.reason {
			t.Errorf("DealHistory(%q): error %v, want reason %q", c.in, err, c.reason)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("DealHistory(%q): message %q should say %q", c.in, err, c.msg)
			}
			continue
		}
		if !equalHistory(got, c.want) {
			t.Errorf("DealHistory(%q) =\n%+v\nwant\n%+v", c.in, got, c.want)
		}
	}
	// The same cell outside a deals column is an interaction.
	if h, err := History("2022-12-01 产品A 1000元", sh, DateOptions{}); err != nil || len(h.Interactions) != 1 || len(h.Deals) != 0 {
		t.Errorf("History: %+v %v", h, err)
	}
}

func equalHistory(a, b HistoryEntries) bool {
	if len(a.Interactions) != len(b.Interactions) || !reflect.DeepEqual(a.Deals, b.Deals) {
		return false
	}
	for i := range a.Interactions {
		x, y := a.Interactions[i], b.Interactions[i]
		if !x.At.Equal(y.At) || x.Channel != y.Channel || x.Summary != y.Summary {
			return false
		}
	}
	return true
}

// TestHistoryFormat: the entries HistoryFormat writes, by hand, and what
// History reads them as.
func TestHistoryFormat(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	zh, en := HistoryFormat{Loc: sh}, HistoryFormat{Loc: sh, English: true}
	at := func(y int, m time.Month, d, h, min, sec, ms int) time.Time {
		return time.Date(y, m, d, h, min, sec, ms*1e6, sh)
	}
	// 1986-09-14 01:30 happened twice in Shanghai (summer time ended at 02:00).
	summer := time.Date(1986, 9, 13, 16, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		f    HistoryFormat
		x    *Interaction
		d    *Deal
		want string
	}{
		{zh, &Interaction{at(2023, 1, 1, 0, 0, 0, 0), crm.ChannelPhone, "电话联系，了解需求"}, nil, "2023-01-01 【电话】电话联系，了解需求"},
		{zh, &Interaction{at(2023, 1, 1, 10, 30, 0, 0), crm.ChannelVisit, "拜访"}, nil, "2023-01-01 10:30 【拜访】拜访"},
		{zh, &Interaction{at(2023, 1, 1, 10, 30, 5, 0), crm.ChannelWeChat, "x"}, nil, "2023-01-01 10:30:05 【微信】x"},
		{zh, &Interaction{at(2023, 1, 1, 10, 30, 0, 250), crm.ChannelEmail, "x"}, nil, "2023-01-01 10:30:00.250 【邮件】x"},
		{zh, &Interaction{at(2023, 1, 1, 10, 30, 0, 0).UTC(), crm.ChannelOther, "x"}, nil, "2023-01-01 10:30 【其他】x"},
		{zh, &Interaction{at(2023, 1, 1, 0, 0, 0, 0), "", "x"}, nil, "2023-01-01 【其他】x"},
		{zh, &Interaction{summer, crm.ChannelPhone, "x"}, nil, "1986-09-14 01:30:00+09:00 【电话】x"},
		{zh, &Interaction{summer.Add(time.Hour), crm.ChannelPhone, "x"}, nil, "1986-09-14 01:30 【电话】x"},
		{en, &Interaction{at(2023, 1, 1, 9, 0, 0, 0), crm.ChannelMeeting, "方案评审"}, nil, "2023-01-01 09:00 [Meeting] 方案评审"},
		{zh, &Interaction{at(2023, 1, 1, 0, 0, 0, 0), crm.ChannelPhone, "第一行\n第二行；第三行;C:\\new\\\r\n末\u2028尾"}, nil,
			`2023-01-01 【电话】第一行\n第二行\；第三行\;C:\\new\\\r\n末` + "\\\u2028" + `尾`},
		{zh, nil, &Deal{day(2022, 12, 1), "产品A", 100000}, "2022-12-01 【购买】产品A ¥1000.00"},
		{en, nil, &Deal{day(2022, 12, 1), "CRM 系统; 年费", 1}, `2022-12-01 [Purchase] CRM 系统\; 年费 ¥0.01`},
		{zh, nil, &Deal{day(2022, 12, 1), "购买了 5台，金额", 0}, "2022-12-01 【购买】购买了 5台，金额 ¥0.00"},
	} {
		var got string
		var want HistoryEntries
		if c.x != nil {
			got = c.f.Interaction(*c.x)
			x := *c.x
			if x.Channel == "" {
				x.Channel = crm.ChannelOther
			}
			want.Interactions = []Interaction{x}
		} else {
			got = c.f.Deal(*c.d)
			want.Deals = []Deal{*c.d}
		}
		if got != c.want {
			t.Errorf("wrote %q, want %q", got, c.want)
		}
		if h, err := History(got, sh, DateOptions{}); err != nil || !equalHistory(h, want) {
			t.Errorf("History(%q) = %+v, %v; want %+v", got, h, err, want)
		}
	}
	if s := (Interaction{At: at(2023, 1, 1, 14, 30, 0, 0), Channel: crm.ChannelVisit, Summary: "拜访"}).String(); s != "2023-01-01 14:30 【拜访】拜访" {
		t.Errorf("Interaction.String() = %q", s)
	}
	if s := (Deal{Date: day(2022, 12, 1), Product: "产品A", Amount: 100000}).String(); s != "2022-12-01 【购买】产品A ¥1000.00" {
		t.Errorf("Deal.String() = %q", s)
	}
}

// TestHistoryCell: a history that does not fit in a cell keeps its newest
// entries and says how many it left out; History reads the count.
func TestHistoryCell(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	for _, f := range []HistoryFormat{{Loc: sh}, {Loc: sh, English: true}} {
		var entries []string
		var xs []Interaction
		for i := range 3000 { // 3000 entries of about 40 characters: 120,000
			x := Interaction{At: time.Date(2020, 1, 1, 0, 0, 0, 0, sh).Add(time.Duration(i) * time.Hour), Channel: crm.ChannelPhone,
				Summary: fmt.Sprintf("第%d次电话回访，客户反馈良好，确认下一步安排；", i)}
			xs = append(xs, x)
			entries = append(entries, f.Interaction(x))
		}
		cell, omitted := f.Cell(entries, 0)
		if n := utf16Len(cell); n > MaxCellChars || n < MaxCellChars-200 {
			t.Fatalf("cell of %d characters", n)
		}
		if omitted == 0 || omitted == len(entries) {
			t.Fatalf("%d omitted", omitted)
		}
		first, _, _ := strings.Cut(cell, "\n")
		if first != f.Omitted(omitted) {
			t.Errorf("the first line is %q", first)
		}
		h, err := History(cell, sh, DateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if h.Omitted != omitted || !equalHistory(HistoryEntries{Interactions: h.Interactions}, HistoryEntries{Interactions: xs[omitted:]}) {
			t.Errorf("read %d entries, %d omitted; want the newest %d, %d omitted", len(h.Interactions), h.Omitted, len(xs)-omitted, omitted)
		}
		if cell, omitted := f.Cell(entries[:10], 0); omitted != 0 || cell != strings.Join(entries[:10], "\n") {
			t.Errorf("10 entries: %d omitted", omitted)
		}
		// A character outside the BMP counts two, as Excel counts.
		wide := []string{"2023-01-01 【电话】" + strings.Repeat("𠀀", 10), "2023-01-02 【电话】x"}
		if _, omitted := f.Cell(wide, utf16Len(wide[0])+1+utf16Len(wide[1])-1); omitted != 1 {
			t.Errorf("wide: %d omitted", omitted)
		}
	}
	for _, in := range []string{"【省略较早的 12 条】\n2023-01-01 电话联系", "[12 earlier entries left out]；2023-01-01 电话联系",
		"［12 Earlier Entries Left Out］\n2023-01-01 电话联系"} {
		if h, err := History(in, sh, DateOptions{}); err != nil || h.Omitted != 12 || len(h.Interactions) != 1 {
			t.Errorf("History(%q) = %+v, %v", in, h, err)
		}
	}
	if h, err := History("[1 earlier entry left out]", sh, DateOptions{}); err != nil || h.Omitted != 1 {
		t.Errorf("a cell of the marker alone: %+v, %v", h, err)
	}
}
