package graph

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kehu-crm/kehu/internal/crm"
)

// Reasons of multipart requests' refusals.
const (
	// ReasonPreflightRequired: a multipart request without a header that
	// only a script allowed by CORS can send (see preflightHeaders).
	ReasonPreflightRequired = "PREFLIGHT_REQUIRED"
	// ReasonUploadTooLarge: the files of a request over Limits.MaxUpload.
	ReasonUploadTooLarge = "UPLOAD_TOO_LARGE"
)

// preflightHeaders are the headers of which a multipart request must carry
// one. multipart/form-data is a "simple" content type: a page of another
// site may post it with the user's cookie and no CORS preflight, which
// application/json (every other request) cannot. A custom header forces the
// preflight, which only the origins in KEHU_CORS_ORIGINS pass. The first
// is the GraphQL over HTTP convention; Apollo's clients send the second;
// Authorization carries a token a foreign page does not have.
var preflightHeaders = []string{"GraphQL-Require-Preflight", "Apollo-Require-Preflight", "Authorization"}

// maxUploadFiles bounds the files of one request.
const maxUploadFiles = 10

// maxOperationsBytes bounds the operations and map fields of a multipart
// request (the files are bounded apart, by maxUpload).
const maxOperationsBytes = 1 << 20

// uploads are the files of a multipart request, spooled to temporary files
// that live until the response is written.
type uploads []*os.File

func (u uploads) remove() {
	for _, f := range u {
		_ = f.Close()
		_ = os.Remove(f.Name())
	}
}

// multipart reads a request of the GraphQL multipart request specification
// (github.com/jaydenseric/graphql-multipart-request-spec): the fields
// "operations" (the JSON request), then "map" (which file goes to which
// variable: {"0": ["variables.file"]}), then the files, each spooled to a
// temporary file in t.tmpDir. Refusals are BAD_USER_INPUT with a reason:
// PREFLIGHT_REQUIRED, UPLOAD_TOO_LARGE, INVALID_REQUEST. The caller removes
// the uploads once the response is written, whatever the error.
func (t transport) multipart(r *http.Request) (graphql.RawParams, uploads, *crm.Error) {
	var params graphql.RawParams
	fail := func(reason, format string, args ...any) *crm.Error {
		return WithReason(crm.Errorf(crm.CodeBadUserInput, format, args...), reason)
	}
	if !hasPreflightHeader(r) {
		return params, nil, fail(ReasonPreflightRequired,
			"a multipart request must carry the header GraphQL-Require-Preflight: 1 (or a bearer token), "+
				"so that a page of another site cannot send it with your cookie")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return params, nil, fail(ReasonInvalidRequest, "the multipart body could not be read: %v", err)
	}
	field := func(name string) (*multipart.Part, *crm.Error) {
		p, err := mr.NextPart()
		if err != nil || p.FormName() != name || p.FileName() != "" {
			return nil, fail(ReasonInvalidRequest, "the multipart body's %s field must be %q (the GraphQL multipart request specification: operations, map, then the files)",
				map[string]string{"operations": "first", "map": "second"}[name], name)
		}
		return p, nil
	}
	p, e := field("operations")
	if e != nil {
		return params, nil, e
	}
	if err := decodeJSON(io.LimitReader(p, maxOperationsBytes), &params); err != nil {
		return params, nil, fail(ReasonInvalidRequest, "the operations field is not a GraphQL request, a JSON object {\"query\", \"variables\"}: %s", jsonProblem(err))
	}
	if p, e = field("map"); e != nil {
		return params, nil, e
	}
	var paths map[string][]string
	if err := decodeJSON(io.LimitReader(p, maxOperationsBytes), &paths); err != nil {
		return params, nil, fail(ReasonInvalidRequest, "the map field is not a JSON object of file fields to lists of variable paths ({\"0\": [\"variables.file\"]}): %s", jsonProblem(err))
	}
	if len(paths) > maxUploadFiles {
		return params, nil, fail(ReasonInvalidRequest, "a request takes at most %d files (the map names %d)", maxUploadFiles, len(paths))
	}
	var files uploads
	var total int64
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return params, files, t.readFailure(err)
		}
		key := p.FormName()
		targets, ok := paths[key]
		if !ok {
			return params, files, fail(ReasonInvalidRequest, "the body has a field %.40q that the map does not name", key)
		}
		if len(targets) == 0 {
			return params, files, fail(ReasonInvalidRequest, "the map gives file %.40q no variable path", key)
		}
		delete(paths, key)
		f, err := os.CreateTemp(t.tmpDir, "kehu-upload-*")
		if err != nil {
			return params, files, crm.Internal(fmt.Errorf("graph: spool an upload: %w", err))
		}
		files = append(files, f)
		size, err := io.Copy(f, io.LimitReader(p, t.maxUpload-total+1))
		if err != nil {
			return params, files, t.readFailure(err)
		}
		if total += size; total > t.maxUpload {
			return params, files, t.tooLarge()
		}
		for _, path := range targets {
			// Each variable reads the file from its start.
			g, err := os.Open(f.Name())
			if err != nil {
				return params, files, crm.Internal(fmt.Errorf("graph: open an upload: %w", err))
			}
			files = append(files, g)
			up := graphql.Upload{File: g, Filename: p.FileName(), Size: size, ContentType: p.Header.Get("Content-Type")}
			if err := setUpload(params.Variables, path, up); err != nil {
				return params, files, fail(ReasonInvalidRequest, "the map's path %.60q for file %.40q: %v", path, key, err)
			}
		}
	}
	for key := range paths {
		return params, files, fail(ReasonInvalidRequest, "the map names file %.40q, which the body does not have", key)
	}
	return params, files, nil
}

func hasPreflightHeader(r *http.Request) bool {
	for _, h := range preflightHeaders {
		if strings.TrimSpace(r.Header.Get(h)) != "" {
			return true
		}
	}
	return false
}

func (t transport) tooLarge() *crm.Error {
	return WithReason(crm.Errorf(crm.CodeBadUserInput, "the files are larger than the limit of %s", humanSize(int(t.maxUpload))), ReasonUploadTooLarge)
}

// readFailure is the error of a multipart body that stopped being readable:
// over the server's byte limit (http.MaxBytesReader) or malformed.
func (t transport) readFailure(err error) *crm.Error {
	var big *http.MaxBytesError
	if errors.As(err, &big) {
		return t.tooLarge()
	}
	return WithReason(crm.Errorf(crm.CodeBadUserInput, "the multipart body could not be read: it ends early or is malformed"), ReasonInvalidRequest)
}

// setUpload puts up at path ("variables.file", "variables.input.files.0")
// of vars, which must hold null there: the specification's placeholder.
func setUpload(vars map[string]any, path string, up graphql.Upload) error {
	rest, ok := strings.CutPrefix(path, "variables.")
	if !ok || rest == "" {
		return errors.New(`a path starts with "variables."`)
	}
	parts := strings.Split(rest, ".")
	var at any = vars
	for i, part := range parts {
		last := i == len(parts)-1
		switch node := at.(type) {
		case map[string]any:
			v, ok := node[part]
			if !ok {
				return fmt.Errorf("the variables have no %q", strings.Join(parts[:i+1], "."))
			}
			if last {
				if v != nil {
					return errors.New("the variable there must be null, the file's placeholder")
				}
				node[part] = up
				return nil
			}
			at = v
		case []any:
			n, err := strconv.Atoi(part)
			if err != nil || n < 0 || n >= len(node) {
				return fmt.Errorf("%q is not an index of the list %q", part, strings.Join(parts[:i], "."))
			}
			if last {
				if node[n] != nil {
					return errors.New("the variable there must be null, the file's placeholder")
				}
				node[n] = up
				return nil
			}
			at = node[n]
		default:
			return fmt.Errorf("%q is not an object or a list", strings.Join(parts[:i], "."))
		}
	}
	return nil
}
