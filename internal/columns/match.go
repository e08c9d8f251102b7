package columns

import (
	"strconv"
	"strings"

	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/crm"
)

// HeaderMatch is what a header alone says about its column.
type HeaderMatch struct {
	Field string // the target's key; "" when the header names none
	How   How    // ByHeader (the target's own Chinese or English name) or BySynonym; NotMapped without a Field
	// Unit is what a bare number counts in a money column: TenThousand
	// for a header with 万元 ((万元), （万）, 万元, (单位:万元)), else Yuan.
	Unit cells.Unit
	// UnitText is the unit the header names, folded ("万元"), whatever
	// the target; "" when none.
	UnitText string
	// Ordinal is the number after a name (联系人2, 电话(2)): 2; 0 when
	// none. For contact fields it says which contact of the row.
	Ordinal int
	// Candidates are the fields an ambiguous header (类型, 等级, 日期,
	// 名称), or one with a unit Kehu does not read, may mean.
	Candidates []string
	// Reason says why Field is "": ReasonUnknownHeader,
	// ReasonAmbiguousHeader, ReasonUnsupportedUnit, crm.ReasonIDNumber or
	// crm.ReasonHomeAddress (a column of personal data Kehu does not keep);
	// "" for a blank header.
	Reason crm.Reason
}

type entry struct {
	key string
	how How
}

var (
	// names are the folded names and synonyms of every target.
	names = map[string]entry{}
	// ambiguous are headers that may mean one of several targets: never
	// mapped from the header alone.
	ambiguous = map[string][]string{}
	// personal are headers of personal data the seeds forbid keeping.
	personal = map[string]crm.Reason{}
)

func init() {
	add := func(name, key string, how How) {
		f := FoldHeader(name)
		if f == "" {
			panic("columns: empty name of " + key)
		}
		if old, ok := names[f]; ok {
			if old.key != key {
				panic("columns: " + name + " names both " + old.key + " and " + key)
			}
			if old.how == ByHeader {
				return
			}
		}
		names[f] = entry{key, how}
	}
	for _, t := range catalog {
		add(t.Zh, t.Key, ByHeader)
		add(t.En, t.Key, ByHeader)
	}
	for _, t := range catalog {
		for _, s := range t.Synonyms {
			add(s, t.Key, BySynonym)
		}
	}
	dates := []string{"firstDealOn", "lastDealOn", "lastInteractionAt", "nextFollowUpAt", "foundedOn", "createdAt"}
	for words, keys := range map[string][]string{
		"名称 名字 全称 name":                    {"name", "contactName"},
		"类型 类别 type category":              {"type", "needType"},
		"客户分类 分类":                          {"type", "industry", "valueTier"},
		"等级 级别 评级 客户评级 grade level rating": {"valueTier", "intentGrade"},
		"状态 阶段 客户状态 status":                {"stage", "lifecycle"},
		"日期 时间 日期时间 date time":             dates,
		"金额 交易金额 成交金额 合作金额 销售额 amount":     {"totalAmount"},
		"规模 size scale":                    {"employeeBand", "revenueBand"},
		"渠道 channel":                       {"source", "type"},
		"联系信息 contactinfo":                 {"contactPhone", "contactEmail"},
		"记录 records":                       {"interactions", "deals"},
		"次数 count":                         {"interactionCount", "dealCount", "complaintCount"},
	} {
		for _, w := range strings.Fields(words) {
			f := FoldHeader(w)
			if _, ok := names[f]; ok {
				panic("columns: ambiguous " + w + " is a name")
			}
			ambiguous[f] = keys
		}
	}
	for words, r := range map[string]crm.Reason{
		"身份证 身份证号 身份证号码 证件号 证件号码 身份证件号码 公民身份号码 idnumber idcard idcardnumber": crm.ReasonIDNumber,
		"家庭住址 家庭地址 住址 居住地址 家庭住所 现住址 homeaddress":                             crm.ReasonHomeAddress,
	} {
		for _, w := range strings.Fields(words) {
			personal[FoldHeader(w)] = r
		}
	}
}

// MatchHeader says which target a header names, from the header alone:
// its folded form (FoldHeader) is a target's name or synonym as it stands
// (跟进周期(天), 联系人(职位)) or followed by a number (联系人2); else its
// bracketed groups at the end are read (a unit: (万元), (元), (单位:万元); a
// number: (2)) or dropped (企业规模(人数) is 企业规模) and the rest is
// matched; else a unit at its end is cut (累计交易金额万元); else a header of
// alternatives (手机/电话) names a target when each of them names it. A
// header that may mean several targets (类型, 日期) is ambiguous; a money
// column in a unit Kehu does not read ((亿元), (千元), (美元)) is left
// unmapped, as are headers of personal data (身份证号, 家庭住址).
func MatchHeader(h string) HeaderMatch {
	f := FoldHeader(h)
	if f == "" {
		return HeaderMatch{}
	}
	if m, ok := lookupNumbered(f); ok {
		return m
	}
	base, groups := cutGroups(f)
	if len(groups) == 0 || base == "" {
		return matchBase(f)
	}
	m := matchBase(base)
	unitText, supported, ordinal := "", true, 0
	for _, g := range groups {
		if _, ok, sup := unitOf(g); ok && unitText == "" {
			unitText, supported = strings.TrimPrefix(strings.TrimPrefix(g, "单位"), "币种"), sup
		} else if n, err := strconv.Atoi(g); err == nil && n >= 1 && n <= maxOrdinal && ordinal == 0 {
			ordinal = n
		}
	}
	if m.Ordinal == 0 {
		m.Ordinal = ordinal
	}
	if unitText != "" && m.UnitText == "" {
		m.UnitText = unitText
		if m.Field != "" && target(m.Field).Kind == Money {
			if !supported {
				return HeaderMatch{UnitText: unitText, Ordinal: m.Ordinal, Candidates: []string{m.Field}, Reason: ReasonUnsupportedUnit}
			}
			m.Unit, _, _ = unitOf(unitText)
		}
	}
	return m
}

// maxOrdinal bounds the number after a name that says which contact a
// column is of.
const maxOrdinal = 20

// lookupNumbered finds a name as it stands, or followed by a number.
func lookupNumbered(s string) (HeaderMatch, bool) {
	if e, ok := names[s]; ok {
		return HeaderMatch{Field: e.key, How: e.how}, true
	}
	i := len(s)
	for i > 0 && i > len(s)-2 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i == len(s) || i == 0 || (i > 0 && s[i-1] >= '0' && s[i-1] <= '9') {
		return HeaderMatch{}, false
	}
	n, _ := strconv.Atoi(s[i:])
	if e, ok := names[s[:i]]; ok && n >= 1 && n <= maxOrdinal {
		return HeaderMatch{Field: e.key, How: e.how, Ordinal: n}, true
	}
	return HeaderMatch{}, false
}

// matchBase matches a folded header without its bracketed groups.
func matchBase(s string) HeaderMatch {
	if m, ok := lookupNumbered(s); ok {
		return m
	}
	for _, suf := range unitSuffixes {
		rest, ok := strings.CutSuffix(s, suf)
		if rest = strings.TrimRight(rest, "/"); !ok || rest == "" {
			continue
		}
		if m, ok := lookupNumbered(rest); ok && target(m.Field).Kind == Money {
			u, _, supported := unitOf(suf)
			if !supported {
				return HeaderMatch{UnitText: suf, Ordinal: m.Ordinal, Candidates: []string{m.Field}, Reason: ReasonUnsupportedUnit}
			}
			m.Unit, m.UnitText = u, suf
			return m
		}
	}
	if strings.Contains(s, "/") {
		var fields []string
		var first HeaderMatch
		all := true
		for _, part := range strings.Split(s, "/") {
			if part == "" {
				continue
			}
			m := matchBase(part)
			if m.Field == "" {
				all = false
				fields = appendNew(fields, m.Candidates...)
				continue
			}
			if len(fields) == 0 {
				first = m
			}
			fields = appendNew(fields, m.Field)
		}
		switch {
		case all && len(fields) == 1:
			first.How = BySynonym
			return first
		case len(fields) > 1:
			return HeaderMatch{Candidates: fields, Reason: ReasonAmbiguousHeader}
		}
	}
	if keys, ok := ambiguous[s]; ok {
		return HeaderMatch{Candidates: append([]string(nil), keys...), Reason: ReasonAmbiguousHeader}
	}
	if r, ok := personal[s]; ok {
		return HeaderMatch{Reason: r}
	}
	return HeaderMatch{Reason: ReasonUnknownHeader}
}

func appendNew(list []string, keys ...string) []string {
	for _, k := range keys {
		found := false
		for _, x := range list {
			found = found || x == k
		}
		if !found {
			list = append(list, k)
		}
	}
	return list
}
