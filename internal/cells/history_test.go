package cells

import (
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
		{in: "2023-06-01 签单 CRM系统 ¥12,800", want: HistoryEntries{Deals: []D{{day(2023, 6, 1), "CRM系统", 1280000}}}},
		{in: "2023-06-01 下单设备X1000元", want: HistoryEntries{Deals: []D{{day(2023, 6, 1), "设备X", 100000}}}},
		{in: "2023-06-01 购买设备X1000，1000元", want: HistoryEntries{Deals: []D{{day(2023, 6, 1), "设备X1000", 100000}}}},
		{in: "2023-06-01 购买产品Ａ（标准版）， ￥１，０００", want: HistoryEntries{Deals: []D{{day(2023, 6, 1), "产品Ａ（标准版）", 100000}}}},
		{in: "2023-01-01 回访，满意度100%", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelOther, "回访，满意度100%"}}}},
		{in: "2023-01-01 ＷｅＣｈａｔ  沟通", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelWeChat, "ＷｅＣｈａｔ  沟通"}}}},
		{in: "\n2023-01-01 电话联系\n\n", want: HistoryEntries{Interactions: []I{{at(2023, 1, 1, 0, 0), crm.ChannelPhone, "电话联系"}}}},

		{in: "", reason: crm.ReasonRequired},
		{in: " ；\n", reason: crm.ReasonRequired},
		{in: "电话联系，了解需求", reason: crm.ReasonInvalid, msg: "does not start with a date"},
		{in: "2023-01-01 电话联系\n客户满意", reason: crm.ReasonInvalid, msg: "entry 2"},
		{in: "2023-01-01", reason: crm.ReasonInvalid, msg: "no text"},
		{in: "2023-02-30 电话联系", reason: crm.ReasonInvalidDate, msg: "days 1 to 28"},
		{in: "2023-01-01 电话联系；2023-13-01 拜访", reason: crm.ReasonInvalidDate, msg: "entry 2"},
		{in: "03-01-23 电话联系", reason: crm.ReasonInvalid, msg: "does not start with a date"},
		{in: "2022-12-01 购买产品A，1000", reason: crm.ReasonInvalid, msg: "no unit"},
		{in: "2022-12-01 购买，1000元", reason: crm.ReasonInvalid, msg: "without a product"},
		{in: "2022-12-01 购买产品A，1000.555元", reason: crm.ReasonInvalidMoney, msg: "two decimals"},
		{in: "2022-12-01 购买产品A，6,80,000元", reason: crm.ReasonInvalidMoney, msg: "not a number"},
		{in: "满意度100%", reason: crm.ReasonInvalid, msg: `entry "满意度100%" does not start with a date`},
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

func TestHistoryStrings(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	for _, c := range []struct {
		got, want string
	}{
		{Interaction{At: time.Date(2023, 1, 1, 0, 0, 0, 0, sh), Summary: "电话联系"}.String(), "2023-01-01 电话联系"},
		{Interaction{At: time.Date(2023, 1, 1, 14, 30, 0, 0, sh), Summary: "拜访"}.String(), "2023-01-01 14:30 拜访"},
		{Deal{Date: day(2022, 12, 1), Product: "产品A", Amount: 100000}.String(), "2022-12-01 购买产品A，1000.00元"},
	} {
		if c.got != c.want {
			t.Errorf("String() = %q, want %q", c.got, c.want)
		}
	}
}
