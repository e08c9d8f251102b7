package sqlite

import (
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// testEntry is the entry of a customer with a contact, an interaction and
// a deal.
func testEntry(t testing.TB) *entry {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := &crm.Customer{ID: crm.NewID(), Code: "C202601001", Name: "杭州云帆数据有限公司", Industry: "软件",
		Region: crm.Region{Province: "浙江省", City: "杭州市"}, Type: crm.CustomerTypeNew, Stage: crm.StagePotential,
		Tags: []string{"重点"}, OwnerID: "u1", CreatedAt: now, UpdatedAt: now, CreatedBy: "u1", UpdatedBy: "u1", Version: 3,
		Contacts:     []crm.Contact{{ID: "c1", Name: "王", Phone: "13800000000", Email: "w@x.cn"}},
		Interactions: []crm.Interaction{{ID: "i1", At: now, Channel: crm.ChannelVisit, Summary: "拜访"}},
		Deals:        []crm.Deal{{ID: "d1", Date: now, Product: "A", Amount: 100000}}}
	c.Recompute()
	doc, err := bson.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	it, err := decodeLean(doc)
	if err != nil {
		t.Fatal(err)
	}
	return it.e
}

// fill sets every field reachable from v (a settable value) to something
// not zero.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("stale")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(7)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(1999, 9, 9, 0, 0, 0, 0, time.Local)))
			return
		}
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				fill(v.Field(i))
			}
		}
	}
}

// TestIntoSetsEveryField: a scan builds every entry's customer into one
// scratch customer, so into must overwrite every field: nothing of the
// customer built before (or of what a caller wrote into it) survives.
func TestIntoSetsEveryField(t *testing.T) {
	e := testEntry(t)
	var scratch crm.Customer
	fill(reflect.ValueOf(&scratch).Elem())
	e.into(&scratch)
	if want := e.customer(); !reflect.DeepEqual(&scratch, want) {
		t.Fatalf("into a used customer:\n got %+v\nwant %+v", scratch, *want)
	}
}

// TestIntoKeepsWhatWasHandedOut: what a caller kept of a customer (its
// match keys, say) is unchanged when the scratch is filled with the next.
func TestIntoKeepsWhatWasHandedOut(t *testing.T) {
	e := testEntry(t)
	var scratch crm.Customer
	e.into(&scratch)
	kept := scratch.Match
	kept.Phones = append(kept.Phones, "13900000000") // an append copies: the entry's keys are capacity-limited
	other := keyEntry("x", "C1", "")
	other.into(&scratch)
	if e.phoneKeys()[0] != "13800000000" || len(e.phoneKeys()) != 1 || e.emailKeys()[0] != "w@x.cn" {
		t.Fatalf("the entry's keys changed: %v %v", e.phoneKeys(), e.emailKeys())
	}
}

// BenchmarkInto measures building a customer from its entry, what a scan
// does for every customer a filter or its caller reads.
func BenchmarkInto(b *testing.B) {
	e := testEntry(b)
	var c crm.Customer
	for b.Loop() {
		e.into(&c)
	}
}
