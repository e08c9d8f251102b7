package graph

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kehu-crm/kehu/internal/crm"
)

// TestInputErrPaths: a domain error's field reads as the client sent it,
// looked up per mutation: a name that is an argument of one mutation and
// an input field of another gets each mutation's own path. The expected
// paths are written by hand from schema.graphqls.
func TestInputErrPaths(t *testing.T) {
	for _, tc := range []struct {
		field, domain, want string
	}{
		// contactId: updateContact's and removeContact's argument, a field
		// of openServiceRequest's input.
		{"updateContact", "contactId", "contactId"},
		{"removeContact", "contactId", "contactId"},
		{"openServiceRequest", "contactId", "input.contactId"},
		{"updateContact", "phone", "input.phone"},
		// assigneeId: reassignTask's argument, a field of the inputs of
		// createTask, openServiceRequest and updateServiceRequest.
		{"reassignTask", "assigneeId", "assigneeId"},
		{"createTask", "assigneeId", "input.assigneeId"},
		{"updateServiceRequest", "assigneeId", "input.assigneeId"},
		{"updateServiceRequest", "requestId", "requestId"},
		// score and comment: closeServiceRequest's arguments, fields of
		// recordSatisfaction's input.
		{"closeServiceRequest", "score", "score"},
		{"recordSatisfaction", "score", "input.score"},
		{"updateSatisfaction", "comment", "input.comment"},
		// name: createApiToken's and saveSegment's argument, a field of
		// createCustomer's and createUser's inputs.
		{"createApiToken", "name", "name"},
		{"saveSegment", "name", "name"},
		{"createCustomer", "name", "input.name"},
		{"createUser", "name", "input.name"},
		{"createCustomer", "contacts[0].phone", "input.contacts[0].phone"},
		{"logInteraction", "contactIds[1]", "input.contactIds[1]"},
		// valueTier: overrideClassification's argument, updateCustomer's input field.
		{"overrideClassification", "valueTier", "valueTier"},
		{"updateCustomer", "valueTier", "input.valueTier"},
		{"snoozeTask", "until", "until"},
		{"updateCustomer", "id", "id"},
		{"updateCustomer", "expectedVersion", "expectedVersion"},
		// The customer a mutation works on, by the domain's name: not an
		// input field.
		{"logInteraction", "id", "id"},
		{"updateUser", "id", "id"},
		{"possibleDuplicates", "phones[0]", "input.phones[0]"},
	} {
		def := parsedSchema.Mutation.Fields.ForName(tc.field)
		if def == nil {
			def = parsedSchema.Query.Fields.ForName(tc.field)
		}
		if def == nil {
			t.Fatalf("no field %s in the schema", tc.field)
		}
		ctx := graphql.WithFieldContext(context.Background(), &graphql.FieldContext{
			Field: graphql.CollectedField{Field: &ast.Field{Name: tc.field, Definition: def}}})
		domain := &crm.Error{Code: crm.CodeBadUserInput, Message: tc.domain + ": is bad",
			Fields: []crm.FieldError{{Field: tc.domain, Message: "is bad"}}}
		var e *crm.Error
		if !errors.As(inputErr(ctx, domain), &e) {
			t.Fatalf("%s: not a domain error", tc.field)
		}
		if got := e.Fields[0].Field; got != tc.want || e.Message != tc.want+": is bad" {
			t.Errorf("%s, domain field %s: %q (%q), want %q", tc.field, tc.domain, got, e.Message, tc.want)
		}
		if domain.Fields[0].Field != tc.domain {
			t.Errorf("%s: the domain error was changed", tc.field)
		}
	}
}

// TestNoArgumentIsAlsoAnInputField: inputErr can tell an argument from an
// input field by name only because no field has an argument and an input
// field of one name.
func TestNoArgumentIsAlsoAnInputField(t *testing.T) {
	for _, typ := range []*ast.Definition{parsedSchema.Query, parsedSchema.Mutation} {
		for _, f := range typ.Fields {
			in := f.Arguments.ForName("input")
			if in == nil {
				continue
			}
			for _, a := range f.Arguments {
				if parsedSchema.Types[in.Type.Name()].Fields.ForName(a.Name) != nil {
					t.Errorf("%s.%s: argument %s is also a field of its input %s", typ.Name, f.Name, a.Name, in.Type.Name())
				}
			}
		}
	}
}

// Outside a resolver (no field context) and for errors without fields,
// inputErr changes nothing.
func TestInputErrLeavesOthersAlone(t *testing.T) {
	domain := &crm.Error{Code: crm.CodeBadUserInput, Message: "contactId: x", Fields: []crm.FieldError{{Field: "contactId", Message: "x"}}}
	if got := inputErr(context.Background(), domain); got != error(domain) {
		t.Errorf("without a field context: %v", got)
	}
	def := parsedSchema.Mutation.Fields.ForName("openServiceRequest")
	ctx := graphql.WithFieldContext(context.Background(), &graphql.FieldContext{
		Field: graphql.CollectedField{Field: &ast.Field{Name: def.Name, Definition: def}}})
	plain := errors.New("disk on fire")
	if got := inputErr(ctx, plain); got != plain {
		t.Errorf("a plain error: %v", got)
	}
	if inputErr(ctx, nil) != nil {
		t.Error("nil became an error")
	}
	if got := inputErr(ctx, crm.NotFound("customer", "x")); strings.Contains(got.Error(), "input.") {
		t.Errorf("an error without fields: %v", got)
	}
}
