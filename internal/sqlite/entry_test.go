package sqlite

import (
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/crmtest"
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

// TestIntoSetsEveryField: a scan builds every entry's customer into one
// scratch customer, so into must overwrite every field of the parts it
// builds: nothing of the customer built before (or of what a caller wrote
// into it) survives in them. Every combination of parts is built into a
// customer full of garbage and compared, field by field, with a fresh
// customer of the entry.
func TestIntoSetsEveryField(t *testing.T) {
	e := testEntry(t)
	want := reflect.ValueOf(e.customer()).Elem()
	fields := want.Type()
	for p := crm.Parts(0); p <= crm.AllParts; p++ {
		var scratch crm.Customer
		crmtest.Fill(reflect.ValueOf(&scratch).Elem())
		e.into(&scratch, p)
		got := reflect.ValueOf(&scratch).Elem()
		for i := range fields.NumField() {
			name := fields.Field(i).Name
			if part := crm.PartOf(name); part != 0 && part&p == 0 {
				continue
			}
			if !reflect.DeepEqual(got.Field(i).Interface(), want.Field(i).Interface()) {
				t.Errorf("parts %05b: %s is %+v, want %+v", p, name, got.Field(i).Interface(), want.Field(i).Interface())
			}
		}
	}
}

// TestIntoKeepsWhatWasHandedOut: what a caller kept of a customer (its
// match keys, say) is unchanged when the scratch is filled with the next.
func TestIntoKeepsWhatWasHandedOut(t *testing.T) {
	e := testEntry(t)
	var scratch crm.Customer
	e.into(&scratch, crm.AllParts)
	kept := scratch.Match
	kept.Phones = append(kept.Phones, "13900000000") // an append copies: the entry's keys are capacity-limited
	other := keyEntry("x", "C1", "")
	other.into(&scratch, crm.AllParts)
	if e.phoneKeys()[0] != "13800000000" || len(e.phoneKeys()) != 1 || e.emailKeys()[0] != "w@x.cn" {
		t.Fatalf("the entry's keys changed: %v %v", e.phoneKeys(), e.emailKeys())
	}
}

// BenchmarkInto measures building a customer from its entry, what a scan
// does for every customer a filter or its caller reads: whole, and with
// the parts the usual readers declare.
func BenchmarkInto(b *testing.B) {
	e := testEntry(b)
	for _, bc := range []struct {
		name  string
		parts crm.Parts
	}{
		{"all", crm.AllParts},
		{"profile+stats", crm.PartProfile | crm.PartStats},
		{"profile", crm.PartProfile},
		{"record", crm.PartRecord},
		{"stats", crm.PartStats},
		{"brief", 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var c crm.Customer
			for b.Loop() {
				e.into(&c, bc.parts)
			}
		})
	}
}

// TestViewAddsParts: a scan's view builds the parts its readers ask for
// as they ask, into one scratch customer; after a partial build of one
// entry and the move to the next, asking for more parts or the whole
// customer gives exactly that entry's, nothing of the previous one.
func TestViewAddsParts(t *testing.T) {
	e := testEntry(t)
	other := keyEntry(crm.NewID(), "C209901001", "")
	other.brief = &crm.Brief{}
	v := &view{}
	v.reset(e)
	if c := v.with(crm.PartStats); c.Brief != e.brief || c.Stats != e.customer().Stats {
		t.Fatalf("stats: got %+v", c.Stats)
	}
	if c := v.with(crm.PartRecord); c.Code != e.code() || c.Name != e.str(txtName) || c.Stats != e.customer().Stats {
		t.Fatalf("record after stats: %s %s", c.Code, c.Name)
	}
	if got, want := v.customer(), e.customer(); !reflect.DeepEqual(got, want) {
		t.Fatalf("whole after parts:\n got %+v\nwant %+v", got, want)
	}
	v.reset(other)
	if c := v.with(0); c.Brief != other.brief {
		t.Fatal("the brief of the previous entry")
	}
	if c := v.with(crm.PartRecord); c.Code != "C209901001" || c.ID != other.id() {
		t.Fatalf("record of the next entry: %s %s", c.ID, c.Code)
	}
	if got, want := v.customer(), other.customer(); !reflect.DeepEqual(got, want) {
		t.Fatalf("the next entry whole:\n got %+v\nwant %+v", got, want)
	}
}
