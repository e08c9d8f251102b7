package sqlite_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/segment"
	"github.com/kehu-crm/kehu/internal/sqlite"
)

// disguisedSummary holds a phone number in Chinese numerals: masked by the
// masking rules since crm.MaskRulesVersion 2, shown in full before.
const disguisedSummary = "客户电话一三八一二三四五六七八，物流效率已回访"

// textIndexStore makes a store in dir with customers whose interactions
// hold texts (one of them disguisedSummary, on a customer the test viewer
// does not own), closed.
func textIndexStore(t *testing.T, dir string) {
	t.Helper()
	s := openAt(t, dir)
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range 40 {
		c := small(fmt.Sprint("索引客户", i))
		c.OwnerID = "owner"
		sum := fmt.Sprintf("第%d次沟通，客户反馈物流效率有待提高，希望优化配送方案", i)
		if i == 7 {
			sum = disguisedSummary
		}
		c.Interactions = []crm.Interaction{{ID: "i1", At: at, Channel: crm.ChannelPhone, Summary: sum, CreatedBy: "u"}}
		c.Recompute()
		mustInsert(t, s, c)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// textCount counts the customers interactions.some(summary:*needle*)
// selects, for every viewer (nil) and for a SALES viewer who sees those
// customers' contact details masked.
func textCount(t *testing.T, s *sqlite.Store, needle string, masked bool) int {
	t.Helper()
	f, err := segment.NewFilter(segment.Quant{Array: segment.Interactions, Q: segment.Some,
		Where: segment.Cond{Field: "summary", Op: segment.Contains, Value: segment.String(needle)}}, segment.Options{})
	if err != nil {
		t.Fatal(err)
	}
	q := crm.ListQuery{First: 1, WithTotal: true, Filter: f}
	if masked {
		q.Viewer = &crm.Actor{UserID: "viewer", Role: crm.RoleSales}
	}
	page, err := s.Customers().List(ctx(t), q)
	if err != nil {
		t.Fatal(err)
	}
	return page.Total
}

func rawExec(t *testing.T, dir string, qs ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range qs {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func rawInt(t *testing.T, dir, q string) int {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestTextIndexRebuiltForNewMaskingRules: a text index written under older
// masking rules (a schema 3 database, or a text_index row of an older
// crm.MaskRulesVersion) holds no masked row for a detail the rules now
// mask, so a masked viewer's filter would find it; start-up brings the
// masked rows to the current rules (or rebuilds an index of another
// format), and then it does not.
func TestTextIndexRebuiltForNewMaskingRules(t *testing.T) {
	// What the index held under rules that did not mask the summary: no
	// masked row, no masked_texts entry.
	oldRows := []string{"DELETE FROM texts WHERE rowid & 1 = 1", "DELETE FROM grams WHERE rowid & 1 = 1", "DELETE FROM masked_texts"}
	for _, tc := range []struct {
		name  string
		older []string
	}{
		{"schema 3", append(oldRows, "DROP TABLE text_index", "DROP TABLE api_tokens", "DROP TABLE settings", "ALTER TABLE customers DROP COLUMN texts_key", "DROP TABLE imports", "DROP TABLE import_undo", "DROP TABLE import_rows", "DROP TABLE merges", "DROP TABLE merge_customers", "PRAGMA user_version = 3")},
		{"older masking rules", append(oldRows, fmt.Sprintf("UPDATE text_index SET masking = %d", crm.MaskRulesVersion-1))},
		{"another format", append(oldRows, "UPDATE text_index SET format = 0")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			textIndexStore(t, dir)
			if n := rawInt(t, dir, "SELECT count(*) FROM masked_texts"); n != 1 {
				t.Fatalf("%d masked texts, want 1 (the disguised phone number)", n)
			}
			rawExec(t, dir, tc.older...)
			var log bytes.Buffer
			s, err := sqlite.Open(dir, sqlite.Options{DecodeWorkers: 2, Logger: slog.New(slog.NewTextHandler(&log, nil))})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if !strings.Contains(log.String(), "text index rebuilt") {
				t.Errorf("no rebuild logged:\n%s", log.String())
			}
			for _, c := range []struct {
				needle string
				masked bool
				want   int
			}{
				{"一三八一二三四", false, 1}, {"一三八一二三四", true, 0}, {"138****5678", true, 1},
				{"物流效率", true, 40}, {"物流效率", false, 40},
			} {
				if got := textCount(t, s, c.needle, c.masked); got != c.want {
					t.Errorf("%s (masked viewer %v): %d customers, want %d", c.needle, c.masked, got, c.want)
				}
			}
			s.Close()
			if v := rawInt(t, dir, "PRAGMA user_version"); v != sqlite.SchemaVersion {
				t.Errorf("schema version %d", v)
			}
			if m := rawInt(t, dir, "SELECT masking FROM text_index"); m != crm.MaskRulesVersion {
				t.Errorf("text index masking version %d, want %d", m, crm.MaskRulesVersion)
			}
			// Built once: the next start does not rebuild.
			log.Reset()
			s2, err := sqlite.Open(dir, sqlite.Options{DecodeWorkers: 2, Logger: slog.New(slog.NewTextHandler(&log, nil))})
			if err != nil {
				t.Fatal(err)
			}
			s2.Close()
			if strings.Contains(log.String(), "rebuilt") {
				t.Errorf("rebuilt again:\n%s", log.String())
			}
		})
	}
}

// TestOpenRebuildsDamagedTextIndex: a damaged page in one of the text
// index's tables (derived data) does not stop start-up: the index is
// dropped and rebuilt from the stored customers, with a WARN line, and the
// file is whole again. Damage to the customers, users or sessions is still
// refused (TestOpenRefusesUnsafeStores).
func TestOpenRebuildsDamagedTextIndex(t *testing.T) {
	for _, table := range []string{"texts_data", "texts_idx", "texts_content", "texts_docsize", "grams_data", "masked_texts", "text_index"} {
		t.Run(table, func(t *testing.T) {
			dir := t.TempDir()
			textIndexStore(t, dir)
			spoilPage(t, dir, table)
			path := filepath.Join(dir, sqlite.DBFile)
			if err := sqlite.CheckFile(path); !errors.Is(err, sqlite.ErrIndexDamaged) {
				t.Fatalf("CheckFile: %v, want ErrIndexDamaged", err)
			}
			var log bytes.Buffer
			s, err := sqlite.Open(dir, sqlite.Options{DecodeWorkers: 2, Logger: slog.New(slog.NewTextHandler(&log, nil))})
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			defer s.Close()
			if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), "text index is damaged") {
				t.Errorf("no WARN about the damage:\n%s", log.String())
			}
			for _, c := range []struct {
				needle string
				masked bool
				want   int
			}{{"物流效率", false, 40}, {"物流", true, 40}, {"第7次", false, 0}, {"一三八一二三四", true, 0}, {"138****5678", true, 1}} {
				if got := textCount(t, s, c.needle, c.masked); got != c.want {
					t.Errorf("%s (masked viewer %v): %d customers, want %d", c.needle, c.masked, got, c.want)
				}
			}
			// Writes keep the rebuilt index.
			c := mustInsert(t, s, small("新客户"))
			c.Interactions = []crm.Interaction{{ID: "i1", At: time.Now(), Channel: crm.ChannelVisit, Summary: "仓储管理需求", CreatedBy: "u"}}
			c.Version++
			c.Recompute()
			if err := s.Customers().Replace(ctx(t), c, c.Version-1); err != nil {
				t.Fatal(err)
			}
			if got := textCount(t, s, "仓储管理", false); got != 1 {
				t.Errorf("after a write: %d", got)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if err := sqlite.CheckFile(path); err != nil {
				t.Fatalf("CheckFile after the rebuild: %v", err)
			}
			if n := rawInt(t, dir, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'"); n != 0 {
				t.Fatalf("integrity_check finds %d problems after the rebuild", n)
			}
		})
	}
}

// TestTextsKeySkipsUnchangedTexts: a write whose interaction texts are the
// ones indexed leaves the index alone (the customers table keeps their
// fingerprint, texts_key); a write that changes them, or changes them back,
// brings the index to them; Load re-keys what it writes over.
func TestTextsKeySkipsUnchangedTexts(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	c := small("钥匙客户")
	c.Interactions = []crm.Interaction{{ID: "i1", At: at, Channel: crm.ChannelPhone, Summary: "讨论仓储方案", CreatedBy: "u"}}
	c.Recompute()
	c = mustInsert(t, s, c)
	replace := func(summary, name string) {
		t.Helper()
		cur, err := s.Customers().Get(ctx(t), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		cur.Interactions[0].Summary, cur.Name = summary, name
		cur.Version++
		if err := s.Customers().Replace(ctx(t), cur, cur.Version-1); err != nil {
			t.Fatal(err)
		}
	}
	if textCount(t, s, "仓储", false) != 1 {
		t.Fatal("the inserted text is not indexed")
	}
	// Take the rows away behind the store's back: a write with the same
	// texts does not look at them (the key says they are indexed) ...
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rawExec(t, dir, "DELETE FROM texts", "DELETE FROM grams")
	s = openAt(t, dir)
	replace("讨论仓储方案", "钥匙客户（改名）")
	if n := textCount(t, s, "仓储", false); n != 0 {
		t.Fatalf("a write with unchanged texts rewrote the index: %d found", n)
	}
	// ... one that changes them brings the index to them, and so does one
	// that changes them back.
	replace("讨论运输方案", "钥匙客户")
	if textCount(t, s, "运输", false) != 1 || textCount(t, s, "仓储", false) != 0 {
		t.Fatal("the changed text is not indexed")
	}
	replace("讨论仓储方案", "钥匙客户")
	if textCount(t, s, "仓储", false) != 1 || textCount(t, s, "运输", false) != 0 {
		t.Fatal("the text changed back is not indexed")
	}
	// Load writes a document over the customer: indexed and keyed anew, so
	// a later write back to the texts before is indexed too.
	loaded := *c
	loaded.Interactions = []crm.Interaction{{ID: "i1", At: at, Channel: crm.ChannelPhone, Summary: "讨论报关方案", CreatedBy: "u"}}
	loaded.Version = 10
	doc, err := bson.Marshal(&loaded)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(ctx(t), crm.CollectionCustomers, [][]byte{doc}); err != nil {
		t.Fatal(err)
	}
	if textCount(t, s, "报关", false) != 1 {
		t.Fatal("the loaded text is not indexed")
	}
	replace("讨论仓储方案", "钥匙客户")
	if textCount(t, s, "仓储", false) != 1 || textCount(t, s, "报关", false) != 0 {
		t.Fatal("after Load, the text written back is not indexed")
	}
}
