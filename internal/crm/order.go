package crm

import (
	"encoding/hex"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Text order: lists sorted by name follow the order Chinese users expect
// of company names, by pinyin (阿里 < 百度 < 华为 < 中国银行), not by code
// point (中 U+4E2D before 阿 U+963F), and so do lists sorted by industry,
// source, province or city (零售 < 软件 < 制造业). The order is a key kept
// on the document (MatchKeys.Order, IndustryOrder ...) rather than a
// collation the database applies:
// MongoDB's zh collation would need the same collation on every index and
// query, FerretDB and SQLite have none, and a key makes both stores, the
// keyset cursors and the in-process read model give one order.
//
// The key is golang.org/x/text/collate's sort key for Chinese (CLDR's
// pinyin order; Latin letters before Han, digits before both) at the
// primary strength (collate.Loose: case, width and accents ignored, so
// ＡＢＣ, abc and ABC sort together), hex-encoded so that the byte order of
// the text is the key's order on every store. A polyphonic character
// takes CLDR's reading (长 as zhǎng). Texts that differ only beyond the
// first orderRunes characters, or only in what the key ignores, are
// ordered by id, as every tie is. The empty text's key is empty.
//
// The key depends on x/text's collation tables: TestOrderKeyStable
// pins some keys, and a table change that alters them must raise
// MatchKeysVersion so stores recompute the stored keys.

// orderRunes bounds the characters of a text the key covers.
const orderRunes = 64

var collators = sync.Pool{New: func() any {
	return &collator{c: collate.New(language.Chinese, collate.Loose)}
}}

// collator is a Collator with its buffer: neither is safe for concurrent
// use.
type collator struct {
	c   *collate.Collator
	buf collate.Buffer
}

// OrderKey returns the sort key of a text: a name, an industry, a city.
func OrderKey(text string) string {
	n := 0
	for i := range text {
		if n == orderRunes {
			text = text[:i]
			break
		}
		n++
	}
	co := collators.Get().(*collator)
	defer collators.Put(co)
	co.buf.Reset()
	return hex.EncodeToString(co.c.KeyFromString(&co.buf, text))
}
