package columns

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/kehu-crm/kehu/internal/cells"
)

// Kind is how the importer reads the cells of a target: which reader of
// package cells (or crm check) it takes.
type Kind uint8

const (
	Text       Kind = iota // free text, trimmed, through crm's checks
	Code                   // the customer code (C202405001), a key to update by
	CreditCode             // crm.CreditCodeKey
	Int                    // a whole number (30, 30天)
	Float                  // a decimal number (4.5)
	Money                  // cells.Money with the column's Unit
	Date                   // cells.Date
	Time                   // cells.DateTime
	Enum                   // Target.Vocabulary.Read
	Tags                   // cells.Tags
	Phone                  // cells.Phone
	Email                  // crm.ValidEmail
	WeChat                 // a WeChat ID (crm's check: no spaces)
	Website                // crm.ValidWebsite
	User                   // one user, by name or e-mail
	Users                  // several users, split like tags
	Region                 // SplitRegion: "广东省深圳市" gives the province and the city
	NameTitle              // SplitNameTitle: "张三(总经理)" gives a contact's name and title
	History                // cells.History: interactions and deals, one per entry
	Contacts               // the export's 全部联系人: "name (title) phone e-mail; ..." (cells.Contacts)
)

var kindNames = [...]string{"text", "code", "creditCode", "int", "float", "money", "date", "time", "enum", "tags",
	"phone", "email", "wechat", "website", "user", "users", "region", "nameTitle", "history", "contacts"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind" + strconv.Itoa(int(k))
}

// Group is what a target belongs to.
type Group uint8

const (
	Customer Group = iota // a field of the customer account
	Contact               // a field of a contact: a row's contact (Column.Contact says which)
	Figure                // a figure Kehu computes (counts, totals, dates): the importer checks it or records it
	Record                // records of the customer: a history cell's interactions or deals
)

var groupNames = [...]string{"customer", "contact", "figure", "record"}

func (g Group) String() string {
	if int(g) < len(groupNames) {
		return groupNames[g]
	}
	return "group"
}

// Target is a field an import can write. Keys are stable (saved mappings
// and the API use them) and, for the columns the export writes, the
// export's column keys, but for contact fields: the export writes the
// primary contact (primaryContact ...), an import a row's contact
// (contactName ...).
type Target struct {
	Key   string
	Zh    string // the Chinese name, as the export's header where it has one
	En    string // the English name, as the export's English header where it has one
	Group Group
	Kind  Kind
	// Vocabulary reads an Enum target's cells.
	Vocabulary *cells.Vocabulary
	// Many: several columns may map to the target (标签 and 客户标签; 手机 and
	// 座机, though a contact keeps one phone: which one is the importer's
	// choice). Any other target takes one column (per contact, for
	// contact fields).
	Many bool
	// Synonyms are further headers that name the target (Zh and En
	// match too); a header matches after FoldHeader.
	Synonyms []string
	// covers are the targets a column of this one also writes (a 区域
	// column gives the province and the city).
	covers []string
	// looks, when set, tells whether a cell looks like a value of a
	// free-text target (an employee band: 100-500人).
	looks func(string) bool
}

// Writes returns the keys a column of t writes: its own, or those it splits
// into (region: province and city).
func (t Target) Writes() []string {
	if len(t.covers) > 0 {
		return append([]string(nil), t.covers...)
	}
	return []string{t.Key}
}

var (
	employeeBandRe = regexp.MustCompile(`^(?:\d+ ?(?:[-~至到] ?\d+)?\+? ?(?:人|名)?(?:以上|以下|左右)?|(?:少于|多于|超过|不足)?\d+ ?(?:人|名)(?:以上|以下|左右)?)$`)
)

// looksEmployees is an employee band: 100-500人, 50人以下, 1000+.
func looksEmployees(s string) bool { return employeeBandRe.MatchString(cells.Fold(s)) }

// looksRevenue is a revenue band: 1000万-5000万, 1亿以上, 500万元.
func looksRevenue(s string) bool {
	t := cells.Fold(s)
	return strings.ContainsAny(t, "万亿元¥") && strings.ContainsAny(t, "0123456789")
}

// catalog is every target, in the export's order (the account,
// classification, owner, contacts, figures), then what only an import has.
var catalog = []Target{
	{Key: "code", Zh: "客户编号", En: "Code", Kind: Code,
		Synonyms: []string{"编号", "客户代码", "客户号", "客户ID", "Customer code", "Customer ID", "Customer No", "Customer number"}},
	{Key: "name", Zh: "客户名称", En: "Company name", Kind: Text,
		Synonyms: []string{"公司名称", "企业名称", "单位名称", "客户全称", "公司全称", "企业全称", "单位全称", "公司名", "企业名", "客户",
			"公司", "企业", "单位", "客户公司", "Company", "Customer", "Customer name", "Account", "Account name", "Organization"}},
	{Key: "creditCode", Zh: "统一社会信用代码", En: "Unified social credit code", Kind: CreditCode,
		Synonyms: []string{"信用代码", "社会信用代码", "统一信用代码", "统一代码", "税号", "纳税人识别号", "纳税识别号", "企业税号",
			"Credit code", "Social credit code", "USCC", "Tax ID", "Tax number"}},
	{Key: "industry", Zh: "所属行业", En: "Industry", Kind: Text,
		Synonyms: []string{"行业", "行业类型", "行业分类", "所在行业", "客户行业", "行业类别", "Sector"}},
	{Key: "employeeBand", Zh: "员工规模", En: "Employees", Kind: Text, looks: looksEmployees,
		Synonyms: []string{"企业规模", "公司规模", "人员规模", "员工人数", "人数规模", "企业人数", "公司人数", "员工数",
			"Company size", "Employee count", "Headcount", "Number of employees"}},
	{Key: "revenueBand", Zh: "年营收", En: "Annual revenue", Kind: Text, looks: looksRevenue,
		Synonyms: []string{"年营业额", "营业收入", "年收入", "营收", "年销售额", "营收规模", "年营业收入", "Revenue", "Turnover"}},
	{Key: "province", Zh: "省份", En: "Province", Kind: Text,
		Synonyms: []string{"省", "所在省份", "所属省份", "省份名称", "State"}},
	{Key: "city", Zh: "城市", En: "City", Kind: Text,
		Synonyms: []string{"市", "所在城市", "所属城市", "城市名称"}},
	{Key: "address", Zh: "公司地址", En: "Company address", Kind: Text,
		Synonyms: []string{"地址", "企业地址", "单位地址", "详细地址", "办公地址", "注册地址", "通讯地址", "联系地址", "经营地址", "Address"}},
	{Key: "website", Zh: "企业官网", En: "Website", Kind: Website,
		Synonyms: []string{"官网", "公司官网", "网址", "网站", "公司网站", "企业网站", "公司网址", "主页", "Web", "URL", "Homepage", "Web site"}},
	{Key: "foundedOn", Zh: "成立日期", En: "Founded", Kind: Date,
		Synonyms: []string{"成立时间", "注册日期", "注册时间", "创立日期", "成立年月", "Founded on", "Date founded", "Founding date"}},
	{Key: "mainBusiness", Zh: "主营业务", En: "Main business", Kind: Text,
		Synonyms: []string{"主营产品", "主营", "经营范围", "主要业务", "Business scope"}},
	{Key: "source", Zh: "客户来源", En: "Source", Kind: Text,
		Synonyms: []string{"来源", "获客渠道", "来源渠道", "渠道来源", "信息来源", "线索来源", "客户渠道", "Lead source", "Customer source"}},
	{Key: "type", Zh: "客户类型", En: "Customer type", Kind: Enum, Vocabulary: cells.CustomerTypes,
		Synonyms: []string{"客户类别", "客户性质"}},
	{Key: "stage", Zh: "客户阶段", En: "Stage", Kind: Enum, Vocabulary: cells.Stages,
		Synonyms: []string{"当前阶段", "销售阶段", "跟进阶段", "商机阶段", "Sales stage", "Pipeline stage", "Customer stage"}},
	{Key: "valueTier", Zh: "价值分级", En: "Value tier", Kind: Enum, Vocabulary: cells.ValueTiers,
		Synonyms: []string{"关系等级", "客户分级", "客户等级", "价值等级", "客户级别", "客户价值", "价值级别", "分级", "ABC分类", "ABC分级",
			"Tier", "Customer tier", "Customer grade"}},
	{Key: "lifecycle", Zh: "生命周期", En: "Lifecycle", Kind: Enum, Vocabulary: cells.Lifecycles,
		Synonyms: []string{"生命周期阶段", "合作阶段", "客户生命周期", "Lifecycle stage"}},
	{Key: "cadenceDays", Zh: "跟进周期(天)", En: "Cadence (days)", Kind: Int,
		Synonyms: []string{"跟进周期", "回访周期", "跟进间隔", "回访间隔", "跟进周期天数", "Cadence", "Follow-up cadence"}},
	{Key: "intentGrade", Zh: "意向等级", En: "Intent grade", Kind: Enum, Vocabulary: cells.IntentGrades,
		Synonyms: []string{"意向度", "意向程度", "客户意向", "意向", "意向级别", "购买意向", "Intent", "Intent level"}},
	{Key: "needType", Zh: "需求类型", En: "Need type", Kind: Enum, Vocabulary: cells.NeedTypes,
		Synonyms: []string{"需求分类", "需求类别", "客户需求类型"}},
	{Key: "tags", Zh: "标签", En: "Tags", Kind: Tags, Many: true,
		Synonyms: []string{"客户标签", "标记", "Tag", "Labels", "Label"}},
	{Key: "owner", Zh: "负责人", En: "Owner", Kind: User,
		Synonyms: []string{"销售负责人", "跟进人", "业务员", "客户经理", "销售", "销售代表", "销售人员", "销售员", "归属人", "所属销售",
			"责任人", "跟进负责人", "客户负责人", "对接销售", "Sales rep", "Salesperson", "Account manager", "Account owner"}},
	{Key: "collaborators", Zh: "协作人", En: "Collaborators", Kind: Users, Many: true,
		Synonyms: []string{"协作人员", "协同人", "协助人", "Collaborator"}},
	{Key: "commPreference", Zh: "沟通偏好", En: "Communication preference", Kind: Text,
		Synonyms: []string{"沟通习惯", "联系偏好", "沟通方式偏好"}},

	{Key: "contactName", Zh: "联系人", En: "Contact", Group: Contact, Kind: Text,
		Synonyms: []string{"主要联系人", "姓名", "联系人姓名", "联系人名称", "对接人", "关键联系人", "客户联系人", "关键对接人", "Primary contact",
			"Contact name", "Contact person"}},
	{Key: "contactTitle", Zh: "联系人职位", En: "Contact title", Group: Contact, Kind: Text,
		Synonyms: []string{"职位", "职务", "岗位", "头衔", "联系人职务", "联系人岗位", "Title", "Job title", "Position"}},
	{Key: "contactPhone", Zh: "联系人电话", En: "Contact phone", Group: Contact, Kind: Phone, Many: true,
		Synonyms: []string{"联系方式", "手机", "手机号", "手机号码", "电话", "电话号码", "联系电话", "移动电话", "座机", "固定电话", "办公电话",
			"联系人手机", "联系人手机号", "联系人联系方式", "Phone", "Mobile", "Tel", "Telephone", "Cell", "Phone number", "Mobile phone"}},
	{Key: "contactEmail", Zh: "联系人邮箱", En: "Contact e-mail", Group: Contact, Kind: Email,
		Synonyms: []string{"邮箱", "电子邮箱", "电子邮件", "邮件", "邮箱地址", "电子邮件地址", "E-mail", "Mail", "E-mail address"}},
	{Key: "contactWechat", Zh: "联系人微信", En: "Contact WeChat", Group: Contact, Kind: WeChat,
		Synonyms: []string{"微信", "微信号", "微信账号", "微信ID", "WeChat", "WeChat ID"}},
	{Key: "contactRole", Zh: "联系人决策角色", En: "Contact role", Group: Contact, Kind: Enum, Vocabulary: cells.ContactRoles,
		Synonyms: []string{"决策角色", "角色", "联系人角色", "决策链角色", "Role", "Decision role"}},
	{Key: "contactNameTitle", Zh: "联系人(职位)", En: "Contact (title)", Group: Contact, Kind: NameTitle,
		covers:   []string{"contactName", "contactTitle"},
		Synonyms: []string{"联系人(职务)", "姓名(职位)", "姓名(职务)", "联系人及职位", "联系人/职位"}},
	{Key: "contacts", Zh: "全部联系人", En: "All contacts", Group: Contact, Kind: Contacts,
		Synonyms: []string{"所有联系人", "联系人列表"}},
	{Key: "notes", Zh: "备注", En: "Notes", Kind: Text, Many: true,
		Synonyms: []string{"说明", "备注信息", "备注说明", "附注", "其他", "其它", "Note", "Remarks", "Remark", "Comments", "Comment"}},

	{Key: "createdAt", Zh: "建档时间", En: "Created", Group: Figure, Kind: Time,
		Synonyms: []string{"建档日期", "创建时间", "创建日期", "录入时间", "录入日期", "Created at"}},
	{Key: "updatedAt", Zh: "更新时间", En: "Updated", Group: Figure, Kind: Time,
		Synonyms: []string{"最后更新时间", "更新日期", "修改时间", "最后修改时间", "Updated at"}},
	{Key: "archivedAt", Zh: "归档时间", En: "Archived", Group: Figure, Kind: Time,
		Synonyms: []string{"归档日期", "Archived at"}},
	{Key: "interactionCount", Zh: "互动次数", En: "Interactions", Group: Figure, Kind: Int,
		Synonyms: []string{"跟进次数", "沟通次数", "联系次数", "Interaction count"}},
	{Key: "firstInteractionAt", Zh: "首次互动", En: "First contact", Group: Figure, Kind: Time,
		Synonyms: []string{"首次互动时间", "首次联系", "首次联系时间", "首次接触时间", "首次跟进时间", "首次沟通时间"}},
	{Key: "lastInteractionAt", Zh: "最近联系", En: "Last contact", Group: Figure, Kind: Time,
		Synonyms: []string{"最近跟进日期", "最近跟进时间", "最后跟进时间", "最后跟进日期", "最近联系时间", "最近联系日期", "最近沟通时间",
			"最近沟通日期", "上次跟进时间", "上次跟进日期", "上次联系时间", "最近互动时间", "Last follow-up", "Last contacted"}},
	{Key: "nextFollowUpAt", Zh: "下次跟进", En: "Next follow-up", Group: Figure, Kind: Time,
		Synonyms: []string{"下次跟进时间", "下次跟进日期", "下次联系时间", "下次联系日期", "下次回访时间", "Next follow-up date"}},
	{Key: "dealCount", Zh: "成交次数", En: "Deals", Group: Figure, Kind: Int,
		Synonyms: []string{"交易次数", "合作次数", "购买次数", "成交笔数", "Deal count"}},
	{Key: "totalAmount", Zh: "累计金额(元)", En: "Total amount (CNY)", Group: Figure, Kind: Money,
		Synonyms: []string{"累计金额", "累计交易金额", "累计成交金额", "交易总额", "成交总额", "累计销售额", "累计合作金额", "累计消费金额",
			"合作总金额", "交易总金额", "Total amount", "Total deals amount", "Lifetime value"}},
	{Key: "firstDealOn", Zh: "首次成交", En: "First deal", Group: Figure, Kind: Date,
		Synonyms: []string{"首次合作时间", "首次合作日期", "合作时间", "合作日期", "首次成交时间", "首次成交日期", "首次交易时间", "首次交易日期",
			"首单时间", "首单日期", "合作开始时间", "First purchase", "First deal date", "Customer since"}},
	{Key: "lastDealOn", Zh: "最近成交", En: "Last deal", Group: Figure, Kind: Date,
		Synonyms: []string{"最近交易时间", "最近交易日期", "最后交易时间", "最后交易日期", "最近成交时间", "最近成交日期", "最近购买时间",
			"最近购买日期", "最后成交时间", "最后成交日期", "最近下单时间", "Last purchase", "Last deal date"}},
	{Key: "openNeedCount", Zh: "未结需求", En: "Open needs", Group: Figure, Kind: Int,
		Synonyms: []string{"未结需求数"}},
	{Key: "complaintCount", Zh: "投诉次数", En: "Complaints", Group: Figure, Kind: Int},
	{Key: "lastComplaintAt", Zh: "最近投诉", En: "Last complaint", Group: Figure, Kind: Time,
		Synonyms: []string{"最近投诉时间", "最近投诉日期"}},
	{Key: "satisfactionCount", Zh: "调研次数", En: "Surveys", Group: Figure, Kind: Int,
		Synonyms: []string{"满意度调研次数"}},
	{Key: "avgSatisfaction", Zh: "平均满意度", En: "Avg. satisfaction", Group: Figure, Kind: Float,
		Synonyms: []string{"满意度", "满意度评分", "客户满意度", "Satisfaction", "Average satisfaction"}},

	{Key: "region", Zh: "区域", En: "Region", Kind: Region, covers: []string{"province", "city"},
		Synonyms: []string{"地区", "所在地", "所在地区", "所在区域", "省市", "省/市", "所在省市", "省市区", "Location", "Area"}},
	{Key: "interactions", Zh: "跟进记录", En: "Interaction history", Group: Record, Kind: History, Many: true,
		Synonyms: []string{"历史记录", "互动记录", "沟通记录", "联系记录", "拜访记录", "跟进历史", "互动历史", "沟通历史", "跟进情况",
			"History", "Follow-ups", "Interactions history"}},
	{Key: "deals", Zh: "交易记录", En: "Deal history", Group: Record, Kind: History, Many: true,
		Synonyms: []string{"购买记录", "购买历史", "成交记录", "订单记录", "交易历史", "采购记录", "Purchase history", "Purchases", "Deals history"}},
}

var byKey = func() map[string]int {
	m := make(map[string]int, len(catalog))
	for i, t := range catalog {
		if _, dup := m[t.Key]; dup {
			panic("columns: target " + t.Key + " twice")
		}
		m[t.Key] = i
	}
	return m
}()

// Targets returns every target, in catalog order.
func Targets() []Target { return append([]Target(nil), catalog...) }

// Keys returns every target key, in catalog order.
func Keys() []string {
	keys := make([]string, len(catalog))
	for i, t := range catalog {
		keys[i] = t.Key
	}
	return keys
}

// Lookup finds a target by its key (exactly).
func Lookup(key string) (Target, bool) {
	i, ok := byKey[key]
	if !ok {
		return Target{}, false
	}
	return catalog[i], true
}

func target(key string) *Target {
	if i, ok := byKey[key]; ok {
		return &catalog[i]
	}
	return nil
}
