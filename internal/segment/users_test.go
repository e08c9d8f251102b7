package segment

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

func TestUserOperands(t *testing.T) {
	users := []*crm.User{
		{ID: "u1", Email: "wanglei@kehu.local", Name: "王磊"},
		{ID: "u2", Email: "lina@kehu.local", Name: "李娜"},
		{ID: "u3", Email: "lina2@kehu.local", Name: "李娜"}, // two 李娜
		{ID: "u4", Email: "old@kehu.local", Name: "老张", Disabled: true},
		{ID: "u5", Email: "Tom.Lee@Kehu.local", Name: "Tom Lee"},
	}
	o := Options{Now: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Me: "u1", Users: UserDirectory(users)}
	cases := []struct {
		name, query string
		where       map[string]any
		want        Node   // resolved tree (when no error)
		field       string // error's field
		reason      crm.Reason
		pos         int // query errors: params.pos
	}{
		{name: "name", query: "owner:王磊", want: Cond{Field: "owner", Op: Eq, Value: String("u1")}},
		{name: "e-mail ignoring case", query: "owner:WANGLEI@kehu.local", want: Cond{Field: "owner", Op: Eq, Value: String("u1")}},
		{name: "id", query: "owner:u2", want: Cond{Field: "owner", Op: Eq, Value: String("u2")}},
		{name: "latin name ignoring case", query: `owner:"tom lee"`, want: Cond{Field: "owner", Op: Eq, Value: String("u5")}},
		{name: "disabled user still resolves", query: "owner:老张", want: Cond{Field: "owner", Op: Eq, Value: String("u4")}},
		{name: "list of names, e-mails and ids", query: "owner:王磊,lina2@kehu.local,u4",
			want: Cond{Field: "owner", Op: In, Value: Strings{"u1", "u3", "u4"}}},
		{name: "negated", query: "-owner:王磊", want: Cond{Field: "owner", Op: Ne, Value: String("u1")}},
		{name: "interactions by", query: "interactions.some(by:王磊)",
			want: Quant{Array: Interactions, Q: Some, Where: Cond{Field: "createdBy", Op: Eq, Value: String("u1")}}},
		{name: "participants by name", query: "interactions.some(participant:王磊,lina2@kehu.local)",
			want: Quant{Array: Interactions, Q: Some, Where: Cond{Field: "participants", Op: HasAny, Value: Strings{"u1", "u3"}}}},
		{name: "all participants", query: "interactions.some(participant:王磊+u2)",
			want: Quant{Array: Interactions, Q: Some, Where: Cond{Field: "participants", Op: HasAll, Value: Strings{"u1", "u2"}}}},
		{name: "unknown participant", query: "interactions.some(participant:nobody)", field: "query", reason: ReasonUnknownUser, pos: 31},
		{name: "me untouched", query: "owner:me", want: Cond{Field: "owner", Op: Me, Value: Bool(true)}},
		{name: "none untouched", query: "owner:none", want: Cond{Field: "owner", Op: IsNull, Value: Bool(true)}},
		{name: "a text that looks like a name elsewhere", query: "name:*王磊* owner:王磊",
			want: And{Nodes: []Node{Cond{Field: "name", Op: Contains, Value: String("王磊")}, Cond{Field: "owner", Op: Eq, Value: String("u1")}}}},
		{name: "no wildcards on users", query: "owner:王*", field: "query", reason: ReasonUnknownUser, pos: 7},
		{name: "unknown", query: "tier:A owner:王小磊", field: "query", reason: ReasonUnknownUser, pos: 14},
		{name: "unknown, the name also in a text", query: "name:*王小磊* owner:王小磊", field: "query", reason: ReasonUnknownUser, pos: 18},
		{name: "unknown id", query: "owner:6b656875de300099", field: "query", reason: ReasonUnknownUser, pos: 7},
		{name: "ambiguous", query: "owner:李娜", field: "query", reason: ReasonAmbiguousUser, pos: 7},
		{name: "unknown in a list", query: "owner:王磊,nobody", field: "query", reason: ReasonUnknownUser, pos: 10},
		{name: "unknown by", query: "interactions.some(by:nobody)", field: "query", reason: ReasonUnknownUser, pos: 22},
		{name: "where name", where: map[string]any{"owner": map[string]any{"eq": "王磊"}},
			want: Cond{Field: "owner", Op: Eq, Value: String("u1")}},
		{name: "where unknown", where: map[string]any{"owner": map[string]any{"eq": "王小磊"}},
			field: "where.owner.eq", reason: ReasonUnknownUser},
		{name: "where ambiguous in a list", where: map[string]any{"owner": map[string]any{"in": []any{"王磊", "李娜"}}},
			field: "where.owner.in[1]", reason: ReasonAmbiguousUser},
		{name: "where nested", where: map[string]any{"and": []any{
			map[string]any{"valueTier": map[string]any{"eq": "A"}},
			map[string]any{"interactions": map[string]any{"none": map[string]any{"createdBy": map[string]any{"ne": "nobody"}}}}}},
			field: "where.and[1].interactions.none.createdBy.ne", reason: ReasonUnknownUser},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := FilterOf(tc.where, tc.query, o)
			if tc.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(f.Node(), tc.want) {
					t.Fatalf("resolved to %#v, want %#v", f.Node(), tc.want)
				}
				return
			}
			var e *crm.Error
			if !errors.As(err, &e) || e.Code != crm.CodeBadUserInput || len(e.Fields) == 0 {
				t.Fatalf("want BAD_USER_INPUT %s, got %v (%v)", tc.reason, err, f)
			}
			fe := e.Fields[0]
			if fe.Field != tc.field || fe.Reason != tc.reason {
				t.Fatalf("got %s %s (%s), want %s %s", fe.Field, fe.Reason, fe.Message, tc.field, tc.reason)
			}
			if tc.pos != 0 && fe.Params["pos"] != tc.pos {
				t.Fatalf("pos %v, want %d (%s)", fe.Params["pos"], tc.pos, fe.Message)
			}
			if tc.reason == ReasonAmbiguousUser && len(fe.Params["ids"].([]string)) != 2 {
				t.Fatalf("ambiguity lists %v", fe.Params)
			}
		})
	}

	// Without a directory operands stay ids, as before.
	f, err := FilterOf(nil, "owner:王磊", Options{})
	if err != nil || !reflect.DeepEqual(f.Node(), Cond{Field: "owner", Op: Eq, Value: String("王磊")}) {
		t.Fatalf("without Users: %v %#v", err, f)
	}
	// A failing directory is an error, not an empty match.
	boom := errors.New("store down")
	if _, err := FilterOf(nil, "owner:王磊", Options{Users: func(string) ([]string, error) { return nil, boom }}); !errors.Is(err, boom) {
		t.Fatalf("lookup failure: %v", err)
	}
}
