package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kehu-crm/kehu/internal/auth"
	"github.com/kehu-crm/kehu/internal/crm"
	"github.com/kehu-crm/kehu/internal/export"
)

// newDemoServer runs the real app on n demo customers.
func newDemoServer(t *testing.T, n int) *testServer {
	t.Helper()
	cfg := testConfig(t, t.TempDir())
	cfg.Demo, cfg.DemoCustomers = true, n
	clock := crm.NewFixedClock(testNow)
	a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler), clock, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: httptest.NewServer(a.handler), app: a, clock: clock}
	t.Cleanup(func() { ts.Close(); _ = a.Close() })
	ts.admin = ts.login(t, cfg.AdminEmail, adminPassword)
	return ts
}

type exportResp struct {
	status int
	header http.Header
	body   []byte
}

func (ts *testServer) export(t *testing.T, token, format string, params url.Values) exportResp {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/export/customers."+format+"?"+params.Encode(), nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return exportResp{resp.StatusCode, resp.Header, body}
}

// failsWith asserts the API's error shape with a code and field.
func (r exportResp) failsWith(t *testing.T, status int, code, field string) gqlError {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q", ct)
	}
	var out gqlResponse
	if err := json.Unmarshal(r.body, &out); err != nil || len(out.Errors) != 1 {
		t.Fatalf("body %s: %v", r.body, err)
	}
	e := out.Errors[0]
	if e.code() != code || e.field() != field {
		t.Fatalf("want %s on %q, got %s on %q: %s", code, field, e.code(), e.field(), e.Message)
	}
	return e
}

func readCSV(t *testing.T, r exportResp) [][]string {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if !bytes.HasPrefix(r.body, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 BOM: %q", r.body[:min(20, len(r.body))])
	}
	recs, err := csv.NewReader(bytes.NewReader(r.body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// apiRow is what the API says about a customer, for comparison.
type apiRow struct {
	Code              string
	Name              string
	Stage             string
	TotalAmount       string
	LastInteractionAt *time.Time
	InteractionCount  int
	Owner             *struct{ Name string }
	Contacts          []struct {
		Name, Phone, Email string
		Primary            bool
	}
	ContactDetailsMasked bool
}

// apiList pages through customers(query, orderBy) as token.
func (ts *testServer) apiList(t *testing.T, token, query, orderField string, desc bool) []apiRow {
	t.Helper()
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	var rows []apiRow
	var after any
	for {
		var out struct {
			Customers struct {
				Nodes    []apiRow
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		ts.post(t, token, `query($q:String,$after:String,$f:CustomerOrderField!,$d:OrderDirection){customers(first:40,after:$after,query:$q,
			orderBy:{field:$f,direction:$d}){nodes{code name stage totalAmount lastInteractionAt interactionCount owner{name}
			contacts{name phone email primary} contactDetailsMasked} pageInfo{hasNextPage endCursor}}}`,
			map[string]any{"q": query, "after": after, "f": orderField, "d": dir}).ok(t, &out)
		rows = append(rows, out.Customers.Nodes...)
		if !out.Customers.PageInfo.HasNextPage {
			return rows
		}
		after = out.Customers.PageInfo.EndCursor
	}
}

var stageZh = map[string]string{"POTENTIAL": "潜在客户", "CONTACTED": "初步接触", "NEEDS_CONFIRMED": "需求确认",
	"PROPOSAL": "方案提交", "NEGOTIATION": "商务谈判", "WON": "成交", "AFTER_SALES": "售后维护", "LOST": "流失"}

const exportCols = "code,name,stage,owner,totalAmount,lastInteractionAt,interactionCount,primaryContact,primaryContactPhone,primaryContactEmail"

// TestExport compares the CSV and XLSX exports with what the API answers
// the same user for the same query, on demo data.
func TestExport(t *testing.T) {
	ts := newDemoServer(t, 300)
	sales := ts.login(t, "sales1@kehu.local", DemoPassword)
	analyst := ts.login(t, "analyst@kehu.local", DemoPassword)
	const query = "tier:A,B"

	var cnt struct{ CustomersCount int }
	ts.post(t, sales, `query($q:String){customersCount(query:$q)}`, map[string]any{"q": query}).ok(t, &cnt)
	if cnt.CustomersCount < 20 || cnt.CustomersCount >= 300 {
		t.Fatalf("the query selects %d of 300 customers: not a useful test", cnt.CustomersCount)
	}

	for _, tc := range []struct {
		name    string
		token   string
		masked  bool // every contact masked (analyst)
		partial bool // some masked, some not (sales)
	}{
		{"sales", sales, false, true},
		{"analyst", analyst, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			params := url.Values{"query": {query}, "columns": {exportCols}, "orderBy": {"TOTAL_AMOUNT"}, "desc": {"true"}}
			r := ts.export(t, tc.token, "csv", params)
			recs := readCSV(t, r)
			if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Fatalf("content type %q", ct)
			}
			if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="customers-20261120.csv"` {
				t.Fatalf("content disposition %q", cd)
			}
			cols, _ := export.ParseColumns(exportCols)
			header := make([]string, len(cols))
			for i, c := range cols {
				header[i] = c.Header(export.ZhCN)
			}
			if strings.Join(recs[0], "|") != strings.Join(header, "|") {
				t.Fatalf("header %q, want %q", recs[0], header)
			}
			rows := recs[1:]
			if len(rows) != cnt.CustomersCount {
				t.Fatalf("%d rows, customersCount %d", len(rows), cnt.CustomersCount)
			}
			api := ts.apiList(t, tc.token, query, "TOTAL_AMOUNT", true)
			if len(api) != len(rows) {
				t.Fatalf("API lists %d, export %d", len(api), len(rows))
			}
			maskedRows, clearRows := 0, 0
			for i, a := range api {
				var primary struct {
					Name, Phone, Email string
					Primary            bool
				}
				for j, c := range a.Contacts {
					if c.Primary || j == 0 && !primary.Primary {
						primary = c
					}
				}
				last := ""
				if a.LastInteractionAt != nil {
					last = a.LastInteractionAt.In(crm.DefaultLocation).Format("2006-01-02 15:04:05")
				}
				owner := ""
				if a.Owner != nil {
					owner = a.Owner.Name
				}
				want := []string{a.Code, export.Sanitize(a.Name), stageZh[a.Stage], owner, a.TotalAmount, last,
					itoa(int64(a.InteractionCount)), primary.Name, primary.Phone, primary.Email}
				if strings.Join(rows[i], "|") != strings.Join(want, "|") {
					t.Fatalf("row %d:\nexport %q\nAPI    %q", i, rows[i], want)
				}
				if a.ContactDetailsMasked {
					maskedRows++
					if primary.Phone != "" && !strings.Contains(rows[i][8], "****") {
						t.Fatalf("row %d: phone %q shown in full to a user who may not see it", i, rows[i][8])
					}
				} else {
					clearRows++
				}
			}
			if tc.masked && clearRows > 0 || tc.partial && (maskedRows == 0 || clearRows == 0) {
				t.Fatalf("masked %d, in full %d", maskedRows, clearRows)
			}

			// The XLSX of the same export has the same cells.
			x := ts.export(t, tc.token, "xlsx", params)
			if x.status != http.StatusOK || x.header.Get("Content-Type") != export.ContentType("xlsx") ||
				x.header.Get("Content-Disposition") != `attachment; filename="customers-20261120.xlsx"` || x.header.Get("Content-Encoding") != "" {
				t.Fatalf("xlsx: status %d, headers %v", x.status, x.header)
			}
			f, err := excelize.OpenReader(bytes.NewReader(x.body))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			xrows, err := f.GetRows(f.GetSheetName(0))
			if err != nil {
				t.Fatal(err)
			}
			if len(xrows) != len(recs) {
				t.Fatalf("xlsx %d rows, csv %d", len(xrows), len(recs))
			}
			for i := range recs {
				for j := range recs[i] {
					got := ""
					if j < len(xrows[i]) {
						got = xrows[i][j]
					}
					switch {
					case i > 0 && cols[j].Kind == export.Money:
						got = strings.ReplaceAll(got, ",", "") // shown with thousands separators
					case i > 0 && cols[j].Kind == export.Text:
						got = export.Sanitize(got) // XLSX text cells never evaluate
					}
					if got != recs[i][j] {
						t.Fatalf("cell %d,%d: xlsx %q, csv %q", i, j, got, recs[i][j])
					}
				}
			}
		})
	}

	// English headers and labels; the default columns; archived scope; search.
	recs := readCSV(t, ts.export(t, ts.admin, "csv", url.Values{"lang": {"en"}, "query": {"stage:negotiation"}}))
	if recs[0][0] != "Code" || len(recs[0]) != len(export.DefaultKeys()) {
		t.Fatalf("english default header %q", recs[0])
	}
	stageCol := -1
	for i, h := range recs[0] {
		if h == "Stage" {
			stageCol = i
		}
	}
	for _, row := range recs[1:] {
		if row[stageCol] != "Negotiation" {
			t.Fatalf("stage %q", row[stageCol])
		}
	}
	all := readCSV(t, ts.export(t, ts.admin, "csv", url.Values{"scope": {"all"}, "columns": {"code"}}))
	if len(all) != 301 {
		t.Fatalf("scope ALL: %d rows", len(all)-1)
	}
	name := rowsOf(t, ts, url.Values{"columns": {"name"}, "search": {"科技"}})
	for _, row := range name {
		if !strings.Contains(row[0], "科技") {
			t.Fatalf("search: %q", row[0])
		}
	}

	// A session cookie signs in too; HEAD answers the headers only.
	req, _ := http.NewRequest(http.MethodHead, ts.URL+"/export/customers.csv", nil)
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: sales})
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("HEAD with a cookie: %d %v", resp.StatusCode, resp.Header)
	}
}

func rowsOf(t *testing.T, ts *testServer, params url.Values) [][]string {
	t.Helper()
	return readCSV(t, ts.export(t, ts.admin, "csv", params))[1:]
}

func TestExportErrors(t *testing.T) {
	ts := newTestServer(t)
	for _, format := range []string{"csv", "xlsx"} {
		r := ts.export(t, "", format, nil)
		r.failsWith(t, http.StatusUnauthorized, "UNAUTHENTICATED", "")
		if r.header.Get("WWW-Authenticate") == "" {
			t.Fatal("401 without WWW-Authenticate")
		}
		ts.export(t, "not-a-token", format, nil).failsWith(t, http.StatusUnauthorized, "UNAUTHENTICATED", "")
	}
	for _, tc := range []struct {
		params url.Values
		field  string
		says   string
	}{
		{url.Values{"columns": {"code,idCard"}}, "columns", `unknown column "idCard"`},
		{url.Values{"columns": {"code,code"}}, "columns", "twice"},
		{url.Values{"query": {"tier:"}}, "query", `expected a value after "tier:"`},
		{url.Values{"query": {"bogus:1"}}, "query", ""},
		{url.Values{"orderBy": {"SALARY"}}, "orderBy", "not a sortable field"},
		{url.Values{"desc": {"maybe"}}, "desc", ""},
		{url.Values{"scope": {"deleted"}}, "scope", ""},
		{url.Values{"lang": {"fr"}}, "lang", ""},
		{url.Values{"segment": {"s1"}}, "segment", "no saved segment"},
		{url.Values{"query": {"tier:A", "tier:B"}}, "query", "once"},
		{url.Values{"search": {strings.Repeat("科", 201)}}, "search", "200"},
	} {
		e := ts.export(t, ts.admin, "csv", tc.params).failsWith(t, http.StatusBadRequest, "BAD_USER_INPUT", tc.field)
		if !strings.Contains(e.Message, tc.says) {
			t.Fatalf("%v: message %q does not say %q", tc.params, e.Message, tc.says)
		}
	}
	// Every problem at once.
	r := ts.export(t, ts.admin, "xlsx", url.Values{"columns": {"nope"}, "query": {"tier:"}, "lang": {"fr"}})
	var out gqlResponse
	_ = json.Unmarshal(r.body, &out)
	if fields, _ := out.Errors[0].Extensions["fields"].([]any); len(fields) != 3 {
		t.Fatalf("want 3 fields, got %s", r.body)
	}
	// Unknown parameters are named in a stable order.
	for range 5 {
		ts.export(t, ts.admin, "csv", url.Values{"zeta": {"1"}, "alpha": {"1"}, "query": {"tier:A"}}).
			failsWith(t, http.StatusBadRequest, "BAD_USER_INPUT", "alpha")
	}
	// Only GET and HEAD; other paths under /export are not found.
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/export/customers.csv", nil)
	req.Header.Set("Authorization", "Bearer "+ts.admin)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", resp.StatusCode)
	}
	ts.export(t, ts.admin, "pdf", nil).failsWith(t, http.StatusNotFound, "NOT_FOUND", "")
	// An empty store exports the header alone.
	if recs := readCSV(t, ts.export(t, ts.admin, "csv", url.Values{"columns": {"code,name"}})); len(recs) != 1 {
		t.Fatalf("empty store: %q", recs)
	}
}

// TestExportSavedSegment exports a saved segment, alone and ANDed with a
// query line: the rows are the segment's customers, as the API lists them;
// another user's private segment is refused like a missing one.
func TestExportSavedSegment(t *testing.T) {
	ts := newDemoServer(t, 200)
	var saved struct {
		SaveSegment struct{ ID string }
	}
	ts.post(t, ts.admin, `mutation{saveSegment(name:"A类近期拜访",query:"tier:A,B interactions.some(channel:visit at:<=180d)"){id}}`, nil).ok(t, &saved)
	id := saved.SaveSegment.ID
	codesOf := func(recs [][]string) []string {
		var out []string
		for _, r := range recs {
			out = append(out, r[0])
		}
		return out
	}
	for _, tc := range []struct{ query, line string }{
		{"", "tier:A,B interactions.some(channel:visit at:<=180d)"},
		{"stage:won,after-sales", "tier:A,B interactions.some(channel:visit at:<=180d) stage:won,after-sales"},
	} {
		got := codesOf(rowsOf(t, ts, url.Values{"segment": {id}, "query": {tc.query}, "columns": {"code"}}))
		var want []string
		for _, r := range ts.apiList(t, ts.admin, tc.line, "CODE", false) {
			want = append(want, r.Code)
		}
		if len(want) == 0 || len(want) == 200 || strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("segment %q: exported %d rows, the API lists %d", tc.query, len(got), len(want))
		}
	}
	sales := ts.login(t, "sales1@kehu.local", DemoPassword)
	ts.export(t, sales, "csv", url.Values{"segment": {id}}).failsWith(t, http.StatusBadRequest, "BAD_USER_INPUT", "segment")
}

// TestExportClientGone: a client that goes away mid-export stops the work.
func TestExportClientGone(t *testing.T) {
	ts := newDemoServer(t, 300)
	ts.app.exportPageSize = 10
	type result struct {
		rows int
		err  error
	}
	done := make(chan result, 1)
	firstPage := make(chan struct{})
	noticed := make(chan bool, 1)
	pages := 0
	ts.app.afterExportPage = func(ctx context.Context, rows int) {
		pages++
		if pages != 1 {
			return
		}
		close(firstPage)
		// Wait for the server to notice the client is gone.
		select {
		case <-ctx.Done():
			noticed <- true
		case <-time.After(5 * time.Second):
			noticed <- false
		}
	}
	ts.app.afterExport = func(rows int, err error) { done <- result{rows, err} }

	for _, format := range []string{"csv", "xlsx"} {
		pages = 0
		firstPage = make(chan struct{})
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/export/customers."+format+"?columns=code,name,primaryContactPhone", nil)
		req.Header.Set("Authorization", "Bearer "+ts.admin)
		got := make(chan error, 1)
		go func() {
			resp, err := ts.Client().Do(req)
			if err == nil {
				defer resp.Body.Close()
				if format == "csv" {
					// Read the header and a row, then hang up.
					br := bufio.NewReader(resp.Body)
					for range 2 {
						if _, err = br.ReadString('\n'); err != nil {
							break
						}
					}
				}
			}
			got <- err
		}()
		<-firstPage
		if format == "csv" {
			if err := <-got; err != nil {
				t.Fatal(err)
			}
		}
		cancel()
		if !<-noticed {
			t.Fatalf("%s: the server did not notice the client left", format)
		}
		select {
		case r := <-done:
			if !errors.Is(r.err, context.Canceled) || r.rows >= 300 {
				t.Fatalf("%s: export ended with %d rows, %v", format, r.rows, r.err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: the export is still running after the client left", format)
		}
	}
}

// TestExportOutlastsTheRequestTimeout: an export has its own, longer limit.
func TestExportOutlastsTheRequestTimeout(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Timeout = 2 * time.Second
	ts := newTestServerWith(t, cfg)
	ctxErr := make(chan error, 1)
	ts.app.afterExportPage = func(ctx context.Context, rows int) {
		select {
		case <-ctx.Done():
		case <-time.After(cfg.Timeout + time.Second):
		}
		ctxErr <- ctx.Err()
	}
	if recs := readCSV(t, ts.export(t, ts.admin, "csv", nil)); len(recs) != 1 {
		t.Fatalf("%q", recs)
	}
	if err := <-ctxErr; err != nil {
		t.Fatalf("the export was cut at the request timeout: %v", err)
	}
}
