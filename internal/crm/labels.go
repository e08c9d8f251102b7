package crm

// Label is an enum value's wording in Chinese and English, as the browser
// app shows it (frontend/src/i18n/enums.ts; a test in internal/export
// checks both files agree). The Chinese label is also the first one the
// query line accepts (internal/segment/catalog.go).
type Label struct{ Zh, En string }

// In returns the label in the locale (Chinese unless English).
func (l Label) In(loc Locale) string {
	if loc == LocaleEn {
		return l.En
	}
	return l.Zh
}

// Enum label tables, by enum value.
var (
	StageLabels = map[string]Label{
		"POTENTIAL": {"潜在客户", "Potential"}, "CONTACTED": {"初步接触", "Contacted"},
		"NEEDS_CONFIRMED": {"需求确认", "Needs confirmed"}, "PROPOSAL": {"方案提交", "Proposal"},
		"NEGOTIATION": {"商务谈判", "Negotiation"}, "WON": {"成交", "Won"},
		"AFTER_SALES": {"售后维护", "After-sales"}, "LOST": {"流失", "Lost"},
	}
	ValueTierLabels = map[string]Label{
		"A": {"A类(高价值)", "A (high value)"}, "B": {"B类(潜力)", "B (potential)"}, "C": {"C类(普通)", "C (regular)"},
	}
	LifecycleLabels = map[string]Label{
		"POTENTIAL": {"潜在客户", "Potential"}, "NEW": {"新客户", "New"}, "STABLE": {"稳定客户", "Stable"},
		"STRATEGIC": {"战略客户", "Strategic"}, "CHURNED": {"流失客户", "Churned"}, "DORMANT": {"休眠客户", "Dormant"},
	}
	IntentGradeLabels = map[string]Label{
		"A": {"高意向", "High intent"}, "B": {"中意向", "Medium intent"}, "C": {"低意向", "Low intent"},
	}
	CustomerTypeLabels = map[string]Label{
		"NEW": {"新客户", "New"}, "EXISTING": {"老客户", "Existing"}, "CHANNEL": {"渠道客户", "Channel"},
	}
	NeedTypeLabels = map[string]Label{
		"PRODUCT": {"产品采购型", "Product purchase"}, "SERVICE": {"服务支持型", "Service support"},
		"SOLUTION": {"解决方案型", "Solution"},
	}
	ContactRoleLabels = map[string]Label{
		"DECISION_MAKER": {"决策者", "Decision maker"}, "INFLUENCER": {"影响者", "Influencer"}, "USER": {"使用者", "User"},
	}
	ChannelLabels = map[string]Label{
		"PHONE": {"电话", "Phone"}, "VISIT": {"拜访", "Visit"}, "EMAIL": {"邮件", "E-mail"},
		"MEETING": {"会议", "Meeting"}, "ONLINE": {"线上", "Online"}, "WECHAT": {"微信", "WeChat"},
		"LIVESTREAM": {"直播", "Livestream"}, "OTHER": {"其他", "Other"},
	}
	KeyEventLabels = map[string]Label{
		"SIGNED": {"签单", "Signed"}, "RENEWED": {"续费", "Renewed"}, "COMPLAINT": {"投诉", "Complaint"},
		"REFERRAL": {"推荐新客户", "Referral"},
	}
	NeedKindLabels   = map[string]Label{"CURRENT": {"当前需求", "Current"}, "POTENTIAL": {"潜在需求", "Potential"}}
	PriorityLabels   = map[string]Label{"HIGH": {"高", "High"}, "MEDIUM": {"中", "Medium"}, "LOW": {"低", "Low"}}
	NeedStatusLabels = map[string]Label{
		"OPEN": {"未跟进", "Open"}, "IN_PROGRESS": {"跟进中", "In progress"}, "RESOLVED": {"已解决", "Resolved"},
		"ABANDONED": {"已放弃", "Abandoned"},
	}
)

// NotSet is the label of an empty value (未填写).
var NotSet = Label{"未填写", "Not set"}
