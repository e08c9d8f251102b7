// The filter builder: AND/OR groups (nestable, with NOT) of conditions on the
// customer's fields, blocks over contacts, interactions, needs and deals
// ("has an interaction where ..."), and windowed figures ("at least 3 visits
// in the last 90 days", "deal amount of the last 12 months down 30% or more
// against the 12 before"). It edits a builder tree (lib/segment/tree.ts); the
// list page turns that into the where, the query line and the URL.
import { useMemo, type ReactNode } from 'react';
import { Button, Checkbox, Dropdown, InputNumber, Select, Space, type MenuProps } from 'antd';
import { CloseOutlined, DeleteOutlined, DownOutlined, PlusOutlined } from '@ant-design/icons';
import { useI18n, type MessageKey } from '../../i18n';
import {
  ARRAYS,
  ARRAY_LABELS,
  CHANGE_WINDOW_MAX,
  FIELDS,
  FIELD_GROUPS,
  FIGURE_CMPS,
  FIGURE_CMP_LABELS,
  MAX_CHANGE_PERCENT,
  fieldSpec,
  opSpec,
  opsFor,
  type FieldGroup,
  type FigureCmp,
  type Scope,
  type UiOp,
} from '../../lib/segment/catalog';
import {
  addChild,
  changeCond,
  changeFigureFn,
  emptyGroup,
  newBlock,
  newCond,
  removeNode,
  updateNode,
  type BlockPreset,
  type BuilderNode,
  type CondNode,
  type FigureNode,
  type GroupNode,
  type QuantNode,
} from '../../lib/segment/tree';
import { DurationInput, ValueEditor } from './ValueEditor';

interface Props {
  tree: GroupNode;
  onChange: (tree: GroupNode) => void;
  /** Under the builder: the live count, problems. */
  footer?: ReactNode;
}

interface Ctx {
  root: GroupNode;
  onChange: (tree: GroupNode) => void;
}

export default function FilterBuilder({ tree, onChange, footer }: Props) {
  const { t } = useI18n();
  const ctx: Ctx = { root: tree, onChange };
  return (
    <div className="kehu-seg" data-testid="filter-builder">
      <GroupView ctx={ctx} group={tree} scope="customer" depth={0} />
      {tree.children.length === 0 && <div className="kehu-muted kehu-seg-empty">{t('seg.emptyRoot')}</div>}
      {footer}
    </div>
  );
}

function GroupView({ ctx, group, scope, depth, block }: { ctx: Ctx; group: GroupNode; scope: Scope; depth: number; block?: boolean }) {
  const { t, lang } = useI18n();
  const set = (fn: (g: GroupNode) => GroupNode) => ctx.onChange(updateNode(ctx.root, group.id, (n) => (n.type === 'group' ? fn(n) : n)));
  const add = (child: BuilderNode) => ctx.onChange(addChild(ctx.root, group.id, child));
  const isRoot = depth === 0;

  const blockItems: MenuProps['items'] = useMemo(() => {
    if (scope !== 'customer') return [];
    const tl = (l: { zh: string; en: string }) => l[lang];
    const item = (key: string, label: string) => ({ key, label });
    return [
      {
        type: 'group',
        key: 'windowed',
        label: t('seg.blockWindowed'),
        children: [
          item('p:visits', t('seg.preset.visits')),
          item('p:interactions', t('seg.preset.interactions')),
          item('p:complaints', t('seg.preset.complaints')),
          item('p:dealsSum', t('seg.preset.dealsSum')),
          item('p:dealsDrop', t('seg.preset.dealsDrop')),
        ],
      },
      {
        // "has one where ..."; the block's own select turns it into "has none" or "every".
        type: 'group',
        key: 'quant',
        label: t('seg.blockQuant'),
        children: ARRAYS.map((a) => item(`q:${a}:some`, `${tl(ARRAY_LABELS[a].some)}…`)),
      },
      {
        type: 'group',
        key: 'figure',
        label: t('seg.blockFigure'),
        children: [
          ...ARRAYS.map((a) => item(`f:${a}:count`, `${tl(ARRAY_LABELS[a].count)}…`)),
          item('f:deals:sum', `${tl(ARRAY_LABELS.deals.sum ?? ARRAY_LABELS.deals.count)}…`),
          item('f:deals:change', `${tl(ARRAY_LABELS.deals.change ?? ARRAY_LABELS.deals.count)}…`),
        ],
      },
    ];
  }, [scope, t, lang]);
  const onBlock: MenuProps['onClick'] = ({ key }) => {
    const [kind, a, x] = key.split(':');
    let p: BlockPreset | null = null;
    if (kind === 'p') p = { kind: a as 'visits' | 'interactions' | 'complaints' | 'dealsSum' | 'dealsDrop' };
    else if (kind === 'q') p = { kind: 'quant', array: a as QuantNode['array'], q: x as QuantNode['q'] };
    else if (kind === 'f') p = { kind: 'figure', array: a as FigureNode['array'], fn: x as FigureNode['fn'] };
    if (p) add(newBlock(p));
  };

  return (
    <div className={`kehu-seg-group${isRoot ? ' kehu-seg-root' : ''}${block ? ' kehu-seg-inblock' : ''}`} data-testid="seg-group" data-depth={depth}>
      {(!block || group.children.length > 1 || group.not || group.op === 'or') && (
        <div className="kehu-seg-group-head">
          <span>{t('seg.match')}</span>
          <Select
            size="small"
            aria-label={t('seg.match')}
            value={group.op}
            onChange={(op: 'and' | 'or') => set((g) => ({ ...g, op }))}
            options={[
              { value: 'and', label: t('seg.all') },
              { value: 'or', label: t('seg.any') },
            ]}
            style={{ width: lang === 'zh' ? 72 : 70 }}
            data-testid="seg-group-op"
          />
          <span>{t('seg.conditions')}</span>
          <Checkbox checked={group.not} onChange={(e) => set((g) => ({ ...g, not: e.target.checked }))}>
            {t('seg.not')}
          </Checkbox>
          {!isRoot && !block && (
            <Button
              size="small"
              type="text"
              icon={<DeleteOutlined />}
              aria-label={t('seg.removeGroup')}
              title={t('seg.removeGroup')}
              onClick={() => ctx.onChange(removeNode(ctx.root, group.id))}
              className="kehu-seg-remove"
            />
          )}
        </div>
      )}
      {block && group.children.length === 0 && <div className="kehu-muted kehu-seg-empty">{t('seg.anyRecord')}</div>}
      {group.children.map((c) => (
        <NodeView key={c.id} ctx={ctx} node={c} scope={scope} depth={depth} />
      ))}
      <Space wrap size={6} className="kehu-seg-actions">
        <Button size="small" icon={<PlusOutlined />} onClick={() => add(newCond(scope, ''))} data-testid="seg-add-condition">
          {t('seg.addCondition')}
        </Button>
        {depth < 6 && (
          <Button
            size="small"
            onClick={() => add({ ...emptyGroup(group.op === 'and' ? 'or' : 'and'), children: [newCond(scope, '')] })}
            data-testid="seg-add-group"
          >
            {t('seg.addGroup')}
          </Button>
        )}
        {scope === 'customer' && depth < 6 && (
          <Dropdown menu={{ items: blockItems, onClick: onBlock }} trigger={['click']}>
            <Button size="small" data-testid="seg-add-block">
              {t('seg.addBlock')} <DownOutlined />
            </Button>
          </Dropdown>
        )}
      </Space>
    </div>
  );
}

function NodeView({ ctx, node, scope, depth }: { ctx: Ctx; node: BuilderNode; scope: Scope; depth: number }) {
  switch (node.type) {
    case 'group':
      return <GroupView ctx={ctx} group={node} scope={scope} depth={depth + 1} />;
    case 'cond':
      return <CondRow ctx={ctx} cond={node} scope={scope} />;
    case 'quant':
      return <QuantView ctx={ctx} node={node} depth={depth} />;
    case 'figure':
      return <FigureView ctx={ctx} node={node} depth={depth} />;
  }
}

function RemoveButton({ ctx, id, label }: { ctx: Ctx; id: string; label: MessageKey }) {
  const { t } = useI18n();
  return (
    <Button
      size="small"
      type="text"
      icon={<CloseOutlined />}
      aria-label={t(label)}
      title={t(label)}
      onClick={() => ctx.onChange(removeNode(ctx.root, id))}
      className="kehu-seg-remove"
    />
  );
}

type FieldOption = { value: string; label: string; search: string };
type FieldOptions = FieldOption[] | { label: string; title: string; options: FieldOption[] }[];

function useFieldOptions(scope: Scope): FieldOptions {
  const { lang } = useI18n();
  return useMemo((): FieldOptions => {
    const opt = (f: (typeof FIELDS)[Scope][number]): FieldOption => ({ value: f.name, label: f.label[lang], search: `${f.label.zh} ${f.label.en} ${f.line}` });
    if (scope !== 'customer') return FIELDS[scope].map(opt);
    const groups = new Map<FieldGroup, FieldOption[]>();
    for (const f of FIELDS.customer) {
      const g = f.group ?? 'text';
      groups.set(g, [...(groups.get(g) ?? []), opt(f)]);
    }
    return (Object.keys(FIELD_GROUPS) as FieldGroup[])
      .filter((g) => groups.has(g))
      .map((g) => ({ label: FIELD_GROUPS[g][lang], title: FIELD_GROUPS[g][lang], options: groups.get(g) ?? [] }));
  }, [scope, lang]);
}

function CondRow({ ctx, cond, scope }: { ctx: Ctx; cond: CondNode; scope: Scope }) {
  const { t, lang } = useI18n();
  const options = useFieldOptions(scope);
  const f = fieldSpec(scope, cond.field);
  const o = f ? opSpec(f, cond.op) : undefined;
  const change = (patch: Parameters<typeof changeCond>[2]) =>
    ctx.onChange(updateNode(ctx.root, cond.id, (n) => (n.type === 'cond' ? changeCond(n, scope, patch) : n)));
  const fieldLabel = f ? f.label[lang] : t('seg.pickField');
  return (
    <div className="kehu-seg-row" data-testid="seg-cond">
      <Select
        className="kehu-seg-field"
        aria-label={t('seg.pickField')}
        placeholder={t('seg.pickField')}
        showSearch
        defaultOpen={!f}
        autoFocus={!f}
        value={f ? cond.field : undefined}
        options={options as FieldOption[]}
        filterOption={(input, opt) => {
          const o2 = opt as { search?: string; label?: string } | undefined;
          return (o2?.search ?? o2?.label ?? '').toLowerCase().includes(input.toLowerCase());
        }}
        onChange={(field: string) => change({ field })}
        popupMatchSelectWidth={false}
      />
      {f && (
        <Select
          className="kehu-seg-op"
          aria-label={`${fieldLabel} ${t('seg.conditions')}`}
          value={cond.op}
          options={opsFor(f).map((x) => ({ value: x.key, label: x.label[lang] }))}
          onChange={(op: UiOp) => change({ op })}
          popupMatchSelectWidth={false}
        />
      )}
      {f && o && <ValueEditor field={f} op={o} value={cond.value} onChange={(value) => change({ value })} label={fieldLabel} />}
      <RemoveButton ctx={ctx} id={cond.id} label="seg.remove" />
    </div>
  );
}

function QuantView({ ctx, node, depth }: { ctx: Ctx; node: QuantNode; depth: number }) {
  const { lang } = useI18n();
  const labels = ARRAY_LABELS[node.array];
  return (
    <div className="kehu-seg-block" data-testid="seg-block" data-array={node.array}>
      <div className="kehu-seg-block-head">
        <Select
          size="small"
          aria-label={labels.noun[lang]}
          value={node.q}
          onChange={(q: QuantNode['q']) => ctx.onChange(updateNode(ctx.root, node.id, (n) => ({ ...(n as QuantNode), q })))}
          options={(['some', 'none', 'every'] as const).map((q) => ({ value: q, label: labels[q][lang] }))}
          popupMatchSelectWidth={false}
        />
        <div className="kehu-grow" />
        <RemoveButton ctx={ctx} id={node.id} label="seg.remove" />
      </div>
      <GroupView ctx={ctx} group={node.where} scope={node.array} depth={depth + 1} block />
    </div>
  );
}

function FigureView({ ctx, node, depth }: { ctx: Ctx; node: FigureNode; depth: number }) {
  const { t, lang } = useI18n();
  const labels = ARRAY_LABELS[node.array];
  const edit = (fn: (n: FigureNode) => FigureNode) => ctx.onChange(updateNode(ctx.root, node.id, (n) => (n.type === 'figure' ? fn(n) : n)));
  const set = (patch: Partial<FigureNode>) => edit((n) => ({ ...n, ...patch }));
  const fnOptions = [
    { value: 'count', label: labels.count[lang] },
    ...(labels.sum ? [{ value: 'sum', label: labels.sum[lang] }] : []),
    ...(labels.change ? [{ value: 'change', label: labels.change[lang] }] : []),
  ];
  const money = node.fn === 'sum';
  const change = node.fn === 'change';
  return (
    <div className="kehu-seg-block" data-testid="seg-block" data-array={node.array} data-fn={node.fn}>
      <div className="kehu-seg-block-head">
        <Select
          size="small"
          aria-label={labels.noun[lang]}
          value={node.fn}
          options={fnOptions}
          onChange={(fn: FigureNode['fn']) => edit((n) => changeFigureFn(n, fn))}
          popupMatchSelectWidth={false}
        />
        {change && (
          <>
            <span>{t('seg.changeLast')}</span>
            <DurationInput
              value={node.window ?? null}
              onChange={(window) => set({ window })}
              label={t('seg.changeWindow')}
              maxByUnit={CHANGE_WINDOW_MAX}
            />
            <span>{t('seg.changeVsBefore')}</span>
          </>
        )}
        <Select
          size="small"
          aria-label="≥"
          value={node.cmp}
          options={FIGURE_CMPS.map((c) => ({ value: c, label: FIGURE_CMP_LABELS[c] }))}
          onChange={(cmp: FigureCmp) => set({ cmp })}
          style={{ width: 64 }}
        />
        {change ? (
          <InputNumber<number>
            aria-label={t('seg.changePercent')}
            className="kehu-seg-number"
            value={typeof node.value === 'number' ? node.value : null}
            min={-MAX_CHANGE_PERCENT}
            max={MAX_CHANGE_PERCENT}
            precision={0}
            suffix="%"
            onChange={(v) => set({ value: typeof v === 'number' ? v : null })}
            style={{ width: 110 }}
          />
        ) : (
          <FigureValue money={money} value={node.value} onChange={(value) => set({ value })} label={money ? labels.sum?.[lang] ?? '' : labels.count[lang]} />
        )}
        <div className="kehu-grow" />
        <RemoveButton ctx={ctx} id={node.id} label="seg.remove" />
      </div>
      {change ? (
        <div className="kehu-muted kehu-seg-empty">{t('seg.changeHint')}</div>
      ) : (
        <GroupView ctx={ctx} group={node.where} scope={node.array} depth={depth + 1} block />
      )}
    </div>
  );
}

function FigureValue({ money, value, onChange, label }: { money: boolean; value: FigureNode['value']; onChange: (v: FigureNode['value']) => void; label: string }) {
  const field = useMemo(() => (money ? fieldSpec('customer', 'totalAmount') : fieldSpec('customer', 'interactionCount')), [money]);
  const op = field ? opsFor(field)[0] : undefined;
  if (!field || !op) return null;
  return (
    <ValueEditor
      field={field}
      op={op}
      value={value}
      onChange={(v) => onChange(typeof v === 'number' || typeof v === 'string' ? v : null)}
      label={label}
    />
  );
}
