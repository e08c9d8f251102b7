package graph

import (
	"context"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
)

// visibleText is a free-text field of c as the signed-in viewer may read it
// (crm.VisibleText): phone numbers, e-mails and WeChat IDs in it masked for
// viewers who see c's contact details masked.
func (r *Resolver) visibleText(ctx context.Context, c *crm.Customer, s string) string {
	a, _ := auth.ActorFrom(ctx)
	return crm.VisibleText(a, c, s)
}
