package crm

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Match keys: how Kehu recognises one company typed twice (and, beside
// them, the order keys of its name and short texts: order.go). A customer's
// keys are derived from its name and its contacts' phones and e-mails on
// every write (Recompute) and kept on the document ("match"), so that the
// stores look candidates up by equality on an index (FindMatches: name and
// phones) and a scan of the read model (Each, the duplicate review) has
// them without the contacts. The credit code needs no key: it is stored
// normalised and is unique.
//
// The rules, one function each (CompanyNameKey, PhoneKey, EmailKey,
// CreditCodeKey), are shared by the duplicate check before a customer is
// created and by imports, duplicate reviews and merges. Changing a rule
// changes stored keys: raise MatchKeysVersion, and stores recompute keys of
// an older version (MatchKeys.Current).

// MatchKeysVersion is the version of the rules below.
const MatchKeysVersion = 4 // raise when a rule changes (3: Order; 4: the texts' order keys)

// MatchKeys are the normalised keys of a customer.
type MatchKeys struct {
	V      int      `bson:"v"`                // MatchKeysVersion the keys were made with
	Name   string   `bson:"name,omitempty"`   // CompanyNameKey of the name
	Phones []string `bson:"phones,omitempty"` // PhoneKey of every contact phone, distinct, in contact order
	Emails []string `bson:"emails,omitempty"` // EmailKey of every contact e-mail, distinct, in contact order
	// Order is OrderKey of the name: lists sorted by name sort on it.
	// Never omitted: a keyset condition on a missing field would skip the
	// customer.
	Order string `bson:"order"`
	// The order keys (OrderKey) of the short texts lists sort by: lists
	// sorted by industry, source, province or city sort on them. Absent
	// when the text is empty, as the text itself is (OrderField.Optional).
	IndustryOrder string `bson:"industryOrder,omitempty"`
	SourceOrder   string `bson:"sourceOrder,omitempty"`
	ProvinceOrder string `bson:"provinceOrder,omitempty"`
	CityOrder     string `bson:"cityOrder,omitempty"`
}

// Current reports whether k was made with the rules of this version.
func (k MatchKeys) Current() bool { return k.V == MatchKeysVersion }

// MatchKeysOf computes c's keys from its name, contacts, industry, source
// and region.
func MatchKeysOf(c *Customer) MatchKeys {
	k := MatchKeys{V: MatchKeysVersion, Name: CompanyNameKey(c.Name), Order: OrderKey(c.Name),
		IndustryOrder: OrderKey(c.Industry), SourceOrder: OrderKey(c.Source),
		ProvinceOrder: OrderKey(c.Region.Province), CityOrder: OrderKey(c.Region.City)}
	for _, ct := range c.Contacts {
		if p, ok := PhoneKey(ct.Phone); ok && !contains(k.Phones, p) {
			k.Phones = append(k.Phones, p)
		}
		if e, ok := EmailKey(ct.Email); ok && !contains(k.Emails, e) {
			k.Emails = append(k.Emails, e)
		}
	}
	return k
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Company names. A Chinese registered name is 行政区划 + 字号 + 行业 +
// 组织形式 (北京 + 华为 + 技术 + 有限公司). The key keeps what tells two
// companies apart and drops what is only spelling:
//
//   - width, case, spaces, punctuation and bracket kinds: NFKC folds
//     full-width letters, digits and （） to ASCII; letters are lower-cased;
//     everything but letters and digits is dropped (a bracket's content
//     stays: 华为技术（北京） = 华为技术北京).
//   - the organisational form at the end (legalForms: 有限公司, 有限责任公司,
//     股份有限公司, 集团有限公司, 集团, 公司, Co., Ltd., Inc. ...), repeatedly:
//     people type 华为技术 for 华为技术有限公司. A name that is nothing but a
//     form keeps it (有限公司 does not match every company).
//   - a bracketed (中国) / (China) before the form: 西门子（中国）有限公司 =
//     西门子有限公司.
//
// It keeps the region prefix (北京华为 ≠ 华为 ≠ 上海华为: different cities'
// registrations are separate companies, often unrelated), though not the
// 省 or 市 after it (foldDivisions), and the industry
// word (华为技术 ≠ 华为科技): dropping them would merge different companies.
// A branch (分公司, 办事处 ...) keeps its branch part and drops the parent's
// form: 华为技术有限公司北京分公司 = 华为技术北京分公司, and never equals the
// parent (a branch is a customer of its own).
func CompanyNameKey(name string) string {
	key, _ := companyName(name)
	return key
}

// LegalForm is the kind of organisation a company name ends in, as far as
// the name tells (CompanyLegalForm).
type LegalForm string

const (
	// LegalFormUnknown: the name ends in no form, or in one that tells no
	// kind (公司, 集团, 总公司, 集团公司), or in an English one (Co., Ltd.
	// renders both 有限公司 and 股份有限公司).
	LegalFormUnknown     LegalForm = ""
	LegalFormLimited     LegalForm = "LIMITED"                 // 有限公司, 有限责任公司, 集团有限公司
	LegalFormJointStock  LegalForm = "JOINT_STOCK"             // 股份有限公司, 股份公司, 集团股份公司
	LegalFormCooperative LegalForm = "JOINT_STOCK_COOPERATIVE" // 股份合作公司
	LegalFormPartnership LegalForm = "PARTNERSHIP"             // 合伙企业, 有限合伙, 普通合伙
)

// CompanyLegalForm returns the legal form at the end of a company name,
// the one CompanyNameKey drops (the outermost that tells a kind:
// 云帆数据（集团）股份有限公司 is JOINT_STOCK), or of the parent's name in a
// branch's (华为技术股份有限公司北京分公司: JOINT_STOCK). Two names with one
// key and two known, different forms are two registrations or one company
// that changed its form (an LLC becoming a joint-stock company before a
// listing): the key alone does not tell which.
func CompanyLegalForm(name string) LegalForm {
	_, form := companyName(name)
	return form
}

// companyName returns CompanyNameKey(name) and CompanyLegalForm(name).
func companyName(name string) (string, LegalForm) {
	s := strings.ToLower(norm.NFKC.String(name))
	// Letters and digits stay; brackets become ( and ); the rest separates words.
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		case strings.ContainsRune("([{【〔〖《〈<「『", r):
			b.WriteByte('(')
		case strings.ContainsRune(")]}】〕〗》〉>」』", r):
			b.WriteByte(')')
		default:
			b.WriteByte(' ')
		}
	}
	s = chinaGroup.ReplaceAllString(b.String(), " ")
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '(' || r == ')' })
	for len(words) > 1 && englishForms[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	s = strings.Join(words, "")
	if s == "" {
		return "", LegalFormUnknown
	}
	if head, branch, form, ok := splitBranch(s); ok {
		return foldDivisions(head + branch), form
	}
	s, form := stripForms(s)
	return foldDivisions(s), form
}

// foldDivisions drops the 省 or 市 of a leading province or city written in
// full (苏州市华信机械 = 苏州华信机械, 浙江省杭州市X = 浙江杭州X): a two or
// three character place followed by 省 or 市, and at least two characters
// after it. The place itself stays (see CompanyNameKey).
func foldDivisions(s string) string {
	rs := []rune(s)
	for at, folded := 0, 0; folded < 2; folded++ {
		cut := -1
		for _, n := range []int{2, 3} {
			i := at + n
			if i+2 < len(rs) && (rs[i] == '市' || rs[i] == '省') && allHan(rs[at:i]) {
				cut = i
				break
			}
		}
		if cut < 0 {
			break
		}
		rs = append(rs[:cut], rs[cut+1:]...)
		at = cut
	}
	return string(rs)
}

func allHan(rs []rune) bool {
	for _, r := range rs {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// chinaGroup is a bracketed "China" (中国, 中国区, china), which multinational
// subsidiaries put before their form.
var chinaGroup = regexp.MustCompile(`\(\s*(中国|中国区|中国大陆|china|prc)\s*\)`)

// legalForms are the organisational forms dropped from the end of a name,
// longest first (stripForms relies on the order).
var legalForms = []string{
	"股份有限责任公司", "有限责任公司", "股份有限公司", "股份合作公司", "集团有限公司", "集团股份公司",
	"有限公司", "股份公司", "集团公司", "责任公司", "有限合伙", "普通合伙", "合伙企业", "总公司",
	"公司", "集团",
}

// formKinds are the legal forms of the organisational forms that tell one
// (the others are LegalFormUnknown).
var formKinds = map[string]LegalForm{
	"股份有限责任公司": LegalFormJointStock, "有限责任公司": LegalFormLimited, "股份有限公司": LegalFormJointStock,
	"股份合作公司": LegalFormCooperative, "集团有限公司": LegalFormLimited, "集团股份公司": LegalFormJointStock,
	"有限公司": LegalFormLimited, "股份公司": LegalFormJointStock, "责任公司": LegalFormLimited,
	"有限合伙": LegalFormPartnership, "普通合伙": LegalFormPartnership, "合伙企业": LegalFormPartnership,
}

// englishForms are the same in English words (after punctuation became
// spaces: "Co., Ltd." is the words co and ltd).
var englishForms = map[string]bool{
	"co": true, "ltd": true, "limited": true, "inc": true, "incorporated": true, "corp": true,
	"corporation": true, "llc": true, "plc": true, "company": true, "group": true, "gmbh": true,
	"holdings": true,
}

// branchWords end the name of a branch.
var branchWords = []string{"分公司", "分行", "支行", "办事处", "分厂", "分店", "营业部", "分部", "分所", "分中心"}

// stripForms drops the organisational forms from the end of s, and returns
// the legal form of the outermost that tells one.
func stripForms(s string) (string, LegalForm) {
	out, kind := s, LegalFormUnknown
	for {
		cut := false
		for _, f := range legalForms {
			if strings.HasSuffix(out, f) {
				if len(out) == len(f) {
					return out, kind // a name that is only a form (有限公司) keeps it
				}
				if kind == LegalFormUnknown {
					kind = formKinds[f]
				}
				out, cut = out[:len(out)-len(f)], true
				break
			}
		}
		if !cut {
			return out, kind
		}
	}
}

// splitBranch splits the name of a branch into the key of its parent
// company and the branch part (华为技术有限公司北京分公司 → 华为技术,
// 北京分公司), with the legal form of the parent's name.
func splitBranch(s string) (head, branch string, form LegalForm, ok bool) {
	for _, w := range branchWords {
		if !strings.HasSuffix(s, w) || len(s) == len(w) {
			continue
		}
		body := s[:len(s)-len(w)]
		// The parent's form, if any, is the last one in the body.
		at, last := -1, ""
		for _, f := range legalForms {
			if i := strings.LastIndex(body, f); i > at || (i == at && i >= 0 && len(f) > len(last)) {
				at, last = i, f
			}
		}
		if at <= 0 {
			head, form := stripForms(body) // no parent form: 华为北京分公司
			return head + w, "", form, true
		}
		head, form := stripForms(body[:at+len(last)])
		return head, body[at+len(last):] + w, form, true
	}
	return "", "", LegalFormUnknown, false
}

// landlineParts splits a landline as NormalizePhone returns it into area
// code, number and extension.
var landlineParts = regexp.MustCompile(`^(0[1-9][0-9]{1,2})-?([1-9][0-9]{6,7})(?:-[0-9]{1,6})?$`)

// PhoneKey returns the key of a phone number: its digits without the
// country code (+86, 0086) and without an extension, a landline with its
// area code (010-12345678, (010) 1234 5678 and +86 10 12345678 are all
// 01012345678). ok is false when s is not a phone NormalizePhone accepts.
func PhoneKey(s string) (string, bool) {
	s = NormalizeIdentifier(s)
	compact := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '(' || r == ')' || r == '-' || unicode.Is(unicode.Pd, r) {
			return -1
		}
		return r
	}, s)
	if strings.HasPrefix(compact, "0086") {
		compact = "+86" + compact[4:]
	}
	if rest, ok := strings.CutPrefix(compact, "+86"); ok {
		// Abroad, a landline is dialled without its trunk 0.
		if !(len(rest) == 11 && rest[0] == '1') && !strings.HasPrefix(rest, "0") &&
			!strings.HasPrefix(rest, "400") && !strings.HasPrefix(rest, "800") {
			rest = "0" + rest
		}
		s = rest
	}
	n, ok := NormalizePhone(s)
	if !ok {
		return "", false
	}
	if m := landlineParts.FindStringSubmatch(n); m != nil {
		return m[1] + m[2], true
	}
	return strings.ReplaceAll(n, "-", ""), true
}

// EmailKey returns the key of an e-mail address: as stored
// (NormalizeIdentifier: NFKC, trimmed) and lower-cased, the local part too
// (mail servers may tell Wang@ from wang@, but people and this CRM's users
// do not). ok is false when s is not an address ValidEmail accepts. No
// other folding: dots and +tags in the local part are a provider's rule
// (Gmail's), not the address's.
func EmailKey(s string) (string, bool) {
	e := strings.ToLower(NormalizeIdentifier(s))
	if e == "" || !ValidEmail(e) {
		return "", false
	}
	return e, true
}

// CreditCodeKey returns a credit code as stored (NormalizeIdentifier, upper
// case, no spaces or dashes); ok is false when it is not a valid code.
func CreditCodeKey(s string) (string, bool) {
	code := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(NormalizeIdentifier(s)))
	return code, ValidCreditCode(code)
}
