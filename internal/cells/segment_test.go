package cells_test

import (
	"testing"

	"github.com/kehu-crm/kehu/internal/cells"
	"github.com/kehu-crm/kehu/internal/segment"
)

// One vocabulary: every word the query line accepts for an enum value
// (internal/segment/catalog.go) reads as the same value in a worksheet.
func TestVocabulariesKeepTheQueryLinesWords(t *testing.T) {
	vocab := map[[2]string]*cells.Vocabulary{
		{"", "type"}: cells.CustomerTypes, {"", "stage"}: cells.Stages, {"", "valueTier"}: cells.ValueTiers,
		{"", "lifecycle"}: cells.Lifecycles, {"", "intentGrade"}: cells.IntentGrades, {"", "needType"}: cells.NeedTypes,
		{"contacts", "role"}: cells.ContactRoles, {"interactions", "channel"}: cells.Channels,
		{"interactions", "keyEvent"}: cells.KeyEvents, {"needs", "kind"}: cells.NeedKinds,
		{"needs", "type"}: cells.NeedTypes, {"needs", "priority"}: cells.Priorities, {"needs", "status"}: cells.NeedStatuses,
		{"stageHistory", "from"}: cells.Stages, {"stageHistory", "to"}: cells.Stages,
	}
	checked := 0
	for _, f := range segment.Fields() {
		if f.Kind != segment.KindEnum {
			continue
		}
		v, ok := vocab[[2]string{string(f.Scope), f.Name}]
		if !ok {
			continue // service requests and tasks are not in worksheets
		}
		checked++
		for _, val := range f.Enum {
			for _, w := range append([]string{val}, f.Labels(val)...) {
				if got, _, err := v.Read(w); err != nil || got != val {
					t.Errorf("%s.%s: %q reads as %q (%v), the query line's %s", f.Scope, f.Name, w, got, err, val)
				}
			}
		}
	}
	if checked != len(vocab) {
		t.Errorf("checked %d of the %d fields: a field was renamed in the catalog", checked, len(vocab))
	}
}
