package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kehu-crm/kehu/internal/crm"
)

// upload is one file of a multipart request.
type upload struct {
	field, name string
	body        []byte
}

// multipartRequest builds a request of the GraphQL multipart request
// specification: operations, map, then the files, in the order given.
func multipartRequest(t *testing.T, url, operations, fileMap string, files ...upload) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if operations != "" {
		_ = mw.WriteField("operations", operations)
	}
	if fileMap != "" {
		_ = mw.WriteField("map", fileMap)
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(f.body)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// upload sends query with the file as variable "file", and the other
// variables, as a multipart request with a bearer token.
func (ts *testServer) upload(t *testing.T, token, query string, vars map[string]any, name string, file []byte) gqlResponse {
	t.Helper()
	if vars == nil {
		vars = map[string]any{}
	}
	vars["file"] = nil
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := multipartRequest(t, ts.URL, string(ops), `{"0": ["variables.file"]}`, upload{"0", name, file})
	req.Header.Set("Authorization", "Bearer "+token)
	return ts.do(t, req)
}

const importJobFields = `id status dryRun fileName message rows total processed rowsPerSecond secondsLeft
	created updated unchanged duplicates rowErrors canUndo resultFileUrl undoneAt
	by { email }
	errors(first: 50) { row column field reason message warning params }
	outcomes(first: 50) { row action customerId code matchedBy duplicates changes { field old new } notes { column from to } }
	undo { deleted restored kept { customerId code reason } }`

type importJobOut struct {
	ID            string   `json:"id"`
	Status        string   `json:"status"`
	DryRun        bool     `json:"dryRun"`
	FileName      string   `json:"fileName"`
	Message       *string  `json:"message"`
	Rows          int      `json:"rows"`
	Total         int      `json:"total"`
	Processed     int      `json:"processed"`
	RowsPerSecond *float64 `json:"rowsPerSecond"`
	SecondsLeft   *int     `json:"secondsLeft"`
	Created       int      `json:"created"`
	Updated       int      `json:"updated"`
	Unchanged     int      `json:"unchanged"`
	Duplicates    int      `json:"duplicates"`
	RowErrors     int      `json:"rowErrors"`
	CanUndo       bool     `json:"canUndo"`
	ResultFileURL *string  `json:"resultFileUrl"`
	UndoneAt      *string  `json:"undoneAt"`
	By            struct{ Email string }
	Errors        []struct {
		Row     int            `json:"row"`
		Column  *string        `json:"column"`
		Field   *string        `json:"field"`
		Reason  string         `json:"reason"`
		Message string         `json:"message"`
		Warning bool           `json:"warning"`
		Params  map[string]any `json:"params"`
	}
	Outcomes []struct {
		Row        int      `json:"row"`
		Action     string   `json:"action"`
		CustomerID *string  `json:"customerId"`
		Code       *string  `json:"code"`
		MatchedBy  *string  `json:"matchedBy"`
		Duplicates []string `json:"duplicates"`
		Changes    []struct{ Field, Old, New string }
		Notes      []struct{ Column, From, To string }
	}
	Undo *struct {
		Deleted, Restored int
		Kept              []struct{ CustomerID, Code, Reason string }
	}
}

// waitImport polls importJob until the job has finished.
func (ts *testServer) waitImport(t *testing.T, token, id string) importJobOut {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var out struct{ ImportJob *importJobOut }
		ts.post(t, token, `query($id: ID!) { importJob(id: $id) { `+importJobFields+` } }`, map[string]any{"id": id}).ok(t, &out)
		if out.ImportJob == nil {
			t.Fatalf("import %s not found", id)
		}
		switch out.ImportJob.Status {
		case "DONE", "FAILED", "CANCELLED":
			return *out.ImportJob
		}
		if time.Now().After(deadline) {
			t.Fatalf("import %s still %s", id, out.ImportJob.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const importMutation = `mutation($file: Upload!, $dryRun: Boolean!, $mapping: [ColumnMappingInput!], $matchBy: ImportMatchKey) {
	importCustomers(file: $file, dryRun: $dryRun, mapping: $mapping, matchBy: $matchBy) { id status dryRun fileName } }`

// A worksheet through the API: its columns detected, a dry run, a commit
// with a corrected mapping (saved for the next file of the same header),
// the job's record and list, the undo.
func TestImportOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	_, boss := ts.user(t, "boss@kehu.local", crm.RoleManager)
	_, rep := ts.user(t, "rep@kehu.local", crm.RoleSales)
	sheet := []byte(strings.Join([]string{
		"客户名称,行业,联系人,手机,备用",
		"杭州云帆科技有限公司,软件,陈经理,139 1234 5678,重点",
		"宁波港通物流有限公司,物流,张三,12345,",
	}, "\n") + "\n")

	// Columns: 备用 is unknown; the user maps it to tags.
	const detect = `mutation($file: Upload!, $mapping: [ColumnMappingInput!]) { detectImportColumns(file: $file, mapping: $mapping) {
		fileName format encoding headerRow fingerprint saved
		columns { index letter header field how confidence unit contact candidates samples warnings { reason message column } }
		problems { reason field message } } }`
	type columnsOut struct {
		DetectImportColumns struct {
			FileName, Format, Fingerprint string
			Encoding                      *string
			HeaderRow                     int
			Saved                         bool
			Columns                       []struct {
				Index                  int
				Letter, Header         string
				Field, How, Confidence *string
				Samples                []string
				Warnings               []struct{ Reason string }
			}
			Problems []struct{ Reason string }
		}
	}
	var cols columnsOut
	ts.upload(t, boss, detect, nil, "客户.csv", sheet).ok(t, &cols)
	d := cols.DetectImportColumns
	if d.Format != "CSV" || d.Encoding == nil || *d.Encoding != "UTF-8" || d.HeaderRow != 1 || d.Saved || len(d.Columns) != 5 || len(d.Problems) != 0 {
		t.Fatalf("detected: %+v", d)
	}
	if c := d.Columns[3]; c.Letter != "D" || c.Field == nil || *c.Field != "contactPhone" || len(c.Samples) != 2 {
		t.Fatalf("phone column: %+v", c)
	}
	if c := d.Columns[4]; c.Field != nil || len(c.Warnings) == 0 {
		t.Fatalf("unknown column: %+v", c)
	}
	mapping := []map[string]any{{"column": 4, "field": "tags"}}
	ts.upload(t, boss, detect, map[string]any{"mapping": mapping}, "客户.csv", sheet).ok(t, &cols)
	if f := cols.DetectImportColumns.Columns[4].Field; f == nil || *f != "tags" || *cols.DetectImportColumns.Columns[4].How != "user" {
		t.Fatalf("corrected: %+v", cols.DetectImportColumns.Columns[4])
	}

	// The dry run writes nothing and says what each row would do.
	var started struct{ ImportCustomers importJobOut }
	ts.upload(t, boss, importMutation, map[string]any{"dryRun": true, "mapping": mapping}, "客户.csv", sheet).ok(t, &started)
	if s := started.ImportCustomers; s.Status != "QUEUED" || !s.DryRun || s.FileName != "客户.csv" {
		t.Fatalf("started: %+v", s)
	}
	dry := ts.waitImport(t, boss, started.ImportCustomers.ID)
	if dry.Status != "DONE" || dry.Rows != 2 || dry.Total != 2 || dry.Processed != 2 || dry.Created != 1 || dry.RowErrors != 1 ||
		dry.CanUndo || dry.By.Email != "boss@kehu.local" || dry.SecondsLeft != nil {
		t.Fatalf("dry run: %+v", dry)
	}
	if len(dry.Outcomes) != 2 || dry.Outcomes[0].Action != "CREATE" || dry.Outcomes[1].Action != "ERROR" {
		t.Fatalf("outcomes: %+v", dry.Outcomes)
	}
	var bad bool
	for _, e := range dry.Errors {
		if e.Row == 3 && !e.Warning && e.Column != nil && *e.Column == "D 手机" {
			bad = true
		}
	}
	if !bad {
		t.Fatalf("no error at D 手机 of row 3: %+v", dry.Errors)
	}
	// The result file: the sheet with the result columns.
	rows := ts.resultFile(t, boss, *dry.ResultFileURL, http.StatusOK)
	if len(rows) != 3 || strings.Join(rows[0], "|") != "客户名称|行业|联系人|手机|备用|导入结果|错误说明|匹配客户" ||
		rows[1][5] != "新建" || rows[2][0] != "宁波港通物流有限公司" || rows[2][5] != "错误（未导入）" || !strings.Contains(rows[2][6], "D 手机: ") {
		t.Fatalf("result file: %q", rows)
	}
	if en := ts.resultFile(t, boss, *dry.ResultFileURL+"?lang=en", http.StatusOK); en[0][5] != "Result" || en[2][5] != "error (not imported)" {
		t.Fatalf("result file in English: %q", en)
	}
	ts.resultFile(t, rep, *dry.ResultFileURL, http.StatusForbidden)
	ts.resultFile(t, boss, "/import/nope/result.xlsx", http.StatusNotFound)
	ts.resultFile(t, boss, *dry.ResultFileURL+"?lang=fr", http.StatusBadRequest)
	ts.resultFile(t, boss, *dry.ResultFileURL+"?x=1", http.StatusBadRequest)
	ts.resultFile(t, "", *dry.ResultFileURL, http.StatusUnauthorized)

	var count struct{ Customers struct{ TotalCount int } }
	ts.post(t, boss, `{ customers(first: 1) { totalCount } }`, nil).ok(t, &count)
	if count.Customers.TotalCount != 0 {
		t.Fatalf("the dry run wrote %d customers", count.Customers.TotalCount)
	}

	// The commit writes the good row and saves the mapping.
	ts.clock.Advance(time.Minute)
	ts.upload(t, boss, importMutation, map[string]any{"dryRun": false, "mapping": mapping}, "客户.csv", sheet).ok(t, &started)
	done := ts.waitImport(t, boss, started.ImportCustomers.ID)
	if done.Status != "DONE" || done.Created != 1 || !done.CanUndo || done.ResultFileURL == nil {
		t.Fatalf("commit: %+v", done)
	}
	var list struct {
		Customers struct {
			Nodes []struct {
				Name string
				Tags []string
			}
		}
	}
	ts.post(t, boss, `{ customers(first: 5) { nodes { name tags } } }`, nil).ok(t, &list)
	if len(list.Customers.Nodes) != 1 || list.Customers.Nodes[0].Name != "杭州云帆科技有限公司" || len(list.Customers.Nodes[0].Tags) != 1 {
		t.Fatalf("customers: %+v", list.Customers.Nodes)
	}
	ts.upload(t, boss, detect, nil, "下个月.csv", sheet).ok(t, &cols)
	if !cols.DetectImportColumns.Saved || *cols.DetectImportColumns.Columns[4].Field != "tags" {
		t.Fatalf("the saved mapping is not applied: %+v", cols.DetectImportColumns)
	}

	var jobs struct {
		ImportJobs []struct {
			ID     string
			DryRun bool
		}
	}
	ts.post(t, boss, `{ importJobs(first: 5, mine: true) { id dryRun } }`, nil).ok(t, &jobs)
	if len(jobs.ImportJobs) != 2 || jobs.ImportJobs[0].ID != done.ID || jobs.ImportJobs[1].ID != dry.ID {
		t.Fatalf("jobs: %+v", jobs.ImportJobs)
	}

	ts.post(t, boss, `{ importJobs(first: 0) { id } }`, nil).fails(t, "BAD_USER_INPUT", "first")
	ts.post(t, boss, `query($id: ID!) { importJob(id: $id) { errors(first: 1001) { row } } }`, map[string]any{"id": done.ID}).fails(t, "BAD_USER_INPUT", "first")

	// A sales rep may not import, nor see imports.
	ts.upload(t, rep, importMutation, map[string]any{"dryRun": true}, "客户.csv", sheet).fails(t, "FORBIDDEN", "")
	ts.post(t, rep, `query($id: ID!) { importJob(id: $id) { id } }`, map[string]any{"id": done.ID}).fails(t, "FORBIDDEN", "")

	// Undo, once.
	var undone struct{ UndoImport importJobOut }
	ts.post(t, boss, `mutation($id: ID!) { undoImport(id: $id) { `+importJobFields+` } }`, map[string]any{"id": done.ID}).ok(t, &undone)
	if u := undone.UndoImport; u.Undo == nil || u.Undo.Deleted != 1 || u.UndoneAt == nil || u.CanUndo {
		t.Fatalf("undo: %+v", u)
	}
	ts.post(t, boss, `{ customers(first: 1) { totalCount } }`, nil).ok(t, &count)
	if count.Customers.TotalCount != 0 {
		t.Fatalf("after the undo: %d customers", count.Customers.TotalCount)
	}
	ts.post(t, boss, `mutation($id: ID!) { undoImport(id: $id) { id } }`, map[string]any{"id": done.ID}).fails(t, "BAD_USER_INPUT", "id")
	var missing struct{ ImportJob *importJobOut }
	ts.post(t, boss, `{ importJob(id: "nope") { id } }`, nil).ok(t, &missing)
	if missing.ImportJob != nil {
		t.Fatal("an unknown import is not null")
	}
}

// Every malformed or unwanted multipart request is refused with a code
// and a reason, and nothing runs.
func TestUploadRefusals(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.ImportMaxBytes = 4096
	ts := newTestServerWith(t, cfg)
	_, boss := ts.user(t, "boss@kehu.local", crm.RoleManager)
	ops := func(vars string) string {
		return `{"query": "mutation($file: Upload!) { importCustomers(file: $file, dryRun: true) { id } }", "variables": ` + vars + `}`
	}
	csv := []byte("客户名称\n杭州云帆科技有限公司\n")
	file := upload{"0", "a.csv", csv}
	cases := []struct {
		name     string
		req      func() *http.Request
		status   int
		code     string
		reason   string
		field    string
		noBearer bool
	}{
		{name: "no preflight header with a cookie", noBearer: true, status: 400, code: "BAD_USER_INPUT", reason: "PREFLIGHT_REQUIRED",
			req: func() *http.Request {
				r := multipartRequest(t, ts.URL, ops(`{"file": null}`), `{"0": ["variables.file"]}`, file)
				r.AddCookie(&http.Cookie{Name: "kehu_session", Value: boss})
				return r
			}},
		{name: "map before operations", status: 400, code: "BAD_USER_INPUT", reason: "INVALID_REQUEST",
			req: func() *http.Request { return multipartRequest(t, ts.URL, "", `{"0": ["variables.file"]}`, file) }},
		{name: "operations not JSON", status: 400, code: "BAD_USER_INPUT", reason: "INVALID_REQUEST",
			req: func() *http.Request { return multipartRequest(t, ts.URL, "{", `{"0": ["variables.file"]}`, file) }},
		{name: "map not JSON", status: 400, code: "BAD_USER_INPUT", reason: "INVALID_REQUEST",
			req: func() *http.Request { return multipartRequest(t, ts.URL, ops(`{"file": null}`), `["x"]`, file) }},
		{name: "a file the map does not name", status: 400, code: "BAD_USER_INPUT", reason: "INVALID_REQUEST",
			req: func() *http.Request {
				return multipartRequest(t, ts.URL, ops(`{"file": null}`), `{"0": ["variables.file"]}`, file, upload{"1", "b.csv", csv})
			}},
		{name: "a mapped file missing", status: 400, code: "BAD_USER_INPUT", reason: "INVALID_REQUEST",
			req: func() *http.Request {
				return multipartRequest(t, ts.URL, ops(`{"file": null}`), `{"0": ["variables.file"]}`)
			}},
		{name: "a path outside the variables", status: 400, code: "BAD_USER_INPUT", reason: "INVALID_REQUEST",
			req: func() *http.Request {
				return multipartRequest(t, ts.URL, ops(`{"file": null}`), `{"0": ["query"]}`, file)
			}},
		{name: "a path to a variable that is not null", status: 400, code: "BAD_USER_INPUT", reason: "INVALID_REQUEST",
			req: func() *http.Request {
				return multipartRequest(t, ts.URL, ops(`{"file": 3}`), `{"0": ["variables.file"]}`, file)
			}},
		{name: "a path into a string", status: 400, code: "BAD_USER_INPUT", reason: "INVALID_REQUEST",
			req: func() *http.Request {
				return multipartRequest(t, ts.URL, ops(`{"file": "x"}`), `{"0": ["variables.file.0"]}`, file)
			}},
		{name: "an index out of the list", status: 400, code: "BAD_USER_INPUT", reason: "INVALID_REQUEST",
			req: func() *http.Request {
				return multipartRequest(t, ts.URL, ops(`{"file": []}`), `{"0": ["variables.file.5"]}`, file)
			}},
		{name: "files over the limit", status: 413, code: "BAD_USER_INPUT", reason: "UPLOAD_TOO_LARGE",
			req: func() *http.Request {
				return multipartRequest(t, ts.URL, ops(`{"file": null}`), `{"0": ["variables.file"]}`, upload{"0", "big.csv", bytes.Repeat([]byte("x"), 5000)})
			}},
		{name: "a body that ends early", status: 400, code: "BAD_USER_INPUT", reason: "INVALID_REQUEST",
			req: func() *http.Request {
				r := multipartRequest(t, ts.URL, ops(`{"file": null}`), `{"0": ["variables.file"]}`, file)
				raw := new(bytes.Buffer)
				_, _ = raw.ReadFrom(r.Body)
				r2, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(raw.Bytes()[:raw.Len()-20]))
				r2.Header = r.Header
				return r2
			}},
		{name: "a legacy .xls", status: 200, code: "BAD_USER_INPUT", field: "file",
			req: func() *http.Request {
				return multipartRequest(t, ts.URL, ops(`{"file": null}`), `{"0": ["variables.file"]}`,
					upload{"0", "old.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)})
			}},
		{name: "an upload as a JSON string", status: 200, code: "BAD_USER_INPUT",
			req: func() *http.Request {
				r, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(ops(`{"file": "a.csv"}`)))
				r.Header.Set("Content-Type", "application/json")
				return r
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := c.req()
			if !c.noBearer {
				req.Header.Set("Authorization", "Bearer "+boss)
			}
			r := ts.do(t, req)
			if r.status != c.status || len(r.Errors) != 1 || r.Errors[0].code() != c.code {
				t.Fatalf("status %d, errors %+v", r.status, r.Errors)
			}
			if reason, _ := r.Errors[0].Extensions["reason"].(string); c.reason != "" && reason != c.reason {
				t.Fatalf("reason %q, want %q: %+v", reason, c.reason, r.Errors[0])
			}
			if c.field != "" && r.Errors[0].field() != c.field {
				t.Fatalf("field %q, want %q: %+v", r.Errors[0].field(), c.field, r.Errors[0])
			}
		})
	}
	var jobs struct{ ImportJobs []struct{ ID string } }
	ts.post(t, boss, `{ importJobs { id } }`, nil).ok(t, &jobs)
	if len(jobs.ImportJobs) != 0 {
		t.Fatalf("a refused request started %d jobs", len(jobs.ImportJobs))
	}
}

// resultFile downloads an import's result file and returns its rows; for
// a status other than 200, it checks the error's envelope.
func (ts *testServer) resultFile(t *testing.T, token, path string, status int) [][]string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d: %s", path, resp.StatusCode, status, body)
	}
	if status != http.StatusOK {
		if r := ts.decode(t, body); len(r.Errors) != 1 || r.Errors[0].code() == "" {
			t.Fatalf("GET %s: not an error envelope: %s", path, body)
		}
		return nil
	}
	if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("content type %q", ct)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
