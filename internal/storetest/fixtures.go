package storetest

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kehu-crm/kehu/internal/crm"
)

// base is the suite's fixed "now": every time is whole milliseconds, the
// precision of a BSON datetime.
var base = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

func open(t *testing.T, h Harness) crm.Store {
	t.Helper()
	s := h.Open(t)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// sample builds a complete customer (every field set) numbered i.
func sample(i int) *crm.Customer {
	at := base.Add(-time.Duration(i) * time.Hour)
	founded := time.Date(2010, 3, 1, 0, 0, 0, 0, time.UTC)
	due := at.Add(72 * time.Hour)
	min, max := crm.Money(500000), crm.Money(1200050)
	expected := time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)
	resolved := at.Add(-time.Hour)
	c := &crm.Customer{
		ID:             crm.NewID(),
		Name:           fmt.Sprintf("上海样例%03d科技有限公司", i),
		Industry:       "制造业",
		Size:           crm.CompanySize{Employees: "100-499人", Revenue: "1000万-5000万"},
		Region:         crm.Region{Province: "上海市", City: "上海市"},
		Address:        "浦东新区张江路88号",
		Website:        "https://www.example.com",
		FoundedOn:      &founded,
		MainBusiness:   "工业自动化设备",
		Source:         "展会",
		Type:           crm.CustomerTypeNew,
		Stage:          crm.StageNeedsConfirmed,
		ValueTier:      crm.TierB,
		IntentGrade:    crm.TierA,
		NeedType:       crm.NeedTypeSolution,
		Tags:           []string{"高意向", "技术优先型"},
		OwnerID:        "owner-1",
		Collaborators:  []string{"user-2"},
		CommPreference: "偏好文字沟通",
		Notes:          "战略合作意向",
		Contacts: []crm.Contact{{
			ID: "ct1", Name: fmt.Sprintf("王经理%d", i), Title: "采购总监", Phone: "13812345678",
			Email: "wang@example.com", WeChat: "wang_wx", Role: crm.ContactRoleDecisionMaker, Primary: true,
			CommPreference: "电话", BestTime: "工作日上午9-11点",
		}},
		Interactions: []crm.Interaction{{
			ID: "in1", At: at.Add(-48 * time.Hour), Channel: crm.ChannelVisit, Participants: []string{"owner-1"},
			ContactIDs: []string{"ct1"}, Summary: "客户反馈现有物流效率低，希望优化配送方案", Feedback: "希望提供定制化仓储管理方案",
			Result: "同意演示", NextAction: &crm.NextAction{What: "提供定制方案", OwnerID: "owner-1", Due: &due},
			KeyEvent: crm.KeyEventComplaint, DurationMin: 45, CreatedBy: "owner-1",
		}},
		Needs: []crm.Need{{
			ID: "nd1", Title: "物流配送效率提升", Kind: crm.NeedKindCurrent, Type: crm.NeedTypeSolution,
			Priority: crm.PriorityHigh, Urgent: true, Important: true, Status: crm.NeedStatusResolved,
			BudgetMin: &min, BudgetMax: &max, ExpectedOn: &expected, OpenedAt: at.Add(-72 * time.Hour), ResolvedAt: &resolved,
		}},
		Deals:        []crm.Deal{{ID: "dl1", Product: "仓储管理系统", Amount: 68000000, Date: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Note: "首单"}},
		Satisfaction: []crm.Satisfaction{{ID: "sf1", At: at.Add(-time.Hour), Score: 88, Comment: "响应及时"}},
		StageHistory: []crm.StageChange{{To: crm.StagePotential, At: at.Add(-96 * time.Hour), By: "owner-1"}, {From: crm.StagePotential, To: crm.StageNeedsConfirmed, At: at, By: "owner-1"}},
		TierHistory:  []crm.TierChange{{To: crm.TierB, At: at, By: "owner-1"}},
		CreatedAt:    at.Add(-96 * time.Hour),
		CreatedBy:    "owner-1",
		UpdatedAt:    at,
		UpdatedBy:    "owner-1",
		Version:      1,
	}
	c.Recompute()
	return c
}

// plain builds a minimal customer.
func plain(name string, at time.Time) *crm.Customer {
	c := &crm.Customer{ID: crm.NewID(), Name: name, Type: crm.CustomerTypeNew, Stage: crm.StagePotential,
		CreatedAt: at, UpdatedAt: at, CreatedBy: "u", UpdatedBy: "u", Version: 1}
	c.Recompute()
	return c
}

// sameDoc fails unless a and b encode to the same BSON (Partial ignored).
func sameDoc(t *testing.T, want, got *crm.Customer) {
	t.Helper()
	wb, err := bson.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := bson.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(wb, gb) {
		t.Fatalf("documents differ:\nwant %v\n got %v", bson.Raw(wb), bson.Raw(gb))
	}
}

func mustCode(t *testing.T, err error, code crm.Code) {
	t.Helper()
	if crm.ErrorCode(err) != code || err == nil {
		t.Fatalf("want %s error, got %v", code, err)
	}
}

func mustField(t *testing.T, err error, code crm.Code, field string) {
	t.Helper()
	mustCode(t, err, code)
	e := err.(*crm.Error)
	for _, f := range e.Fields {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("want field %q in %v", field, err)
}

func insert(t *testing.T, s crm.Store, c *crm.Customer) *crm.Customer {
	t.Helper()
	if err := s.Customers().Insert(ctx(t), c, crm.CodePeriod(c.CreatedAt, crm.DefaultLocation)); err != nil {
		t.Fatalf("insert %s: %v", c.Name, err)
	}
	return c
}
