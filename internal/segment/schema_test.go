package segment_test

import (
	"flag"
	"os"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	. "github.com/kehu-crm/kehu/internal/segment"
)

var update = flag.Bool("update", false, "rewrite testdata/where.graphqls")

// apiStub declares what the generated types use from schema.graphqls.
const apiStub = `
scalar Money
scalar Date
enum Tier { A B C }
enum Stage { POTENTIAL CONTACTED NEEDS_CONFIRMED PROPOSAL NEGOTIATION WON AFTER_SALES LOST }
enum CustomerType { NEW EXISTING CHANNEL }
enum NeedType { PRODUCT SERVICE SOLUTION }
enum ContactRole { DECISION_MAKER INFLUENCER USER }
enum InteractionChannel { PHONE VISIT EMAIL MEETING ONLINE WECHAT LIVESTREAM OTHER }
enum KeyEvent { SIGNED RENEWED COMPLAINT REFERRAL }
enum NeedKind { CURRENT POTENTIAL }
enum Priority { HIGH MEDIUM LOW }
enum NeedStatus { OPEN IN_PROGRESS RESOLVED ABANDONED }
enum Lifecycle { POTENTIAL NEW STABLE STRATEGIC CHURNED DORMANT }
enum ServiceKind { CONSULTATION COMPLAINT AFTER_SALES }
enum ServiceStatus { OPEN IN_PROGRESS RESOLVED CLOSED }
enum TaskKind { NEXT_ACTION FOLLOW_UP CLASSIFICATION_REVIEW CHURN_RISK STALE_NEED SERVICE_OVERDUE SERVICE_CHECK MANUAL }
enum TaskStatus { OPEN DONE CLOSED }
type Query { customersCount(where: CustomerWhere, query: String): Int! }
`

// TestGraphQLSchema checks that the generated input types are valid GraphQL
// with the API's scalars and enums, that they name every catalog field, and
// that testdata/where.graphqls is current (go test -run GraphQLSchema -update).
func TestGraphQLSchema(t *testing.T) {
	sdl := GraphQLSchema()
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "stub.graphqls", Input: apiStub}, &ast.Source{Name: "where.graphqls", Input: sdl})
	if err != nil {
		t.Fatalf("generated schema: %v", err)
	}
	typeOf := map[Array]string{Customer: "CustomerWhere", Contacts: "ContactWhere", Interactions: "InteractionWhere", Needs: "NeedWhere", Deals: "DealWhere",
		Satisfaction: "SatisfactionWhere", StageHistory: "StageChangeWhere", ServiceRequests: "ServiceRequestWhere", Tasks: "TaskWhere"}
	for _, f := range Fields() {
		def := schema.Types[typeOf[f.Scope]]
		if def == nil || def.Fields.ForName(f.Name) == nil {
			t.Errorf("%s has no field %s", typeOf[f.Scope], f.Name)
			continue
		}
		if f.Kind == KindSearch {
			continue
		}
		ft := schema.Types[def.Fields.ForName(f.Name).Type.Name()]
		for _, op := range f.Ops() {
			if ft.Fields.ForName(string(op)) == nil {
				t.Errorf("%s.%s: %s has no operator %s", typeOf[f.Scope], f.Name, ft.Name, op)
			}
		}
		if len(ft.Fields) != len(f.Ops())+map[bool]int{true: 2, false: 0}[f.Kind == KindTime || f.Kind == KindDate] {
			t.Errorf("%s.%s: %s has operators the field does not take", typeOf[f.Scope], f.Name, ft.Name)
		}
	}
	const golden = "testdata/where.graphqls"
	if *update {
		if err := os.WriteFile(golden, []byte(sdl), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old, err := os.ReadFile(golden)
	if err != nil || string(old) != sdl {
		t.Errorf("%s is not current: go test ./internal/segment -run GraphQLSchema -update", golden)
	}
}
