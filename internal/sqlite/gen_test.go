package sqlite_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// The generator builds customers of the shape the worksheets have: several
// contacts, needs and deals, ~40 interactions with Chinese summaries, which
// is ~20-30 KB of BSON per customer. It is deterministic for a seed.

var (
	genNow = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

	genCities = [][2]string{{"上海市", "上海市"}, {"北京市", "北京市"}, {"广东省", "深圳市"}, {"广东省", "广州市"},
		{"浙江省", "杭州市"}, {"江苏省", "苏州市"}, {"江苏省", "南京市"}, {"四川省", "成都市"}, {"湖北省", "武汉市"}, {"山东省", "青岛市"}}
	genIndustries = []string{"制造业", "零售", "物流", "医疗健康", "教育培训", "金融服务", "互联网", "建筑工程", "餐饮", "能源化工"}
	genSources    = []string{"展会", "线上咨询", "转介绍", "官网注册", "电话咨询", "渠道推荐"}
	genEmployees  = []string{"1-49人", "50-99人", "100-499人", "500-999人", "1000人以上"}
	genRevenue    = []string{"500万以下", "500万-1000万", "1000万-5000万", "5000万-1亿", "1亿以上"}
	genTags       = []string{"高意向", "技术优先型", "价格敏感", "决策链长", "老客户", "重点培育", "需回访", "大客户"}
	genOwners     = []string{"u-liwei", "u-zhangmin", "u-wangfang", "u-chenjie", "u-liuyang", "u-zhaolei"}
	genSurnames   = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"}
	genTitles     = []string{"采购总监", "总经理", "IT经理", "财务主管", "运营经理", "技术负责人"}
	genProducts   = []string{"仓储管理系统", "客户管理平台", "数据分析服务", "智能排产软件", "年度运维服务", "培训课程包"}
	genNameParts  = []string{"华信", "明德", "远航", "瑞丰", "恒通", "金桥", "天成", "博远", "新锐", "正泰", "鼎盛", "海纳"}
	genSuffixes   = []string{"科技有限公司", "贸易有限公司", "制造股份有限公司", "物流有限公司", "医疗器械有限公司"}
	genPhrases    = []string{
		"客户反馈现有物流效率低，希望优化配送方案", "对我们的系统演示非常满意，计划下月安排技术评审",
		"询问了价格和交付周期，需要提供详细报价单", "采购流程需要经过总部审批，预计两周内给出答复",
		"提出了数据安全方面的顾虑，需要补充等保材料", "希望增加移动端审批功能，并与现有财务系统对接",
		"竞品报价低于我方百分之十五，客户要求给出优惠方案", "现场参观了生产线，确认了实施范围和里程碑",
		"客户对售后响应速度有投诉，已协调技术支持跟进处理", "续约意向明确，讨论了增加用户数和培训服务",
	}
	genChannels = []crm.InteractionChannel{crm.ChannelPhone, crm.ChannelVisit, crm.ChannelEmail, crm.ChannelMeeting,
		crm.ChannelOnline, crm.ChannelWeChat}
	genStages = []crm.Stage{crm.StagePotential, crm.StageContacted, crm.StageNeedsConfirmed, crm.StageProposal,
		crm.StageNegotiation, crm.StageWon, crm.StageAfterSales, crm.StageLost}
	genTiers = []crm.Tier{crm.TierA, crm.TierB, crm.TierC}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func genText(r *rand.Rand, phrases int) string {
	var b strings.Builder
	for i := range phrases {
		if i > 0 {
			b.WriteString("；")
		}
		b.WriteString(pick(r, genPhrases))
	}
	return b.String()
}

// ms returns a random time in the year before genNow, at millisecond
// precision (BSON datetimes keep milliseconds).
func genTime(r *rand.Rand) time.Time {
	return genNow.Add(-time.Duration(r.Int64N(int64(365 * 24 * time.Hour)))).Truncate(time.Millisecond)
}

// genCustomer builds customer number i with about the given number of
// interactions; the code is left empty for the store to assign.
func genCustomer(r *rand.Rand, i, interactions int) *crm.Customer {
	city := pick(r, genCities)
	created := genTime(r)
	owner := pick(r, genOwners)
	c := &crm.Customer{
		ID:             crm.NewID(),
		Name:           fmt.Sprintf("%s%s%s%d", city[1][:len(city[1])-3], pick(r, genNameParts), pick(r, genSuffixes), i),
		Industry:       pick(r, genIndustries),
		Size:           crm.CompanySize{Employees: pick(r, genEmployees), Revenue: pick(r, genRevenue)},
		Region:         crm.Region{Province: city[0], City: city[1]},
		Address:        fmt.Sprintf("%s高新区科技路%d号", city[1], r.IntN(999)+1),
		Website:        fmt.Sprintf("https://www.company%d.example.com", i),
		MainBusiness:   pick(r, genIndustries) + "相关产品与服务",
		Source:         pick(r, genSources),
		Type:           pick(r, []crm.CustomerType{crm.CustomerTypeNew, crm.CustomerTypeExisting, crm.CustomerTypeChannel}),
		Stage:          pick(r, genStages),
		ValueTier:      pick(r, genTiers),
		IntentGrade:    pick(r, genTiers),
		NeedType:       pick(r, []crm.NeedType{crm.NeedTypeProduct, crm.NeedTypeService, crm.NeedTypeSolution}),
		Tags:           []string{pick(r, genTags), pick(r, genTags)},
		OwnerID:        owner,
		Collaborators:  []string{pick(r, genOwners)},
		CommPreference: "偏好微信沟通，工作日上午联系",
		Notes:          genText(r, 3),
		CreatedAt:      created,
		CreatedBy:      owner,
		UpdatedAt:      created,
		UpdatedBy:      owner,
		Version:        1,
	}
	if r.IntN(3) > 0 {
		c.CreditCode = fmt.Sprintf("91%06d%010d", r.IntN(1000000), i)
	}
	if r.IntN(10) == 0 {
		at := genTime(r)
		c.ArchivedAt = &at
	}
	founded := time.Date(1995+r.IntN(30), time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
	c.FoundedOn = &founded
	for j := range 2 + r.IntN(4) {
		c.Contacts = append(c.Contacts, crm.Contact{
			ID: fmt.Sprintf("ct%d", j), Name: pick(r, genSurnames) + pick(r, []string{"经理", "总", "工", "主任"}),
			Title: pick(r, genTitles), Phone: fmt.Sprintf("138%08d", r.IntN(100000000)),
			Email: fmt.Sprintf("contact%d@company%d.example.com", j, i), WeChat: fmt.Sprintf("wx_%d_%d", i, j),
			Role:    pick(r, []crm.ContactRole{crm.ContactRoleDecisionMaker, crm.ContactRoleInfluencer, crm.ContactRoleUser}),
			Primary: j == 0, CommPreference: "电话", BestTime: "工作日上午9-11点",
		})
	}
	n := interactions - interactions/4 + r.IntN(interactions/2+1)
	for j := range n {
		at := genTime(r)
		in := crm.Interaction{
			ID: fmt.Sprintf("in%d", j), At: at, Channel: pick(r, genChannels),
			Participants: []string{owner}, ContactIDs: []string{c.Contacts[r.IntN(len(c.Contacts))].ID},
			Summary: genText(r, 2+r.IntN(3)), Feedback: genText(r, 1), Result: "已记录，待跟进",
			DurationMin: 15 + r.IntN(90), CreatedBy: owner,
		}
		if r.IntN(3) == 0 {
			due := at.Add(72 * time.Hour)
			in.NextAction = &crm.NextAction{What: "提供定制方案并安排技术交流", OwnerID: owner, Due: &due, Done: r.IntN(2) == 0}
		}
		if r.IntN(15) == 0 {
			in.KeyEvent = crm.KeyEventComplaint
		}
		c.Interactions = append(c.Interactions, in)
	}
	for j := range 2 + r.IntN(5) {
		lo, hi := crm.Money(r.Int64N(1000000)*100), crm.Money(r.Int64N(1000000)*100+100000000)
		exp := crm.DateOf(genTime(r), time.UTC)
		c.Needs = append(c.Needs, crm.Need{
			ID: fmt.Sprintf("nd%d", j), Title: "物流配送效率提升与系统对接", Kind: crm.NeedKindCurrent, Type: crm.NeedTypeSolution,
			Priority: crm.PriorityHigh, Urgent: r.IntN(2) == 0, Important: true,
			Status:    pick(r, []crm.NeedStatus{crm.NeedStatusOpen, crm.NeedStatusInProgress, crm.NeedStatusResolved}),
			BudgetMin: &lo, BudgetMax: &hi, ExpectedOn: &exp, OpenedAt: genTime(r),
		})
	}
	for j := range r.IntN(7) {
		c.Deals = append(c.Deals, crm.Deal{ID: fmt.Sprintf("dl%d", j), Product: pick(r, genProducts),
			Amount: crm.Money(r.Int64N(50000000) + 100000), Date: crm.DateOf(genTime(r), time.UTC), Note: "年度框架合同"})
	}
	for j := range 1 + r.IntN(5) {
		c.Satisfaction = append(c.Satisfaction, crm.Satisfaction{ID: fmt.Sprintf("sf%d", j), At: genTime(r),
			Score: 60 + r.IntN(41), Comment: "响应及时，方案专业"})
	}
	for j := range 3 + r.IntN(4) {
		c.StageHistory = append(c.StageHistory, crm.StageChange{From: genStages[j], To: genStages[j+1], At: genTime(r), By: owner})
	}
	c.TierHistory = []crm.TierChange{{To: c.ValueTier, At: created, By: owner}}
	c.Recompute()
	return c
}
