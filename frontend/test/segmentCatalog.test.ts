// The builder's field table (src/lib/segment/catalog.ts) against the filter
// input types of ../schema.graphqls (generated from the server's catalog):
// same fields in the same order, the filter type each kind expects, and every
// operator the builder offers exists on that filter type. A field added on the
// server fails here (and, through the Record types, the build).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse, type InputObjectTypeDefinitionNode, type TypeNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ARRAYS, ARRAY_LABELS, FIELDS, FIELD_GROUPS, opsFor, type FieldSpec, type Scope } from '../src/lib/segment/catalog';
import { ENUM_LABELS } from '../src/i18n/enums';

const schemaPath = fileURLToPath(new URL('../../schema.graphqls', import.meta.url));
const doc = parse(readFileSync(schemaPath, 'utf8'));
const inputs = new Map(
  doc.definitions
    .filter((d): d is InputObjectTypeDefinitionNode => d.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION)
    .map((d) => [d.name.value, d]),
);

function named(t: TypeNode): string {
  return t.kind === Kind.NAMED_TYPE ? t.name.value : named(t.type);
}
function fieldsOf(type: string): Map<string, string> {
  const def = inputs.get(type);
  if (!def) throw new Error(`no input ${type} in the schema`);
  return new Map((def.fields ?? []).map((f) => [f.name.value, named(f.type)]));
}

const WHERE_TYPES: Record<Scope, string> = {
  customer: 'CustomerWhere',
  contacts: 'ContactWhere',
  interactions: 'InteractionWhere',
  needs: 'NeedWhere',
  deals: 'DealWhere',
  satisfaction: 'SatisfactionWhere',
  stageHistory: 'StageChangeWhere',
  serviceRequests: 'ServiceRequestWhere',
  tasks: 'TaskWhere',
};

/** The filter type of each array in CustomerWhere. */
const ARRAY_FILTERS: Record<string, string> = {
  contacts: 'ContactsFilter',
  interactions: 'InteractionsFilter',
  needs: 'NeedsFilter',
  deals: 'DealsFilter',
  satisfaction: 'SatisfactionFilter',
  stageHistory: 'StageChangesFilter',
  serviceRequests: 'ServiceRequestsFilter',
  tasks: 'TasksFilter',
};

/** The filter input type a field of each kind takes (Optional… when nullable). */
function expectedFilter(f: FieldSpec): string | RegExp {
  const opt = f.nullable && f.kind !== 'string' ? 'Optional' : '';
  switch (f.kind) {
    case 'search':
      return 'String';
    case 'string':
      return 'StringFilter';
    case 'enum':
      return `${opt}${f.enumType}Filter`;
    case 'owner':
      return `${opt}UserFilter`;
    case 'userList':
      return 'UserListFilter';
    case 'tags':
      return 'TagsFilter';
    case 'int':
      return `${opt}IntFilter`;
    case 'float':
      return `${opt}FloatFilter`;
    case 'money':
      return `${opt}MoneyFilter`;
    case 'time':
      return `${opt}TimeFilter`;
    case 'date':
      return `${opt}DateFilter`;
    case 'bool':
      return 'BooleanFilter';
  }
}

describe('filter builder catalog', () => {
  it.each(Object.entries(WHERE_TYPES))('%s fields match %s, in order', (scope, type) => {
    const schemaFields = [...fieldsOf(type).keys()].filter((n) => !['and', 'or', 'not', ...ARRAYS].includes(n));
    expect(FIELDS[scope as Scope].map((f) => f.name)).toEqual(schemaFields);
  });

  it('knows the arrays of CustomerWhere and their filter types', () => {
    const cw = fieldsOf('CustomerWhere');
    for (const a of ARRAYS) {
      const filter = cw.get(a);
      expect(filter, a).toBe(ARRAY_FILTERS[a]);
      const ops = fieldsOf(filter ?? '');
      expect([...ops.keys()].sort()).toEqual(
        ['count', 'every', 'none', 'some', ...(ARRAY_LABELS[a].sum ? ['sum'] : []), ...(ARRAY_LABELS[a].change ? ['change'] : [])].sort(),
      );
      expect(ops.get('some')).toBe(WHERE_TYPES[a]);
    }
  });

  it('offers the change figure for deals only, with the window and the comparisons tree.ts reads', () => {
    expect(ARRAYS.filter((a) => ARRAY_LABELS[a].change)).toEqual(['deals']);
    const change = fieldsOf(fieldsOf('DealsFilter').get('change') ?? '');
    expect([...change.entries()]).toEqual([
      ['window', 'String'],
      ['eq', 'Int'],
      ['gt', 'Int'],
      ['gte', 'Int'],
      ['lt', 'Int'],
      ['lte', 'Int'],
    ]);
    const window = inputs.get(fieldsOf('DealsFilter').get('change') ?? '')?.fields?.find((f) => f.name.value === 'window');
    expect(window?.type.kind).toBe(Kind.NON_NULL_TYPE);
    expect(ARRAY_LABELS.deals.change?.zh).toBe('成交额变化');
    expect(ARRAY_LABELS.deals.change?.en).toBeTruthy();
  });

  for (const scope of Object.keys(WHERE_TYPES) as Scope[]) {
    const schemaFields = fieldsOf(WHERE_TYPES[scope]);
    it.each(FIELDS[scope].map((f) => [`${scope}.${f.name}`, f] as const))('%s: filter type and operators', (_n, f) => {
      const filterType = schemaFields.get(f.name);
      expect(filterType).toBe(expectedFilter(f));
      if (f.kind === 'search') return;
      const filterOps = fieldsOf(filterType ?? '');
      for (const o of opsFor(f)) {
        expect(filterOps.has(o.json), `${f.name}: ${o.key} -> ${o.json} on ${filterType}`).toBe(true);
      }
      // every operator of the filter type is reachable from the builder (within/notWithin and me through their shorthands)
      const offered = new Set(opsFor(f).map((o) => o.json));
      if (f.kind === 'time' || f.kind === 'date') offered.add('within').add('notWithin');
      if (f.kind === 'owner') offered.add('me');
      expect([...filterOps.keys()].filter((k) => !offered.has(k))).toEqual([]);
      if (f.kind === 'enum') {
        const enumDef = doc.definitions.find((d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === f.enumType);
        expect(enumDef, f.enumType).toBeDefined();
        expect(ENUM_LABELS[f.enumType ?? '']).toContain(f.options);
      }
    });
  }

  it('labels every field and group in both languages', () => {
    for (const f of Object.values(FIELDS).flat()) {
      expect(f.label.zh, f.name).toBeTruthy();
      expect(f.label.en, f.name).toBeTruthy();
      if (f.scope === 'customer') expect(FIELD_GROUPS[f.group ?? 'text'], f.name).toBeDefined();
      for (const o of opsFor(f)) expect(o.label.zh && o.label.en, `${f.name} ${o.key}`).toBeTruthy();
    }
  });
});
