import { lazy, Suspense, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import {
  Badge,
  Button,
  Card,
  Checkbox,
  Drawer,
  Dropdown,
  Grid,
  Input,
  List,
  Pagination,
  Popover,
  Segmented,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
  type TableProps,
} from 'antd';
import {
  BookOutlined,
  DownloadOutlined,
  FilterOutlined,
  HistoryOutlined,
  PlusOutlined,
  SettingOutlined,
  SortAscendingOutlined,
  SortDescendingOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ListResetButton, useListMemory } from '../components/ListMemory';
import { RETURNS_BACK } from '../lib/history';
import type { ArchiveScope, CustomerListItemFragment, CustomerOrderField } from '../gql/graphql';
import { useI18n, type MessageKey } from '../i18n';
import {
  ARCHIVE_SCOPE_LABELS,
  CUSTOMER_TYPE_LABELS,
  INTENT_GRADE_LABELS,
  LIFECYCLE_LABELS,
  ORDER_FIELD_LABELS,
  STAGE_LABELS,
  VALUE_TIER_LABELS,
} from '../i18n/enums';
import dayjs from 'dayjs';
import { colors } from '../theme';
import { EnumTag } from '../components/EnumTag';
import { EmptyState, ErrorState } from '../components/States';
import { decodeListState, encodeListState, DEFAULT_SORT, MAX_QUERY, PAGE_SIZES, type ListState } from '../lib/urlState';
import { formatShortTime, formatTime } from '../lib/money';
import { filterVars, useCustomerList } from './customerListData';
import { useSession } from '../auth/session';
import { prefetchPages } from './lazy';
import { request } from '../api/client';
import { CustomersCountQuery } from '../api/operations';
import { isApiError } from '../api/errors';
import { errorText } from '../lib/errorText';
import { countConditions, toWhere, type Where } from '../lib/segment/tree';
import { queryProblem, splitAt, type QueryProblem } from '../lib/segment/queryProblem';
import { exportColumns, exportHref } from '../lib/segment/exportLinks';
import { useSegmentSync } from './segment/useSegmentSync';
import { SavedSegments } from './segment/SavedSegments';
import { PageHeading } from '../components/PageHeading';
import { SOURCE_CHOICES } from '../i18n/choices';
import { Money } from '../components/Money';
import { loadMine, loadRecent, saveMine, type RecentCustomer } from '../lib/recent';
import { BulkBar, BulkCheck } from './bulk/BulkBar';
import { useBulkSelection } from './bulk/useBulkSelection';

// The builder (and the date pickers it uses) loads when first opened.
const FilterBuilder = lazy(() => import('./segment/FilterBuilder'));
const BUILDER_KEY = 'kehu.filterOpen';

type Row = CustomerListItemFragment;

type ColumnKey =
  | 'code'
  | 'name'
  | 'stage'
  | 'valueTier'
  | 'lifecycle'
  | 'intentGrade'
  | 'owner'
  | 'primaryContact'
  | 'industry'
  | 'region'
  | 'type'
  | 'source'
  | 'tags'
  | 'lastInteractionAt'
  | 'nextFollowUpAt'
  | 'interactionCount'
  | 'dealCount'
  | 'totalAmount'
  | 'lastDealOn'
  | 'avgSatisfaction'
  | 'openNeedCount'
  | 'createdAt'
  | 'updatedAt';

interface ColumnDef {
  key: ColumnKey;
  title: MessageKey;
  sort?: CustomerOrderField;
  width?: number;
  align?: 'right';
  render: (r: Row) => React.ReactNode;
}

const COLUMNS_KEY = 'kehu.customerColumns';
const DEFAULT_COLUMNS: ColumnKey[] = [
  'code',
  'name',
  'stage',
  'valueTier',
  'intentGrade',
  'owner',
  'primaryContact',
  'lastInteractionAt',
  'totalAmount',
  'avgSatisfaction',
];

function loadColumns(all: ColumnKey[]): ColumnKey[] {
  try {
    const raw = localStorage.getItem(COLUMNS_KEY);
    if (raw) {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed)) {
        const keep = parsed.filter((k): k is ColumnKey => typeof k === 'string' && (all as string[]).includes(k));
        if (keep.length > 0) return keep.includes('name') ? keep : ['name', ...keep];
      }
    }
  } catch {
    // a broken saved value: use the defaults
  }
  return DEFAULT_COLUMNS;
}

let listReadyMarked = false;

/**
 * Records when the first list page of this page load is on screen (its
 * startTime counts from navigation start), and how long it took from the
 * sign-in (see PERFORMANCE-notes.md).
 */
function markListReady(): void {
  if (listReadyMarked) return;
  listReadyMarked = true;
  performance.mark('kehu:list-ready');
  if (performance.getEntriesByName('kehu:login-submit').length === 0) return;
  try {
    performance.measure('kehu:login-to-list', 'kehu:login-submit', 'kehu:list-ready');
  } catch {
    // marks missing: nothing to measure
  }
}

export function CustomerListPage() {
  const i18n = useI18n();
  const { t, label, lang } = i18n;
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  // 我的客户 comes back as this user left it on this browser (a link that
  // says mine=1 or mine=0 wins); the URL is brought in line below.
  const ownsCustomers = !!me?.assignable; // the server says who may own customers
  const rememberedMine = useMemo(() => ownsCustomers && !params.has('mine') && loadMine(me?.id), [ownsCustomers, params, me?.id]);
  const state = useMemo(() => {
    const s = decodeListState(params);
    return rememberedMine ? { ...s, mine: true } : s;
  }, [params, rememberedMine]);
  // The filter: the URL's query line, the box and the builder kept in step.
  // Setting the line reads the URL when it runs: the list may still be on
  // screen (kept by a route transition) after the user has moved on, and
  // must not pull them back.
  const seg = useSegmentSync(state.q, (line, how) => {
    if (window.location.pathname !== '/customers') return;
    const current = decodeListState(new URLSearchParams(window.location.search));
    if (current.q === line.trim()) return;
    setParams(encodeListState({ ...current, q: line, page: 1 }), { replace: how === 'replace' });
  });
  const { data, error, isPending, isFetching, refetch } = useCustomerList(state, seg.builderOnly);
  useListMemory(!!data);
  const screens = Grid.useBreakpoint();
  const mobile = screens.md === false;
  const tableRef = useRef<HTMLDivElement>(null);
  const boxRef = useRef<HTMLInputElement | null>(null);
  const [savedOpen, setSavedOpen] = useState(false);
  const [builderOpen, setBuilderOpenState] = useState<boolean>(() => {
    try {
      return localStorage.getItem(BUILDER_KEY) === '1';
    } catch {
      return false;
    }
  });
  const setBuilderOpen = (open: boolean) => {
    setBuilderOpenState(open);
    try {
      localStorage.setItem(BUILDER_KEY, open ? '1' : '0');
    } catch {
      // not kept
    }
  };

  useEffect(() => {
    if (data && !isFetching) {
      markListReady();
      // Warm the detail page's code while the user looks at the list.
      const id = window.setTimeout(prefetchPages, 800);
      return () => window.clearTimeout(id);
    }
    return undefined;
  }, [data, isFetching]);

  const update = (patch: Partial<ListState>, replace = false) => {
    const next = { ...state, ...patch };
    setParams(encodeListState(next), { replace });
  };

  useEffect(() => {
    if (rememberedMine) update({ mine: true }, true);
  }, [rememberedMine]);
  const setMine = (mine: boolean) => {
    saveMine(me?.id, mine);
    const next = encodeListState({ ...state, mine, page: 1 });
    if (!mine) next.set('mine', '0');
    setParams(next);
  };

  // "/" puts the caret into the search box (not while typing elsewhere).
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const el = document.activeElement;
      if (el instanceof HTMLElement && (el.isContentEditable || el.closest('input, textarea, select, [role="combobox"], .ant-modal'))) return;
      e.preventDefault();
      boxRef.current?.focus();
      boxRef.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const [recent, setRecent] = useState<RecentCustomer[]>([]);

  // Typing filters after a short pause; Enter at once (and adds a history entry).
  const boxTimer = useRef<number | undefined>(undefined);
  useEffect(() => {
    window.clearTimeout(boxTimer.current);
    boxTimer.current = window.setTimeout(() => seg.commitBox('replace'), 500);
    return () => window.clearTimeout(boxTimer.current);
  }, [seg.box]);

  // A line that does not parse: the caret goes to the spot the server names.
  const listProblem: QueryProblem | null = error ? queryProblem(error) : null;
  const problem = seg.boxProblem ?? (seg.box.trim() === state.q ? listProblem : null);
  const focusProblem = (p: QueryProblem | null) => {
    const el = boxRef.current;
    if (!p?.pos || !el || document.activeElement !== el) return;
    const { offset } = splitAt(el.value, p.pos);
    el.setSelectionRange(offset, offset);
  };
  useEffect(() => focusProblem(seg.boxProblem), [seg.boxProblem]);

  // The live count of what the builder holds, a moment after the last edit.
  const live = useMemo(() => toWhere(seg.tree), [seg.tree]);
  const [countWhere, setCountWhere] = useState<Where | null>(live.where);
  useEffect(() => {
    const id = window.setTimeout(() => setCountWhere(live.where), 300);
    return () => window.clearTimeout(id);
  }, [live.where]);
  const count = useQuery({
    queryKey: ['customersCount', countWhere ? JSON.stringify(countWhere) : '', state.scope],
    queryFn: async () => (await request(CustomersCountQuery, { where: countWhere, scope: state.scope })).customersCount,
    // not while a line is being read: the tree is about to change
    enabled: builderOpen && !seg.busy,
    placeholderData: (prev) => prev,
    staleTime: 10_000,
  });

  // A page past the end (an old link): go to the last page.
  useEffect(() => {
    if (data && !data.inRange && state.page > 1) {
      update({ page: Math.max(1, Math.ceil(data.totalCount / state.size)) }, true);
    }
  }, [data]);

  const defs: ColumnDef[] = useMemo(
    () => [
      { key: 'code', title: 'col.code', sort: 'CODE', width: 96, render: (r) => <span className="kehu-code">{r.code}</span> },
      {
        key: 'name',
        title: 'col.name',
        sort: 'NAME',
        width: 140,
        render: (r) => (
          <>
            <Link to={`/customers/${r.code}`} tabIndex={-1} onClick={(e) => e.stopPropagation()}>
              {r.name}
            </Link>
            {r.archivedAt && (
              <Tag style={{ marginInlineStart: 6 }} bordered={false}>
                {t('customer.archived')}
              </Tag>
            )}
          </>
        ),
      },
      { key: 'stage', title: 'col.stage', sort: 'STAGE', width: 96, render: (r) => <EnumTag map={STAGE_LABELS} value={r.stage} /> },
      { key: 'valueTier', title: 'col.valueTier', sort: 'VALUE_TIER', width: 108, render: (r) => <EnumTag map={VALUE_TIER_LABELS} value={r.valueTier} /> },
      { key: 'lifecycle', title: 'col.lifecycle', sort: 'LIFECYCLE', width: 100, render: (r) => <EnumTag map={LIFECYCLE_LABELS} value={r.lifecycle} /> },
      { key: 'intentGrade', title: 'col.intentGrade', sort: 'INTENT_GRADE', width: 100, render: (r) => <EnumTag map={INTENT_GRADE_LABELS} value={r.intentGrade} /> },
      {
        key: 'owner',
        title: 'col.owner',
        width: 68,
        render: (r) =>
          r.owner ? (
            <Tag bordered={false} color={r.owner.id === me?.id ? 'blue' : undefined}>
              {r.owner.name}
            </Tag>
          ) : null,
      },
      {
        key: 'primaryContact',
        title: 'col.primaryContact',
        width: 84,
        render: (r) => (r.contacts.find((c) => c.primary) ?? r.contacts[0])?.name ?? '',
      },
      { key: 'industry', title: 'col.industry', sort: 'INDUSTRY', width: 150, render: (r) => r.industry },
      { key: 'region', title: 'col.region', width: 140, render: (r) => [r.province, r.city].filter(Boolean).join(' ') },
      { key: 'type', title: 'col.type', sort: 'TYPE', width: 110, render: (r) => label(CUSTOMER_TYPE_LABELS, r.type) },
      { key: 'source', title: 'col.source', sort: 'SOURCE', width: 110, render: (r) => i18n.choice(SOURCE_CHOICES, r.source) },
      {
        key: 'tags',
        title: 'col.tags',
        width: 180,
        render: (r) =>
          r.tags.map((tag) => (
            <Tag key={tag} style={{ marginBottom: 2 }}>
              {tag}
            </Tag>
          )),
      },
      { key: 'lastInteractionAt', title: 'col.lastInteractionAt', sort: 'LAST_INTERACTION_AT', width: 112, render: (r) => <span title={formatTime(r.lastInteractionAt)}>{formatShortTime(r.lastInteractionAt)}</span> },
      { key: 'interactionCount', title: 'col.interactionCount', sort: 'INTERACTION_COUNT', width: 84, align: 'right', render: (r) => r.interactionCount },
      { key: 'dealCount', title: 'col.dealCount', sort: 'DEAL_COUNT', width: 100, align: 'right', render: (r) => r.dealCount },
      { key: 'totalAmount', title: 'col.totalAmount', sort: 'TOTAL_AMOUNT', width: 100, align: 'right', render: (r) => <Money value={r.totalAmount} /> },
      {
        key: 'nextFollowUpAt',
        title: 'col.nextFollowUpAt',
        sort: 'NEXT_FOLLOW_UP_AT',
        width: 112,
        render: (r) => {
          const overdue = r.nextFollowUpAt != null && dayjs(r.nextFollowUpAt).isBefore(dayjs());
          return (
            <span title={formatTime(r.nextFollowUpAt)} style={overdue ? { color: colors.error } : undefined}>
              {formatShortTime(r.nextFollowUpAt)}
            </span>
          );
        },
      },
      { key: 'lastDealOn', title: 'col.lastDealOn', sort: 'LAST_DEAL_ON', width: 120, render: (r) => r.lastDealOn ?? '' },
      {
        key: 'avgSatisfaction',
        title: 'col.avgSatisfaction',
        sort: 'AVG_SATISFACTION',
        width: 100,
        align: 'right',
        render: (r) => (r.avgSatisfaction == null ? '' : r.avgSatisfaction.toFixed(1)),
      },
      { key: 'openNeedCount', title: 'col.openNeedCount', sort: 'OPEN_NEED_COUNT', width: 100, align: 'right', render: (r) => r.openNeedCount },
      { key: 'createdAt', title: 'col.createdAt', sort: 'CREATED_AT', width: 150, render: (r) => formatTime(r.createdAt) },
      { key: 'updatedAt', title: 'col.updatedAt', sort: 'UPDATED_AT', width: 150, render: (r) => formatTime(r.updatedAt) },
    ],
    [label, me?.id, t],
  );
  const allKeys = useMemo(() => defs.map((d) => d.key), [defs]);
  const [visible, setVisible] = useState<ColumnKey[]>(() => loadColumns(allKeys));
  const setColumns = (keys: ColumnKey[]) => {
    const next = keys.includes('name') ? keys : ['name' as const, ...keys];
    setVisible(next);
    try {
      localStorage.setItem(COLUMNS_KEY, JSON.stringify(next));
    } catch {
      // not persisted
    }
  };

  const columns: TableColumnsType<Row> = defs
    .filter((d) => visible.includes(d.key))
    .map((d) => ({
      key: d.key,
      dataIndex: d.key,
      title: t(d.title),
      width: d.width,
      align: d.align,
      ellipsis: d.key === 'name' || d.key === 'industry' ? { showTitle: true } : false,
      sorter: d.sort ? true : false,
      sortDirections: ['descend', 'ascend', 'descend'],
      showSorterTooltip: false,
      sortOrder: d.sort && state.sort.field === d.sort ? (state.sort.direction === 'ASC' ? 'ascend' : 'descend') : null,
      render: (_: unknown, r: Row) => d.render(r),
    }));

  const onTableChange: TableProps<Row>['onChange'] = (_p, _f, sorter, extra) => {
    if (extra.action !== 'sort') return;
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const def = defs.find((d) => d.key === s?.columnKey);
    if (!def?.sort || !s?.order) {
      update({ sort: DEFAULT_SORT, page: 1 });
      return;
    }
    update({ sort: { field: def.sort, direction: s.order === 'ascend' ? 'ASC' : 'DESC' }, page: 1 });
  };

  const open = (r: Row) => navigate(`/customers/${r.code}`);
  const onRowKey = (e: KeyboardEvent<HTMLElement>, r: Row) => {
    const row = e.currentTarget;
    if (e.key === 'Enter') {
      e.preventDefault();
      open(r);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const sib = (e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
      if (sib?.tabIndex === 0) sib.focus();
    }
  };

  const columnChooser = (
    <Checkbox.Group
      value={visible}
      onChange={(v) => setColumns(v as ColumnKey[])}
      style={{ display: 'grid', gridTemplateColumns: mobile ? '1fr' : '1fr 1fr', gap: 6, maxWidth: 340 }}
    >
      {defs.map((d) => (
        <Checkbox key={d.key} value={d.key} disabled={d.key === 'name'}>
          {t(d.title)}
        </Checkbox>
      ))}
    </Checkbox.Group>
  );

  const total = listProblem ? 0 : data?.totalCount ?? 0;
  const rows = listProblem ? [] : data?.rows ?? [];
  // Bulk changes: the selection, and "all N" as the list's own filter.
  const bulk = useBulkSelection(rows, total, { ...filterVars(state, seg.builderOnly), scope: state.scope });
  const pagination = {
    current: state.page,
    pageSize: state.size,
    total,
    showSizeChanger: !mobile,
    showQuickJumper: !mobile,
    pageSizeOptions: PAGE_SIZES.map(String),
    simple: mobile,
    onChange: (page: number, size: number) => {
      update({ page: size !== state.size ? 1 : page, size });
      tableRef.current?.scrollIntoView({ block: 'start' });
    },
  };

  const nFilter = countConditions(seg.tree);
  const columnsParam = exportColumns(visible);
  const canExport = !seg.builderOnly && !problem;
  const exportView = { scope: state.scope, orderBy: state.sort.field, desc: state.sort.direction === 'DESC' };
  // 我的客户 goes into the file's filter too.
  const exportQuery = state.mine ? (state.q ? `owner:me (${state.q})` : 'owner:me') : state.q;
  const exportMenu = {
    items: [
      { key: 'csv', label: <a href={exportHref('csv', exportQuery, columnsParam, exportView)} download data-testid="export-csv">{t('seg.exportCsv')}</a> },
      { key: 'xlsx', label: <a href={exportHref('xlsx', exportQuery, columnsParam, exportView)} download data-testid="export-xlsx">{t('seg.exportXlsx')}</a> },
    ],
  };
  const exportButton = (
    <Tooltip title={canExport ? t('seg.exportHint') : t('seg.exportNoLine')}>
      <span>
        <Dropdown menu={exportMenu} trigger={['click']} disabled={!canExport} placement="bottomRight">
          <Button icon={<DownloadOutlined />} disabled={!canExport} aria-label={t('seg.export')} data-testid="export">
            {!mobile && t('seg.export')}
          </Button>
        </Dropdown>
      </span>
    </Tooltip>
  );

  const segErrorText = (e: unknown): string => {
    if (isApiError(e) && e.code === 'BAD_USER_INPUT' && e.fields[0]?.field.startsWith('where')) {
      const f = e.fields[0];
      return t('seg.invalid', { field: f.field.replace(/^where\.?/, '') || 'where', msg: i18n.problemText(f) });
    }
    return errorText(e, i18n);
  };

  const builderFooter = (
    <div className="kehu-seg-footer">
      <span
        aria-live="polite"
        data-testid="seg-count"
        data-count={count.data ?? ''}
        data-fetching={count.isFetching || seg.busy || countWhere !== live.where ? '1' : '0'}
      >
        {count.error ? (
          <Typography.Text type="danger">{segErrorText(count.error)}</Typography.Text>
        ) : count.data != null ? (
          <Typography.Text strong>
            {t('seg.count', { n: count.data.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US') })}
            {count.isFetching && <span className="kehu-muted"> · {t('seg.counting')}</span>}
          </Typography.Text>
        ) : (
          <span className="kehu-muted">{t('seg.counting')}</span>
        )}
      </span>
      {live.incomplete > 0 && <Typography.Text type="warning">{t('seg.incomplete', { n: live.incomplete })}</Typography.Text>}
      {seg.builderError != null && !count.error && <Typography.Text type="danger">{segErrorText(seg.builderError)}</Typography.Text>}
      {seg.shapeError && <Typography.Text type="warning">{t('seg.unsupported', { msg: seg.shapeError })}</Typography.Text>}
      <div className="kehu-grow" />
      {nFilter > 0 && (
        <Button size="small" onClick={() => seg.editTree({ ...seg.tree, children: [], keepEmpty: false, not: false, op: 'and' })}>
          {t('seg.clear')}
        </Button>
      )}
    </div>
  );

  const head = (
    <>
      <div className="kehu-page-head">
        <PageHeading title={t('list.title')} />
        <Typography.Text type="secondary" aria-live="polite" data-testid="customer-total">
          {data ? t('list.total', { n: total.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US') }) : ''}
        </Typography.Text>
        {ownsCustomers && (
          <Segmented<'all' | 'mine'>
            aria-label={t('list.ownerFilter')}
            value={state.mine ? 'mine' : 'all'}
            onChange={(v) => setMine(v === 'mine')}
            options={[
              { value: 'all', label: t('list.all') },
              { value: 'mine', label: t('list.mine') },
            ]}
            data-testid="mine-switch"
          />
        )}
        <ListResetButton />
        <div className="kehu-grow" />
        <Dropdown
          trigger={['click']}
          placement="bottomRight"
          onOpenChange={(o) => o && setRecent(loadRecent(me?.id))}
          menu={{
            items: recent.length
              ? recent.map((r) => ({ key: r.code, label: <Link to={`/customers/${encodeURIComponent(r.code)}`}>{r.name}</Link> }))
              : [{ key: 'none', label: t('list.recentNone'), disabled: true }],
          }}
        >
          <Button icon={<HistoryOutlined />} aria-label={t('list.recent')} data-testid="recent-open">
            {!mobile && t('list.recent')}
          </Button>
        </Dropdown>
        <Select<ArchiveScope>
          aria-label={t('list.scope')}
          value={state.scope}
          onChange={(scope) => update({ scope, page: 1 })}
          options={i18n.options(ARCHIVE_SCOPE_LABELS)}
          style={{ width: mobile ? 110 : 120 }}
        />
        {!mobile && (
          <Popover content={columnChooser} title={t('list.columns')} trigger="click" placement="bottomRight">
            <Button icon={<SettingOutlined />}>{t('list.columns')}</Button>
          </Popover>
        )}
        {exportButton}
        {mobile && (
          <Button icon={<BookOutlined />} onClick={() => setSavedOpen(true)} aria-label={t('saved.title')} data-testid="saved-open">
            {t('saved.open')}
          </Button>
        )}
        {me?.canCreateCustomers && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/customers/new', { state: RETURNS_BACK })}>
            {t('list.new')}
          </Button>
        )}
      </div>
      <div className="kehu-query-row">
        <Input.Search
          ref={(r) => {
            boxRef.current = r?.input ?? null;
          }}
          placeholder={t('list.search')}
          aria-label={t('list.search')}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'query-problem' : undefined}
          status={problem ? 'error' : undefined}
          allowClear
          value={seg.box}
          onChange={(e) => seg.setBox(e.target.value)}
          onSearch={(_v, _e, info) => {
            window.clearTimeout(boxTimer.current);
            seg.commitBox(info?.source === 'clear' ? 'replace' : 'push');
          }}
          onBlur={() => seg.commitBox('replace')}
          loading={isFetching && seg.box.trim() !== '' && seg.box.trim() === state.q}
          maxLength={MAX_QUERY}
          className="kehu-query-box"
          suffix={!mobile && !seg.box ? <kbd className="kehu-kbd" title={t('list.searchKey')}>/</kbd> : undefined}
          aria-keyshortcuts="/"
          data-testid="query-box"
          spellCheck={false}
        />
        <Badge count={nFilter} size="small" offset={[-4, 2]}>
          <Button
            icon={<FilterOutlined />}
            type={builderOpen ? 'primary' : 'default'}
            ghost={builderOpen}
            aria-expanded={builderOpen}
            aria-controls="filter-builder"
            onClick={() => setBuilderOpen(!builderOpen)}
            data-testid="filter-toggle"
          >
            {t('seg.filter')}
          </Button>
        </Badge>
      </div>
      {problem && <QueryProblemView line={seg.boxProblem ? seg.problemLine : state.q} problem={problem} />}
      {seg.builderOnly && (
        <Typography.Paragraph type="secondary" style={{ margin: '0 0 8px' }} data-testid="builder-only">
          {t('seg.builderOnly')}
        </Typography.Paragraph>
      )}
      {builderOpen && (
        <Card size="small" className="kehu-seg-card" id="filter-builder" title={t('seg.title')}>
          <Suspense fallback={<Skeleton active paragraph={{ rows: 2 }} />}>
            <FilterBuilder tree={seg.tree} onChange={seg.editTree} footer={builderFooter} />
          </Suspense>
        </Card>
      )}
    </>
  );

  const saved = (
    <SavedSegments
      scope={state.scope}
      current={{ query: state.q, where: seg.builderOnly }}
      onApply={(sg) => seg.apply(sg.query ?? null, sg.where)}
      onDone={() => setSavedOpen(false)}
    />
  );
  // Saved segments: a column beside the list on wide screens, a drawer on phones.
  const frame = (content: ReactNode) =>
    mobile ? (
      <>
        {content}
        <Drawer open={savedOpen} onClose={() => setSavedOpen(false)} placement="bottom" height="70%" title={null} closable={false}>
          {saved}
        </Drawer>
      </>
    ) : (
      <div className="kehu-list-layout">
        <aside className="kehu-list-side">{saved}</aside>
        <div className="kehu-list-main">{content}</div>
      </div>
    );

  if (error && !data && !listProblem) {
    return frame(
      <>
        {head}
        <ErrorState error={error} onRetry={() => void refetch()} />
      </>,
    );
  }

  const filtered = state.q !== '' || !!seg.builderOnly;
  const empty = (
    <EmptyState
      description={
        listProblem ? t('seg.queryErrorNoPos', { msg: i18n.problemText(listProblem) }) : seg.builderOnly ? t('list.emptyFilter') : state.q ? t('list.empty', { q: state.q }) : t('list.emptyAll')
      }
    >
      {filtered && (
        <Button onClick={() => (seg.builderOnly ? seg.editTree({ ...seg.tree, children: [], keepEmpty: false }) : update({ q: '', page: 1 }))}>
          {state.q.includes(':') || seg.builderOnly ? t('list.clearFilter') : t('list.clearSearch')}
        </Button>
      )}
    </EmptyState>
  );

  if (mobile) {
    const sortOptions = (Object.keys(ORDER_FIELD_LABELS) as CustomerOrderField[]).map((f) => ({
      value: f,
      label: label(ORDER_FIELD_LABELS, f),
    }));
    return frame(
      <>
        {head}
        <Space style={{ marginBottom: 12 }} wrap>
          <Select
            aria-label={t('list.sortBy')}
            value={state.sort.field}
            options={sortOptions}
            onChange={(f: CustomerOrderField) => update({ sort: { field: f, direction: state.sort.direction }, page: 1 })}
            style={{ width: 150 }}
          />
          <Button
            aria-label={state.sort.direction === 'ASC' ? 'ascending' : 'descending'}
            icon={state.sort.direction === 'ASC' ? <SortAscendingOutlined /> : <SortDescendingOutlined />}
            onClick={() =>
              update({ sort: { field: state.sort.field, direction: state.sort.direction === 'ASC' ? 'DESC' : 'ASC' }, page: 1 })
            }
          />
        </Space>
        <BulkBar bulk={bulk} mobile />
        <div ref={tableRef}>
          <List<Row>
            loading={isPending || isFetching}
            dataSource={rows}
            locale={{ emptyText: isPending ? ' ' : empty }}
            renderItem={(r, index) => (
              <List.Item style={{ padding: '0 0 10px', borderBlockEnd: 'none' }}>
                <Card
                  size="small"
                  className="kehu-card-clickable"
                  style={{ width: '100%', cursor: 'pointer' }}
                  tabIndex={0}
                  role="link"
                  aria-label={r.name}
                  onClick={() => open(r)}
                  onKeyDown={(e) => e.key === 'Enter' && open(r)}
                >
                  <div style={{ fontWeight: 600, marginBottom: 4 }}>
                    <BulkCheck bulk={bulk} row={r} index={index} />
                    {r.name}
                  </div>
                  <div className="kehu-muted" style={{ fontSize: 12, marginBottom: 6 }}>
                    {r.code} · {r.owner?.name ?? ''} · {formatTime(r.lastInteractionAt, false)}
                  </div>
                  <div>
                    <EnumTag map={STAGE_LABELS} value={r.stage} />
                    <EnumTag map={VALUE_TIER_LABELS} value={r.valueTier} />
                    <EnumTag map={INTENT_GRADE_LABELS} value={r.intentGrade} />
                    {r.totalAmount !== '0.00' && <span style={{ float: 'right' }}><Money value={r.totalAmount} /></span>}
                  </div>
                </Card>
              </List.Item>
            )}
          />
          {total > 0 && (
            <Pagination {...pagination} style={{ textAlign: 'center', marginTop: 8 }} />
          )}
        </div>
      </>,
    );
  }

  return frame(
    <>
      {head}
      <BulkBar bulk={bulk} mobile={false} />
      <div ref={tableRef}>
        <Table<Row>
          rowKey="id"
          rowSelection={bulk.rowSelection}
          size="middle"
          columns={columns}
          dataSource={rows}
          loading={isFetching}
          onChange={onTableChange}
          scroll={{ x: columns.reduce((sum, c) => sum + (typeof c.width === 'number' ? c.width : 0), 0) }}
          sticky
          pagination={{ ...pagination, position: ['bottomRight'], showTotal: (n) => t('list.total', { n }) }}
          locale={{ emptyText: isPending ? ' ' : empty }}
          rowClassName={() => 'kehu-row-clickable'}
          onRow={(r) => ({
            tabIndex: 0,
            'aria-label': r.name,
            onClick: () => open(r),
            onKeyDown: (e) => onRowKey(e, r),
          })}
          aria-label={t('list.title')}
        />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('list.rowHint')}
        </Typography.Text>
      </div>
    </>,
  );
}

/** Where the query line does not parse: the line with the spot marked, and why. */
function QueryProblemView({ line, problem }: { line: string; problem: QueryProblem }) {
  const { t, problemText } = useI18n();
  const msg = problemText(problem);
  if (problem.pos === null) {
    return (
      <div id="query-problem" role="alert" className="kehu-query-problem" data-testid="query-problem">
        {t('seg.queryErrorNoPos', { msg })}
      </div>
    );
  }
  const { before, at, after } = splitAt(line, problem.pos);
  return (
    <div id="query-problem" role="alert" className="kehu-query-problem" data-testid="query-problem" data-pos={problem.pos}>
      <code className="kehu-query-line">
        {before}
        <mark>{at}</mark>
        {after}
      </code>
      <div>{t('seg.queryError', { pos: problem.pos, msg })}</div>
    </div>
  );
}
