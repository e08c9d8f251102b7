package segment

import (
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

func TestElementsSelectLikeTheQuantifier(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	o := Options{Now: now, Me: "u1"}
	c := &crm.Customer{Interactions: []crm.Interaction{
		{At: now.Add(-24 * time.Hour), Channel: crm.ChannelVisit, CreatedBy: "u1"},
		{At: now.Add(-40 * 24 * time.Hour), Channel: crm.ChannelVisit, CreatedBy: "u2"},
		{At: now.Add(-2 * time.Hour), Channel: crm.ChannelPhone, KeyEvent: crm.KeyEventComplaint, CreatedBy: "u1"},
	}}
	b, ok := crm.BriefOf(c)
	if !ok {
		t.Fatal("no brief")
	}
	for _, tc := range []struct {
		where map[string]any
		want  []bool
	}{
		{nil, []bool{true, true, true}},
		{map[string]any{"channel": map[string]any{"eq": "VISIT"}}, []bool{true, true, false}},
		{map[string]any{"at": map[string]any{"within": "30d"}}, []bool{true, false, true}},
		{map[string]any{"createdBy": map[string]any{"me": true}, "keyEvent": map[string]any{"isNull": true}}, []bool{true, false, false}},
		{map[string]any{"or": []any{map[string]any{"keyEvent": map[string]any{"eq": "COMPLAINT"}}, map[string]any{"createdBy": map[string]any{"eq": "u2"}}}}, []bool{false, true, true}},
	} {
		e, err := ElementsFromInput("interactionWhere", Interactions, tc.where, o)
		if err != nil {
			t.Fatalf("%v: %v", tc.where, err)
		}
		full, brief := ElementPredicate[crm.Interaction](e), ElementPredicate[crm.BriefInteraction](e)
		for i := range c.Interactions {
			if got := full(&c.Interactions[i]); got != tc.want[i] {
				t.Errorf("%v on interaction %d: %v, want %v", tc.where, i, got, tc.want[i])
			}
			if got := brief(&b.Interactions[i]); got != tc.want[i] {
				t.Errorf("%v on brief %d: %v, want %v", tc.where, i, got, tc.want[i])
			}
		}
		// The same elements as the quantifier selects.
		p, err := Compile(e.Some(), o)
		if err != nil {
			t.Fatal(err)
		}
		some := false
		for _, w := range tc.want {
			some = some || w
		}
		if p.Match(c) != some {
			t.Errorf("%v: some() = %v, want %v", tc.where, p.Match(c), some)
		}
	}
}

func TestElementsFromInputErrorsNameTheArgument(t *testing.T) {
	for _, tc := range []struct {
		a     Array
		where map[string]any
		field string
	}{
		{Interactions, map[string]any{"channel": map[string]any{"eq": "FAX"}}, "interactionWhere.channel.eq"},
		{Interactions, map[string]any{"valueTier": map[string]any{"eq": "A"}}, "interactionWhere.valueTier"},
		{Deals, map[string]any{"amount": map[string]any{"gt": "x"}}, "interactionWhere.amount.gt"},
		{Interactions, map[string]any{"createdBy": map[string]any{"me": true}}, "interactionWhere.createdBy.me"},
	} {
		_, err := ElementsFromInput("interactionWhere", tc.a, tc.where, Options{Now: time.Now()})
		e, ok := err.(*crm.Error)
		if !ok || e.Code != crm.CodeBadUserInput || len(e.Fields) == 0 || e.Fields[0].Field != tc.field {
			t.Errorf("%v: %#v, want BAD_USER_INPUT on %s", tc.where, err, tc.field)
		}
	}
}

// TestElementsOfTheNewArrays: surveys, the stage history and an
// interaction's participants and duration select the same elements on the
// document and on its brief, and what the quantifier selects.
func TestElementsOfTheNewArrays(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	o := Options{Now: now, Me: "u1"}
	c := &crm.Customer{
		Interactions: []crm.Interaction{
			{At: now.Add(-time.Hour), Channel: crm.ChannelVisit, Participants: []string{"u1", "u2"}, DurationMin: 90, CreatedBy: "u1"},
			{At: now.Add(-2 * time.Hour), Channel: crm.ChannelPhone, Participants: []string{"u2"}, CreatedBy: "u2"},
			{At: now.Add(-3 * time.Hour), Channel: crm.ChannelEmail, DurationMin: 15, CreatedBy: "u1"},
		},
		Satisfaction: []crm.Satisfaction{
			{At: now.Add(-400 * 24 * time.Hour), Score: 60},
			{At: now.Add(-10 * 24 * time.Hour), Score: 92},
		},
		StageHistory: []crm.StageChange{
			{To: crm.StagePotential, At: now.Add(-500 * 24 * time.Hour)},
			{From: crm.StagePotential, To: crm.StageNegotiation, At: now.Add(-100 * 24 * time.Hour)},
			{From: crm.StageNegotiation, To: crm.StageWon, At: now.Add(-5 * 24 * time.Hour)},
		},
	}
	b, ok := crm.BriefOf(c)
	if !ok {
		t.Fatal("no brief")
	}
	obj := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	check := func(name string, want []bool, full, brief func(int) bool, e *Elements) {
		t.Helper()
		some := false
		for i, w := range want {
			if got := full(i); got != w {
				t.Errorf("%s: element %d: %v, want %v", name, i, got, w)
			}
			if got := brief(i); got != w {
				t.Errorf("%s: brief element %d: %v, want %v", name, i, got, w)
			}
			some = some || w
		}
		p, err := Compile(e.Some(), o)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Lean() {
			t.Errorf("%s: the quantifier is not lean", name)
		}
		if p.Match(c) != some {
			t.Errorf("%s: some() = %v, want %v", name, p.Match(c), some)
		}
	}
	for _, tc := range []struct {
		where map[string]any
		want  []bool
	}{
		{obj("participants", obj("me", true)), []bool{true, false, false}},
		{obj("participants", obj("me", false)), []bool{false, true, true}},
		{obj("participants", obj("hasAny", []any{"u2", "u9"})), []bool{true, true, false}},
		{obj("participants", obj("hasAll", []any{"u1", "u2"})), []bool{true, false, false}},
		{obj("participants", obj("hasNone", []any{"u1"})), []bool{false, true, true}},
		{obj("participants", obj("isEmpty", true)), []bool{false, false, true}},
		{obj("durationMin", obj("isNull", true)), []bool{false, true, false}},
		{obj("durationMin", obj("gte", 30)), []bool{true, false, false}},
		{obj("durationMin", obj("ne", 15)), []bool{true, true, false}},
		{obj("durationMin", obj("lt", 30)), []bool{false, false, true}},
	} {
		e, err := ElementsFromInput("interactionWhere", Interactions, tc.where, o)
		if err != nil {
			t.Fatalf("%v: %v", tc.where, err)
		}
		full, brief := ElementPredicate[crm.Interaction](e), ElementPredicate[crm.BriefInteraction](e)
		check(fmt.Sprint(tc.where), tc.want, func(i int) bool { return full(&c.Interactions[i]) }, func(i int) bool { return brief(&b.Interactions[i]) }, e)
	}
	for _, tc := range []struct {
		where map[string]any
		want  []bool
	}{
		{obj("score", obj("gte", 85)), []bool{false, true}},
		{obj("at", obj("within", "1y")), []bool{false, true}},
		{obj("score", obj("between", obj("from", 0, "to", 60))), []bool{true, false}},
	} {
		e, err := ElementsFromInput("satisfactionWhere", Satisfaction, tc.where, o)
		if err != nil {
			t.Fatalf("%v: %v", tc.where, err)
		}
		full, brief := ElementPredicate[crm.Satisfaction](e), ElementPredicate[crm.BriefSatisfaction](e)
		check(fmt.Sprint(tc.where), tc.want, func(i int) bool { return full(&c.Satisfaction[i]) }, func(i int) bool { return brief(&b.Satisfaction[i]) }, e)
	}
	for _, tc := range []struct {
		where map[string]any
		want  []bool
	}{
		{obj("from", obj("isNull", true)), []bool{true, false, false}},
		{obj("from", obj("ne", "POTENTIAL")), []bool{true, false, true}},
		{obj("to", obj("in", []any{"WON", "NEGOTIATION"}), "at", obj("within", "30d")), []bool{false, false, true}},
		{obj("from", obj("notIn", []any{"NEGOTIATION"})), []bool{true, true, false}},
	} {
		e, err := ElementsFromInput("stageChangeWhere", StageHistory, tc.where, o)
		if err != nil {
			t.Fatalf("%v: %v", tc.where, err)
		}
		full, brief := ElementPredicate[crm.StageChange](e), ElementPredicate[crm.BriefStageChange](e)
		check(fmt.Sprint(tc.where), tc.want, func(i int) bool { return full(&c.StageHistory[i]) }, func(i int) bool { return brief(&b.Stages[i]) }, e)
	}
	// Errors name the argument.
	for _, tc := range []struct {
		a     Array
		where map[string]any
		field string
	}{
		{Satisfaction, obj("score", obj("gt", "x")), "w.score.gt"},
		{StageHistory, obj("to", obj("eq", "DONE")), "w.to.eq"},
		{StageHistory, obj("channel", obj("eq", "VISIT")), "w.channel"},
		{Interactions, obj("participants", obj("me", true)), "w.participants.me"},
	} {
		_, err := ElementsFromInput("w", tc.a, tc.where, Options{Now: now})
		e, ok := err.(*crm.Error)
		if !ok || e.Code != crm.CodeBadUserInput || len(e.Fields) == 0 || e.Fields[0].Field != tc.field {
			t.Errorf("%v: %#v, want BAD_USER_INPUT on %s", tc.where, err, tc.field)
		}
	}
}

func TestElementsToMQLPrefixesThePaths(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	o := Options{Now: now, Me: "u1"}
	for _, tc := range []struct {
		a     Array
		where map[string]any
		want  string
	}{
		{Interactions, nil, `{}`},
		{Interactions, map[string]any{"channel": map[string]any{"eq": "VISIT"}}, `{"interactions.channel":"VISIT"}`},
		{Interactions, map[string]any{"or": []any{map[string]any{"keyEvent": map[string]any{"eq": "COMPLAINT"}}, map[string]any{"createdBy": map[string]any{"me": true}}}},
			`{"$or":[{"interactions.keyEvent":"COMPLAINT"},{"interactions.createdBy":"u1"}]}`},
		{Deals, map[string]any{"not": map[string]any{"amount": map[string]any{"gt": "10"}}}, `{"$nor":[{"deals.amount":{"$gt":1000}}]}`},
		{Needs, map[string]any{"status": map[string]any{"in": []any{"OPEN"}}, "urgent": map[string]any{"eq": true}},
			`{"$and":[{"needs.status":"OPEN"},{"needs.urgent":true}]}`},
	} {
		e, err := ElementsFromInput("w", tc.a, tc.where, o)
		if err != nil {
			t.Fatalf("%v: %v", tc.where, err)
		}
		q, err := ElementsToMQL(e)
		if err != nil {
			t.Fatalf("%v: %v", tc.where, err)
		}
		b, err := bson.MarshalExtJSON(q, false, false)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("%v:\n got %s\nwant %s", tc.where, b, tc.want)
		}
	}
}
