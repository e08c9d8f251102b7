import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/errors';
import { changeFieldText, changeValueLabels, durationText, progressPercent, toWrite } from '../src/pages/import/job';
import { columnLetter, columnValue, editColumn, mappingInput, type DetectedColumn, type ImportFieldInfo } from '../src/pages/import/mapping';
import { importErrorText, importProblemText, mappingProblems, pickLanguage } from '../src/pages/import/problems';

const FIELDS: ImportFieldInfo[] = [
  { key: 'name', zh: '客户名称', en: 'Company name', group: 'customer', kind: 'text' },
  { key: 'tags', zh: '标签', en: 'Tags', group: 'customer', kind: 'tags' },
  { key: 'owner', zh: '负责人', en: 'Owner', group: 'customer', kind: 'user' },
  { key: 'contactName', zh: '联系人', en: 'Contact', group: 'contact', kind: 'text' },
  { key: 'contactPhone', zh: '联系人电话', en: 'Contact phone', group: 'contact', kind: 'phone' },
  { key: 'contacts', zh: '全部联系人', en: 'All contacts', group: 'contact', kind: 'contacts' },
  { key: 'totalAmount', zh: '累计金额(元)', en: 'Total amount (CNY)', group: 'figure', kind: 'money' },
];
const byKey = new Map(FIELDS.map((f) => [f.key, f]));
const zhLabel = (k: string) => byKey.get(k)?.zh ?? k;

// 客户名称, 联系人, 手机, 累计交易金额(万元), 备用 as detected.
const DETECTED: DetectedColumn[] = [
  { index: 0, field: 'name', unit: null, contact: null },
  { index: 1, field: 'contactName', unit: null, contact: 1 },
  { index: 2, field: 'contactPhone', unit: null, contact: 1 },
  { index: 3, field: 'totalAmount', unit: 'TEN_THOUSAND', contact: null },
  { index: 4, field: null, unit: null, contact: null },
];

describe('column edits as the mapping argument', () => {
  it('is empty when nothing changed', () => {
    expect(mappingInput(DETECTED, {}, byKey)).toEqual([]);
  });

  it('has the changed columns only, in column order, each naming its field', () => {
    let edits = editColumn({}, 4, { field: 'tags' });
    edits = editColumn(edits, 0, { field: 'name' }); // as detected: left out
    edits = editColumn(edits, 2, { contact: 2 });
    expect(mappingInput(DETECTED, edits, byKey)).toEqual([
      { column: 2, field: 'contactPhone', contact: 2 },
      { column: 4, field: 'tags' },
    ]);
  });

  it('leaves a column out with an empty field', () => {
    expect(mappingInput(DETECTED, { 1: { field: null } }, byKey)).toEqual([{ column: 1, field: '' }]);
  });

  it('sends a unit only for a money field and a contact only for one contact’s field', () => {
    expect(mappingInput(DETECTED, { 3: { unit: 'YUAN' } }, byKey)).toEqual([{ column: 3, field: 'totalAmount', unit: 'YUAN' }]);
    // Moved to a text field: the unit and contact chosen before do not go with it.
    expect(mappingInput(DETECTED, { 3: { unit: 'YUAN', field: 'tags' } }, byKey)).toEqual([{ column: 3, field: 'tags' }]);
    expect(mappingInput(DETECTED, { 2: { contact: 3, field: 'contacts' } }, byKey)).toEqual([{ column: 2, field: 'contacts' }]);
    expect(mappingInput(DETECTED, { 1: { contact: 2, field: 'owner' } }, byKey)).toEqual([{ column: 1, field: 'owner' }]);
  });

  it('drops an edit that returns to what was detected', () => {
    const edits = editColumn(editColumn({}, 3, { unit: 'YUAN' }), 3, { unit: 'TEN_THOUSAND' });
    expect(mappingInput(DETECTED, edits, byKey)).toEqual([]);
    expect(mappingInput(DETECTED, { 4: { field: null } }, byKey)).toEqual([]);
  });

  it('shows the edit over what was detected', () => {
    expect(columnValue(DETECTED[1]!, { field: null })).toEqual({ field: null, unit: null, contact: 1 });
    expect(columnValue(DETECTED[2]!, { contact: 2 })).toEqual({ field: 'contactPhone', unit: null, contact: 2 });
    expect(columnValue(DETECTED[2]!, undefined)).toEqual({ field: 'contactPhone', unit: null, contact: 1 });
  });
});

describe('import problems', () => {
  it('numbers columns as the spreadsheet does', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetter)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('picks the language of a bilingual server sentence', () => {
    const m = 'the file has no data / 文件中没有数据';
    expect(pickLanguage(m, 'zh')).toBe('文件中没有数据');
    expect(pickLanguage(m, 'en')).toBe('the file has no data');
    expect(pickLanguage('a / b', 'zh')).toBe('a / b');
    expect(pickLanguage('no slash', 'zh')).toBe('no slash');
  });

  it('words the mapping’s problems with field labels and column letters', () => {
    expect(importProblemText({ reason: 'REQUIRED', field: 'mapping', params: { field: 'name' }, message: 'no column is the name' }, 'zh', zhLabel)).toBe(
      '没有对应“客户名称”的列：请为其中一列选择这个字段（只更新已有客户时，客户编号或统一社会信用代码列也可以）',
    );
    expect(importProblemText({ reason: 'REQUIRED', field: 'mapping', params: { field: 'name' }, message: 'no column is the name' }, 'en', zhLabel)).toBe(
      'no column is the name',
    );
    expect(
      importProblemText({ reason: 'DUPLICATE_COLUMN', field: 'mapping', params: { field: 'contactName', columns: [1, 27] }, message: 'x' }, 'zh', zhLabel),
    ).toBe('B、AB 列都对应“联系人”，它只能取一列：请只保留一列，或改为其他字段');
    expect(importProblemText({ reason: 'AMBIGUOUS_HEADER', params: { column: 4, fields: ['name', 'contactName'] }, message: 'x' }, 'zh', zhLabel)).toBe(
      '这个列名可能是：客户名称、联系人；请选择其中一个字段',
    );
    expect(
      importProblemText({ reason: 'VALUES_MISMATCH', params: { column: 2, expected: 'phone', found: 'date', count: 1, of: 2 }, message: 'x' }, 'zh', zhLabel),
    ).toBe('抽样的 2 个单元格中有 1 个是日期，不像电话号码');
  });

  it('words the rows’ problems, else keeps the server’s sentence in the user’s language', () => {
    expect(importProblemText({ reason: 'SAME_CUSTOMER_FAILED', params: { row: 4 }, message: 'x' }, 'zh', zhLabel)).toBe(
      '同一客户的第 4 行有错误，这个客户的各行都未导入',
    );
    expect(importProblemText({ reason: 'LIKELY_DUPLICATE', params: { codes: ['C0001', 'C0002'] }, message: 'x' }, 'zh', zhLabel)).toContain('C0001、C0002');
    expect(importProblemText({ reason: 'INVALID_PHONE', field: 'contactPhone', message: '"12345" is not a phone number' }, 'en', zhLabel)).toContain(
      'mobile number',
    );
    expect(importProblemText({ reason: 'NO_HEADER', field: 'file', params: { rows: 10 }, message: 'no header row found / 前 10 行中没有找到表头' }, 'zh', zhLabel)).toBe(
      '前 10 行中没有找到表头',
    );
  });

  it('says why an upload was refused', () => {
    const tooLarge = new ApiError('BAD_USER_INPUT', 'the files are larger than the limit of 50 MB', [], undefined, 'UPLOAD_TOO_LARGE');
    expect(importErrorText(tooLarge, 'zh', zhLabel)).toContain('超过了服务器允许的上传大小');
    expect(importErrorText(tooLarge, 'en', zhLabel)).toBe('the files are larger than the limit of 50 MB');
    const legacy = new ApiError('BAD_USER_INPUT', 'x', [
      { field: 'file', reason: 'UNSUPPORTED_FORMAT', message: 'an old .xls workbook: save it as .xlsx / 旧版 .xls 工作簿：请另存为 .xlsx' },
    ]);
    expect(importErrorText(legacy, 'zh', zhLabel)).toBe('旧版 .xls 工作簿：请另存为 .xlsx');
    expect(importErrorText(new ApiError('FORBIDDEN', 'no'), 'zh', zhLabel)).toBeNull();
    expect(importErrorText(new Error('x'), 'zh', zhLabel)).toBeNull();
  });

  it('puts a refused mapping entry on its column', () => {
    const err = new ApiError('BAD_USER_INPUT', 'x', [
      { field: 'mapping[1].field', reason: 'NOT_ALLOWED_VALUE', message: 'unknown field' },
      { field: 'file', message: 'y' },
    ]);
    const got = mappingProblems(err, [
      { column: 0, field: 'name' },
      { column: 4, field: 'nope' },
    ]);
    expect([...got.keys()]).toEqual([4]);
    expect(got.get(4)?.[0]?.reason).toBe('NOT_ALLOWED_VALUE');
  });
});

describe('a job as shown', () => {
  it('moves its progress bar by the customers worked out', () => {
    expect(progressPercent({ status: 'QUEUED', processed: 0, total: 0 })).toBe(0);
    expect(progressPercent({ status: 'RUNNING', processed: 200, total: 600 })).toBe(33);
    expect(progressPercent({ status: 'DONE', processed: 0, total: 0 })).toBe(100);
  });

  it('says the time left', () => {
    expect(durationText(0.2, 'zh')).toBe('1 秒');
    expect(durationText(65, 'zh')).toBe('1 分 5 秒');
    expect(durationText(120, 'en')).toBe('2 min');
    expect(durationText(3725, 'zh')).toBe('1 小时 2 分');
  });

  it('counts what a commit would write', () => {
    expect(toWrite({ created: 3, updated: 2 })).toBe(5);
  });

  it('names changed fields and their enum values', () => {
    const find = (k: string) => byKey.get(k)?.zh;
    expect(changeFieldText('name', find, 'zh')).toBe('客户名称');
    expect(changeFieldText('contacts[陈经理].phone', find, 'zh')).toBe('联系人电话（陈经理）');
    expect(changeFieldText('contacts[Li].phone', (k) => byKey.get(k)?.en, 'en')).toBe('Contact phone (Li)');
    expect(changeFieldText('ownerId', find, 'zh')).toBe('负责人');
    expect(changeFieldText('somethingNew', find, 'zh')).toBe('somethingNew');
    expect(changeValueLabels('stage')?.POTENTIAL?.zh).toBe('潜在客户');
    expect(changeValueLabels('contacts[陈经理].role')).toBeDefined();
    expect(changeValueLabels('name')).toBeUndefined();
  });
});
