package graph

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// A cursor is opaque to clients: base64url of {"o": order field, "k": kind,
// "v": value, "i": id}. It names the order it belongs to, so a cursor from
// another order is rejected instead of skipping rows.
type cursorJSON struct {
	Order string `json:"o"`
	Kind  string `json:"k"`
	Value string `json:"v"`
	ID    string `json:"i"`
}

func encodeCursor(f crm.OrderField, c *crm.Customer) string {
	cj := cursorJSON{Order: string(f), ID: c.ID}
	switch v := c.SortValue(f).(type) {
	case string:
		cj.Kind, cj.Value = "s", v
	case int64:
		cj.Kind, cj.Value = "n", strconv.FormatInt(v, 10)
	case float64:
		cj.Kind, cj.Value = "f", strconv.FormatFloat(v, 'g', -1, 64)
	case time.Time:
		cj.Kind, cj.Value = "t", v.UTC().Format(time.RFC3339Nano)
	}
	b, _ := json.Marshal(cj)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, f crm.OrderField) (*crm.Cursor, error) {
	bad := func(msg string) error {
		return &crm.Error{Code: crm.CodeBadUserInput, Message: "after: " + msg,
			Fields: []crm.FieldError{{Field: "after", Message: msg}}}
	}
	if len(s) > 1024 {
		return nil, bad("is not a cursor from this list")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	var cj cursorJSON
	if err != nil || json.Unmarshal(b, &cj) != nil || cj.ID == "" {
		return nil, bad("is not a cursor from this list")
	}
	if cj.Order != string(f) {
		return nil, bad("belongs to a list in another order; start again without it")
	}
	c := &crm.Cursor{ID: cj.ID}
	switch cj.Kind {
	case "s":
		c.Value = cj.Value
	case "n":
		c.Value, err = strconv.ParseInt(cj.Value, 10, 64)
	case "f":
		c.Value, err = strconv.ParseFloat(cj.Value, 64)
	case "t":
		c.Value, err = time.Parse(time.RFC3339Nano, cj.Value)
	default:
		err = strconv.ErrSyntax
	}
	if err != nil {
		return nil, bad("is not a cursor from this list")
	}
	return c, nil
}
