// Package dedupe finds likely duplicate customers: pairs of customers that
// share a company name key, a contact phone, a contact e-mail or a credit
// code (crm's match keys, match.go), each with a score and the reasons, for
// a person to review and merge. It does no I/O: a caller scans the store
// once (CustomerStore.Each over crm.ScopeAll, which hands the keys out
// without the contacts), gives each customer to Finder.Add, and pages
// through Finder.Pairs.
//
// # Score
//
// A pair scores what its two customers share, at most MaxScore (100):
//
//	CREDIT_CODE  the same valid credit code                       100
//	NAME         the same crm.CompanyNameKey                        60
//	             the same key, different legal forms                40
//	PHONE        a contact phone key (crm.PhoneKey), one or more    30
//	EMAIL        a contact e-mail key (crm.EmailKey), one or more   30
//
// A name with a phone or an e-mail is 90, with both 100 (not 120); a phone
// and an e-mail 60; one of them alone 30. The stores keep credit codes
// unique, so CREDIT_CODE is only seen when customers come from elsewhere
// (another store, a file).
//
// # Rules
//
//   - Region: the name key keeps the region (北京华为技术, 上海华为技术 and
//     华为技术 are three keys), and names that share only a region or a legal
//     form (北京华为科技有限公司, 北京中兴科技有限公司) have different keys: a
//     region or a legal form never pairs two customers by itself.
//   - Legal form: the key drops it (华为技术有限公司 = 华为技术股份有限公司),
//     so one company typed with and without its form is found. When both
//     names tell a form and the forms differ (crm.CompanyLegalForm: LIMITED
//     and JOINT_STOCK), they are two registrations or one company that
//     changed its form: the pair is kept, for a person to decide, with NAME
//     at 40 and LegalFormsDiffer set.
//   - Credit codes: two customers whose credit codes are both valid and
//     differ are two registered companies, never a pair, whatever else they
//     share (a group's switchboard, one agent's e-mail, one name in two
//     forms). An invalid or missing code vetoes nothing.
//   - Archived customers are left out: they are done with (merged into
//     another, gone out of business), and a merge will archive the others
//     of a pair, which must then leave the review.
//   - Bound: a key shared by more than MaxShared customers (a switchboard,
//     an info@ address, the 400 number of a franchise) makes no pairs: its
//     n²/2 pairs would drown the review and cost quadratic time, for little
//     evidence. Skipped reports each such key's kind and how many share it
//     (not the key: a phone or an e-mail is personal data); customers that
//     share such a key and another one are still paired by the other.
//
// Each pair is made once, A's code before B's, with the reasons of every
// key its customers share.
//
// # Paging
//
// Pairs are found anew for each request (a scan of every customer), so a
// page starts after a place, not an offset: Cursor (score, A's code, B's
// code) orders the pairs totally, and Page cuts the page after one; a pair
// that is gone or rescored since does not shift the pages after it.
package dedupe

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Scores of the reasons (see the package documentation).
const (
	ScoreCreditCode    = 100
	ScoreName          = 60
	ScoreNameOtherForm = 40 // the same name key, two different legal forms
	ScorePhone         = 30
	ScoreEmail         = 30
	MaxScore           = 100
)

// MaxShared is the most customers that may share one key for it to pair
// them (190 pairs); a key shared by more is skipped (Finder.Skipped).
const MaxShared = 20

// Member is one customer of a pair.
type Member struct {
	ID      string
	Code    string
	Name    string
	OwnerID string
}

// Pair is two customers that may be one.
type Pair struct {
	A, B  Member // A.Code < B.Code
	Score int    // at most MaxScore
	// Reasons are the kinds of key they share, in the order CREDIT_CODE,
	// NAME, PHONE, EMAIL.
	Reasons []crm.DuplicateReason
	// LegalFormsDiffer: they share the name key, and their names end in
	// two different legal forms (NAME counts ScoreNameOtherForm).
	LegalFormsDiffer bool
}

// Skip is a key shared by more than MaxShared customers, which made no
// pairs.
type Skip struct {
	Reason crm.DuplicateReason // the kind of key
	Count  int                 // customers sharing it
}

// kind is a kind of key, in the order of a pair's reasons.
type kind uint8

const (
	kindCredit kind = iota
	kindName
	kindPhone
	kindEmail
	kinds
)

var reasonOf = [kinds]crm.DuplicateReason{crm.DuplicateCreditCode, crm.DuplicateName, crm.DuplicatePhone, crm.DuplicateEmail}

type member struct {
	Member
	credit   string // a valid credit code, or ""
	form     crm.LegalForm
	formDone bool // form computed (only for customers sharing a name key)
}

// keyList is the customers sharing one key: a linked list through
// Finder.postings, newest first, and its length.
type keyList struct{ head, n int32 }

type posting struct{ member, next int32 }

// Finder collects customers (Add) and finds the likely duplicates among
// them (Pairs). It keeps the keys of each customer in a posting list per
// key, so Pairs costs about the number of customers plus the pairs within
// each key, never the square of the customers. Not safe for concurrent use.
type Finder struct {
	added    map[string]bool // ids
	members  []member
	keys     [kinds]map[string]int32 // key → index in lists
	lists    [kinds][]keyList
	postings []posting
}

// NewFinder returns an empty Finder.
func NewFinder() *Finder {
	f := &Finder{added: map[string]bool{}}
	for k := range f.keys {
		f.keys[k] = map[string]int32{}
	}
	return f
}

// Add adds a customer as CustomerStore.Each hands it out: it reads only the
// id, code, name, credit code, owner, archived time and match keys (so a
// read model's Partial customer will do), and keeps none of c but its
// strings. Archived customers are left out, and a customer added before
// (by id) is not added again. Keys made by older rules are
// recomputed from the contacts when c holds them (a whole document);
// otherwise only the name key is.
func (f *Finder) Add(c *crm.Customer) {
	if c.Archived() || f.added[c.ID] {
		return
	}
	f.added[c.ID] = true
	k := c.Match
	if !k.Current() {
		if !c.Partial || c.ContactsLoaded {
			k = crm.MatchKeysOf(c)
		} else {
			k.Name = crm.CompanyNameKey(c.Name)
		}
	}
	m := int32(len(f.members))
	f.members = append(f.members, member{Member: Member{ID: c.ID, Code: c.Code, Name: c.Name, OwnerID: c.OwnerID}})
	if c.CreditCode != "" && crm.ValidCreditCode(c.CreditCode) { // stored normalised
		f.members[m].credit = c.CreditCode
		f.index(kindCredit, c.CreditCode, m)
	}
	f.index(kindName, k.Name, m)
	for _, p := range k.Phones {
		f.index(kindPhone, p, m)
	}
	for _, e := range k.Emails {
		f.index(kindEmail, e, m)
	}
}

func (f *Finder) index(k kind, key string, m int32) {
	if key == "" {
		return
	}
	i, ok := f.keys[k][key]
	if !ok {
		i = int32(len(f.lists[k]))
		f.keys[k][key] = i
		f.lists[k] = append(f.lists[k], keyList{head: -1})
	}
	l := &f.lists[k][i]
	f.postings = append(f.postings, posting{member: m, next: l.head})
	l.head = int32(len(f.postings) - 1)
	l.n++
}

// Len returns the number of customers compared (those added, less the
// archived ones).
func (f *Finder) Len() int { return len(f.members) }

// Pairs returns the likely duplicate pairs among the customers added, by
// score, highest first, then by A's code and B's code (the order of
// Cursor.Compare).
func (f *Finder) Pairs() []Pair {
	shared := map[uint64]uint8{} // member pair (lower index in the high half) → kinds shared
	var in []int32
	for k := range kinds {
		for _, l := range f.lists[k] {
			if l.n < 2 || l.n > MaxShared {
				continue
			}
			in = in[:0]
			for p := l.head; p >= 0; p = f.postings[p].next {
				in = append(in, f.postings[p].member)
			}
			for i, x := range in {
				for _, y := range in[i+1:] {
					shared[pairKey(x, y)] |= 1 << k
				}
			}
		}
	}
	out := make([]Pair, 0, len(shared))
	for key, kindsShared := range shared {
		x, y := &f.members[key>>32], &f.members[uint32(key)]
		if x.credit != "" && y.credit != "" && x.credit != y.credit {
			continue
		}
		p := Pair{A: x.Member, B: y.Member}
		if p.A.Code > p.B.Code {
			p.A, p.B = p.B, p.A
		}
		score := 0
		for k := range kinds {
			if kindsShared&(1<<k) == 0 {
				continue
			}
			p.Reasons = append(p.Reasons, reasonOf[k])
			switch k {
			case kindCredit:
				score += ScoreCreditCode
			case kindName:
				if fx, fy := f.form(x), f.form(y); fx != crm.LegalFormUnknown && fy != crm.LegalFormUnknown && fx != fy {
					p.LegalFormsDiffer = true
					score += ScoreNameOtherForm
				} else {
					score += ScoreName
				}
			case kindPhone:
				score += ScorePhone
			case kindEmail:
				score += ScoreEmail
			}
		}
		p.Score = min(score, MaxScore)
		out = append(out, p)
	}
	slices.SortFunc(out, func(p, q Pair) int { return p.Cursor().Compare(q.Cursor()) })
	return out
}

func pairKey(x, y int32) uint64 {
	if x > y {
		x, y = y, x
	}
	return uint64(x)<<32 | uint64(y)
}

// form returns m's legal form, computed once.
func (f *Finder) form(m *member) crm.LegalForm {
	if !m.formDone {
		m.form, m.formDone = crm.CompanyLegalForm(m.Name), true
	}
	return m.form
}

// Skipped returns the keys shared by more than MaxShared customers, which
// made no pairs: most shared first, then by kind (CREDIT_CODE, NAME, PHONE,
// EMAIL).
func (f *Finder) Skipped() []Skip {
	type skip struct {
		Skip
		k kind
	}
	var all []skip
	for k := range kinds {
		for _, l := range f.lists[k] {
			if l.n > MaxShared {
				all = append(all, skip{Skip{reasonOf[k], int(l.n)}, k})
			}
		}
	}
	slices.SortFunc(all, func(a, b skip) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.k, b.k))
	})
	out := make([]Skip, len(all))
	for i, s := range all {
		out[i] = s.Skip
	}
	return out
}

// Cursor is a pair's place in the order of Pairs: its score, then the
// codes of A and B. A place stays meaningful when the pairs are found again
// after a change (a pair gone, or its score changed): the next page starts
// after it.
type Cursor struct {
	Score int
	A, B  string // codes
}

// Cursor returns p's place.
func (p Pair) Cursor() Cursor { return Cursor{Score: p.Score, A: p.A.Code, B: p.B.Code} }

// Compare orders places as Pairs orders pairs: by score, highest first,
// then by A, then by B.
func (c Cursor) Compare(d Cursor) int {
	return cmp.Or(cmp.Compare(d.Score, c.Score), strings.Compare(c.A, d.A), strings.Compare(c.B, d.B))
}

// After returns the pairs of pairs (in the order of Pairs) after the place
// c, which need not be one of theirs.
func After(pairs []Pair, c Cursor) []Pair {
	i := sort.Search(len(pairs), func(i int) bool { return pairs[i].Cursor().Compare(c) > 0 })
	return pairs[i:]
}

// Page returns the first pairs of pairs (in the order of Pairs) after the
// place after (nil: from the start), at most first of them, and whether
// more follow.
func Page(pairs []Pair, first int, after *Cursor) (page []Pair, hasNext bool) {
	if after != nil {
		pairs = After(pairs, *after)
	}
	first = max(first, 0)
	if len(pairs) <= first {
		return pairs, false
	}
	return pairs[:first], true
}
