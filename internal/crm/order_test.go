package crm

import (
	"slices"
	"strings"
	"testing"
)

// TestOrderKey: names sort by pinyin, digits and Latin letters before
// Han, case and width ignored.
func TestOrderKey(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sorted []string
	}{
		{"pinyin, not code points", []string{"阿里巴巴", "百度", "华为技术", "中国银行"}},
		{"pinyin across initials", []string{"艾派克", "安徽建工", "澳门国际", "北京华为", "万科", "王府井", "鑫达", "银行", "张三科技"}},
		{"digits, Latin, Han", []string{"123公司", "3M中国", "Apple", "Zebra", "阿里"}},
		{"a shorter name first", []string{"华为", "华为技术", "华为技术有限公司"}},
		{"Greek after Latin", []string{"Zeta", "ΣΟΦΙΑ", "阿"}},
		{"the empty text first", []string{"", "0", "A", "阿"}},
		{"industries", []string{"零售", "软件", "物流", "医疗", "制造业"}},
		{"provinces", []string{"北京市", "广东省", "江苏省", "上海市", "浙江省"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shuffled := slices.Clone(tc.sorted)
			slices.Reverse(shuffled)
			slices.SortStableFunc(shuffled, func(a, b string) int { return strings.Compare(OrderKey(a), OrderKey(b)) })
			if !slices.Equal(shuffled, tc.sorted) {
				t.Fatalf("got %v, want %v", shuffled, tc.sorted)
			}
		})
	}
	for _, same := range [][2]string{{"ABC", "abc"}, {"ＡＢＣ", "abc"}, {"Café", "cafe"}} {
		if a, b := OrderKey(same[0]), OrderKey(same[1]); a != b {
			t.Errorf("%q and %q: keys %s and %s, want one", same[0], same[1], a, b)
		}
	}
	if OrderKey("") != "" {
		t.Errorf("OrderKey(\"\") = %q, want empty (a missing text's)", OrderKey(""))
	}
	// Only the first orderRunes characters count.
	long := strings.Repeat("华", orderRunes)
	if OrderKey(long) != OrderKey(long+"为") || OrderKey(long[:len(long)-3]) == OrderKey(long) {
		t.Error("the key does not cover exactly the first orderRunes characters")
	}
}

// TestOrderKeyStable pins some keys. Stored documents keep keys made
// by an older build: if golang.org/x/text's tables change them, raise
// MatchKeysVersion (stores then recompute stored keys) and update these.
func TestOrderKeyStable(t *testing.T) {
	for name, want := range map[string]string{
		"北京华为":  "9603639636c7962b92967835",
		"Apple": "15ef179617961711164c",
		"阿里巴巴":  "96000196427e9601f39601f3",
		"3M":    "14e91741",
	} {
		if got := OrderKey(name); got != want {
			t.Errorf("OrderKey(%q) = %s, want %s: raise MatchKeysVersion", name, got, want)
		}
	}
}

func BenchmarkOrderKey(b *testing.B) {
	for b.Loop() {
		OrderKey("北京华为技术有限公司")
	}
}
