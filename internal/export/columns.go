// Package export is the customer export: the customers a saved segment, a
// query line and a search select, as a spreadsheet with the columns a user
// picked from a fixed catalog, one row per customer. Service validates an
// export's parameters (ParseRequest) and writes the file page by page
// through crm.Service lists (Start, then Run.Stream); the HTTP edge
// (server/export.go) only authenticates, sets the headers and translates
// errors.
//
// The files are CSV (UTF-8 with a BOM, so Excel opens Chinese text
// correctly) and XLSX. Nothing is written but to the io.Writer given (the
// XLSX writer's library spills rows above 16 MiB to a temporary file, so
// memory stays flat).
//
// Every row is crm.VisibleCustomer for the exporting actor: contact details
// and the contact details inside free text (notes, interaction summaries,
// deal products) are masked exactly as the API masks them.
//
// The round trip. An export of every column (Keys) imports back
// (internal/importer) into an empty database as the same customers, and
// importing it again changes nothing. It carries the fields, tags and every
// contact (全部联系人), and, in the history columns 跟进记录 and 交易记录 (one
// cell per customer, cells.HistoryFormat, oldest first), every interaction
// (its time to the millisecond, channel and summary) and deal (date,
// product, amount to the fen), from which Kehu computes the same figures:
// interaction count, first and last interaction, deal count, total amount,
// first and last deal. The figure columns themselves are not imported. Not
// carried: an interaction's participants, contacts, feedback, result, next
// action, key event and duration; a deal's note; needs, satisfaction
// surveys, service requests and tasks, and so the figures computed from
// them (未结需求, 投诉次数, 平均满意度 ...); who created what, and when. A
// text masked for the exporter imports masked. The figures hold while:
//   - a history fits in a cell: at most cells.MaxCellChars (32,767, Excel's
//     limit; CSV alike, for Excel opens it) characters, or the newest
//     entries that fit after a line 【省略较早的 N 条】 (the import counts
//     only those);
//   - records differ: two interactions at the same time with the same
//     summary, or two deals on the same date with the same product and
//     amount, are imported once;
//   - the import runs in the export's time zone (times are written in it,
//     without an offset).
package export

import (
	"slices"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/crm"
)

// Lang is the language of the header row and of enum values.
type Lang string

const (
	ZhCN Lang = "zh-CN" // the default
	En   Lang = "en"
)

// ParseLang reads a language parameter: empty is zh-CN; zh, zh-CN, zh-Hans
// and en, en-US, ... in any case. Errors: BAD_USER_INPUT on field "lang".
func ParseLang(s string) (Lang, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch {
	case t == "", t == "zh", t == "zh-cn", t == "zh_cn", t == "zh-hans", t == "zh-hans-cn":
		return ZhCN, nil
	case t == "en", strings.HasPrefix(t, "en-"), strings.HasPrefix(t, "en_"):
		return En, nil
	}
	return "", badInput("lang", `must be "zh-CN" or "en"`)
}

// Kind is how a column's values are written: text, or a number, an amount
// of money, a time or a date, which XLSX stores as numbers with a format.
type Kind uint8

const (
	Text  Kind = iota
	Int        // a count
	Money      // yuan with two decimals
	Float      // a score, two decimals at most
	Time       // an instant, shown in the configured time zone to the second
	Date       // a calendar date (stored as midnight UTC)
)

// Column is one entry of the catalog.
type Column struct {
	Key   string // stable key used in the columns parameter
	Zh    string // header in Chinese (the browser app's label)
	En    string // header in English
	Kind  Kind
	Full  bool    // needs the contacts and notes, not a lean list row (ListQuery.WithContacts)
	Width float64 // XLSX column width, in characters
	// Records: needs the whole document, with its interactions and deals
	// (ListQuery.Full): the history columns.
	Records bool

	get func(r *rowCtx) Value
}

// Header returns the column's header in lang.
func (c Column) Header(l Lang) string {
	if l == En {
		return c.En
	}
	return c.Zh
}

// Value is one cell. Null cells are empty.
type Value struct {
	Null bool
	S    string    // Text
	N    int64     // Int, Money (fen)
	F    float64   // Float
	T    time.Time // Time (in the export's zone, whole seconds), Date (midnight UTC)
}

func text(s string) Value { return Value{S: s, Null: s == ""} }

func instant(t time.Time, loc *time.Location) Value {
	if t.IsZero() {
		return Value{Null: true}
	}
	return Value{T: t.In(loc).Truncate(time.Second)}
}

func date(t time.Time) Value {
	if t.IsZero() {
		return Value{Null: true}
	}
	return Value{T: t.UTC()}
}

func optDate(t *time.Time) Value {
	if t == nil {
		return Value{Null: true}
	}
	return date(*t)
}

// rowCtx is one customer being written (as the actor may see it:
// crm.VisibleCustomer), with what its cells need.
type rowCtx struct {
	c   *crm.Customer
	opt *Options
}

func (r *rowCtx) visibleContacts() []crm.Contact { return r.c.Contacts }

// primary is the primary contact, or the first one; nil without contacts.
func (r *rowCtx) primary() *crm.Contact {
	cs := r.visibleContacts()
	for i := range cs {
		if cs[i].Primary {
			return &cs[i]
		}
	}
	if len(cs) > 0 {
		return &cs[0]
	}
	return nil
}

func (r *rowCtx) primaryField(f func(*crm.Contact) string) Value {
	if p := r.primary(); p != nil {
		return text(f(p))
	}
	return Value{Null: true}
}

func (r *rowCtx) userName(id string) string {
	if id == "" {
		return ""
	}
	if r.opt.UserName != nil {
		if n := r.opt.UserName(id); n != "" {
			return n
		}
	}
	return id
}

func (r *rowCtx) enum(labels map[string]label, v string) Value {
	if v == "" {
		return Value{Null: true}
	}
	l, ok := labels[v]
	if !ok {
		return text(v)
	}
	if r.opt.Lang == En {
		return text(l.En)
	}
	return text(l.Zh)
}

// catalog is every exportable column, in the order of the customer page:
// the account, classification, owner, contacts, then the figures. Headers
// are the browser app's labels (frontend/src/i18n/messages.ts).
var catalog = []Column{
	{Key: "code", Zh: "客户编号", En: "Code", Width: 14,
		get: func(r *rowCtx) Value { return text(r.c.Code) }},
	{Key: "name", Zh: "客户名称", En: "Company name", Width: 32,
		get: func(r *rowCtx) Value { return text(r.c.Name) }},
	{Key: "creditCode", Zh: "统一社会信用代码", En: "Unified social credit code", Width: 22,
		get: func(r *rowCtx) Value { return text(r.c.CreditCode) }},
	{Key: "industry", Zh: "所属行业", En: "Industry", Width: 16,
		get: func(r *rowCtx) Value { return text(r.c.Industry) }},
	{Key: "employeeBand", Zh: "员工规模", En: "Employees", Width: 12,
		get: func(r *rowCtx) Value { return text(r.c.Size.Employees) }},
	{Key: "revenueBand", Zh: "年营收", En: "Annual revenue", Width: 14,
		get: func(r *rowCtx) Value { return text(r.c.Size.Revenue) }},
	{Key: "province", Zh: "省份", En: "Province", Width: 10,
		get: func(r *rowCtx) Value { return text(r.c.Region.Province) }},
	{Key: "city", Zh: "城市", En: "City", Width: 10,
		get: func(r *rowCtx) Value { return text(r.c.Region.City) }},
	{Key: "address", Zh: "公司地址", En: "Company address", Width: 32,
		get: func(r *rowCtx) Value { return text(r.c.Address) }},
	{Key: "website", Zh: "企业官网", En: "Website", Width: 26,
		get: func(r *rowCtx) Value { return text(r.c.Website) }},
	{Key: "foundedOn", Zh: "成立日期", En: "Founded", Kind: Date, Width: 12,
		get: func(r *rowCtx) Value { return optDate(r.c.FoundedOn) }},
	{Key: "mainBusiness", Zh: "主营业务", En: "Main business", Width: 24,
		get: func(r *rowCtx) Value { return text(r.c.MainBusiness) }},
	{Key: "source", Zh: "客户来源", En: "Source", Width: 12,
		get: func(r *rowCtx) Value { return text(r.c.Source) }},
	{Key: "type", Zh: "客户类型", En: "Customer type", Width: 10,
		get: func(r *rowCtx) Value { return r.enum(customerTypeLabels, string(r.c.Type)) }},
	{Key: "stage", Zh: "客户阶段", En: "Stage", Width: 12,
		get: func(r *rowCtx) Value { return r.enum(stageLabels, string(r.c.Stage)) }},
	{Key: "valueTier", Zh: "价值分级", En: "Value tier", Width: 13,
		get: func(r *rowCtx) Value { return r.enum(valueTierLabels, string(r.c.ValueTier)) }},
	{Key: "lifecycle", Zh: "生命周期", En: "Lifecycle", Width: 11,
		get: func(r *rowCtx) Value { return r.enum(crm.LifecycleLabels, string(r.c.Lifecycle)) }},
	{Key: "cadenceDays", Zh: "跟进周期(天)", En: "Cadence (days)", Kind: Int, Width: 12,
		get: func(r *rowCtx) Value {
			if r.c.CadenceDays <= 0 {
				return Value{Null: true}
			}
			return Value{N: int64(r.c.CadenceDays)}
		}},
	{Key: "intentGrade", Zh: "意向等级", En: "Intent grade", Width: 12,
		get: func(r *rowCtx) Value { return r.enum(intentGradeLabels, string(r.c.IntentGrade)) }},
	{Key: "needType", Zh: "需求类型", En: "Need type", Width: 12,
		get: func(r *rowCtx) Value { return r.enum(needTypeLabels, string(r.c.NeedType)) }},
	{Key: "tags", Zh: "标签", En: "Tags", Width: 24,
		get: func(r *rowCtx) Value { return text(strings.Join(r.c.Tags, ",")) }},
	{Key: "owner", Zh: "负责人", En: "Owner", Width: 12,
		get: func(r *rowCtx) Value { return text(r.userName(r.c.OwnerID)) }},
	{Key: "collaborators", Zh: "协作人", En: "Collaborators", Width: 20,
		get: func(r *rowCtx) Value {
			names := make([]string, len(r.c.Collaborators))
			for i, id := range r.c.Collaborators {
				names[i] = r.userName(id)
			}
			return text(strings.Join(names, ","))
		}},
	{Key: "commPreference", Zh: "沟通偏好", En: "Communication preference", Width: 20,
		get: func(r *rowCtx) Value { return text(r.c.CommPreference) }},
	{Key: "primaryContact", Zh: "主要联系人", En: "Primary contact", Full: true, Width: 12,
		get: func(r *rowCtx) Value { return r.primaryField(func(c *crm.Contact) string { return c.Name }) }},
	{Key: "primaryContactTitle", Zh: "联系人职位", En: "Contact title", Full: true, Width: 14,
		get: func(r *rowCtx) Value { return r.primaryField(func(c *crm.Contact) string { return c.Title }) }},
	{Key: "primaryContactPhone", Zh: "联系人电话", En: "Contact phone", Full: true, Width: 16,
		get: func(r *rowCtx) Value { return r.primaryField(func(c *crm.Contact) string { return c.Phone }) }},
	{Key: "primaryContactEmail", Zh: "联系人邮箱", En: "Contact e-mail", Full: true, Width: 26,
		get: func(r *rowCtx) Value { return r.primaryField(func(c *crm.Contact) string { return c.Email }) }},
	{Key: "primaryContactWechat", Zh: "联系人微信", En: "Contact WeChat", Full: true, Width: 16,
		get: func(r *rowCtx) Value { return r.primaryField(func(c *crm.Contact) string { return c.WeChat }) }},
	{Key: "primaryContactRole", Zh: "联系人决策角色", En: "Contact role", Full: true, Width: 14,
		get: func(r *rowCtx) Value {
			if p := r.primary(); p != nil {
				return r.enum(contactRoleLabels, string(p.Role))
			}
			return Value{Null: true}
		}},
	{Key: "contacts", Zh: "全部联系人", En: "All contacts", Full: true, Width: 48,
		get: func(r *rowCtx) Value {
			var b strings.Builder
			for i, ct := range r.visibleContacts() {
				if i > 0 {
					b.WriteString("; ")
				}
				b.WriteString(ct.Name)
				if ct.Title != "" {
					b.WriteString(" (" + ct.Title + ")")
				}
				for _, s := range []string{ct.Phone, ct.Email, ct.WeChat} {
					if s != "" {
						b.WriteString(" " + s)
					}
				}
			}
			return text(b.String())
		}},
	{Key: "notes", Zh: "备注", En: "Notes", Full: true, Width: 32,
		get: func(r *rowCtx) Value { return text(r.c.Notes) }},
	{Key: "createdAt", Zh: "建档时间", En: "Created", Kind: Time, Width: 19,
		get: func(r *rowCtx) Value { return instant(r.c.CreatedAt, r.opt.loc()) }},
	{Key: "updatedAt", Zh: "更新时间", En: "Updated", Kind: Time, Width: 19,
		get: func(r *rowCtx) Value { return instant(r.c.UpdatedAt, r.opt.loc()) }},
	{Key: "archivedAt", Zh: "归档时间", En: "Archived", Kind: Time, Width: 19,
		get: func(r *rowCtx) Value {
			if r.c.ArchivedAt == nil {
				return Value{Null: true}
			}
			return instant(*r.c.ArchivedAt, r.opt.loc())
		}},
	{Key: "interactionCount", Zh: "互动次数", En: "Interactions", Kind: Int, Width: 10,
		get: func(r *rowCtx) Value { return Value{N: int64(r.c.Stats.InteractionCount)} }},
	{Key: "firstInteractionAt", Zh: "首次互动", En: "First contact", Kind: Time, Width: 19,
		get: func(r *rowCtx) Value { return instant(r.c.Stats.FirstInteractionAt, r.opt.loc()) }},
	{Key: "lastInteractionAt", Zh: "最近联系", En: "Last contact", Kind: Time, Width: 19,
		get: func(r *rowCtx) Value { return instant(r.c.Stats.LastInteractionAt, r.opt.loc()) }},
	{Key: "nextFollowUpAt", Zh: "下次跟进", En: "Next follow-up", Kind: Time, Width: 19,
		get: func(r *rowCtx) Value { return instant(r.c.Stats.NextFollowUpAt, r.opt.loc()) }},
	{Key: "dealCount", Zh: "成交次数", En: "Deals", Kind: Int, Width: 10,
		get: func(r *rowCtx) Value { return Value{N: int64(r.c.Stats.DealCount)} }},
	{Key: "totalAmount", Zh: "累计金额(元)", En: "Total amount (CNY)", Kind: Money, Width: 16,
		get: func(r *rowCtx) Value { return Value{N: int64(r.c.Stats.TotalAmount)} }},
	{Key: "firstDealOn", Zh: "首次成交", En: "First deal", Kind: Date, Width: 12,
		get: func(r *rowCtx) Value { return date(r.c.Stats.FirstDealOn) }},
	{Key: "lastDealOn", Zh: "最近成交", En: "Last deal", Kind: Date, Width: 12,
		get: func(r *rowCtx) Value { return date(r.c.Stats.LastDealOn) }},
	{Key: "openNeedCount", Zh: "未结需求", En: "Open needs", Kind: Int, Width: 10,
		get: func(r *rowCtx) Value { return Value{N: int64(r.c.Stats.OpenNeedCount)} }},
	{Key: "complaintCount", Zh: "投诉次数", En: "Complaints", Kind: Int, Width: 10,
		get: func(r *rowCtx) Value { return Value{N: int64(r.c.Stats.ComplaintCount)} }},
	{Key: "lastComplaintAt", Zh: "最近投诉", En: "Last complaint", Kind: Time, Width: 19,
		get: func(r *rowCtx) Value { return instant(r.c.Stats.LastComplaintAt, r.opt.loc()) }},
	{Key: "satisfactionCount", Zh: "调研次数", En: "Surveys", Kind: Int, Width: 10,
		get: func(r *rowCtx) Value { return Value{N: int64(r.c.Stats.SatisfactionCount)} }},
	{Key: "avgSatisfaction", Zh: "平均满意度", En: "Avg. satisfaction", Kind: Float, Width: 12,
		get: func(r *rowCtx) Value {
			if r.c.Stats.SatisfactionCount == 0 {
				return Value{Null: true}
			}
			return Value{F: round2(r.c.Stats.AvgSatisfaction)}
		}},
	{Key: "interactions", Zh: "跟进记录", En: "Interaction history", Records: true, Width: 60,
		get: func(r *rowCtx) Value {
			list := slices.SortedStableFunc(slices.Values(r.c.Interactions), func(a, b crm.Interaction) int { return a.At.Compare(b.At) })
			entries := make([]string, len(list))
			for i, x := range list {
				entries[i] = r.history().Interaction(cells.Interaction{At: x.At, Channel: x.Channel, Summary: x.Summary})
			}
			return r.historyCell(entries)
		}},
	{Key: "deals", Zh: "交易记录", En: "Deal history", Records: true, Width: 40,
		get: func(r *rowCtx) Value {
			list := slices.SortedStableFunc(slices.Values(r.c.Deals), func(a, b crm.Deal) int { return a.Date.Compare(b.Date) })
			entries := make([]string, len(list))
			for i, d := range list {
				entries[i] = r.history().Deal(cells.Deal{Date: d.Date, Product: d.Product, Amount: d.Amount})
			}
			return r.historyCell(entries)
		}},
}

// history is the form of the history cells (cells.HistoryFormat): times
// in the export's zone, the brackets' labels in its language.
func (r *rowCtx) history() cells.HistoryFormat {
	return cells.HistoryFormat{Loc: r.opt.loc(), English: r.opt.Lang == En}
}

// historyCell joins a history's entries, oldest first, into one cell of
// at most cells.MaxCellChars characters: when they do not fit, the newest
// that do, after a line saying how many earlier ones are left out.
func (r *rowCtx) historyCell(entries []string) Value {
	cell, _ := r.history().Cell(entries, cells.MaxCellChars)
	return text(cell)
}

// defaultKeys are the columns of an export that names none: what the
// worksheets in the seeds keep for every customer (the latest contact and
// the figures, not the history columns, which need whole documents).
var defaultKeys = []string{"code", "name", "industry", "province", "city", "source", "type", "stage",
	"valueTier", "intentGrade", "owner", "tags", "primaryContact", "primaryContactPhone",
	"lastInteractionAt", "interactionCount", "dealCount", "totalAmount", "lastDealOn", "avgSatisfaction"}

var byKey = func() map[string]int {
	m := make(map[string]int, len(catalog))
	for i, c := range catalog {
		m[strings.ToLower(c.Key)] = i
	}
	return m
}()

// Catalog returns every column, in catalog order.
func Catalog() []Column { return append([]Column(nil), catalog...) }

// Keys returns every column key, in catalog order.
func Keys() []string {
	keys := make([]string, len(catalog))
	for i, c := range catalog {
		keys[i] = c.Key
	}
	return keys
}

// DefaultKeys returns the keys of the default columns.
func DefaultKeys() []string { return append([]string(nil), defaultKeys...) }

// Lookup finds a column by key (ignoring ASCII case).
func Lookup(key string) (Column, bool) {
	i, ok := byKey[strings.ToLower(key)]
	if !ok {
		return Column{}, false
	}
	return catalog[i], true
}

// MaxColumnsParam bounds the length of the columns parameter.
const MaxColumnsParam = 4000

// ParseColumns reads the columns parameter: comma-separated keys (spaces
// around them ignored, case ignored), in the order wanted. Empty is the
// default set. Errors: BAD_USER_INPUT on field "columns" naming an unknown
// or repeated key.
func ParseColumns(s string) ([]Column, error) {
	if len(s) > MaxColumnsParam {
		return nil, badInput("columns", "is too long")
	}
	if strings.TrimSpace(s) == "" {
		cols := make([]Column, len(defaultKeys))
		for i, k := range defaultKeys {
			cols[i], _ = Lookup(k)
		}
		return cols, nil
	}
	var cols []Column
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		k := strings.TrimSpace(part)
		if k == "" {
			return nil, badInput("columns", "has an empty column name; separate keys with single commas")
		}
		c, ok := Lookup(k)
		if !ok {
			return nil, badInput("columns", "unknown column %s; the columns are %s", quoteShort(k), strings.Join(Keys(), ", "))
		}
		if seen[c.Key] {
			return nil, badInput("columns", "column %s is listed twice", c.Key)
		}
		seen[c.Key] = true
		cols = append(cols, c)
	}
	return cols, nil
}

// NeedsFull reports whether any of cols needs the contacts and notes.
func NeedsFull(cols []Column) bool {
	return slices.ContainsFunc(cols, func(c Column) bool { return c.Full || c.Records })
}

// NeedsRecords reports whether any of cols needs whole documents, records
// and all.
func NeedsRecords(cols []Column) bool {
	return slices.ContainsFunc(cols, func(c Column) bool { return c.Records })
}

// quoteShort quotes a user-given key for an error message, cut to 40 runes.
func quoteShort(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return `"` + strings.ToValidUTF8(s, "\uFFFD") + `"`
}

func badInput(field, format string, args ...any) error {
	p := crm.NewProblems()
	p.Add(field, format, args...)
	return p.Err()
}
