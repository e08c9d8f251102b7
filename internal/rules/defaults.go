package rules

import (
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
)

// Definitions are the lifecycle stages as seed 003 defines them, in the
// filter language; "cooperating since" is the first deal, "cooperation"
// is deals:
//   - POTENTIAL: no deal yet (未合作但有意向);
//   - NEW: the first deal less than 6 months ago (合作<6个月), the last in
//     the last 3 months;
//   - STABLE: the first deal 6 to 24 months ago (合作6-24个月), the last in
//     the last 3 months (无流失风险);
//   - STRATEGIC: the first deal 24 months ago or longer (合作≥24个月), the
//     last in the last 3 months;
//   - CHURNED: no deal for more than 3 months (停止合作≥3个月), but within 6;
//   - DORMANT: no deal for more than 6 months (流失后3个月内无转化).
//
// They are disjoint and cover every customer. The default rules set them
// as they are; the lint compares any rule that sets a lifecycle stage
// with its definition.
var Definitions = map[crm.Lifecycle]string{
	crm.LifecyclePotential: "first-deal:none",
	crm.LifecycleNew:       "first-deal:<6m last-deal:<=3m",
	crm.LifecycleStable:    "first-deal:>=6m first-deal:<24m last-deal:<=3m",
	crm.LifecycleStrategic: "first-deal:>=24m last-deal:<=3m",
	crm.LifecycleChurned:   "last-deal:>3m last-deal:<=6m",
	crm.LifecycleDormant:   "last-deal:>6m",
}

// definitions compiles Definitions at o's time.
func definitions(o segment.Options) map[crm.Lifecycle]*segment.Filter {
	out := make(map[crm.Lifecycle]*segment.Filter, len(Definitions))
	for l, line := range Definitions {
		f, err := segment.FilterOf(nil, line, o)
		if err != nil {
			panic("rules: definition of " + string(l) + ": " + err.Error()) // a test parses every one
		}
		out[l] = f
	}
	return out
}

// ComplaintRiskTag is the tag the default rules keep on customers with a
// complaint in the last 90 days.
const ComplaintRiskTag = "投诉风险"

// Defaults returns the seeds' rule set, version 0 (never saved):
//   - value tier by the deal amount of the last 12 months (seed 003: 年交易额):
//     A from 500,000 yuan, B from 100,000, C below; with the follow-up cadence
//     of each tier (A every 7 days, B every 14, C every 30);
//   - the lifecycle stages of Definitions;
//   - the tag 投诉风险 while a complaint of the last 90 days stands, and off
//     when there is none.
func Defaults() *Set {
	rs := []Rule{
		{Name: "A类：近12个月成交≥50万", When: "deals.sum(date:<=12m):>=500000", Priority: 30,
			Then: Then{ValueTier: crm.TierA, CadenceDays: Days(7)}},
		{Name: "B类：近12个月成交≥10万", When: "deals.sum(date:<=12m):>=100000", Priority: 20,
			Then: Then{ValueTier: crm.TierB, CadenceDays: Days(14)}},
		{Name: "C类：其余客户", When: "", Priority: 10,
			Then: Then{ValueTier: crm.TierC, CadenceDays: Days(30)}},
	}
	for _, l := range crm.Lifecycles() {
		rs = append(rs, Rule{Name: crm.LifecycleLabels[string(l)].Zh, When: Definitions[l], Priority: 10,
			Then: Then{Lifecycle: l}})
	}
	complaint := "interactions.some(event:COMPLAINT at:<=90d)"
	rs = append(rs,
		Rule{Name: "投诉风险：近90天有投诉", When: complaint, Priority: 10, Then: Then{AddTags: []string{ComplaintRiskTag}}},
		Rule{Name: "投诉风险解除：近90天无投诉", When: "-" + complaint, Priority: 10, Then: Then{RemoveTags: []string{ComplaintRiskTag}}},
	)
	return &Set{Rules: rs}
}
