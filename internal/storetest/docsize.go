package storetest

import (
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

func init() {
	// A customer document over crm.MaxDocumentBytes is refused, on insert
	// and on replace, with BAD_USER_INPUT / DOCUMENT_TOO_LARGE, and the
	// stored one is left as it was.
	register("DocumentSizeBound", false, func(t *testing.T, h Harness) {
		s := open(t, h)
		huge := func(c *crm.Customer) {
			note := strings.Repeat("备注", 2500) // 15 KB
			for i := 0; i*len(note) <= crm.MaxDocumentBytes; i++ {
				c.Interactions = append(c.Interactions, crm.Interaction{ID: crm.NewID(), At: base, Channel: crm.ChannelPhone, Summary: note})
			}
		}
		tooLarge := func(what string, err error) {
			t.Helper()
			e, ok := err.(*crm.Error)
			if !ok || e.Code != crm.CodeBadUserInput || e.Reason != crm.ReasonDocumentTooLarge {
				t.Fatalf("%s over the size limit: %v", what, err)
			}
		}
		big := plain("过大公司", base)
		huge(big)
		tooLarge("insert", s.Customers().Insert(ctx(t), big, crm.CodePeriod(base, crm.DefaultLocation)))

		c := insert(t, s, plain("正常公司", base))
		next := *c
		huge(&next)
		next.Version = c.Version + 1
		tooLarge("replace", s.Customers().Replace(ctx(t), &next, c.Version))
		got, err := s.Customers().Get(ctx(t), c.ID)
		if err != nil || got.Version != c.Version || len(got.Interactions) != 0 {
			t.Fatalf("after a refused replace: %+v %v", got, err)
		}
	})
}
