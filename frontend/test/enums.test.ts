// Every enum value of ../schema.graphqls has a Chinese and an English label:
// a new value in the schema fails this test (and usually the build).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ENUM_LABELS } from '../src/i18n/enums';

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
});
