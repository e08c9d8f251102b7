// Every enum value of ../schema.graphqls has a Chinese and an English label:
// a new value in the schema fails this test (and usually the build).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse, type EnumTypeDefinitionNode, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode, type TypeNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ENUM_LABELS } from '../src/i18n/enums';
import { SERVICE_REQUEST_DIMENSION_LABELS, SERVICE_REQUEST_METRIC_LABELS, TASK_DIMENSION_LABELS, TASK_METRIC_LABELS } from '../src/i18n/analyticsEnums';

const schemaPath = fileURLToPath(new URL('../../schema.graphqls', import.meta.url));
const doc = parse(readFileSync(schemaPath, 'utf8'));
const enums = doc.definitions.filter((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION);

describe('enum labels', () => {
  it('finds the schema enums', () => {
    expect(enums.length).toBeGreaterThan(10);
  });

  it.each(enums.map((e) => [e.name.value, e] as const))('%s: every value has zh and en labels', (name, e) => {
    const maps = ENUM_LABELS[name];
    expect(maps, `no label map for enum ${name}`).toBeDefined();
    const values = (e.values ?? []).map((v) => v.name.value);
    for (const map of maps ?? []) {
      expect(Object.keys(map).sort()).toEqual([...values].sort());
      for (const v of values) {
        expect(map[v]?.zh, `${name}.${v} zh`).toBeTruthy();
        expect(map[v]?.en, `${name}.${v} en`).toBeTruthy();
      }
    }
  });

  it('has no label map for an enum the schema lacks', () => {
    const names = new Set(enums.map((e) => e.name.value));
    expect(Object.keys(ENUM_LABELS).filter((n) => !names.has(n))).toEqual([]);
  });

  it('uses the worksheet words', () => {
    const zh = (n: string) => Object.values(ENUM_LABELS[n]?.[0] ?? {}).map((l) => l.zh);
    expect(zh('Stage')).toEqual(['潜在客户', '初步接触', '需求确认', '方案提交', '商务谈判', '成交', '售后维护', '流失']);
    expect(zh('InteractionChannel')).toEqual(['电话', '拜访', '邮件', '会议', '线上', '微信', '直播', '其他']);
    expect(zh('NeedStatus')).toEqual(['未跟进', '跟进中', '已解决', '已放弃']);
    expect(zh('Tier')).toEqual(['A类(高价值)', 'B类(潜力)', 'C类(普通)']);
    expect(Object.values(ENUM_LABELS.Tier?.[1] ?? {}).map((l) => l.zh)).toEqual(['高意向', '中意向', '低意向']);
  });

  // Every fact the server aggregates (one Query field xxxAggregate each,
  // docs/ANALYTICS.md) has its dimensions and metrics labelled, found from
  // the fields' arguments rather than from the enums' names.
  const named = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : named(t.type));
  const inputs = new Map(
    doc.definitions.filter((d) => d.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION).map((d) => [d.name.value, d] as const),
  );
  const facts = doc.definitions
    .filter((d): d is ObjectTypeDefinitionNode | ObjectTypeExtensionNode =>
      (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === 'Query')
    .flatMap((d) => d.fields ?? [])
    .filter((f) => f.name.value.endsWith('Aggregate'));

  it('finds the facts, service requests and tasks among them', () => {
    const names = facts.map((f) => f.name.value);
    expect(names).toEqual(expect.arrayContaining(['customersAggregate', 'interactionsAggregate', 'serviceRequestsAggregate', 'tasksAggregate']));
  });

  it.each(facts.map((f) => [f.name.value, f] as const))('%s: its dimensions and metrics are labelled', (_, f) => {
    const arg = (n: string) => f.arguments?.find((a) => a.name.value === n);
    const groupBy = arg('groupBy');
    expect(groupBy).toBeDefined();
    expect(ENUM_LABELS[named(groupBy!.type)]).toBeDefined();
    const order = inputs.get(named(arg('orderBy')!.type));
    const metric = order?.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ? order.fields?.find((x) => x.name.value === 'metric') : undefined;
    expect(metric, `${f.name.value}: orderBy has no metric`).toBeDefined();
    expect(ENUM_LABELS[named(metric!.type)], `no labels for ${named(metric!.type)}`).toBeDefined();
  });

  it('words the new facts as the worksheet does', () => {
    expect(SERVICE_REQUEST_DIMENSION_LABELS.TIMELINESS.zh).toBe('解决时效');
    expect(SERVICE_REQUEST_DIMENSION_LABELS.STATUS.zh).toBe('请求状态');
    expect(SERVICE_REQUEST_DIMENSION_LABELS.ASSIGNEE.zh).toBe('处理人');
    expect(SERVICE_REQUEST_METRIC_LABELS.HOURS_TO_RESOLVE).toEqual({ zh: '解决时长（小时）', en: 'Hours to resolve' });
    expect(TASK_DIMENSION_LABELS.TIMELINESS.zh).toBe('完成时效');
    expect(TASK_DIMENSION_LABELS.KIND.zh).toBe('待办类型');
    expect(TASK_DIMENSION_LABELS.ASSIGNEE.zh).toBe('负责人');
    expect(TASK_METRIC_LABELS.DAYS_TO_DONE).toEqual({ zh: '完成用时（天）', en: 'Days to done' });
  });
});
