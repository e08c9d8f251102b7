package cells

import (
	"fmt"
	"strings"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Vocabulary reads the values of one enum column: a value by its name
// (AFTER_SALES, after-sales), its Chinese or English label (crm's label
// tables: 售后维护, After-sales) or a synonym worksheets use (售后), matched
// ignoring width, case, spaces, '-', '_' and '·'. Build one per column
// (NewVocabulary, or a ready one such as Stages) and call Read per cell; a
// Vocabulary is immutable and safe for concurrent use.
type Vocabulary struct {
	name   string // what a value is, for messages ("stage")
	values []string
	labels map[string]crm.Label
	byKey  map[string]string // key(name, label or synonym) -> value
}

// NewVocabulary builds the vocabulary of an enum called name (English, for
// messages) whose values, in the order messages list them, have the given
// labels and synonyms (value -> further words). It fails when a synonym
// names an unknown value or one word would read as two values.
func NewVocabulary(name string, values []string, labels map[string]crm.Label, synonyms map[string][]string) (*Vocabulary, error) {
	v := &Vocabulary{name: name, values: append([]string(nil), values...), labels: labels, byKey: map[string]string{}}
	known := map[string]bool{}
	for _, val := range values {
		known[val] = true
	}
	for val := range labels {
		if !known[val] {
			return nil, fmt.Errorf("cells: %s: label of unknown value %s", name, val)
		}
	}
	for _, val := range values {
		words := []string{val, labels[val].Zh, labels[val].En}
		if err := v.add(val, words); err != nil {
			return nil, err
		}
	}
	for _, val := range values { // in order, so the first conflict reported is stable
		if err := v.add(val, synonyms[val]); err != nil {
			return nil, err
		}
	}
	for val := range synonyms {
		if !known[val] {
			return nil, fmt.Errorf("cells: %s: synonym of unknown value %s", name, val)
		}
	}
	return v, nil
}

func (v *Vocabulary) add(val string, words []string) error {
	for _, w := range words {
		k := key(w)
		if k == "" {
			continue
		}
		if old, ok := v.byKey[k]; ok && old != val {
			return fmt.Errorf("cells: %s: %q reads as both %s and %s", v.name, w, old, val)
		}
		v.byKey[k] = val
	}
	return nil
}

// With returns the vocabulary with further synonyms (word -> value), e.g.
// the ones a user confirmed in the import's mapping (重要客户 -> A). It fails
// like NewVocabulary.
func (v *Vocabulary) With(synonyms map[string]string) (*Vocabulary, error) {
	w := &Vocabulary{name: v.name, values: v.values, labels: v.labels, byKey: make(map[string]string, len(v.byKey)+len(synonyms))}
	for k, val := range v.byKey {
		w.byKey[k] = val
	}
	known := map[string]bool{}
	for _, val := range v.values {
		known[val] = true
	}
	for word, val := range synonyms {
		if !known[val] {
			return nil, fmt.Errorf("cells: %s: synonym %q of unknown value %s", v.name, word, val)
		}
		if err := w.add(val, []string{word}); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// Values lists the vocabulary's values in order.
func (v *Vocabulary) Values() []string { return append([]string(nil), v.values...) }

// Read returns the value a cell names. The Note's To is the value's
// Chinese label (the value itself when it has none); there is no Note when
// the cell is the value, or its Chinese or English label, as it stands.
// Errors (Reason): REQUIRED for an empty cell; NOT_ALLOWED_VALUE (params:
// value, the cell as folded) for a word the vocabulary does not know.
func (v *Vocabulary) Read(s string) (string, Note, error) {
	t := Fold(s)
	if t == "" {
		return "", Note{}, required("a " + v.name + " (" + v.list() + ")")
	}
	val, ok := v.byKey[key(t)]
	if !ok {
		return "", Note{}, fail(crm.ReasonNotAllowed, map[string]any{"value": t},
			"%s is not a known %s: use one of %s", quote(s), v.name, v.list())
	}
	l := v.labels[val]
	from := strings.TrimSpace(s)
	to := l.Zh
	if to == "" {
		to = val
	}
	return val, note(s, to, from == val || from == l.Zh || from == l.En), nil
}

// list names the values by their Chinese labels, for messages.
func (v *Vocabulary) list() string {
	names := make([]string, len(v.values))
	for i, val := range v.values {
		names[i] = val
		if l := v.labels[val].Zh; l != "" {
			names[i] = l
		}
	}
	return strings.Join(names, ", ")
}

func mustVocabulary[T ~string](name string, values []T, labels map[string]crm.Label, synonyms map[string][]string) *Vocabulary {
	vals := make([]string, len(values))
	for i, x := range values {
		vals[i] = string(x)
	}
	v, err := NewVocabulary(name, vals, labels, synonyms)
	if err != nil {
		panic(err)
	}
	return v
}

// The vocabularies of the customer's enum columns: crm's labels, the query
// line's (internal/segment/catalog.go: a test checks that every word it
// accepts reads the same here) and the words of the seeds' worksheets.
// 重要客户, 意向期 and 成交期 are not in them: they do not say which value they
// mean.
var (
	Stages = mustVocabulary("stage", []crm.Stage{crm.StagePotential, crm.StageContacted, crm.StageNeedsConfirmed,
		crm.StageProposal, crm.StageNegotiation, crm.StageWon, crm.StageAfterSales, crm.StageLost}, crm.StageLabels,
		map[string][]string{
			"POTENTIAL": {"潜在", "潜在期"}, "CONTACTED": {"初次接触", "已接触"}, "PROPOSAL": {"方案", "方案已提交"},
			"NEGOTIATION": {"谈判", "合同谈判", "谈判中"}, "WON": {"已成交"}, "AFTER_SALES": {"售后"},
			"LOST": {"已流失", "流失客户"},
		})
	ValueTiers = mustVocabulary("value tier", []crm.Tier{crm.TierA, crm.TierB, crm.TierC}, crm.ValueTierLabels,
		map[string][]string{
			"A": {"A类", "A级", "A类客户", "A级客户", "高价值", "高价值客户"},
			"B": {"B类", "B级", "B类客户", "B级客户", "潜力", "潜力客户", "中价值", "中价值客户", "中等价值", "中等价值客户"},
			"C": {"C类", "C级", "C类客户", "C级客户", "普通", "普通客户", "低价值", "低价值客户"},
		})
	IntentGrades = mustVocabulary("intent grade", []crm.Tier{crm.TierA, crm.TierB, crm.TierC}, crm.IntentGradeLabels,
		map[string][]string{
			"A": {"A类", "A级", "高", "意向高", "高意向客户", "A类-高意向"},
			"B": {"B类", "B级", "中", "意向中", "中意向客户", "B类-中意向"},
			"C": {"C类", "C级", "低", "意向低", "低意向客户", "C类-低意向"},
		})
	Lifecycles = mustVocabulary("lifecycle stage", crm.Lifecycles(), crm.LifecycleLabels,
		map[string][]string{
			"POTENTIAL": {"潜在"}, "NEW": {"新"}, "STABLE": {"稳定"}, "STRATEGIC": {"战略"},
			"CHURNED": {"流失", "已流失"}, "DORMANT": {"休眠", "沉睡", "沉睡客户"},
		})
	CustomerTypes = mustVocabulary("customer type", []crm.CustomerType{crm.CustomerTypeNew, crm.CustomerTypeExisting,
		crm.CustomerTypeChannel}, crm.CustomerTypeLabels,
		map[string][]string{
			"NEW": {"新", "新客"}, "EXISTING": {"老", "老客", "存量客户"}, "CHANNEL": {"渠道", "渠户", "渠道商", "代理商"},
		})
	NeedTypes = mustVocabulary("need type", []crm.NeedType{crm.NeedTypeProduct, crm.NeedTypeService,
		crm.NeedTypeSolution}, crm.NeedTypeLabels,
		map[string][]string{
			"PRODUCT": {"产品", "产品采购"}, "SERVICE": {"服务", "服务支持"}, "SOLUTION": {"解决方案"},
		})
	ContactRoles = mustVocabulary("contact role", []crm.ContactRole{crm.ContactRoleDecisionMaker,
		crm.ContactRoleInfluencer, crm.ContactRoleUser}, crm.ContactRoleLabels,
		map[string][]string{
			"DECISION_MAKER": {"决策人"}, "INFLUENCER": {"影响人"}, "USER": {"使用人"},
		})
	Channels = mustVocabulary("channel", []crm.InteractionChannel{crm.ChannelPhone, crm.ChannelVisit,
		crm.ChannelEmail, crm.ChannelMeeting, crm.ChannelOnline, crm.ChannelWeChat, crm.ChannelLivestream,
		crm.ChannelOther}, crm.ChannelLabels,
		map[string][]string{
			"PHONE":   {"电话沟通", "电话联系", "电话拜访", "致电", "来电"},
			"VISIT":   {"上门", "上门拜访", "面谈", "走访", "实地拜访"},
			"EMAIL":   {"电子邮件", "邮箱", "Email"},
			"MEETING": {"开会", "视频会议", "线上会议"},
			"ONLINE":  {"在线", "视频"},
			"WECHAT":  {"企业微信", "微信沟通"},
			"OTHER":   {"其它"},
		})
	KeyEvents = mustVocabulary("key event", []crm.KeyEvent{crm.KeyEventSigned, crm.KeyEventRenewed,
		crm.KeyEventComplaint, crm.KeyEventReferral}, crm.KeyEventLabels,
		map[string][]string{
			"SIGNED": {"签约"}, "RENEWED": {"续约"}, "REFERRAL": {"推荐", "转介绍"},
		})
	NeedKinds = mustVocabulary("need kind", []crm.NeedKind{crm.NeedKindCurrent, crm.NeedKindPotential},
		crm.NeedKindLabels, map[string][]string{"CURRENT": {"当前"}, "POTENTIAL": {"潜在"}})
	Priorities = mustVocabulary("priority", []crm.Priority{crm.PriorityHigh, crm.PriorityMedium, crm.PriorityLow},
		crm.PriorityLabels, map[string][]string{"HIGH": {"高优先级"}, "MEDIUM": {"中优先级"}, "LOW": {"低优先级"}})
	NeedStatuses = mustVocabulary("need status", []crm.NeedStatus{crm.NeedStatusOpen, crm.NeedStatusInProgress,
		crm.NeedStatusResolved, crm.NeedStatusAbandoned}, crm.NeedStatusLabels, nil)
)
