package segment_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/mingotest"
	. "github.com/kehu-crm/kehu/internal/segment"
)

// mingoDir holds the Node script and the lock file of its dependencies
// (mingo, bson). They are installed outside the source tree (mingoInstall).
const mingoDir = "testdata/mingo"

// mingoInstall installs the mingo script (internal/mingotest).
func mingoInstall(t *testing.T) string {
	t.Helper()
	return mingotest.Install(t, mingoDir, "run.mjs")
}

type mingoResult struct {
	IDs   []string `json:"ids"`
	Error string   `json:"error"`
}

// runMingo evaluates the filters on the documents with mingo (MongoDB's
// query language in JavaScript). It skips the test when Node.js or npm is
// missing and installs the locked dependencies (npm ci) on first use.
func runMingo(t *testing.T, docs []*crm.Customer, filters []bson.D) []mingoResult {
	t.Helper()
	script := mingoInstall(t)
	lines := make([][]byte, len(filters))
	for i, f := range filters {
		b, err := bson.MarshalExtJSON(f, true, false)
		if err != nil {
			t.Fatal(err)
		}
		lines[i] = b
	}
	out := mingotest.Run(t, script, docs, lines)
	var res []mingoResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("mingo output: %v", err)
	}
	if len(res) != len(filters) {
		t.Fatalf("mingo answered %d filters of %d", len(res), len(filters))
	}
	return res
}

func matchIDs(p *Program, docs []*crm.Customer) []string {
	ids := []string{}
	for _, c := range docs {
		if p.Match(c) {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// diffCase is one filter of a differential run.
type diffCase struct {
	name string
	tree Node
}

// runDifferential compiles every tree both ways and checks that mingo and
// the evaluator match the same customers.
func runDifferential(t *testing.T, cases []diffCase) (nonTrivial int) {
	t.Helper()
	docs := demoData()
	opts := Options{Now: testNow, Me: buildVocab(docs).me}
	var filters []bson.D
	var progs []*Program
	var kept []diffCase
	for _, c := range cases {
		p, err := Compile(c.tree, opts)
		if err != nil {
			t.Fatalf("%s: Compile: %v", c.name, err)
		}
		f, pushed, err := ToMQL(c.tree, opts)
		if err != nil || !pushed {
			t.Fatalf("%s: ToMQL: pushed %v, %v", c.name, pushed, err)
		}
		filters = append(filters, f)
		progs = append(progs, p)
		kept = append(kept, c)
	}
	res := runMingo(t, docs, filters)
	failures := 0
	for i, c := range kept {
		want := matchIDs(progs[i], docs)
		if res[i].Error != "" {
			t.Errorf("%s: mingo rejects the filter: %s\nfilter: %s", c.name, res[i].Error, ext(filters[i]))
			failures++
		} else if got := res[i].IDs; !slices.Equal(got, want) {
			t.Errorf("%s: mingo matches %d customers, the evaluator %d\nonly mingo: %v\nonly evaluator: %v\ntree: %#v\nfilter: %s",
				c.name, len(got), len(want), minus(got, want), minus(want, got), c.tree, ext(filters[i]))
			failures++
		}
		if len(want) > 0 && len(want) < len(docs) {
			nonTrivial++
		}
		if failures >= 5 {
			t.Fatal("too many differences")
		}
	}
	return nonTrivial
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	if len(out) > 5 {
		out = append(out[:5], "...")
	}
	return out
}

func ext(f bson.D) string {
	b, err := bson.MarshalExtJSON(f, false, false)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func TestMingoHandWritten(t *testing.T) {
	t.Parallel()
	me := buildVocab(demoData()).me
	cases := []diffCase{}
	for _, line := range handLines {
		tree, err := Parse(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		cases = append(cases, diffCase{line, tree})
	}
	for name, tree := range handTrees(me) {
		cases = append(cases, diffCase{name, tree})
	}
	slices.SortFunc(cases, func(a, b diffCase) int { return strings.Compare(a.name, b.name) })
	runDifferential(t, cases)
}

// handLines are query lines of the documentation, in the differential test.
var handLines = []string{
	issueLine,
	"tier:A -tag:投诉风险 last-contact:>60d",
	"stage:商务谈判,方案提交 owner:me",
	"deals(365d):>=500000",
	"deals(365d):>=100000 deals(365d):<500000",
	"visits(90d):>=3 interactions.none(event:投诉 at:<=90d)",
	"first-deal:<=6m type:新客户",
	"last-deal:>3m -stage:lost",
	"needs.some(status:open priority:high) open-needs:>=2",
	"satisfaction:<60 OR complaints(180d):>=2",
	"-owner:none updated:<=7d",
	`name:*"有限"* city:深圳市,广州市`,
	"contacts.some(role:决策者 title:*总*)",
	"tag:高意向客户+VIP",
	"tag:none",
	"surveys.some(score:<60 at:<1y)",
	"surveys.count():>=2 -surveys.some(score:<80)",
	"stages.some(to:成交 at:<1y)",
	"stages.some(from:none to:潜在客户) stages.count(from:商务谈判,方案提交):>=1",
	"interactions.some(participant:me duration:>=60)",
	"interactions.count(duration:none):>=3 -interactions.some(participant:none)",
	"last-contact:30d..90d",
	"created:2026-01-01..2026-06-30",
}

func handTrees(me string) map[string]Node {
	return map[string]Node{
		"tier A":           Cond{Field: "valueTier", Op: Eq, Value: String("A")},
		"tier ne A":        Cond{Field: "valueTier", Op: Ne, Value: String("A")},
		"tier null":        Cond{Field: "valueTier", Op: IsNull, Value: Bool(true)},
		"industry in":      Cond{Field: "industry", Op: In, Value: Strings{"制造业", "零售业"}},
		"industry notIn":   Cond{Field: "industry", Op: NotIn, Value: Strings{"制造业", "零售业"}},
		"industry null":    Cond{Field: "industry", Op: IsNull, Value: Bool(true)},
		"industry notnull": Cond{Field: "industry", Op: IsNull, Value: Bool(false)},
		"name contains":    Cond{Field: "name", Op: Contains, Value: String("科技")},
		"name contains ci": Cond{Field: "name", Op: Contains, Value: String("abc")},
		"name greek":       Cond{Field: "name", Op: Contains, Value: String("ΣΟΦΊΑ")},
		"name greek2":      Cond{Field: "name", Op: Contains, Value: String("σοφια")},
		"name umlaut":      Cond{Field: "name", Op: StartsWith, Value: String("CAFÉ")},
		"code prefix":      Cond{Field: "code", Op: StartsWith, Value: String("c2025")},
		"regex meta":       Cond{Field: "name", Op: Contains, Value: String(".*(有限)[a-z]+$^")},
		"search":           Cond{Field: "search", Op: Contains, Value: String("科技")},
		"tags any":         Cond{Field: "tags", Op: HasAny, Value: Strings{"高意向客户", "投诉风险"}},
		"tags all":         Cond{Field: "tags", Op: HasAll, Value: Strings{"高意向客户", "投诉风险"}},
		"tags none":        Cond{Field: "tags", Op: HasNone, Value: Strings{"投诉风险"}},
		"tags empty":       Cond{Field: "tags", Op: IsEmpty, Value: Bool(true)},
		"tags nonempty":    Cond{Field: "tags", Op: IsEmpty, Value: Bool(false)},
		"owner me":         Cond{Field: "owner", Op: Me, Value: Bool(true)},
		"owner not me":     Cond{Field: "owner", Op: Me, Value: Bool(false)},
		"owner eq":         Cond{Field: "owner", Op: Eq, Value: String(me)},
		"amount gte":       Cond{Field: "totalAmount", Op: Gte, Value: Money(50_000_000)},
		"amount between":   Cond{Field: "totalAmount", Op: Between, Value: Range{Money(1), Money(30_000_000)}},
		"count ne":         Cond{Field: "interactionCount", Op: Ne, Value: Int(0)},
		"sat gt":           Cond{Field: "avgSatisfaction", Op: Gt, Value: Float(80)},
		"sat lt":           Cond{Field: "avgSatisfaction", Op: Lt, Value: Float(80)},
		"sat ne":           Cond{Field: "avgSatisfaction", Op: Ne, Value: Float(0)},
		"sat null":         Cond{Field: "avgSatisfaction", Op: IsNull, Value: Bool(true)},
		"last contact old": Cond{Field: "lastInteractionAt", Op: Lt, Value: Ago{N: 30, Unit: Days}},
		"last contact new": Cond{Field: "lastInteractionAt", Op: Gte, Value: Ago{N: 30, Unit: Days}},
		"last contact nul": Cond{Field: "lastInteractionAt", Op: IsNull, Value: Bool(true)},
		"last deal date":   Cond{Field: "lastDealOn", Op: Gte, Value: Date{2026, 1, 1}},
		"last deal 1y":     Cond{Field: "lastDealOn", Op: Lte, Value: Ago{N: 1, Unit: Years}},
		"created day":      Cond{Field: "createdAt", Op: Eq, Value: DateOf(demoData()[10].CreatedAt, crm.DefaultLocation)},
		"created between":  Cond{Field: "createdAt", Op: Between, Value: Range{Date{2025, 1, 1}, Date{2025, 6, 30}}},
		"not or": Not{Node: Or{Nodes: []Node{
			Cond{Field: "stage", Op: In, Value: Strings{"WON", "AFTER_SALES"}},
			Cond{Field: "valueTier", Op: Eq, Value: String("C")},
		}}},
		"empty or":  Or{},
		"empty and": And{},
		"visit 30d": Quant{Array: Interactions, Q: Some, Where: And{Nodes: []Node{
			Cond{Field: "channel", Op: Eq, Value: String("VISIT")},
			Cond{Field: "at", Op: Gte, Value: Ago{N: 30, Unit: Days}},
		}}},
		"no complaint":        Quant{Array: Interactions, Q: None, Where: Cond{Field: "keyEvent", Op: Eq, Value: String("COMPLAINT")}},
		"every need resolved": Quant{Array: Needs, Q: Every, Where: Cond{Field: "status", Op: In, Value: Strings{"RESOLVED", "ABANDONED"}}},
		"some contact":        Quant{Array: Contacts, Q: Some},
		"no deals":            Quant{Array: Deals, Q: None},
		"every deal":          Quant{Array: Deals, Q: Every},
		"need resolved null":  Quant{Array: Needs, Q: Some, Where: Cond{Field: "resolvedAt", Op: IsNull, Value: Bool(true)}},
		"need resolved old":   Quant{Array: Needs, Q: Some, Where: Cond{Field: "resolvedAt", Op: Lt, Value: Ago{N: 180, Unit: Days}}},
		"need budget ne":      Quant{Array: Needs, Q: Some, Where: Cond{Field: "budgetMax", Op: Ne, Value: Money(36_500_000)}},
		"visits 90d >= 3": Agg{Array: Interactions, Fn: Count, Op: Gte, Value: Int(3), Where: And{Nodes: []Node{
			Cond{Field: "channel", Op: Eq, Value: String("VISIT")},
			Cond{Field: "at", Op: Gte, Value: Ago{N: 90, Unit: Days}},
		}}},
		"deals 365d >= 500k": Agg{Array: Deals, Fn: Sum, Op: Gte, Value: Money(50_000_000),
			Where: Cond{Field: "date", Op: Gte, Value: Ago{N: 365, Unit: Days}}},
		"needs count resolved old": Agg{Array: Needs, Fn: Count, Op: Gte, Value: Int(1),
			Where: Cond{Field: "resolvedAt", Op: Lt, Value: Ago{N: 180, Unit: Days}}},
		"needs count no resolve": Agg{Array: Needs, Fn: Count, Op: Gte, Value: Int(1),
			Where: Cond{Field: "resolvedAt", Op: IsNull, Value: Bool(true)}},
		"contacts title": Agg{Array: Contacts, Fn: Count, Op: Eq, Value: Int(0),
			Where: Cond{Field: "title", Op: Contains, Value: String("ceo")}},
		"contacts role in": Agg{Array: Contacts, Fn: Count, Op: Gt, Value: Int(0),
			Where: Cond{Field: "role", Op: In, Value: Strings{"USER"}}},
		"contacts role notIn": Agg{Array: Contacts, Fn: Count, Op: Gt, Value: Int(0),
			Where: Cond{Field: "role", Op: NotIn, Value: Strings{"USER"}}},
		"contacts role null": Agg{Array: Contacts, Fn: Count, Op: Gt, Value: Int(0),
			Where: Cond{Field: "role", Op: IsNull, Value: Bool(true)}},
		"count empty or":  Agg{Array: Interactions, Fn: Count, Op: Eq, Value: Int(0), Where: Or{}},
		"count empty and": Agg{Array: Interactions, Fn: Count, Op: Gt, Value: Int(30), Where: And{Nodes: []Node{And{}, Or{Nodes: []Node{And{}}}}}},
		"some empty or":   Quant{Array: Interactions, Q: Some, Where: Or{}},
		"every empty or":  Quant{Array: Deals, Q: Every, Where: Or{}},
		"deals sum all":   Agg{Array: Deals, Fn: Sum, Op: Lt, Value: Money(10_000_000)},
		"interactions by me": Agg{Array: Interactions, Fn: Count, Op: Gte, Value: Int(10),
			Where: Cond{Field: "createdBy", Op: Me, Value: Bool(true)}},
		// Surveys, the stage history, participants and durations.
		"survey low":      Quant{Array: Satisfaction, Q: Some, Where: Cond{Field: "score", Op: Lt, Value: Int(70)}},
		"surveys all 85":  Quant{Array: Satisfaction, Q: Every, Where: Cond{Field: "score", Op: Gte, Value: Int(85)}},
		"no survey":       Quant{Array: Satisfaction, Q: None},
		"surveys 1y >= 2": Agg{Array: Satisfaction, Fn: Count, Op: Gte, Value: Int(2), Where: Cond{Field: "at", Op: Gte, Value: Ago{N: 1, Unit: Years}}},
		"surveys ne":      Agg{Array: Satisfaction, Fn: Count, Op: Gt, Value: Int(0), Where: Cond{Field: "score", Op: Ne, Value: Int(90)}},
		"stage won 1y": Quant{Array: StageHistory, Q: Some, Where: And{Nodes: []Node{
			Cond{Field: "to", Op: Eq, Value: String("WON")}, Cond{Field: "at", Op: Gte, Value: Ago{N: 1, Unit: Years}}}}},
		"stage first":      Quant{Array: StageHistory, Q: Some, Where: Cond{Field: "from", Op: IsNull, Value: Bool(true)}},
		"stage from set":   Agg{Array: StageHistory, Fn: Count, Op: Gte, Value: Int(2), Where: Cond{Field: "from", Op: IsNull, Value: Bool(false)}},
		"stage from in":    Agg{Array: StageHistory, Fn: Count, Op: Gt, Value: Int(0), Where: Cond{Field: "from", Op: In, Value: Strings{"PROPOSAL", "NEGOTIATION"}}},
		"stage from ne":    Agg{Array: StageHistory, Fn: Count, Op: Gt, Value: Int(2), Where: Cond{Field: "from", Op: Ne, Value: String("POTENTIAL")}},
		"never lost":       Quant{Array: StageHistory, Q: None, Where: Cond{Field: "to", Op: Eq, Value: String("LOST")}},
		"participant me":   Quant{Array: Interactions, Q: Some, Where: Cond{Field: "participants", Op: Me, Value: Bool(true)}},
		"participant !me":  Quant{Array: Interactions, Q: Every, Where: Cond{Field: "participants", Op: Me, Value: Bool(false)}},
		"participant any":  Quant{Array: Interactions, Q: Some, Where: Cond{Field: "participants", Op: HasAny, Value: Strings{me, "nobody"}}},
		"participant none": Quant{Array: Interactions, Q: Some, Where: Cond{Field: "participants", Op: IsEmpty, Value: Bool(true)}},
		"participant count me": Agg{Array: Interactions, Fn: Count, Op: Gte, Value: Int(5),
			Where: Cond{Field: "participants", Op: Me, Value: Bool(true)}},
		"participant count all": Agg{Array: Interactions, Fn: Count, Op: Gte, Value: Int(1),
			Where: Cond{Field: "participants", Op: HasAll, Value: Strings{me, "nobody"}}},
		"participant count hasNone": Agg{Array: Interactions, Fn: Count, Op: Gte, Value: Int(3),
			Where: Cond{Field: "participants", Op: HasNone, Value: Strings{me}}},
		"participant count empty": Agg{Array: Interactions, Fn: Count, Op: Eq, Value: Int(0),
			Where: Cond{Field: "participants", Op: IsEmpty, Value: Bool(false)}},
		"duration long":      Quant{Array: Interactions, Q: Some, Where: Cond{Field: "durationMin", Op: Gte, Value: Int(60)}},
		"duration null":      Quant{Array: Interactions, Q: Some, Where: Cond{Field: "durationMin", Op: IsNull, Value: Bool(true)}},
		"duration ne":        Quant{Array: Interactions, Q: Every, Where: Cond{Field: "durationMin", Op: Ne, Value: Int(30)}},
		"duration count lt":  Agg{Array: Interactions, Fn: Count, Op: Gte, Value: Int(2), Where: Cond{Field: "durationMin", Op: Lt, Value: Int(30)}},
		"duration count ne":  Agg{Array: Interactions, Fn: Count, Op: Gte, Value: Int(5), Where: Cond{Field: "durationMin", Op: Ne, Value: Int(30)}},
		"duration count set": Agg{Array: Interactions, Fn: Count, Op: Gte, Value: Int(3), Where: Cond{Field: "durationMin", Op: IsNull, Value: Bool(false)}},
		"duration between":   Agg{Array: Interactions, Fn: Count, Op: Gte, Value: Int(1), Where: Cond{Field: "durationMin", Op: Between, Value: Range{Int(10), Int(45)}}},
	}
}

// TestMingoRandom is the differential test: random trees (nested and
// windowed ones included) over the demo data, evaluated in process and, as
// compiled MongoDB filters, on mingo; both must match the same customers.
func TestMingoRandom(t *testing.T) {
	t.Parallel()
	docs := demoData()
	g := newGen(20261123, buildVocab(docs))
	var cases []diffCase
	var st treeStats
	for i := range 600 {
		tree := g.tree()
		st.add(tree)
		cases = append(cases, diffCase{name: "random " + itoa(i), tree: tree})
	}
	nonTrivial := runDifferential(t, cases)
	t.Logf("%d random filters agree on %d customers; %d match some but not all; nodes: %+v", len(cases), len(docs), nonTrivial, st)
	if nonTrivial < len(cases)/4 {
		t.Errorf("only %d of %d filters separate the customers: the generator needs better values", nonTrivial, len(cases))
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestMingoInstallsOutsideTheTree: the differential test's dependencies go
// to the user's cache, and testdata/mingo holds only its own files.
func TestMingoInstallsOutsideTheTree(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node (Node.js) is not installed")
	}
	script := mingoInstall(t)
	here, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	if rel, err := filepath.Rel(here, script); err == nil && !strings.HasPrefix(rel, "..") {
		t.Fatalf("mingo installed inside the source tree: %s", script)
	}
	entries, err := os.ReadDir(mingoDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "package-lock.json package.json run.mjs" {
		t.Fatalf("%s holds %v", mingoDir, names)
	}
}
