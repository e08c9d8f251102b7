// Package scalar holds the GraphQL scalars that are not domain types.
package scalar

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kehu-crm/kehu/internal/crm"
)

// DateLayout is the wire format of the Date scalar.
const DateLayout = "2006-01-02"

// MarshalDate writes a calendar date (stored as midnight UTC) as YYYY-MM-DD.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(DateLayout)))
	})
}

// UnmarshalDate reads YYYY-MM-DD into midnight UTC.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, crm.ReasonError(crm.ReasonInvalidDate, "a Date must be a string YYYY-MM-DD")
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, crm.ReasonError(crm.ReasonInvalidDate, fmt.Sprintf("%q is not a date YYYY-MM-DD", s))
	}
	return t, nil
}
