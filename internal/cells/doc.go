// Package cells reads the values people type into worksheet cells: the
// first step of importing a customer worksheet (issue 18). It is a pure
// library, no I/O: each reader takes one cell's text and returns a typed
// value, a Note of the normalisation it applied (for the import's dry run:
// "68万 → 680000.00"; the zero Note when the API would have read the cell as
// it stands) and, when the cell cannot be read, an *Error with a crm.Reason
// (which clients translate) and an English message quoting the cell. The
// importer adds the row and column: FieldError(column, err).
//
// Every reader folds the text first (Fold): full-width forms to half-width
// (６８万 is 68万, （） is ()), invisible characters dropped, white space
// collapsed and trimmed. An empty cell is REQUIRED to every reader; an
// importer that leaves a value alone for an empty cell checks Fold(s) == ""
// before calling one.
//
// Accepted forms, per reader:
//
//	Date        2023-10-20, 2023-1-5, 2023/10/20, 2023.10.20, 2023年10月20日 (or 号),
//	            20231020, Excel serials of five digits (45219 = 2023-10-20; a fraction,
//	            the time of day, is dropped; DateOptions.Date1904 for 1904 workbooks),
//	            any of these with a time of day after it (dropped). Refused: impossible
//	            dates (2023-02-30), forms whose year is not first (03-01-23, 10/20/2023:
//	            ambiguous), a year alone (2023), other numbers, years before 1900.
//	DateTime    what Date accepts, with an optional time H:MM or H:MM:SS after a space
//	            or T, and an optional offset (Z, +08:00); otherwise the time is in the
//	            location given (crm.DefaultLocation when nil).
//	Money       680000, 680000.5, 680,000, ¥1,000, ￥1000, RMB 1000, 1000元, 1000元整,
//	            68万, 68万元, 1.2亿, 1.2亿元; exact, in fen. A bare number counts the
//	            column's Unit (TenThousand for a 万元 column); a unit in the cell wins.
//	            Refused: negative amounts, more than two decimals in yuan, over
//	            crm.MaxMoney, other currencies, scientific notation (Excel rounds it).
//	Vocabulary  an enum by its value (AFTER_SALES, after-sales), its Chinese or English
//	            label (crm's tables) or a synonym (售后; A级, 高价值 for tier A), ignoring
//	            width, case, spaces, '-', '_' and '·': Stages, ValueTiers, IntentGrades,
//	            Lifecycles, CustomerTypes, NeedTypes, ContactRoles, Channels, KeyEvents,
//	            NeedKinds, Priorities, NeedStatuses; With adds a user's synonyms.
//	Tags        split at , ， 、 ; ； and line breaks, folded, empty ones dropped, the
//	            first of equal ones kept; never fails.
//	Phone       mobiles (138 1234 5678, +86/0086/86 prefixes) as 11 digits; landlines
//	            as 010-12345678, 0755-1234567 (from (0755)1234567, 075512345678,
//	            +86 10 12345678), an extension (转8001, ext 8001) as -8001; 400/800
//	            numbers as 400-123-4567. The result passes crm.NormalizePhone, the
//	            API's check, and crm.PersonalData (no ID numbers).
//	History     entries separated by line breaks or ；, each a date (and time) then text:
//	            "2023-01-01 电话联系，了解需求" is an Interaction (channel guessed from
//	            电话/拜访/邮件/会议/线上/微信/直播 ...), "2022-12-01 购买产品A，1000元" a
//	            Deal (a purchase word, the product, an amount with a unit or ¥). The
//	            export's form, which HistoryFormat writes and History reads back exactly:
//	            "2023-01-01 10:30 【电话】电话联系" (the channel in brackets, the text as
//	            typed) and "2022-12-01 【购买】产品A ¥1000.00", texts escaped (\\, \n, \;).
//
// HistoryFormat is the one writer here: an export's history cells must read
// back as the records they came from.
package cells
