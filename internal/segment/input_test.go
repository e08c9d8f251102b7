package segment_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
	. "github.com/kehu-crm/kehu/internal/segment"
)

// jsonInput decodes a JSON text as a GraphQL server does (numbers as
// json.Number).
func jsonInput(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

func TestFromInput(t *testing.T) {
	tests := []struct {
		in   string
		want Node
	}{
		{`{}`, nil},
		{`null`, nil},
		// Sibling fields are ANDed, in catalog order.
		{`{"stage": {"in": ["NEGOTIATION", "WON"]}, "valueTier": {"eq": "A"}, "owner": {"me": true}, "search": "科技"}`, and(
			cond("search", Contains, String("科技")), cond("stage", In, Strings{"NEGOTIATION", "WON"}),
			cond("valueTier", Eq, String("A")), cond("owner", Me, Bool(true)))},
		{`{"totalAmount": {"gte": "100000", "lt": 200000.5}}`, and(cond("totalAmount", Gte, Money(10_000_000)), cond("totalAmount", Lt, Money(20_000_050)))},
		{`{"lastInteractionAt": {"within": "90d"}, "createdAt": {"between": {"from": "2026-01-01", "to": "2026-03-31T23:59:59+08:00"}}}`, and(
			cond("createdAt", Between, Range{Date{2026, 1, 1}, At(time.Date(2026, 3, 31, 15, 59, 59, 0, time.UTC))}),
			cond("lastInteractionAt", Gte, days(90)))},
		{`{"lastInteractionAt": {"notWithin": "6m", "isNull": false}}`, and(
			cond("lastInteractionAt", IsNull, Bool(false)), cond("lastInteractionAt", Lt, Ago{N: 6, Unit: Months}))},
		{`{"avgSatisfaction": {"gte": 80}, "interactionCount": {"between": {"from": 1, "to": 5.0}}}`, and(
			cond("interactionCount", Between, Range{Int(1), Int(5)}), cond("avgSatisfaction", Gte, Float(80)))},
		{`{"or": [{"tags": {"hasAny": ["高意向客户"]}}, {"not": {"tags": {"isEmpty": false}}}]}`, or(
			cond("tags", HasAny, Strings{"高意向客户"}), Not{Node: cond("tags", IsEmpty, Bool(false))})},
		{`{"and": [{"stage": {"eq": "WON"}}, {"and": [{"city": {"isNull": true}}]}]}`, and(cond("stage", Eq, String("WON")), cond("city", IsNull, Bool(true)))},
		// Quantifiers and windowed figures.
		{`{"interactions": {"some": {"channel": {"eq": "VISIT"}, "at": {"within": "30d"}}}}`, Quant{Array: Interactions, Q: Some, Where: and(
			cond("at", Gte, days(30)), cond("channel", Eq, String("VISIT")))}},
		{`{"interactions": {"count": {"where": {"channel": {"eq": "VISIT"}, "at": {"within": "90d"}}, "gte": 3}}}`, Agg{Array: Interactions, Fn: Count, Op: Gte, Value: Int(3),
			Where: and(cond("at", Gte, days(90)), cond("channel", Eq, String("VISIT")))}},
		{`{"deals": {"change": {"window": "12m", "lte": -30, "gt": -100}}}`, and(
			Agg{Array: Deals, Fn: Change, Window: Duration{N: 12, Unit: Months}, Op: Gt, Value: Int(-100)},
			Agg{Array: Deals, Fn: Change, Window: Duration{N: 12, Unit: Months}, Op: Lte, Value: Int(-30)})},
		{`{"deals": {"sum": {"where": {"date": {"within": "365d"}}, "gte": "500000"}, "none": {}}}`, and(
			Quant{Array: Deals, Q: None},
			Agg{Array: Deals, Fn: Sum, Op: Gte, Value: Money(50_000_000), Where: cond("date", Gte, days(365))})},
		{`{"needs": {"every": {"status": {"in": ["RESOLVED"]}}}}`, Quant{Array: Needs, Q: Every, Where: cond("status", Eq, String("RESOLVED"))}},
		{`{"satisfaction": {"some": {"score": {"lt": 60}, "at": {"within": "1y"}}, "count": {"gte": 2}}}`, and(
			Quant{Array: Satisfaction, Q: Some, Where: and(cond("at", Gte, Ago{N: 1, Unit: Years}), cond("score", Lt, Int(60)))},
			Agg{Array: Satisfaction, Fn: Count, Op: Gte, Value: Int(2)})},
		{`{"stageHistory": {"some": {"from": {"isNull": true}, "to": {"eq": "POTENTIAL"}}, "none": {"to": {"in": ["LOST"]}}}}`, and(
			Quant{Array: StageHistory, Q: Some, Where: and(cond("from", IsNull, Bool(true)), cond("to", Eq, String("POTENTIAL")))},
			Quant{Array: StageHistory, Q: None, Where: cond("to", Eq, String("LOST"))})},
		{`{"interactions": {"some": {"participants": {"me": true, "hasNone": ["u3"]}, "durationMin": {"gte": 60, "isNull": false}}}}`, Quant{Array: Interactions, Q: Some, Where: and(
			cond("participants", HasNone, Strings{"u3"}), cond("participants", Me, Bool(true)),
			cond("durationMin", IsNull, Bool(false)), cond("durationMin", Gte, Int(60)))}},
	}
	for _, tt := range tests {
		got, err := FromInput("where", jsonInput(t, tt.in))
		if err != nil {
			t.Errorf("FromInput(%s): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("FromInput(%s)\n got %#v\nwant %#v", tt.in, got, tt.want)
		}
	}
}

func TestFromInputErrors(t *testing.T) {
	huge := strings.Repeat("长", 1<<20)
	manyOr := `{"or": [` + strings.Repeat(`{"stage": {"eq": "WON"}},`, 5000) + `{"stage": {"eq": "WON"}}]}`
	deepNot := strings.Repeat(`{"not": `, 12) + `{"stage": {"eq": "WON"}}` + strings.Repeat(`}`, 12)
	tests := []struct {
		in, field, msg string
	}{
		{`{"and": [{"stage": {"eq": "WON"}}, {"interactions": {"some": {"channel": {"in": []}}}}]}`, "where.and[1].interactions.some.channel.in", "must not be empty"},
		{`{"foo": {"eq": 1}}`, "where.foo", "unknown field"},
		{`{"stage": {"gt": "WON"}}`, "where.stage.gt", "unknown operator"},
		{`{"stage": {"eq": "DONE"}}`, "where.stage.eq", "not a valid value"},
		{`{"stage": {"in": ["WON", "DONE"]}}`, "where.stage.in[1]", "not a valid value"},
		{`{"stage": "WON"}`, "where.stage", "must be an object"},
		{`{"interactionCount": {"gte": "3"}}`, "where.interactionCount.gte", "must be an integer"},
		{`{"interactionCount": {"gte": 2.5}}`, "where.interactionCount.gte", "must be an integer"},
		{`{"totalAmount": {"gte": "1,000"}}`, "where.totalAmount.gte", "decimal number"},
		{`{"totalAmount": {"between": {"from": "10", "to": "5"}}}`, "where.totalAmount.between", "impossible range"},
		{`{"totalAmount": {"between": {"from": "10"}}}`, "where.totalAmount.between", "to must not be null"},
		{`{"createdAt": {"gte": "yesterday"}}`, "where.createdAt.gte", "must be a time"},
		{`{"createdAt": {"within": "forever"}}`, "where.createdAt.within", "relative time"},
		{`{"createdAt": {"within": "101y"}}`, "where.createdAt.within", "at most 100y"},
		{`{"name": {"within": "1d"}}`, "where.name.within", "unknown operator"},
		{`{"name": {"contains": 5}}`, "where.name.contains", "must be a text"},
		{`{"name": {"contains": null}}`, "where.name.contains", "must not be null"},
		{`{"name": {"contains": "` + huge + `"}}`, "where.name.contains", "at most 200 characters"},
		{`{"name": {"in": "x"}}`, "where.name.in", "list of texts"},
		{`{"tags": {"hasAny": ["a", 1]}}`, "where.tags.hasAny", "list of texts"},
		{`{"owner": {"me": "yes"}}`, "where.owner.me", "true or false"},
		{`{"and": {"stage": {"eq": "WON"}}}`, "where.and", "list of filters"},
		{`{"and": [null]}`, "where.and[0]", "must not be null"},
		{`{"not": null}`, "where.not", "must not be null"},
		{`{"deals": {"sum": {"gte": "x"}}}`, "where.deals.sum.gte", "decimal number"},
		{`{"deals": {"count": {"where": {}}}}`, "where.deals.count", "needs a comparison"},
		{`{"deals": {"count": {"ne": 1}}}`, "where.deals.count.ne", "unknown operator"},
		{`{"deals": {"count": {"gte": -1}}}`, "where.deals.count.gte", "must be a count"},
		{`{"interactions": {"sum": {"gte": "1"}}}`, "where.interactions.sum", "deals only"},
		{`{"interactions": {"change": {"window": "12m", "gte": 1}}}`, "where.interactions.change", "deals only"},
		{`{"deals": {"change": {"gte": 30}}}`, "where.deals.change.window", "relative time"},
		{`{"deals": {"change": {"window": "soon", "gte": 30}}}`, "where.deals.change.window", "relative time"},
		{`{"deals": {"change": {"window": "0m", "gte": 30}}}`, "where.deals.change.window", "at least 1d"},
		{`{"deals": {"change": {"window": "12m", "gte": 1.5}}}`, "where.deals.change.gte", "whole percent"},
		{`{"deals": {"change": {"window": "12m"}}}`, "where.deals.change", "needs a comparison"},
		{`{"deals": {"change": {"window": "12m", "where": {}, "gte": 1}}}`, "where.deals.change.where", "unknown operator"},
		{`{"deals": {"change": "12m"}}`, "where.deals.change", "must be an object {window"},
		{`{"interactions": {"any": {}}}`, "where.interactions.any", "unknown operator"},
		{`{"interactions": {"some": {"stage": {"eq": "WON"}}}}`, "where.interactions.some.stage", "unknown field"},
		{`{"interactions": {"some": {"deals": {"some": {}}}}}`, "where.interactions.some.deals", "unknown field"},
		{`{"interactions": {"some": {"search": "x"}}}`, "where.interactions.some.search", "unknown field"},
		{`{"satisfaction": {"sum": {"gte": "1"}}}`, "where.satisfaction.sum", "deals only"},
		{`{"satisfaction": {"some": {"score": {"isNull": true}}}}`, "where.satisfaction.some.score.isNull", "unknown operator"},
		{`{"stageHistory": {"some": {"to": {"isNull": true}}}}`, "where.stageHistory.some.to.isNull", "unknown operator"},
		{`{"stageHistory": {"every": {"from": {"eq": "DONE"}}}}`, "where.stageHistory.every.from.eq", "not a valid value"},
		{`{"interactions": {"some": {"participants": {"eq": "u1"}}}}`, "where.interactions.some.participants.eq", "unknown operator"},
		{`{"interactions": {"some": {"participants": {"hasAny": []}}}}`, "where.interactions.some.participants.hasAny", "must not be empty"},
		{`{"interactions": {"some": {"participants": {"me": 1}}}}`, "where.interactions.some.participants.me", "true or false"},
		{`{"interactions": {"some": {"durationMin": {"gt": 1.5}}}}`, "where.interactions.some.durationMin.gt", "must be an integer"},
		{manyOr, "where.or", "more than 500"},
		{deepNot, "where" + strings.Repeat(".not", MaxDepth), "nested deeper than 10"},
	}
	for _, tt := range tests {
		n, err := FromInput("where", jsonInput(t, tt.in))
		var ce *crm.Error
		if !errors.As(err, &ce) || ce.Code != crm.CodeBadUserInput || len(ce.Fields) == 0 {
			t.Errorf("FromInput(%.80s) = %#v, %v; want BAD_USER_INPUT", tt.in, n, err)
			continue
		}
		if f := ce.Fields[0]; f.Field != tt.field || !strings.Contains(f.Message, tt.msg) {
			t.Errorf("FromInput(%.80s): %s: %s\nwant %s: ...%s...", tt.in, f.Field, f.Message, tt.field, tt.msg)
		}
	}
}

// TestInputRoundTrip: random trees survive ToInput, JSON and FromInput
// (the path of a saved segment).
func TestInputRoundTrip(t *testing.T) {
	t.Parallel()
	g := newGen(7, buildVocab(demoData()))
	for i := range 2000 {
		tree := g.tree()
		b, err := json.Marshal(ToInput(tree))
		if err != nil {
			t.Fatal(err)
		}
		var in any
		if err := json.Unmarshal(b, &in); err != nil {
			t.Fatal(err)
		}
		got, err := FromInput("segment.where", in)
		if err != nil {
			t.Fatalf("tree %d: FromInput(ToInput(t)): %v\ninput: %s", i, err, b)
		}
		if want := Normalize(tree); !reflect.DeepEqual(got, want) {
			t.Fatalf("tree %d: FromInput(ToInput(t)) != Normalize(t)\ninput: %s\n got %#v\nwant %#v", i, b, got, want)
		}
	}
}
