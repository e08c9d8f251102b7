package crm

// The access policy, in one place: every role decision is made by a function
// of this file; crm.Service calls them before each change, and the API
// exposes them (Customer.viewerCan*, viewerCanEdit on records) so that no
// client keeps a copy.
//
// Relations to a customer: its owner (负责人, the one person who follows it up
// directly), its collaborators (协作人: support, after-sales ...), and the
// author of a record (who logged an interaction, need, deal or satisfaction
// result). The rules:
//
//   - Everyone signed in reads every customer; ANALYST changes no customer data
//     (not even as owner or collaborator of legacy data) but, like everyone,
//     saves and shares segments: that is an analyst's work, not customer data.
//   - Create customers: every role but ANALYST; only ADMIN and MANAGER may give
//     the new customer another owner.
//   - Contact phone, e-mail and WeChat in full: ADMIN, MANAGER, and the owner
//     when SALES or SERVICE. The seeds keep contact details for the direct
//     follow-up person (客户联系方式等敏感信息仅限直接跟进人查看) and name
//     collaborators as supporting roles (协作角色), so collaborators see them
//     masked, and an ANALYST never sees them, whatever the relation.
//   - Edit the account, its contacts and deals, archive and restore: ADMIN,
//     MANAGER, and SALES or SERVICE who own or collaborate on the customer.
//   - Log interactions, needs and satisfaction: whoever may edit, and SERVICE
//     on any customer (complaints reach service first).
//   - Change or remove an existing record: whoever may add such a record to
//     the customer, when they wrote it, own the customer, or are ADMIN or
//     MANAGER. Records written before authors were kept have no author: only
//     the owner, managers and admins change those. The person a next action
//     is assigned to may tick it off.
//   - Change the owner: ADMIN and MANAGER. Change the collaborators: ADMIN,
//     MANAGER and the owner.
//   - Owners and collaborators are active users who are not ANALYST.
//   - API tokens (dashboards): ADMIN and MANAGER create, list and revoke
//     them; a request with one reads as an ANALYST (contact details masked)
//     and changes nothing at all, segments and settings included (ReadOnly).
//   - Accounts: ADMIN and MANAGER see every account; everyone else sees
//     active colleagues' name and role, their own account in full, and a
//     disabled colleague's name only (CanSeeAccount, VisibleUser).

func (a Actor) manages() bool { return a.Role == RoleAdmin || a.Role == RoleManager }

// staff reports whether a works customers (SALES or SERVICE).
func (a Actor) staff() bool { return a.Role == RoleSales || a.Role == RoleService }

func (a Actor) owns(c *Customer) bool { return a.UserID != "" && c.OwnerID == a.UserID }

func (a Actor) collaborates(c *Customer) bool {
	if a.UserID == "" {
		return false
	}
	for _, id := range c.Collaborators {
		if id == a.UserID {
			return true
		}
	}
	return false
}

// CanCreate reports whether a may create customers.
func (a Actor) CanCreate() bool { return a.manages() || a.staff() }

// CanEdit reports whether a may change c's account, contacts and deals, and
// archive or restore it.
func (a Actor) CanEdit(c *Customer) bool {
	return a.manages() || (a.staff() && (a.owns(c) || a.collaborates(c)))
}

// CanLog reports whether a may log interactions, needs and satisfaction on c.
func (a Actor) CanLog(c *Customer) bool { return a.CanEdit(c) || a.Role == RoleService }

// CanSeeContactDetails reports whether a sees c's contact details unmasked.
func (a Actor) CanSeeContactDetails(c *Customer) bool {
	return a.manages() || (a.staff() && a.owns(c))
}

// CanChangeOwner reports whether a may give c (nil: a new customer) to
// someone else.
func (a Actor) CanChangeOwner(c *Customer) bool { return a.manages() }

// CanChangeCollaborators reports whether a may change c's collaborators
// (nil: a new customer, which a creates as its owner).
func (a Actor) CanChangeCollaborators(c *Customer) bool {
	if c == nil {
		return a.CanCreate()
	}
	return a.manages() || (a.staff() && a.owns(c))
}

// RecordKind names the records nested in a customer that have an author.
type RecordKind string

const (
	RecordInteraction  RecordKind = "interaction"
	RecordNeed         RecordKind = "need"
	RecordDeal         RecordKind = "deal"
	RecordSatisfaction RecordKind = "satisfaction result"
)

// CanAdd reports whether a may add a record of kind to c: deals go with the
// account, the rest is logging.
func (a Actor) CanAdd(c *Customer, kind RecordKind) bool {
	if kind == RecordDeal {
		return a.CanEdit(c)
	}
	return a.CanLog(c)
}

// CanChangeRecord reports whether a may change or remove a record of kind on
// c written by author ("" when unknown).
func (a Actor) CanChangeRecord(c *Customer, kind RecordKind, author string) bool {
	if !a.CanAdd(c, kind) {
		return false
	}
	return a.manages() || a.owns(c) || (author != "" && author == a.UserID)
}

// CanTickOff reports whether a may mark its next action done or not done:
// whoever may change it, and the person the next action is assigned to.
func (a Actor) CanTickOff(c *Customer, it *Interaction) bool {
	if a.CanChangeRecord(c, RecordInteraction, it.CreatedBy) {
		return true
	}
	return a.CanLog(c) && it.NextAction != nil && it.NextAction.OwnerID == a.UserID
}

// CanBeAssigned reports whether a user of role may own or collaborate on
// customers.
func CanBeAssigned(role Role) bool { return role.Valid() && role != RoleAnalyst }

// CanSeeAccount reports whether a sees u's account in full (e-mail, locale,
// dates). Everyone else sees the name and role of active colleagues only,
// and the name alone of a disabled one (it still labels their customers and
// records).
func (a Actor) CanSeeAccount(u *User) bool {
	return a.manages() || (a.UserID != "" && a.UserID == u.ID)
}

// CanFindUser reports whether a may look u up by id: every account for
// those who see accounts in full, active colleagues for everyone else.
func (a Actor) CanFindUser(u *User) bool { return a.CanSeeAccount(u) || !u.Disabled }

// VisibleUser returns u as a may see it (see CanSeeAccount); never the
// password hash.
func VisibleUser(a Actor, u *User) *User {
	if u == nil {
		return nil
	}
	if a.CanSeeAccount(u) {
		cp := *u
		cp.PasswordHash = ""
		return &cp
	}
	v := &User{ID: u.ID, Name: u.Name, Role: u.Role, Disabled: u.Disabled}
	if u.Disabled {
		v.Role = ""
	}
	return v
}

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

// Saved segments: any signed-in user may save and share them, ANALYST
// included (segments are analysis, not customer data); a segment is private
// to its owner unless shared; only its owner or an ADMIN may change or delete
// it. Someone else's private segment is NOT_FOUND, except to an ADMIN.

// CanSeeSegment reports whether a may read seg (and evaluate it).
func (a Actor) CanSeeSegment(seg *SavedSegment) bool {
	return seg.Shared || a.CanEditSegment(seg)
}

// CanEditSegment reports whether a may change or delete seg.
func (a Actor) CanEditSegment(seg *SavedSegment) bool {
	return a.UserID != "" && (seg.OwnerID == a.UserID || a.Role == RoleAdmin)
}

// API tokens: dashboards read with them; people manage them.

// CanManageAPITokens reports whether a may create, list and revoke API
// tokens: ADMIN and MANAGER, signed in as themselves (a token manages none).
func (a Actor) CanManageAPITokens() bool { return !a.ReadOnly() && a.manages() }

// CanEditRules reports whether a may change the classification rules and
// preview changes to them: ADMIN and MANAGER, signed in as themselves.
func (a Actor) CanEditRules() bool { return !a.ReadOnly() && a.manages() }

// CanSeeAllTasks reports whether a may list other people's tasks:
// managers and admins (everyone lists their own).
func (a Actor) CanSeeAllTasks() bool { return a.manages() }

// ReadOnly reports whether a may change nothing at all, whatever its role:
// the actor of an API token. Every mutation of such an actor is refused.
func (a Actor) ReadOnly() bool {
	_, token := a.APITokenID()
	return token
}
