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

// topLevelArgs are field names that are arguments of the mutation itself,
// not fields of its input object.
var topLevelArgs = map[string]bool{"id": true, "customerId": true, "contactId": true, "needId": true, "interactionId": true, "dealId": true, "resultId": true,
	"expectedVersion": true, "currentPassword": true, "newPassword": true}

// inputErr prefixes the field paths of a domain error with "input." so that
// they name the argument a client sent (input.contacts[0].phone).
func inputErr(err error) error {
	var e *crm.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]crm.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if !topLevelArgs[f.Field] {
			f.Field = "input." + f.Field
		}
		out.Fields[i] = f
	}
	if !topLevelArgs[e.Fields[0].Field] {
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
			if rl := (*crm.RateLimitedError)(nil); errors.As(err, &rl) {
				gerr.Extensions["retryAfter"] = max(1, int(rl.RetryAfter.Seconds())) // seconds
			}
			if q := (*crm.QuotaExceededError)(nil); errors.As(err, &q) {
				gerr.Extensions["reason"] = crm.ReasonQuotaExceeded
			}
			if len(e.Fields) > 0 {
				fields := make([]map[string]string, len(e.Fields))
				for i, f := range e.Fields {
					fields[i] = map[string]string{"field": f.Field, "message": f.Message}
				}
				gerr.Extensions["field"] = e.Fields[0].Field
				gerr.Extensions["fields"] = fields
			}
			return gerr
		}
		if code, ok := gerr.Extensions["code"].(string); ok && code != "" {
			// Parse, validation and limit errors from gqlgen: the client's fault.
			gerr.Extensions["code"] = string(crm.CodeBadUserInput)
			gerr.Extensions["reason"] = code
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
			gerr.Extensions = map[string]any{"code": string(crm.CodeBadUserInput), "field": field,
				"fields": []map[string]string{{"field": field, "message": gerr.Message}}}
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

func internal(ctx context.Context, log *slog.Logger, gerr *gqlerror.Error, err error) *gqlerror.Error {
	id := RequestID(ctx)
	log.ErrorContext(ctx, "internal error", "request_id", id, "path", gerr.Path.String(), "err", err)
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
