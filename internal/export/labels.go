package export

// Enum labels as the browser app shows them (frontend/src/i18n/enums.ts);
// the Chinese ones are also the first label the query line accepts
// (internal/segment/catalog.go). A test checks both files, so the export
// never uses different words from the app.

type label struct{ zh, en string }

var (
	stageLabels = map[string]label{
		"POTENTIAL": {"潜在客户", "Potential"}, "CONTACTED": {"初步接触", "Contacted"},
		"NEEDS_CONFIRMED": {"需求确认", "Needs confirmed"}, "PROPOSAL": {"方案提交", "Proposal"},
		"NEGOTIATION": {"商务谈判", "Negotiation"}, "WON": {"成交", "Won"},
		"AFTER_SALES": {"售后维护", "After-sales"}, "LOST": {"流失", "Lost"},
	}
	valueTierLabels = map[string]label{
		"A": {"A类(高价值)", "A (high value)"}, "B": {"B类(潜力)", "B (potential)"}, "C": {"C类(普通)", "C (regular)"},
	}
	intentGradeLabels = map[string]label{
		"A": {"高意向", "High intent"}, "B": {"中意向", "Medium intent"}, "C": {"低意向", "Low intent"},
	}
	customerTypeLabels = map[string]label{
		"NEW": {"新客户", "New"}, "EXISTING": {"老客户", "Existing"}, "CHANNEL": {"渠道客户", "Channel"},
	}
	needTypeLabels = map[string]label{
		"PRODUCT": {"产品采购型", "Product purchase"}, "SERVICE": {"服务支持型", "Service support"},
		"SOLUTION": {"解决方案型", "Solution"},
	}
	contactRoleLabels = map[string]label{
		"DECISION_MAKER": {"决策者", "Decision maker"}, "INFLUENCER": {"影响者", "Influencer"}, "USER": {"使用者", "User"},
	}
)
