package main

import (
	"strings"
	"testing"
)

// TestAggregatesOverHTTP asks for aggregates as an analyst would, on demo
// data: every group's drill line, sent back as customers(query:), counts
// exactly the group's customers, and the figures are exact decimals.
func TestAggregatesOverHTTP(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, 150
	ts := newTestServerWith(t, cfg)
	var out struct {
		Deals struct {
			Groups []struct {
				Keys, Labels []string
				Count        int
				Customers    int
				Sum          *string
				Drill        *string
			}
			Total struct {
				Count int
				Sum   *string
			}
			Truncated bool
			Meta      struct {
				Rows     int
				TimeZone string
				Range    struct{ From, To string }
			}
		} `json:"dealsAggregate"`
	}
	ts.post(t, ts.admin, `{ dealsAggregate(groupBy: [VALUE_TIER], range: {last: 12, unit: MONTH}, locale: EN) {
		groups { keys labels count customers sum(metric: AMOUNT) drill }
		total { count sum(metric: AMOUNT) } truncated meta { rows timeZone range { from to } } } }`, nil).ok(t, &out)
	d := out.Deals
	if d.Total.Count == 0 || len(d.Groups) == 0 {
		t.Fatalf("no deals in the last 12 months of the demo data: %+v", d)
	}
	if d.Meta.TimeZone != "Asia/Shanghai" || d.Meta.Range.From != "2025-12-01" || d.Meta.Range.To != "2026-11-20" || d.Meta.Rows != d.Total.Count {
		t.Errorf("meta %+v", d.Meta)
	}
	sum := 0
	for _, g := range d.Groups {
		sum += g.Count
		if g.Sum == nil || !strings.Contains(*g.Sum, ".") || len(*g.Sum)-strings.Index(*g.Sum, ".") != 3 {
			t.Errorf("%v: sum %v is not yuan with two decimals", g.Keys, g.Sum)
		}
		if g.Keys[0] == "A" && g.Labels[0] != "A (high value)" {
			t.Errorf("label of A in English: %q", g.Labels[0])
		}
		if g.Drill == nil {
			t.Fatalf("%v: no drill line", g.Keys)
		}
		var n struct{ CustomersCount int }
		ts.post(t, ts.admin, `query($q: String) { customersCount(query: $q) }`, map[string]any{"q": *g.Drill}).ok(t, &n)
		if n.CustomersCount != g.Customers {
			t.Errorf("%v: drill %q lists %d customers, the group has %d", g.Keys, *g.Drill, n.CustomersCount, g.Customers)
		}
	}
	if sum != d.Total.Count {
		t.Errorf("groups hold %d deals, the total %d (one tier per customer: they must add up)", sum, d.Total.Count)
	}

	// An analyst reads aggregates too, and several in one request.
	_, analystToken := ts.user(t, "analyst2-agg@kehu.local", "ANALYST")
	var many map[string]struct {
		Groups []struct{ Keys []string }
	}
	ts.post(t, analystToken, `{
		tiers: customersAggregate(groupBy: [VALUE_TIER]) { groups { keys } }
		visits: interactionsAggregate(interactionWhere: {channel: {eq: VISIT}}, groupBy: [MONTH], range: {last: 3, unit: MONTH}) { groups { keys } }
		needs: needsAggregate(groupBy: [STATUS, PRIORITY]) { groups { keys } }
		surveys: satisfactionAggregate(groupBy: [SCORE_BAND]) { groups { keys } }
		stages: stageChangesAggregate(groupBy: [TO_STAGE], range: {last: 1, unit: YEAR}) { groups { keys } }
		services: serviceRequestsAggregate(serviceRequestWhere: {resolvedLate: {eq: false}}, groupBy: [TIMELINESS, KIND]) { groups { keys } }
		tasks: tasksAggregate(taskWhere: {doneLate: {eq: false}}, groupBy: [TIMELINESS, KIND]) { groups { keys } }
	}`, nil).ok(t, &many)
	if len(many["visits"].Groups) != 3 {
		t.Errorf("visits per month over the last 3 months: %d groups, want 3 (empty months as zero)", len(many["visits"].Groups))
	}
	for name, a := range many {
		if len(a.Groups) == 0 {
			t.Errorf("%s: no groups on demo data", name)
		}
	}

	// Without locale the labels are in the user's language, for every
	// aggregate of the request.
	ts.post(t, analystToken, `mutation { updateMySettings(input: {locale: EN}) { locale } }`, nil).ok(t, nil)
	var en map[string]struct {
		Groups []struct{ Keys, Labels []string }
	}
	ts.post(t, analystToken, `{ a: customersAggregate(groupBy: [STAGE]) { groups { keys labels } }
		b: interactionsAggregate(groupBy: [CHANNEL]) { groups { keys labels } } }`, nil).ok(t, &en)
	for name, want := range map[string]map[string]string{"a": {"WON": "Won"}, "b": {"VISIT": "Visit"}} {
		found := false
		for _, g := range en[name].Groups {
			if l, ok := want[g.Keys[0]]; ok {
				found = true
				if g.Labels[0] != l {
					t.Errorf("%s %s: label %q, want %q (the user's language)", name, g.Keys[0], g.Labels[0], l)
				}
			}
		}
		if !found {
			t.Errorf("%s: no group %v", name, want)
		}
	}
	ts.post(t, analystToken, `mutation { updateMySettings(input: {locale: ZH_CN}) { locale } }`, nil).ok(t, nil)

	// The KPIs, as a dashboard reads them with an analyst's rights.
	var k struct {
		Kpis struct {
			Kpis []struct {
				Code, Name, Unit, Definition string
				Value, Previous, Change      *string
				Target                       *string
				TargetMet                    *bool
				Drill                        *string
			}
			Range         struct{ From, To string }
			PreviousRange *struct{ From, To string }
		}
	}
	ts.post(t, analystToken, `{ kpis(range: {last: 6, unit: MONTH}, compare: PREVIOUS_YEAR, locale: EN) {
		kpis { code name unit value previous change target targetMet definition drill }
		range { from to } previousRange { from to } } }`, nil).ok(t, &k)
	if len(k.Kpis.Kpis) != 18 || k.Kpis.Range.From != "2026-06-01" || k.Kpis.PreviousRange == nil || k.Kpis.PreviousRange.From != "2025-06-01" {
		t.Fatalf("kpis: %d, range %+v, previous %+v", len(k.Kpis.Kpis), k.Kpis.Range, k.Kpis.PreviousRange)
	}
	var fu struct {
		Funnel struct {
			Steps []struct {
				Stage     string
				Customers int
				Drill     *string
			}
		}
	}
	ts.post(t, analystToken, `{ funnel(range: {last: 2, unit: YEAR}) { steps { stage customers conversionFromPrevious medianDaysFromPrevious drill } } }`, nil).ok(t, &fu)
	if len(fu.Funnel.Steps) != 6 || fu.Funnel.Steps[0].Customers == 0 || fu.Funnel.Steps[0].Drill == nil {
		t.Errorf("funnel %+v", fu.Funnel.Steps)
	}
	var co struct {
		Cohorts struct {
			Cohorts []struct {
				Key     string
				Size    int
				Periods []struct {
					Index    int
					Active   int
					Complete bool
				}
			}
			Unit string
		}
	}
	ts.post(t, analystToken, `{ cohorts(range: {last: 6, unit: MONTH}, activity: INTERACTION, periods: 3) {
		unit cohorts { key label size drill periods { index key active rate complete } } } }`, nil).ok(t, &co)
	if len(co.Cohorts.Cohorts) != 6 || co.Cohorts.Unit != "MONTH" {
		t.Errorf("cohorts %+v", co.Cohorts)
	}
	ts.post(t, analystToken, `{ cohorts(periods: 37) { unit } }`, nil).fails(t, "BAD_USER_INPUT", "periods")
	ts.post(t, analystToken, `{ cohorts(unit: WEEK) { unit } }`, nil).fails(t, "BAD_USER_INPUT", "unit")
	for _, x := range k.Kpis.Kpis {
		if x.Name == "" || x.Definition == "" || strings.ContainsAny(x.Name, "的率") {
			t.Errorf("%s: name %q, definition %q (English asked for)", x.Code, x.Name, x.Definition)
		}
		if x.Code == "HIGH_VALUE_RETENTION" && (x.Target == nil || *x.Target != "90.00" || (x.Value != nil && x.TargetMet == nil)) {
			t.Errorf("retention target %v met %v", x.Target, x.TargetMet)
		}
		if x.Drill != nil {
			var n struct{ CustomersCount int }
			ts.post(t, analystToken, `query($q: String) { customersCount(query: $q) }`, map[string]any{"q": *x.Drill}).ok(t, &n)
		}
	}
}

// TestAggregateBadInput: every bad argument is BAD_USER_INPUT naming it.
func TestAggregateBadInput(t *testing.T) {
	ts := newTestServer(t)
	for _, tc := range []struct {
		name, query, field string
	}{
		{"unknown time zone", `{ customersAggregate(timeZone: "Mars/Olympus") { total { count } } }`, "timeZone"},
		{"Local is not a zone", `{ customersAggregate(timeZone: "Local") { total { count } } }`, "timeZone"},
		{"four dimensions", `{ customersAggregate(groupBy: [VALUE_TIER, STAGE, CITY, OWNER]) { total { count } } }`, "groupBy"},
		{"two time units", `{ dealsAggregate(groupBy: [MONTH, YEAR]) { total { count } } }`, "groupBy[1]"},
		{"a dimension twice", `{ dealsAggregate(groupBy: [PRODUCT, PRODUCT]) { total { count } } }`, "groupBy[1]"},
		{"inverted range", `{ dealsAggregate(range: {from: "2026-05-01", to: "2026-04-01"}) { total { count } } }`, "range.to"},
		{"unbounded range", `{ dealsAggregate(range: {from: "2026-05-01"}) { total { count } } }`, "range.to"},
		{"absolute and relative", `{ dealsAggregate(range: {from: "2026-05-01", to: "2026-06-01", last: 3, unit: MONTH}) { total { count } } }`, "range"},
		{"relative without unit", `{ dealsAggregate(range: {last: 3}) { total { count } } }`, "range.unit"},
		{"relative of zero", `{ dealsAggregate(range: {last: 0, unit: DAY}) { total { count } } }`, "range.last"},
		{"too many days", `{ dealsAggregate(groupBy: [DAY], range: {from: "2020-01-01", to: "2026-01-01"}) { total { count } } }`, "range"},
		{"limit zero", `{ customersAggregate(limit: 0) { total { count } } }`, "limit"},
		{"limit too large", `{ customersAggregate(limit: 1001) { total { count } } }`, "limit"},
		{"sum without a metric", `{ dealsAggregate(groupBy: [PRODUCT], orderBy: {by: SUM}) { total { count } } }`, "orderBy.metric"},
		{"compare without range", `{ dealsAggregate(compare: PREVIOUS_YEAR) { total { count } } }`, "compare"},
		{"text in the element filter", `{ interactionsAggregate(interactionWhere: {summary: {contains: "价格"}}) { total { count } } }`, "interactionWhere"},
		{"bad element filter", `{ interactionsAggregate(interactionWhere: {at: {gte: "soon"}}) { total { count } } }`, "interactionWhere.at.gte"},
		{"bad query line", `{ dealsAggregate(query: "tier:") { total { count } } }`, "query"},
		{"unknown saved segment", `{ dealsAggregate(segment: "000000000000000000000000") { total { count } } }`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ts.post(t, ts.admin, tc.query, nil)
			if tc.field == "" {
				if len(r.Errors) == 0 {
					t.Fatal("no error")
				}
				return
			}
			r.fails(t, "BAD_USER_INPUT", tc.field)
		})
	}
}
