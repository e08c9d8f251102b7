// The filter builder's state: a typed tree of groups (and/or, with not),
// conditions, nested-array blocks (some/none/every) and windowed figures
// (count, sum, change), and its exact conversion to and from the CustomerWhere JSON
// of the API (the form parseQuery returns and customers(where) takes).
//
//   toWhere(fromWhere(w)) deep-equals w for every where in the server's
//   canonical form (segment.ToInput: one field and one operator per object);
//   other valid wheres come back in that canonical form, meaning the same.
//   fromWhere(toWhere(t)) deep-equals t for every complete tree in canonical
//   form (canonicalTree), which is what fromWhere and the edit helpers keep.
//
// Incomplete conditions (no value picked yet) are left out of the where and
// counted, so the count and the list follow what is filled in.
import {
  ARRAYS,
  ARRAY_LABELS,
  CHANGE_WINDOW_MAX,
  FIELDS,
  MAX_CHANGE_PERCENT,
  ME,
  fieldSpec,
  opSpec,
  opsFor,
  type ArrayName,
  type FieldSpec,
  type FigureCmp,
  type Scope,
  type UiOp,
} from './catalog';

export type Where = Record<string, unknown>;

export type Range = { from: unknown; to: unknown };
/** The operand of a condition as the API takes it; null while not filled in. */
export type CondValue = string | number | boolean | string[] | Range | null;

export interface GroupNode {
  type: 'group';
  id: string;
  op: 'and' | 'or';
  not: boolean;
  children: BuilderNode[];
  /** An empty group that came from the API ({or: []} matches nothing, {and: []} everything): kept as such. */
  keepEmpty?: boolean;
}

export interface CondNode {
  type: 'cond';
  id: string;
  field: string;
  op: UiOp;
  value: CondValue;
}

/** "has an interaction where ..." (some), "has none where" (none), "every ... has" (every). */
export interface QuantNode {
  type: 'quant';
  id: string;
  array: ArrayName;
  q: 'some' | 'none' | 'every';
  where: GroupNode;
}

/**
 * A windowed figure compared with a value: the number (count) or the amount
 * (sum, deals) of the elements where ..., or the change in percent of the
 * deal amounts of the last window against the one before it (change, deals;
 * it takes no where: its where stays an empty group).
 */
export interface FigureNode {
  type: 'figure';
  id: string;
  array: ArrayName;
  fn: FigureFn;
  where: GroupNode;
  /** Change only (absent otherwise): the length of the two windows (12m); null while not filled in. */
  window?: string | null;
  cmp: FigureCmp;
  /** A count or a whole percent (number), or an amount in yuan (string); null while not filled in. */
  value: number | string | null;
}

export type FigureFn = 'count' | 'sum' | 'change';

export type BuilderNode = GroupNode | CondNode | QuantNode | FigureNode;

let seq = 0;
/** A fresh node id (unique in this page). */
export function newId(): string {
  seq += 1;
  return `n${seq}`;
}

export function emptyGroup(op: 'and' | 'or' = 'and'): GroupNode {
  return { type: 'group', id: newId(), op, not: false, children: [] };
}

const DURATION_RE = /^\d+[dwmy]$/;
export function isDuration(v: unknown): v is string {
  return typeof v === 'string' && DURATION_RE.test(v);
}

/** A window the server takes for a change figure: 1d up to half of 100 years. */
export function isChangeWindow(v: unknown): v is string {
  if (!isDuration(v)) return false;
  const n = Number(v.slice(0, -1));
  return n >= 1 && n <= CHANGE_WINDOW_MAX[v.slice(-1) as keyof typeof CHANGE_WINDOW_MAX];
}

/** A whole percent the server takes for a change figure. */
export function isChangePercent(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= MAX_CHANGE_PERCENT;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------- from JSON

/** Something in a where that the builder cannot show (an unknown field or operator). */
export class WhereShapeError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'WhereShapeError';
  }
}

const GROUP_KEYS = ['and', 'or', 'not'] as const;

/**
 * Reads a CustomerWhere JSON into a builder tree. The root is always a
 * group; its children are the conditions of the filter. Throws a
 * WhereShapeError for a field or operator the catalog does not know.
 */
export function fromWhere(where: Where | null | undefined): GroupNode {
  if (!where || Object.keys(where).length === 0) return emptyGroup();
  const node = readWhere(where, 'customer', 'where');
  if (node.type === 'group' && !node.not && !node.keepEmpty) return node;
  return { type: 'group', id: newId(), op: 'and', not: false, children: [node] };
}

/** One where object: a single node, or an AND group of its several keys. */
function readWhere(obj: Where, scope: Scope, path: string): BuilderNode {
  const nodes: BuilderNode[] = [];
  const keys = Object.keys(obj);
  // The server's order: fields in catalog order, arrays, and, or, not.
  for (const f of FIELDS[scope]) {
    if (f.name in obj) nodes.push(...readField(f, obj[f.name], `${path}.${f.name}`));
  }
  if (scope === 'customer') {
    for (const a of ARRAYS) {
      if (a in obj) nodes.push(...readArray(a, obj[a], `${path}.${a}`));
    }
  }
  for (const k of GROUP_KEYS) {
    if (!(k in obj)) continue;
    const v = obj[k];
    if (k === 'not') {
      if (!isObject(v)) throw new WhereShapeError(`${path}.not`, 'must be an object');
      const inner = readWhere(v, scope, `${path}.not`);
      nodes.push(orNever(inner, scope) ?? negate(inner));
      continue;
    }
    if (!Array.isArray(v)) throw new WhereShapeError(`${path}.${k}`, 'must be a list');
    const children = v.map((x, i) => {
      if (!isObject(x)) throw new WhereShapeError(`${path}.${k}[${i}]`, 'must be an object');
      return readWhere(x, scope, `${path}.${k}[${i}]`);
    });
    nodes.push({ type: 'group', id: newId(), op: k, not: false, children, ...(children.length === 0 ? { keepEmpty: true } : {}) });
  }
  for (const k of keys) {
    const known = (GROUP_KEYS as readonly string[]).includes(k) || !!fieldSpec(scope, k) || (scope === 'customer' && (ARRAYS as readonly string[]).includes(k));
    if (!known) throw new WhereShapeError(`${path}.${k}`, 'unknown field');
  }
  if (nodes.length === 1 && nodes[0]) return nodes[0];
  return { type: 'group', id: newId(), op: 'and', not: false, children: nodes, ...(nodes.length === 0 ? { keepEmpty: true } : {}) };
}

/** {not: {f: {gte: "30d"}}} on a nullable time: one "not in the last 30 days, or never" condition. */
function orNever(n: BuilderNode, scope: Scope): CondNode | null {
  if (n.type !== 'cond' || n.op !== 'within') return null;
  const f = fieldSpec(scope, n.field);
  if (!f || !f.nullable || (f.kind !== 'time' && f.kind !== 'date')) return null;
  return { ...n, op: 'notWithinOrNever' };
}

/** {not: X}: a negated group holding X (X's own and/or group when it is one). */
function negate(n: BuilderNode): GroupNode {
  if (n.type === 'group' && !n.not) return { ...n, not: true };
  return { type: 'group', id: newId(), op: 'and', not: true, children: [n] };
}

// The order the server writes a field's operators in (segment.opOrder).
const OP_ORDER = ['eq', 'ne', 'in', 'notIn', 'contains', 'startsWith', 'isNull', 'gt', 'gte', 'lt', 'lte', 'between', 'within', 'notWithin', 'hasAny', 'hasAll', 'hasNone', 'isEmpty', 'me'];

function readField(f: FieldSpec, val: unknown, path: string): CondNode[] {
  if (f.kind === 'search') {
    if (typeof val !== 'string') throw new WhereShapeError(path, 'must be a text');
    return [{ type: 'cond', id: newId(), field: f.name, op: 'contains', value: val }];
  }
  if (!isObject(val)) throw new WhereShapeError(path, 'must be an object of operators');
  const out: CondNode[] = [];
  for (const k of Object.keys(val)) {
    if (!OP_ORDER.includes(k)) throw new WhereShapeError(`${path}.${k}`, 'unknown operator');
  }
  for (const k of OP_ORDER) {
    if (!(k in val)) continue;
    const v = val[k] as CondValue;
    const c = (op: UiOp, value: CondValue): CondNode => ({ type: 'cond', id: newId(), field: f.name, op, value });
    switch (k) {
      case 'isNull':
        out.push(c(v === false ? 'notNull' : 'isNull', null));
        break;
      case 'isEmpty':
        out.push(c(v === false ? 'notEmpty' : 'isEmpty', null));
        break;
      case 'me':
        if (f.kind === 'userList') out.push(c(v === false ? 'notHasMe' : 'hasMe', null));
        else out.push(c(v === false ? 'ne' : 'eq', ME));
        break;
      case 'within':
        out.push(c('within', v));
        break;
      case 'notWithin':
        out.push(c('notWithin', v));
        break;
      case 'gte':
      case 'lt':
        if ((f.kind === 'time' || f.kind === 'date') && isDuration(v)) {
          out.push(c(k === 'gte' ? 'within' : 'notWithin', v));
          break;
        }
        out.push(c(k, v));
        break;
      default:
        if (!opSpec(f, k as UiOp)) throw new WhereShapeError(`${path}.${k}`, `not an operator of a ${f.kind} field`);
        out.push(c(k as UiOp, v));
    }
  }
  return out;
}

function readArray(a: ArrayName, val: unknown, path: string): BuilderNode[] {
  if (!isObject(val)) throw new WhereShapeError(path, 'must be an object');
  const out: BuilderNode[] = [];
  for (const k of Object.keys(val)) {
    if (!['some', 'none', 'every', 'count', 'sum', 'change'].includes(k)) throw new WhereShapeError(`${path}.${k}`, 'unknown operator');
  }
  for (const q of ['some', 'none', 'every'] as const) {
    if (!(q in val)) continue;
    const w = val[q];
    if (!isObject(w)) throw new WhereShapeError(`${path}.${q}`, 'must be an object');
    out.push({ type: 'quant', id: newId(), array: a, q, where: elementGroup(w, a, `${path}.${q}`) });
  }
  for (const fn of ['count', 'sum'] as const) {
    if (!(fn in val)) continue;
    const spec = val[fn];
    if (!isObject(spec)) throw new WhereShapeError(`${path}.${fn}`, 'must be an object');
    const w = spec.where;
    if (w !== undefined && w !== null && !isObject(w)) throw new WhereShapeError(`${path}.${fn}.where`, 'must be an object');
    for (const k of Object.keys(spec)) {
      if (!['where', 'eq', 'gt', 'gte', 'lt', 'lte'].includes(k)) throw new WhereShapeError(`${path}.${fn}.${k}`, 'unknown operator');
    }
    for (const cmp of ['eq', 'gt', 'gte', 'lt', 'lte'] as const) {
      if (!(cmp in spec)) continue;
      const value = spec[cmp];
      out.push({
        type: 'figure',
        id: newId(),
        array: a,
        fn,
        // Each comparison gets its own copy of the where (one node each).
        where: elementGroup(isObject(w) ? w : {}, a, `${path}.${fn}.where`),
        cmp,
        value: typeof value === 'number' || typeof value === 'string' ? value : null,
      });
    }
  }
  if ('change' in val) out.push(...readChange(a, val.change, `${path}.change`));
  return out;
}

const FIGURE_CMP_KEYS = ['eq', 'gt', 'gte', 'lt', 'lte'] as const;

/** {window: "12m", lte: -30}: one change figure per comparison (ANDed, as the server reads them). */
function readChange(a: ArrayName, spec: unknown, path: string): FigureNode[] {
  if (!ARRAY_LABELS[a].change) throw new WhereShapeError(path, 'change is offered for deals only');
  if (!isObject(spec)) throw new WhereShapeError(path, 'must be an object');
  for (const k of Object.keys(spec)) {
    if (k !== 'window' && !(FIGURE_CMP_KEYS as readonly string[]).includes(k)) throw new WhereShapeError(`${path}.${k}`, 'unknown operator');
  }
  const w = spec.window;
  if (!isDuration(w)) throw new WhereShapeError(`${path}.window`, 'must be a relative time such as 12m');
  // The server's spelling (012m is 12m), so the tree is canonical.
  const window = `${Number(w.slice(0, -1))}${w.slice(-1)}`;
  const out: FigureNode[] = [];
  for (const cmp of FIGURE_CMP_KEYS) {
    if (!(cmp in spec)) continue;
    const value = spec[cmp];
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new WhereShapeError(`${path}.${cmp}`, 'must be a whole percent');
    out.push({ type: 'figure', id: newId(), array: a, fn: 'change', where: emptyGroup(), window, cmp, value });
  }
  if (out.length === 0) throw new WhereShapeError(path, 'needs a comparison: eq, gt, gte, lt or lte');
  return out;
}

/** The where of a block, always a group (the block's own list of conditions). */
function elementGroup(w: Where, a: ArrayName, path: string): GroupNode {
  if (Object.keys(w).length === 0) return emptyGroup();
  const n = readWhere(w, a, path);
  if (n.type === 'group' && !n.not && !n.keepEmpty) return n;
  return { type: 'group', id: newId(), op: 'and', not: false, children: [n] };
}

// ------------------------------------------------------------------ to JSON

export interface ToWhereResult {
  /** The filter; null when nothing is filled in (no filter). */
  where: Where | null;
  /** Conditions left out because they are not filled in yet. */
  incomplete: number;
  /** Conditions that take part. */
  conditions: number;
}

/** The CustomerWhere of a builder tree (the root group). */
export function toWhere(root: GroupNode): ToWhereResult {
  const acc = { incomplete: 0, conditions: 0 };
  const w = writeNode(root, 'customer', acc);
  return { where: w && Object.keys(w).length > 0 ? w : null, ...acc };
}

type Acc = { incomplete: number; conditions: number };

function writeNode(n: BuilderNode, scope: Scope, acc: Acc): Where | null {
  switch (n.type) {
    case 'group':
      return writeGroup(n, scope, acc);
    case 'cond':
      return writeCond(n, scope, acc);
    case 'quant': {
      const inner = writeGroup(n.where, n.array, acc);
      acc.conditions += 1;
      return { [n.array]: { [n.q]: inner ?? {} } };
    }
    case 'figure': {
      if (n.fn === 'change') {
        const value = figureValue(n);
        if (value === null || !isChangeWindow(n.window)) {
          acc.incomplete += 1;
          return null;
        }
        acc.conditions += 1;
        return { [n.array]: { change: { window: n.window, [n.cmp]: value } } };
      }
      const inner = writeGroup(n.where, n.array, acc);
      const value = figureValue(n);
      if (value === null) {
        acc.incomplete += 1;
        return null;
      }
      acc.conditions += 1;
      const spec: Where = { [n.cmp]: value };
      if (inner && Object.keys(inner).length > 0) spec.where = inner;
      return { [n.array]: { [n.fn]: spec } };
    }
  }
}

function figureValue(n: FigureNode): number | string | null {
  if (n.value === null || n.value === '') return null;
  if (n.fn === 'count') {
    const v = typeof n.value === 'number' ? n.value : Number(n.value);
    return Number.isInteger(v) && v >= 0 ? v : null;
  }
  if (n.fn === 'change') {
    const v = typeof n.value === 'number' ? n.value : Number(n.value);
    return isChangePercent(v) ? v : null;
  }
  return typeof n.value === 'number' ? n.value.toFixed(2) : n.value.trim() || null;
}

function writeGroup(g: GroupNode, scope: Scope, acc: Acc): Where | null {
  const parts = g.children.map((c) => writeNode(c, scope, acc)).filter((w): w is Where => w !== null);
  let inner: Where | null;
  if (parts.length === 0) inner = g.keepEmpty ? { [g.op]: [] } : null;
  else if (parts.length === 1) inner = parts[0] ?? null;
  else inner = { [g.op]: parts };
  if (inner === null) return null;
  return g.not ? { not: inner } : inner;
}

/** Whether a condition has what its operator needs. */
export function condComplete(c: CondNode, scope: Scope): boolean {
  const f = fieldSpec(scope, c.field);
  const o = f && opSpec(f, c.op);
  if (!f || !o) return false;
  const v = c.value;
  switch (o.value) {
    case 'none':
      return true;
    case 'text':
    case 'enum':
    case 'user':
    case 'time':
    case 'duration':
      return typeof v === 'string' && v.trim() !== '' && (o.value !== 'duration' || isDuration(v));
    case 'texts':
    case 'enums':
    case 'users':
    case 'tags':
      return Array.isArray(v) && v.length > 0;
    case 'number':
      return f.kind === 'money' ? typeof v === 'string' ? v.trim() !== '' : typeof v === 'number' : typeof v === 'number' && Number.isFinite(v);
    case 'numberRange':
    case 'timeRange':
      return isObject(v) && filled(v.from) && filled(v.to);
    case 'bool':
      return typeof v === 'boolean';
  }
}

function filled(x: unknown): boolean {
  if (typeof x === 'number') return Number.isFinite(x);
  return typeof x === 'string' && x.trim() !== '';
}

function writeCond(c: CondNode, scope: Scope, acc: Acc): Where | null {
  const f = fieldSpec(scope, c.field);
  const o = f && opSpec(f, c.op);
  if (!f || !o || !condComplete(c, scope)) {
    acc.incomplete += 1;
    return null;
  }
  acc.conditions += 1;
  if (f.kind === 'search') return { [f.name]: c.value };
  if (c.op === 'notWithinOrNever') return { not: { [f.name]: { gte: c.value } } };
  let value: unknown = c.value;
  let json = o.json;
  if (o.value === 'none') value = o.fixed;
  else if (o.value === 'user' && c.value === ME) {
    json = 'me';
    value = c.op === 'eq';
  } else if (f.kind === 'money') value = moneyText(c.value);
  return { [f.name]: { [json]: value } };
}

/** Money operands are decimal strings; a number typed in an input becomes one. */
function moneyText(v: CondValue): unknown {
  if (typeof v === 'number') return v.toFixed(2);
  if (isObject(v)) return { from: moneyText(v.from as CondValue), to: moneyText(v.to as CondValue) };
  return v;
}

// ------------------------------------------------------------ edit helpers

/** A new condition on a field with its first operator and no value yet. */
export function newCond(scope: Scope, field: string): CondNode {
  const f = fieldSpec(scope, field);
  const first = f ? opsFor(f)[0] : undefined;
  return { type: 'cond', id: newId(), field, op: first?.key ?? 'eq', value: first ? initialValue(first.value) : null };
}

function initialValue(kind: string): CondValue {
  switch (kind) {
    case 'bool':
      return true;
    default:
      return null;
  }
}

/**
 * Changes a condition's field or operator, keeping the value when the new
 * operator takes the same kind of value (tier in [A] -> tier not in [A]).
 */
export function changeCond(c: CondNode, scope: Scope, patch: { field?: string; op?: UiOp; value?: CondValue }): CondNode {
  if (patch.field !== undefined && patch.field !== c.field) {
    const next = newCond(scope, patch.field);
    return { ...next, id: c.id };
  }
  if (patch.op !== undefined && patch.op !== c.op) {
    const f = fieldSpec(scope, c.field);
    const from = f && opSpec(f, c.op);
    const to = f && opSpec(f, patch.op);
    if (!to) return c;
    let value: CondValue = initialValue(to.value);
    if (from && from.value === to.value) value = c.value;
    else if (from?.value === 'enum' && to.value === 'enums' && typeof c.value === 'string') value = [c.value];
    else if (from?.value === 'enums' && to.value === 'enum' && Array.isArray(c.value)) value = c.value[0] ?? null;
    else if (from?.value === 'text' && to.value === 'texts' && typeof c.value === 'string' && c.value) value = [c.value];
    else if (from?.value === 'users' && to.value === 'user' && Array.isArray(c.value)) value = c.value[0] ?? null;
    else if (from?.value === 'user' && to.value === 'users' && typeof c.value === 'string' && c.value !== ME) value = [c.value];
    return canonicalCond({ ...c, op: patch.op, value }, scope);
  }
  if (patch.value !== undefined) return canonicalCond({ ...c, value: patch.value }, scope);
  return c;
}

/** gte/lt of a relative time on a time field read back as within/notWithin: say so at once. */
function canonicalCond(c: CondNode, scope: Scope): CondNode {
  const f = fieldSpec(scope, c.field);
  if (f && (f.kind === 'time' || f.kind === 'date') && isDuration(c.value)) {
    if (c.op === 'gte') return { ...c, op: 'within' };
    if (c.op === 'lt') return { ...c, op: 'notWithin' };
  }
  return c;
}

/** Applies fn to the node with the id (anywhere in the tree); the rest is shared. */
export function updateNode(root: GroupNode, id: string, fn: (n: BuilderNode) => BuilderNode | null): GroupNode {
  const walk = (n: BuilderNode): BuilderNode | null => {
    if (n.id === id) return fn(n);
    switch (n.type) {
      case 'group': {
        let changed = false;
        const children: BuilderNode[] = [];
        for (const c of n.children) {
          const next = walk(c);
          if (next !== c) changed = true;
          if (next) children.push(next);
        }
        return changed ? { ...n, children } : n;
      }
      case 'quant':
      case 'figure': {
        const where = walk(n.where);
        return where === n.where ? n : { ...n, where: (where as GroupNode | null) ?? emptyGroup() };
      }
      default:
        return n;
    }
  };
  const out = walk(root);
  return out && out.type === 'group' ? out : emptyGroup();
}

export function removeNode(root: GroupNode, id: string): GroupNode {
  return updateNode(root, id, () => null);
}

export function addChild(root: GroupNode, groupId: string, child: BuilderNode): GroupNode {
  return updateNode(root, groupId, (n) => (n.type === 'group' ? { ...n, children: [...n.children, child], keepEmpty: false } : n));
}

/** The scope of the conditions of each group (customer, or the array of the block it belongs to). */
export function scopeIndex(root: GroupNode): Map<string, Scope> {
  const out = new Map<string, Scope>();
  const walk = (n: BuilderNode, scope: Scope) => {
    out.set(n.id, scope);
    if (n.type === 'group') n.children.forEach((c) => walk(c, scope));
    if (n.type === 'quant' || n.type === 'figure') walk(n.where, n.array);
  };
  walk(root, 'customer');
  return out;
}

/** How many conditions and blocks the tree holds, those inside blocks too (for a badge). */
export function countConditions(root: GroupNode): number {
  let n = 0;
  const walk = (x: BuilderNode) => {
    if (x.type === 'group') x.children.forEach(walk);
    else n += 1;
    if (x.type === 'quant' || x.type === 'figure') walk(x.where);
  };
  walk(root);
  return n;
}

/** The tree without ids (for comparing trees in tests and for "has it changed"). */
export function shape(n: BuilderNode): unknown {
  switch (n.type) {
    case 'group':
      return { g: n.op, not: n.not, keepEmpty: !!n.keepEmpty && n.children.length === 0, c: n.children.map(shape) };
    case 'cond':
      return { f: n.field, op: n.op, v: n.value };
    case 'quant':
      return { a: n.array, q: n.q, w: shape(n.where) };
    case 'figure':
      return { a: n.array, fn: n.fn, w: shape(n.where), cmp: n.cmp, v: n.value, ...(n.fn === 'change' ? { win: n.window ?? null } : {}) };
  }
}

// ------------------------------------------------------------------ presets

export type BlockPreset =
  | { kind: 'quant'; array: ArrayName; q: QuantNode['q'] }
  | { kind: 'figure'; array: ArrayName; fn: FigureFn }
  | { kind: 'visits' | 'interactions' | 'complaints' | 'dealsSum' | 'dealsDrop' };

/** The window a new change figure starts with (a year, month by month). */
const CHANGE_WINDOW = '12m';

/** A figure switched to another fn: the value starts over; change takes a window and no where. */
export function changeFigureFn(n: FigureNode, fn: FigureFn): FigureNode {
  if (fn === n.fn) return n;
  const base = { type: 'figure', id: n.id, array: n.array, fn, cmp: n.cmp, value: null } as const;
  if (fn === 'change') return { ...base, where: emptyGroup(), window: CHANGE_WINDOW };
  return { ...base, where: n.fn === 'change' ? emptyGroup() : n.where };
}

/** A new block: a plain some/none/every or figure, or a windowed shorthand filled in. */
export function newBlock(p: BlockPreset): QuantNode | FigureNode {
  const cond = (scope: Scope, field: string, op: UiOp, value: CondValue): CondNode => ({ ...newCond(scope, field), op, value });
  switch (p.kind) {
    case 'quant':
      return { type: 'quant', id: newId(), array: p.array, q: p.q, where: emptyGroup() };
    case 'figure':
      return {
        type: 'figure',
        id: newId(),
        array: p.array,
        fn: p.fn,
        where: emptyGroup(),
        ...(p.fn === 'change' ? { window: CHANGE_WINDOW } : {}),
        cmp: 'gte',
        value: null,
      };
    case 'visits':
    case 'interactions':
    case 'complaints': {
      const where = emptyGroup();
      if (p.kind === 'visits') where.children.push(cond('interactions', 'channel', 'eq', 'VISIT'));
      if (p.kind === 'complaints') where.children.push(cond('interactions', 'keyEvent', 'eq', 'COMPLAINT'));
      where.children.push(cond('interactions', 'at', 'within', p.kind === 'complaints' ? '180d' : '90d'));
      return {
        type: 'figure',
        id: newId(),
        array: 'interactions',
        fn: 'count',
        where,
        cmp: p.kind === 'complaints' ? 'eq' : 'gte',
        value: p.kind === 'visits' ? 3 : p.kind === 'complaints' ? 0 : 5,
      };
    }
    case 'dealsSum': {
      const where = emptyGroup();
      where.children.push(cond('deals', 'date', 'within', '365d'));
      return { type: 'figure', id: newId(), array: 'deals', fn: 'sum', where, cmp: 'gte', value: '500000.00' };
    }
    case 'dealsDrop':
      // deal-change(12m):<=-30: the deals of the last 12 months fell by 30% or more
      return { type: 'figure', id: newId(), array: 'deals', fn: 'change', where: emptyGroup(), window: CHANGE_WINDOW, cmp: 'lte', value: -30 };
  }
}
