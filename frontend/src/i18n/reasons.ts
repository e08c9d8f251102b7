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
  REQUIRED: () => '必填',
  TOO_LONG: (p) => (num(p.max) ? `最多 ${num(p.max)} 个字` : undefined),
  TOO_SHORT: (p) => (num(p.min) ? `至少 ${num(p.min)} 个字符` : undefined),
  TOO_MANY: (p) => (num(p.max) ? `数量已达上限（最多 ${num(p.max)} 个）` : undefined),
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
};

const EN: Record<string, Wording> = {
  REQUIRED: () => 'is required',
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
  // Other reasons: the server's English message says it best.
};

/** The problem in lang: by its reason and parameters, else the server's message. */
export function problemText(p: Problem, lang: Lang): string {
  const wording = p.reason ? (lang === 'zh' ? ZH : EN)[p.reason] : undefined;
  return wording?.(p.params ?? {}, p.field ?? '') ?? p.message;
}

/** The wording of a reason alone (client-side checks: "REQUIRED"). */
export function reasonText(reason: string, lang: Lang, params?: Params): string {
  return problemText({ reason, params, message: reason }, lang);
}

/** The reasons the app words in Chinese (tests check the server's list against it). */
export const WORDED_REASONS: readonly string[] = Object.keys(ZH);
