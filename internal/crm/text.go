package crm

import (
	"unicode"
	"unicode/utf8"
)

// Free-text filters and the stores' text indexes.
//
// A Brief leaves out the long free texts of interactions. A filter that
// searches one (segment's interactions.summary) is not Lean: a store either
// evaluates it on whole documents, or, when the filter is a TextFilter,
// answers each text condition from a text index and binds the answers into
// a lean filter (TextFilter.Bind) that runs on the read model like any
// other.

// InteractionText is a free-text field of an interaction that filters
// search and a Brief lacks. Code is its key in a store's text index (stable:
// it is stored).
type InteractionText struct {
	Code int
	Name string // the filter language's field name
	Get  func(*Interaction) string
}

// InteractionTexts lists them. To make another field searchable, add it
// here and to the filter catalog (internal/segment); stores index what is
// listed here.
var InteractionTexts = []InteractionText{
	{Code: 0, Name: "summary", Get: func(i *Interaction) string { return i.Summary }},
}

// TextCond is one free-text condition of a filter, as a text index answers
// it: the elements whose text satisfies Match.
type TextCond struct {
	// Key identifies the condition: equal keys, equal conditions (a store
	// answering several filters at once looks each up once).
	Key  string
	Code int // the InteractionText
	// Masked: the condition is on the text as a viewer who sees contact
	// details masked reads it (MaskFreeText), for the customers a
	// ViewerFilter masks.
	Masked bool
	// Match is the exact condition on a stored text (what the evaluator
	// does on a whole document).
	Match func(text string) bool
	// MatchesEmpty is Match(""): an element without the text (empty)
	// satisfies the condition.
	MatchesEmpty bool
	// Needle, when not "", is a necessary condition an index can look up:
	// every text that satisfies Match (when MatchesEmpty: every text that
	// does not) contains Needle once folded with FoldText. Stores look
	// candidates up by it, then check Match.
	Needle string
	// Exact: Match(t) holds exactly when FoldText(t) contains Needle (a
	// contains condition): an exact index needs no check.
	Exact bool
	// Some: the filter asks only whether some interaction of a customer
	// satisfies the condition (TextMatches.Any), not which.
	Some bool
}

// TextMatches answers a filter's text conditions for one snapshot of the
// read model: whether element e (an interaction of a read-model customer's
// Brief) satisfies condition i of TextFilter.TextConds.
type TextMatches interface {
	Has(i int, e *BriefInteraction) bool
	// Any reports whether some interaction of c (a read-model customer
	// with its Brief) satisfies condition i.
	Any(i int, c *Customer) bool
}

// ViewerFilter is a Filter whose free-text conditions can match the texts
// as a viewer reads them.
type ViewerFilter interface {
	Filter
	// ForViewer returns the filter with its free-text conditions matching,
	// on the customers masked reports, the masked texts (MaskFreeText); the
	// filter itself when it reads no free text. The result is a TextFilter
	// whose TextConds include the Masked ones.
	ForViewer(masked func(*Customer) bool) Filter
}

// ForViewer returns f for the viewer v (nil: f itself): see ViewerFilter.
// It returns f itself when the filter reads no free text or v sees every
// customer's contact details.
func ForViewer(f Filter, v *Actor) Filter {
	vf, ok := f.(ViewerFilter)
	if !ok || v == nil || f.Lean() || v.CanSeeContactDetails(&Customer{}) {
		return f // no free text, or a viewer who sees every customer's details
	}
	a := *v
	return vf.ForViewer(func(c *Customer) bool { return !a.CanSeeContactDetails(c) })
}

// TextFilter is a Filter whose free-text conditions a store may answer from
// a text index.
type TextFilter interface {
	Filter
	// TextConds lists the filter's free-text conditions (distinct).
	TextConds() []TextCond
	// Bind returns the filter with its text conditions answered by m: a
	// Lean filter whose Match reads the Brief (and, for a whole document,
	// the texts themselves, as before).
	Bind(m TextMatches) Filter
}

// FoldRune returns the representative of r's Unicode simple case folding
// orbit (unicode.SimpleFold): its smallest member. Two runes match
// case-insensitively in filters when their representatives are equal.
func FoldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	return min
}

// FoldText folds every rune of s with FoldRune: s contains t
// case-insensitively (as filters match) exactly when FoldText(s) contains
// FoldText(t).
func FoldText(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('a' <= c && c <= 'z') {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = utf8.AppendRune(b, FoldRune(r))
	}
	return string(b)
}
