// Package columns decides which field each column of an uploaded worksheet
// is: the third step of an import (issue 18), after package sheet has read
// the header row and rows of text cells, and before the importer reads each
// cell with package cells. It is a pure library, no I/O.
//
//	m := columns.Detect(header, firstRows) // the first SampleRows rows are read
//	m, err = columns.Apply(m, corrections)  // the user's choices; err: BAD_USER_INPUT on mapping[i].*
//	if err := m.Err(); err != nil { ... }   // two columns for one value, no name column
//	for _, c := range m.Columns { t, ok := c.Target(); ... t.Kind, c.Unit, c.Contact ... }
//
// Targets. The catalog (Targets, Lookup) lists the fields an import can
// write, with stable keys, Chinese and English names and how cells are read
// (Kind, and Vocabulary for enums): the customer's fields, a row's contact's
// (contactName, contactTitle, contactPhone ..., and contactNameTitle for a
// 联系人(职位) column such as "张*(总经理)"), the figures Kehu computes
// (totalAmount, firstDealOn, lastDealOn, lastInteractionAt, counts: the
// importer checks or records them), history cells (interactions, deals), and
// region, a 区域 or 所在地 column holding "广东省深圳市", which gives the
// province and the city (SplitRegion). Every column the export writes
// (internal/export) maps back to its field, by its Chinese or English
// header; keys are the export's but for contact fields.
//
// Headers. A header is folded (FoldHeader: full width to half width, case,
// spaces, '*', (必填)/(选填), colons, every kind of bracket as ()) and
// matched against each target's names and synonyms: the seeds' template
// headers and their usual variants in Chinese and English (客户名称, 公司名称,
// 企业名称, Company; 姓名, 联系人, Contact; 联系方式, 手机, 电话, Phone; 统一社会信用代码,
// 税号; 首次合作时间; 累计交易金额(元); 最近跟进日期; 关系等级, 客户分级; 当前阶段;
// 销售负责人, 跟进人, 业务员 ...). A unit in a money column's header ((万元),
// （万）, 万元, (单位:万元)) sets its Unit; a unit Kehu does not read (亿元, 千元,
// 美元) leaves it unmapped. A number after a name (联系人2, 电话2) says which
// contact of the row a contact column is of. A header that may mean several
// fields (类型, 等级, 日期, 名称) is never mapped from its name alone; nor are
// unknown headers, or those of personal data Kehu does not keep (身份证号,
// 家庭住址): they are kept, unmapped, with a warning.
//
// Values. Up to SampleRows cells of each column are looked at: a valid
// credit code (crm.ValidCreditCode), a mobile (1[3-9] and 9 digits) or any
// phone cells.Phone reads, an e-mail, a website, a date, an amount, a
// history cell. They confirm a header's match (Confidence), flag a column
// whose cells are not its field's (a VALUES_MISMATCH warning: "column D
// "联系电话" holds e-mail addresses (4 of 5 sampled cells), not phone
// numbers"), pick the one field of an ambiguous header the values leave
// (规模 holding 100-500人 is employeeBand), and map a column without a known
// header when every sampled cell (two at least) is a credit code, an e-mail,
// a mobile, a website or a history cell (How: BySniffing).
//
// Problems. Mapping.Problems, on the field "mapping" of crm's field errors:
// DUPLICATE_COLUMN when several columns give a value that takes one (two
// 客户名称 columns; a 区域 column and a 省份 column; phones, tags, notes and
// history cells take many), REQUIRED when no column is the customer's name.
// Apply validates the user's corrections (mapping[i].field, .column, .unit,
// .contact) and checks the header again.
//
// Saved mappings. Fingerprint identifies a header row (folded, in order);
// Mapping.Save gives a plain struct (JSON and BSON tags) that Restore applies
// to the next file with the same fingerprint. Storing it is the importer's.
package columns
