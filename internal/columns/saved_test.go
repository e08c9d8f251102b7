package columns

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/crm"
)

func TestFingerprint(t *testing.T) {
	a := Fingerprint([]string{"客户名称", "联系电话", "累计交易金额(万元)"})
	for _, same := range [][]string{
		{"客户名称（必填）", "联系电话*", "累计交易金额（万元）"},
		{" 客户名称 ", "联系电话：", "累计交易金额[万元]", "", " "},
	} {
		if got := Fingerprint(same); got != a {
			t.Errorf("Fingerprint(%q) = %s, want %s", same, got, a)
		}
	}
	for _, other := range [][]string{
		{"联系电话", "客户名称", "累计交易金额(万元)"}, // order counts
		{"客户名称", "联系电话", "累计交易金额(元)"},
		{"客户名称", "", "联系电话", "累计交易金额(万元)"},
		{"客户名称", "联系电话"},
	} {
		if Fingerprint(other) == a {
			t.Errorf("Fingerprint(%q) is the same", other)
		}
	}
	if a[:3] != "h1:" || len(a) != 35 {
		t.Errorf("fingerprint %q", a)
	}
}

func TestSaveRestore(t *testing.T) {
	header := []string{"客户名称", "类型", "金额", "联系人2", "电话", "备用"}
	rows := [][]string{{"甲", "新客户", "68", "张三", "13812345678", "x"}, {"乙", "老客户", "12", "李四", "13912345678", "y"}}
	m := Detect(header, rows)
	m, err := Apply(m, []Correction{
		{Column: 2, Field: "totalAmount", Unit: new(cells.TenThousand)},
		{Column: 5, Field: ""},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m.Save())
	if err != nil {
		t.Fatal(err)
	}
	var s Saved
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if s.Fingerprint != m.Fingerprint || len(s.Columns) != 6 || s.Columns[2].Unit != "TEN_THOUSAND" || s.Columns[1].Unit != "" ||
		s.Columns[3].Contact != 2 || s.Columns[4].Contact != 1 || s.Columns[0].Contact != 0 {
		t.Fatalf("saved %s", b)
	}

	// The next file: the same header row, written a little differently.
	next := []string{"客户名称*", "类型", "金额", "联系人 2", "电话", "备用"}
	r, err := Restore(s, next, [][]string{{"乙", "老客户", "12", "李四", "13912345678", "y"}})
	if err != nil {
		t.Fatal(err)
	}
	if fields(r) != fields(m) || fields(r) != "name type totalAmount contactName contactPhone -" || r.Err() != nil {
		t.Fatalf("restored %s, %v", fields(r), r.Err())
	}
	for _, c := range r.Columns {
		if c.How != ByUser || c.Confidence != High || len(c.Warnings) > 0 {
			t.Errorf("restored column %q: %s %s %v", c.Header, c.How, c.Confidence, c.Warnings)
		}
	}
	if r.Columns[2].Unit != cells.TenThousand {
		t.Errorf("unit %d", r.Columns[2].Unit)
	}

	// Another header row.
	_, err = Restore(s, []string{"客户名称", "类型"}, nil)
	var e *crm.Error
	if !errors.As(err, &e) || e.Fields[0].Field != "mapping" || e.Fields[0].Reason != ReasonHeaderChanged {
		t.Errorf("another header: %v", err)
	}
	// A saved field that no longer exists, a unit that is not one.
	bad := s
	bad.Columns = append([]SavedColumn(nil), s.Columns...)
	bad.Columns[1].Field = "oldField"
	if _, err := Restore(bad, header, nil); !errors.As(err, &e) || e.Fields[0].Field != "mapping[1].field" {
		t.Errorf("old field: %v", err)
	}
	bad.Columns[1].Field, bad.Columns[2].Unit = "type", "WAN"
	if _, err := Restore(bad, header, nil); !errors.As(err, &e) || e.Fields[0].Field != "mapping[2].unit" {
		t.Errorf("bad unit: %v", err)
	}
}

func TestUnitNames(t *testing.T) {
	for _, u := range []cells.Unit{cells.Yuan, cells.TenThousand} {
		if got, ok := ParseUnit(UnitName(u)); !ok || got != u {
			t.Errorf("unit %d: %s -> %d %v", u, UnitName(u), got, ok)
		}
	}
	if _, ok := ParseUnit("yuan"); ok {
		t.Error("ParseUnit(yuan) is ok")
	}
}
