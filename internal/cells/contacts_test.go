package cells_test

import (
	"reflect"
	"testing"

	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/crm"
)

func TestContacts(t *testing.T) {
	type c = cells.Contact
	for _, r := range []struct {
		in     string
		want   []c
		reason crm.Reason
	}{
		{"张三 (采购经理) 13812345678 zs@example.cn; 李四 wxid_li4", []c{
			{Name: "张三", Title: "采购经理", Phone: "13812345678", Email: "zs@example.cn"}, {Name: "李四", WeChat: "wxid_li4"}}, ""},
		{"王五（总经理）010-12345678；赵六", []c{{Name: "王五", Title: "总经理", Phone: "010-12345678"}, {Name: "赵六"}}, ""},
		{"John Smith (CTO) +86 138 1234 5678", []c{{Name: "John Smith", Title: "CTO", Phone: "13812345678"}}, ""},
		{"John Smith (CTO) 13812345678 john@example.com jsmith", []c{
			{Name: "John Smith", Title: "CTO", Phone: "13812345678", Email: "john@example.com", WeChat: "jsmith"}}, ""},
		{"Mary Johnson", []c{{Name: "Mary Johnson"}}, ""},
		{"张三 139****5678", nil, crm.ReasonInvalid},
		{"张三 13812345678 13912345678", nil, crm.ReasonInvalidPhone}, // joined: not one number
		{"13812345678", nil, crm.ReasonInvalid},
		{"张三 1234567", nil, crm.ReasonInvalidPhone},
		{"  ", nil, crm.ReasonRequired},
	} {
		got, err := cells.Contacts(r.in)
		if r.reason != "" {
			var e *cells.Error
			if err == nil || !asCellError(err, &e) || e.Reason != r.reason {
				t.Errorf("%q: %v, want %s", r.in, err, r.reason)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, r.want) {
			t.Errorf("%q:\n got %+v %v\nwant %+v", r.in, got, err, r.want)
		}
	}
}

func asCellError(err error, e **cells.Error) bool {
	ce, ok := err.(*cells.Error)
	*e = ce
	return ok
}

func FuzzContacts(f *testing.F) {
	for _, s := range []string{"张三 (采购经理) 13812345678 zs@example.cn; 李四 wxid_li4", "John Smith (CTO)", "a;;b", "(x)", "张三 139****5678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := cells.Contacts(s)
		if err != nil {
			if _, ok := err.(*cells.Error); !ok {
				t.Fatalf("%q: error %T %v", s, err, err)
			}
			return
		}
		for _, c := range got {
			if c.Name == "" {
				t.Fatalf("%q: a contact without a name: %+v", s, got)
			}
		}
	})
}
