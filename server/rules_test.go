package main

import (
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
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

	// The dry run of the defaults over every active demo customer, then
	// over tier A. The demo data has no customer cooperating for 24 months:
	// the lint says the strategic rule matches nobody.
	var active struct{ CustomersCount int }
	ts.post(t, manager, `{ customersCount }`, nil).ok(t, &active)
	var pv struct{ PreviewRules previewOut }
	ts.post(t, manager, `{ previewRules(first: 5, locale: EN) { `+previewFields+` } }`, nil).ok(t, &pv)
	all := pv.PreviewRules
	if all.Customers != active.CustomersCount || all.Changed == 0 || len(all.Changes) != 5 || len(all.Lint) != 1 ||
		all.Lint[0].Kind != "NEVER_MATCHES" || all.Lint[0].Rules[0] != "战略客户" || !strings.Contains(all.Lint[0].Message, "matches no customer") {
		t.Fatalf("preview of the defaults: %d customers (want %d), %d changed, %d changes, lint %+v", all.Customers, active.CustomersCount, all.Changed, len(all.Changes), all.Lint)
	}
	lifecycles := 0
	for _, x := range all.Transitions {
		if x.Field == "LIFECYCLE" {
			lifecycles += x.Customers
		}
	}
	if lifecycles != all.Customers {
		t.Errorf("%d customers get a lifecycle stage, want all %d (none is kept yet)", lifecycles, all.Customers)
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
