package columns

import (
	"regexp"
	"strings"

	"github.com/kehu-crm/kehu/internal/cells"
)

// provinces are the provincial divisions by their full names, each with
// its short name; a municipality is also its own city.
var provinces = []struct{ full, short string }{
	{"北京市", "北京"}, {"天津市", "天津"}, {"上海市", "上海"}, {"重庆市", "重庆"},
	{"河北省", "河北"}, {"山西省", "山西"}, {"辽宁省", "辽宁"}, {"吉林省", "吉林"}, {"黑龙江省", "黑龙江"},
	{"江苏省", "江苏"}, {"浙江省", "浙江"}, {"安徽省", "安徽"}, {"福建省", "福建"}, {"江西省", "江西"},
	{"山东省", "山东"}, {"河南省", "河南"}, {"湖北省", "湖北"}, {"湖南省", "湖南"}, {"广东省", "广东"},
	{"海南省", "海南"}, {"四川省", "四川"}, {"贵州省", "贵州"}, {"云南省", "云南"}, {"陕西省", "陕西"},
	{"甘肃省", "甘肃"}, {"青海省", "青海"}, {"台湾省", "台湾"},
	{"内蒙古自治区", "内蒙古"}, {"广西壮族自治区", "广西"}, {"西藏自治区", "西藏"}, {"宁夏回族自治区", "宁夏"},
	{"新疆维吾尔自治区", "新疆"}, {"香港特别行政区", "香港"}, {"澳门特别行政区", "澳门"},
}

func municipality(full string) bool {
	switch full {
	case "北京市", "天津市", "上海市", "重庆市":
		return true
	}
	return false
}

// regionSeparators may stand between a province and its city.
const regionSeparators = " -/,、·"

// SplitRegion reads a place such as a 区域 or 所在地 cell holds: the
// province (by its full name: 广东 is 广东省) and the city as written
// (广东省深圳市南山区: 广东省, 深圳市; 广东 深圳: 广东省, 深圳; 北京市朝阳区:
// 北京市, 北京市; 浙江: 浙江省, ""). ok is false when the text does not start
// with a province (华东, 深圳): the importer then keeps the cell as
// written, or reports it.
func SplitRegion(s string) (province, city string, ok bool) {
	t := cells.Fold(s)
	for _, p := range provinces {
		rest, found := strings.CutPrefix(t, p.full)
		if !found {
			rest, found = strings.CutPrefix(t, p.short)
			rest = strings.TrimPrefix(rest, "省") // 广西省, as people write it
		}
		if !found {
			continue
		}
		if municipality(p.full) {
			return p.full, p.full, true
		}
		rest = strings.TrimLeft(rest, regionSeparators)
		if i := cityEndRe.FindStringIndex(rest); i != nil {
			rest = rest[:i[1]]
		} else if j := strings.IndexAny(rest, regionSeparators); j >= 0 {
			rest = rest[:j]
		}
		return p.full, rest, true
	}
	return "", "", false
}

// cityEndRe ends the city of a place: the first 市, 地区, 自治州 or 盟.
var cityEndRe = regexp.MustCompile(`^.+?(?:市|地区|自治州|盟)`)

// nameTitleRe is a contact with a title in brackets after the name.
var nameTitleRe = regexp.MustCompile(`^(.+?) ?\((.+)\)$`)

// SplitNameTitle reads a contact written with a title, as the 联系人(职位)
// column holds it: "张三(总经理)", "张三（总经理）", "张三 总经理", "张三/总经理".
// A name alone has no title. ok is false for an empty cell.
func SplitNameTitle(s string) (name, title string, ok bool) {
	t := cells.Fold(s)
	if t == "" {
		return "", "", false
	}
	if m := nameTitleRe.FindStringSubmatch(t); m != nil {
		return strings.TrimSpace(m[1]), strings.TrimSpace(m[2]), true
	}
	for _, sep := range []string{"/", " ", "-", ",", "、"} {
		if n, ti, found := strings.Cut(t, sep); found && strings.TrimSpace(n) != "" && strings.TrimSpace(ti) != "" {
			return strings.TrimSpace(n), strings.TrimSpace(ti), true
		}
	}
	return t, "", true
}
