// Field problems from the server carry a machine-readable reason and its
// parameters beside an English message (docs/API.md, "Field errors"). The
// app words them by reason in the user's language; a reason it does not
// know, or one whose parameters are missing, shows the server's message.
import type { ServiceStatus } from '../gql/graphql';
import { SERVICE_STATUS_LABELS } from './enums';
import type { Lang } from './messages';

export interface Problem {
  /** The server's English sentence: the fallback. */
  message: string;
  reason?: string;
  params?: Record<string, unknown>;
  /** The field's path, for reasons worded per field ("contactId", "input.role"). */
  field?: string;
}

type Params = Record<string, unknown>;
/** A wording; undefined when the parameters it needs are missing. */
type Wording = (p: Params, field: string) => string | undefined;

const num = (v: unknown): string | undefined => (typeof v === 'number' || typeof v === 'string' ? String(v) : undefined);
const last = (field: string): string => field.replace(/\[\d+\]$/, '').split('.').pop() ?? '';
/** A list parameter ("codes", "fields") joined for reading; undefined when absent or empty. */
const list = (v: unknown, sep: string): string | undefined =>
  Array.isArray(v) && v.length > 0 ? v.map(String).join(sep) : typeof v === 'string' && v ? v : undefined;

/** The kinds of values an import column holds (VALUES_MISMATCH's expected and found). */
const KIND_ZH: Record<string, string> = {
  text: '文字',
  code: '客户编号',
  creditCode: '统一社会信用代码',
  int: '整数',
  float: '数字',
  money: '金额',
  date: '日期',
  time: '时间',
  enum: '可选值',
  tags: '标签',
  phone: '电话号码',
  mobile: '手机号',
  email: '邮箱',
  website: '网址',
  wechat: '微信号',
  user: '用户',
  users: '用户',
  region: '区域',
  history: '历史记录',
};
const kind = (map: Record<string, string>, v: unknown): string | undefined => (typeof v === 'string' ? (map[v] ?? v) : undefined);

const NOT_FOUND_ZH: Record<string, string> = {
  contactId: '该客户没有这个联系人',
  contactIds: '该客户没有这个联系人',
  needId: '该客户没有这条需求',
  interactionId: '该客户没有这条互动记录（可能已被他人删除）',
  dealId: '该客户没有这条成交记录（可能已被他人删除）',
  requestId: '该客户没有这条服务请求',
  nextActionDone: '这条互动没有下一步行动',
};

const ZH: Record<string, Wording> = {
  // An import's mapping without a column for a needed field names it (the
  // import page passes the field's label).
  // An import row whose code or credit code (value) matches no customer,
  // in a file without names.
  REQUIRED: (p, field) =>
    last(field) === 'mapping' && num(p.field)
      ? `没有对应“${num(p.field)}”的列：请为其中一列选择这个字段（只更新已有客户时，客户编号或统一社会信用代码列也可以）`
      : last(field) === 'name' && num(p.value)
        ? `没有编号或信用代码为“${num(p.value)}”的客户：新建客户需要填写客户名称`
        : '必填',
  TOO_LONG: (p) => (num(p.max) ? `最多 ${num(p.max)} 个字` : undefined),
  TOO_SHORT: (p) => (num(p.min) ? `至少 ${num(p.min)} 个字符` : undefined),
  // An import's phone cell with several numbers names the one kept.
  TOO_MANY: (p) =>
    num(p.max)
      ? `数量已达上限（最多 ${num(p.max)} 个）`
      : num(p.kept)
        ? `一个联系人只保留一个电话：保留 ${num(p.kept)}${num(p.value) ? `，${num(p.value)} 未导入` : ''}`
        : undefined,
  NOT_ALLOWED_VALUE: (p) => (num(p.value) ? `“${num(p.value)}”不是允许的取值` : '不是允许的取值'),
  INVALID_TEXT: () => '包含无效字符',
  CONTROL_CHARACTERS: () => '不能包含控制字符',
  ID_NUMBER: () => '不能包含身份证号码（隐私保护：禁止记录证件号码）',
  HOME_ADDRESS: () => '不能包含家庭住址（隐私保护：只记录公司地址）',
  INVALID_PHONE: () => '请输入手机号（13812345678）、带区号的座机（010-12345678）或 400/800 号码',
  INVALID_EMAIL: () => '请输入有效的邮箱地址，例如 name@example.com',
  INVALID_WECHAT: () => '微信号不能包含空格',
  INVALID_CREDIT_CODE: () => '统一社会信用代码无效（18 位，需符合 GB 32100-2015 校验位）',
  INVALID_URL: () => '网址须以 http:// 或 https:// 开头',
  INVALID_MONEY: () => '请输入金额（元），如 12500 或 12500.50，最多两位小数',
  INVALID_DATE: () => '日期格式应为 YYYY-MM-DD',
  FUTURE_DATE: () => '不能晚于当前时间',
  PAST_DATE: () => '不能早于今天',
  BAD_TRANSITION: (p) => {
    const from = num(p.from);
    const to = num(p.to);
    const label = (v: string | undefined) => (v && v in SERVICE_STATUS_LABELS ? SERVICE_STATUS_LABELS[v as ServiceStatus].zh : v);
    return from && to ? `状态不能从“${label(from)}”改为“${label(to)}”` : '不能改为这个状态';
  },
  KEPT_BY_RULES: () => '由分级规则维护：请用“手动调整”并填写原因',
  OUT_OF_RANGE: (p) => {
    const min = num(p.min);
    const max = num(p.max);
    if (min !== undefined && max !== undefined) return `须在 ${min} 到 ${max} 之间`;
    if (min === '0') return '不能为负数';
    if (min !== undefined) return `不能小于 ${min}`;
    if (max !== undefined) return '数值过大';
    return undefined;
  },
  BUDGET_RANGE: () => '不能小于预算下限',
  NOT_FOUND: (_p, field) => NOT_FOUND_ZH[last(field)] ?? '该记录已不存在（可能已被他人删除）',
  NOT_ACTIVE_USER: (p) => (num(p.id) ? `${num(p.id)} 不是有效的在职用户` : '不是有效的在职用户'),
  MANAGERS_ONLY: () => '只有经理可以把客户分配给他人',
  SELF_CHANGE: (_p, field) => (last(field) === 'disabled' ? '不能停用自己的账号' : '不能取消自己的管理员角色'),
  EXCLUSIVE: () => '这些选项不能同时使用',
  ARCHIVED: () => '客户已归档，请先恢复再修改',
  ALREADY: (p) =>
    p.state === 'archived' ? '客户已是归档状态' : p.state === 'active' ? '客户已是正常状态' : p.state === 'closed' ? '这条服务请求已关闭' : undefined,
  TAKEN: () => '已被其他记录使用',
  WRONG_PASSWORD: () => '当前密码不正确',
  COMMON_PASSWORD: () => '这是最常见的密码之一，最先被猜到；请换一个自己的短语',
  TRIVIAL_PASSWORD: () => '不能是重复的字符、重复的模式或连续的字符（如 abcdef、123456）',
  CONTAINS_EMAIL: () => '不能是自己的邮箱或邮箱名加数字、符号',
  SAME_PASSWORD: () => '新密码不能与当前密码相同',
  ANALYST_ASSIGNED: () => '分析员不能担任负责人或协作人',
  QUOTA_EXCEEDED: (p, field) =>
    num(p.max)
      ? last(field) === 'shared'
        ? `每人最多共享 ${num(p.max)} 个分群：请先取消共享或删除一个`
        : `每人最多保存 ${num(p.max)} 个分群：请先删除一个`
      : undefined,
  // The query line.
  UNKNOWN_FIELD: (p) => (num(p.name) ? `没有“${num(p.name)}”这个字段（要搜索这段文字，请加上引号）` : undefined),
  EXPECTED_VALUE: (p) => (num(p.after) ? `“${num(p.after)}”后面缺少取值` : undefined),
  EXPECTED_TERM: (p) => (num(p.after) ? `“${num(p.after)}”后面缺少条件` : undefined),
  UNCLOSED_PAREN: (p) => (num(p.open) ? `缺少“)”，与第 ${num(p.open)} 个字符处的“(”配对` : '缺少“)”'),
  UNMATCHED_PAREN: () => '多了一个“)”',
  UNCLOSED_QUOTE: () => '引号没有闭合',
  NOT_A_VALUE: (p) =>
    num(p.value) && num(p.field) && num(p.choices) ? `${num(p.value)} 不是有效的 ${num(p.field)}，可选：${num(p.choices)}` : undefined,
  RELATIVE_TIME_CMP: (p) =>
    num(p.field) && num(p.value)
      ? `相对时间前要写 < 或 >：如 ${num(p.field)}:<${num(p.value)} 表示最近 ${num(p.value)} 内，${num(p.field)}:>${num(p.value)} 表示更早`
      : undefined,
  // API tokens.
  PAST_TIME: () => '必须晚于当前时间',
  TOO_FAR_AHEAD: (p) => (num(p.years) ? `最多只能设在 ${num(p.years)} 年以内` : undefined),
  // User-valued operands (owner:, by:) that name no user or several.
  UNKNOWN_USER: (p) => (num(p.value) ? `没有 id、邮箱或姓名为“${num(p.value)}”的用户` : undefined),
  AMBIGUOUS_USER: (p) =>
    num(p.value) ? `有多名用户叫“${num(p.value)}”：请改用其中一位的邮箱或 id${Array.isArray(p.ids) ? `（${p.ids.join('、')}）` : ''}` : undefined,
  // Uploads (GraphQL multipart requests).
  PREFLIGHT_REQUIRED: () => '上传请求缺少防跨站请求伪造的请求头，服务器拒绝了它：请刷新页面后重试',
  UPLOAD_TOO_LARGE: () => '文件超过了服务器允许的上传大小：请拆分为多个文件后分别导入',
  // Import: the columns (the import page passes field labels and column letters).
  UNKNOWN_HEADER: () => '没有与这个列名对应的字段：请选择一个字段，或不导入这一列',
  AMBIGUOUS_HEADER: (p) => (list(p.fields, '、') ? `这个列名可能是：${list(p.fields, '、')}；请选择其中一个字段` : '这个列名可能对应多个字段：请选择一个'),
  UNSUPPORTED_UNIT: (p) =>
    `金额单位${num(p.unit) ? `“${num(p.unit)}”` : ''}无法读取（只支持元和万元），这一列不导入：请先换算，或在每个单元格写明单位（如 1.2亿）`,
  VALUES_MISMATCH: (p) => {
    const expected = kind(KIND_ZH, p.expected);
    const found = kind(KIND_ZH, p.found);
    const count = num(p.count);
    const of = num(p.of);
    if (!expected || !count || !of) return undefined;
    return found ? `抽样的 ${of} 个单元格中有 ${count} 个是${found}，不像${expected}` : `抽样的 ${of} 个单元格中有 ${count} 个不像${expected}`;
  },
  DUPLICATE_COLUMN: (p) =>
    list(p.columns, '、') && num(p.field)
      ? `${list(p.columns, '、')} 列都对应“${num(p.field)}”，它只能取一列：请只保留一列，或改为其他字段`
      : undefined,
  HEADER_CHANGED: () => '保存的列对应关系属于另一个表头，没有套用',
  // Import: the rows.
  NOT_IMPORTED: () => '这一列不导入：它由 Kehu 根据记录计算，或由分级规则维护',
  CONFLICTING_ROWS: (p) => (num(p.row) ? `与第 ${num(p.row)} 行是同一客户，但内容冲突` : undefined),
  LIKELY_DUPLICATE: (p) =>
    `未导入：没有按编号或信用代码匹配到客户，但${list(p.codes, '、') ? ` ${list(p.codes, '、')} ` : '已有客户'}的名称或电话相同，可能重复；请核对，或选择匹配方式后重试`,
  AMBIGUOUS_MATCH: (p) =>
    list(p.codes, '、') ? `匹配到多个客户（${list(p.codes, '、')}）：请填写客户编号` : '匹配到多个客户：请填写客户编号',
  KEY_MISMATCH: (p) => (num(p.code) ? `这个信用代码属于客户 ${num(p.code)}，与这一行的客户编号不一致` : '客户编号与信用代码属于不同的客户'),
  MASKED: () => '联系方式已脱敏（如 139****5678），这个单元格不导入，原值保持不变',
  SAME_CUSTOMER_FAILED: (p) => (num(p.row) ? `同一客户的第 ${num(p.row)} 行有错误，这个客户的各行都未导入` : '同一客户的其他行有错误，这个客户未导入'),
  // Import: the undo.
  CHANGED_SINCE: () => '导入后已被修改，撤销时保持不变',
  GONE: () => '客户已不存在',
};

const EN: Record<string, Wording> = {
  // An import's mapping: the server's sentence names the field.
  REQUIRED: (p, field) => (last(field) === 'mapping' || (last(field) === 'name' && num(p.value)) ? undefined : 'is required'),
  TOO_LONG: (p) => (num(p.max) ? `must be at most ${num(p.max)} characters` : undefined),
  TOO_SHORT: (p) => (num(p.min) ? `must be at least ${num(p.min)} characters` : undefined),
  ID_NUMBER: () => 'must not contain a resident ID number (Kehu does not store ID numbers)',
  HOME_ADDRESS: () => 'must not contain a home address (Kehu stores company addresses only)',
  INVALID_PHONE: () => 'must be a mobile number (13812345678), a landline with area code (010-12345678) or a 400/800 number',
  INVALID_EMAIL: () => 'must be an e-mail address such as name@example.com',
  INVALID_CREDIT_CODE: () => 'is not a valid unified social credit code (18 characters, GB 32100-2015 check digit)',
  INVALID_URL: () => 'must be an http:// or https:// address',
  FUTURE_DATE: () => 'must not be in the future',
  PAST_DATE: () => 'must be today or later',
  BAD_TRANSITION: (p) => (num(p.from) && num(p.to) ? `cannot go from ${num(p.from)} to ${num(p.to)}` : 'cannot take this status'),
  KEPT_BY_RULES: () => 'is kept by the classification rules: override it with a reason',
  TAKEN: () => 'is already used by another record',
  WRONG_PASSWORD: () => 'is not your current password',
  PAST_TIME: () => 'must be in the future',
  TOO_FAR_AHEAD: (p) => (num(p.years) ? `must be at most ${num(p.years)} years ahead` : undefined),
  UNKNOWN_USER: (p) => (num(p.value) ? `no user has the id, e-mail or name "${num(p.value)}"` : undefined),
  AMBIGUOUS_USER: (p) =>
    num(p.value)
      ? `several users are called "${num(p.value)}": give the e-mail or the id of one of them${Array.isArray(p.ids) ? ` (${p.ids.join(', ')})` : ''}`
      : undefined,
  // Undo reports carry no message.
  CHANGED_SINCE: () => 'changed since the import: left as it is',
  GONE: () => 'no longer exists',
  // Other reasons: the server's English message says it best.
};

/**
 * Reasons about one value whose wording does not name it: an import's row
 * problem carries the cell as params.value, quoted before the wording
 * ("“12345”：请输入手机号…"). Never ID_NUMBER or HOME_ADDRESS: the server
 * does not send those values back.
 */
const ABOUT_THE_VALUE = new Set([
  'INVALID_PHONE',
  'INVALID_EMAIL',
  'INVALID_WECHAT',
  'INVALID_CREDIT_CODE',
  'INVALID_URL',
  'INVALID_MONEY',
  'INVALID_DATE',
  'FUTURE_DATE',
  'PAST_DATE',
  'TOO_LONG',
  'INVALID_TEXT',
  'CONTROL_CHARACTERS',
]);

/** The problem in lang: by its reason and parameters, else the server's message. */
export function problemText(p: Problem, lang: Lang): string {
  const wording = p.reason ? (lang === 'zh' ? ZH : EN)[p.reason] : undefined;
  const text = wording?.(p.params ?? {}, p.field ?? '');
  if (text === undefined) return p.message;
  const value = p.params?.value;
  if (typeof value === 'string' && value !== '' && p.reason && ABOUT_THE_VALUE.has(p.reason)) {
    return lang === 'zh' ? `“${value}”：${text}` : `"${value}": ${text}`;
  }
  return text;
}

/** The wording of a reason alone (client-side checks: "REQUIRED"). */
export function reasonText(reason: string, lang: Lang, params?: Params): string {
  return problemText({ reason, params, message: reason }, lang);
}

/** The reasons the app words in Chinese (tests check the server's list against it). */
export const WORDED_REASONS: readonly string[] = Object.keys(ZH);
