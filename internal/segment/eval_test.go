package segment_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	. "github.com/kehu-crm/kehu/internal/segment"
)

// evalNow is 2026-03-31 10:00 in Shanghai (02:00 UTC).
var evalNow = time.Date(2026, 3, 31, 2, 0, 0, 0, time.UTC)

func cst(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, crm.DefaultLocation)
}

func utcDate(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func money(yuan int64) *crm.Money { m := crm.Money(yuan * 100); return &m }

// evalCustomers are small customers with the edge cases of the semantics:
// "bare" has no optional field, no array and no computed figure.
func evalCustomers() []*crm.Customer {
	bare := &crm.Customer{ID: "bare", Code: "C202601001", Name: "空白公司", Type: crm.CustomerTypeNew, Stage: crm.StagePotential,
		CreatedAt: cst(2026, 1, 1, 0, 30), UpdatedAt: cst(2026, 1, 1, 0, 30)}
	full := &crm.Customer{ID: "full", Code: "C202601002", Name: "Straße Kelvin ΣΟΦΟΣ 科技", CreditCode: "91110000X",
		Industry: "制造业", Source: "展会", Region: crm.Region{Province: "广东省", City: "深圳市"},
		Type: crm.CustomerTypeExisting, Stage: crm.StageWon, ValueTier: crm.TierA, IntentGrade: crm.TierB, NeedType: crm.NeedTypeSolution,
		Tags: []string{"高意向客户", "VIP"}, OwnerID: "u1",
		Contacts: []crm.Contact{{ID: "k1", Name: "张伟", Title: "CEO", Role: crm.ContactRoleDecisionMaker, Primary: true}, {ID: "k2", Name: "Åsa"}},
		Interactions: []crm.Interaction{
			{ID: "i1", At: cst(2025, 6, 1, 10, 0), Channel: crm.ChannelPhone, Summary: "初次电话", CreatedBy: "u1"},
			// Logged 24 hours after (on time) and 24 hours and a millisecond after (late).
			{ID: "i2", At: cst(2026, 3, 20, 10, 0), Channel: crm.ChannelVisit, Summary: "上门拜访", CreatedBy: "u2", RecordedAt: ptr(cst(2026, 3, 21, 10, 0))},
			{ID: "i3", At: cst(2026, 3, 25, 10, 0), Channel: crm.ChannelPhone, KeyEvent: crm.KeyEventComplaint, Summary: "投诉 delivery", CreatedBy: "u1",
				RecordedAt: ptr(cst(2026, 3, 26, 10, 0).Add(time.Millisecond))},
		},
		Needs: []crm.Need{
			{ID: "n1", Title: "ERP", Kind: crm.NeedKindCurrent, Priority: crm.PriorityHigh, Status: crm.NeedStatusResolved, BudgetMax: money(300_000),
				OpenedAt: cst(2025, 7, 1, 9, 0), ResolvedAt: ptr(cst(2025, 9, 1, 9, 0)), ExpectedOn: ptr(utcDate(2025, 9, 30))},
			{ID: "n2", Title: "培训", Kind: crm.NeedKindPotential, Priority: crm.PriorityLow, Status: crm.NeedStatusOpen, OpenedAt: cst(2026, 2, 1, 9, 0)},
		},
		Deals: []crm.Deal{
			{ID: "d1", Product: "ERP", Amount: 40_000_000, Date: utcDate(2025, 3, 31)}, // exactly 365 days before today
			{ID: "d2", Product: "培训", Amount: 15_000_000, Date: utcDate(2025, 3, 30)},  // 366 days
		},
		Satisfaction: []crm.Satisfaction{{ID: "s1", At: cst(2025, 10, 1, 9, 0), Score: 80}, {ID: "s2", At: cst(2026, 1, 1, 9, 0), Score: 91}},
		CreatedAt:    time.Date(2026, 1, 1, 16, 30, 0, 500_000, time.UTC), // 2026-01-02 00:30 in Shanghai, plus 0.5 ms
		UpdatedAt:    cst(2026, 3, 25, 10, 0),
	}
	zeroSat := &crm.Customer{ID: "zero", Code: "C202602003", Name: "straße 零分", Type: crm.CustomerTypeChannel, Stage: crm.StageLost,
		Satisfaction: []crm.Satisfaction{{ID: "s3", At: cst(2026, 2, 1, 9, 0), Score: 0}},
		Needs:        []crm.Need{{ID: "n3", Title: "x", Kind: crm.NeedKindCurrent, Priority: crm.PriorityMedium, Status: crm.NeedStatusAbandoned, OpenedAt: cst(2026, 2, 1, 9, 0)}},
		CreatedAt:    cst(2026, 2, 28, 23, 59), UpdatedAt: cst(2026, 2, 28, 23, 59)}
	cs := []*crm.Customer{bare, full, zeroSat}
	for _, c := range cs {
		c.Recompute()
	}
	return cs
}

func ptr[T any](v T) *T { return &v }

type evalCase struct {
	name string
	tree Node
	want []string // ids of the matching customers
	// mingoDiffers marks case folding that JavaScript's RegExp without the
	// u flag (mingo) does differently from MongoDB (PCRE2 in UTF mode).
	mingoDiffers bool
}

func evalCases() []evalCase {
	all := []string{"bare", "full", "zero"}
	return []evalCase{
		{"nil matches all", nil, all, false},
		{"empty and", And{}, all, false},
		{"empty or", Or{}, nil, false},
		// Absent strings and enums: eq never, ne and notIn always, isNull.
		{"tier eq", cond("valueTier", Eq, String("A")), []string{"full"}, false},
		{"tier ne matches absent", cond("valueTier", Ne, String("A")), []string{"bare", "zero"}, false},
		{"tier notIn matches absent", cond("valueTier", NotIn, Strings{"A", "B"}), []string{"bare", "zero"}, false},
		{"tier isNull", cond("valueTier", IsNull, Bool(true)), []string{"bare", "zero"}, false},
		{"industry isNull false", cond("industry", IsNull, Bool(false)), []string{"full"}, false},
		{"owner ne", cond("owner", Ne, String("u1")), []string{"bare", "zero"}, false},
		{"owner me", cond("owner", Me, Bool(true)), []string{"full"}, false},
		{"owner not me", cond("owner", Me, Bool(false)), []string{"bare", "zero"}, false},
		// Literal, case-insensitive text with simple case folding.
		{"contains ASCII", cond("name", Contains, String("kELVIN")), []string{"full"}, false},
		{"contains Greek final sigma", cond("name", Contains, String("σοφος")), []string{"full"}, false},
		{"ß is not ss", cond("name", Contains, String("STRASSE")), nil, false},
		{"ß folds to ẞ", cond("name", Contains, String("STRAẞE")), []string{"full", "zero"}, true},
		{"long s folds to s", cond("name", Contains, String("ſtraße")), []string{"full", "zero"}, true},
		{"Kelvin sign folds to k", cond("name", StartsWith, String("straße \u212aelvin")), []string{"full"}, true},
		{"startsWith anchors", cond("name", StartsWith, String("kelvin")), nil, false},
		{"regex metacharacters are text", cond("name", Contains, String(".*")), nil, false},
		{"search name code contact", or(cond("search", Contains, String("c202602")), cond("search", Contains, String("åSA"))), []string{"full", "zero"}, false},
		// Tags.
		{"tags hasAll", cond("tags", HasAll, Strings{"VIP", "高意向客户"}), []string{"full"}, false},
		{"tags hasNone", cond("tags", HasNone, Strings{"VIP"}), []string{"bare", "zero"}, false},
		{"tags isEmpty", cond("tags", IsEmpty, Bool(true)), []string{"bare", "zero"}, false},
		// Computed times: the zero time is null and never compares.
		{"last contact older than 30d", cond("lastInteractionAt", Lt, days(30)), nil, false},
		{"last contact within 30d", cond("lastInteractionAt", Gte, days(30)), []string{"full"}, false},
		{"last contact null", cond("lastInteractionAt", IsNull, Bool(true)), []string{"bare", "zero"}, false},
		{"last deal before a date", cond("lastDealOn", Lte, Date{2025, 12, 31}), []string{"full"}, false},
		// Average satisfaction is null without surveys; 0 is a real average.
		{"satisfaction lt 60", cond("avgSatisfaction", Lt, Float(60)), []string{"zero"}, false},
		{"satisfaction ne 85.5", cond("avgSatisfaction", Ne, Float(85.5)), []string{"bare", "zero"}, false},
		{"satisfaction ne 0", cond("avgSatisfaction", Ne, Float(0)), []string{"bare", "full"}, false},
		{"satisfaction null", cond("avgSatisfaction", IsNull, Bool(true)), []string{"bare"}, false},
		// Dates on a time field are days in Asia/Shanghai.
		{"created on Jan 2 (Shanghai)", cond("createdAt", Eq, Date{2026, 1, 2}), []string{"full"}, false},
		{"created on Jan 1 (Shanghai)", cond("createdAt", Eq, Date{2026, 1, 1}), []string{"bare"}, false},
		{"created after Jan 1", cond("createdAt", Gt, Date{2026, 1, 1}), []string{"full", "zero"}, false},
		{"created up to Feb 28", cond("createdAt", Lte, Date{2026, 2, 28}), all, false},
		{"created between", cond("createdAt", Between, Range{Date{2026, 1, 2}, Date{2026, 2, 28}}), []string{"full", "zero"}, false},
		// Instants compare at BSON's millisecond precision.
		{"created after an instant (ms)", cond("createdAt", Gt, At(time.Date(2026, 1, 1, 16, 30, 0, 0, time.UTC))), []string{"zero"}, false},
		// Months count on the calendar, clamped: 1m before Mar 31 is Feb 28.
		{"created within 1m", cond("createdAt", Gte, Ago{N: 1, Unit: Months}), []string{"zero"}, false},
		{"created within 89d", cond("createdAt", Gte, days(89)), []string{"full", "zero"}, false},
		{"created within 13w", cond("createdAt", Gte, Ago{N: 13, Unit: Weeks}), all, false},
		// Deal dates: within 365d is on or after the date 365 days before today.
		{"deal within 365d", Quant{Array: Deals, Q: Some, Where: cond("date", Gte, days(365))}, []string{"full"}, false},
		{"deals sum within 365d", Agg{Array: Deals, Fn: Sum, Op: Eq, Value: Money(40_000_000), Where: cond("date", Gte, days(365))}, []string{"full"}, false},
		{"deals sum within 366d", Agg{Array: Deals, Fn: Sum, Op: Gte, Value: Money(55_000_000), Where: cond("date", Gte, days(366))}, []string{"full"}, false},
		{"deals sum 0 matches no deals", Agg{Array: Deals, Fn: Sum, Op: Lte, Value: Money(0)}, []string{"bare", "zero"}, false},
		// full's deals: 400,000 on 2025-03-31 (in the last 12 months, in the
		// 6 months before the last 6) and 150,000 a day earlier (the 12
		// months before the last 12): +166.67% over 12m, -100% over 6m.
		{"change over 6m is -100%", Agg{Array: Deals, Fn: Change, Window: Duration{N: 6, Unit: Months}, Op: Eq, Value: Int(-100)}, []string{"full"}, false},
		{"change over 6m not above -100%", Agg{Array: Deals, Fn: Change, Window: Duration{N: 6, Unit: Months}, Op: Gt, Value: Int(-100)}, nil, false},
		{"change over 12m at least 166%", Agg{Array: Deals, Fn: Change, Window: Duration{N: 12, Unit: Months}, Op: Gte, Value: Int(166)}, []string{"full"}, false},
		{"change over 12m not at least 167%", Agg{Array: Deals, Fn: Change, Window: Duration{N: 12, Unit: Months}, Op: Gte, Value: Int(167)}, nil, false},
		{"change over 12m below 167%", Agg{Array: Deals, Fn: Change, Window: Duration{N: 1, Unit: Years}, Op: Lt, Value: Int(167)}, []string{"full"}, false},
		{"no deals in the earlier window: no change", Agg{Array: Deals, Fn: Change, Window: Duration{N: 366, Unit: Days}, Op: Gte, Value: Int(-100)}, nil, false},
		{"no change negated: everyone", Not{Node: Agg{Array: Deals, Fn: Change, Window: Duration{N: 366, Unit: Days}, Op: Lte, Value: Int(1000)}}, all, false},
		// Quantifiers: one element must satisfy every condition.
		{"visit within 30d", Quant{Array: Interactions, Q: Some, Where: and(cond("channel", Eq, String("VISIT")), cond("at", Gte, days(30)))}, []string{"full"}, false},
		{"phone within 5d: same element", Quant{Array: Interactions, Q: Some, Where: and(cond("channel", Eq, String("PHONE")), cond("at", Gte, days(5)))}, nil, false},
		{"some on empty", Quant{Array: Interactions, Q: Some}, []string{"full"}, false},
		{"none is not some", Quant{Array: Interactions, Q: None, Where: cond("keyEvent", Eq, String("COMPLAINT"))}, []string{"bare", "zero"}, false},
		{"every on empty is true", Quant{Array: Interactions, Q: Every, Where: cond("channel", Eq, String("VISIT"))}, []string{"bare", "zero"}, false},
		{"every need closed", Quant{Array: Needs, Q: Every, Where: cond("status", In, Strings{"RESOLVED", "ABANDONED"})}, []string{"bare", "zero"}, false},
		{"need keyEvent ne matches absent", Quant{Array: Interactions, Q: Every, Where: cond("keyEvent", Ne, String("SIGNED"))}, all, false},
		{"need resolved before", Quant{Array: Needs, Q: Some, Where: cond("resolvedAt", Lt, days(30))}, []string{"full"}, false},
		{"need resolved null", Quant{Array: Needs, Q: Some, Where: cond("resolvedAt", IsNull, Bool(true))}, []string{"full", "zero"}, false},
		{"need budget ne matches absent", Quant{Array: Needs, Q: Some, Where: cond("budgetMax", Ne, Money(30_000_000))}, []string{"full", "zero"}, false},
		{"contact role null", Quant{Array: Contacts, Q: Some, Where: cond("role", IsNull, Bool(true))}, []string{"full"}, false},
		// A derived element field (logged more than 24 hours late): null when
		// the time of logging is unknown (i1), 24 hours exactly is on time (i2).
		{"logged late", Quant{Array: Interactions, Q: Some, Where: cond("recordedLate", Eq, Bool(true))}, []string{"full"}, false},
		{"logged late, same element", Quant{Array: Interactions, Q: Some, Where: and(cond("recordedLate", Eq, Bool(true)), cond("channel", Eq, String("VISIT")))}, nil, false},
		{"on time at 24 hours", Quant{Array: Interactions, Q: Some, Where: and(cond("recordedLate", Eq, Bool(false)), cond("channel", Eq, String("VISIT")))}, []string{"full"}, false},
		{"unknown is neither", Quant{Array: Interactions, Q: Some, Where: and(cond("recordedLate", Eq, Bool(false)), cond("channel", Eq, String("PHONE")))}, nil, false},
		{"not late includes unknown", Quant{Array: Interactions, Q: Some, Where: and(Not{Node: cond("recordedLate", Eq, Bool(true))}, cond("channel", Eq, String("PHONE")))}, []string{"full"}, false},
		{"logged at an unknown time", Quant{Array: Interactions, Q: Some, Where: and(Not{Node: cond("recordedLate", Eq, Bool(true))}, Not{Node: cond("recordedLate", Eq, Bool(false))}, cond("at", Lt, Date{2026, 1, 1}))}, []string{"full"}, false},
		{"none at an unknown time after 2026", Quant{Array: Interactions, Q: Some, Where: and(Not{Node: cond("recordedLate", Eq, Bool(true))}, Not{Node: cond("recordedLate", Eq, Bool(false))}, cond("at", Gte, Date{2026, 1, 1}))}, nil, false},
		{"none late", Quant{Array: Interactions, Q: None, Where: cond("recordedLate", Eq, Bool(true))}, []string{"bare", "zero"}, false},
		{"every on time", Quant{Array: Interactions, Q: Every, Where: or(cond("recordedLate", Eq, Bool(false)), cond("at", Lt, Date{2026, 1, 1}))}, []string{"bare", "zero"}, false},
		{"every on time or early", Quant{Array: Interactions, Q: Every, Where: or(cond("recordedLate", Eq, Bool(false)), cond("at", Lt, Date{2026, 3, 26}))}, all, false},
		{"late count", Agg{Array: Interactions, Fn: Count, Op: Eq, Value: Int(1), Where: cond("recordedLate", Eq, Bool(true))}, []string{"full"}, false},
		// Windowed counts, optional fields guarded in the expressions.
		{"complaints count", Agg{Array: Interactions, Fn: Count, Op: Eq, Value: Int(1), Where: cond("keyEvent", In, Strings{"COMPLAINT", "REFERRAL"})}, []string{"full"}, false},
		{"resolved before 30d count", Agg{Array: Needs, Fn: Count, Op: Gte, Value: Int(1), Where: cond("resolvedAt", Lt, days(30))}, []string{"full"}, false},
		{"expected in 2025 count", Agg{Array: Needs, Fn: Count, Op: Eq, Value: Int(0), Where: cond("expectedOn", Between, Range{Date{2025, 1, 1}, Date{2025, 12, 31}})}, []string{"bare", "zero"}, false},
		{"budget lt count", Agg{Array: Needs, Fn: Count, Op: Gt, Value: Int(0), Where: cond("budgetMax", Lt, Money(100_000_000))}, []string{"full"}, false},
		{"contacts title contains count", Agg{Array: Contacts, Fn: Count, Op: Eq, Value: Int(1), Where: cond("title", Contains, String("ceo"))}, []string{"full"}, false},
		{"interactions by me count", Agg{Array: Interactions, Fn: Count, Op: Eq, Value: Int(2), Where: cond("createdBy", Me, Bool(true))}, []string{"full"}, false},
		{"not", Not{Node: cond("stage", In, Strings{"WON", "LOST"})}, []string{"bare"}, false},
	}
}

func TestEvaluate(t *testing.T) {
	cs := evalCustomers()
	opts := Options{Now: evalNow, Me: "u1"}
	var trees []diffCase
	var docs []*crm.Customer
	for _, c := range cs {
		docs = append(docs, c)
	}
	for _, tt := range evalCases() {
		p, err := Compile(tt.tree, opts)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		got := matchIDs(p, cs)
		if !slices.Equal(got, append([]string{}, tt.want...)) {
			t.Errorf("%s: matches %v, want %v", tt.name, got, tt.want)
		}
		if !tt.mingoDiffers {
			trees = append(trees, diffCase{tt.name, tt.tree})
		}
	}
	t.Run("mingo", func(t *testing.T) {
		var filters []bson.D
		for _, c := range trees {
			f, _, err := ToMQL(c.tree, opts)
			if err != nil {
				t.Fatal(err)
			}
			filters = append(filters, f)
		}
		res := runMingo(t, docs, filters)
		for i, c := range trees {
			p, _ := Compile(c.tree, opts)
			if want := matchIDs(p, docs); res[i].Error != "" || !slices.Equal(res[i].IDs, want) {
				t.Errorf("%s: mingo %v %s, evaluator %v\nfilter: %s", c.name, res[i].IDs, res[i].Error, want, ext(filters[i]))
			}
		}
	})
}

// TestMatchDoesNotAllocate: Match allocates nothing, scalar or nested.
func TestMatchDoesNotAllocate(t *testing.T) {
	cs := evalCustomers()
	for _, tt := range evalCases() {
		p, err := Compile(tt.tree, Options{Now: evalNow, Me: "u1"})
		if err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(20, func() {
			for _, c := range cs {
				p.Match(c)
			}
		}); n != 0 {
			t.Errorf("%s: %v allocations per run", tt.name, n)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name  string
		tree  Node
		opts  Options
		code  crm.Code
		field string
	}{
		{"me without a user", and(cond("stage", Eq, String("WON")), cond("owner", Me, Bool(true))), Options{Now: evalNow}, crm.CodeBadUserInput, "where.and[1].owner.me"},
		{"me in an element", Quant{Array: Interactions, Q: Some, Where: cond("createdBy", Me, Bool(true))}, Options{}, crm.CodeBadUserInput, "where.interactions.some.createdBy.me"},
		{"relative time without now", cond("createdAt", Gte, days(3)), Options{}, crm.CodeInternal, ""},
		{"range impossible once resolved", cond("createdAt", Between, Range{Date{2026, 3, 30}, days(3)}), Options{Now: evalNow}, crm.CodeBadUserInput, "where.createdAt.between"},
		{"month range impossible once resolved", cond("lastDealOn", Between, Range{Ago{N: 1, Unit: Months}, days(30)}), Options{Now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}, crm.CodeBadUserInput, "where.lastDealOn.between"},
	}
	for _, tt := range tests {
		_, err1 := Compile(tt.tree, tt.opts)
		_, _, err2 := ToMQL(tt.tree, tt.opts)
		for _, err := range []error{err1, err2} {
			var ce *crm.Error
			if !errors.As(err, &ce) || ce.Code != tt.code || (tt.field != "" && (len(ce.Fields) == 0 || ce.Fields[0].Field != tt.field)) {
				t.Errorf("%s: %v, want %s at %s", tt.name, err, tt.code, tt.field)
			}
		}
	}
	// A relative-free filter needs no now.
	if _, err := Compile(cond("createdAt", Gte, Date{2026, 1, 1}), Options{}); err != nil {
		t.Error(err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		tree  Node
		field string
		msg   string
	}{
		{and(cond("stage", Eq, String("WON")), Quant{Array: Interactions, Q: Some, Where: cond("channel", In, Strings{})}), "where.and[1].interactions.some.channel.in", "must not be empty"},
		{cond("nope", Eq, String("x")), "where.nope", "unknown field"},
		{cond("stage", Gt, String("WON")), "where.stage.gt", "unknown operator"},
		{cond("stage", Eq, String("won")), "where.stage.eq", "not a valid value"},
		{cond("stage", In, Strings{"WON", "X"}), "where.stage.in[1]", "not a valid value"},
		{cond("interactionCount", Gte, String("3")), "where.interactionCount.gte", "must be an integer"},
		{cond("totalAmount", Gte, Int(3)), "where.totalAmount.gte", "must be an amount"},
		{cond("totalAmount", Gte, Money(-1)), "where.totalAmount.gte", "must not be negative"},
		{cond("totalAmount", Between, Range{Money(5), Money(4)}), "where.totalAmount.between", "impossible range"},
		{cond("createdAt", Between, Range{days(3), days(30)}), "where.createdAt.between", "impossible range"},
		{cond("createdAt", Between, Range{Date{2026, 2, 1}, Date{2026, 1, 31}}), "where.createdAt.between", "impossible range"},
		{cond("createdAt", Eq, days(3)), "where.createdAt.eq", "takes a date"},
		{cond("createdAt", Gt, Ago{N: 101, Unit: Years}), "where.createdAt.gt", "at most 100y"},
		{cond("createdAt", Gt, Date{2026, 2, 30}), "where.createdAt.gt", "valid date"},
		{cond("lastDealOn", Gt, At(evalNow)), "where.lastDealOn.gt", "must be a date"},
		{cond("createdAt", Gt, At(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC))), "where.createdAt.gt", "between 1900 and 9999"},
		{cond("name", Contains, String("")), "where.name.contains", "must not be empty"},
		{cond("name", Contains, String(strings.Repeat("x", 1<<20))), "where.name.contains", "at most 200 characters"},
		{cond("name", Eq, String("a\x00b")), "where.name.eq", "control characters"},
		{cond("name", In, make(Strings, MaxList+1)), "where.name.in", "at most 1000 values"},
		{cond("tags", IsEmpty, String("yes")), "where.tags.isEmpty", "true or false"},
		{cond("stage", IsNull, Bool(true)), "where.stage.isNull", "unknown operator"},
		{cond("search", Eq, String("x")), "where.search", "takes a text"},
		{Quant{Array: Deals, Q: Some, Where: cond("industry", Eq, String("x"))}, "where.deals.some.industry", "unknown field"},
		{Quant{Array: "orders", Q: Some}, "where.orders", "unknown array"},
		{Quant{Array: Deals, Q: "any"}, "where.deals.any", "unknown quantifier"},
		{Quant{Array: Deals, Q: Some, Where: Quant{Array: Deals, Q: Some}}, "where.deals.some.deals", "customer's arrays only"},
		{Agg{Array: Interactions, Fn: Sum, Op: Gte, Value: Money(1)}, "where.interactions.sum", "deals only"},
		{Agg{Array: Deals, Fn: Sum, Op: Ne, Value: Money(1)}, "where.deals.sum.ne", "unknown operator"},
		{Agg{Array: Deals, Fn: Count, Op: Gte, Value: Int(-1)}, "where.deals.count.gte", "must not be negative"},
		{Agg{Array: Interactions, Fn: Change, Window: Duration{N: 12, Unit: Months}, Op: Gte, Value: Int(1)}, "where.interactions.change", "deals only"},
		{Agg{Array: Deals, Fn: Change, Window: Duration{N: 12, Unit: Months}, Op: Gte, Value: Int(1), Where: cond("product", Eq, String("ERP"))}, "where.deals.change.where", "no element filter"},
		{Agg{Array: Deals, Fn: Change, Op: Gte, Value: Int(1)}, "where.deals.change.window", "at least 1d"},
		{Agg{Array: Deals, Fn: Change, Window: Duration{N: 51, Unit: Years}, Op: Gte, Value: Int(1)}, "where.deals.change.window", "at most 50y"},
		{Agg{Array: Deals, Fn: Change, Window: Duration{N: 12, Unit: Months}, Op: Gte, Value: Money(1)}, "where.deals.change.gte", "whole percent"},
		{Agg{Array: Deals, Fn: Change, Window: Duration{N: 12, Unit: Months}, Op: Lt, Value: Int(-MaxChangePercent - 1)}, "where.deals.change.lt", "percent from"},
		{Agg{Array: Deals, Fn: Change, Window: Duration{N: 12, Unit: Months}, Op: Ne, Value: Int(1)}, "where.deals.change.ne", "unknown operator"},
		{Agg{Array: Deals, Fn: Count, Op: Gte, Value: Int(1), Where: cond("x", Eq, String("y"))}, "where.deals.count.where.x", "unknown field"},
		{and(cond("stage", Eq, String("WON")), nil), "where.and[1]", "must not be null"},
		{deep(MaxDepth + 1), "where" + strings.Repeat(".not", MaxDepth), "nested deeper than 10"},
		{wide(MaxNodes + 1), "where", "more than 500 conditions"},
	}
	for _, tt := range tests {
		err := Validate(tt.tree)
		var ce *crm.Error
		if !errors.As(err, &ce) || ce.Code != crm.CodeBadUserInput || len(ce.Fields) == 0 {
			t.Errorf("Validate(%.80v) = %v, want BAD_USER_INPUT", tt.tree, err)
			continue
		}
		if f := ce.Fields[0]; f.Field != tt.field || !strings.Contains(f.Message, tt.msg) {
			t.Errorf("Validate(%.80v): %s: %s\nwant %s: ...%s...", tt.tree, f.Field, f.Message, tt.field, tt.msg)
		}
	}
	for _, ok := range []Node{deep(MaxDepth), wide(MaxNodes - 1), nil, and(), or()} {
		if err := Validate(ok); err != nil {
			t.Errorf("Validate: %v", err)
		}
	}
}

// deep is a chain of n levels: Not ... Not cond.
func deep(n int) Node {
	var x Node = cond("stage", Eq, String("WON"))
	for range n - 1 {
		x = Not{Node: x}
	}
	return x
}

// wide is an Or of n-1 conditions: n nodes.
func wide(n int) Node {
	o := Or{}
	for range n - 1 {
		o.Nodes = append(o.Nodes, cond("stage", Eq, String("WON")))
	}
	return o
}

func TestFieldsOf(t *testing.T) {
	n, err := Parse(`tier:A "x" visits(90d):>=3 deals(1y):>5 needs.some(type:product)`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range FieldsOf(n) {
		got = append(got, string(f.Scope)+"."+f.Name)
	}
	want := []string{".search", ".code", ".name", ".valueTier", "contacts.name", "interactions.at", "interactions.channel", "needs.type", "deals.amount", "deals.date"}
	if !slices.Equal(got, want) {
		t.Errorf("FieldsOf = %v, want %v", got, want)
	}
}

func TestArraysOf(t *testing.T) {
	n, err := Parse(`tier:A "x" visits(90d):>=3 deals.some(amount:>1)`)
	if err != nil {
		t.Fatal(err)
	}
	if got := ArraysOf(n); !slices.Equal(got, []Array{Contacts, Interactions, Deals}) {
		t.Errorf("ArraysOf = %v", got)
	}
	if got := ArraysOf(cond("stage", Eq, String("WON"))); got != nil {
		t.Errorf("ArraysOf(scalar) = %v", got)
	}
}

func TestDuration(t *testing.T) {
	for s, want := range map[string]Duration{"90d": {90, Days}, "2w": {2, Weeks}, "6M": {6, Months}, "1y": {1, Years}, "3天": {3, Days}, "0d": {0, Days}} {
		if d, ok := ParseDuration(s); !ok || d != want {
			t.Errorf("ParseDuration(%q) = %v, %v", s, d, ok)
		}
	}
	for _, s := range []string{"", "d", "-1d", "1.5d", "1h", "1dd", "9999999d", " 1d"} {
		if d, ok := ParseDuration(s); ok {
			t.Errorf("ParseDuration(%q) = %v", s, d)
		}
	}
	// Month arithmetic clamps to the end of the month, in Options.Loc.
	n := cond("createdAt", Gte, Ago{N: 1, Unit: Months})
	for _, tt := range []struct {
		now, want time.Time
	}{
		{cst(2026, 3, 31, 10, 0), cst(2026, 2, 28, 10, 0)},
		{cst(2024, 3, 31, 10, 0), cst(2024, 2, 29, 10, 0)},
		{cst(2026, 1, 15, 10, 0), cst(2025, 12, 15, 10, 0)},
	} {
		f, _, err := ToMQL(n, Options{Now: tt.now})
		if err != nil {
			t.Fatal(err)
		}
		got := f[0].Value.(bson.D)[0].Value.(time.Time)
		if !got.Equal(tt.want) {
			t.Errorf("1m before %v = %v, want %v", tt.now, got, tt.want)
		}
	}
}

func TestExplain(t *testing.T) {
	n, err := Parse(`tier:A,B last-contact:>90d visits(90d):>=3`)
	if err != nil {
		t.Fatal(err)
	}
	s, pushed, err := Explain(n, Options{Now: evalNow})
	if err != nil || !pushed {
		t.Fatal(pushed, err)
	}
	want := `{"$and":[{"valueTier":{"$in":["A","B"]}},{"stats.lastInteractionAt":{"$gt":{"$date":{"$numberLong":"-62135596800000"}},"$lt":{"$date":{"$numberLong":"1767146400000"}}}},` +
		`{"$expr":{"$gte":[{"$size":{"$filter":{"input":{"$ifNull":["$interactions",[]]},"as":"e","cond":{"$and":[{"$eq":["$$e.channel","VISIT"]},{"$gte":["$$e.at",{"$date":{"$numberLong":"1767146400000"}}]}]}}}},{"$numberLong":"3"}]}}]}`
	if s != want {
		t.Errorf("Explain =\n%s\nwant\n%s", s, want)
	}
}

func TestScalarOnly(t *testing.T) {
	tests := []struct {
		line, want string
		pushed     bool
	}{
		{"tier:A", `{"valueTier":"A"}`, true},
		{"tier:A visits(90d):>=3", `{"valueTier":"A"}`, false},
		{"tier:A -visits(90d):>=3", `{"valueTier":"A"}`, false},
		{"tier:A OR interactions.some(channel:visit)", `{}`, false},
		{"-(tier:A OR interactions.some(channel:visit))", `{"$nor":[{"valueTier":"A"}]}`, false},
		{"-(tier:A interactions.some(channel:visit))", `{}`, false},
	}
	for _, tt := range tests {
		n, err := Parse(tt.line)
		if err != nil {
			t.Fatal(err)
		}
		f, pushed, err := ToMQL(n, Options{Now: evalNow, ScalarOnly: true})
		if err != nil || pushed != tt.pushed || ext(f) != tt.want {
			t.Errorf("ToMQL(%q, ScalarOnly) = %s, %v, %v; want %s, %v", tt.line, ext(f), pushed, err, tt.want, tt.pushed)
		}
	}
}
