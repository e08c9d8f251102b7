package cells

import (
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

func TestVocabularyRead(t *testing.T) {
	for _, c := range []struct {
		v      *Vocabulary
		in     string
		want   string
		note   string // the Note's To, "" for none
		reason crm.Reason
	}{
		{v: ValueTiers, in: "A", want: "A"},
		{v: ValueTiers, in: "a", want: "A", note: "A类(高价值)"},
		{v: ValueTiers, in: "Ａ", want: "A", note: "A类(高价值)"},
		{v: ValueTiers, in: "A类", want: "A", note: "A类(高价值)"},
		{v: ValueTiers, in: "A级", want: "A", note: "A类(高价值)"},
		{v: ValueTiers, in: "ａ级", want: "A", note: "A类(高价值)"},
		{v: ValueTiers, in: "高价值", want: "A", note: "A类(高价值)"},
		{v: ValueTiers, in: "A类(高价值)", want: "A"},
		{v: ValueTiers, in: "A类（高价值）", want: "A", note: "A类(高价值)"},
		{v: ValueTiers, in: " A 类 ", want: "A", note: "A类(高价值)"},
		{v: ValueTiers, in: "A (high value)", want: "A"},
		{v: ValueTiers, in: "B类", want: "B", note: "B类(潜力)"},
		{v: ValueTiers, in: "中价值客户", want: "B", note: "B类(潜力)"},
		{v: ValueTiers, in: "普通", want: "C", note: "C类(普通)"},
		{v: ValueTiers, in: "低价值客户", want: "C", note: "C类(普通)"},
		{v: ValueTiers, in: "重要客户", reason: crm.ReasonNotAllowed},
		{v: ValueTiers, in: "D", reason: crm.ReasonNotAllowed},
		{v: ValueTiers, in: "", reason: crm.ReasonRequired},
		{v: Stages, in: "潜在客户", want: "POTENTIAL"},
		{v: Stages, in: "初步接触", want: "CONTACTED"},
		{v: Stages, in: "需求确认", want: "NEEDS_CONFIRMED"},
		{v: Stages, in: "方案提交", want: "PROPOSAL"},
		{v: Stages, in: "商务谈判", want: "NEGOTIATION"},
		{v: Stages, in: "成交", want: "WON"},
		{v: Stages, in: "售后维护", want: "AFTER_SALES"},
		{v: Stages, in: "流失", want: "LOST"},
		{v: Stages, in: "售后", want: "AFTER_SALES", note: "售后维护"},
		{v: Stages, in: "after-sales", want: "AFTER_SALES", note: "售后维护"},
		{v: Stages, in: "After_Sales", want: "AFTER_SALES", note: "售后维护"},
		{v: Stages, in: "AFTER_SALES", want: "AFTER_SALES"},
		{v: Stages, in: "Needs confirmed", want: "NEEDS_CONFIRMED"},
		{v: Stages, in: "needs  confirmed", want: "NEEDS_CONFIRMED", note: "需求确认"},
		{v: Stages, in: "谈判", want: "NEGOTIATION", note: "商务谈判"},
		{v: Stages, in: "意向期", reason: crm.ReasonNotAllowed},
		{v: Stages, in: "A类", reason: crm.ReasonNotAllowed},
		{v: CustomerTypes, in: "新客户", want: "NEW"},
		{v: CustomerTypes, in: "老客户", want: "EXISTING"},
		{v: CustomerTypes, in: "渠道客户", want: "CHANNEL"},
		{v: CustomerTypes, in: "渠道", want: "CHANNEL", note: "渠道客户"},
		{v: IntentGrades, in: "高意向", want: "A"},
		{v: IntentGrades, in: "A类-高意向", want: "A", note: "高意向"},
		{v: IntentGrades, in: "低", want: "C", note: "低意向"},
		{v: NeedTypes, in: "解决方案型", want: "SOLUTION"},
		{v: NeedTypes, in: "产品", want: "PRODUCT", note: "产品采购型"},
		{v: ContactRoles, in: "决策者", want: "DECISION_MAKER"},
		{v: ContactRoles, in: "决策人", want: "DECISION_MAKER", note: "决策者"},
		{v: ContactRoles, in: "decision maker", want: "DECISION_MAKER", note: "决策者"},
		{v: Channels, in: "微信", want: "WECHAT"},
		{v: Channels, in: "ＷｅＣｈａｔ", want: "WECHAT", note: "微信"},
		{v: Channels, in: "e-mail", want: "EMAIL", note: "邮件"},
		{v: Channels, in: "视频会议", want: "MEETING", note: "会议"},
		{v: Channels, in: "短信", reason: crm.ReasonNotAllowed},
		{v: Lifecycles, in: "沉睡客户", want: "DORMANT", note: "休眠客户"},
		{v: KeyEvents, in: "转介绍", want: "REFERRAL", note: "推荐新客户"},
		{v: Priorities, in: "高", want: "HIGH"},
		{v: NeedStatuses, in: "跟进中", want: "IN_PROGRESS"},
	} {
		got, n, err := c.v.Read(c.in)
		if r := reasonOf(err); r != c.reason {
			t.Errorf("%s.Read(%q): error %v, want reason %q", c.v.name, c.in, err, c.reason)
			continue
		}
		if err != nil {
			if c.reason == crm.ReasonNotAllowed && !strings.Contains(err.Error(), c.v.list()) {
				t.Errorf("%s.Read(%q): message %q should list the values", c.v.name, c.in, err)
			}
			continue
		}
		if got != c.want || n.To != c.note {
			t.Errorf("%s.Read(%q) = %q, note %+v; want %q, note To %q", c.v.name, c.in, got, n, c.want, c.note)
		}
	}
}

// Every value reads by its name and both labels of crm's tables.
func TestVocabularyLabels(t *testing.T) {
	for _, c := range []struct {
		v      *Vocabulary
		labels map[string]crm.Label
	}{
		{Stages, crm.StageLabels}, {ValueTiers, crm.ValueTierLabels}, {IntentGrades, crm.IntentGradeLabels},
		{Lifecycles, crm.LifecycleLabels}, {CustomerTypes, crm.CustomerTypeLabels}, {NeedTypes, crm.NeedTypeLabels},
		{ContactRoles, crm.ContactRoleLabels}, {Channels, crm.ChannelLabels}, {KeyEvents, crm.KeyEventLabels},
		{NeedKinds, crm.NeedKindLabels}, {Priorities, crm.PriorityLabels}, {NeedStatuses, crm.NeedStatusLabels},
	} {
		if len(c.v.Values()) != len(c.labels) {
			t.Errorf("%s: %d values, crm has %d labels", c.v.name, len(c.v.Values()), len(c.labels))
		}
		for val, l := range c.labels {
			for _, w := range []string{val, strings.ToLower(val), l.Zh, l.En} {
				if got, n, err := c.v.Read(w); err != nil || got != val {
					t.Errorf("%s.Read(%q) = %q, %v; want %s", c.v.name, w, got, err, val)
				} else if (w == val || w == l.Zh || w == l.En) && !n.IsZero() {
					t.Errorf("%s.Read(%q): note %+v for the value's own label", c.v.name, w, n)
				}
			}
		}
	}
}

func TestNewVocabulary(t *testing.T) {
	labels := map[string]crm.Label{"X": {Zh: "甲", En: "Ex"}, "Y": {Zh: "乙", En: "Why"}}
	if _, err := NewVocabulary("thing", []string{"X", "Y"}, labels, map[string][]string{"X": {"一"}, "Y": {"一 "}}); err == nil {
		t.Error("a word of two values: no error")
	}
	if _, err := NewVocabulary("thing", []string{"X", "Y"}, labels, map[string][]string{"Z": {"丙"}}); err == nil {
		t.Error("a synonym of an unknown value: no error")
	}
	if _, err := NewVocabulary("thing", []string{"X"}, labels, nil); err == nil {
		t.Error("a label of an unknown value: no error")
	}
	if _, err := NewVocabulary("thing", []string{"X", "Y"}, map[string]crm.Label{"X": {Zh: "甲", En: "same"}, "Y": {Zh: "乙", En: "Same"}}, nil); err == nil {
		t.Error("labels that fold alike: no error")
	}
	v, err := NewVocabulary("thing", []string{"X", "Y"}, labels, map[string][]string{"X": {"一"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := v.Read("ｅｘ"); got != "X" || err != nil {
		t.Errorf("Read(ｅｘ) = %q, %v", got, err)
	}
	_, _, err = v.Read("丙")
	if reasonOf(err) != crm.ReasonNotAllowed || !strings.Contains(err.Error(), "甲, 乙") {
		t.Errorf("Read(丙): %v", err)
	}
	w, err := v.With(map[string]string{"丙": "Y"})
	if err != nil {
		t.Fatal(err)
	}
	if got, n, err := w.Read("丙"); got != "Y" || err != nil || n != (Note{"丙", "乙"}) {
		t.Errorf("With: Read(丙) = %q, %+v, %v", got, n, err)
	}
	if _, _, err := v.Read("丙"); err == nil {
		t.Error("With changed the vocabulary it was called on")
	}
	if _, err := v.With(map[string]string{"一": "Y"}); err == nil {
		t.Error("With: a word already of another value: no error")
	}
	if _, err := v.With(map[string]string{"丁": "Z"}); err == nil {
		t.Error("With: an unknown value: no error")
	}
}
