// Labels of the analytics enums (aggregates, KPIs: issue 16), for pickers
// and for test/enums.test.ts, which wants every schema enum labelled. The
// dimensions share one table; an enum's map picks its values from it. The
// codegen emits only the enums the app's documents use, so the others are
// checked against schema.graphqls by test/enums.test.ts alone.
import type { KpiCode, KpiUnit, TimeUnit } from '../gql/graphql';
import type { Label, LabelMap } from './enums';

const DIMENSIONS = {
  DAY: { zh: '日', en: 'Day' },
  WEEK: { zh: '周', en: 'Week' },
  MONTH: { zh: '月', en: 'Month' },
  QUARTER: { zh: '季度', en: 'Quarter' },
  YEAR: { zh: '年', en: 'Year' },
  VALUE_TIER: { zh: '价值分级', en: 'Value tier' },
  LIFECYCLE: { zh: '生命周期', en: 'Lifecycle' },
  INTENT_GRADE: { zh: '意向等级', en: 'Intent grade' },
  STAGE: { zh: '客户阶段', en: 'Stage' },
  INDUSTRY: { zh: '行业', en: 'Industry' },
  SOURCE: { zh: '客户来源', en: 'Source' },
  PROVINCE: { zh: '省份', en: 'Province' },
  CITY: { zh: '城市', en: 'City' },
  OWNER: { zh: '负责人', en: 'Owner' },
  TYPE: { zh: '客户类型', en: 'Customer type' },
  CUSTOMER_TYPE: { zh: '客户类型', en: 'Customer type' },
  NEED_TYPE: { zh: '需求类型', en: 'Need type' },
  TAG: { zh: '标签', en: 'Tag' },
  CREATED_MONTH: { zh: '创建月份', en: 'Month created' },
  CREATED_QUARTER: { zh: '创建季度', en: 'Quarter created' },
  CREATED_YEAR: { zh: '创建年份', en: 'Year created' },
  FIRST_DEAL_MONTH: { zh: '首单月份', en: 'Month of first deal' },
  FIRST_DEAL_QUARTER: { zh: '首单季度', en: 'Quarter of first deal' },
  CHANNEL: { zh: '互动方式', en: 'Channel' },
  KEY_EVENT: { zh: '关键事件', en: 'Key event' },
  PARTICIPANT: { zh: '参与人', en: 'Participant' },
  RECORDING: { zh: '录入时效', en: 'Recording delay' },
  NEXT_ACTION: { zh: '下一步状态', en: 'Next action' },
  PRODUCT: { zh: '产品', en: 'Product' },
  STATUS: { zh: '需求状态', en: 'Status' },
  PRIORITY: { zh: '优先级', en: 'Priority' },
  KIND: { zh: '需求类别', en: 'Kind' },
  OPENED_MONTH: { zh: '提出月份', en: 'Month opened' },
  SCORE_BAND: { zh: '分数段', en: 'Score band' },
  FROM_STAGE: { zh: '原阶段', en: 'From stage' },
  TO_STAGE: { zh: '新阶段', en: 'To stage' },
  ASSIGNEE: { zh: '处理人', en: 'Assignee' },
  TIMELINESS: { zh: '解决时效', en: 'Timeliness' },
} as const satisfies Record<string, Label>;

type Dim = keyof typeof DIMENSIONS;

function pick<E extends Dim>(values: readonly E[], override: Partial<Record<E, Label>> = {}): LabelMap<E> {
  return Object.fromEntries(values.map((v) => [v, override[v] ?? DIMENSIONS[v]])) as unknown as LabelMap<E>;
}

const TIME = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;
const CUSTOMER = ['VALUE_TIER', 'LIFECYCLE', 'INTENT_GRADE', 'STAGE', 'INDUSTRY', 'SOURCE', 'PROVINCE', 'CITY', 'OWNER', 'TYPE', 'NEED_TYPE', 'TAG',
  'CREATED_MONTH', 'CREATED_QUARTER', 'CREATED_YEAR', 'FIRST_DEAL_MONTH', 'FIRST_DEAL_QUARTER'] as const;

export const TIME_UNIT_LABELS: LabelMap<TimeUnit> = pick<TimeUnit>(TIME);
export const CUSTOMER_DIMENSION_LABELS = pick([...TIME, ...CUSTOMER]);
export const INTERACTION_DIMENSION_LABELS = pick([...TIME, 'CHANNEL', 'KEY_EVENT', 'PARTICIPANT', 'RECORDING', 'NEXT_ACTION', ...CUSTOMER]);
export const DEAL_DIMENSION_LABELS = pick([...TIME, 'PRODUCT', ...CUSTOMER]);
export const NEED_DIMENSION_LABELS = pick(
  [...TIME, 'STATUS', 'PRIORITY', 'KIND', 'TYPE', 'OPENED_MONTH', 'CUSTOMER_TYPE', ...CUSTOMER.filter((d) => d !== 'TYPE')],
  { TYPE: { zh: '需求类型', en: 'Need type' }, NEED_TYPE: { zh: '客户需求类型', en: "Customer's need type" } },
);
export const SATISFACTION_DIMENSION_LABELS = pick([...TIME, 'SCORE_BAND', ...CUSTOMER]);
export const STAGE_CHANGE_DIMENSION_LABELS = pick([...TIME, 'FROM_STAGE', 'TO_STAGE', ...CUSTOMER]);
export const SERVICE_REQUEST_DIMENSION_LABELS = pick([...TIME, 'STATUS', 'PRIORITY', 'KIND', 'ASSIGNEE', 'TIMELINESS', ...CUSTOMER], {
  STATUS: { zh: '请求状态', en: 'Status' },
  KIND: { zh: '请求类型', en: 'Kind' },
});
export const TASK_DIMENSION_LABELS = pick([...TIME, 'KIND', 'STATUS', 'ASSIGNEE', 'TIMELINESS', ...CUSTOMER], {
  KIND: { zh: '待办类型', en: 'Kind' },
  STATUS: { zh: '待办状态', en: 'Status' },
  ASSIGNEE: { zh: '负责人', en: 'Assignee' },
  TIMELINESS: { zh: '完成时效', en: 'Timeliness' },
});

export const COMPARE_TO_LABELS = {
  PREVIOUS_PERIOD: { zh: '上期', en: 'Previous period' },
  PREVIOUS_YEAR: { zh: '去年同期', en: 'Same period last year' },
};

export const AGGREGATE_MEASURE_LABELS = {
  COUNT: { zh: '条数', en: 'Count' },
  CUSTOMERS: { zh: '客户数', en: 'Customers' },
  SUM: { zh: '合计', en: 'Sum' },
  AVG: { zh: '平均', en: 'Average' },
  MIN: { zh: '最小', en: 'Minimum' },
  MAX: { zh: '最大', en: 'Maximum' },
  KEY: { zh: '分组值', en: 'Key' },
};

export const CUSTOMER_METRIC_LABELS = {
  TOTAL_AMOUNT: { zh: '累计金额', en: 'Total amount' },
  INTERACTION_COUNT: { zh: '互动次数', en: 'Interactions' },
  DEAL_COUNT: { zh: '成交次数', en: 'Deals' },
  AVG_SATISFACTION: { zh: '平均满意度', en: 'Average satisfaction' },
  SATISFACTION_COUNT: { zh: '调研次数', en: 'Surveys' },
  OPEN_NEED_COUNT: { zh: '未结需求', en: 'Open needs' },
  COMPLAINT_COUNT: { zh: '投诉次数', en: 'Complaints' },
  SALES_CYCLE_DAYS: { zh: '成交周期（天）', en: 'Sales cycle (days)' },
};
export const INTERACTION_METRIC_LABELS = { DURATION_MIN: { zh: '时长（分钟）', en: 'Duration (min)' } };
export const DEAL_METRIC_LABELS = { AMOUNT: { zh: '成交金额', en: 'Amount' } };
export const NEED_METRIC_LABELS = {
  BUDGET_MAX: { zh: '预算上限', en: 'Budget (top)' },
  DAYS_TO_RESOLVE: { zh: '解决天数', en: 'Days to resolve' },
};
export const SATISFACTION_METRIC_LABELS = { SCORE: { zh: '满意度分数', en: 'Score' } };
export const STAGE_CHANGE_METRIC_LABELS = { DAYS_IN_STAGE: { zh: '阶段停留天数', en: 'Days in stage' } };
export const SERVICE_REQUEST_METRIC_LABELS = { HOURS_TO_RESOLVE: { zh: '解决时长（小时）', en: 'Hours to resolve' } };
export const TASK_METRIC_LABELS = { DAYS_TO_DONE: { zh: '完成用时（天）', en: 'Days to done' } };

export const KPI_CODE_LABELS: LabelMap<KpiCode> = {
  HIGH_VALUE_RETENTION: { zh: '高价值客户留存率', en: 'High-value retention' },
  POTENTIAL_CONVERSION: { zh: '潜在客户转化率', en: 'Potential-to-new conversion' },
  CHURN_RATE: { zh: '客户流失率', en: 'Churn rate' },
  REPURCHASE_RATE: { zh: '复购率', en: 'Repurchase rate' },
  REPURCHASE_GROWTH: { zh: '复购增长率（同比）', en: 'Repurchase growth (year on year)' },
  AVG_SATISFACTION: { zh: '平均满意度', en: 'Average satisfaction' },
  SATISFIED_SHARE: { zh: '满意度达标率（≥85分）', en: 'Satisfied share (≥ 85)' },
  NEED_RESOLUTION_RATE: { zh: '需求解决率', en: 'Need resolution rate' },
  NEED_RESOLUTION_DAYS: { zh: '需求解决天数（中位数）', en: 'Days to resolve a need (median)' },
  COMPLAINT_COUNT: { zh: '投诉次数', en: 'Complaints' },
  COMPLAINT_RATE: { zh: '投诉客户占比', en: 'Complaint rate' },
  SALES_CYCLE_DAYS: { zh: '平均成交周期（天）', en: 'Average sales cycle (days)' },
  TIMELY_RECORDING: { zh: '24小时录入率', en: 'Recorded within 24 hours' },
  OVERDUE_NEXT_ACTIONS: { zh: '逾期待办', en: 'Overdue next actions' },
  SERVICE_ON_TIME: { zh: '服务请求及时解决率', en: 'Service requests resolved on time' },
  SERVICE_RESOLUTION_HOURS: { zh: '服务请求解决时长（中位数，小时）', en: 'Hours to resolve a service request (median)' },
  CADENCE_KEPT: { zh: '跟进周期达成率', en: 'Follow-up cadence kept' },
  TASKS_ON_TIME: { zh: '待办按时完成率', en: 'Tasks done on time' },
};

export const KPI_UNIT_LABELS: LabelMap<KpiUnit> = {
  PERCENT: { zh: '%', en: '%' },
  SCORE: { zh: '分', en: 'points' },
  DAYS: { zh: '天', en: 'days' },
  HOURS: { zh: '小时', en: 'hours' },
  COUNT: { zh: '个', en: 'count' },
  YUAN: { zh: '元', en: 'yuan' },
};

export const COHORT_BY_LABELS: LabelMap<'FIRST_DEAL' | 'CREATED'> = {
  FIRST_DEAL: { zh: '首单时间', en: 'First deal' },
  CREATED: { zh: '建档时间', en: 'Created' },
};

export const COHORT_ACTIVITY_LABELS: LabelMap<'DEAL' | 'INTERACTION'> = {
  DEAL: { zh: '成交', en: 'Deal' },
  INTERACTION: { zh: '互动', en: 'Interaction' },
};

/** For test/enums.test.ts (merged into ENUM_LABELS). */
export const ANALYTICS_ENUM_LABELS: Record<string, LabelMap<string>[]> = {
  TimeUnit: [TIME_UNIT_LABELS],
  CompareTo: [COMPARE_TO_LABELS],
  AggregateMeasure: [AGGREGATE_MEASURE_LABELS],
  CustomerDimension: [CUSTOMER_DIMENSION_LABELS],
  CustomerMetric: [CUSTOMER_METRIC_LABELS],
  InteractionDimension: [INTERACTION_DIMENSION_LABELS],
  InteractionMetric: [INTERACTION_METRIC_LABELS],
  DealDimension: [DEAL_DIMENSION_LABELS],
  DealMetric: [DEAL_METRIC_LABELS],
  NeedDimension: [NEED_DIMENSION_LABELS],
  NeedMetric: [NEED_METRIC_LABELS],
  SatisfactionDimension: [SATISFACTION_DIMENSION_LABELS],
  SatisfactionMetric: [SATISFACTION_METRIC_LABELS],
  StageChangeDimension: [STAGE_CHANGE_DIMENSION_LABELS],
  StageChangeMetric: [STAGE_CHANGE_METRIC_LABELS],
  ServiceRequestDimension: [SERVICE_REQUEST_DIMENSION_LABELS],
  ServiceRequestMetric: [SERVICE_REQUEST_METRIC_LABELS],
  TaskDimension: [TASK_DIMENSION_LABELS],
  TaskMetric: [TASK_METRIC_LABELS],
  KpiCode: [KPI_CODE_LABELS],
  KpiUnit: [KPI_UNIT_LABELS],
  CohortBy: [COHORT_BY_LABELS],
  CohortActivity: [COHORT_ACTIVITY_LABELS],
};
