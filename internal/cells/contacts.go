package cells

import (
	"regexp"
	"strings"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Contact is one contact of a contacts cell.
type Contact struct {
	Name, Title, Phone, Email, WeChat string
}

// wechatRe is a WeChat ID as WeChat allows them: a letter, then 5 to 19
// letters, digits, '-' or '_'.
var wechatRe = regexp.MustCompile(`^[A-Za-z][-_A-Za-z0-9]{5,19}$`)

// titleRe is a title in brackets after the name: "张三 (采购经理)".
var titleRe = regexp.MustCompile(`^(.*?)\s*\(([^()]*)\)\s*(.*)$`)

// Contacts reads a cell listing contacts as the export's 全部联系人 column
// writes them, "张三 (采购经理) 13812345678 zs@example.cn; 李四 wxid_li4":
// contacts separated by ; or ；, each a name, an optional title in
// brackets, then its phone (as Phone reads it), e-mail (with an @) and
// WeChat ID (a letter and 5-19 letters, digits, - or _: after the phone or
// e-mail, or holding a digit, - or _) in any order. Words of the name may
// be separated by spaces (John Smith). A value masked for
// the exporting user (139****5678) is refused: it is not the contact's.
// Errors (Reason): REQUIRED for an empty cell; INVALID for an entry without
// a name, a masked value or two phones; Phone's reasons for a phone.
func Contacts(s string) ([]Contact, error) {
	t := Fold(s)
	if t == "" {
		return nil, required("contacts: 张三 (采购经理) 13812345678 zs@example.cn; 李四 ...")
	}
	var out []Contact
	for _, entry := range strings.FieldsFunc(t, func(r rune) bool { return r == ';' || r == '\n' }) {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		var c Contact
		rest := entry
		if m := titleRe.FindStringSubmatch(entry); m != nil {
			c.Title = strings.TrimSpace(m[2])
			rest = m[1] + " " + m[3]
		}
		var name []string
		reached := false // a phone or e-mail came: what follows is not the name
		for _, w := range phoneRuns(strings.Fields(rest)) {
			switch {
			case strings.Contains(w, "*"):
				return nil, fail(crm.ReasonInvalid, nil, "%s holds a masked value (%s): export with a user who sees the contact details", quote(entry), w)
			case strings.Contains(w, "@"):
				c.Email, reached = w, true
			case looksPhone(w):
				p, _, err := Phone(w)
				if err != nil {
					return nil, err
				}
				if c.Phone != "" {
					return nil, fail(crm.ReasonInvalid, nil, "%s holds two phones: a contact has one", quote(entry))
				}
				c.Phone, reached = p, true
			case wechatRe.MatchString(w) && len(name) > 0 && (reached || strings.ContainsAny(w, "0123456789-_")):
				c.WeChat = w
			default:
				name = append(name, w)
			}
		}
		c.Name = strings.Join(name, " ")
		if c.Name == "" {
			return nil, fail(crm.ReasonInvalid, nil, "%s has no name: each contact starts with its name", quote(entry))
		}
		out = append(out, c)
	}
	return out, nil
}

// phoneRuns joins consecutive words made of phone characters (+86 138 1234
// 5678) into one.
func phoneRuns(words []string) []string {
	var out []string
	for _, w := range words {
		if n := len(out); n > 0 && phoneChars(w) && phoneChars(out[n-1]) {
			out[n-1] += w
			continue
		}
		out = append(out, w)
	}
	return out
}

func phoneChars(w string) bool {
	return w != "" && strings.Trim(w, "0123456789+-()") == ""
}

// looksPhone says whether a word is meant as a phone number: mostly
// digits (with +, -, brackets).
func looksPhone(w string) bool {
	digits := 0
	for _, r := range w {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-()转", r):
		default:
			return false
		}
	}
	return digits >= 7
}
