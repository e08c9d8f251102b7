package segment

import (
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
