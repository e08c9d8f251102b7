package crm

import (
	"encoding/hex"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Name order: lists sorted by name follow the order Chinese users expect
// of company names, by pinyin (阿里 < 百度 < 华为 < 中国银行), not by code
// point (中 U+4E2D before 阿 U+963F). The order is a key kept on the
// document (MatchKeys.Order) rather than a collation the database applies:
// MongoDB's zh collation would need the same collation on every index and
// query, FerretDB and SQLite have none, and a key makes both stores, the
// keyset cursors and the in-process read model give one order.
//
// The key is golang.org/x/text/collate's sort key for Chinese (CLDR's
// pinyin order; Latin letters before Han, digits before both) at the
// primary strength (collate.Loose: case, width and accents ignored, so
// ＡＢＣ, abc and ABC sort together), hex-encoded so that the byte order of
// the text is the key's order on every store. A polyphonic character
// takes CLDR's reading (长 as zhǎng). Names that differ only beyond the
// first nameOrderRunes characters, or only in what the key ignores, are
// ordered by id, as every tie is.
//
// The key depends on x/text's collation tables: TestNameOrderKeyStable
// pins some keys, and a table change that alters them must raise
// MatchKeysVersion so stores recompute the stored keys.

// nameOrderRunes bounds the characters of a name the key covers.
const nameOrderRunes = 64

var collators = sync.Pool{New: func() any {
	return &collator{c: collate.New(language.Chinese, collate.Loose)}
}}

// collator is a Collator with its buffer: neither is safe for concurrent
// use.
type collator struct {
	c   *collate.Collator
	buf collate.Buffer
}

// NameOrderKey returns the sort key of a customer name.
func NameOrderKey(name string) string {
	n := 0
	for i := range name {
		if n == nameOrderRunes {
			name = name[:i]
			break
		}
		n++
	}
	co := collators.Get().(*collator)
	defer collators.Put(co)
	co.buf.Reset()
	return hex.EncodeToString(co.c.KeyFromString(&co.buf, name))
}
