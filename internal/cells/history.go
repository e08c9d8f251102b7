package cells

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Interaction is an entry of a history cell that records a contact with
// the customer: "2023-01-01 电话联系，了解需求".
type Interaction struct {
	At      time.Time              // in the location given; the date's midnight when the entry has no time
	Channel crm.InteractionChannel // guessed from the words (电话, 拜访, 微信 ...); OTHER when none says
	Summary string                 // the entry after its date, folded
}

// String writes the entry back the way History reads it.
func (x Interaction) String() string {
	return formatEntryTime(x.At) + " " + x.Summary
}

// Deal is an entry of a history cell that records a purchase:
// "2022-12-01 购买产品A，1000元".
type Deal struct {
	Date    time.Time // midnight UTC
	Product string
	Amount  crm.Money
}

// String writes the entry back the way History reads it.
func (d Deal) String() string {
	return d.Date.Format(time.DateOnly) + " 购买" + d.Product + "，" + d.Amount.String() + "元"
}

// HistoryEntries is what a history cell holds, each list in the cell's
// order.
type HistoryEntries struct {
	Interactions []Interaction
	Deals        []Deal
}

func formatEntryTime(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(time.DateOnly)
	}
	return formatDateTime(t)
}

// number is a decimal number, with commas every three digits or none.
const number = `(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?`

var (
	// entryDateRe is a date (and a time) at the start of an entry; Date
	// and DateTime check it.
	entryDateRe = regexp.MustCompile(`^(?:\d{4} ?([-/.]) ?\d{1,2} ?[-/.] ?\d{1,2}|\d{4} ?年 ?\d{1,2} ?月 ?\d{1,2} ?[日号]?)` +
		`(?:(?: ?T ?| ?)\d{1,2}:\d{2}(?::\d{2})?)?`)
	// dealAmountRe is the amount that ends a deal entry: it has a currency
	// sign or a unit.
	dealAmountRe = regexp.MustCompile(`(?:(?:¥|RMB|人民币) ?` + number + `(?: ?(?:亿元|万元|元整|元|亿|万))?|` +
		number + ` ?(?:亿元|万元|元整|元|亿|万))$`)
	bareAmountRe = regexp.MustCompile(number + `$`)
	// dealVerbs start a deal entry (longest first).
	dealVerbs = []string{"购买了", "采购了", "订购了", "购买", "采购", "订购", "购入", "下单", "签单", "签约", "成交", "续费", "续约"}
)

const entrySeparators = " :,、-—>"

const historyExample = "2023-01-01 电话联系，了解需求 or 2022-12-01 购买产品A，1000元"

// History reads a history cell: entries separated by line breaks or ；/;,
// each a date (any form Date reads but a serial, optionally with a time as
// DateTime reads it, in loc; nil: crm.DefaultLocation) followed by text.
// An entry that starts with a purchase word (购买, 采购, 订购, 下单, 签单,
// 签约, 成交, 续费, 续约 ...) and ends with an amount that has a currency sign
// or unit (1000元, ¥1,000, 5万) is a Deal of the product named between
// them; any other entry is an Interaction, its channel guessed from its
// first channel word. Errors (Reason): REQUIRED for an empty cell; the
// first bad entry's (INVALID for an entry without a leading date or text,
// a purchase without a product or with an amount without a unit; Date's
// and Money's reasons for its date and amount), its message naming the
// entry.
func History(s string, loc *time.Location, opts DateOptions) (HistoryEntries, error) {
	var h HistoryEntries
	entries := splitRaw(s, func(r rune) bool {
		return r == ';' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '\u0085' || r == '\u2028' || r == '\u2029'
	})
	if len(entries) == 0 {
		return h, required("entries such as " + historyExample)
	}
	for i, e := range entries {
		if err := h.add(e, i+1, len(entries), loc, opts); err != nil {
			return HistoryEntries{}, err
		}
	}
	return h, nil
}

func (h *HistoryEntries) add(e string, n, of int, loc *time.Location, opts DateOptions) error {
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
	text := strings.TrimLeft(t[len(m):], entrySeparators)
	k := len(t) - len(text) // where the text starts
	if text == "" {
		return entryFail("has a date but no text: write each entry as %s", historyExample)
	}
	verb := ""
	for _, v := range dealVerbs {
		if strings.HasPrefix(text, v) {
			verb = v
			break
		}
	}
	amount := dealAmountRe.FindString(text)
	if verb != "" && amount == "" && bareAmountRe.MatchString(text) {
		return entryFail("looks like a purchase but its amount has no unit: write it as 1000元 or ¥1000")
	}
	if verb == "" || amount == "" || len(verb)+len(amount) > len(text) {
		at, _, err := DateTime(m, loc, opts)
		if err != nil {
			return withPrefix(which, err)
		}
		h.Interactions = append(h.Interactions, Interaction{At: at, Channel: guessChannel(text), Summary: f.original(k, len(t))})
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
	if product == "" && (verb == "续费" || verb == "续约") {
		product = verb
	}
	if product == "" {
		return entryFail("is a purchase without a product: write it as 2022-12-01 购买产品A，1000元")
	}
	money, _, err := Money(amount, Yuan)
	if err != nil {
		return withPrefix(which, err)
	}
	h.Deals = append(h.Deals, Deal{Date: date, Product: product, Amount: money})
	return nil
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
