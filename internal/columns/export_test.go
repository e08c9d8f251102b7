package columns

import (
	"testing"

	"github.com/kehu-crm/kehu/internal/export"
)

// exportContact is the one place the keys differ: the export writes the
// primary contact, an import a row's contact.
var exportContact = map[string]string{
	"primaryContact":       "contactName",
	"primaryContactTitle":  "contactTitle",
	"primaryContactPhone":  "contactPhone",
	"primaryContactEmail":  "contactEmail",
	"primaryContactWechat": "contactWechat",
	"primaryContactRole":   "contactRole",
}

// TestExportRoundTrip: every header the export writes, in Chinese and in
// English, maps back to its own field, and a whole export's header row
// maps without a problem or a guess.
func TestExportRoundTrip(t *testing.T) {
	cat := export.Catalog()
	for _, lang := range []export.Lang{export.ZhCN, export.En} {
		header := make([]string, len(cat))
		for i, col := range cat {
			header[i] = col.Header(lang)
			want := col.Key
			if k, ok := exportContact[col.Key]; ok {
				want = k
			}
			m := MatchHeader(header[i])
			if m.Field != want || (m.How != ByHeader && m.How != BySynonym) || m.Ordinal != 0 {
				t.Errorf("%s header %q of %s matches %+v, want %s", lang, header[i], col.Key, m, want)
			}
			tg, _ := Lookup(want)
			if col.Kind == export.Money && (tg.Kind != Money || m.Unit != 0) {
				t.Errorf("%s: %s is money in yuan; the target is %s, unit %d", lang, col.Key, tg.Kind, m.Unit)
			}
		}
		m := Detect(header, nil)
		if err := m.Err(); err != nil {
			t.Errorf("%s: the export's header row: %v", lang, err)
		}
		for _, c := range m.Columns {
			if c.Confidence != High || len(c.Warnings) > 0 {
				t.Errorf("%s: column %q: %s, %v", lang, c.Header, c.Confidence, c.Warnings)
			}
		}
	}
}
