package demo

import (
	"fmt"
	"time"

	"github.com/kehu-crm/kehu/internal/crm"
)

// staff is the demo team: a sales manager, seven sales representatives, three
// customer-service agents and an analyst.
var staff = []struct {
	name, email string
	role        crm.Role
}{
	{"陈志强", "manager@kehu.local", crm.RoleManager},
	{"王磊", "sales1@kehu.local", crm.RoleSales},
	{"李娜", "sales2@kehu.local", crm.RoleSales},
	{"张伟", "sales3@kehu.local", crm.RoleSales},
	{"刘洋", "sales4@kehu.local", crm.RoleSales},
	{"赵敏", "sales5@kehu.local", crm.RoleSales},
	{"孙浩", "sales6@kehu.local", crm.RoleSales},
	{"周婷", "sales7@kehu.local", crm.RoleSales},
	{"吴静", "service1@kehu.local", crm.RoleService},
	{"郑凯", "service2@kehu.local", crm.RoleService},
	{"黄丽", "service3@kehu.local", crm.RoleService},
	{"林晓", "analyst@kehu.local", crm.RoleAnalyst},
}

// UserID is the fixed id of the i-th demo user (0-based, in the order Users
// returns them): "6b656875" ("kehu") followed by 16 hex digits. The ids do
// not depend on the time or the seed, so sign-in links and bookmarks into a
// demo survive a reload.
func UserID(i int) string { return fmt.Sprintf("6b656875%016x", 0xde30_0000+i) }

// Users returns the demo staff, created three years before now, Version 1.
// PasswordHash is left empty: the caller hashes the demo password.
func Users(now time.Time) []*crm.User {
	created := time.Unix(now.Unix(), 0).UTC().AddDate(-3, 0, 0)
	out := make([]*crm.User, len(staff))
	for i, s := range staff {
		at := created.Add(time.Duration(i) * time.Hour)
		out[i] = &crm.User{
			ID:        UserID(i),
			Email:     s.email,
			Name:      s.name,
			Role:      s.role,
			CreatedAt: at,
			UpdatedAt: at,
			Version:   1,
		}
	}
	return out
}
