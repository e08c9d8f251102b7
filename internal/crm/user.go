package crm

import (
	"strings"
	"time"
)

// User is a member of staff who signs in.
type User struct {
	ID           string    `bson:"_id"`
	Email        string    `bson:"email"` // lower case, unique
	Name         string    `bson:"name"`
	Role         Role      `bson:"role"`
	PasswordHash string    `bson:"passwordHash"`
	Disabled     bool      `bson:"disabled"`
	Locale       Locale    `bson:"locale,omitempty"` // the browser app's language; empty: zh-CN
	CreatedAt    time.Time `bson:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt"`
	Version      int64     `bson:"version"`

	// MustChangePassword: an administrator set the password (a reset); until
	// the user changes it, they may only change it (auth.Principal).
	MustChangePassword bool `bson:"mustChangePassword,omitempty"`
}

// Assignable reports whether u may own or collaborate on customers
// (CanBeAssigned, and active).
func (u *User) Assignable() bool { return !u.Disabled && CanBeAssigned(u.Role) }

// CanCreateCustomers reports whether u's role may create customers.
func (u *User) CanCreateCustomers() bool { return !u.Disabled && u.actor().CanCreate() }

// CanChangeOwners reports whether u's role may give customers to another owner.
func (u *User) CanChangeOwners() bool { return !u.Disabled && u.actor().CanChangeOwner(nil) }

func (u *User) actor() Actor { return Actor{UserID: u.ID, Role: u.Role} }

// Session is a signed-in session. Its id is the SHA-256 (hex) of the bearer
// token, so a leaked database does not leak usable tokens.
type Session struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"userId"`
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

// Actor is who performs an operation: every write records it.
type Actor struct {
	UserID string
	Role   Role
}

// apiTokenActorPrefix starts the UserID of an API token's actor: no user's
// id (NewID, hex) does, so the token owns, collaborates on and wrote nothing.
const apiTokenActorPrefix = "apitoken:"

// APITokenActor is the actor of a request made with the API token id: a
// read-only ANALYST (ReadOnly).
func APITokenActor(id string) Actor {
	return Actor{UserID: apiTokenActorPrefix + id, Role: RoleAnalyst}
}

// APITokenID returns the id of the API token a acts for, if it does.
func (a Actor) APITokenID() (string, bool) {
	id, ok := strings.CutPrefix(a.UserID, apiTokenActorPrefix)
	return id, ok && id != ""
}

// CanEditRules reports whether u may change and preview the
// classification rules.
func (u *User) CanEditRules() bool { return !u.Disabled && u.actor().CanEditRules() }

// CanSeeAllTasks reports whether u may list other people's tasks.
func (u *User) CanSeeAllTasks() bool { return !u.Disabled && u.actor().CanSeeAllTasks() }

// CanManageAPITokens reports whether u's role may create, list and revoke
// API tokens.
func (u *User) CanManageAPITokens() bool { return !u.Disabled && u.actor().CanManageAPITokens() }

// CanImport reports whether u's role may import worksheets and undo
// imports.
func (u *User) CanImport() bool { return !u.Disabled && u.actor().CanImport() }

// CanMergeCustomers reports whether u's role may review duplicates, merge
// customers (and undo merges) and remove repeated follow-ups in bulk.
func (u *User) CanMergeCustomers() bool { return !u.Disabled && u.actor().CanMerge() }

// CanSeeDataQuality reports whether u's role may read the data quality
// report.
func (u *User) CanSeeDataQuality() bool { return !u.Disabled && u.actor().CanSeeQualityReport() }

// System is the actor for start-up jobs (first admin, demo data).
var System = Actor{UserID: "system", Role: RoleAdmin}
