// Package importer is the import of customer worksheets (issue 18), the use
// case over the libraries that read them: package sheet reads the file
// into rows of text cells, package columns decides which field each column
// is, package cells reads each cell. Here the rows become customers:
//
//	p, err := svc.Plan(ctx, actor, src, mapping, importer.Options{})
//	for _, r := range p.Rows { r.Action, r.Customer, r.MatchedBy, r.Changes, r.Notes, r.Errors ... }
//
// Rows to customers. Each row is read with the mapping (read.go): an empty
// cell leaves the customer's value alone; free text is kept as typed,
// trimmed; dates, amounts, phones, enums, tags and history cells go through
// package cells, which says how it normalised each (a Note: "68万" →
// "680000.00"); an owner is a user's name or e-mail. Columns Kehu recognises
// but does not write are named once in Plan.Warnings (NOT_IMPORTED): the
// figures it computes (累计金额, 最近联系), what the classification rules
// keep (生命周期; 价值分级 when rules run). A contact detail masked for the
// user who exported the file (139****5678) is a warning (MASKED) and is not
// written; a 全部联系人 cell (the export's list of every contact) gives the
// row's further contacts. Rows of one customer are then
// gathered (group.go): the same customer code, else the same valid credit
// code, else the same company name key are one customer, several rows
// giving it several contacts; a row with only a name joins the one row group
// with a code or credit code of that name. A customer field takes the first
// row's value; another row with another value is an error on that row
// (CONFLICTING_ROWS).
//
// Matching (plan.go). A customer of the file updates the stored customer
// with its code; else the one with its valid credit code; else, if the
// user chose a key (Options.MatchBy: NAME or PHONE), the one customer
// sharing it (several: AMBIGUOUS_MATCH). Never by name alone: a customer
// of the file whose name key or a phone a stored customer shares, with no
// key matching, is a likely DUPLICATE (not written, the candidates listed
// for review). A code no stored customer has makes a new customer with
// that code. Two customers of the file updating one stored customer is an
// error on the later.
//
// Validation and diff. crm.Service.DraftImport makes the customer to write,
// with the API's checks (ID numbers and home addresses refused, phones,
// credit codes, owners), and the field diff; its errors come back on the
// rows and columns the values came from. An error on any row of a customer
// stops the whole customer (SAME_CUSTOMER_FAILED on its other rows): a
// customer is written whole or not at all. The same record applied again
// changes nothing (tags and history entries are added once), so importing
// the same file twice leaves the second import UNCHANGED.
//
// A plan writes nothing: it is the dry run.
package importer
