package cells

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Interaction is an entry of a history cell that records a contact with
// the customer: "2023-01-01 电话联系，了解需求".
type Interaction struct {
	At      time.Time              // in the location given; the date's midnight when the entry has no time
	Channel crm.InteractionChannel // the entry's 【channel】, else guessed from the words (电话, 拜访, 微信 ...); OTHER when none says
	Summary string                 // the entry after its date (and channel), as typed
}

// String writes the entry back the way History reads it: HistoryFormat's
// form in x.At's location.
func (x Interaction) String() string {
	return HistoryFormat{Loc: x.At.Location()}.Interaction(x)
}

// Deal is an entry of a history cell that records a purchase:
// "2022-12-01 购买产品A，1000元".
type Deal struct {
	Date    time.Time // midnight UTC
	Product string
	Amount  crm.Money
}

// String writes the entry back the way History reads it: HistoryFormat's
// form.
func (d Deal) String() string { return HistoryFormat{}.Deal(d) }

// HistoryEntries is what a history cell holds, each list in the cell's
// order.
type HistoryEntries struct {
	Interactions []Interaction
	Deals        []Deal
	// Omitted counts the entries the cell says were left out (the line
	// HistoryFormat.Cell writes when a customer's history does not fit in a
	// cell).
	Omitted int
}

// number is a decimal number, with commas every three digits or none.
const number = `(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?`

var (
	// entryDateRe is a date (and a time) at the start of an entry; Date
	// and DateTime check it. A time with seconds may have a fraction and
	// an offset right after it (10:30:15.250+08:00, as HistoryFormat
	// writes an hour that a change of clocks repeats).
	entryDateRe = regexp.MustCompile(`^(?:\d{4} ?([-/.]) ?\d{1,2} ?[-/.] ?\d{1,2}|\d{4} ?年 ?\d{1,2} ?月 ?\d{1,2} ?[日号]?)` +
		`(?:(?: ?T ?| ?)\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?(?:[+-]\d{2}:\d{2})?)?)?`)
	entryOffsetRe   = regexp.MustCompile(`:\d{2}(?:\.\d{1,9})?([+-]\d{2}:\d{2})$`)
	entryFractionRe = regexp.MustCompile(`:\d{2}\.(\d{1,9})`)
	// dealAmountRe is the amount that ends a deal entry: it has a currency
	// sign or a unit.
	dealAmountRe = regexp.MustCompile(`(?:(?:¥|RMB|人民币) ?` + number + `(?: ?(?:亿元|万元|元整|元|亿|万))?|` +
		number + ` ?(?:亿元|万元|元整|元|亿|万))$`)
	bareAmountRe = regexp.MustCompile(number + `$`)
	// dealVerbs start a deal entry (longest first).
	dealVerbs = []string{"购买了", "采购了", "订购了", "购买", "采购", "订购", "购入", "下单", "签单", "签约", "成交", "续费", "续约"}
	// omittedRe is the line HistoryFormat.Cell writes in place of the
	// entries it leaves out (folded).
	omittedRe = regexp.MustCompile(`(?i)^[\[【] ?(?:省略较早的 ?(\d{1,9}) ?条(?:记录)?|(\d{1,9}) earlier entr(?:y|ies) left out) ?[\]】]$`)
)

const entrySeparators = " :,、-—>"

const historyExample = "2023-01-01 电话联系，了解需求 or 2022-12-01 购买产品A，1000元"

// History reads a history cell: entries separated by line breaks or ；/;
// (a backslash before one keeps it in the entry), each a date (any form
// Date reads but a serial, optionally with a time as DateTime reads it, in
// loc; nil: crm.DefaultLocation) followed by text.
//
// An entry whose text starts with a channel in brackets, 【电话】 or [Phone]
// (a channel's Chinese or English label or a synonym), is an Interaction of
// that channel; one that starts with 【购买】 or [Purchase] is a Deal whose
// last word is the amount (¥1000.00, 1000元) and the product the text
// before it. After such a marker the text is taken as typed, and a
// backslash escapes: \\ is a backslash, \n and \r line breaks, \; a ';'
// (any separator). This is the form HistoryFormat writes, so that an
// export reads back exactly.
//
// Otherwise, an entry that starts with a purchase word (购买, 采购, 订购,
// 下单, 签单, 签约, 成交, 续费, 续约 ...) and ends with an amount that has a
// currency sign or unit (1000元, ¥1,000, 5万) is a Deal of the product named
// between them, or of the purchase word itself when it names none (2023-06-01
// 成交，5万元 is a deal of 成交); any other entry is an Interaction, its
// channel guessed from its first channel word.
//
// A line "【省略较早的 12 条】" or "[12 earlier entries left out]" is
// counted in Omitted. Errors (Reason): REQUIRED for a cell without
// entries; the first bad entry's (INVALID for an entry without a leading
// date or text, a purchase in the export's 【购买】 form without a product
// or an amount, an amount without a unit; Date's and Money's reasons for
// its date and amount), its message naming the entry.
func History(s string, loc *time.Location, opts DateOptions) (HistoryEntries, error) {
	return history(s, loc, opts, false)
}

// DealHistory reads a cell of a column of deals (交易记录, 购买记录) as
// History does, except that an entry ending with an amount is a deal
// without a purchase word too: "2022-12-01 产品A 1000元" is a deal of 产品A
// (in another column it is an interaction). Such an entry naming no
// product is INVALID.
func DealHistory(s string, loc *time.Location, opts DateOptions) (HistoryEntries, error) {
	return history(s, loc, opts, true)
}

func history(s string, loc *time.Location, opts DateOptions, deals bool) (HistoryEntries, error) {
	var h HistoryEntries
	entries := splitEntries(s)
	for i, e := range entries {
		if m := omittedRe.FindStringSubmatch(Fold(e)); m != nil {
			h.Omitted += atoi(m[1] + m[2])
			continue
		}
		if err := h.add(e, i+1, len(entries), loc, opts, deals); err != nil {
			return HistoryEntries{}, err
		}
	}
	if len(h.Interactions)+len(h.Deals) == 0 && h.Omitted == 0 {
		return HistoryEntries{}, required("entries such as " + historyExample)
	}
	return h, nil
}

// isEntrySeparator reports the runes that separate a history cell's
// entries (after width folding: ； is ;).
func isEntrySeparator(r rune) bool {
	switch foldRune(r) {
	case ';', '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}

// splitEntries splits a history cell at its separators but those after an
// odd number of backslashes, keeping the entries as typed (trimmed, empty
// ones dropped).
func splitEntries(s string) []string {
	var out []string
	add := func(part string) {
		if Fold(part) != "" {
			out = append(out, strings.TrimSpace(part))
		}
	}
	start, slashes := 0, 0
	for i, r := range s {
		switch {
		case r == '\\':
			slashes++
			continue
		case isEntrySeparator(r) && slashes%2 == 0:
			add(s[start:i])
			start = i + utf8.RuneLen(r)
		}
		slashes = 0
	}
	add(s[start:])
	return out
}

func (h *HistoryEntries) add(e string, n, of int, loc *time.Location, opts DateOptions, deals bool) error {
	which := "entry " + quote(e)
	if of > 1 {
		which = "entry " + strconv.Itoa(n) + " " + quote(e)
	}
	entryFail := func(format string, args ...any) error {
		return fail(crm.ReasonInvalid, map[string]any{"entry": n}, "%s "+format, append([]any{which}, args...)...)
	}
	f := foldMap(e)
	t := f.s
	m := entryDateRe.FindString(t)
	if m == "" {
		return entryFail("does not start with a date: write each entry as %s", historyExample)
	}
	if o := entryOffsetRe.FindStringSubmatch(m); o != nil && len(m) < len(t) && t[len(m)] != ' ' {
		m = m[:len(m)-len(o[1])] // 10:00:00-11:00:00: a range, not an offset
	}
	text := strings.TrimLeft(t[len(m):], entrySeparators)
	k := len(t) - len(text) // where the text starts
	if text == "" {
		return entryFail("has a date but no text: write each entry as %s", historyExample)
	}
	interactionAt := func() (time.Time, error) {
		at, _, err := DateTime(m, loc, opts)
		if err != nil {
			return time.Time{}, withPrefix(which, err)
		}
		if fr := entryFractionRe.FindStringSubmatch(m); fr != nil {
			ns := atoi((fr[1] + "00000000")[:9])
			at = at.Add(time.Duration(ns)).Truncate(time.Millisecond)
		}
		return at, nil
	}
	if kind, end, ok := historyMarker(t, k); ok {
		rest := strings.TrimSpace(e[f.end[end-1]:])
		if kind != "" {
			if rest == "" {
				return entryFail("has a date but no text: write each entry as %s", historyExample)
			}
			at, err := interactionAt()
			if err != nil {
				return err
			}
			h.Interactions = append(h.Interactions, Interaction{At: at, Channel: crm.InteractionChannel(kind), Summary: unescapeEntry(rest)})
			return nil
		}
		cut := strings.LastIndexFunc(rest, unicode.IsSpace)
		if cut < 0 {
			return entryFail("is a purchase without a product or an amount: write it as %s", dealExample)
		}
		_, size := utf8.DecodeRuneInString(rest[cut:])
		product := strings.TrimSpace(rest[:cut])
		date, _, err := Date(m, opts)
		if err != nil {
			return withPrefix(which, err)
		}
		money, _, err := Money(rest[cut+size:], Yuan)
		if err != nil {
			return withPrefix(which, err)
		}
		h.Deals = append(h.Deals, Deal{Date: date, Product: unescapeEntry(product), Amount: money})
		return nil
	}
	verb := ""
	for _, v := range dealVerbs {
		if strings.HasPrefix(text, v) {
			verb = v
			break
		}
	}
	amount := dealAmountRe.FindString(text)
	if (verb != "" || deals) && amount == "" && bareAmountRe.MatchString(text) {
		return entryFail("looks like a purchase but its amount has no unit: write it as 1000元 or ¥1000")
	}
	if verb == "" && !deals || amount == "" || len(verb)+len(amount) > len(text) {
		at, err := interactionAt()
		if err != nil {
			return err
		}
		h.Interactions = append(h.Interactions, Interaction{At: at, Channel: guessChannel(text),
			Summary: unescapeSeparators(f.original(k, len(t)))})
		return nil
	}
	at := len(t) - len(amount)
	if before := e[:f.start[at]]; amount[0] >= '0' && amount[0] <= '9' && strings.ContainsAny(before[max(0, len(before)-1):], "0123456789,.") {
		// 6,80,000元: the amount is not a number; a full-width ，before
		// it would have been a separator.
		return fail(crm.ReasonInvalidMoney, map[string]any{"entry": n}, "%s ends with an amount that is not a number: write it as 680000元 or 680,000元", which)
	}
	date, _, err := Date(m, opts)
	if err != nil {
		return withPrefix(which, err)
	}
	product := trimSeparators(f.original(k+len(verb), at))
	for cut := true; cut; {
		cut = false
		for _, w := range []string{"金额", "总价", "合计", "共计", "总计", "价格", "共"} {
			if p, ok := strings.CutSuffix(product, w); ok {
				product, cut = trimSeparators(p), true
			}
		}
	}
	if product == "" {
		// 续费，2万元; 成交 5万元: the sheet names no product, the deal is
		// what it says it was (a deal needs a product).
		product = verb
	}
	if product == "" { // a deals column's "2022-12-01 1000元"
		return entryFail("is a deal without a product: write it as %s", "2022-12-01 购买产品A，1000元")
	}
	money, _, err := Money(amount, Yuan)
	if err != nil {
		return withPrefix(which, err)
	}
	h.Deals = append(h.Deals, Deal{Date: date, Product: unescapeSeparators(product), Amount: money})
	return nil
}

const dealExample = "2022-12-01 【购买】产品A ¥1000.00"

// dealMarkers are the words of a deal's marker (folded with key): what
// HistoryFormat writes, not every purchase word (【签约】仪式 stays text).
var dealMarkers = map[string]bool{"购买": true, "purchase": true}

// historyMarker reads the marker at t[k:] (folded): a channel in brackets
// (kind: the channel) or a purchase word (kind ""); end is where the
// marker ends in t.
func historyMarker(t string, k int) (kind string, end int, ok bool) {
	open, closer := 0, ""
	switch {
	case strings.HasPrefix(t[k:], "["):
		open, closer = 1, "]"
	case strings.HasPrefix(t[k:], "【"):
		open, closer = len("【"), "】"
	default:
		return "", 0, false
	}
	j := strings.Index(t[k+open:], closer)
	if j < 0 {
		return "", 0, false
	}
	word := t[k+open : k+open+j]
	end = k + open + j + len(closer)
	if dealMarkers[key(word)] {
		return "", end, true
	}
	if ch, _, err := Channels.Read(word); err == nil {
		return ch, end, true
	}
	return "", 0, false
}

// unescapeEntry undoes escapeEntry: \\ is a backslash, \n and \r line
// breaks, a backslash before a separator the separator; any other
// backslash stays.
func unescapeEntry(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if s[i] == '\\' && i+1 < len(s) {
			r, size := utf8.DecodeRuneInString(s[i+1:])
			switch {
			case r == '\\', isEntrySeparator(r):
				b = append(b, s[i+1:i+1+size]...)
				i += 1 + size
				continue
			case r == 'n':
				b, i = append(b, '\n'), i+2
				continue
			case r == 'r':
				b, i = append(b, '\r'), i+2
				continue
			}
		}
		b, i = append(b, s[i]), i+1
	}
	return string(b)
}

// unescapeSeparators drops the backslash that kept a separator in an entry
// not in HistoryFormat's form.
func unescapeSeparators(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i, r := range s {
		if isEntrySeparator(r) && len(b) > 0 && b[len(b)-1] == '\\' {
			b = b[:len(b)-1]
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		b = append(b, s[i:i+size]...)
	}
	return string(b)
}

// trimSeparators trims white space and entrySeparators (in any width).
func trimSeparators(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || invisible(r) || strings.ContainsRune(entrySeparators, foldRune(r))
	})
}

// withPrefix names the entry in a Date or Money error.
func withPrefix(which string, err error) error {
	f := FieldError("", err)
	return &Error{Reason: f.Reason, Params: f.Params, Message: which + ": " + f.Message}
}

// channelWords are the words that say how an interaction happened; the
// earliest in an entry wins, the longest at one place ("视频会议" is a
// meeting, "视频" alone online, "电话拜访" a phone call).
var channelWords = []struct {
	word    string
	channel crm.InteractionChannel
}{
	{"电话", crm.ChannelPhone}, {"致电", crm.ChannelPhone}, {"来电", crm.ChannelPhone}, {"通话", crm.ChannelPhone},
	{"拜访", crm.ChannelVisit}, {"上门", crm.ChannelVisit}, {"面谈", crm.ChannelVisit}, {"走访", crm.ChannelVisit},
	{"来访", crm.ChannelVisit}, {"到访", crm.ChannelVisit}, {"见面", crm.ChannelVisit},
	{"邮件", crm.ChannelEmail}, {"邮箱", crm.ChannelEmail}, {"email", crm.ChannelEmail}, {"e-mail", crm.ChannelEmail},
	{"会议", crm.ChannelMeeting}, {"开会", crm.ChannelMeeting}, {"会谈", crm.ChannelMeeting},
	{"视频会议", crm.ChannelMeeting}, {"线上会议", crm.ChannelMeeting}, {"网络会议", crm.ChannelMeeting},
	{"线上", crm.ChannelOnline}, {"在线", crm.ChannelOnline}, {"视频", crm.ChannelOnline}, {"远程", crm.ChannelOnline},
	{"微信", crm.ChannelWeChat}, {"wechat", crm.ChannelWeChat}, {"企业微信", crm.ChannelWeChat},
	{"直播", crm.ChannelLivestream},
}

func guessChannel(text string) crm.InteractionChannel {
	lower := strings.ToLower(text)
	best, bestAt, bestLen := crm.ChannelOther, len(lower), 0
	for _, w := range channelWords {
		i := strings.Index(lower, w.word)
		if i < 0 {
			continue
		}
		if i < bestAt || (i == bestAt && len(w.word) > bestLen) {
			best, bestAt, bestLen = w.channel, i, len(w.word)
		}
	}
	return best
}

// MaxCellChars is the most characters a spreadsheet cell holds: Excel's
// limit, counted in UTF-16 code units (excelize cuts longer text).
const MaxCellChars = 32767

// HistoryFormat writes history entries in the form History reads back
// exactly (the export's 跟进记录 and 交易记录 cells):
//
//	2023-01-01 10:30 【电话】电话联系，了解需求
//	2022-12-01 【购买】产品A ¥1000.00
//
// An interaction is its time (the date alone at midnight; seconds and
// milliseconds when not zero; an offset, 01:30:00+09:00, when the zone's
// clocks went back and the wall time is ambiguous), its channel's label in
// brackets and its summary; a deal its date, 【购买】, its product and its
// amount in yuan to the fen. In English, [Phone] and [Purchase]. The texts
// are escaped: a backslash as \\, line breaks as \n and \r, and ; ；
// (every separator of entries) after a backslash.
type HistoryFormat struct {
	Loc     *time.Location // the zone of times; nil: crm.DefaultLocation
	English bool           // English labels in the brackets
}

// Interaction writes x as one entry.
func (f HistoryFormat) Interaction(x Interaction) string {
	l, ok := crm.ChannelLabels[string(x.Channel)]
	if !ok {
		l = crm.ChannelLabels[string(crm.ChannelOther)]
	}
	return f.at(x.At) + " " + f.bracket(l) + escapeEntry(x.Summary)
}

// Deal writes d as one entry.
func (f HistoryFormat) Deal(d Deal) string {
	return d.Date.UTC().Format(time.DateOnly) + " " + f.bracket(crm.Label{Zh: "购买", En: "Purchase"}) +
		escapeEntry(d.Product) + " ¥" + d.Amount.String()
}

func (f HistoryFormat) bracket(l crm.Label) string {
	if f.English {
		return "[" + l.En + "] "
	}
	return "【" + l.Zh + "】"
}

// Omitted is the line that stands for n entries left out.
func (f HistoryFormat) Omitted(n int) string {
	switch {
	case !f.English:
		return "【省略较早的 " + strconv.Itoa(n) + " 条】"
	case n == 1:
		return "[1 earlier entry left out]"
	}
	return "[" + strconv.Itoa(n) + " earlier entries left out]"
}

// Cell joins entries (written by f, oldest first) one a line, in at most
// limit characters (UTF-16 code units; MaxCellChars when limit <= 0). When
// they do not fit, it keeps the newest that do, after an Omitted line in
// place of the others, and returns how many it left out.
func (f HistoryFormat) Cell(entries []string, limit int) (cell string, omitted int) {
	if limit <= 0 {
		limit = MaxCellChars
	}
	size := len(entries) - 1 // the line breaks
	for _, e := range entries {
		size += utf16Len(e)
	}
	if size <= limit {
		return strings.Join(entries, "\n"), 0
	}
	budget := limit - utf16Len(f.Omitted(len(entries))) // the longest marker
	keep := 0
	for i := len(entries) - 1; i >= 0; i-- {
		n := utf16Len(entries[i]) + 1
		if n > budget {
			break
		}
		budget -= n
		keep++
	}
	omitted = len(entries) - keep
	return strings.Join(append([]string{f.Omitted(omitted)}, entries[omitted:]...), "\n"), omitted
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// at writes an interaction's time as History reads it in f's zone.
func (f HistoryFormat) at(t time.Time) string {
	loc := f.Loc
	if loc == nil {
		loc = crm.DefaultLocation
	}
	t = t.In(loc)
	h, mi, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	layout := time.DateOnly
	switch {
	case ms != 0:
		layout = "2006-01-02 15:04:05.000"
	case sec != 0:
		layout = time.DateTime
	case h != 0 || mi != 0:
		layout = "2006-01-02 15:04"
	}
	// History reads the wall time back as DateTime does; where it names
	// two instants (the hour repeated when clocks go back), the offset says
	// which.
	y, mo, d := t.Date()
	back := time.Date(y, mo, d, 0, 0, h*3600+mi*60+sec, 0, loc).Add(time.Duration(ms) * time.Millisecond)
	if !back.Equal(t.Truncate(time.Millisecond)) {
		layout = "2006-01-02 15:04:05"
		if ms != 0 {
			layout += ".000"
		}
		layout += "-07:00"
	}
	return t.Format(layout)
}

// escapeEntry escapes a text for HistoryFormat: \\ for a backslash, \n and
// \r for line breaks, a backslash before any other separator of entries.
func escapeEntry(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == '\\' || isEntrySeparator(r) }) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\\' || isEntrySeparator(r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+size])
		}
	}
	return b.String()
}
