// The customer list's row selection for bulk changes: Ant Design's table
// selection on wide screens (it selects a range on shift-click itself), and
// the same state for the cards on phones (selectRange there).
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import type { TableProps } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { request } from '../../api/client';
import type { BulkAction, BulkFilterInput } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { BulkActionsQuery } from './operations';
import { NONE, isSelected, selectRange, selectedCount, setRows, type PickedRow, type Selection } from './selection';

export type Named = PickedRow & { name: string };

export interface BulkSelection<R extends Named = Named> {
  /** The actions the viewer may take (the server says); none: no selection at all. */
  offered: BulkAction[];
  sel: Selection;
  setSel: (s: Selection) => void;
  count: number;
  total: number;
  rows: PickedRow[];
  filter: BulkFilterInput;
  /** For the table (undefined when nothing is offered). */
  rowSelection: TableProps<R>['rowSelection'];
  /** For a card's checkbox: ticks row index, a range with shift. */
  toggleCard: (index: number, on: boolean, e: MouseEvent | KeyboardEvent | { shiftKey?: boolean }) => void;
  isSelected: (id: string) => boolean;
}

/**
 * rows: the page shown; total: customers matching the list's filter;
 * filter: that filter as the API takes it. The selection is dropped when
 * the filter changes (rows picked under another filter are not in view).
 */
export function useBulkSelection<R extends Named>(rows: readonly R[], total: number, filter: BulkFilterInput): BulkSelection<R> {
  const { t } = useI18n();
  const actions = useQuery({
    queryKey: ['bulkActions'],
    queryFn: async () => (await request(BulkActionsQuery)).bulkActions,
    staleTime: 5 * 60_000,
  });
  const offered = actions.data ?? [];
  const [sel, setSel] = useState<Selection>(NONE);
  const anchor = useRef<number | null>(null);
  const filterKey = JSON.stringify(filter);
  useEffect(() => {
    setSel(NONE);
    anchor.current = null;
  }, [filterKey]);
  useEffect(() => {
    anchor.current = null; // another page: the last click is not on it
  }, [rows]);

  const shown = rows.map((r) => ({ id: r.id, version: r.version }));
  const toggleCard: BulkSelection<R>['toggleCard'] = (index, on, e) => {
    const row = shown[index];
    if (!row) return;
    setSel((s) => ('shiftKey' in e && e.shiftKey ? selectRange(s, shown, anchor.current, index, on) : setRows(s, shown, [row], on)));
    anchor.current = index;
  };
  const rowSelection: BulkSelection<R>['rowSelection'] =
    offered.length === 0
      ? undefined
      : {
          selectedRowKeys: sel.kind === 'all' ? shown.map((r) => r.id) : [...sel.picked.keys()],
          preserveSelectedRowKeys: true,
          columnWidth: 40,
          onChange: (keys) => {
            const on = new Set(keys.map(String));
            // rows of this page follow the table; rows of other pages stay
            const next = setRows(
              sel,
              shown,
              shown.filter((r) => !on.has(r.id)),
              false,
            );
            setSel(setRows(next, shown, shown.filter((r) => on.has(r.id)), true));
          },
          getCheckboxProps: (r) => ({ 'aria-label': t('bulk.selectRow', { name: r.name }), 'data-testid': 'bulk-check' }) as object,
        };
  return {
    offered,
    sel,
    setSel,
    count: selectedCount(sel, total),
    total,
    rows: shown,
    filter,
    rowSelection,
    toggleCard,
    isSelected: (id) => isSelected(sel, id),
  };
}
