// Labels of every enum value of the API, in Chinese and English. The maps are
// typed Record<Enum, …>, so a new value in schema.graphqls breaks the build,
// and test/enums.test.ts checks them against the schema file itself.
import type {
  ApiTokenStatus,
  ArchiveScope,
  BulkAction,
  BulkJobStatus,
  ClassificationSource,
  TaskKind,
  TaskStatus,
  ContactRole,
  CustomerOrderField,
  CustomerType,
  DuplicateReason,
  ImportAction,
  ImportMatchKey,
  ImportStatus,
  InteractionChannel,
  KeyEvent,
  Lifecycle,
  Locale,
  MoneyUnit,
  NeedKind,
  NeedStatus,
  NeedType,
  OrderDirection,
  Priority,
  Role,
  RuleField,
  ServiceKind,
  ServiceStatus,
  RuleLintKind,
  Stage,
  Tier,
} from '../gql/graphql';

import { ANALYTICS_ENUM_LABELS } from './analyticsEnums';

export interface Label {
  zh: string;
  en: string;
  /** Ant Design tag colour where the value is shown as a tag. */
  color?: string;
}

export type LabelMap<E extends string> = Readonly<Record<E, Label>>;

export const STAGE_LABELS: LabelMap<Stage> = {
  POTENTIAL: { zh: '潜在客户', en: 'Potential', color: 'default' },
  CONTACTED: { zh: '初步接触', en: 'Contacted', color: 'cyan' },
  NEEDS_CONFIRMED: { zh: '需求确认', en: 'Needs confirmed', color: 'blue' },
  PROPOSAL: { zh: '方案提交', en: 'Proposal', color: 'geekblue' },
  NEGOTIATION: { zh: '商务谈判', en: 'Negotiation', color: 'purple' },
  WON: { zh: '成交', en: 'Won', color: 'green' },
  AFTER_SALES: { zh: '售后维护', en: 'After-sales', color: 'lime' },
  LOST: { zh: '流失', en: 'Lost', color: 'red' },
};

/** Tier as a value tier (价值分级). */
export const VALUE_TIER_LABELS: LabelMap<Tier> = {
  A: { zh: 'A类(高价值)', en: 'A (high value)', color: 'gold' },
  B: { zh: 'B类(潜力)', en: 'B (potential)', color: 'blue' },
  C: { zh: 'C类(普通)', en: 'C (regular)', color: 'default' },
};

/** Tier as an intent grade (意向等级). */
export const INTENT_GRADE_LABELS: LabelMap<Tier> = {
  A: { zh: '高意向', en: 'High intent', color: 'volcano' },
  B: { zh: '中意向', en: 'Medium intent', color: 'orange' },
  C: { zh: '低意向', en: 'Low intent', color: 'default' },
};

export const CUSTOMER_TYPE_LABELS: LabelMap<CustomerType> = {
  NEW: { zh: '新客户', en: 'New' },
  EXISTING: { zh: '老客户', en: 'Existing' },
  CHANNEL: { zh: '渠道客户', en: 'Channel' },
};

export const NEED_TYPE_LABELS: LabelMap<NeedType> = {
  PRODUCT: { zh: '产品采购型', en: 'Product purchase' },
  SERVICE: { zh: '服务支持型', en: 'Service support' },
  SOLUTION: { zh: '解决方案型', en: 'Solution' },
};

export const CONTACT_ROLE_LABELS: LabelMap<ContactRole> = {
  DECISION_MAKER: { zh: '决策者', en: 'Decision maker', color: 'red' },
  INFLUENCER: { zh: '影响者', en: 'Influencer', color: 'orange' },
  USER: { zh: '使用者', en: 'User', color: 'blue' },
};

export const CHANNEL_LABELS: LabelMap<InteractionChannel> = {
  PHONE: { zh: '电话', en: 'Phone', color: 'blue' },
  VISIT: { zh: '拜访', en: 'Visit', color: 'green' },
  EMAIL: { zh: '邮件', en: 'E-mail', color: 'geekblue' },
  MEETING: { zh: '会议', en: 'Meeting', color: 'purple' },
  ONLINE: { zh: '线上', en: 'Online', color: 'cyan' },
  WECHAT: { zh: '微信', en: 'WeChat', color: 'green' },
  LIVESTREAM: { zh: '直播', en: 'Livestream', color: 'magenta' },
  OTHER: { zh: '其他', en: 'Other', color: 'default' },
};

export const KEY_EVENT_LABELS: LabelMap<KeyEvent> = {
  SIGNED: { zh: '签单', en: 'Signed', color: 'green' },
  RENEWED: { zh: '续费', en: 'Renewed', color: 'cyan' },
  COMPLAINT: { zh: '投诉', en: 'Complaint', color: 'red' },
  REFERRAL: { zh: '推荐新客户', en: 'Referral', color: 'gold' },
};

export const NEED_KIND_LABELS: LabelMap<NeedKind> = {
  CURRENT: { zh: '当前需求', en: 'Current' },
  POTENTIAL: { zh: '潜在需求', en: 'Potential' },
};

export const PRIORITY_LABELS: LabelMap<Priority> = {
  HIGH: { zh: '高', en: 'High', color: 'red' },
  MEDIUM: { zh: '中', en: 'Medium', color: 'orange' },
  LOW: { zh: '低', en: 'Low', color: 'default' },
};

export const NEED_STATUS_LABELS: LabelMap<NeedStatus> = {
  OPEN: { zh: '未跟进', en: 'Open', color: 'default' },
  IN_PROGRESS: { zh: '跟进中', en: 'In progress', color: 'processing' },
  RESOLVED: { zh: '已解决', en: 'Resolved', color: 'success' },
  ABANDONED: { zh: '已放弃', en: 'Abandoned', color: 'error' },
};

export const ROLE_LABELS: LabelMap<Role> = {
  ADMIN: { zh: '管理员', en: 'Administrator', color: 'red' },
  MANAGER: { zh: '销售经理', en: 'Manager', color: 'purple' },
  SALES: { zh: '销售', en: 'Sales', color: 'blue' },
  SERVICE: { zh: '客服', en: 'Service', color: 'cyan' },
  ANALYST: { zh: '分析师', en: 'Analyst', color: 'default' },
};

export const LOCALE_LABELS: LabelMap<Locale> = {
  ZH_CN: { zh: '简体中文', en: '简体中文 (Chinese)' },
  EN: { zh: 'English (英语)', en: 'English' },
};

export const ORDER_FIELD_LABELS: LabelMap<CustomerOrderField> = {
  CODE: { zh: '客户编号', en: 'Code' },
  NAME: { zh: '客户名称', en: 'Name' },
  CREATED_AT: { zh: '建档时间', en: 'Created' },
  UPDATED_AT: { zh: '更新时间', en: 'Updated' },
  LAST_INTERACTION_AT: { zh: '最近联系', en: 'Last contact' },
  INTERACTION_COUNT: { zh: '互动次数', en: 'Interactions' },
  DEAL_COUNT: { zh: '成交次数', en: 'Deals' },
  TOTAL_AMOUNT: { zh: '累计金额', en: 'Total amount' },
  LAST_DEAL_ON: { zh: '最近成交', en: 'Last deal' },
  AVG_SATISFACTION: { zh: '平均满意度', en: 'Avg. satisfaction' },
  OPEN_NEED_COUNT: { zh: '未结需求', en: 'Open needs' },
  TYPE: { zh: '客户类型', en: 'Customer type' },
  STAGE: { zh: '客户阶段', en: 'Stage' },
  VALUE_TIER: { zh: '价值分级', en: 'Value tier' },
  INTENT_GRADE: { zh: '意向等级', en: 'Intent grade' },
  NEED_TYPE: { zh: '需求类型', en: 'Need type' },
  INDUSTRY: { zh: '所属行业', en: 'Industry' },
  SOURCE: { zh: '客户来源', en: 'Source' },
  PROVINCE: { zh: '省份', en: 'Province' },
  CITY: { zh: '城市', en: 'City' },
  FIRST_INTERACTION_AT: { zh: '首次互动', en: 'First contact' },
  FIRST_DEAL_ON: { zh: '首次成交', en: 'First deal' },
  COMPLAINT_COUNT: { zh: '投诉次数', en: 'Complaints' },
  LAST_COMPLAINT_AT: { zh: '最近投诉', en: 'Last complaint' },
  SATISFACTION_COUNT: { zh: '调研次数', en: 'Surveys' },
  LIFECYCLE: { zh: '生命周期', en: 'Lifecycle' },
  NEXT_FOLLOW_UP_AT: { zh: '下次跟进', en: 'Next follow-up' },
};

export const ORDER_DIRECTION_LABELS: LabelMap<OrderDirection> = {
  ASC: { zh: '升序', en: 'Ascending' },
  DESC: { zh: '降序', en: 'Descending' },
};

export const ARCHIVE_SCOPE_LABELS: LabelMap<ArchiveScope> = {
  ACTIVE: { zh: '在册客户', en: 'Active' },
  ARCHIVED: { zh: '已归档', en: 'Archived' },
  ALL: { zh: '全部', en: 'All' },
};

/** Bulk changes (pages/bulk). */
export const BULK_ACTION_LABELS: LabelMap<BulkAction> = {
  REASSIGN: { zh: '转移负责人', en: 'Reassign owner' },
  ADD_TAGS: { zh: '添加标签', en: 'Add tags' },
  REMOVE_TAGS: { zh: '移除标签', en: 'Remove tags' },
  SET_STAGE: { zh: '修改阶段', en: 'Change stage' },
  ARCHIVE: { zh: '归档', en: 'Archive' },
  RESTORE: { zh: '恢复', en: 'Restore' },
};

export const BULK_JOB_STATUS_LABELS: LabelMap<BulkJobStatus> = {
  RUNNING: { zh: '进行中', en: 'Running' },
  DONE: { zh: '已完成', en: 'Done' },
};

// The state of an API token (apiTokens).
export const API_TOKEN_STATUS_LABELS: LabelMap<ApiTokenStatus> = {
  ACTIVE: { zh: '有效', en: 'Active', color: 'success' },
  EXPIRED: { zh: '已过期', en: 'Expired', color: 'default' },
  REVOKED: { zh: '已撤销', en: 'Revoked', color: 'error' },
};

/** Lifecycle stages (seed 003, 合作阶段), kept by the classification rules. */
export const LIFECYCLE_LABELS: LabelMap<Lifecycle> = {
  POTENTIAL: { zh: '潜在客户', en: 'Potential', color: 'default' },
  NEW: { zh: '新客户', en: 'New', color: 'cyan' },
  STABLE: { zh: '稳定客户', en: 'Stable', color: 'blue' },
  STRATEGIC: { zh: '战略客户', en: 'Strategic', color: 'gold' },
  CHURNED: { zh: '流失客户', en: 'Churned', color: 'orange' },
  DORMANT: { zh: '休眠客户', en: 'Dormant', color: 'default' },
};

/** What a classification rule sets. */
export const RULE_FIELD_LABELS: LabelMap<RuleField> = {
  VALUE_TIER: { zh: '价值分级', en: 'Value tier' },
  LIFECYCLE: { zh: '生命周期', en: 'Lifecycle stage' },
  CADENCE_DAYS: { zh: '跟进周期', en: 'Follow-up cadence' },
  TAG: { zh: '标签', en: 'Tag' },
};

/** Why a task exists. */
export const TASK_KIND_LABELS: LabelMap<TaskKind> = {
  NEXT_ACTION: { zh: '下一步行动', en: 'Next action', color: 'blue' },
  FOLLOW_UP: { zh: '周期跟进', en: 'Follow-up', color: 'cyan' },
  CLASSIFICATION_REVIEW: { zh: '分级复核', en: 'Review', color: 'purple' },
  CHURN_RISK: { zh: '流失风险', en: 'Churn risk', color: 'red' },
  STALE_NEED: { zh: '需求停滞', en: 'Stale need', color: 'orange' },
  SERVICE_OVERDUE: { zh: '服务超时', en: 'Service overdue', color: 'volcano' },
  SERVICE_CHECK: { zh: '服务回访', en: 'Satisfaction check', color: 'green' },
  MANUAL: { zh: '手动待办', en: 'Manual', color: 'default' },
};

/** Where a task stands. */
export const TASK_STATUS_LABELS: LabelMap<TaskStatus> = {
  OPEN: { zh: '待办', en: 'Open' },
  DONE: { zh: '已完成', en: 'Done' },
  CLOSED: { zh: '已自动关闭', en: 'Closed by itself' },
};

/** What a service request is about (seed 002). */
export const SERVICE_KIND_LABELS: LabelMap<ServiceKind> = {
  CONSULTATION: { zh: '咨询', en: 'Consultation', color: 'blue' },
  COMPLAINT: { zh: '投诉', en: 'Complaint', color: 'red' },
  AFTER_SALES: { zh: '售后', en: 'After-sales', color: 'orange' },
};

/** Where a service request stands. */
export const SERVICE_STATUS_LABELS: LabelMap<ServiceStatus> = {
  OPEN: { zh: '待处理', en: 'Open', color: 'red' },
  IN_PROGRESS: { zh: '处理中', en: 'In progress', color: 'blue' },
  RESOLVED: { zh: '已解决待回访', en: 'Resolved, to check', color: 'gold' },
  CLOSED: { zh: '已关闭', en: 'Closed', color: 'default' },
};

/** Where a classified value comes from. */
export const CLASSIFICATION_SOURCE_LABELS: LabelMap<ClassificationSource> = {
  RULE: { zh: '规则', en: 'Rule' },
  MANUAL: { zh: '手动', en: 'Manual' },
};

/** The values a manual override holds. */
export const CLASSIFICATION_TARGET_LABELS: LabelMap<'VALUE_TIER' | 'LIFECYCLE' | 'CADENCE'> = {
  VALUE_TIER: { zh: '价值分级', en: 'Value tier' },
  LIFECYCLE: { zh: '生命周期', en: 'Lifecycle stage' },
  CADENCE: { zh: '跟进周期', en: 'Follow-up cadence' },
};

/** The kinds of problems the rules' lint finds. */
export const RULE_LINT_KIND_LABELS: LabelMap<RuleLintKind> = {
  NEVER_MATCHES: { zh: '从不匹配', en: 'Never matches', color: 'warning' },
  SHADOWED: { zh: '被更高优先级遮蔽', en: 'Shadowed', color: 'warning' },
  UNCLASSIFIED: { zh: '有客户未分类', en: 'Unclassified customers', color: 'warning' },
  CONFLICT: { zh: '同级冲突', en: 'Conflict', color: 'error' },
  CONTRADICTS_DEFINITION: { zh: '与定义矛盾', en: 'Contradicts the definition', color: 'error' },
};

// Why a customer may be a duplicate (possibleDuplicates).
export const DUPLICATE_REASON_LABELS: LabelMap<DuplicateReason> = {
  CREDIT_CODE: { zh: '信用代码相同', en: 'Same credit code', color: 'orange' },
  NAME: { zh: '名称相同', en: 'Same name', color: 'blue' },
  PHONE: { zh: '电话相同', en: 'Same phone', color: 'orange' },
  EMAIL: { zh: '邮箱相同', en: 'Same e-mail', color: 'orange' },
};

/** Where an import job stands. */
export const IMPORT_STATUS_LABELS: LabelMap<ImportStatus> = {
  QUEUED: { zh: '排队中', en: 'Queued', color: 'default' },
  RUNNING: { zh: '进行中', en: 'Running', color: 'blue' },
  DONE: { zh: '已完成', en: 'Done', color: 'green' },
  FAILED: { zh: '失败', en: 'Failed', color: 'red' },
  CANCELLED: { zh: '已取消', en: 'Cancelled', color: 'orange' },
};

/** What an import does with a row's customer (the dry run's words). */
export const IMPORT_ACTION_LABELS: LabelMap<ImportAction> = {
  CREATE: { zh: '新建', en: 'Create', color: 'green' },
  UPDATE: { zh: '更新', en: 'Update', color: 'blue' },
  UNCHANGED: { zh: '无变化', en: 'Unchanged', color: 'default' },
  DUPLICATE: { zh: '疑似重复', en: 'Likely duplicate', color: 'orange' },
  ERROR: { zh: '错误', en: 'Error', color: 'red' },
};

/** The further key an import matches rows by. */
export const IMPORT_MATCH_KEY_LABELS: LabelMap<ImportMatchKey> = {
  NAME: { zh: '客户名称', en: 'Company name' },
  PHONE: { zh: '联系人电话', en: 'Contact phone' },
};

/** What a bare number in a money column counts. */
export const MONEY_UNIT_LABELS: LabelMap<MoneyUnit> = {
  YUAN: { zh: '元', en: 'Yuan' },
  TEN_THOUSAND: { zh: '万元', en: '10,000 yuan (万元)' },
};

/** What the data quality report found (dataQuality.findings). No page reads the report yet,
 * so codegen makes no type for the enum: it is spelled out here (the enum test checks it). */
type QualityFindingKind =
  | 'STALE'
  | 'UNREACHABLE_CONTACTS'
  | 'NO_OWNER'
  | 'INACTIVE_OWNER'
  | 'INVALID_CREDIT_CODE'
  | 'SHARED_PHONE'
  | 'REPEATED_FOLLOW_UPS';
export const QUALITY_FINDING_KIND_LABELS: LabelMap<QualityFindingKind> = {
  STALE: { zh: '半年未更新', en: 'Not updated for 6 months', color: 'orange' },
  UNREACHABLE_CONTACTS: { zh: '联系人无联系方式', en: 'Contacts with no way to reach them', color: 'orange' },
  NO_OWNER: { zh: '无负责人', en: 'No owner', color: 'red' },
  INACTIVE_OWNER: { zh: '负责人已停用', en: 'Owner no longer active', color: 'red' },
  INVALID_CREDIT_CODE: { zh: '信用代码校验不通过', en: 'Credit code fails its check', color: 'red' },
  SHARED_PHONE: { zh: '电话被多家公司使用', en: 'Phone shared by different companies', color: 'orange' },
  REPEATED_FOLLOW_UPS: { zh: '重复跟进记录', en: 'Repeated follow-up records', color: 'default' },
};

/** The essential fields of the data quality report (MissingField.field; not a schema enum). */
export type QualityField =
  | 'industry'
  | 'size'
  | 'contacts'
  | 'contacts.title'
  | 'contacts.reach'
  | 'needs'
  | 'interactions'
  | 'owner'
  | 'region'
  | 'source'
  | 'contacts.role'
  | 'creditCode'
  | 'address';

export const QUALITY_FIELD_LABELS: LabelMap<QualityField> = {
  industry: { zh: '所属行业', en: 'Industry' },
  size: { zh: '企业规模（员工或营收）', en: 'Size (staff or revenue)' },
  contacts: { zh: '联系人', en: 'Contacts' },
  'contacts.title': { zh: '联系人职务', en: 'Contact job titles' },
  'contacts.reach': { zh: '联系人联系方式', en: 'Contact phone, e-mail or WeChat' },
  needs: { zh: '需求记录', en: 'Needs' },
  interactions: { zh: '跟进记录', en: 'Interactions' },
  owner: { zh: '负责人', en: 'Owner' },
  region: { zh: '省份城市', en: 'Province and city' },
  source: { zh: '客户来源', en: 'Source' },
  'contacts.role': { zh: '联系人角色', en: 'Contact roles' },
  creditCode: { zh: '统一社会信用代码', en: 'Credit code' },
  address: { zh: '公司地址', en: 'Address' },
};

/** Every label map by the schema enum it labels (the test compares with the schema). */
export const ENUM_LABELS: Record<string, LabelMap<string>[]> = {
  Stage: [STAGE_LABELS],
  Tier: [VALUE_TIER_LABELS, INTENT_GRADE_LABELS],
  CustomerType: [CUSTOMER_TYPE_LABELS],
  NeedType: [NEED_TYPE_LABELS],
  ContactRole: [CONTACT_ROLE_LABELS],
  InteractionChannel: [CHANNEL_LABELS],
  KeyEvent: [KEY_EVENT_LABELS],
  NeedKind: [NEED_KIND_LABELS],
  Priority: [PRIORITY_LABELS],
  NeedStatus: [NEED_STATUS_LABELS],
  Role: [ROLE_LABELS],
  Locale: [LOCALE_LABELS],
  CustomerOrderField: [ORDER_FIELD_LABELS],
  OrderDirection: [ORDER_DIRECTION_LABELS],
  ArchiveScope: [ARCHIVE_SCOPE_LABELS],
  BulkAction: [BULK_ACTION_LABELS],
  BulkJobStatus: [BULK_JOB_STATUS_LABELS],
  Lifecycle: [LIFECYCLE_LABELS],
  ClassificationSource: [CLASSIFICATION_SOURCE_LABELS],
  TaskKind: [TASK_KIND_LABELS],
  TaskStatus: [TASK_STATUS_LABELS],
  ServiceKind: [SERVICE_KIND_LABELS],
  ServiceStatus: [SERVICE_STATUS_LABELS],
  ClassificationTarget: [CLASSIFICATION_TARGET_LABELS],
  RuleField: [RULE_FIELD_LABELS],
  RuleLintKind: [RULE_LINT_KIND_LABELS],
  DuplicateReason: [DUPLICATE_REASON_LABELS],
  ImportStatus: [IMPORT_STATUS_LABELS],
  ImportAction: [IMPORT_ACTION_LABELS],
  ImportMatchKey: [IMPORT_MATCH_KEY_LABELS],
  MoneyUnit: [MONEY_UNIT_LABELS],
  QualityFindingKind: [QUALITY_FINDING_KIND_LABELS],
  ...ANALYTICS_ENUM_LABELS,
  ApiTokenStatus: [API_TOKEN_STATUS_LABELS],
};

/** The values of a label map, in the order written above. */
export function enumValues<E extends string>(map: LabelMap<E>): E[] {
  return Object.keys(map) as E[];
}
