// Package quality computes the data quality report of the seeds' monthly
// 数据清洗 (seed 001: 每月核查记录完整性，删除重复信息（如同一客户多条相同跟进
// 记录），修正错误数据): a completeness score per customer, and a report over
// every active customer of what is missing, stale, unreachable, unowned,
// suspicious or repeated, each finding with the first customers concerned
// for the app to link to. It does no I/O but through the store it is handed
// (Service); Completeness, Repeats and Analyzer are pure.
//
// # Completeness
//
// A customer's score (0-100) is the weighted share of the fields the seeds
// call essential that are filled, rounded to the nearest integer. Weight 2:
// the fields of seed 001's CRM record template (三、模板表格设计), most of
// which seed 000 also lists among its 必填字段; weight 1: what the other
// seeds add to the basic information. Kehu requires a name, a customer type and a
// stage on every customer, so those (in every seed) cannot be missing and
// are not counted; nor are tags (001's template, but a label, not
// information), nor 002's founding date, website and main business (one
// seed only).
//
//	key             w  filled when                              seeds
//	industry        2  Industry                                  001 所属行业; 000 行业类型; 002; 003
//	size            2  an employee or revenue band               001 企业规模; 002 规模
//	contacts        2  a contact (a contact's name is required)  001 核心联系人 至少1-2名; all five
//	contacts.title  2  a contact with a title                    001 职位; 000; 002; 003; 004
//	contacts.reach  2  a contact with a phone, e-mail or WeChat  001 联系方式; 000 必填 联系方式; 002 电话/邮箱; 003; 004
//	needs           2  a need recorded                           001 核心需求; 000 必填 需求分析
//	interactions    2  an interaction logged                     001 跟进记录; 000 必填 互动记录
//	owner           2  an owner                                  001 销售负责人; 000 必填 责任人
//	region          1  a province or a city                      001 区域(省份/城市), not in its template; 004 地区
//	source          1  Source                                    002 标注信息来源 (001 names 客户来源 as a field one may drop)
//	contacts.role   1  a contact with a role                     001 角色, not in its template; 002 决策角色
//	creditCode      1  a credit code                             003 统一社会信用代码
//	address         1  the company address                       003 企业地址
//
// The weights add up to 21: a missing weight-2 field costs about 10
// points, a weight-1 field about 5.
//
// # Report
//
// Over every active (not archived) customer, the report counts the
// customers missing each field (most missing first), the mean score, a
// histogram of the scores in fifths, the least complete customers, and
// these findings (Kind), each with the number of customers, the number of
// records concerned (contacts, phones, repeats) and the first DrillLen
// customers by code:
//
//   - STALE: neither changed by a person (UpdatedAt: the classification
//     and follow-up passes leave it alone) nor followed up (the last
//     interaction) since six calendar months before now, in the service's
//     time zone (2026-11-20 09:30 → 2026-05-20 09:30; from a 31st, Go's
//     AddDate carries into the next month); a time at the cut-off is not
//     stale. Lost customers count too: seed 003 keeps working on them.
//   - UNREACHABLE_CONTACTS: customers with a contact who has no phone,
//     e-mail and WeChat (blank); records are those contacts. A customer
//     with no contact at all is the missing field "contacts" instead.
//   - NO_OWNER: no owner. INACTIVE_OWNER: an owner who may not own
//     customers any more (a disabled or unknown account, or an analyst):
//     for a person to give the customer to someone else.
//   - INVALID_CREDIT_CODE: a credit code failing the GB 32100 check
//     (crm.ValidCreditCode). Kehu validates codes on every write, so these
//     come from data loaded around the checks (a migration, old versions).
//   - SHARED_PHONE: a contact phone (crm.PhoneKey, so 139-1234-5678 and
//     +86 13912345678 are one) found on two or more active customers whose
//     company names differ (crm.CompanyNameKey): a mistyped number, a
//     number copied onto the wrong customer, or an agent's. Customers of
//     one name key sharing a phone are the duplicate review's (internal/
//     dedupe), not a suspicious value. Records are the phones; the phones
//     themselves are never in the report (it is read by analysts, who see
//     contact details masked).
//   - REPEATED_FOLLOW_UPS: customers with repeated identical interactions
//     (Repeats); records are the repeats, which RemoveRepeatedFollowUps
//     removes.
//
// # Repeated follow-ups
//
// An interaction repeats an earlier one (seed 001's 同一客户多条相同跟进记录:
// a form sent twice, a worksheet imported twice) when it happened less than
// a minute after it, on the same channel, with the same summary, feedback,
// result and key event, and the same next action (what and due time; ticked
// off or not), and that earlier one is itself kept. What the seeds call a
// follow-up record is its date and time, way and content (001 记录互动详情);
// who logged it, its participants, contacts and duration are not compared:
// one call logged by two people is one call. "Less than a minute" and not
// "the same minute": a form sent twice at 09:30:59 and 09:31:00 is a repeat.
// Of each group the first in time is kept.
//
// # Cost
//
// The report reads the store's read model once (CustomerStore.Each without
// Full: Partial customers with their crm.Brief and match keys) and reads
// whole, in batches, only the customers the brief leaves open: several
// contacts whose match keys do not show that each has a phone or each an
// e-mail (a brief keeps no contact details), a contact with neither, or two
// interactions on one channel less than a minute apart (a brief keeps no
// summary). On the embedded store with 50,000 demo customers (bench_test.go,
// two cores) that is 7% of them, and the report takes 2.3 s, nearly all of
// it reading those documents (0.6 ms each); reading every customer whole
// would take 28 s.
package quality

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Field keys: what Completeness reports missing, in the order of Fields.
const (
	FieldIndustry     = "industry"
	FieldSize         = "size"
	FieldContacts     = "contacts"
	FieldContactTitle = "contacts.title"
	FieldContactReach = "contacts.reach"
	FieldNeeds        = "needs"
	FieldInteractions = "interactions"
	FieldOwner        = "owner"
	FieldRegion       = "region"
	FieldSource       = "source"
	FieldContactRole  = "contacts.role"
	FieldCreditCode   = "creditCode"
	FieldAddress      = "address"
)

// Field is an essential field and its weight in the score.
type Field struct {
	Key    string
	Weight int
}

var fields = []Field{
	{FieldIndustry, 2}, {FieldSize, 2}, {FieldContacts, 2}, {FieldContactTitle, 2}, {FieldContactReach, 2},
	{FieldNeeds, 2}, {FieldInteractions, 2}, {FieldOwner, 2},
	{FieldRegion, 1}, {FieldSource, 1}, {FieldContactRole, 1}, {FieldCreditCode, 1}, {FieldAddress, 1},
}

var totalWeight = func() int {
	n := 0
	for _, f := range fields {
		n += f.Weight
	}
	return n
}()

// Fields lists the essential fields, in the order of the package
// documentation.
func Fields() []Field { return slices.Clone(fields) }

// filled is a set of fields, bit i for fields[i].
type filled uint16

func (f filled) score() int {
	w := 0
	for i, fd := range fields {
		if f&(1<<i) != 0 {
			w += fd.Weight
		}
	}
	return (200*w + totalWeight) / (2 * totalWeight) // rounded half up
}

func (f filled) missing() []string {
	var out []string
	for i, fd := range fields {
		if f&(1<<i) == 0 {
			out = append(out, fd.Key)
		}
	}
	return out
}

// bitOf is each field's bit in a filled.
var bitOf = func() map[string]filled {
	m := map[string]filled{}
	for i, fd := range fields {
		m[fd.Key] = 1 << i
	}
	return m
}()

// Completeness returns c's score (0-100) and the keys of the essential
// fields it misses, in the order of Fields (nil when none). c is a whole
// document, or a Partial customer as CustomerStore.Each and List hand it out
// (with its Brief and match keys). A Brief keeps no contact details, so on
// a Partial customer contacts.reach is seen through the match keys (a
// phone or an e-mail): one reachable by WeChat alone reads as missing it.
// The report reads such customers whole.
func Completeness(c *crm.Customer) (score int, missing []string) {
	f, _ := assess(c)
	return f.score(), f.missing()
}

// assess returns the fields c fills; exact is false when c is Partial and
// its contacts' reachability could not be told (see Completeness).
func assess(c *crm.Customer) (f filled, exact bool) {
	set := func(key string, ok bool) {
		if ok {
			f |= bitOf[key]
		}
	}
	set(FieldIndustry, strings.TrimSpace(c.Industry) != "")
	set(FieldSize, strings.TrimSpace(c.Size.Employees) != "" || strings.TrimSpace(c.Size.Revenue) != "")
	set(FieldRegion, strings.TrimSpace(c.Region.Province) != "" || strings.TrimSpace(c.Region.City) != "")
	set(FieldSource, strings.TrimSpace(c.Source) != "")
	set(FieldOwner, c.OwnerID != "")
	set(FieldCreditCode, strings.TrimSpace(c.CreditCode) != "")
	set(FieldAddress, strings.TrimSpace(c.Address) != "")
	exact = true
	switch {
	case !c.Partial || c.ContactsLoaded:
		set(FieldContacts, len(c.Contacts) > 0)
		set(FieldContactTitle, slices.ContainsFunc(c.Contacts, func(x crm.Contact) bool { return strings.TrimSpace(x.Title) != "" }))
		set(FieldContactRole, slices.ContainsFunc(c.Contacts, func(x crm.Contact) bool { return x.Role != "" }))
		set(FieldContactReach, slices.ContainsFunc(c.Contacts, reachable))
	case c.Brief != nil:
		b := c.Brief
		set(FieldContacts, len(b.Contacts) > 0)
		set(FieldContactTitle, slices.ContainsFunc(b.Contacts, func(x crm.BriefContact) bool { return strings.TrimSpace(x.Title) != "" }))
		set(FieldContactRole, slices.ContainsFunc(b.Contacts, func(x crm.BriefContact) bool { return x.Role != "" }))
		keys := len(b.Contacts) > 0 && c.Match.Current() && (len(c.Match.Phones) > 0 || len(c.Match.Emails) > 0)
		set(FieldContactReach, keys)
		exact = keys || len(b.Contacts) == 0
	default: // a Partial customer without its nested arrays: nothing to tell
		exact = false
	}
	switch {
	case !c.Partial:
		set(FieldNeeds, len(c.Needs) > 0)
		set(FieldInteractions, len(c.Interactions) > 0)
	case c.Brief != nil:
		set(FieldNeeds, len(c.Brief.Needs) > 0)
		set(FieldInteractions, len(c.Brief.Interactions) > 0)
	default:
		set(FieldInteractions, c.Stats.InteractionCount > 0)
		exact = false
	}
	return f, exact
}

// reachable reports whether a contact has a way to reach them.
func reachable(x crm.Contact) bool {
	return strings.TrimSpace(x.Phone) != "" || strings.TrimSpace(x.Email) != "" || strings.TrimSpace(x.WeChat) != ""
}

// unreachable returns how many of c's contacts have no way to reach them;
// known is false when a Partial customer does not tell. On a Partial one
// the match keys tell it when they cover every contact: each contact gives
// at most one phone key and one e-mail key, so as many distinct phone keys
// (or e-mail keys) as contacts means each contact has one.
func unreachable(c *crm.Customer) (n int, known bool) {
	if !c.Partial || c.ContactsLoaded {
		for _, x := range c.Contacts {
			if !reachable(x) {
				n++
			}
		}
		return n, true
	}
	if c.Brief == nil {
		return 0, false
	}
	k := len(c.Brief.Contacts)
	return 0, k == 0 || c.Match.Current() && (len(c.Match.Phones) >= k || len(c.Match.Emails) >= k)
}

// RepeatWithin is how soon after an interaction an identical one is a
// repeat of it.
const RepeatWithin = time.Minute

// Repeats returns, for each of xs, the index of the interaction it repeats
// (see the package documentation), or -1 for one kept: the first in time of
// each group of identical interactions (of equal times, the first in xs).
// It is the answer crm.Service.RemoveRepeatedInteractions asks for.
func Repeats(xs []crm.Interaction) []int {
	of := make([]int, len(xs))
	order := make([]int, len(xs))
	for i := range xs {
		of[i], order[i] = -1, i
	}
	slices.SortStableFunc(order, func(i, j int) int { return xs[i].At.Compare(xs[j].At) })
	for p, i := range order {
		for q := p - 1; q >= 0; q-- {
			j := order[q]
			if xs[i].At.Sub(xs[j].At) >= RepeatWithin {
				break
			}
			if of[j] < 0 && identical(&xs[j], &xs[i]) {
				of[i] = j
				break
			}
		}
	}
	return of
}

// RepeatCount returns how many of xs repeat another (Repeats).
func RepeatCount(xs []crm.Interaction) int {
	n := 0
	for _, j := range Repeats(xs) {
		if j >= 0 {
			n++
		}
	}
	return n
}

// identical reports whether y records what x records (times aside).
func identical(x, y *crm.Interaction) bool {
	if x.Channel != y.Channel || x.Summary != y.Summary || x.Feedback != y.Feedback || x.Result != y.Result ||
		x.KeyEvent != y.KeyEvent {
		return false
	}
	a, b := x.NextAction, y.NextAction
	switch {
	case a == nil || b == nil:
		return a == nil && b == nil
	case a.What != b.What:
		return false
	case a.Due == nil || b.Due == nil:
		return a.Due == nil && b.Due == nil
	}
	return a.Due.Equal(*b.Due)
}

// summary is the code of an interaction's summary among crm.InteractionTexts.
var summary = crm.InteractionTexts[slices.IndexFunc(crm.InteractionTexts, func(t crm.InteractionText) bool { return t.Name == "summary" })].Code

// mayRepeat reports whether a brief's interactions may hold a repeat: two
// on one channel, with one key event, both with or both without a summary,
// less than RepeatWithin apart. No repeat is missed; the whole document
// tells.
func mayRepeat(b *crm.Brief) bool {
	xs := b.Interactions
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	if !b.InteractionsInTimeOrder() {
		slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(xs[i].At, xs[j].At) })
	}
	within := RepeatWithin.Milliseconds()
	for p := 1; p < len(order); p++ {
		x := &xs[order[p]]
		for q := p - 1; q >= 0 && x.At-xs[order[q]].At < within; q-- {
			y := &xs[order[q]]
			if x.ChannelIndex() == y.ChannelIndex() && x.KeyEventIndex() == y.KeyEventIndex() && x.HasText(summary) == y.HasText(summary) {
				return true
			}
		}
	}
	return false
}
