package segment

import (
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Kind is the type of a filterable field; it decides the operators and
// operand types a Cond on the field takes.
type Kind string

const (
	KindString Kind = "string" // eq ne in notIn contains startsWith isNull (String/Strings/Bool)
	KindEnum   Kind = "enum"   // eq ne in notIn, isNull when Nullable
	KindOwner  Kind = "owner"  // a user id: eq ne in notIn me, isNull when Nullable
	KindTags   Kind = "tags"   // hasAny hasAll hasNone isEmpty
	KindUsers  Kind = "users"  // a list of user ids: hasAny hasAll hasNone isEmpty me
	KindInt    Kind = "int"    // eq ne gt gte lt lte between (Int), isNull when Nullable
	KindFloat  Kind = "float"  // eq ne gt gte lt lte between (Float), isNull when Nullable
	KindMoney  Kind = "money"  // eq ne gt gte lt lte between (Money), isNull when Nullable
	KindTime   Kind = "time"   // eq(Date) gt gte lt lte between (Instant/Date/Ago), isNull when Nullable
	KindDate   Kind = "date"   // eq gt gte lt lte between (Date/Ago), isNull when Nullable
	KindBool   Kind = "bool"   // eq (Bool)
	KindSearch Kind = "search" // contains: name, code or any contact's name
)

// null says how an absent value looks in the document.
type null uint8

const (
	nullNever   null = iota // always present
	nullEmpty               // absent (omitempty) or "": strings, enums, owners
	nullZeroMs              // the zero time (year 1) of a computed figure in crm.Stats
	nullAbsent              // absent field: optional times and amounts of nested elements
	nullSurveys             // avgSatisfaction: null while stats.satisfactionCount is 0
)

// Field is one entry of the catalog: a filterable field of the customer or
// of an element of a nested array.
type Field struct {
	Scope    Array    // Customer for top-level fields
	Name     string   // GraphQL name, camelCase
	Line     string   // canonical name in the query line
	Aliases  []string // further query-line names (matched ignoring case, '-' and '_')
	Kind     Kind
	Path     string   // BSON path relative to the scope's document
	Enum     []string // allowed values of an enum, in order
	EnumType string   // the GraphQL enum of an enum field
	Nullable bool     // the field can be absent: isNull is allowed (text fields take isNull anyway)
	Doc      string

	labels map[string][]string // enum value -> labels the query line accepts
	null   null
	get    any // typed accessor, see below
	brief  any // accessor on the crm.Brief element of a nested field; nil when a brief lacks the field
	// expr computes a derived element field (one that no path holds) as
	// an aggregation expression over the element whose field paths start
	// with elem ("$$e."): the filters on it compile to $expr.
	expr func(elem string) any
}

// Accessors by kind (T is crm.Customer or the element type, and for brief
// the crm.Brief element type):
//
//	string, enum, owner, search: func(*T) string
//	tags, users:                 func(*T) []string
//	int:                         func(*T) int64, or func(*T) (int64, bool) when Nullable
//	float:                       func(*T) (float64, bool)
//	money:                       func(*T) (int64, bool)
//	time, date:                  func(*T) (unixMilli int64, ok bool)
//	bool:                        func(*T) bool, or func(*T) (value, present bool) when the
//	                             field can be absent (matching neither true nor false)

// zeroMs is the Unix millisecond of the zero time.Time, the "null" of the
// times in crm.Stats.
var zeroMs = time.Time{}.UnixMilli()

// ms reads a time as BSON stores it (milliseconds, floored), with the zero
// time meaning null.
func ms(t time.Time) (int64, bool) {
	m := t.UnixMilli()
	return m, m != zeroMs
}

func msPtr(t *time.Time) (int64, bool) {
	if t == nil {
		return 0, false
	}
	return t.UnixMilli(), true
}

func always(t time.Time) (int64, bool) { return t.UnixMilli(), true }

func enumValues[T ~string](vs ...T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

var (
	tierLabels = map[string][]string{
		"A": {"A类(高价值)", "A类", "高价值"}, "B": {"B类(潜力)", "B类", "潜力"}, "C": {"C类(普通)", "C类", "普通"},
	}
	lifecycleLabels = map[string][]string{
		"POTENTIAL": {"潜在客户"}, "NEW": {"新客户"}, "STABLE": {"稳定客户", "稳定"}, "STRATEGIC": {"战略客户", "战略"},
		"CHURNED": {"流失客户"}, "DORMANT": {"休眠客户", "休眠"},
	}
	intentLabels = map[string][]string{
		"A": {"高意向", "A类"}, "B": {"中意向", "B类"}, "C": {"低意向", "C类"},
	}
	stageLabels = map[string][]string{
		"POTENTIAL": {"潜在客户", "潜在"}, "CONTACTED": {"初步接触"}, "NEEDS_CONFIRMED": {"需求确认"},
		"PROPOSAL": {"方案提交"}, "NEGOTIATION": {"商务谈判", "谈判"}, "WON": {"成交"},
		"AFTER_SALES": {"售后维护", "售后"}, "LOST": {"流失"},
	}
	typeLabels = map[string][]string{
		"NEW": {"新客户"}, "EXISTING": {"老客户"}, "CHANNEL": {"渠道客户", "渠道"},
	}
	needTypeLabels = map[string][]string{
		"PRODUCT": {"产品采购型", "产品"}, "SERVICE": {"服务支持型", "服务"}, "SOLUTION": {"解决方案型", "解决方案"},
	}
	roleLabels = map[string][]string{
		"DECISION_MAKER": {"决策者"}, "INFLUENCER": {"影响者"}, "USER": {"使用者"},
	}
	channelLabels = map[string][]string{
		"PHONE": {"电话"}, "VISIT": {"拜访"}, "EMAIL": {"邮件"}, "MEETING": {"会议"},
		"ONLINE": {"线上"}, "WECHAT": {"微信"}, "LIVESTREAM": {"直播"}, "OTHER": {"其他"},
	}
	keyEventLabels = map[string][]string{
		"SIGNED": {"签单"}, "RENEWED": {"续费"}, "COMPLAINT": {"投诉"}, "REFERRAL": {"推荐新客户", "推荐"},
	}
	serviceKindLabels   = map[string][]string{"CONSULTATION": {"咨询"}, "COMPLAINT": {"投诉"}, "AFTER_SALES": {"售后"}}
	serviceStatusLabels = map[string][]string{
		"OPEN": {"待处理"}, "IN_PROGRESS": {"处理中"}, "RESOLVED": {"已解决", "待回访"}, "CLOSED": {"已关闭"},
	}
	taskKindLabels = map[string][]string{
		"NEXT_ACTION": {"下一步行动", "下一步"}, "FOLLOW_UP": {"跟进"}, "CLASSIFICATION_REVIEW": {"分级复核", "复核"},
		"CHURN_RISK": {"流失风险"}, "STALE_NEED": {"需求停滞"}, "SERVICE_OVERDUE": {"服务超时"}, "SERVICE_CHECK": {"服务回访", "回访"},
		"MANUAL": {"手动", "手工"},
	}
	taskStatusLabels = map[string][]string{"OPEN": {"未完成", "待办"}, "DONE": {"已完成"}, "CLOSED": {"已关闭", "自动关闭"}}
	needKindLabels   = map[string][]string{"CURRENT": {"当前需求", "当前"}, "POTENTIAL": {"潜在需求", "潜在"}}
	priorityLabels   = map[string][]string{"HIGH": {"高"}, "MEDIUM": {"中"}, "LOW": {"低"}}
	needStatusLabels = map[string][]string{
		"OPEN": {"未跟进"}, "IN_PROGRESS": {"跟进中"}, "RESOLVED": {"已解决"}, "ABANDONED": {"已放弃"},
	}
)

type cust = crm.Customer

var stageValues = enumValues(crm.StagePotential, crm.StageContacted, crm.StageNeedsConfirmed, crm.StageProposal,
	crm.StageNegotiation, crm.StageWon, crm.StageAfterSales, crm.StageLost)

// userValued reports a field whose values are user ids (owner, an
// interaction's by and participants): me is the signed-in user, and a user
// given by name or e-mail resolves to its id the same way for all of them.
func (f *Field) userValued() bool { return f.Kind == KindOwner || f.Kind == KindUsers }

// part is the part of a customer (crm.Parts) the accessor of a customer
// field reads: its Stats for the computed figures (stats.*), the record
// for its code, name and credit code (search: and the Brief's contacts),
// else what customers are grouped by (crm.PartProfile).
func (f *Field) part() crm.Parts {
	switch {
	case strings.HasPrefix(f.Path, "stats."):
		return crm.PartStats
	case f.Kind == KindSearch, f.Name == "code", f.Name == "name", f.Name == "creditCode":
		return crm.PartRecord
	}
	return crm.PartProfile
}

// catalog is the one table of filterable fields, in the order of the
// GraphQL input types.
var catalog = []Field{
	// The customer.
	{Name: "search", Kind: KindSearch, Path: "name|code|contacts.name",
		Doc: "Name, code or any contact's name contains the text (literal, case-insensitive); the query line's free text."},
	{Name: "code", Line: "code", Aliases: []string{"编号", "客户编号"}, Kind: KindString, Path: "code", null: nullEmpty,
		Doc: "Customer code, C + yyyymm + sequence.", get: func(c *cust) string { return c.Code }},
	{Name: "name", Line: "name", Aliases: []string{"名称", "客户名称"}, Kind: KindString, Path: "name", null: nullEmpty,
		Doc: "Company name.", get: func(c *cust) string { return c.Name }},
	{Name: "creditCode", Line: "credit-code", Aliases: []string{"信用代码"}, Kind: KindString, Path: "creditCode", null: nullEmpty,
		Doc: "Unified social credit code.", get: func(c *cust) string { return c.CreditCode }},
	{Name: "industry", Line: "industry", Aliases: []string{"行业"}, Kind: KindString, Path: "industry", null: nullEmpty,
		get: func(c *cust) string { return c.Industry }},
	{Name: "source", Line: "source", Aliases: []string{"来源"}, Kind: KindString, Path: "source", null: nullEmpty,
		Doc: "Lead source (展会, 转介绍 ...).", get: func(c *cust) string { return c.Source }},
	{Name: "province", Line: "province", Aliases: []string{"省份", "省"}, Kind: KindString, Path: "region.province", null: nullEmpty,
		get: func(c *cust) string { return c.Region.Province }},
	{Name: "city", Line: "city", Aliases: []string{"城市", "市"}, Kind: KindString, Path: "region.city", null: nullEmpty,
		get: func(c *cust) string { return c.Region.City }},
	{Name: "type", Line: "type", Aliases: []string{"类型", "客户类型"}, Kind: KindEnum, EnumType: "CustomerType", Path: "type", null: nullNever,
		Enum: enumValues(crm.CustomerTypeNew, crm.CustomerTypeExisting, crm.CustomerTypeChannel), labels: typeLabels,
		get: func(c *cust) string { return string(c.Type) }},
	{Name: "stage", Line: "stage", Aliases: []string{"阶段"}, Kind: KindEnum, EnumType: "Stage", Path: "stage", null: nullNever,
		Enum: enumValues(crm.StagePotential, crm.StageContacted, crm.StageNeedsConfirmed, crm.StageProposal,
			crm.StageNegotiation, crm.StageWon, crm.StageAfterSales, crm.StageLost), labels: stageLabels,
		get: func(c *cust) string { return string(c.Stage) }},
	{Name: "valueTier", Line: "tier", Aliases: []string{"等级", "价值等级"}, Kind: KindEnum, EnumType: "Tier", Path: "valueTier", Nullable: true, null: nullEmpty,
		Enum: enumValues(crm.TierA, crm.TierB, crm.TierC), labels: tierLabels,
		Doc: "A/B/C value tier.", get: func(c *cust) string { return string(c.ValueTier) }},
	{Name: "lifecycle", Line: "lifecycle", Aliases: []string{"生命周期", "合作阶段"}, Kind: KindEnum, EnumType: "Lifecycle", Path: "lifecycle", Nullable: true, null: nullEmpty,
		Enum: enumValues(crm.Lifecycles()...), labels: lifecycleLabels,
		Doc: "Lifecycle stage (seed 003), kept by the classification rules.", get: func(c *cust) string { return string(c.Lifecycle) }},
	{Name: "cadenceDays", Line: "cadence", Aliases: []string{"跟进周期"}, Kind: KindInt, Path: "cadenceDays", Nullable: true, null: nullAbsent,
		Doc: "Days between follow-ups (from the classification rules, or an override); null without a cadence.",
		get: func(c *cust) (int64, bool) { return int64(c.CadenceDays), c.CadenceDays > 0 }},
	{Name: "nextFollowUpAt", Line: "next-follow-up", Aliases: []string{"下次跟进"}, Kind: KindTime, Path: "stats.nextFollowUpAt", Nullable: true, null: nullZeroMs,
		Doc: "When the next follow-up is due: the last interaction (or the creation) plus the cadence; null without a cadence.",
		get: func(c *cust) (int64, bool) { return ms(c.Stats.NextFollowUpAt) }},
	{Name: "intentGrade", Line: "intent", Aliases: []string{"意向", "意向等级"}, Kind: KindEnum, EnumType: "Tier", Path: "intentGrade", Nullable: true, null: nullEmpty,
		Enum: enumValues(crm.TierA, crm.TierB, crm.TierC), labels: intentLabels,
		Doc: "A/B/C intent grade.", get: func(c *cust) string { return string(c.IntentGrade) }},
	{Name: "needType", Line: "need-type", Aliases: []string{"需求类型"}, Kind: KindEnum, EnumType: "NeedType", Path: "needType", Nullable: true, null: nullEmpty,
		Enum: enumValues(crm.NeedTypeProduct, crm.NeedTypeService, crm.NeedTypeSolution), labels: needTypeLabels,
		get: func(c *cust) string { return string(c.NeedType) }},
	{Name: "owner", Line: "owner", Aliases: []string{"负责人", "ownerId"}, Kind: KindOwner, Path: "ownerId", Nullable: true, null: nullEmpty,
		Doc: "The owning user's id; me: the signed-in user.", get: func(c *cust) string { return c.OwnerID }},
	{Name: "tags", Line: "tag", Aliases: []string{"标签"}, Kind: KindTags, Path: "tags",
		get: func(c *cust) []string { return c.Tags }},
	{Name: "createdAt", Line: "created", Aliases: []string{"创建时间"}, Kind: KindTime, Path: "createdAt",
		get: func(c *cust) (int64, bool) { return always(c.CreatedAt) }},
	{Name: "updatedAt", Line: "updated", Aliases: []string{"更新时间"}, Kind: KindTime, Path: "updatedAt",
		get: func(c *cust) (int64, bool) { return always(c.UpdatedAt) }},
	{Name: "interactionCount", Line: "interaction-count", Aliases: []string{"互动次数"}, Kind: KindInt, Path: "stats.interactionCount",
		get: func(c *cust) int64 { return int64(c.Stats.InteractionCount) }},
	{Name: "firstInteractionAt", Line: "first-contact", Aliases: []string{"首次互动"}, Kind: KindTime, Path: "stats.firstInteractionAt", Nullable: true, null: nullZeroMs,
		get: func(c *cust) (int64, bool) { return ms(c.Stats.FirstInteractionAt) }},
	{Name: "lastInteractionAt", Line: "last-contact", Aliases: []string{"最近互动"}, Kind: KindTime, Path: "stats.lastInteractionAt", Nullable: true, null: nullZeroMs,
		get: func(c *cust) (int64, bool) { return ms(c.Stats.LastInteractionAt) }},
	{Name: "dealCount", Line: "deal-count", Aliases: []string{"成交次数"}, Kind: KindInt, Path: "stats.dealCount",
		get: func(c *cust) int64 { return int64(c.Stats.DealCount) }},
	{Name: "totalAmount", Line: "amount", Aliases: []string{"累计金额", "交易额"}, Kind: KindMoney, Path: "stats.totalAmount",
		Doc: "Sum of all deal amounts.", get: func(c *cust) (int64, bool) { return int64(c.Stats.TotalAmount), true }},
	{Name: "firstDealOn", Line: "first-deal", Aliases: []string{"首次成交"}, Kind: KindDate, Path: "stats.firstDealOn", Nullable: true, null: nullZeroMs,
		get: func(c *cust) (int64, bool) { return ms(c.Stats.FirstDealOn) }},
	{Name: "lastDealOn", Line: "last-deal", Aliases: []string{"最近成交"}, Kind: KindDate, Path: "stats.lastDealOn", Nullable: true, null: nullZeroMs,
		get: func(c *cust) (int64, bool) { return ms(c.Stats.LastDealOn) }},
	{Name: "openNeedCount", Line: "open-needs", Aliases: []string{"未结需求"}, Kind: KindInt, Path: "stats.openNeedCount",
		get: func(c *cust) int64 { return int64(c.Stats.OpenNeedCount) }},
	{Name: "complaintCount", Line: "complaint-count", Aliases: []string{"投诉次数"}, Kind: KindInt, Path: "stats.complaintCount",
		get: func(c *cust) int64 { return int64(c.Stats.ComplaintCount) }},
	{Name: "lastComplaintAt", Line: "last-complaint", Aliases: []string{"最近投诉"}, Kind: KindTime, Path: "stats.lastComplaintAt", Nullable: true, null: nullZeroMs,
		get: func(c *cust) (int64, bool) { return ms(c.Stats.LastComplaintAt) }},
	{Name: "openServiceCount", Line: "open-services", Aliases: []string{"未结服务请求"}, Kind: KindInt, Path: "stats.openServiceCount",
		Doc: "Service requests being worked on (OPEN or IN_PROGRESS).", get: func(c *cust) int64 { return int64(c.Stats.OpenServiceCount) }},
	{Name: "serviceRequestCount", Line: "service-count", Aliases: []string{"服务请求数"}, Kind: KindInt, Path: "stats.serviceRequestCount",
		Doc: "Service requests, closed ones included.", get: func(c *cust) int64 { return int64(c.Stats.ServiceRequestCount) }},
	{Name: "satisfactionCount", Line: "survey-count", Aliases: []string{"调研次数"}, Kind: KindInt, Path: "stats.satisfactionCount",
		get: func(c *cust) int64 { return int64(c.Stats.SatisfactionCount) }},
	{Name: "avgSatisfaction", Line: "satisfaction", Aliases: []string{"满意度"}, Kind: KindFloat, Path: "stats.avgSatisfaction", Nullable: true, null: nullSurveys,
		Doc: "Average survey score 0-100; null while there is no survey.",
		get: func(c *cust) (float64, bool) { return c.Stats.AvgSatisfaction, c.Stats.SatisfactionCount > 0 }},
	{Name: "satisfactionTrend", Line: "satisfaction-trend", Aliases: []string{"满意度变化"}, Kind: KindInt, Path: "stats.satisfactionTrend", Nullable: true, null: nullAbsent,
		Doc: "The latest survey's score less the one before (negative: falling); null with fewer than two surveys.",
		get: func(c *cust) (int64, bool) {
			if c.Stats.SatisfactionTrend == nil {
				return 0, false
			}
			return int64(*c.Stats.SatisfactionTrend), true
		}},

	// contacts
	{Scope: Contacts, Name: "name", Line: "name", Aliases: []string{"姓名"}, Kind: KindString, Path: "name", null: nullEmpty,
		get: func(e *crm.Contact) string { return e.Name }, brief: func(e *crm.BriefContact) string { return e.Name }},
	{Scope: Contacts, Name: "title", Line: "title", Aliases: []string{"职位"}, Kind: KindString, Path: "title", null: nullEmpty,
		get: func(e *crm.Contact) string { return e.Title }, brief: func(e *crm.BriefContact) string { return e.Title }},
	{Scope: Contacts, Name: "role", Line: "role", Aliases: []string{"角色"}, Kind: KindEnum, EnumType: "ContactRole", Path: "role", Nullable: true, null: nullEmpty,
		Enum: enumValues(crm.ContactRoleDecisionMaker, crm.ContactRoleInfluencer, crm.ContactRoleUser), labels: roleLabels,
		get: func(e *crm.Contact) string { return string(e.Role) }, brief: func(e *crm.BriefContact) string { return string(e.Role) }},
	{Scope: Contacts, Name: "primary", Line: "primary", Aliases: []string{"主联系人"}, Kind: KindBool, Path: "primary",
		get: func(e *crm.Contact) bool { return e.Primary }, brief: func(e *crm.BriefContact) bool { return e.Primary }},

	// interactions
	{Scope: Interactions, Name: "at", Line: "at", Aliases: []string{"time", "时间"}, Kind: KindTime, Path: "at",
		get: func(e *crm.Interaction) (int64, bool) { return always(e.At) }, brief: func(e *crm.BriefInteraction) (int64, bool) { return e.At, true }},
	{Scope: Interactions, Name: "channel", Line: "channel", Aliases: []string{"方式", "渠道"}, Kind: KindEnum, EnumType: "InteractionChannel", Path: "channel", null: nullNever,
		Enum: enumValues(crm.ChannelPhone, crm.ChannelVisit, crm.ChannelEmail, crm.ChannelMeeting, crm.ChannelOnline,
			crm.ChannelWeChat, crm.ChannelLivestream, crm.ChannelOther), labels: channelLabels,
		get: func(e *crm.Interaction) string { return string(e.Channel) }, brief: func(e *crm.BriefInteraction) string { return string(e.Channel()) }},
	{Scope: Interactions, Name: "keyEvent", Line: "event", Aliases: []string{"事件", "关键事件"}, Kind: KindEnum, EnumType: "KeyEvent", Path: "keyEvent", Nullable: true, null: nullEmpty,
		Enum: enumValues(crm.KeyEventSigned, crm.KeyEventRenewed, crm.KeyEventComplaint, crm.KeyEventReferral), labels: keyEventLabels,
		get: func(e *crm.Interaction) string { return string(e.KeyEvent) }, brief: func(e *crm.BriefInteraction) string { return string(e.KeyEvent()) }},
	{Scope: Interactions, Name: "summary", Line: "summary", Aliases: []string{"内容", "概要"}, Kind: KindString, Path: "summary", null: nullEmpty,
		get: func(e *crm.Interaction) string { return e.Summary }},
	{Scope: Interactions, Name: "createdBy", Line: "by", Aliases: []string{"记录人"}, Kind: KindOwner, Path: "createdBy", null: nullNever,
		Doc: "The user who logged the interaction; me: the signed-in user.",
		get: func(e *crm.Interaction) string { return e.CreatedBy }, brief: func(e *crm.BriefInteraction) string { return e.CreatedBy }},
	{Scope: Interactions, Name: "participants", Line: "participant", Aliases: []string{"参与人", "participants"}, Kind: KindUsers, Path: "participants",
		Doc: "Our users who took part (user ids); me: the signed-in user is among them.",
		get: func(e *crm.Interaction) []string { return e.Participants }, brief: func(e *crm.BriefInteraction) []string { return e.Participants() }},
	{Scope: Interactions, Name: "durationMin", Line: "duration", Aliases: []string{"时长"}, Kind: KindInt, Path: "durationMin", Nullable: true, null: nullAbsent,
		Doc:   "Duration in minutes; null when not recorded (0).",
		get:   func(e *crm.Interaction) (int64, bool) { return int64(e.DurationMin), e.DurationMin != 0 },
		brief: func(e *crm.BriefInteraction) (int64, bool) { return int64(e.DurationMin), e.DurationMin != 0 }},
	{Scope: Interactions, Name: "nextDone", Line: "next-done", Aliases: []string{"下一步已完成"}, Kind: KindBool, Path: "nextAction.done",
		Doc: "Whether the next action is done; an interaction without a next action matches neither true nor false.",
		get: func(e *crm.Interaction) (bool, bool) {
			if e.NextAction == nil {
				return false, false
			}
			return e.NextAction.Done, true
		},
		brief: func(e *crm.BriefInteraction) (bool, bool) { return e.Next() == crm.NextDone, e.Next() != crm.NextNone }},
	{Scope: Interactions, Name: "nextDue", Line: "next-due", Aliases: []string{"下一步截止"}, Kind: KindTime, Path: "nextAction.due", Nullable: true, null: nullAbsent,
		Doc: "When the next action is (or was) due; null without a next action or without a due time. Overdue: next-done:false next-due:>0d (due longer ago than now).",
		get: func(e *crm.Interaction) (int64, bool) {
			if e.NextAction == nil || e.NextAction.Due == nil {
				return 0, false
			}
			return e.NextAction.Due.UnixMilli(), true
		},
		brief: func(e *crm.BriefInteraction) (int64, bool) { return e.NextDue, e.NextDue != 0 }},
	{Scope: Interactions, Name: "recordedLate", Line: "late", Aliases: []string{"录入超时", "recorded-late"}, Kind: KindBool,
		Doc: "Whether it was logged more than 24 hours after it happened (the seeds' 24-hour rule); an interaction logged before Kehu kept the time of logging matches neither true nor false.",
		get: func(e *crm.Interaction) (bool, bool) { return e.RecordedLate() },
		brief: func(e *crm.BriefInteraction) (bool, bool) {
			r := e.Recording()
			return r == crm.RecordedLate, r != crm.RecordedUnknown
		},
		expr: func(elem string) any { // true, false or null (unknown)
			late := d{{Key: "$gt", Value: a{d{{Key: "$subtract", Value: a{elem + "recordedAt", elem + "at"}}}, crm.RecordWithin.Milliseconds()}}}
			unknown := d{{Key: "$eq", Value: a{d{{Key: "$ifNull", Value: a{elem + "recordedAt", nil}}}, nil}}}
			return d{{Key: "$cond", Value: a{unknown, nil, late}}}
		}},

	// needs
	{Scope: Needs, Name: "title", Line: "title", Aliases: []string{"标题"}, Kind: KindString, Path: "title", null: nullEmpty,
		get: func(e *crm.Need) string { return e.Title }, brief: func(e *crm.BriefNeed) string { return e.Title }},
	{Scope: Needs, Name: "kind", Line: "kind", Aliases: []string{"需求类别"}, Kind: KindEnum, EnumType: "NeedKind", Path: "kind", null: nullNever,
		Enum: enumValues(crm.NeedKindCurrent, crm.NeedKindPotential), labels: needKindLabels,
		get: func(e *crm.Need) string { return string(e.Kind) }, brief: func(e *crm.BriefNeed) string { return string(e.Kind) }},
	{Scope: Needs, Name: "type", Line: "type", Aliases: []string{"类型"}, Kind: KindEnum, EnumType: "NeedType", Path: "type", Nullable: true, null: nullEmpty,
		Enum: enumValues(crm.NeedTypeProduct, crm.NeedTypeService, crm.NeedTypeSolution), labels: needTypeLabels,
		get: func(e *crm.Need) string { return string(e.Type) }, brief: func(e *crm.BriefNeed) string { return string(e.Type) }},
	{Scope: Needs, Name: "priority", Line: "priority", Aliases: []string{"优先级"}, Kind: KindEnum, EnumType: "Priority", Path: "priority", null: nullNever,
		Enum: enumValues(crm.PriorityHigh, crm.PriorityMedium, crm.PriorityLow), labels: priorityLabels,
		get: func(e *crm.Need) string { return string(e.Priority) }, brief: func(e *crm.BriefNeed) string { return string(e.Priority) }},
	{Scope: Needs, Name: "status", Line: "status", Aliases: []string{"状态"}, Kind: KindEnum, EnumType: "NeedStatus", Path: "status", null: nullNever,
		Enum: enumValues(crm.NeedStatusOpen, crm.NeedStatusInProgress, crm.NeedStatusResolved, crm.NeedStatusAbandoned), labels: needStatusLabels,
		get: func(e *crm.Need) string { return string(e.Status) }, brief: func(e *crm.BriefNeed) string { return string(e.Status) }},
	{Scope: Needs, Name: "urgent", Line: "urgent", Aliases: []string{"紧急"}, Kind: KindBool, Path: "urgent",
		get: func(e *crm.Need) bool { return e.Urgent }, brief: func(e *crm.BriefNeed) bool { return e.Urgent }},
	{Scope: Needs, Name: "important", Line: "important", Aliases: []string{"重要"}, Kind: KindBool, Path: "important",
		get: func(e *crm.Need) bool { return e.Important }, brief: func(e *crm.BriefNeed) bool { return e.Important }},
	{Scope: Needs, Name: "openedAt", Line: "opened", Aliases: []string{"提出时间"}, Kind: KindTime, Path: "openedAt",
		get: func(e *crm.Need) (int64, bool) { return always(e.OpenedAt) }, brief: func(e *crm.BriefNeed) (int64, bool) { return e.OpenedAt, true }},
	{Scope: Needs, Name: "resolvedAt", Line: "resolved", Aliases: []string{"解决时间"}, Kind: KindTime, Path: "resolvedAt", Nullable: true, null: nullAbsent,
		get: func(e *crm.Need) (int64, bool) { return msPtr(e.ResolvedAt) }, brief: func(e *crm.BriefNeed) (int64, bool) { return e.ResolvedAt, e.HasResolved }},
	{Scope: Needs, Name: "expectedOn", Line: "expected", Aliases: []string{"期望日期"}, Kind: KindDate, Path: "expectedOn", Nullable: true, null: nullAbsent,
		get: func(e *crm.Need) (int64, bool) { return msPtr(e.ExpectedOn) }, brief: func(e *crm.BriefNeed) (int64, bool) { return e.ExpectedOn, e.HasExpected }},
	{Scope: Needs, Name: "budgetMax", Line: "budget", Aliases: []string{"预算"}, Kind: KindMoney, Path: "budgetMax", Nullable: true, null: nullAbsent,
		Doc: "Upper end of the budget.",
		get: func(e *crm.Need) (int64, bool) {
			if e.BudgetMax == nil {
				return 0, false
			}
			return int64(*e.BudgetMax), true
		},
		brief: func(e *crm.BriefNeed) (int64, bool) { return int64(e.BudgetMax), e.HasBudget }},

	// deals
	{Scope: Deals, Name: "product", Line: "product", Aliases: []string{"产品"}, Kind: KindString, Path: "product", null: nullEmpty,
		get: func(e *crm.Deal) string { return e.Product }, brief: func(e *crm.BriefDeal) string { return e.Product }},
	{Scope: Deals, Name: "amount", Line: "amount", Aliases: []string{"金额"}, Kind: KindMoney, Path: "amount",
		get: func(e *crm.Deal) (int64, bool) { return int64(e.Amount), true }, brief: func(e *crm.BriefDeal) (int64, bool) { return int64(e.Amount), true }},
	{Scope: Deals, Name: "date", Line: "date", Aliases: []string{"日期"}, Kind: KindDate, Path: "date",
		get: func(e *crm.Deal) (int64, bool) { return always(e.Date) }, brief: func(e *crm.BriefDeal) (int64, bool) { return e.Date, true }},

	// satisfaction (survey results)
	{Scope: Satisfaction, Name: "at", Line: "at", Aliases: []string{"time", "时间"}, Kind: KindTime, Path: "at",
		get: func(e *crm.Satisfaction) (int64, bool) { return always(e.At) }, brief: func(e *crm.BriefSatisfaction) (int64, bool) { return e.At, true }},
	{Scope: Satisfaction, Name: "score", Line: "score", Aliases: []string{"分数", "得分"}, Kind: KindInt, Path: "score",
		Doc: "The survey's score, 0-100.",
		get: func(e *crm.Satisfaction) int64 { return int64(e.Score) }, brief: func(e *crm.BriefSatisfaction) int64 { return int64(e.Score) }},

	// stageHistory
	{Scope: StageHistory, Name: "at", Line: "at", Aliases: []string{"time", "时间"}, Kind: KindTime, Path: "at",
		get: func(e *crm.StageChange) (int64, bool) { return always(e.At) }, brief: func(e *crm.BriefStageChange) (int64, bool) { return e.At, true }},
	{Scope: StageHistory, Name: "from", Line: "from", Aliases: []string{"原阶段"}, Kind: KindEnum, EnumType: "Stage", Path: "from", Nullable: true, null: nullEmpty,
		Enum: stageValues, labels: stageLabels,
		Doc: "The stage left; null for the customer's first stage.",
		get: func(e *crm.StageChange) string { return string(e.From) }, brief: func(e *crm.BriefStageChange) string { return string(e.From()) }},
	{Scope: StageHistory, Name: "to", Line: "to", Aliases: []string{"新阶段"}, Kind: KindEnum, EnumType: "Stage", Path: "to", null: nullNever,
		Enum: stageValues, labels: stageLabels,
		Doc: "The stage entered.",
		get: func(e *crm.StageChange) string { return string(e.To) }, brief: func(e *crm.BriefStageChange) string { return string(e.To()) }},

	// serviceRequests
	{Scope: ServiceRequests, Name: "kind", Line: "kind", Aliases: []string{"类型"}, Kind: KindEnum, EnumType: "ServiceKind", Path: "kind", null: nullNever,
		Enum: enumValues(crm.ServiceKinds()...), labels: serviceKindLabels,
		get: func(e *crm.ServiceRequest) string { return string(e.Kind) }, brief: func(e *crm.BriefServiceRequest) string { return string(e.Kind) }},
	{Scope: ServiceRequests, Name: "status", Line: "status", Aliases: []string{"状态"}, Kind: KindEnum, EnumType: "ServiceStatus", Path: "status", null: nullNever,
		Enum: enumValues(crm.ServiceStatuses()...), labels: serviceStatusLabels,
		get: func(e *crm.ServiceRequest) string { return string(e.Status) }, brief: func(e *crm.BriefServiceRequest) string { return string(e.Status) }},
	{Scope: ServiceRequests, Name: "priority", Line: "priority", Aliases: []string{"优先级"}, Kind: KindEnum, EnumType: "Priority", Path: "priority", null: nullNever,
		Enum: enumValues(crm.PriorityHigh, crm.PriorityMedium, crm.PriorityLow), labels: priorityLabels,
		get: func(e *crm.ServiceRequest) string { return string(e.Priority) }, brief: func(e *crm.BriefServiceRequest) string { return string(e.Priority) }},
	{Scope: ServiceRequests, Name: "assignee", Line: "assignee", Aliases: []string{"处理人"}, Kind: KindOwner, Path: "assigneeId", Nullable: true, null: nullEmpty,
		Doc: "The user the request is assigned to; me: the signed-in user.",
		get: func(e *crm.ServiceRequest) string { return e.AssigneeID }, brief: func(e *crm.BriefServiceRequest) string { return e.AssigneeID }},
	{Scope: ServiceRequests, Name: "openedAt", Line: "opened", Aliases: []string{"提出时间"}, Kind: KindTime, Path: "openedAt",
		get: func(e *crm.ServiceRequest) (int64, bool) { return always(e.OpenedAt) }, brief: func(e *crm.BriefServiceRequest) (int64, bool) { return e.OpenedAt, true }},
	{Scope: ServiceRequests, Name: "due", Line: "due", Aliases: []string{"到期"}, Kind: KindTime, Path: "due",
		Doc: "When it should be resolved. Overdue: status:OPEN,IN_PROGRESS due:>0d (due longer ago than now).",
		get: func(e *crm.ServiceRequest) (int64, bool) { return always(e.Due) }, brief: func(e *crm.BriefServiceRequest) (int64, bool) { return e.Due, true }},
	{Scope: ServiceRequests, Name: "resolvedAt", Line: "resolved", Aliases: []string{"解决时间"}, Kind: KindTime, Path: "resolvedAt", Nullable: true, null: nullAbsent,
		Doc: "The latest resolution; null until resolved.",
		get: func(e *crm.ServiceRequest) (int64, bool) { return msPtr(e.ResolvedAt) }, brief: func(e *crm.BriefServiceRequest) (int64, bool) { return e.ResolvedAt, e.HasResolved }},
	{Scope: ServiceRequests, Name: "closedAt", Line: "closed", Aliases: []string{"关闭时间"}, Kind: KindTime, Path: "closedAt", Nullable: true, null: nullAbsent,
		get: func(e *crm.ServiceRequest) (int64, bool) { return msPtr(e.ClosedAt) }, brief: func(e *crm.BriefServiceRequest) (int64, bool) { return e.ClosedAt, e.HasClosed }},
	{Scope: ServiceRequests, Name: "resolutionHours", Line: "resolution-hours", Aliases: []string{"解决时长"}, Kind: KindInt, Path: "resolutionHours", Nullable: true, null: nullAbsent,
		Doc: "Whole hours from opening to the latest resolution (rounded down); null while not resolved (or reopened).",
		get: func(e *crm.ServiceRequest) (int64, bool) {
			if e.ResolutionHours == nil {
				return 0, false
			}
			return *e.ResolutionHours, true
		},
		brief: func(e *crm.BriefServiceRequest) (int64, bool) { return e.Hours, e.HasHours }},
	{Scope: ServiceRequests, Name: "resolvedLate", Line: "late", Aliases: []string{"超时解决", "resolved-late"}, Kind: KindBool,
		Doc: "Whether it was resolved after its due time (its latest resolution); a request still worked on, or resolved without a time of resolution, matches neither true nor false.",
		get: func(e *crm.ServiceRequest) (bool, bool) {
			if e.Active() || e.ResolvedAt == nil {
				return false, false
			}
			return e.ResolvedAt.After(e.Due), true
		},
		brief: func(e *crm.BriefServiceRequest) (bool, bool) {
			if e.Active() || !e.HasResolved {
				return false, false
			}
			return e.ResolvedAt > e.Due, true
		},
		expr: func(elem string) any { // true, false or null (not resolved)
			active := d{{Key: "$in", Value: a{elem + "status", a{string(crm.ServiceOpen), string(crm.ServiceInProgress)}}}}
			unresolved := d{{Key: "$eq", Value: a{d{{Key: "$ifNull", Value: a{elem + "resolvedAt", nil}}}, nil}}}
			late := d{{Key: "$gt", Value: a{elem + "resolvedAt", elem + "due"}}}
			return d{{Key: "$cond", Value: a{d{{Key: "$or", Value: a{active, unresolved}}}, nil, late}}}
		}},

	// tasks
	{Scope: Tasks, Name: "kind", Line: "kind", Aliases: []string{"类型"}, Kind: KindEnum, EnumType: "TaskKind", Path: "kind", null: nullNever,
		Enum: enumValues(crm.TaskKinds()...), labels: taskKindLabels,
		get: func(e *crm.Task) string { return string(e.Kind) }, brief: func(e *crm.BriefTask) string { return string(e.Kind) }},
	{Scope: Tasks, Name: "status", Line: "status", Aliases: []string{"状态"}, Kind: KindEnum, EnumType: "TaskStatus", Path: "status", null: nullNever,
		Enum: enumValues(crm.TaskStatuses()...), labels: taskStatusLabels,
		Doc: "OPEN; DONE (completed by a person); CLOSED (closed by itself).",
		get: func(e *crm.Task) string { return string(e.Status) }, brief: func(e *crm.BriefTask) string { return string(e.Status) }},
	{Scope: Tasks, Name: "assignee", Line: "assignee", Aliases: []string{"负责人", "处理人"}, Kind: KindOwner, Path: "assigneeId", Nullable: true, null: nullEmpty,
		Doc: "The user the task is assigned to; me: the signed-in user.",
		get: func(e *crm.Task) string { return e.AssigneeID }, brief: func(e *crm.BriefTask) string { return e.AssigneeID }},
	{Scope: Tasks, Name: "due", Line: "due", Aliases: []string{"到期", "截止"}, Kind: KindTime, Path: "due",
		Doc: "When it should be done. Overdue: status:OPEN due:>0d (due longer ago than now).",
		get: func(e *crm.Task) (int64, bool) { return always(e.Due) }, brief: func(e *crm.BriefTask) (int64, bool) { return e.Due, true }},
	{Scope: Tasks, Name: "createdAt", Line: "created", Aliases: []string{"创建时间"}, Kind: KindTime, Path: "createdAt",
		get: func(e *crm.Task) (int64, bool) { return always(e.CreatedAt) }, brief: func(e *crm.BriefTask) (int64, bool) { return e.CreatedAt, true }},
	{Scope: Tasks, Name: "closedAt", Line: "closed", Aliases: []string{"关闭时间", "完成时间"}, Kind: KindTime, Path: "closedAt", Nullable: true, null: nullAbsent,
		Doc: "When it was done or closed itself; null while open.",
		get: func(e *crm.Task) (int64, bool) { return msPtr(e.ClosedAt) }, brief: func(e *crm.BriefTask) (int64, bool) { return e.ClosedAt, e.HasClosed }},
	{Scope: Tasks, Name: "doneLate", Line: "late", Aliases: []string{"超时完成", "done-late"}, Kind: KindBool,
		Doc:   "Whether it was done (by a person) after its due time; a task not DONE matches neither true nor false.",
		get:   func(e *crm.Task) (bool, bool) { return e.DoneLate() },
		brief: func(e *crm.BriefTask) (bool, bool) { return e.Late() },
		expr: func(elem string) any { // true, false or null (not done)
			notDone := d{{Key: "$ne", Value: a{elem + "status", string(crm.TaskDone)}}}
			unclosed := d{{Key: "$eq", Value: a{d{{Key: "$ifNull", Value: a{elem + "closedAt", nil}}}, nil}}}
			late := d{{Key: "$gt", Value: a{elem + "closedAt", elem + "due"}}}
			return d{{Key: "$cond", Value: a{d{{Key: "$or", Value: a{notDone, unclosed}}}, nil, late}}}
		}},
}

// arrayInfo describes a nested array.
type arrayInfo struct {
	line    string   // name in the query line
	aliases []string // Chinese names
	sum     string   // the field Sum adds up ("" when Sum is not offered)
	window  string   // the date field Change windows by (with sum)
	elem    string   // GraphQL name of an element: XWhere, XCount, XSum
	filter  string   // GraphQL type of the array's filter (quantifiers, count)
	doc     string   // GraphQL description of XWhere ("" for the default)
}

var arrays = map[Array]arrayInfo{
	Contacts:     {line: "contacts", aliases: []string{"联系人"}, elem: "Contact", filter: "ContactsFilter"},
	Interactions: {line: "interactions", aliases: []string{"互动"}, elem: "Interaction", filter: "InteractionsFilter"},
	Needs:        {line: "needs", aliases: []string{"需求"}, elem: "Need", filter: "NeedsFilter"},
	Deals:        {line: "deals", aliases: []string{"交易"}, sum: "amount", window: "date", elem: "Deal", filter: "DealsFilter"},
	// The line name satisfaction is avgSatisfaction's.
	Satisfaction: {line: "surveys", aliases: []string{"调研", "满意度调查"}, elem: "Satisfaction", filter: "SatisfactionFilter",
		doc: "A filter of one of a customer's survey results (satisfaction)."},
	StageHistory: {line: "stages", aliases: []string{"阶段记录"}, elem: "StageChange", filter: "StageChangesFilter",
		doc: "A filter of one change of a customer's pipeline stage (stageHistory, oldest first)."},
	ServiceRequests: {line: "services", aliases: []string{"服务请求", "工单"}, elem: "ServiceRequest", filter: "ServiceRequestsFilter",
		doc: "A filter of one of a customer's service requests (consultations, complaints, after-sales)."},
	Tasks: {line: "tasks", aliases: []string{"待办"}, elem: "Task", filter: "TasksFilter",
		doc: "A filter of one of a customer's tasks (open, done and closed; up to 200, the oldest closed ones dropped)."},
}

// arrayLines lists the arrays' query-line names, for error messages.
func arrayLines() string {
	var names []string
	for _, a := range Arrays() {
		names = append(names, arrays[a].line)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// arrayNames lists the arrays' GraphQL names, for error messages.
func arrayNames() string {
	var names []string
	for _, a := range Arrays() {
		names = append(names, string(a))
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Fields returns the catalog: every filterable field, customer fields first,
// then the fields of the elements of each array, in the order of Arrays.
func Fields() []Field {
	out := make([]Field, len(catalog))
	copy(out, catalog)
	return out
}

// Labels returns the labels the query line accepts for an enum value of the
// field (besides the value itself, in any case), e.g. 商务谈判 for NEGOTIATION.
func (f Field) Labels(value string) []string { return append([]string(nil), f.labels[value]...) }

// Ops returns the operators the field takes.
func (f Field) Ops() []Op {
	var ops []Op
	switch f.Kind {
	case KindString:
		ops = []Op{Eq, Ne, In, NotIn, Contains, StartsWith, IsNull}
	case KindEnum:
		ops = []Op{Eq, Ne, In, NotIn}
	case KindOwner:
		ops = []Op{Eq, Ne, In, NotIn, Me}
	case KindTags:
		ops = []Op{HasAny, HasAll, HasNone, IsEmpty}
	case KindUsers:
		ops = []Op{HasAny, HasAll, HasNone, IsEmpty, Me}
	case KindInt, KindFloat, KindMoney:
		ops = []Op{Eq, Ne, Gt, Gte, Lt, Lte, Between}
	case KindTime, KindDate:
		ops = []Op{Eq, Gt, Gte, Lt, Lte, Between}
	case KindBool:
		ops = []Op{Eq}
	case KindSearch:
		ops = []Op{Contains}
	}
	if f.Nullable && f.Kind != KindString && f.Kind != KindTags && f.Kind != KindUsers {
		ops = append(ops, IsNull)
	}
	return ops
}

func (f *Field) allows(op Op) bool {
	for _, o := range f.Ops() {
		if o == op {
			return true
		}
	}
	return false
}

type fieldKey struct {
	scope Array
	name  string
}

var (
	byName = map[fieldKey]*Field{} // GraphQL name
	byLine = map[fieldKey]*Field{} // folded line names, aliases and GraphQL names
)

func init() {
	for i := range catalog {
		f := &catalog[i]
		byName[fieldKey{f.Scope, f.Name}] = f
		if f.Kind == KindSearch {
			continue
		}
		for _, n := range append([]string{f.Line, f.Name}, f.Aliases...) {
			byLine[fieldKey{f.Scope, foldName(n)}] = f
		}
	}
}

// lookup finds a field by its GraphQL name.
func lookup(scope Array, name string) *Field { return byName[fieldKey{scope, name}] }

// LookupField finds a field by its GraphQL name in a scope (Customer or an
// array).
func LookupField(scope Array, name string) (Field, bool) {
	f := lookup(scope, name)
	if f == nil {
		return Field{}, false
	}
	return *f, true
}

// lookupLine finds a field by a query-line name.
func lookupLine(scope Array, name string) *Field { return byLine[fieldKey{scope, foldName(name)}] }

// foldName folds a query-line name: ASCII lower case, without '-' and '_'.
func foldName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == '_':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// enumValue resolves a query-line enum value: the value in any case or one
// of its labels.
func (f *Field) enumValue(s string) (string, bool) {
	for _, v := range f.Enum {
		if strings.EqualFold(v, s) || strings.EqualFold(strings.ReplaceAll(v, "_", "-"), s) {
			return v, true
		}
	}
	for _, v := range f.Enum {
		for _, l := range f.labels[v] {
			if l == s {
				return v, true
			}
		}
	}
	return "", false
}

func (f *Field) validEnum(s string) bool {
	for _, v := range f.Enum {
		if v == s {
			return true
		}
	}
	return false
}
