package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Case-insensitive literal matching (contains, startsWith, search).
//
// Two runes match when they lie in the same Unicode simple case folding
// orbit (unicode.SimpleFold): a/A, é/É, σ/ς/Σ, k/K/K (Kelvin sign),
// s/S/ſ (long s), ß/ẞ. That is the caseless matching MongoDB's $regex with
// option "i" performs (PCRE2 in UTF mode) on the quoted literal the compiler
// sends it (regexp.QuoteMeta). There is no full case folding: ß does not match
// "ss", and the Turkish dotted/dotless i have no other case.

// canon returns the representative of r's orbit: its smallest member.
func canon(r rune) rune {
	if r < utf8.RuneSelf {
		return asciiCanon[r]
	}
	return crm.FoldRune(r) // the text indexes of the stores fold the same way
}

var asciiCanon [utf8.RuneSelf]rune

func init() {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		asciiCanon[r] = r
		if 'a' <= r && r <= 'z' {
			asciiCanon[r] = r - 'a' + 'A'
		}
	}
}

// matcher finds a literal needle case-insensitively.
type matcher struct {
	needle string
	prefix bool   // startsWith rather than contains
	plain  bool   // no rune of the needle has another case: bytes compare
	ascii  bool   // every canonical rune of the needle is ASCII
	canon  []rune // canonical runes of the needle
}

func newMatcher(needle string, prefix bool) *matcher {
	m := &matcher{needle: needle, prefix: prefix, plain: true, ascii: true}
	for _, r := range needle {
		c := canon(r)
		m.canon = append(m.canon, c)
		if c >= utf8.RuneSelf {
			m.ascii = false
		}
		if unicode.SimpleFold(r) != r {
			m.plain = false
		}
	}
	return m
}

// hayCanon is canon for a rune of the haystack; when the needle is ASCII
// only the two non-ASCII runes whose orbit holds an ASCII letter matter.
func (m *matcher) hayCanon(r rune) rune {
	if r < utf8.RuneSelf {
		return asciiCanon[r]
	}
	if m.ascii {
		switch r {
		case 0x17F: // ſ
			return 'S'
		case 0x212A: // Kelvin sign
			return 'K'
		}
		return -1
	}
	return canon(r)
}

func (m *matcher) match(h string) bool {
	if m.plain {
		if m.prefix {
			return strings.HasPrefix(h, m.needle)
		}
		return strings.Contains(h, m.needle)
	}
	if m.prefix {
		return m.at(h)
	}
	for i := 0; i < len(h); {
		if m.at(h[i:]) {
			return true
		}
		_, size := utf8.DecodeRuneInString(h[i:])
		i += size
	}
	return false
}

// at reports whether h starts with the needle.
func (m *matcher) at(h string) bool {
	i := 0
	for _, want := range m.canon {
		if i >= len(h) {
			return false
		}
		r, size := rune(h[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(h[i:])
		}
		if m.hayCanon(r) != want {
			return false
		}
		i += size
	}
	return true
}
