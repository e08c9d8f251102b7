// The builder tree <-> CustomerWhere JSON conversion (src/lib/segment/tree.ts).
// fixtures/segment-lines.json holds query lines with what the server's
// parseQuery answered for them (its canonical where) and formatQuery's line
// for that where; regenerate it against a running server when the language
// changes (see the note in the fixture's test below).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIELDS, ME, fieldSpec, opsFor, type FieldSpec, type Scope } from '../src/lib/segment/catalog';
import {
  WhereShapeError,
  addChild,
  changeCond,
  changeFigureFn,
  countConditions,
  emptyGroup,
  fromWhere,
  newBlock,
  newCond,
  removeNode,
  shape,
  toWhere,
  updateNode,
  type BuilderNode,
  type CondNode,
  type CondValue,
  type FigureNode,
  type GroupNode,
  type Where,
} from '../src/lib/segment/tree';

interface Fixture {
  line: string;
  where: Where;
  formatted: string | null;
}
const fixtures = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/segment-lines.json', import.meta.url)), 'utf8')) as Fixture[];

describe('where -> tree -> where', () => {
  it('has fixtures from the server', () => {
    expect(fixtures.length).toBeGreaterThan(30);
  });

  it.each(fixtures.map((f) => [f.line, f.where] as const))('%s', (_line, where) => {
    const tree = fromWhere(where);
    expect(toWhere(tree).where).toEqual(where);
    // and the tree reads back to the same tree
    expect(shape(fromWhere(toWhere(tree).where))).toEqual(shape(tree));
  });

  it('reads an empty filter as an empty root group, and writes it as no filter', () => {
    for (const w of [null, undefined, {}]) {
      const t = fromWhere(w);
      expect(t.children).toEqual([]);
      expect(toWhere(t)).toEqual({ where: null, incomplete: 0, conditions: 0 });
    }
  });

  it('keeps the empty or (matches nothing) and the empty and, also nested', () => {
    for (const w of [{ or: [] }, { and: [] }, { or: [{ and: [] }, { stage: { eq: 'WON' } }] }, { interactions: { some: { or: [] } } }, { not: { or: [] } }]) {
      expect(toWhere(fromWhere(w)).where).toEqual(w);
    }
  });

  it('writes other valid wheres in the canonical form (one field, one operator per object)', () => {
    const t = fromWhere({
      valueTier: { in: ['A', 'B'] },
      createdAt: { gte: '2026-01-01', lt: '2026-02-01' },
      lastInteractionAt: { within: '30d' },
      interactions: { some: { at: { notWithin: '1y' }, channel: { eq: 'VISIT' } }, count: { gte: 1, lte: 5 } },
    });
    expect(toWhere(t).where).toEqual({
      and: [
        { valueTier: { in: ['A', 'B'] } },
        { createdAt: { gte: '2026-01-01' } },
        { createdAt: { lt: '2026-02-01' } },
        { lastInteractionAt: { gte: '30d' } },
        // fields in catalog order inside an element too: at, then channel
        { interactions: { some: { and: [{ at: { lt: '1y' } }, { channel: { eq: 'VISIT' } }] } } },
        { interactions: { count: { gte: 1 } } },
        { interactions: { count: { lte: 5 } } },
      ],
    });
  });

  it('reads within/notWithin and gte/lt of a relative time as the same builder operators', () => {
    const a = fromWhere({ lastInteractionAt: { within: '30d' } });
    const b = fromWhere({ lastInteractionAt: { gte: '30d' } });
    expect(shape(a)).toEqual(shape(b));
    expect((a.children[0] as CondNode).op).toBe('within');
    expect((fromWhere({ lastDealOn: { lt: '3m' } }).children[0] as CondNode).op).toBe('notWithin');
    // an absolute bound stays gte
    expect((fromWhere({ lastDealOn: { gte: '2026-01-01' } }).children[0] as CondNode).op).toBe('gte');
    // relative times on gt and lte have no shorthand
    expect((fromWhere({ lastInteractionAt: { gt: '30d' } }).children[0] as CondNode).op).toBe('gt');
  });

  it('"not in the last 30 days, or never" on a nullable time is one condition, written as not(within)', () => {
    const w = { not: { lastInteractionAt: { gte: '30d' } } };
    const t = fromWhere(w);
    expect(t.children).toHaveLength(1);
    expect(t.not).toBe(false);
    const c = t.children[0] as CondNode;
    expect(c.op).toBe('notWithinOrNever');
    expect(c.value).toBe('30d');
    expect(toWhere(t).where).toEqual(w);
    // the strict form stays strict
    expect(toWhere(fromWhere({ lastInteractionAt: { lt: '30d' } })).where).toEqual({ lastInteractionAt: { lt: '30d' } });
    // not() of anything else stays a negated group
    const g = fromWhere({ not: { createdAt: { gte: '30d' } } });
    expect(g.children[0]?.type).toBe('group');
    expect(toWhere(fromWhere({ not: { lastInteractionAt: { gte: '2026-01-01' } } })).where).toEqual({ not: { lastInteractionAt: { gte: '2026-01-01' } } });
    // the picker offers it first after "within" for nullable times only
    const last = fieldSpec('customer', 'lastInteractionAt')!;
    expect(opsFor(last).map((o) => o.key).slice(0, 3)).toEqual(['within', 'notWithinOrNever', 'notWithin']);
    expect(opsFor(fieldSpec('customer', 'createdAt')!).map((o) => o.key)).not.toContain('notWithinOrNever');
  });

  it('reads me, isNull, isEmpty as their own operators', () => {
    const ops = (w: Where) => (fromWhere(w).children[0] as CondNode).op;
    expect(ops({ owner: { me: true } })).toBe('eq');
    expect((fromWhere({ owner: { me: true } }).children[0] as CondNode).value).toBe(ME);
    expect(ops({ owner: { me: false } })).toBe('ne');
    expect(ops({ city: { isNull: true } })).toBe('isNull');
    expect(ops({ city: { isNull: false } })).toBe('notNull');
    expect(ops({ tags: { isEmpty: true } })).toBe('isEmpty');
    expect(ops({ tags: { isEmpty: false } })).toBe('notEmpty');
    // an interaction's participants: me is "includes me", not "is me"
    const inner = (w: Where) => ((fromWhere({ interactions: { some: w } }).children[0] as { where: GroupNode }).where.children[0] as CondNode).op;
    expect(inner({ participants: { me: true } })).toBe('hasMe');
    expect(inner({ participants: { me: false } })).toBe('notHasMe');
    expect(inner({ participants: { isEmpty: true } })).toBe('isEmpty');
    expect(toWhere(fromWhere({ interactions: { some: { participants: { me: false } } } })).where).toEqual({ interactions: { some: { participants: { me: false } } } });
  });

  it('refuses what the builder cannot show', () => {
    expect(() => fromWhere({ colour: { eq: 'red' } })).toThrow(WhereShapeError);
    expect(() => fromWhere({ stage: { like: 'W%' } })).toThrow(/where\.stage\.like/);
    expect(() => fromWhere({ interactions: { some: { amount: { gt: '1' } } } })).toThrow(/where\.interactions\.some\.amount: unknown field/);
    expect(() => fromWhere({ contacts: { sum: { gt: 1 } } })).not.toThrow(); // the server says sum is for deals only
    expect(() => fromWhere({ tags: { contains: 'x' } })).toThrow(WhereShapeError);
  });
});

describe('tree -> where', () => {
  it('builds the nested segment of the browser test', () => {
    let root = emptyGroup();
    const tier = { ...newCond('customer', 'valueTier'), value: ['A', 'B'] };
    root = addChild(root, root.id, tier);
    const block = newBlock({ kind: 'quant', array: 'interactions', q: 'some' });
    root = addChild(root, root.id, block);
    root = addChild(root, block.where.id, { ...newCond('interactions', 'channel'), value: ['VISIT'] });
    const at = newCond('interactions', 'at');
    root = addChild(root, block.where.id, at);
    // not filled in yet: left out and counted
    expect(toWhere(root)).toMatchObject({ incomplete: 1 });
    root = updateNode(root, at.id, (n) => changeCond(n as CondNode, 'interactions', { value: '90d' }));
    expect(toWhere(root)).toEqual({
      where: {
        and: [
          { valueTier: { in: ['A', 'B'] } },
          { interactions: { some: { and: [{ channel: { in: ['VISIT'] } }, { at: { gte: '90d' } }] } } },
        ],
      },
      incomplete: 0,
      conditions: 4,
    });
    expect(countConditions(root)).toBe(4);
  });

  it('writes the windowed presets as the server writes its shorthands', () => {
    const byLine = (l: string) => fixtures.find((f) => f.line === l)?.where;
    const visits = toWhere({ ...emptyGroup(), children: [newBlock({ kind: 'visits' })] }).where;
    expect(visits).toEqual({ interactions: { count: { gte: 3, where: { and: [{ channel: { eq: 'VISIT' } }, { at: { gte: '90d' } }] } } } });
    const sum = toWhere({ ...emptyGroup(), children: [newBlock({ kind: 'dealsSum' })] }).where;
    expect(sum).toEqual(byLine('deals(365d):>=100000 deals(365d):<500000') && { deals: { sum: { gte: '500000.00', where: { date: { gte: '365d' } } } } });
    const complaints = toWhere({ ...emptyGroup(), children: [newBlock({ kind: 'complaints' })] }).where;
    expect(complaints).toEqual({ interactions: { count: { eq: 0, where: { and: [{ keyEvent: { eq: 'COMPLAINT' } }, { at: { gte: '180d' } }] } } } });
  });

  it('writes groups: or, not, a single child unwrapped, empty ones left out', () => {
    const c = (field: string, value: CondValue, op?: CondNode['op']): CondNode => ({ ...newCond('customer', field), value, ...(op ? { op } : {}) });
    const or: GroupNode = { ...emptyGroup('or'), children: [c('valueTier', ['A']), c('stage', ['WON'])] };
    const not: GroupNode = { ...emptyGroup(), not: true, children: [c('city', '深圳', 'eq')] };
    const empty = emptyGroup('or');
    const root: GroupNode = { ...emptyGroup(), children: [or, not, empty] };
    expect(toWhere(root).where).toEqual({
      and: [{ or: [{ valueTier: { in: ['A'] } }, { stage: { in: ['WON'] } }] }, { not: { city: { eq: '深圳' } } }],
    });
  });

  it('writes money as decimal text and me as {me}', () => {
    const money = { ...newCond('customer', 'totalAmount'), op: 'gte' as const, value: 500000 };
    const me = { ...newCond('customer', 'owner'), op: 'ne' as const, value: ME };
    const between = { ...newCond('customer', 'totalAmount'), op: 'between' as const, value: { from: 1, to: '2.50' } };
    expect(toWhere({ ...emptyGroup(), children: [money, me, between] }).where).toEqual({
      and: [{ totalAmount: { gte: '500000.00' } }, { owner: { me: false } }, { totalAmount: { between: { from: '1.00', to: '2.50' } } }],
    });
  });

  it('leaves out a figure without a value and a condition without one', () => {
    const fig = { ...newBlock({ kind: 'figure', array: 'deals', fn: 'count' }) };
    const text = newCond('customer', 'name');
    expect(toWhere({ ...emptyGroup(), children: [fig, text] })).toEqual({ where: null, incomplete: 2, conditions: 0 });
  });
});

// deal-change(12m):<=-30: the change in percent of the deal amounts of the
// last window against the one before it. The wheres below are written by hand
// as the server's ToInput writes them (checked against its parseQuery, see the
// deal-change lines of the fixture).
describe('change figures', () => {
  const change = (window: string, cmp: string, v: number): Where => ({ deals: { change: { window, [cmp]: v } } });
  const root = (...children: BuilderNode[]): GroupNode => ({ ...emptyGroup(), children });

  it('has deal-change lines from the server', () => {
    expect(fixtures.filter((f) => f.line.includes('deal-change') || f.line.includes('成交额变化')).length).toBeGreaterThanOrEqual(8);
  });

  it.each([
    change('12m', 'lte', -30),
    change('6m', 'gte', 50),
    change('2w', 'eq', 0),
    change('50y', 'gt', 1_000_000),
    change('18262d', 'lt', -1_000_000),
    { not: change('1y', 'lt', -10) },
    { or: [change('90d', 'eq', 0), { and: [change('1y', 'gt', 100), { valueTier: { eq: 'A' } }] }] },
    { and: [change('12m', 'gte', -50), change('12m', 'lte', -10), { deals: { sum: { gte: '100000.00', where: { date: { gte: '365d' } } } } }] },
    { and: [{ deals: { some: { product: { contains: 'ERP' } } } }, change('365d', 'lte', -30), { deals: { count: { gte: 2 } } }] },
  ])('round trip %j', (where) => {
    const tree = fromWhere(where);
    expect(toWhere(tree).where).toEqual(where);
    expect(shape(fromWhere(toWhere(tree).where))).toEqual(shape(tree));
  });

  it('reads a change as one figure with its window, no where, and the percent', () => {
    const t = fromWhere(change('12m', 'lte', -30));
    expect(t.children).toHaveLength(1);
    const f = t.children[0] as FigureNode;
    expect(f).toMatchObject({ type: 'figure', array: 'deals', fn: 'change', window: '12m', cmp: 'lte', value: -30 });
    expect(f.where.children).toEqual([]);
    expect(countConditions(t)).toBe(1);
    expect(toWhere(t)).toMatchObject({ incomplete: 0, conditions: 1 });
    // the window and the fn are part of the tree's shape
    expect(shape(fromWhere(change('6m', 'lte', -30)))).not.toEqual(shape(t));
    expect(shape(fromWhere({ deals: { count: { lte: -30 } } }))).not.toEqual(shape(t));
  });

  it('writes several comparisons and a padded window in the canonical form', () => {
    // as the server's formatQuery answers: deal-change(12m):>=-50 deal-change(12m):<=-10
    const t = fromWhere({ deals: { change: { window: '012m', lte: -10, gte: -50 }, sum: { gt: '1.00' } } });
    expect(toWhere(t).where).toEqual({ and: [{ deals: { sum: { gt: '1.00' } } }, change('12m', 'gte', -50), change('12m', 'lte', -10)] });
  });

  it('refuses a malformed change with the path of the fault', () => {
    const bad = (change: unknown) => () => fromWhere({ deals: { change } });
    expect(bad({ lte: -30 })).toThrow(WhereShapeError);
    expect(bad({ lte: -30 })).toThrow(/^where\.deals\.change\.window: /);
    expect(bad({ window: 12, lte: -30 })).toThrow(/^where\.deals\.change\.window: /);
    expect(bad({ window: 'a year', lte: -30 })).toThrow(/^where\.deals\.change\.window: /);
    expect(bad({ window: '12m', lte: -30, where: {} })).toThrow(/^where\.deals\.change\.where: unknown operator/);
    expect(bad({ window: '12m', ne: 5 })).toThrow(/^where\.deals\.change\.ne: unknown operator/);
    expect(bad({ window: '12m' })).toThrow(/^where\.deals\.change: needs a comparison/);
    expect(bad({ window: '12m', gte: 1.5 })).toThrow(/^where\.deals\.change\.gte: must be a whole percent/);
    expect(bad({ window: '12m', gte: '30' })).toThrow(/^where\.deals\.change\.gte: /);
    expect(bad('12m')).toThrow(/^where\.deals\.change: /);
    expect(() => fromWhere({ or: [{ valueTier: { eq: 'A' } }, { interactions: { change: { window: '12m', gte: 1 } } }] })).toThrow(
      /^where\.or\[1\]\.interactions\.change: change is offered for deals only/,
    );
    // a change inside a block's where is no field of a deal
    expect(() => fromWhere({ deals: { some: { change: { window: '12m', gte: 1 } } } })).toThrow(/^where\.deals\.some\.change: unknown field/);
  });

  it('leaves out a change without a window or percent the server takes, and counts it', () => {
    const fig = (window: string | null, value: FigureNode['value']): FigureNode => ({ ...(fromWhere(change('12m', 'gte', 1)).children[0] as FigureNode), window, value });
    for (const [window, value] of [
      [null, 10],
      ['', 10],
      ['0d', 10],
      ['51y', 10],
      ['601m', 10],
      ['2610w', 10],
      ['18263d', 10],
      ['12m', null],
      ['12m', 1.5],
      ['12m', 1_000_001],
      ['12m', -1_000_001],
    ] as const) {
      expect(toWhere(root(fig(window, value))), `${window} ${value}`).toEqual({ where: null, incomplete: 1, conditions: 0 });
    }
    expect(toWhere(root(fig('600m', -1_000_000))).where).toEqual(change('600m', 'gte', -1_000_000));
    expect(toWhere(root(fig('2609w', '-5'))).where).toEqual(change('2609w', 'gte', -5));
  });

  it('the preset is deal-change(12m):<=-30, as the server reads that line', () => {
    const preset = newBlock({ kind: 'dealsDrop' });
    const server = fixtures.find((f) => f.line === 'deal-change(12m):<=-30')?.where;
    expect(server).toEqual(change('12m', 'lte', -30));
    expect(toWhere(root(preset))).toEqual({ where: server, incomplete: 0, conditions: 1 });
    // a plain change block starts with a window and waits for its percent
    const plain = newBlock({ kind: 'figure', array: 'deals', fn: 'change' });
    expect(plain).toMatchObject({ fn: 'change', window: '12m', value: null });
    expect(toWhere(root(plain))).toEqual({ where: null, incomplete: 1, conditions: 0 });
    expect('window' in newBlock({ kind: 'figure', array: 'deals', fn: 'sum' })).toBe(false);
  });

  it('switches a figure to change and back: a window, no where, the value starts over', () => {
    let t = fromWhere({ deals: { count: { gte: 2, where: { date: { gte: '1y' } } } } });
    const id = t.children[0]?.id ?? '';
    t = updateNode(t, id, (n) => changeFigureFn(n as FigureNode, 'change'));
    const c = t.children[0] as FigureNode;
    expect(c).toMatchObject({ id, fn: 'change', window: '12m', value: null, cmp: 'gte' });
    expect(c.where.children).toEqual([]);
    expect(countConditions(t)).toBe(1);
    t = updateNode(t, id, (n) => ({ ...(n as FigureNode), value: -20 }));
    expect(toWhere(t).where).toEqual(change('12m', 'gte', -20));
    const back = changeFigureFn(t.children[0] as FigureNode, 'sum');
    expect('window' in back).toBe(false);
    expect(back).toMatchObject({ id, fn: 'sum', value: null });
    expect(back.where.children).toEqual([]);
    // count <-> sum keeps the where, as before
    const sum = changeFigureFn(fromWhere({ deals: { count: { gte: 2, where: { date: { gte: '1y' } } } } }).children[0] as FigureNode, 'sum');
    expect(toWhere(root({ ...sum, value: '10.00' })).where).toEqual({ deals: { sum: { gte: '10.00', where: { date: { gte: '1y' } } } } });
  });
});

describe('edit helpers', () => {
  it('keeps the value when the new operator takes the same kind, converts one <-> many', () => {
    const tier: CondNode = { ...newCond('customer', 'valueTier'), value: ['A', 'B'] };
    expect(tier.op).toBe('in');
    expect(changeCond(tier, 'customer', { op: 'notIn' }).value).toEqual(['A', 'B']);
    expect(changeCond(tier, 'customer', { op: 'eq' }).value).toBe('A');
    expect(changeCond({ ...tier, op: 'eq', value: 'C' }, 'customer', { op: 'in' }).value).toEqual(['C']);
    expect(changeCond(tier, 'customer', { op: 'isNull' }).value).toBeNull();
    // a new field starts over, same id
    const f = changeCond(tier, 'customer', { field: 'city' });
    expect(f).toMatchObject({ id: tier.id, field: 'city', op: 'contains', value: null });
  });

  it('turns gte/lt of a relative time into within/notWithin as it is typed', () => {
    const c: CondNode = { ...newCond('customer', 'createdAt'), op: 'gte', value: '2026-01-01' };
    expect(changeCond(c, 'customer', { value: '30d' }).op).toBe('within');
    expect(changeCond({ ...c, op: 'lt' }, 'customer', { value: '2y' }).op).toBe('notWithin');
  });

  it('removes and updates nodes anywhere, sharing the rest', () => {
    const t = fromWhere(fixtures[0]?.where);
    const inner = t.children.find((n) => n.type === 'figure');
    expect(inner).toBeDefined();
    const innerCond = inner?.type === 'figure' ? inner.where.children[0] : undefined;
    const t2 = removeNode(t, innerCond?.id ?? '');
    expect(t2.children[0]).toBe(t.children[0]);
    expect(JSON.stringify(toWhere(t2).where)).toContain('"interactions":{"count":{"gte":3,"where":{"at":{"gte":"90d"}}}}');
  });
});

// Random complete trees in canonical form: tree -> where -> tree gives the same tree.
describe('random round trips', () => {
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const pick = <T,>(xs: readonly T[]): T => xs[rnd(xs.length)] as T;

  const sampleValue = (f: FieldSpec, kind: string): CondValue => {
    const enumVals = Object.keys(f.options ?? {});
    switch (kind) {
      case 'none':
        return null;
      case 'text':
        return pick(['科技', '深圳市', 'ERP', '王']);
      case 'texts':
        return ['a', 'b'].slice(0, 1 + rnd(2));
      case 'enum':
        return pick(enumVals);
      case 'enums':
        return enumVals.slice(0, 2);
      case 'user':
        return pick([ME, 'u1']);
      case 'users':
        return ['u1', 'u2'];
      case 'tags':
        return ['高意向'];
      case 'number':
        return f.kind === 'money' ? '1200.50' : f.kind === 'float' ? 60.5 : 3;
      case 'numberRange':
        return f.kind === 'money' ? { from: '1.00', to: '2.00' } : { from: 1, to: 5 };
      case 'time':
        return pick(['2026-01-01', ...(kindIsRelOk(f) ? ['2w'] : [])]);
      case 'timeRange':
        return pick([{ from: '2026-01-01', to: '2026-03-31' }, { from: '90d', to: '30d' }]);
      case 'duration':
        return pick(['30d', '6m', '1y']);
      case 'bool':
        return pick([true, false]);
    }
    return null;
  };
  const kindIsRelOk = (f: FieldSpec) => f.kind === 'time' || f.kind === 'date';

  const cond = (scope: Scope): CondNode => {
    const f = pick(FIELDS[scope]);
    let o = pick(opsFor(f));
    // eq on a time field takes a day, never a relative time; gt/lte may take one
    let value = sampleValue(f, o.value);
    if (o.key === 'eq' && typeof value === 'string' && /\d[dwmy]$/.test(value)) value = '2026-01-01';
    if ((o.key === 'gte' || o.key === 'lt') && typeof value === 'string' && /\d[dwmy]$/.test(value)) o = opsFor(f).find((x) => x.key === 'gt') ?? o;
    return { type: 'cond', id: 'x', field: f.name, op: o.key, value };
  };

  const node = (scope: Scope, depth: number): BuilderNode => {
    const r = rnd(10);
    if (depth > 0 && r < 2) return group(scope, depth - 1, rnd(2) === 0);
    if (depth > 0 && r < 4 && scope === 'customer') {
      const array = pick(['contacts', 'interactions', 'needs', 'deals'] as const);
      if (rnd(2) === 0) return { type: 'quant', id: 'x', array, q: pick(['some', 'none', 'every'] as const), where: elementWhere(array, depth - 1) };
      const fn = array === 'deals' ? pick(['count', 'sum', 'change'] as const) : 'count';
      const cmp = pick(['eq', 'gt', 'gte', 'lt', 'lte'] as const);
      if (fn === 'change') return { type: 'figure', id: 'x', array, fn, where: emptyGroup(), window: pick(['12m', '90d', '2w', '1y']), cmp, value: rnd(201) - 100 };
      return { type: 'figure', id: 'x', array, fn, where: elementWhere(array, depth - 1), cmp, value: fn === 'sum' ? '500000.00' : rnd(5) };
    }
    return cond(scope);
  };
  // A block's where as fromWhere reads it: a non-negated group.
  const elementWhere = (scope: Scope, depth: number): GroupNode => {
    const g = group(scope, depth, false);
    return g;
  };
  const group = (scope: Scope, depth: number, not: boolean): GroupNode => {
    const n = 2 + rnd(3);
    const children = Array.from({ length: n }, () => node(scope, depth));
    return { type: 'group', id: 'x', op: rnd(2) === 0 ? 'and' : 'or', not, children };
  };

  it('survives 300 random trees', () => {
    for (let i = 0; i < 300; i++) {
      const t = group('customer', 3, false);
      const w = toWhere(t);
      expect(w.incomplete, JSON.stringify(shape(t))).toBe(0);
      const back = fromWhere(w.where);
      // and-groups inside and-groups (or in or) are flattened by nobody: same tree
      expect(toWhere(back).where).toEqual(w.where);
      expect(shape(back)).toEqual(shape(canonical(t)));
    }
  });
});

/**
 * The canonical form fromWhere reads back: what toWhere loses is only how a
 * single-child group was nested (a one-child and/or group is its child).
 */
function canonical(g: GroupNode): GroupNode {
  const norm = (n: BuilderNode): BuilderNode => {
    if (n.type === 'group') {
      const children = n.children.map(norm);
      if (!n.not && children.length === 1 && children[0]) return children[0];
      if (n.not && children.length === 1 && children[0]?.type === 'group' && !children[0].not) return { ...children[0], not: true };
      return { ...n, children };
    }
    if (n.type === 'quant' || n.type === 'figure') return { ...n, where: wrap(norm(n.where)) };
    return n;
  };
  const wrap = (n: BuilderNode): GroupNode => (n.type === 'group' && !n.not ? n : { type: 'group', id: 'x', op: 'and', not: false, children: [n] });
  return wrap(norm(g));
}
