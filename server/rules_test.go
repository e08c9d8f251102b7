package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/rules"
)

type ruleSetOut struct {
	Version int
	Rules   []struct {
		Name, When string
		Priority   int
		Then       struct {
			ValueTier, Lifecycle *string
			AddTags, RemoveTags  []string
			CadenceDays          *int
		}
	}
	UpdatedAt *string
	UpdatedBy *struct{ Email string }
}

const ruleSetFields = `version rules { name when priority then { valueTier lifecycle addTags removeTags cadenceDays } } updatedAt updatedBy { email }`

type previewOut struct {
	Customers, Changed int
	Transitions        []struct {
		Field     string
		Tag       *string
		From, To  *string
		Customers int
	}
	Changes []struct {
		CustomerID, Code, Name, Field, Rule, Reason string
		From, To                                    *string
	}
	Lint []struct {
		Kind      string
		Rules     []string
		Field     *string
		Lifecycle *string
		Customers int
		Message   string
	}
}

const previewFields = `customers changed transitions { field tag from to customers }
	changes { customerId code name field from to rule reason }
	lint { kind rules field lifecycle customers message }`

// TestRulesOverHTTP: the defaults are in force until a manager saves a
// set; the dry run of a set classifies the demo customers in scope and
// lints them, in the request's language; only managers preview and save;
// a stale save is CONFLICT; bad rules are BAD_USER_INPUT on their field.
func TestRulesOverHTTP(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 150
	ts := newTestServerWith(t, cfg)
	_, sales := ts.user(t, "sales-rules@kehu.local", crm.RoleSales)
	manager := ts.login(t, "manager@kehu.local", DemoPassword)

	var got struct{ Rules ruleSetOut }
	ts.post(t, sales, `{ rules { `+ruleSetFields+` } }`, nil).ok(t, &got)
	if got.Rules.Version != 0 || len(got.Rules.Rules) != 11 || got.Rules.UpdatedAt != nil || got.Rules.UpdatedBy != nil {
		t.Fatalf("defaults: %+v", got.Rules)
	}
	if a := got.Rules.Rules[0]; a.When != "deals.sum(date:<=12m):>=500000" || *a.Then.ValueTier != "A" || *a.Then.CadenceDays != 7 {
		t.Errorf("the first default rule: %+v", a)
	}

	// The dry run of the defaults over every active demo customer: the
	// demo is classified by them, so nothing changes. The demo data has no
	// customer cooperating for 24 months: the lint says the strategic
	// rule matches nobody.
	var active struct{ CustomersCount int }
	ts.post(t, manager, `{ customersCount }`, nil).ok(t, &active)
	var pv struct{ PreviewRules previewOut }
	ts.post(t, manager, `{ previewRules(first: 5, locale: EN) { `+previewFields+` } }`, nil).ok(t, &pv)
	all := pv.PreviewRules
	if all.Customers != active.CustomersCount || all.Changed != 0 || len(all.Changes) != 0 || len(all.Lint) != 1 ||
		all.Lint[0].Kind != "NEVER_MATCHES" || all.Lint[0].Rules[0] != "战略客户" || !strings.Contains(all.Lint[0].Message, "matches no customer") {
		t.Fatalf("preview of the defaults: %d customers (want %d), %d changed, %d changes, lint %+v", all.Customers, active.CustomersCount, all.Changed, len(all.Changes), all.Lint)
	}
	// A set with A from 300,000 yuan and no B: tiers and cadences change.
	lower := []map[string]any{
		{"name": "A 类", "when": "deals.sum(date:<=12m):>=300000", "priority": 20, "then": map[string]any{"valueTier": "A", "cadenceDays": 7}},
		{"name": "其余", "priority": 10, "then": map[string]any{"valueTier": "C", "cadenceDays": 30}},
	}
	ts.post(t, manager, `query($r: [ClassificationRuleInput!]) { previewRules(rules: $r, first: 5, locale: EN) { `+previewFields+` } }`,
		map[string]any{"r": lower}).ok(t, &pv)
	all = pv.PreviewRules
	if all.Customers != active.CustomersCount || all.Changed == 0 || len(all.Changes) != 5 {
		t.Fatalf("preview of A from 300,000: %d customers, %d changed, %d changes", all.Customers, all.Changed, len(all.Changes))
	}
	for _, x := range all.Transitions {
		if x.Field != "VALUE_TIER" && x.Field != "CADENCE_DAYS" || x.Field == "VALUE_TIER" && *x.From != "B" {
			t.Errorf("transition %+v: only B customers change tier", x)
		}
	}
	if c := all.Changes[0]; c.Code == "" || c.Rule == "" || !strings.HasPrefix(c.Reason, "rule ") {
		t.Errorf("change %+v", c)
	}
	var n struct{ CustomersCount int }
	ts.post(t, manager, `{ customersCount(query: "tier:A") }`, nil).ok(t, &n)
	ts.post(t, manager, `{ previewRules(query: "tier:A", first: 0) { `+previewFields+` } }`, nil).ok(t, &pv)
	if pv.PreviewRules.Customers != n.CustomersCount || len(pv.PreviewRules.Changes) != 0 {
		t.Errorf("tier A scope: %d customers (want %d), %d changes listed", pv.PreviewRules.Customers, n.CustomersCount, len(pv.PreviewRules.Changes))
	}

	// A set with the seeds' own strategic example: the lint says it
	// contradicts their definition, in Chinese by default.
	rules := []map[string]any{
		{"name": "A 类", "when": "deals.sum(date:<=12m):>=500000", "priority": 20, "then": map[string]any{"valueTier": "A", "cadenceDays": 7}},
		{"name": "其余", "priority": 10, "then": map[string]any{"valueTier": "C"}},
		{"name": "高价值+战略客户", "when": "deals.sum():>=500000 first-deal:>=12m", "priority": 10, "then": map[string]any{"lifecycle": "STRATEGIC"}},
	}
	ts.post(t, manager, `query($r: [ClassificationRuleInput!]) { previewRules(rules: $r) { `+previewFields+` } }`, map[string]any{"r": rules}).ok(t, &pv)
	var contradiction bool
	for _, f := range pv.PreviewRules.Lint {
		if f.Kind == "CONTRADICTS_DEFINITION" && f.Rules[0] == "高价值+战略客户" && *f.Lifecycle == "STRATEGIC" && strings.Contains(f.Message, "战略客户") {
			contradiction = f.Customers > 0
		}
	}
	if !contradiction {
		t.Errorf("no contradiction found: %+v", pv.PreviewRules.Lint)
	}

	// Only managers preview and save.
	ts.post(t, sales, `{ previewRules { customers } }`, nil).fails(t, "FORBIDDEN", "")
	save := `mutation($v: Int!, $r: [ClassificationRuleInput!]!) { saveRules(expectedVersion: $v, rules: $r) { ` + ruleSetFields + ` } }`
	ts.post(t, sales, save, map[string]any{"v": 0, "r": rules}).fails(t, "FORBIDDEN", "")

	var saved struct{ SaveRules ruleSetOut }
	ts.post(t, manager, save, map[string]any{"v": 0, "r": rules}).ok(t, &saved)
	if saved.SaveRules.Version != 1 || len(saved.SaveRules.Rules) != 3 || saved.SaveRules.UpdatedBy == nil || saved.SaveRules.UpdatedBy.Email != "manager@kehu.local" {
		t.Fatalf("saved: %+v", saved.SaveRules)
	}
	ts.post(t, sales, `{ rules { `+ruleSetFields+` } }`, nil).ok(t, &got)
	if got.Rules.Version != 1 || got.Rules.Rules[2].Name != "高价值+战略客户" || got.Rules.UpdatedAt == nil {
		t.Errorf("in force after saving: %+v", got.Rules)
	}
	ts.post(t, manager, save, map[string]any{"v": 0, "r": rules}).fails(t, "CONFLICT", "expectedVersion")

	// Bad rules: the field of each problem.
	for _, tc := range []struct {
		rule  map[string]any
		field string
	}{
		{map[string]any{"name": "x", "when": "tier:", "priority": 1, "then": map[string]any{"valueTier": "A"}}, "rules[0].when"},
		{map[string]any{"name": "x", "when": "tier:A", "priority": 1, "then": map[string]any{"cadenceDays": 7}}, "rules[0].when"},
		{map[string]any{"name": "x", "priority": 1, "then": map[string]any{"cadenceDays": 0}}, "rules[0].then.cadenceDays"},
		{map[string]any{"name": "", "priority": 1, "then": map[string]any{"valueTier": "A"}}, "rules[0].name"},
		{map[string]any{"name": "x", "priority": 1, "then": map[string]any{}}, "rules[0].then"},
		{map[string]any{"name": "x", "priority": 1001, "then": map[string]any{"valueTier": "A"}}, "rules[0].priority"},
	} {
		ts.post(t, manager, save, map[string]any{"v": 1, "r": []map[string]any{tc.rule}}).fails(t, "BAD_USER_INPUT", tc.field)
		ts.post(t, manager, `query($r: [ClassificationRuleInput!]) { previewRules(rules: $r) { customers } }`,
			map[string]any{"r": []map[string]any{tc.rule}}).fails(t, "BAD_USER_INPUT", tc.field)
	}
	ts.post(t, manager, `{ previewRules(first: 501) { customers } }`, nil).fails(t, "BAD_USER_INPUT", "first")
	ts.post(t, sales, `{ rules { version } }`, nil).ok(t, &got)
	if got.Rules.Version != 1 {
		t.Errorf("a refused save changed the set: version %d", got.Rules.Version)
	}
}

// A customer's classification over HTTP: the rules' values with their
// source and reason, a manual override with its checks, clearing it, and
// the histories with the rule and rule set or the user and reason.
func TestClassificationOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "杭州云栖科技有限公司"})
	const fields = `version valueTier lifecycle valueTierSource lifecycleSource cadenceDays nextFollowUpAt
		valueTierReason(locale: EN) lifecycleReason
		classification(locale: EN) { ruleSet classifiedAt
			valueTier { value source suggested rule reason override { value reason by { email } reviewOn } }
			lifecycle { value source suggested rule } cadence { value source suggested } }
		tierHistory { from to by { email } reason rule ruleSet }
		lifecycleHistory { from to by { email } rule ruleSet }`
	type value struct {
		Value, Source, Suggested, Rule, Reason *string
		Override                               *struct {
			Value, Reason string
			By            struct{ Email string }
			ReviewOn      *string
		}
	}
	type change struct {
		From, To, Reason, Rule *string
		By                     *struct{ Email string }
		RuleSet                *int
	}
	type out struct {
		Version                                           int
		ValueTier, Lifecycle, ValueTierSource             *string
		LifecycleSource, ValueTierReason, LifecycleReason *string
		CadenceDays                                       *int
		NextFollowUpAt                                    *string
		Classification                                    struct {
			RuleSet                       int
			ClassifiedAt                  *string
			ValueTier, Lifecycle, Cadence value
		}
		TierHistory, LifecycleHistory []change
	}
	read := func() out {
		var got struct{ Customer out }
		ts.post(t, ts.admin, `query($id: ID){ customer(id: $id) { `+fields+` } }`, map[string]any{"id": c.ID}).ok(t, &got)
		return got.Customer
	}
	s := func(p *string) string {
		if p == nil {
			return "<null>"
		}
		return *p
	}
	got := read()
	k := got.Classification
	if s(got.ValueTier) != "C" || s(got.Lifecycle) != "POTENTIAL" || s(got.ValueTierSource) != "RULE" || s(got.LifecycleSource) != "RULE" ||
		got.CadenceDays == nil || *got.CadenceDays != 30 || got.NextFollowUpAt == nil || k.ClassifiedAt == nil ||
		s(k.ValueTier.Suggested) != "C" || s(k.ValueTier.Rule) != "C类：其余客户" || !strings.HasPrefix(s(k.ValueTier.Reason), `rule "C类：其余客户"`) ||
		s(got.ValueTierReason) != s(k.ValueTier.Reason) || !strings.HasPrefix(s(got.LifecycleReason), "规则“潜在客户”：first-deal:none") ||
		s(k.Cadence.Value) != "30" || k.ValueTier.Override != nil {
		raw, _ := json.Marshal(got)
		t.Fatalf("a new customer's classification: %s", raw)
	}
	if h := got.LifecycleHistory; len(h) != 1 || s(h[0].To) != "POTENTIAL" || h[0].By != nil || s(h[0].Rule) != "潜在客户" || h[0].RuleSet == nil || *h[0].RuleSet != 0 {
		raw, _ := json.Marshal(h)
		t.Fatalf("lifecycle history %s", raw)
	}

	override := `mutation($id: ID!, $v: Int!, $r: String!, $on: Date) {
		overrideClassification(customerId: $id, expectedVersion: $v, valueTier: A, reason: $r, reviewOn: $on) { version } }`
	vars := func(reason, on string) map[string]any {
		m := map[string]any{"id": c.ID, "v": got.Version, "r": reason}
		if on != "" {
			m["on"] = on
		}
		return m
	}
	ts.post(t, ts.admin, override, vars("", "")).fails(t, "BAD_USER_INPUT", "reason")
	ts.post(t, ts.admin, override, vars("战略合作", "2020-01-01")).fails(t, "BAD_USER_INPUT", "reviewOn")
	ts.post(t, ts.admin, `mutation($id: ID!, $v: Int!) { overrideClassification(customerId: $id, expectedVersion: $v, cadenceDays: 0, reason: "x") { id } }`,
		map[string]any{"id": c.ID, "v": got.Version}).fails(t, "BAD_USER_INPUT", "cadenceDays")
	ts.post(t, ts.admin, `mutation($id: ID!, $v: Int!) { updateCustomer(id: $id, expectedVersion: $v, input: { valueTier: B }) { id } }`,
		map[string]any{"id": c.ID, "v": got.Version}).fails(t, "BAD_USER_INPUT", "input.valueTier")
	ts.post(t, ts.admin, override, vars("战略合作", "2099-01-01")).ok(t, nil)
	ts.post(t, ts.admin, override, vars("战略合作", "")).fails(t, "CONFLICT", "")

	got = read()
	k = got.Classification
	if s(got.ValueTier) != "A" || s(got.ValueTierSource) != "MANUAL" || s(got.ValueTierReason) != "set by hand: 战略合作" ||
		s(k.ValueTier.Suggested) != "C" || k.ValueTier.Override == nil || k.ValueTier.Override.Value != "A" ||
		k.ValueTier.Override.By.Email != "admin@kehu.local" || s(k.ValueTier.Override.ReviewOn) != "2099-01-01" {
		raw, _ := json.Marshal(got)
		t.Fatalf("after the override: %s", raw)
	}
	if h := got.TierHistory[len(got.TierHistory)-1]; s(h.To) != "A" || h.By == nil || h.By.Email != "admin@kehu.local" || s(h.Reason) != "战略合作" || h.Rule != nil || h.RuleSet != nil {
		raw, _ := json.Marshal(h)
		t.Fatalf("tier history %s", raw)
	}

	ts.post(t, ts.admin, `mutation($id: ID!, $v: Int!) { clearOverride(customerId: $id, expectedVersion: $v, targets: [VALUE_TIER]) { valueTier valueTierSource } }`,
		map[string]any{"id": c.ID, "v": got.Version}).ok(t, nil)
	got = read()
	if s(got.ValueTier) != "C" || s(got.ValueTierSource) != "RULE" || got.Classification.ValueTier.Override != nil {
		raw, _ := json.Marshal(got)
		t.Fatalf("after clearing: %s", raw)
	}
	if h := got.TierHistory[len(got.TierHistory)-1]; s(h.From) != "A" || s(h.To) != "C" || h.By != nil || s(h.Rule) != "C类：其余客户" || h.RuleSet == nil {
		raw, _ := json.Marshal(h)
		t.Fatalf("tier history after clearing %s", raw)
	}
}

// The seeds' defaults stay readable after a set is saved, to start again
// from; saving them as they are is a new version of the defaults.
func TestDefaultRulesOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	type set struct {
		Version int
		Rules   []struct{ Name, When string }
	}
	var before struct{ DefaultRules, Rules set }
	ts.post(t, ts.admin, `{ defaultRules { version rules { name when } } rules { version rules { name when } } }`, nil).ok(t, &before)
	if before.DefaultRules.Version != 0 || len(before.DefaultRules.Rules) != len(rules.Defaults().Rules) ||
		before.DefaultRules.Rules[0].Name != rules.Defaults().Rules[0].Name {
		t.Fatalf("defaults: %+v", before.DefaultRules)
	}
	ts.post(t, ts.admin, `mutation { saveRules(expectedVersion: 0, rules: [{name: "全部C类", priority: 1, then: {valueTier: C}}]) { version } }`, nil).ok(t, nil)
	var after struct{ DefaultRules, Rules set }
	ts.post(t, ts.admin, `{ defaultRules { version rules { name when } } rules { version rules { name when } } }`, nil).ok(t, &after)
	if len(after.Rules.Rules) != 1 || after.Rules.Version != 1 || len(after.DefaultRules.Rules) != len(before.DefaultRules.Rules) {
		t.Fatalf("after saving one rule: in force %+v, defaults %d rules", after.Rules, len(after.DefaultRules.Rules))
	}
}

// The lifecycle filter of the where input selects as the query line does.
func TestLifecycleWhereOverHTTP(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 150
	ts := newTestServerWith(t, cfg)
	var out struct {
		Where, Line, All struct{ TotalCount int }
	}
	ts.post(t, ts.admin, `{ where: customers(first: 1, where: {lifecycle: {in: [NEW, STABLE]}}) { totalCount }
		line: customers(first: 1, query: "lifecycle:NEW,STABLE") { totalCount } all: customers(first: 1) { totalCount } }`, nil).ok(t, &out)
	if out.Where.TotalCount != out.Line.TotalCount || out.Where.TotalCount == 0 || out.Where.TotalCount == out.All.TotalCount {
		t.Fatalf("lifecycle in [NEW, STABLE]: where %d, query line %d, all %d", out.Where.TotalCount, out.Line.TotalCount, out.All.TotalCount)
	}
}
