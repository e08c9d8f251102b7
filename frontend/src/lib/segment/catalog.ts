// The one table of the filter builder: every filterable field, its kind, its
// labels and the operators each kind offers. It mirrors the server's segment
// catalog (internal/segment/catalog.go) as published in schema.graphqls
// (CustomerWhere, ContactWhere, InteractionWhere, NeedWhere, DealWhere,
// SatisfactionWhere, StageChangeWhere, ServiceRequestWhere, TaskWhere);
// test/segmentCatalog.test.ts compares the two, and the Record types below
// break the build when a generated where type gains or loses a field.
import type {
  ContactWhere,
  CustomerWhere,
  DealWhere,
  InteractionWhere,
  NeedWhere,
  SatisfactionWhere,
  ServiceRequestWhere,
  StageChangeWhere,
  TaskWhere,
} from '../../gql/graphql';
import {
  CHANNEL_LABELS,
  CONTACT_ROLE_LABELS,
  CUSTOMER_TYPE_LABELS,
  INTENT_GRADE_LABELS,
  KEY_EVENT_LABELS,
  NEED_KIND_LABELS,
  NEED_STATUS_LABELS,
  NEED_TYPE_LABELS,
  PRIORITY_LABELS,
  STAGE_LABELS,
  VALUE_TIER_LABELS,
  LIFECYCLE_LABELS,
  SERVICE_KIND_LABELS,
  SERVICE_STATUS_LABELS,
  TASK_KIND_LABELS,
  TASK_STATUS_LABELS,
  type Label,
  type LabelMap,
} from '../../i18n/enums';

export type FieldKind = 'search' | 'string' | 'enum' | 'owner' | 'userList' | 'tags' | 'int' | 'float' | 'money' | 'time' | 'date' | 'bool';

export type ArrayName = 'contacts' | 'interactions' | 'needs' | 'deals' | 'satisfaction' | 'stageHistory' | 'serviceRequests' | 'tasks';
/** Where a condition lives: on the customer or on one element of a nested array. */
export type Scope = 'customer' | ArrayName;

export const ARRAYS: readonly ArrayName[] = ['contacts', 'interactions', 'needs', 'deals', 'satisfaction', 'stageHistory', 'serviceRequests', 'tasks'];

/** Groups of the field picker (customer fields only). */
export type FieldGroup = 'text' | 'profile' | 'classification' | 'people' | 'interactions' | 'deals' | 'needs' | 'dates';

export const FIELD_GROUPS: Record<FieldGroup, Label> = {
  text: { zh: '搜索', en: 'Search' },
  profile: { zh: '基本信息', en: 'Profile' },
  classification: { zh: '阶段与分级', en: 'Stage and grades' },
  people: { zh: '负责人与标签', en: 'Owner and tags' },
  interactions: { zh: '互动', en: 'Interactions' },
  deals: { zh: '成交', en: 'Deals' },
  needs: { zh: '需求与满意度', en: 'Needs and satisfaction' },
  dates: { zh: '建档与更新', en: 'Record dates' },
};

export interface FieldSpec {
  scope: Scope;
  /** The GraphQL input field name. */
  name: string;
  kind: FieldKind;
  /** The field may be absent: isNull is offered (text fields always take it). */
  nullable: boolean;
  label: Label;
  /** The name in the query line (for hints). */
  line: string;
  group?: FieldGroup;
  /** The GraphQL enum of an enum field and the labels its values are shown with. */
  enumType?: string;
  options?: LabelMap<string>;
}

type Spec = Omit<FieldSpec, 'scope' | 'name'>;
type WhereFields<W> = Exclude<keyof W, 'and' | 'or' | 'not' | ArrayName>;

const s = (label: Label, line: string, group: FieldGroup | undefined, kind: FieldKind, nullable = false): Spec => ({
  label,
  line,
  kind,
  nullable: nullable || kind === 'string',
  ...(group ? { group } : {}),
});
const e = (label: Label, line: string, group: FieldGroup | undefined, enumType: string, options: LabelMap<string>, nullable = false): Spec => ({
  ...s(label, line, group, 'enum', nullable),
  enumType,
  options,
});

// Customer fields in the order of the schema (and of the server's catalog).
const CUSTOMER: Record<WhereFields<CustomerWhere>, Spec> = {
  search: s({ zh: '名称/编号/联系人包含', en: 'Name, code or contact contains' }, '"…"', 'text', 'search'),
  code: s({ zh: '客户编号', en: 'Code' }, 'code', 'profile', 'string'),
  name: s({ zh: '客户名称', en: 'Name' }, 'name', 'profile', 'string'),
  creditCode: s({ zh: '统一社会信用代码', en: 'Credit code' }, 'credit-code', 'profile', 'string'),
  industry: s({ zh: '所属行业', en: 'Industry' }, 'industry', 'profile', 'string'),
  source: s({ zh: '客户来源', en: 'Source' }, 'source', 'profile', 'string'),
  province: s({ zh: '省份', en: 'Province' }, 'province', 'profile', 'string'),
  city: s({ zh: '城市', en: 'City' }, 'city', 'profile', 'string'),
  type: e({ zh: '客户类型', en: 'Customer type' }, 'type', 'classification', 'CustomerType', CUSTOMER_TYPE_LABELS),
  stage: e({ zh: '客户阶段', en: 'Stage' }, 'stage', 'classification', 'Stage', STAGE_LABELS),
  valueTier: e({ zh: '价值分级', en: 'Value tier' }, 'tier', 'classification', 'Tier', VALUE_TIER_LABELS, true),
  lifecycle: e({ zh: '生命周期', en: 'Lifecycle' }, 'lifecycle', 'classification', 'Lifecycle', LIFECYCLE_LABELS, true),
  cadenceDays: s({ zh: '跟进周期（天）', en: 'Cadence (days)' }, 'cadence', 'classification', 'int', true),
  nextFollowUpAt: s({ zh: '下次跟进', en: 'Next follow-up' }, 'next-follow-up', 'interactions', 'time', true),
  intentGrade: e({ zh: '意向等级', en: 'Intent grade' }, 'intent', 'classification', 'Tier', INTENT_GRADE_LABELS, true),
  needType: e({ zh: '需求类型', en: 'Need type' }, 'need-type', 'classification', 'NeedType', NEED_TYPE_LABELS, true),
  owner: s({ zh: '负责人', en: 'Owner' }, 'owner', 'people', 'owner', true),
  tags: s({ zh: '标签', en: 'Tags' }, 'tag', 'people', 'tags'),
  createdAt: s({ zh: '建档时间', en: 'Created' }, 'created', 'dates', 'time'),
  updatedAt: s({ zh: '更新时间', en: 'Updated' }, 'updated', 'dates', 'time'),
  interactionCount: s({ zh: '互动次数', en: 'Interactions' }, 'interaction-count', 'interactions', 'int'),
  firstInteractionAt: s({ zh: '首次互动', en: 'First contact' }, 'first-contact', 'interactions', 'time', true),
  lastInteractionAt: s({ zh: '最近联系', en: 'Last contact' }, 'last-contact', 'interactions', 'time', true),
  dealCount: s({ zh: '成交次数', en: 'Deals' }, 'deal-count', 'deals', 'int'),
  totalAmount: s({ zh: '累计金额', en: 'Total amount' }, 'amount', 'deals', 'money'),
  firstDealOn: s({ zh: '首次成交', en: 'First deal' }, 'first-deal', 'deals', 'date', true),
  lastDealOn: s({ zh: '最近成交', en: 'Last deal' }, 'last-deal', 'deals', 'date', true),
  openNeedCount: s({ zh: '未结需求数', en: 'Open needs' }, 'open-needs', 'needs', 'int'),
  complaintCount: s({ zh: '投诉次数', en: 'Complaints' }, 'complaint-count', 'interactions', 'int'),
  lastComplaintAt: s({ zh: '最近投诉', en: 'Last complaint' }, 'last-complaint', 'interactions', 'time', true),
  openServiceCount: s({ zh: '处理中的服务请求数', en: 'Open service requests' }, 'open-services', 'needs', 'int'),
  serviceRequestCount: s({ zh: '服务请求数', en: 'Service requests' }, 'service-count', 'needs', 'int'),
  satisfactionCount: s({ zh: '满意度调研次数', en: 'Surveys' }, 'survey-count', 'needs', 'int'),
  avgSatisfaction: s({ zh: '平均满意度', en: 'Avg. satisfaction' }, 'satisfaction', 'needs', 'float', true),
  satisfactionTrend: s({ zh: '满意度变化（最近两次）', en: 'Satisfaction trend (last two)' }, 'satisfaction-trend', 'needs', 'int', true),
};

const CONTACT: Record<WhereFields<ContactWhere>, Spec> = {
  name: s({ zh: '姓名', en: 'Name' }, 'name', undefined, 'string'),
  title: s({ zh: '职位', en: 'Title' }, 'title', undefined, 'string'),
  role: e({ zh: '决策角色', en: 'Role' }, 'role', undefined, 'ContactRole', CONTACT_ROLE_LABELS, true),
  primary: s({ zh: '主要联系人', en: 'Primary contact' }, 'primary', undefined, 'bool'),
};

const INTERACTION: Record<WhereFields<InteractionWhere>, Spec> = {
  at: s({ zh: '互动时间', en: 'Time' }, 'at', undefined, 'time'),
  channel: e({ zh: '沟通方式', en: 'Channel' }, 'channel', undefined, 'InteractionChannel', CHANNEL_LABELS),
  keyEvent: e({ zh: '关键事件', en: 'Key event' }, 'event', undefined, 'KeyEvent', KEY_EVENT_LABELS, true),
  summary: s({ zh: '沟通内容', en: 'Summary' }, 'summary', undefined, 'string'),
  createdBy: s({ zh: '记录人', en: 'Logged by' }, 'by', undefined, 'owner'),
  participants: s({ zh: '参与人', en: 'Participants' }, 'participant', undefined, 'userList'),
  durationMin: s({ zh: '时长（分钟）', en: 'Duration (min)' }, 'duration', undefined, 'int', true),
  nextDone: s({ zh: '下一步已完成', en: 'Next action done' }, 'next-done', undefined, 'bool'),
  nextDue: s({ zh: '下一步截止', en: 'Next action due' }, 'next-due', undefined, 'time', true),
  recordedLate: s({ zh: '录入超时', en: 'Logged late' }, 'late', undefined, 'bool'),
};

const NEED: Record<WhereFields<NeedWhere>, Spec> = {
  title: s({ zh: '需求', en: 'Title' }, 'title', undefined, 'string'),
  kind: e({ zh: '需求类别', en: 'Kind' }, 'kind', undefined, 'NeedKind', NEED_KIND_LABELS),
  type: e({ zh: '需求类型', en: 'Type' }, 'type', undefined, 'NeedType', NEED_TYPE_LABELS, true),
  priority: e({ zh: '优先级', en: 'Priority' }, 'priority', undefined, 'Priority', PRIORITY_LABELS),
  status: e({ zh: '状态', en: 'Status' }, 'status', undefined, 'NeedStatus', NEED_STATUS_LABELS),
  urgent: s({ zh: '紧急', en: 'Urgent' }, 'urgent', undefined, 'bool'),
  important: s({ zh: '重要', en: 'Important' }, 'important', undefined, 'bool'),
  openedAt: s({ zh: '提出时间', en: 'Opened' }, 'opened', undefined, 'time'),
  resolvedAt: s({ zh: '解决时间', en: 'Resolved' }, 'resolved', undefined, 'time', true),
  expectedOn: s({ zh: '期望日期', en: 'Expected on' }, 'expected', undefined, 'date', true),
  budgetMax: s({ zh: '预算上限', en: 'Budget (top)' }, 'budget', undefined, 'money', true),
};

const DEAL: Record<WhereFields<DealWhere>, Spec> = {
  product: s({ zh: '产品/服务', en: 'Product' }, 'product', undefined, 'string'),
  amount: s({ zh: '金额', en: 'Amount' }, 'amount', undefined, 'money'),
  date: s({ zh: '成交日期', en: 'Date' }, 'date', undefined, 'date'),
};

const SATISFACTION: Record<WhereFields<SatisfactionWhere>, Spec> = {
  at: s({ zh: '调研时间', en: 'Time' }, 'at', undefined, 'time'),
  score: s({ zh: '满意度分数', en: 'Score' }, 'score', undefined, 'int'),
};

const STAGE_CHANGE: Record<WhereFields<StageChangeWhere>, Spec> = {
  at: s({ zh: '变更时间', en: 'Time' }, 'at', undefined, 'time'),
  from: e({ zh: '原阶段', en: 'From stage' }, 'from', undefined, 'Stage', STAGE_LABELS, true),
  to: e({ zh: '新阶段', en: 'To stage' }, 'to', undefined, 'Stage', STAGE_LABELS),
};

const SERVICE_REQUEST: Record<WhereFields<ServiceRequestWhere>, Spec> = {
  kind: e({ zh: '类型', en: 'Kind' }, 'kind', undefined, 'ServiceKind', SERVICE_KIND_LABELS),
  status: e({ zh: '状态', en: 'Status' }, 'status', undefined, 'ServiceStatus', SERVICE_STATUS_LABELS),
  priority: e({ zh: '优先级', en: 'Priority' }, 'priority', undefined, 'Priority', PRIORITY_LABELS),
  assignee: s({ zh: '处理人', en: 'Assignee' }, 'assignee', undefined, 'owner', true),
  openedAt: s({ zh: '提出时间', en: 'Opened' }, 'opened', undefined, 'time'),
  due: s({ zh: '到期时间', en: 'Due' }, 'due', undefined, 'time'),
  resolvedAt: s({ zh: '解决时间', en: 'Resolved' }, 'resolved', undefined, 'time', true),
  closedAt: s({ zh: '关闭时间', en: 'Closed' }, 'closed', undefined, 'time', true),
  resolutionHours: s({ zh: '解决时长（小时）', en: 'Hours to resolve' }, 'resolution-hours', undefined, 'int', true),
  resolvedLate: s({ zh: '超时解决', en: 'Resolved late' }, 'late', undefined, 'bool'),
};

const TASK: Record<WhereFields<TaskWhere>, Spec> = {
  kind: e({ zh: '类型', en: 'Kind' }, 'kind', undefined, 'TaskKind', TASK_KIND_LABELS),
  status: e({ zh: '状态', en: 'Status' }, 'status', undefined, 'TaskStatus', TASK_STATUS_LABELS),
  assignee: s({ zh: '负责人', en: 'Assignee' }, 'assignee', undefined, 'owner', true),
  due: s({ zh: '截止时间', en: 'Due' }, 'due', undefined, 'time'),
  createdAt: s({ zh: '创建时间', en: 'Created' }, 'created', undefined, 'time'),
  closedAt: s({ zh: '完成或关闭时间', en: 'Done or closed' }, 'closed', undefined, 'time', true),
  doneLate: s({ zh: '超时完成', en: 'Done late' }, 'late', undefined, 'bool'),
};

function table(scope: Scope, specs: Record<string, Spec>): FieldSpec[] {
  return Object.entries(specs).map(([name, spec]) => ({ scope, name, ...spec }));
}

/** Every field by scope, in schema order. */
export const FIELDS: Readonly<Record<Scope, readonly FieldSpec[]>> = {
  customer: table('customer', CUSTOMER),
  contacts: table('contacts', CONTACT),
  interactions: table('interactions', INTERACTION),
  needs: table('needs', NEED),
  deals: table('deals', DEAL),
  satisfaction: table('satisfaction', SATISFACTION),
  stageHistory: table('stageHistory', STAGE_CHANGE),
  serviceRequests: table('serviceRequests', SERVICE_REQUEST),
  tasks: table('tasks', TASK),
};

export function fieldSpec(scope: Scope, name: string): FieldSpec | undefined {
  return FIELDS[scope].find((f) => f.name === name);
}

/** Labels of the nested arrays: the noun, and how a block reads ("has an interaction where ..."). */
export const ARRAY_LABELS: Record<ArrayName, { noun: Label; some: Label; none: Label; every: Label; count: Label; sum?: Label; change?: Label }> = {
  contacts: {
    noun: { zh: '联系人', en: 'Contacts' },
    some: { zh: '有联系人满足', en: 'Has a contact where' },
    none: { zh: '没有联系人满足', en: 'Has no contact where' },
    every: { zh: '每个联系人都满足', en: 'Every contact has' },
    count: { zh: '满足条件的联系人数', en: 'Number of contacts where' },
  },
  interactions: {
    noun: { zh: '互动记录', en: 'Interactions' },
    some: { zh: '有互动记录满足', en: 'Has an interaction where' },
    none: { zh: '没有互动记录满足', en: 'Has no interaction where' },
    every: { zh: '每条互动记录都满足', en: 'Every interaction has' },
    count: { zh: '满足条件的互动次数', en: 'Number of interactions where' },
  },
  needs: {
    noun: { zh: '需求', en: 'Needs' },
    some: { zh: '有需求满足', en: 'Has a need where' },
    none: { zh: '没有需求满足', en: 'Has no need where' },
    every: { zh: '每条需求都满足', en: 'Every need has' },
    count: { zh: '满足条件的需求数', en: 'Number of needs where' },
  },
  deals: {
    noun: { zh: '成交记录', en: 'Deals' },
    some: { zh: '有成交记录满足', en: 'Has a deal where' },
    none: { zh: '没有成交记录满足', en: 'Has no deal where' },
    every: { zh: '每笔成交都满足', en: 'Every deal has' },
    count: { zh: '满足条件的成交笔数', en: 'Number of deals where' },
    sum: { zh: '满足条件的成交金额合计', en: 'Sum of deal amounts where' },
    change: { zh: '成交额变化', en: 'Change of deal amount' },
  },
  satisfaction: {
    noun: { zh: '满意度调研', en: 'Surveys' },
    some: { zh: '有调研满足', en: 'Has a survey where' },
    none: { zh: '没有调研满足', en: 'Has no survey where' },
    every: { zh: '每次调研都满足', en: 'Every survey has' },
    count: { zh: '满足条件的调研次数', en: 'Number of surveys where' },
  },
  stageHistory: {
    noun: { zh: '阶段变更', en: 'Stage changes' },
    some: { zh: '有阶段变更满足', en: 'Has a stage change where' },
    none: { zh: '没有阶段变更满足', en: 'Has no stage change where' },
    every: { zh: '每次阶段变更都满足', en: 'Every stage change has' },
    count: { zh: '满足条件的阶段变更次数', en: 'Number of stage changes where' },
  },
  serviceRequests: {
    noun: { zh: '服务请求', en: 'Service requests' },
    some: { zh: '有服务请求满足', en: 'Has a service request where' },
    none: { zh: '没有服务请求满足', en: 'Has no service request where' },
    every: { zh: '每个服务请求都满足', en: 'Every service request has' },
    count: { zh: '满足条件的服务请求数', en: 'Number of service requests where' },
  },
  tasks: {
    noun: { zh: '待办', en: 'Tasks' },
    some: { zh: '有待办满足', en: 'Has a task where' },
    none: { zh: '没有待办满足', en: 'Has no task where' },
    every: { zh: '每个待办都满足', en: 'Every task has' },
    count: { zh: '满足条件的待办数', en: 'Number of tasks where' },
  },
};

/** What an operator's value is edited with. */
export type ValueKind =
  | 'none' // the operator carries its value (isNull: true ...)
  | 'text'
  | 'texts'
  | 'enum'
  | 'enums'
  | 'user' // one user id or ME
  | 'users'
  | 'tags'
  | 'number'
  | 'numberRange'
  | 'time' // a date (or time) or a relative time
  | 'timeRange'
  | 'duration'
  | 'bool';

/** An operator of the builder and how it maps onto the GraphQL operator. */
export interface OpSpec {
  key: UiOp;
  /** The GraphQL input operator. */
  json: string;
  value: ValueKind;
  /** For value 'none': the fixed operand. */
  fixed?: boolean;
  label: Label;
}

export type UiOp =
  | 'eq'
  | 'ne'
  | 'in'
  | 'notIn'
  | 'contains'
  | 'startsWith'
  | 'isNull'
  | 'notNull'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'between'
  | 'within'
  | 'notWithin'
  | 'notWithinOrNever'
  | 'hasAny'
  | 'hasAll'
  | 'hasNone'
  | 'isEmpty'
  | 'notEmpty'
  | 'hasMe'
  | 'notHasMe';

/** The sentinel of "me" in an owner or logged-by condition ({me: true}). */
export const ME = '@me';

const op = (key: UiOp, json: string, value: ValueKind, zh: string, en: string, fixed?: boolean): OpSpec => ({
  key,
  json,
  value,
  label: { zh, en },
  ...(fixed === undefined ? {} : { fixed }),
});

const NULL_OPS = [op('isNull', 'isNull', 'none', '为空', 'is empty', true), op('notNull', 'isNull', 'none', '不为空', 'is not empty', false)];
const num = (v: ValueKind): OpSpec[] => [
  op('eq', 'eq', v, '等于', '='),
  op('ne', 'ne', v, '不等于', '≠'),
  op('gt', 'gt', v, '大于', '>'),
  op('gte', 'gte', v, '大于等于', '≥'),
  op('lt', 'lt', v, '小于', '<'),
  op('lte', 'lte', v, '小于等于', '≤'),
  op('between', 'between', 'numberRange', '介于', 'between'),
];
const timeOps = (): OpSpec[] => [
  op('within', 'gte', 'duration', '在最近…之内', 'within the last'),
  op('notWithin', 'lt', 'duration', '在…以前', 'more than … ago'),
  op('eq', 'eq', 'time', '是（某天）', 'on'),
  op('gt', 'gt', 'time', '晚于', 'after'),
  op('gte', 'gte', 'time', '不早于', 'on or after'),
  op('lt', 'lt', 'time', '早于', 'before'),
  op('lte', 'lte', 'time', '不晚于', 'on or before'),
  op('between', 'between', 'timeRange', '介于', 'between'),
];

/**
 * A nullable time (最近联系, 最近成交 ...): "more than 30 days ago" leaves out
 * the customers it never happened to, so the picker offers, first, "not in
 * the last 30 days, or never" ({not: {f: {gte: "30d"}}}, the line's
 * `-last-contact:<=30d`) and says beside the strict one that it leaves them
 * out.
 */
const nullableTimeOps = (): OpSpec[] => {
  const [within, notWithin, ...rest] = timeOps();
  return [
    within!,
    op('notWithinOrNever', 'gte', 'duration', '不在最近…之内（含从未）', 'not in the last … (or never)'),
    { ...notWithin!, label: { zh: '在…以前（不含从未）', en: 'more than … ago (not never)' } },
    ...rest,
  ];
};

/** The operators of a field, in the order the picker shows them. */
export function opsFor(f: Pick<FieldSpec, 'kind' | 'nullable'>): OpSpec[] {
  let ops: OpSpec[];
  switch (f.kind) {
    case 'search':
      return [op('contains', 'contains', 'text', '包含', 'contains')];
    case 'string':
      ops = [
        op('contains', 'contains', 'text', '包含', 'contains'),
        op('startsWith', 'startsWith', 'text', '开头是', 'starts with'),
        op('eq', 'eq', 'text', '等于', 'is'),
        op('ne', 'ne', 'text', '不等于', 'is not'),
        op('in', 'in', 'texts', '是其中之一', 'is one of'),
        op('notIn', 'notIn', 'texts', '不是其中任何一个', 'is none of'),
      ];
      break;
    case 'enum':
      ops = [
        op('in', 'in', 'enums', '是其中之一', 'is one of'),
        op('notIn', 'notIn', 'enums', '不是其中任何一个', 'is none of'),
        op('eq', 'eq', 'enum', '是', 'is'),
        op('ne', 'ne', 'enum', '不是', 'is not'),
      ];
      break;
    case 'owner':
      ops = [
        op('eq', 'eq', 'user', '是', 'is'),
        op('ne', 'ne', 'user', '不是', 'is not'),
        op('in', 'in', 'users', '是其中之一', 'is one of'),
        op('notIn', 'notIn', 'users', '不是其中任何一个', 'is none of'),
      ];
      break;
    case 'tags':
      return [
        op('hasAny', 'hasAny', 'tags', '含任一标签', 'has any of'),
        op('hasAll', 'hasAll', 'tags', '含全部标签', 'has all of'),
        op('hasNone', 'hasNone', 'tags', '不含这些标签', 'has none of'),
        op('isEmpty', 'isEmpty', 'none', '没有标签', 'has no tag', true),
        op('notEmpty', 'isEmpty', 'none', '有标签', 'has some tag', false),
      ];
    case 'userList':
      return [
        op('hasAny', 'hasAny', 'users', '含其中任一人', 'includes any of'),
        op('hasAll', 'hasAll', 'users', '含全部这些人', 'includes all of'),
        op('hasNone', 'hasNone', 'users', '不含这些人', 'includes none of'),
        op('hasMe', 'me', 'none', '含我', 'includes me', true),
        op('notHasMe', 'me', 'none', '不含我', 'does not include me', false),
        op('isEmpty', 'isEmpty', 'none', '未记录', 'nobody recorded', true),
        op('notEmpty', 'isEmpty', 'none', '有记录', 'someone recorded', false),
      ];
    case 'int':
    case 'float':
      ops = num('number');
      break;
    case 'money':
      ops = num('number');
      break;
    case 'time':
    case 'date':
      ops = f.nullable ? nullableTimeOps() : timeOps();
      break;
    case 'bool':
      return [op('eq', 'eq', 'bool', '是', 'is')];
  }
  return f.nullable ? [...ops, ...NULL_OPS] : ops;
}

export function opSpec(f: Pick<FieldSpec, 'kind' | 'nullable'>, key: UiOp): OpSpec | undefined {
  return opsFor(f).find((o) => o.key === key);
}

/** Units of a relative time (Duration: 90d, 2w, 6m, 1y). */
export const DURATION_UNITS: Record<'d' | 'w' | 'm' | 'y', Label> = {
  d: { zh: '天', en: 'days' },
  w: { zh: '周', en: 'weeks' },
  m: { zh: '个月', en: 'months' },
  y: { zh: '年', en: 'years' },
};

/**
 * The longest window of a change figure (deal-change(12m)) per unit: it
 * compares two windows back to back, and the server takes at most 100 years
 * in all (internal/segment/duration.go maxDuration), so 50y, 600m ...
 */
export const CHANGE_WINDOW_MAX: Record<keyof typeof DURATION_UNITS, number> = { d: 18262, w: 2609, m: 600, y: 50 };
/** The bound of a change figure's percent, either way (segment.MaxChangePercent). */
export const MAX_CHANGE_PERCENT = 1_000_000;

export const FIGURE_CMPS = ['gte', 'gt', 'eq', 'lte', 'lt'] as const;
export type FigureCmp = (typeof FIGURE_CMPS)[number];
export const FIGURE_CMP_LABELS: Record<FigureCmp, string> = { eq: '=', gt: '>', gte: '≥', lt: '<', lte: '≤' };
