package crm

// The access policy, in one place. Roles:
//   ADMIN, MANAGER: read and change every customer, see all contact details.
//   SALES: read every customer; change the ones they own or collaborate on.
//   SERVICE: like SALES, and may also log interactions, needs and
//            satisfaction on any customer (complaints reach service first).
//   ANALYST: read-only.
// Contact phone, e-mail and WeChat are shown in full only to the customer's
// owner, collaborators, managers and admins; everyone else sees them masked.

func (a Actor) manages() bool { return a.Role == RoleAdmin || a.Role == RoleManager }

func (a Actor) involvedIn(c *Customer) bool {
	if a.UserID == "" {
		return false
	}
	if c.OwnerID == a.UserID {
		return true
	}
	for _, id := range c.Collaborators {
		if id == a.UserID {
			return true
		}
	}
	return false
}

// CanCreate reports whether a may create customers.
func (a Actor) CanCreate() bool { return a.Role.Valid() && a.Role != RoleAnalyst }

// CanEdit reports whether a may change c's account, contacts and deals.
func (a Actor) CanEdit(c *Customer) bool {
	return a.manages() || ((a.Role == RoleSales || a.Role == RoleService) && a.involvedIn(c))
}

// CanLog reports whether a may log interactions, needs and satisfaction on c.
func (a Actor) CanLog(c *Customer) bool { return a.CanEdit(c) || a.Role == RoleService }

// CanSeeContactDetails reports whether a sees c's contact details unmasked.
func (a Actor) CanSeeContactDetails(c *Customer) bool { return a.manages() || a.involvedIn(c) }

// PersonalContactFields names the contact fields that are personal data
// (PIPL): masking applies to the reachable ones, erasure to all of them.
var PersonalContactFields = []string{"name", "phone", "email", "wechat"}

// VisibleContacts returns c's contacts as a may see them: the stored ones, or
// copies with phone, e-mail and WeChat masked. Every response and export goes
// through here.
func VisibleContacts(a Actor, c *Customer) []Contact {
	if a.CanSeeContactDetails(c) {
		return c.Contacts
	}
	out := make([]Contact, len(c.Contacts))
	for i, ct := range c.Contacts {
		ct.Phone = MaskPhone(ct.Phone)
		ct.Email = MaskEmail(ct.Email)
		ct.WeChat = MaskWeChat(ct.WeChat)
		out[i] = ct
	}
	return out
}

// Saved segments: any signed-in user may save them; a segment is private to
// its owner unless shared; only its owner or an ADMIN may change or delete
// it. Someone else's private segment is NOT_FOUND, except to an ADMIN.

// CanSeeSegment reports whether a may read seg (and evaluate it).
func (a Actor) CanSeeSegment(seg *SavedSegment) bool {
	return seg.Shared || a.CanEditSegment(seg)
}

// CanEditSegment reports whether a may change or delete seg.
func (a Actor) CanEditSegment(seg *SavedSegment) bool {
	return a.UserID != "" && (seg.OwnerID == a.UserID || a.Role == RoleAdmin)
}
