package cells

import (
	"slices"
	"testing"
)

func TestTags(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		note string // the Note's To, "" for none
	}{
		{"", nil, ""},
		{" , ;；、\n", nil, ""},
		{"高意向", []string{"高意向"}, ""},
		{"高意向,价格敏感型", []string{"高意向", "价格敏感型"}, ""},
		{"高意向，价格敏感型", []string{"高意向", "价格敏感型"}, "高意向,价格敏感型"},
		{"高意向、价格敏感型、技术优先型", []string{"高意向", "价格敏感型", "技术优先型"}, "高意向,价格敏感型,技术优先型"},
		{"高意向;价格敏感型；投诉风险客户", []string{"高意向", "价格敏感型", "投诉风险客户"}, "高意向,价格敏感型,投诉风险客户"},
		{"高意向\n价格敏感型\r\n", []string{"高意向", "价格敏感型"}, "高意向,价格敏感型"},
		{" 高意向 , , 价格敏感型 ,", []string{"高意向", "价格敏感型"}, "高意向,价格敏感型"},
		{"高意向,高意向，高意向", []string{"高意向"}, "高意向"},
		{"ＶＩＰ，VIP", []string{"VIP"}, "VIP"},
		{"VIP,vip", []string{"VIP", "vip"}, ""}, // case is the user's
		{"制造业 华东", []string{"制造业 华东"}, ""},
		{"制造业　 华东", []string{"制造业 华东"}, "制造业 华东"},
	} {
		got, n := Tags(c.in)
		if !slices.Equal(got, c.want) || n.To != c.note {
			t.Errorf("Tags(%q) = %q, note %+v; want %q, note To %q", c.in, got, n, c.want, c.note)
		}
	}
}
