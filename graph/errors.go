package graph

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kehu-crm/kehu/internal/crm"
)

// inputErr names the fields of a domain error as the client sent them. The
// domain names an input field (contacts[0].phone) or an argument
// (contactId) alike; a field whose first segment is a field of the input
// argument of the field being resolved is named under it
// (input.contacts[0].phone), any other keeps its name. Each mutation is
// looked up in the schema, as one name may be an argument of one
// (updateContact's contactId) and an input field of another
// (openServiceRequest's); that no field has an argument and an input field
// of one name is checked by TestNoArgumentIsAlsoAnInputField.
func inputErr(ctx context.Context, err error) error {
	fc := graphql.GetFieldContext(ctx)
	if err == nil || fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return err
	}
	return inputFieldsErr(err, inputFieldOf(fc.Field.Definition))
}

// inputFieldOf reports whether a name is a field of the input argument of
// def (and not one of its arguments).
func inputFieldOf(def *ast.FieldDefinition) func(root string) bool {
	in := def.Arguments.ForName("input")
	if in == nil {
		return func(string) bool { return false }
	}
	t := parsedSchema.Types[in.Type.Name()]
	return func(root string) bool {
		return t != nil && t.Fields.ForName(root) != nil && def.Arguments.ForName(root) == nil
	}
}

// inputFieldsErr prefixes with "input." the field paths of a domain error
// that isInput names (by their first segment).
func inputFieldsErr(err error, isInput func(root string) bool) error {
	var e *crm.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	root := func(f string) string {
		if i := strings.IndexAny(f, ".["); i >= 0 {
			return f[:i]
		}
		return f
	}
	out := *e
	out.Fields = make([]crm.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if f.Field != "" && isInput(root(f.Field)) {
			f.Field = "input." + f.Field
		}
		out.Fields[i] = f
	}
	if f := e.Fields[0].Field; f != "" && isInput(root(f)) {
		out.Message = "input." + e.Message
	}
	return &out
}

// ErrorPresenter turns every error into a client-safe GraphQL error with
// extensions.code. Domain errors keep their code and fields; errors gqlgen
// raises while reading arguments become BAD_USER_INPUT with the argument
// path; anything else is INTERNAL, logged with the request id and never
// shown.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		var e *crm.Error
		if errors.As(err, &e) {
			if e.Code == crm.CodeInternal {
				return internal(ctx, log, gerr, err)
			}
			gerr.Message = e.Message
			gerr.Extensions = map[string]any{"code": string(e.Code)}
			if e.Reason != "" {
				gerr.Extensions["reason"] = e.Reason
			}
			if rl := (*crm.RateLimitedError)(nil); errors.As(err, &rl) {
				gerr.Extensions["retryAfter"] = max(1, int(rl.RetryAfter.Seconds())) // seconds
			}
			if len(e.Fields) > 0 {
				fields := make([]map[string]any, len(e.Fields))
				for i, f := range e.Fields {
					fields[i] = fieldExtension(f)
				}
				gerr.Extensions["field"] = e.Fields[0].Field
				gerr.Extensions["fields"] = fields
				gerr.Extensions["reason"] = fields[0]["reason"]
				if params, ok := fields[0]["params"]; ok {
					gerr.Extensions["params"] = params
				}
			}
			return gerr
		}
		if code, ok := gerr.Extensions["code"].(string); ok && code != "" {
			// Parse, validation and limit errors from gqlgen: the client's fault.
			gerr.Extensions["code"] = string(crm.CodeBadUserInput)
			gerr.Extensions["reason"] = code
			if code == "COMPLEXITY_LIMIT_EXCEEDED" { // gqlgen's extension.FixedComplexityLimit
				gerr.Message += ": ask for smaller pages (first), give nested lists (interactions, deals ...) a limit, or split the request (docs/API.md, Limits)"
			}
			if field := variablePath(gerr.Path); field != "" {
				// A variable that does not fit its type: name it like an
				// input field, so $input.name reads "input.name".
				gerr.Message = field + ": " + gerr.Message
				gerr.Extensions["field"] = field
				gerr.Extensions["fields"] = []map[string]string{{"field": field, "message": gerr.Message}}
			}
			return gerr
		}
		if field, ok := argumentError(ctx, gerr); ok {
			reason := string(crm.ReasonOf(err))
			gerr.Extensions = map[string]any{"code": string(crm.CodeBadUserInput), "field": field, "reason": reason,
				"fields": []map[string]any{{"field": field, "message": gerr.Message, "reason": reason}}}
			return gerr
		}
		if graphql.GetFieldContext(ctx) == nil {
			// Raised before any resolver ran, by the transport reading the
			// request (malformed JSON, a query that is not a string): the
			// client's request is at fault, and gqlgen's message says how.
			gerr.Extensions = map[string]any{"code": string(crm.CodeBadUserInput), "reason": "INVALID_REQUEST"}
			return gerr
		}
		return internal(ctx, log, gerr, err)
	}
}

// fieldExtension renders one field error: its path, English message,
// reason (INVALID when it has none) and parameters (when it has some).
func fieldExtension(f crm.FieldError) map[string]any {
	reason := f.Reason
	if reason == "" {
		reason = crm.ReasonInvalid
	}
	out := map[string]any{"field": f.Field, "message": f.Message, "reason": string(reason)}
	if len(f.Params) > 0 {
		out["params"] = f.Params
	}
	return out
}

func internal(ctx context.Context, log *slog.Logger, gerr *gqlerror.Error, err error) *gqlerror.Error {
	id := RequestID(ctx)
	if errors.Is(ctx.Err(), context.Canceled) {
		// The client went away (closed the tab, timed out): nothing failed
		// on our side, and under load these would flood the log.
		log.DebugContext(ctx, "request abandoned by the client", "request_id", id, "path", gerr.Path.String(), "err", err)
	} else {
		log.ErrorContext(ctx, "internal error", "request_id", id, "path", gerr.Path.String(), "err", err)
	}
	gerr.Message = "internal error; quote request id " + id + " when reporting it"
	gerr.Extensions = map[string]any{"code": string(crm.CodeInternal), "requestId": id}
	return gerr
}

// variablePath renders the path of a variable error ([variable i name])
// as a field path (i.name), or "" for other errors.
func variablePath(p ast.Path) string {
	if len(p) < 2 || p[0] != ast.PathName("variable") {
		return ""
	}
	return renderPath(p[1:])
}

func renderPath(p ast.Path) string {
	var b strings.Builder
	for _, el := range p {
		switch x := el.(type) {
		case ast.PathName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(x))
		case ast.PathIndex:
			b.WriteString("[" + strconv.Itoa(int(x)) + "]")
		}
	}
	return b.String()
}

// argumentError reports errors raised while unmarshalling arguments: their
// path goes below the field into an argument name (and input fields). It
// returns that part of the path as a field path: input.contacts[0].phone.
func argumentError(ctx context.Context, gerr *gqlerror.Error) (string, bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return "", false
	}
	fieldPath := fc.Path()
	if len(gerr.Path) <= len(fieldPath) {
		return "", false
	}
	rest := gerr.Path[len(fieldPath):]
	arg, ok := rest[0].(ast.PathName)
	if !ok || fc.Field.Field.Arguments.ForName(string(arg)) == nil && fc.Field.Definition.Arguments.ForName(string(arg)) == nil {
		return "", false
	}
	return renderPath(rest), true
}
