// Leaving a form without leaving a loop in the history. A form opened by a
// button of the page it returns to (编辑 on the customer, 新建 on the list)
// goes back to that entry when it saves or is cancelled (history: list,
// customer); opened any other way (a link, a bookmark) it replaces itself
// with where it goes. Either way Back never returns to a form that was
// just saved.
import type { NavigateFunction } from 'react-router-dom';

/** The location state of a form opened by a button of the page it returns to. */
export const RETURNS_BACK = { returnsBack: true } as const;

export function returnsBack(state: unknown): boolean {
  return typeof state === 'object' && state !== null && (state as { returnsBack?: unknown }).returnsBack === true;
}

/**
 * Leaves a form for `to`: back to the entry that opened it (RETURNS_BACK),
 * else replacing the form's entry with `to`.
 */
export function leaveForm(navigate: NavigateFunction, state: unknown, to: string): void {
  const idx = (window.history.state as { idx?: number } | null)?.idx ?? 0;
  if (returnsBack(state) && idx > 0) navigate(-1);
  else navigate(to, { replace: true });
}
