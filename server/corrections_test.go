package main

import (
	"testing"

	"github.com/kehu-crm/kehu/internal/crm"
)

// TestCorrectingNestedRecords changes and removes interactions, deals,
// needs and satisfaction results, with versions, and checks the figures.
func TestCorrectingNestedRecords(t *testing.T) {
	ts := newTestServer(t)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "更正记录公司"})
	id := map[string]any{"id": c.ID}
	ts.post(t, ts.admin, `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:PHONE,summary:"错记的电话",keyEvent:COMPLAINT,nextAction:{what:"回电"}}){id}}`, id).ok(t, nil)
	ts.post(t, ts.admin, `mutation($id:ID!){recordDeal(customerId:$id,input:{product:"软件",amount:"1000.00",date:"2026-11-01"}){id}}`, id).ok(t, nil)
	ts.post(t, ts.admin, `mutation($id:ID!){addNeed(customerId:$id,input:{title:"临时需求"}){id}}`, id).ok(t, nil)
	ts.post(t, ts.admin, `mutation($id:ID!){recordSatisfaction(customerId:$id,input:{score:40}){id}}`, id).ok(t, nil)

	type state struct {
		Customer struct {
			Version, InteractionCount, ComplaintCount, DealCount, OpenNeedCount, SatisfactionCount int
			TotalAmount                                                                            string
			Interactions                                                                           []struct {
				ID, Summary, Channel string
				NextAction           struct{ Done bool }
			}
			Deals        []struct{ ID, Amount string }
			Needs        []struct{ ID string }
			Satisfaction []struct{ ID string }
		}
	}
	load := func() state {
		var s state
		ts.post(t, ts.admin, `query($id:ID){customer(id:$id){version interactionCount complaintCount dealCount openNeedCount satisfactionCount totalAmount
			interactions(limit:100){id summary channel nextAction{done}} deals{id amount} needs{id} satisfaction{id}}}`, id).ok(t, &s)
		return s
	}
	s := load()
	in := s.Customer.Interactions[0].ID
	v := func() int { return load().Customer.Version }

	ts.post(t, ts.admin, `mutation($id:ID!,$i:ID!,$v:Int!){updateInteraction(customerId:$id,interactionId:$i,expectedVersion:$v,input:{channel:VISIT,summary:"上门拜访",keyEvent:null,nextActionDone:true}){id}}`,
		map[string]any{"id": c.ID, "i": in, "v": s.Customer.Version}).ok(t, nil)
	// The same stale version again is a CONFLICT.
	ts.post(t, ts.admin, `mutation($id:ID!,$i:ID!,$v:Int!){updateInteraction(customerId:$id,interactionId:$i,expectedVersion:$v,input:{summary:"x"}){id}}`,
		map[string]any{"id": c.ID, "i": in, "v": s.Customer.Version}).fails(t, "CONFLICT", "")
	s = load()
	if got := s.Customer.Interactions[0]; got.Channel != "VISIT" || got.Summary != "上门拜访" || !got.NextAction.Done {
		t.Fatalf("interaction after update: %+v", got)
	}
	ts.post(t, ts.admin, `mutation($id:ID!,$d:ID!,$v:Int!){updateDeal(customerId:$id,dealId:$d,expectedVersion:$v,input:{amount:"1500.50"}){totalAmount}}`,
		map[string]any{"id": c.ID, "d": s.Customer.Deals[0].ID, "v": v()}).ok(t, nil)
	ts.post(t, ts.admin, `mutation($id:ID!,$d:ID!,$v:Int!){updateDeal(customerId:$id,dealId:$d,expectedVersion:$v,input:{amount:"-1"}){totalAmount}}`,
		map[string]any{"id": c.ID, "d": s.Customer.Deals[0].ID, "v": v()}).fails(t, "BAD_USER_INPUT", "input.amount")
	if got := load().Customer.TotalAmount; got != "1500.50" {
		t.Fatalf("total after correcting the deal: %s", got)
	}
	for _, m := range []struct{ query, arg, value string }{
		{`mutation($id:ID!,$x:ID!,$v:Int!){removeInteraction(customerId:$id,interactionId:$x,expectedVersion:$v){id}}`, "x", in},
		{`mutation($id:ID!,$x:ID!,$v:Int!){removeDeal(customerId:$id,dealId:$x,expectedVersion:$v){id}}`, "x", s.Customer.Deals[0].ID},
		{`mutation($id:ID!,$x:ID!,$v:Int!){removeNeed(customerId:$id,needId:$x,expectedVersion:$v){id}}`, "x", s.Customer.Needs[0].ID},
		{`mutation($id:ID!,$x:ID!,$v:Int!){removeSatisfaction(customerId:$id,resultId:$x,expectedVersion:$v){id}}`, "x", s.Customer.Satisfaction[0].ID},
	} {
		ts.post(t, ts.admin, m.query, map[string]any{"id": c.ID, m.arg: m.value, "v": v()}).ok(t, nil)
	}
	got := load().Customer
	if got.InteractionCount != 0 || got.ComplaintCount != 0 || got.DealCount != 0 || got.TotalAmount != "0.00" || got.OpenNeedCount != 0 || got.SatisfactionCount != 0 {
		t.Fatalf("figures after removing everything: %+v", got)
	}
	ts.post(t, ts.admin, `mutation($id:ID!,$v:Int!){removeDeal(customerId:$id,dealId:"nope",expectedVersion:$v){id}}`,
		map[string]any{"id": c.ID, "v": v()}).fails(t, "BAD_USER_INPUT", "dealId")

	// Other sales staff may not correct someone else's customer.
	_, other := ts.user(t, "other@kehu.local", crm.RoleSales)
	ts.post(t, other, `mutation($id:ID!,$v:Int!){removeDeal(customerId:$id,dealId:"nope",expectedVersion:$v){id}}`,
		map[string]any{"id": c.ID, "v": v()}).fails(t, "FORBIDDEN", "")
}

// TestCorrectingInteractionsOfStaffWhoLeft: a disabled participant does not
// block correcting or ticking off an old interaction.
func TestCorrectingInteractionsOfStaffWhoLeft(t *testing.T) {
	ts := newTestServer(t)
	leaverID, leaver := ts.user(t, "leaver@kehu.local", crm.RoleManager)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "离职员工客户"})
	var out struct {
		LogInteraction struct {
			Version      int
			Interactions []struct{ ID string }
		}
	}
	ts.post(t, leaver, `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:PHONE,summary:"离职前的电话",nextAction:{what:"回访"}}){version interactions{id}}}`,
		map[string]any{"id": c.ID}).ok(t, &out)
	ts.post(t, ts.admin, `mutation($id:ID!){updateUser(id:$id,expectedVersion:1,input:{disabled:true}){id}}`, map[string]any{"id": leaverID}).ok(t, nil)
	ts.post(t, ts.admin, `mutation($id:ID!,$i:ID!,$v:Int!){updateInteraction(customerId:$id,interactionId:$i,expectedVersion:$v,input:{nextActionDone:true,summary:"离职前的电话（已交接）"}){version}}`,
		map[string]any{"id": c.ID, "i": out.LogInteraction.Interactions[0].ID, "v": out.LogInteraction.Version}).ok(t, nil)
	// Bringing a disabled user in is still refused.
	ts.post(t, ts.admin, `mutation($id:ID!,$i:ID!,$v:Int!,$u:ID){updateInteraction(customerId:$id,interactionId:$i,expectedVersion:$v,input:{nextAction:{what:"再回访",ownerId:$u}}){version}}`,
		map[string]any{"id": c.ID, "i": out.LogInteraction.Interactions[0].ID, "v": out.LogInteraction.Version + 1, "u": leaverID}).fails(t, "BAD_USER_INPUT", "")
}

func TestCorrectingSatisfactionAndClearingInteractionFields(t *testing.T) {
	ts := newTestServer(t)
	salesID, _ := ts.user(t, "s2@kehu.local", crm.RoleSales)
	c := ts.createCustomer(t, ts.admin, map[string]any{"name": "清除字段公司"})
	id := map[string]any{"id": c.ID}
	ts.post(t, ts.admin, `mutation($id:ID!){recordSatisfaction(customerId:$id,input:{score:40,comment:"录错了"}){id}}`, id).ok(t, nil)
	var s struct {
		LogInteraction struct {
			Version      int
			Satisfaction []struct{ ID string }
			Interactions []struct{ ID string }
		}
	}
	ts.post(t, ts.admin, `mutation($id:ID!){logInteraction(customerId:$id,input:{channel:VISIT,summary:"拜访",keyEvent:COMPLAINT,durationMin:30,nextAction:{what:"回访"}}){version satisfaction{id} interactions{id}}}`, id).ok(t, &s)
	v := s.LogInteraction.Version
	vars := func(extra map[string]any) map[string]any {
		m := map[string]any{"id": c.ID, "v": v, "r": s.LogInteraction.Satisfaction[0].ID, "i": s.LogInteraction.Interactions[0].ID}
		for k, x := range extra {
			m[k] = x
		}
		return m
	}
	ts.post(t, ts.admin, `mutation($id:ID!,$r:ID!,$v:Int!){updateSatisfaction(customerId:$id,resultId:$r,expectedVersion:$v,input:{score:101}){id}}`, vars(nil)).
		fails(t, "BAD_USER_INPUT", "input.score")
	var out struct {
		UpdateSatisfaction struct{ AvgSatisfaction float64 }
	}
	ts.post(t, ts.admin, `mutation($id:ID!,$r:ID!,$v:Int!){updateSatisfaction(customerId:$id,resultId:$r,expectedVersion:$v,input:{score:90,comment:"已更正"}){avgSatisfaction}}`, vars(nil)).ok(t, &out)
	if out.UpdateSatisfaction.AvgSatisfaction != 90 {
		t.Fatalf("average after the correction: %v", out.UpdateSatisfaction.AvgSatisfaction)
	}
	v++
	ts.post(t, ts.admin, `mutation($id:ID!,$i:ID!,$v:Int!){updateInteraction(customerId:$id,interactionId:$i,expectedVersion:$v,input:{clearNextAction:true,nextActionDone:true}){id}}`, vars(nil)).
		fails(t, "BAD_USER_INPUT", "input.clearNextAction")
	var got struct {
		UpdateInteraction struct {
			ComplaintCount int
			Interactions   []struct {
				KeyEvent     *string
				DurationMin  *int
				NextAction   *struct{ What string }
				Participants []struct{ ID string }
			}
		}
	}
	ts.post(t, ts.admin, `mutation($id:ID!,$i:ID!,$v:Int!,$p:ID!){updateInteraction(customerId:$id,interactionId:$i,expectedVersion:$v,
		input:{clearNextAction:true,clearKeyEvent:true,durationMin:0,participants:[$p]}){complaintCount interactions(limit:100){keyEvent durationMin nextAction{what} participants{id}}}}`,
		vars(map[string]any{"p": salesID})).ok(t, &got)
	it := got.UpdateInteraction.Interactions[0]
	if it.KeyEvent != nil || it.DurationMin != nil || it.NextAction != nil || len(it.Participants) != 1 || it.Participants[0].ID != salesID ||
		got.UpdateInteraction.ComplaintCount != 0 {
		t.Fatalf("after clearing: %+v (complaints %d)", it, got.UpdateInteraction.ComplaintCount)
	}
}
