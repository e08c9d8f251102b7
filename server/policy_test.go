package main

import (
	"strings"
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

type userOut struct {
	ID, Email, Name      string
	Role                 *string
	Disabled, Assignable bool
}

const userFields = `id email name role disabled assignable`

// TestUserVisibilityByRole: ADMIN and MANAGER see every account; everyone
// else sees name and role of active colleagues, their own account in full,
// and a disabled colleague's name only (where it labels a customer).
func TestUserVisibilityByRole(t *testing.T) {
	ts := newTestServer(t)
	goneID, _ := ts.user(t, "gone@kehu.local", crm.RoleSales)
	colleagueID, _ := ts.user(t, "colleague@kehu.local", crm.RoleService)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "离职员工的客户", "ownerId": goneID})
	var u struct{ User struct{ Version int } }
	ts.post(t, ts.admin, `query($id:ID!){user(id:$id){version}}`, map[string]any{"id": goneID}).ok(t, &u)
	ts.post(t, ts.admin, `mutation($id:ID!,$v:Int!){updateUser(id:$id,expectedVersion:$v,input:{disabled:true}){id}}`,
		map[string]any{"id": goneID, "v": u.User.Version}).ok(t, nil)

	type viewer struct {
		name  string
		email string
		token string
		id    string
		full  bool // sees every account in full
	}
	viewers := []viewer{{name: "admin", email: "admin@kehu.local", token: ts.admin, full: true}}
	for _, v := range []struct {
		role crm.Role
		full bool
	}{{crm.RoleManager, true}, {crm.RoleSales, false}, {crm.RoleService, false}, {crm.RoleAnalyst, false}} {
		email := "viewer-" + strings.ToLower(string(v.role)) + "@kehu.local"
		id, token := ts.user(t, email, v.role)
		viewers = append(viewers, viewer{name: string(v.role), email: email, token: token, id: id, full: v.full})
	}
	// What each role may do beyond one customer (facts by hand).
	mayDo := map[string]string{"admin": "YY", "MANAGER": "YY", "SALES": "YN", "SERVICE": "YN", "ANALYST": "NN"}
	for _, v := range viewers {
		t.Run(v.name, func(t *testing.T) {
			var me struct {
				Me struct{ CanCreateCustomers, CanChangeOwners bool }
			}
			ts.post(t, v.token, `{me{canCreateCustomers canChangeOwners}}`, nil).ok(t, &me)
			if got := map[bool]string{true: "Y", false: "N"}[me.Me.CanCreateCustomers] + map[bool]string{true: "Y", false: "N"}[me.Me.CanChangeOwners]; got != mayDo[v.name] {
				t.Fatalf("me: %s, want %s", got, mayDo[v.name])
			}
			// A disabled account: NOT_FOUND unless they see accounts in full.
			r := ts.post(t, v.token, `query($id:ID!){user(id:$id){`+userFields+`}}`, map[string]any{"id": goneID})
			if v.full {
				var out struct{ User userOut }
				r.ok(t, &out)
				if out.User.Email != "gone@kehu.local" || out.User.Role == nil || *out.User.Role != "SALES" || !out.User.Disabled {
					t.Fatalf("disabled account: %+v", out.User)
				}
			} else {
				r.fails(t, "NOT_FOUND", "")
			}
			// An active colleague: name and role; e-mail to managers only.
			var col struct{ User userOut }
			ts.post(t, v.token, `query($id:ID!){user(id:$id){`+userFields+`}}`, map[string]any{"id": colleagueID}).ok(t, &col)
			if col.User.Name != "用户 colleague@kehu.local" || col.User.Role == nil || *col.User.Role != "SERVICE" ||
				(col.User.Email == "colleague@kehu.local") != v.full {
				t.Fatalf("colleague: %+v", col.User)
			}
			// Their own account in full, through user(id) and staff.
			if v.id != "" {
				var me struct{ User userOut }
				ts.post(t, v.token, `query($id:ID!){user(id:$id){`+userFields+`}}`, map[string]any{"id": v.id}).ok(t, &me)
				if me.User.Email != v.email {
					t.Fatalf("own account: %+v", me.User)
				}
			}
			var staff struct{ Staff []userOut }
			ts.post(t, v.token, `{staff{`+userFields+`}}`, nil).ok(t, &staff)
			for _, s := range staff.Staff {
				if s.ID == goneID || s.Disabled {
					t.Fatalf("staff lists a disabled account: %+v", s)
				}
				if own := s.Email == v.email; s.Email != "" && !own && !v.full {
					t.Fatalf("staff shows a colleague's e-mail: %+v", s)
				}
				if s.Role == nil || s.Name == "" {
					t.Fatalf("staff without name or role: %+v", s)
				}
				if s.Assignable != (*s.Role != "ANALYST") {
					t.Fatalf("assignable: %+v", s)
				}
			}
			if len(staff.Staff) < 6 {
				t.Fatalf("staff: %d accounts", len(staff.Staff))
			}
			// A disabled owner still labels the customer, by name only.
			var cust struct {
				Customer struct{ Owner userOut }
			}
			ts.post(t, v.token, `query($id:ID!){customer(id:$id){owner{`+userFields+`}}}`, map[string]any{"id": c.ID}).ok(t, &cust)
			o := cust.Customer.Owner
			if o.Name != "用户 gone@kehu.local" || !o.Disabled || (o.Email == "gone@kehu.local") != v.full || (o.Role != nil) != v.full {
				t.Fatalf("disabled owner: %+v", o)
			}
		})
	}
}

// TestViewerCanFields: the API answers the policy's decisions per role and
// relation (facts by hand, as in crm.TestPolicyTable), and a refused change
// over HTTP is FORBIDDEN and changes nothing.
func TestViewerCanFields(t *testing.T) {
	ts := newTestServer(t)
	ownerID, owner := ts.user(t, "owner@kehu.local", crm.RoleSales)
	collabID, collab := ts.user(t, "collab@kehu.local", crm.RoleSales)
	_, author := ts.user(t, "author@kehu.local", crm.RoleService)
	_, service := ts.user(t, "service@kehu.local", crm.RoleService)
	_, other := ts.user(t, "other@kehu.local", crm.RoleSales)
	_, analyst := ts.user(t, "analyst@kehu.local", crm.RoleAnalyst)
	_, manager := ts.user(t, "manager@kehu.local", crm.RoleManager)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "权限字段公司", "ownerId": ownerID, "collaborators": []string{collabID}})
	var logged struct{ LogInteraction struct{ Version int } }
	ts.post(t, author, `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:PHONE,summary:"客户投诉",keyEvent:COMPLAINT}){version}}`,
		map[string]any{"id": c.ID}).ok(t, &logged)
	ts.post(t, author, `mutation($id:ID!){addNeed(customerId:$id,input:{title:"加快交付"}){version}}`, map[string]any{"id": c.ID}).ok(t, nil)
	ts.post(t, author, `mutation($id:ID!){recordSatisfaction(customerId:$id,input:{score:30}){version}}`, map[string]any{"id": c.ID}).ok(t, nil)
	ts.post(t, collab, `mutation($id:ID!){recordDeal(customerId:$id,input:{product:"服务",amount:"100.00"}){version}}`, map[string]any{"id": c.ID}).ok(t, nil)

	const q = `query($id:ID!){customer(id:$id){version viewerCanSeeContactDetails viewerCanEdit viewerCanLog viewerCanChangeOwner
		viewerCanChangeCollaborators interactions(limit:50){id viewerCanEdit createdBy{name}} needs{viewerCanEdit createdBy{name}}
		deals{viewerCanEdit createdBy{name}} satisfaction{viewerCanEdit createdBy{name}}}}`
	type rec struct {
		ID            string
		ViewerCanEdit bool
		CreatedBy     struct{ Name string }
	}
	var out struct {
		Customer struct {
			Version                                                 int
			ViewerCanSeeContactDetails, ViewerCanEdit, ViewerCanLog bool
			ViewerCanChangeOwner, ViewerCanChangeCollaborators      bool
			Interactions, Needs, Deals, Satisfaction                []rec
		}
	}
	// Columns: contacts, edit, log, owner, collaborators, the service
	// author's interaction / need / satisfaction, the collaborator's deal.
	for _, tc := range []struct {
		name, token, want string
	}{
		{"admin", ts.admin, "YYYYYYYYY"},
		{"manager", manager, "YYYYYYYYY"},
		{"owner", owner, "YYYNYYYYY"},
		{"collaborator", collab, "NYYNNNNNY"},
		{"service author", author, "NNYNNYYYN"},
		{"service", service, "NNYNNNNNN"},
		{"other sales", other, "NNNNNNNNN"},
		{"analyst", analyst, "NNNNNNNNN"},
	} {
		ts.post(t, tc.token, q, map[string]any{"id": c.ID}).ok(t, &out)
		cu := out.Customer
		got := ""
		for _, b := range []bool{cu.ViewerCanSeeContactDetails, cu.ViewerCanEdit, cu.ViewerCanLog, cu.ViewerCanChangeOwner,
			cu.ViewerCanChangeCollaborators, cu.Interactions[0].ViewerCanEdit, cu.Needs[0].ViewerCanEdit,
			cu.Satisfaction[0].ViewerCanEdit, cu.Deals[0].ViewerCanEdit} {
			got += map[bool]string{true: "Y", false: "N"}[b]
		}
		if got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
	if out.Customer.Needs[0].CreatedBy.Name != "用户 author@kehu.local" || out.Customer.Deals[0].CreatedBy.Name != "用户 collab@kehu.local" {
		t.Fatalf("authors: %+v %+v", out.Customer.Needs[0], out.Customer.Deals[0])
	}
	// The person a next action is assigned to may tick it off, and only that.
	ts.post(t, owner, `mutation($id:ID!,$u:ID){logInteraction(customerId:$id,input:{channel:VISIT,summary:"拜访",nextAction:{what:"发方案",ownerId:$u}}){version}}`,
		map[string]any{"id": c.ID, "u": collabID}).ok(t, nil)
	var ticks struct {
		Customer struct {
			Interactions []struct{ ViewerCanEdit, ViewerCanTickOff bool }
		}
	}
	for _, tc := range []struct {
		name, token string
		edit, tick  bool
	}{{"assignee", collab, false, true}, {"owner", owner, true, true}, {"service", service, false, false}} {
		ts.post(t, tc.token, `query($id:ID!){customer(id:$id){interactions(newestFirst:true,limit:1){viewerCanEdit viewerCanTickOff}}}`,
			map[string]any{"id": c.ID}).ok(t, &ticks)
		if it := ticks.Customer.Interactions[0]; it.ViewerCanEdit != tc.edit || it.ViewerCanTickOff != tc.tick {
			t.Errorf("%s: %+v", tc.name, it)
		}
	}
	ts.post(t, ts.admin, q, map[string]any{"id": c.ID}).ok(t, &out)

	// Another SERVICE user may not rewrite the complaint as praise.
	it, v := out.Customer.Interactions[0].ID, out.Customer.Version
	ts.post(t, service, `mutation($id:ID!,$i:ID!,$v:Int!){updateInteraction(customerId:$id,interactionId:$i,expectedVersion:$v,
		input:{summary:"客户表扬",clearKeyEvent:true}){version}}`, map[string]any{"id": c.ID, "i": it, "v": v}).fails(t, "FORBIDDEN", "")
	var after struct {
		Customer struct {
			Version        int
			ComplaintCount int
			Interactions   []struct {
				Summary   string
				UpdatedBy *struct{ Name string }
			}
		}
	}
	ts.post(t, ts.admin, `query($id:ID!){customer(id:$id){version complaintCount interactions(limit:50){summary updatedBy{name}}}}`,
		map[string]any{"id": c.ID}).ok(t, &after)
	if after.Customer.Version != v || after.Customer.ComplaintCount != 1 || after.Customer.Interactions[0].Summary != "客户投诉" {
		t.Fatalf("a refused rewrite changed the customer: %+v", after.Customer)
	}
	// Its author may, and the change is signed; mutation answers and list
	// rows answer viewerCanEdit like a single customer.
	var upd struct {
		UpdateInteraction struct {
			Interactions []struct{ ViewerCanEdit bool }
		}
	}
	ts.post(t, author, `mutation($id:ID!,$i:ID!,$v:Int!){updateInteraction(customerId:$id,interactionId:$i,expectedVersion:$v,
		input:{summary:"客户投诉（已核实）"}){interactions(limit:50){viewerCanEdit}}}`, map[string]any{"id": c.ID, "i": it, "v": v}).ok(t, &upd)
	if its := upd.UpdateInteraction.Interactions; !its[0].ViewerCanEdit || its[1].ViewerCanEdit {
		t.Fatalf("mutation answer: %+v", its)
	}
	var list struct {
		Customers struct {
			Nodes []struct {
				Needs []struct{ ViewerCanEdit bool }
			}
		}
	}
	for _, tc := range []struct {
		token string
		want  bool
	}{{author, true}, {service, false}} {
		ts.post(t, tc.token, `{customers{nodes{needs{viewerCanEdit}}}}`, nil).ok(t, &list)
		if n := list.Customers.Nodes[0].Needs; len(n) != 1 || n[0].ViewerCanEdit != tc.want {
			t.Fatalf("list rows: %+v, want %v", n, tc.want)
		}
	}
	ts.post(t, ts.admin, `query($id:ID!){customer(id:$id){version complaintCount interactions(limit:50){summary updatedBy{name}}}}`,
		map[string]any{"id": c.ID}).ok(t, &after)
	if u := after.Customer.Interactions[0].UpdatedBy; u == nil || u.Name != "用户 author@kehu.local" {
		t.Fatalf("updatedBy: %+v", after.Customer.Interactions[0])
	}
	// A collaborator may not add an analyst; the owner may not either (field error).
	ts.post(t, owner, `mutation($id:ID!,$v:Int!,$c:[ID!]){updateCustomer(id:$id,expectedVersion:$v,input:{collaborators:$c}){version}}`,
		map[string]any{"id": c.ID, "v": after.Customer.Version, "c": []string{collabID, analystID(t, ts)}}).fails(t, "BAD_USER_INPUT", "input.collaborators[1]")
	ts.post(t, collab, `mutation($id:ID!,$v:Int!){updateCustomer(id:$id,expectedVersion:$v,input:{collaborators:[]}){version}}`,
		map[string]any{"id": c.ID, "v": after.Customer.Version}).fails(t, "FORBIDDEN", "")
}

func analystID(t *testing.T, ts *testServer) string {
	t.Helper()
	var out struct{ Users []struct{ ID, Role string } }
	ts.post(t, ts.admin, `{users{id role}}`, nil).ok(t, &out)
	for _, u := range out.Users {
		if u.Role == "ANALYST" {
			return u.ID
		}
	}
	t.Fatal("no analyst")
	return ""
}
