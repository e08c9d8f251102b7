package segment_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	. "github.com/kehu-crm/kehu/internal/segment"
)

func cond(field string, op Op, v Value) Cond { return Cond{Field: field, Op: op, Value: v} }
func and(ns ...Node) And                     { return And{Nodes: ns} }
func or(ns ...Node) Or                       { return Or{Nodes: ns} }
func days(n int) Ago                         { return Ago{N: n, Unit: Days} }

// issueLine is the example of issue 10.
const issueLine = `tier:A,B industry:制造业 stage:negotiation tag:高意向 -tag:投诉风险 owner:me created:>2026-01-01 last-contact:>90d visits(90d):>=3 deals(365d):>=500000 "科技"`

func TestParse(t *testing.T) {
	visits90 := Agg{Array: Interactions, Fn: Count, Op: Gte, Value: Int(3), Where: and(
		cond("channel", Eq, String("VISIT")), cond("at", Gte, days(90)))}
	tests := []struct {
		line string
		want Node
	}{
		{"", nil},
		{"   \u3000 ", nil},
		{"()", nil},
		{issueLine, and(
			cond("valueTier", In, Strings{"A", "B"}),
			cond("industry", Eq, String("制造业")),
			cond("stage", Eq, String("NEGOTIATION")),
			cond("tags", HasAny, Strings{"高意向"}),
			cond("tags", HasNone, Strings{"投诉风险"}),
			cond("owner", Me, Bool(true)),
			cond("createdAt", Gt, Date{2026, 1, 1}),
			cond("lastInteractionAt", Lt, days(90)),
			visits90,
			Agg{Array: Deals, Fn: Sum, Op: Gte, Value: Money(50_000_000), Where: cond("date", Gte, days(365))},
			cond("search", Contains, String("科技")),
		)},
		// Chinese labels, aliases, full-width punctuation of a Chinese input method.
		{"阶段：商务谈判 等级:A类 意向:高意向 行业：制造业，零售业", and(
			cond("stage", Eq, String("NEGOTIATION")),
			cond("valueTier", Eq, String("A")),
			cond("intentGrade", Eq, String("A")),
			cond("industry", In, Strings{"制造业", "零售业"}),
		)},
		{"valueTier:a intentGrade:c LAST-CONTACT:<30d", and(
			cond("valueTier", Eq, String("A")), cond("intentGrade", Eq, String("C")), cond("lastInteractionAt", Gt, days(30)))},
		// Precedence: AND binds tighter than OR.
		{"tier:A stage:won OR tier:B", or(and(cond("valueTier", Eq, String("A")), cond("stage", Eq, String("WON"))), cond("valueTier", Eq, String("B")))},
		{"tier:A (stage:won OR tier:B)", and(cond("valueTier", Eq, String("A")), or(cond("stage", Eq, String("WON")), cond("valueTier", Eq, String("B"))))},
		{"tier:A AND tier:B", and(cond("valueTier", Eq, String("A")), cond("valueTier", Eq, String("B")))},
		{"((tier:A))", cond("valueTier", Eq, String("A"))},
		// Negation: the complementary operator where there is one, else not.
		{"-tier:A", cond("valueTier", Ne, String("A"))},
		{"-tier:A,B", cond("valueTier", NotIn, Strings{"A", "B"})},
		{"-(tier:A)", Not{Node: cond("valueTier", Eq, String("A"))}},
		{"-(tier:A OR tier:B)", Not{Node: or(cond("valueTier", Eq, String("A")), cond("valueTier", Eq, String("B")))}},
		{"-name:*科技*", Not{Node: cond("name", Contains, String("科技"))}},
		{"-owner:me -owner:none -tag:none", and(cond("owner", Me, Bool(false)), cond("owner", IsNull, Bool(false)), cond("tags", IsEmpty, Bool(false)))},
		{"-科技", Not{Node: cond("search", Contains, String("科技"))}},
		// Text: exact, list, contains, prefix, null, quoting.
		{`name:*"有限 公司"* code:c2026* city:none source:"none"`, and(
			cond("name", Contains, String("有限 公司")), cond("code", StartsWith, String("c2026")),
			cond("city", IsNull, Bool(true)), cond("source", Eq, String("none")))},
		{`name:"a\"b\\c"`, cond("name", Eq, String(`a"b\c`))},
		{`“北京 科技”`, cond("search", Contains, String("北京 科技"))},
		{`"OR"`, cond("search", Contains, String("OR"))},
		{`ORACLE`, cond("search", Contains, String("ORACLE"))},
		{`tag:a+b tag:"x,y"`, and(cond("tags", HasAll, Strings{"a", "b"}), cond("tags", HasAny, Strings{"x,y"}))},
		// Numbers, money, ranges.
		{"amount:>=50万 satisfaction:80.5..90 deal-count:3 open-needs:<2", and(
			cond("totalAmount", Gte, Money(50_000_000)), cond("avgSatisfaction", Between, Range{Float(80.5), Float(90)}),
			cond("dealCount", Eq, Int(3)), cond("openNeedCount", Lt, Int(2)))},
		{"amount:1000.5..2000", cond("totalAmount", Between, Range{Money(100_050), Money(200_000)})},
		{"satisfaction:none", cond("avgSatisfaction", IsNull, Bool(true))},
		// Times: dates, instants, ages, ranges.
		{"created:2026-03-01 updated:2026/3/1..2026年3月31日", and(
			cond("createdAt", Eq, Date{2026, 3, 1}), cond("updatedAt", Between, Range{Date{2026, 3, 1}, Date{2026, 3, 31}}))},
		{"created:>=2026-01-01T08:00:00+08:00", cond("createdAt", Gte, At(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))},
		{"last-contact:<=30d last-contact:>=2w last-contact:30d..90d", and(
			cond("lastInteractionAt", Gte, days(30)), cond("lastInteractionAt", Lte, Ago{N: 2, Unit: Weeks}),
			cond("lastInteractionAt", Between, Range{days(90), days(30)}))},
		{"first-deal:>6m last-deal:<1y", and(cond("firstDealOn", Lt, Ago{N: 6, Unit: Months}), cond("lastDealOn", Gt, Ago{N: 1, Unit: Years}))},
		// Nested arrays.
		{"interactions.some(channel:拜访 at:<=30d)", Quant{Array: Interactions, Q: Some, Where: and(
			cond("channel", Eq, String("VISIT")), cond("at", Gte, days(30)))}},
		{"needs.every(status:resolved,abandoned) contacts.none(role:决策者) deals.some()", and(
			Quant{Array: Needs, Q: Every, Where: cond("status", In, Strings{"RESOLVED", "ABANDONED"})},
			Quant{Array: Contacts, Q: None, Where: cond("role", Eq, String("DECISION_MAKER"))},
			Quant{Array: Deals, Q: Some})},
		{"-interactions.some(by:me)", Not{Node: Quant{Array: Interactions, Q: Some, Where: cond("createdBy", Me, Bool(true))}}},
		{"visits(90d):>=3", visits90},
		{"interactions.count(channel:VISIT at:<=90d):>=3", visits90},
		{"complaints(180d):0 interactions(2w):<5", and(
			Agg{Array: Interactions, Fn: Count, Op: Eq, Value: Int(0), Where: and(cond("keyEvent", Eq, String("COMPLAINT")), cond("at", Gte, days(180)))},
			Agg{Array: Interactions, Fn: Count, Op: Lt, Value: Int(5), Where: cond("at", Gte, Ago{N: 2, Unit: Weeks})})},
		{"deals.sum(date:>=2026-01-01 amount:>1000):<=100万 deals.count():>2", and(
			Agg{Array: Deals, Fn: Sum, Op: Lte, Value: Money(100_000_000), Where: and(cond("date", Gte, Date{2026, 1, 1}), cond("amount", Gt, Money(100_000)))},
			Agg{Array: Deals, Fn: Count, Op: Gt, Value: Int(2)})},
		{"needs.some(urgent:true budget:none expected:<=2026-12-31)", Quant{Array: Needs, Q: Some, Where: and(
			cond("urgent", Eq, Bool(true)), cond("budgetMax", IsNull, Bool(true)), cond("expectedOn", Lte, Date{2026, 12, 31}))}},
		// Surveys, the stage history, participants and durations.
		{"surveys.some(score:<60 at:>=2026-01-01) 调研.count():>=2", and(
			Quant{Array: Satisfaction, Q: Some, Where: and(cond("score", Lt, Int(60)), cond("at", Gte, Date{2026, 1, 1}))},
			Agg{Array: Satisfaction, Fn: Count, Op: Gte, Value: Int(2)})},
		{"满意度调查.every(分数:85..100)", Quant{Array: Satisfaction, Q: Every, Where: cond("score", Between, Range{Int(85), Int(100)})}},
		{"stages.some(from:none to:潜在客户) 阶段记录.count(from:谈判,方案提交 to:成交 at:<1y):>=1 -stages.some(to:lost)", and(
			Quant{Array: StageHistory, Q: Some, Where: and(cond("from", IsNull, Bool(true)), cond("to", Eq, String("POTENTIAL")))},
			Agg{Array: StageHistory, Fn: Count, Op: Gte, Value: Int(1), Where: and(
				cond("from", In, Strings{"NEGOTIATION", "PROPOSAL"}), cond("to", Eq, String("WON")), cond("at", Gt, Ago{N: 1, Unit: Years}))},
			Not{Node: Quant{Array: StageHistory, Q: Some, Where: cond("to", Eq, String("LOST"))}})},
		{"stages.some(-from:none -to:won)", Quant{Array: StageHistory, Q: Some, Where: and(cond("from", IsNull, Bool(false)), cond("to", Ne, String("WON")))}},
		{"interactions.some(participant:me duration:>=60) interactions.some(participant:u1,u2 -participant:u3) interactions.some(参与人:u1+u2 时长:none)", and(
			Quant{Array: Interactions, Q: Some, Where: and(cond("participants", Me, Bool(true)), cond("durationMin", Gte, Int(60)))},
			Quant{Array: Interactions, Q: Some, Where: and(cond("participants", HasAny, Strings{"u1", "u2"}), cond("participants", HasNone, Strings{"u3"}))},
			Quant{Array: Interactions, Q: Some, Where: and(cond("participants", HasAll, Strings{"u1", "u2"}), cond("durationMin", IsNull, Bool(true)))})},
		{`interactions.none(-participant:me -participant:none participant:"me" duration:30..45 -duration:0)`, Quant{Array: Interactions, Q: None, Where: and(
			cond("participants", Me, Bool(false)), cond("participants", IsEmpty, Bool(false)), cond("participants", HasAny, Strings{"me"}),
			cond("durationMin", Between, Range{Int(30), Int(45)}), cond("durationMin", Ne, Int(0)))}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.line)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.line, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q)\n got %#v\nwant %#v", tt.line, got, tt.want)
		}
		// Every valid line formats and reads back the same.
		line, ok := Format(got)
		if !ok {
			t.Errorf("Format(Parse(%q)) has no line", tt.line)
			continue
		}
		again, err := Parse(line)
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("Parse(Format(Parse(%q))) = Parse(%q) = %#v, %v", tt.line, line, again, err)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		tree Node
		want string
	}{
		{nil, ""},
		{and(cond("valueTier", Eq, String("A")), or(cond("stage", Eq, String("WON")), cond("stage", Eq, String("LOST")))), "tier:A (stage:WON OR stage:LOST)"},
		{Not{Node: cond("valueTier", Ne, String("A"))}, "-(-tier:A)"},
		{Not{Node: cond("createdAt", Gt, Date{2026, 1, 1})}, "-created:>2026-01-01"},
		{Not{Node: Not{Node: cond("valueTier", Eq, String("A"))}}, "-(-(tier:A))"},
		{cond("valueTier", In, Strings{"A"}), "tier:A"},
		{cond("tags", HasAll, Strings{"a b", "c+d", "none"}), `tag:"a b"+"c+d"+"none"`},
		{cond("name", Eq, String(">5")), `name:">5"`},
		{cond("search", Contains, String("-x")), `"-x"`},
		{cond("search", Contains, String("a:b")), `"a:b"`},
		{cond("owner", Eq, String("me")), `owner:"me"`},
		{cond("totalAmount", Gt, Money(12345)), "amount:>123.45"},
		{cond("createdAt", Lt, At(time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.FixedZone("CST", 8*3600)))), "created:<2026-01-01T19:04:05.006Z"},
		{Agg{Array: Deals, Fn: Sum, Op: Gte, Value: Money(50_000_000), Where: cond("date", Gte, days(365))}, "deals(365d):>=500000"},
		{Agg{Array: Deals, Fn: Count, Op: Gte, Value: Int(2), Where: cond("date", Gte, days(365))}, "deals.count(date:<=365d):>=2"},
		{Quant{Array: Needs, Q: Some, Where: And{}}, "needs.some()"},
		{and(cond("valueTier", Eq, String("A")), and()), "tier:A"},
	}
	for _, tt := range tests {
		got, ok := Format(tt.tree)
		if !ok || got != tt.want {
			t.Errorf("Format(%#v) = %q, %v; want %q", tt.tree, got, ok, tt.want)
		}
	}
	for _, bad := range []Node{or(), and(cond("valueTier", Eq, String("A")), or()), cond("nope", Eq, String("x"))} {
		if s, ok := Format(bad); ok {
			t.Errorf("Format(%#v) = %q, want no line", bad, s)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		line string
		pos  int
		msg  string // part of the message
	}{
		{"tier:", 6, `expected a value after "tier:"`},
		{"tier:A industry: stage:won", 17, `expected a value after "industry:"`},
		{"tier:X", 6, `"X" is not a tier: expected one of A, B, C or a label such as B类`},
		{"stage:won,nope", 11, `"nope" is not a stage`},
		{"foo:1", 1, `unknown field "foo"`},
		{"http://example.com", 1, `unknown field "http"`},
		{"(tier:A", 8, `expected ")" to close the "(" at 1`},
		{"tier:A)", 7, `unexpected ")"`},
		{"tier:A OR", 10, `expected a term after "OR"`},
		{"OR tier:A", 1, `expected a term before "OR"`},
		{"tier:A AND", 11, `expected a term after "AND"`},
		{"- tier:A", 2, `expected a term after "-"`},
		{"--tier:A", 1, `negated with one "-"`},
		{`"abc`, 5, "expected a closing quotation mark"},
		{`name:"a"b`, 9, "expected a space after the value"},
		{"amount:>=abc", 10, "expected an amount in yuan"},
		{"amount:1.234", 8, "at most 2 decimal places"},
		{"deal-count:1.5", 12, "expected an integer"},
		{"deal-count:1,2", 13, "takes one number"},
		{"created:30d", 9, "a relative time needs < or >"},
		{"created:2026-13-01", 9, "expected a date"},
		{"created:>101y", 1, "at most 100y"},
		{"created:2026-01-01T00:00:00Z", 9, "an exact time"},
		{"name:>x", 6, "text field: it takes no >"},
		{"name:*x", 6, "ends with"},
		{"name:*a*,b", 6, "single value"},
		{"tier:A..B", 7, "takes no range"},
		{"tag:a,b+c", 8, "mixed separators"},
		{"industry:none,x", 10, "none stands alone"},
		{"stage:none", 7, "never empty"},
		{"visits(90):>=3", 8, "expected a relative time"},
		{"visits(90d)", 12, `":" and a comparison`},
		{"visits(90d):>=x", 15, "expected a count"},
		{"deals(1y):>=-5", 13, "expected an amount"},
		{"interactions.sum(at:<=1y):>1", 1, "deals only"},
		{"interactions.any(at:<=1y)", 14, "expected some, none, every, count or sum"},
		{"interactions.count:>3", 19, `expected "(" after "interactions.count"`},
		{"orders.some(x:1)", 1, `unknown array "orders" (expected contacts, interactions, needs, deals, surveys, stages, services or tasks)`},
		{"surveys.sum(score:>1):>1", 1, "deals only"},
		{"stages.some(from:won..lost)", 21, "from is a choice field: it takes no range"},
		{"stages.some(to:none)", 16, "never empty"},
		{"surveys.some(score:none)", 20, "never empty"},
		{"interactions.some(participant:me,u1)", 31, "me stands alone: participant:me"},
		{"interactions.some(participant:u1..u2)", 33, "participant takes no range"},
		{"interactions.some(participant:>u1)", 31, "user list field: it takes no >"},
		{"interactions.some(duration:>1.5)", 29, "expected an integer"},
		{"interactions.some(stage:won)", 19, `unknown field "stage" of interactions`},
		{"interactions.some(科技)", 19, "free text searches customers only"},
		{"interactions.some(deals.some())", 19, "quantifiers do not nest"},
		{"name:" + strings.Repeat("长", MaxString+1), 1, "at most 200 characters"},
		{strings.Repeat("(", MaxDepth+1) + "tier:A" + strings.Repeat(")", MaxDepth+1), MaxDepth + 1, "nested deeper than 10"},
		{strings.Repeat("-(", 6) + "tier:A" + strings.Repeat(" x)", 6), 1, "nested deeper than 10"},
		{strings.Repeat("a ", MaxNodes+1), 2*MaxNodes + 1, "more than 500 conditions"},
		{strings.Repeat("x", MaxQueryLength+1), 1, "too long"},
		{"tier:A \xff", 8, "not valid UTF-8"},
	}
	for _, tt := range tests {
		n, err := Parse(tt.line)
		if err == nil {
			t.Errorf("Parse(%.40q) = %#v, want an error", tt.line, n)
			continue
		}
		var ce *crm.Error
		var pe *ParseError
		if !errors.As(err, &ce) || ce.Code != crm.CodeBadUserInput || len(ce.Fields) != 1 || ce.Fields[0].Field != "query" || !errors.As(err, &pe) {
			t.Errorf("Parse(%.40q): %v is not a BAD_USER_INPUT on query with a ParseError", tt.line, err)
			continue
		}
		if pe.Pos != tt.pos || !strings.Contains(pe.Msg, tt.msg) {
			t.Errorf("Parse(%.40q): at %d: %s\nwant at %d: ...%s...", tt.line, pe.Pos, pe.Msg, tt.pos, tt.msg)
		}
		if want := "query: at " + itoa(pe.Pos) + ": "; !strings.HasPrefix(ce.Message, want) {
			t.Errorf("Parse(%.40q): message %q does not start with %q", tt.line, ce.Message, want)
		}
	}
}

// TestFormatParseRoundTrip: random trees go through their line and back
// unchanged (up to Normalize), and the line is stable.
func TestFormatParseRoundTrip(t *testing.T) {
	t.Parallel()
	g := newGen(42, buildVocab(demoData()))
	formatted := 0
	for i := range 3000 {
		tree := g.tree()
		line, ok := Format(tree)
		if !ok {
			continue
		}
		formatted++
		got, err := Parse(line)
		if err != nil {
			t.Fatalf("tree %d: Parse(Format) = %v\nline: %s\ntree: %#v", i, err, line, tree)
		}
		if want := Normalize(tree); !reflect.DeepEqual(got, want) {
			t.Fatalf("tree %d: Parse(Format(t)) != Normalize(t)\nline: %s\n got %#v\nwant %#v", i, line, got, want)
		}
		if again, _ := Format(got); again != line {
			t.Fatalf("tree %d: Format is not stable: %q then %q", i, line, again)
		}
	}
	if formatted < 2900 {
		t.Errorf("only %d of 3000 random trees have a line", formatted)
	}
}

// TestPathological: hostile lines fail (or succeed) fast, with no
// exponential behaviour.
func TestPathological(t *testing.T) {
	big := strings.Repeat("科", 1<<20/3)
	lines := map[string]string{
		"10,000 OR terms":          strings.Repeat("tier:A OR ", 10_000) + "tier:B",
		"500 OR terms, in bounds":  strings.TrimSuffix(strings.Repeat("a OR ", 450), " OR "),
		"deep parentheses":         strings.Repeat("(", 100_000) + strings.Repeat(")", 100_000),
		"deep negations":           strings.Repeat("-(", 5000) + "x" + strings.Repeat(")", 5000),
		"1 MB quoted string":       `"` + big + `"`,
		"1 MB bare word":           big,
		"regex metacharacters":     `name:*".*(a|b)+[^x]{1000}\\$"* ".*.*.*.*.*.*.*.*=" code:(*+?)*`,
		"many stars":               "name:" + strings.Repeat("*", 3000),
		"long list":                "industry:" + strings.Repeat("x,", 1999) + "x",
		"unclosed quotes":          strings.Repeat(`"a" "`, 700),
		"nested arrays":            strings.Repeat("interactions.some(", 50) + strings.Repeat(")", 50),
		"many colons":              strings.Repeat(":", 3000),
		"dots":                     "amount:" + strings.Repeat(".", 3000),
		"huge number":              "deal-count:" + strings.Repeat("9", 1000),
		"OR OR":                    strings.Repeat("OR ", 1000),
		"alternating minus groups": strings.Repeat("-(a) ", 600),
	}
	for name, line := range lines {
		n, err := Parse(line)
		if err != nil && !crm.IsCode(err, crm.CodeBadUserInput) {
			t.Errorf("%s: %v", name, err)
		}
		if err == nil {
			if _, err := Compile(n, Options{Now: testNow, Me: "u"}); err != nil {
				t.Errorf("%s: parsed but does not compile: %v", name, err)
			}
		}
	}
	// Regex metacharacters are literal text, in process and for MongoDB.
	n, err := Parse(`name:*"(.*)"*`)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := Compile(n, Options{})
	if p.Match(&crm.Customer{Name: "北京科技"}) || !p.Match(&crm.Customer{Name: "x(.*)y"}) {
		t.Error("contains (.*) is not literal")
	}
	s, _, _ := Explain(n, Options{})
	if !strings.Contains(s, `\\(\\.\\*\\)`) {
		t.Errorf("the MongoDB regex does not quote the text: %s", s)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{issueLine, "", "tier:A OR -(stage:won tag:a+b)", `name:*"x y"* "z"`, "visits(90d):>=3",
		"interactions.some(channel:visit at:<=30d)", "deals.sum(date:2026-01-01..2026-03-31):>1万", "last-contact:30d..90d",
		"created:>=2026-01-01T08:00:00+08:00", "satisfaction:80.5..90", "-owner:me", "阶段：商务谈判，成交", "(((", `"\`,
		"needs.every(budget:none expected:<=1y)", "a AND b OR c", "tag:none -tag:x,y",
		"surveys.some(score:<60 at:<1y) 调研.count():>=2", "stages.some(from:none to:成交) -stages.some(to:lost)",
		"interactions.some(participant:me,u2+u3 duration:none -participant:none duration:30..45)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		n, err := Parse(line)
		if err != nil {
			var pe *ParseError
			if !crm.IsCode(err, crm.CodeBadUserInput) || !errors.As(err, &pe) {
				t.Fatalf("Parse error %v is not BAD_USER_INPUT with a ParseError", err)
			}
			if pe.Pos < 1 || pe.Offset < 0 || pe.Offset > len(line) {
				t.Fatalf("error position %d (offset %d) outside the line", pe.Pos, pe.Offset)
			}
			return
		}
		if err := Validate(n); err != nil {
			t.Fatalf("Parse accepted an invalid tree: %v", err)
		}
		if _, err := Compile(n, Options{Now: testNow, Me: "u"}); err != nil && !crm.IsCode(err, crm.CodeBadUserInput) {
			t.Fatalf("Compile: %v", err)
		}
		formatted, ok := Format(n)
		if !ok {
			return
		}
		again, err := Parse(formatted)
		if err != nil || !reflect.DeepEqual(again, n) {
			t.Fatalf("round trip: %q -> %q -> %#v, %v; want %#v", line, formatted, again, err, n)
		}
	})
}

// TestQueryDocExamples: every example line of QUERY.md parses, and the
// issue's line is in it.
func TestQueryDocExamples(t *testing.T) {
	doc, err := os.ReadFile("QUERY.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	if !strings.Contains(text, issueLine) {
		t.Error("QUERY.md lacks the issue's example line")
	}
	_, rest, _ := strings.Cut(text, "### Examples\n\n```\n")
	block, _, _ := strings.Cut(rest, "```")
	lines := strings.Split(strings.TrimSpace(block), "\n")
	if len(lines) < 10 {
		t.Fatalf("found %d examples", len(lines))
	}
	for _, l := range append(lines, issueLine) {
		line := l
		if i := strings.Index(l, "  "); i > 0 {
			line = l[:i]
		}
		n, err := Parse(line)
		if err != nil {
			t.Errorf("QUERY.md example %q: %v", line, err)
			continue
		}
		if _, err := Compile(n, Options{Now: testNow, Me: "u"}); err != nil {
			t.Errorf("QUERY.md example %q: %v", line, err)
		}
	}
}
