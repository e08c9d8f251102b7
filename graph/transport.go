package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Reasons of transport errors, in extensions.reason beside the code.
const (
	ReasonMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	ReasonUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	ReasonBatchNotSupported    = "BATCH_NOT_SUPPORTED"
	ReasonInvalidRequest       = "INVALID_REQUEST"
	ReasonBodyTooLarge         = "BODY_TOO_LARGE"
	ReasonResponseTooLarge     = "RESPONSE_TOO_LARGE"
	ReasonNoSuchPath           = "NO_SUCH_PATH"
)

// WithReason returns a copy of err answered with extensions.reason set to
// reason (the transport's reasons above).
func WithReason(err *crm.Error, reason string) *crm.Error {
	out := *err
	out.Reason = reason
	return &out
}

// HTTPStatus is the HTTP status of an error answer with code.
func HTTPStatus(code crm.Code) int {
	switch code {
	case crm.CodeBadUserInput:
		return http.StatusBadRequest
	case crm.CodeUnauthenticated:
		return http.StatusUnauthorized
	case crm.CodeForbidden:
		return http.StatusForbidden
	case crm.CodeNotFound:
		return http.StatusNotFound
	case crm.CodeConflict:
		return http.StatusConflict
	case crm.CodeRateLimited:
		return http.StatusTooManyRequests
	case crm.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// WriteError is the one writer of error answers outside GraphQL execution:
// the GraphQL transport, the export and the HTTP middleware. It answers
// {"errors":[{"message","extensions":{"code",...}}]} with the error made by
// ErrorPresenter, exactly as a resolver's error is shown: the code, the
// reason, the field paths; an error that is not a *crm.Error is INTERNAL,
// logged with the request id and never shown. status 0 takes the code's
// status (HTTPStatus); INTERNAL is always 500.
func WriteError(ctx context.Context, w http.ResponseWriter, log *slog.Logger, status int, err error) {
	var e *crm.Error
	if !errors.As(err, &e) {
		err = crm.Internal(err)
		e = err.(*crm.Error)
	}
	if status == 0 || e.Code == crm.CodeInternal {
		status = HTTPStatus(e.Code)
	}
	gerr := ErrorPresenter(log)(ctx, err)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(graphql.Response{Errors: gqlerror.List{gerr}})
}

const graphqlResponseJSON = "application/graphql-response+json"

// transport serves GraphQL over HTTP: POST with a JSON body, and GET for
// queries, per the GraphQL over HTTP specification. Unlike gqlgen's own
// transports, every answer it gives, refusals included, carries
// extensions.code, a request body is never echoed, and a response larger
// than maxResponse is replaced by an error (see responseBudget).
type transport struct {
	log         *slog.Logger
	maxResponse int
	// maxUpload bounds the files of a multipart request (upload.go),
	// spooled to temporary files in tmpDir ("": the system's).
	maxUpload int64
	tmpDir    string
}

var _ graphql.Transport = transport{}

func (transport) Supports(*http.Request) bool { return true }

func (t transport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	fail := func(status int, reason, format string, args ...any) {
		WriteError(ctx, w, t.log, status, WithReason(crm.Errorf(crm.CodeBadUserInput, format, args...), reason))
	}
	var params graphql.RawParams
	switch r.Method {
	case http.MethodOptions:
		w.Header().Set("Allow", "OPTIONS, GET, POST")
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodGet:
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			fail(http.StatusBadRequest, ReasonInvalidRequest, "the query string could not be read: %s", strings.TrimPrefix(err.Error(), "invalid URL escape "))
			return
		}
		params.Query, params.OperationName = q.Get("query"), q.Get("operationName")
		for name, into := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
			if v := q.Get(name); v != "" {
				if err := decodeJSON(strings.NewReader(v), into); err != nil {
					fail(http.StatusBadRequest, ReasonInvalidRequest, "the %s parameter is not a JSON object: %s", name, jsonProblem(err))
					return
				}
			}
		}
	case http.MethodPost:
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err == nil && mt == "multipart/form-data" {
			p, files, e := t.multipart(r)
			defer files.remove()
			if e != nil {
				status := 0
				if e.Reason == ReasonUploadTooLarge {
					status = http.StatusRequestEntityTooLarge
				}
				WriteError(ctx, w, t.log, status, e)
				return
			}
			params = p
			break
		}
		if err != nil || mt != "application/json" {
			w.Header().Set("Accept-Post", "application/json, multipart/form-data")
			fail(http.StatusUnsupportedMediaType, ReasonUnsupportedMediaType,
				"send the request as Content-Type: application/json, or multipart/form-data to upload files (got %.40q)", r.Header.Get("Content-Type"))
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			fail(http.StatusBadRequest, ReasonInvalidRequest, "the request body could not be read")
			return
		}
		if b := bytes.TrimLeft(body, " \t\r\n"); len(b) > 0 && b[0] == '[' {
			fail(http.StatusBadRequest, ReasonBatchNotSupported,
				"batched requests (a JSON array) are not supported; send one operation per request as a JSON object {\"query\": ...}")
			return
		}
		if err := decodeJSON(bytes.NewReader(body), &params); err != nil {
			fail(http.StatusBadRequest, ReasonInvalidRequest,
				"the request body is not a GraphQL request, a JSON object {\"query\", \"variables\", \"operationName\"}: %s", jsonProblem(err))
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		WriteError(ctx, w, t.log, http.StatusMethodNotAllowed, WithReason(crm.Errorf(crm.CodeBadUserInput,
			"method %.10s is not allowed on /graphql; use POST (or GET for queries)", r.Method), ReasonMethodNotAllowed))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}

	// The GraphQL over HTTP media type when the client accepts it (then a
	// request that does not parse or validate is 400), else the classic
	// application/json (422, as gqlgen answers).
	ctype, protocolStatus := "application/json", http.StatusUnprocessableEntity
	if strings.Contains(r.Header.Get("Accept"), graphqlResponseJSON) {
		ctype, protocolStatus = graphqlResponseJSON, http.StatusBadRequest
	}
	w.Header().Set("Content-Type", ctype)
	opCtx, errs := exec.CreateOperationContext(ctx, &params)
	if errs != nil {
		status := http.StatusOK
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			status = protocolStatus
		}
		t.write(w, status, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs))
		return
	}
	if r.Method == http.MethodGet {
		if op := opCtx.Doc.Operations.ForName(opCtx.OperationName); op != nil && op.Operation != ast.Query {
			w.Header().Set("Allow", "POST")
			WriteError(ctx, w, t.log, http.StatusMethodNotAllowed, WithReason(crm.Errorf(crm.CodeBadUserInput,
				"a %s cannot be sent with GET; use POST", op.Operation), ReasonMethodNotAllowed))
			return
		}
	}
	budget := &responseBudget{max: int64(t.maxResponse)}
	if t.maxResponse > 0 {
		ctx = context.WithValue(ctx, budgetKey{}, budget)
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if t.maxResponse > 0 && (budget.over.Load() || len(resp.Data) > t.maxResponse) {
		what := "ask for fewer items (a smaller first or limit, then page on) or fewer fields"
		if op := opCtx.Operation; op != nil && op.Operation == ast.Mutation {
			what = "the mutation was carried out; ask for fewer fields in its answer"
		}
		e := WithReason(crm.Errorf(crm.CodeBadUserInput, "the response is larger than the limit of %s; %s",
			humanSize(t.maxResponse), what), ReasonResponseTooLarge)
		resp = &graphql.Response{Errors: gqlerror.List{ErrorPresenter(t.log)(ctx, e)}}
	}
	t.write(w, http.StatusOK, resp)
}

func (t transport) write(w http.ResponseWriter, status int, resp *graphql.Response) {
	b, err := json.Marshal(resp)
	if err != nil {
		WriteError(context.Background(), w, t.log, 0, fmt.Errorf("marshalling a response: %w", err))
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// jsonProblem says what is wrong with a JSON document without quoting it.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("%q must not be a JSON %s", typ.Field, typ.Value)
		}
		return fmt.Sprintf("a JSON %s where an object belongs", typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early"
	}
	return "invalid JSON"
}

func humanSize(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.Itoa(n>>10) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

// responseBudget counts, as fields resolve, a lower bound of the bytes the
// response will take. Once over max, every further string resolves to ""
// and every list to an empty one: the response, which the transport then
// replaces by RESPONSE_TOO_LARGE, is never built in full, so one request
// cannot hold hundreds of megabytes of answer.
type responseBudget struct {
	max  int64
	used atomic.Int64
	over atomic.Bool
}

type budgetKey struct{}

// countResponse is the field middleware of the response budget.
func countResponse(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	b, _ := ctx.Value(budgetKey{}).(*responseBudget)
	if b == nil || err != nil {
		return res, err
	}
	if b.over.Load() {
		return shrink(res), nil
	}
	n := int64(minJSONSize(res))
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil {
		n += int64(len(fc.Field.Alias)) + 3 // "alias":
	}
	if b.used.Add(n) > b.max {
		b.over.Store(true)
		return shrink(res), nil
	}
	return res, nil
}

// minJSONSize is at most the bytes v takes in the response. The fields of
// objects and the elements of lists of objects count on their own, as they
// resolve.
func minJSONSize(v any) int {
	switch x := v.(type) {
	case nil:
		return 4
	case string:
		return len(x) + 2
	case *string:
		if x == nil {
			return 4
		}
		return len(*x) + 2
	case []string:
		n := 2
		for _, s := range x {
			n += len(s) + 2
		}
		return n
	case bool:
		return 4
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
		return 2 + rv.Len()
	}
	return 1
}

// shrink returns the smallest value of v's type that still fits its field:
// "" for a string, an empty list for a list; anything else as it is (its
// own fields shrink as they resolve).
func shrink(v any) any {
	switch x := v.(type) {
	case string:
		return ""
	case *string:
		if x != nil {
			return new(string)
		}
		return x
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
		return reflect.MakeSlice(rv.Type(), 0, 0).Interface()
	}
	return v
}
