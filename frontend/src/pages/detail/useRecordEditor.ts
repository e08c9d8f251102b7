import { useState } from 'react';
import { App } from 'antd';
import { isApiError } from '../../api/errors';
import { useI18n, type MessageKey } from '../../i18n';
import { diffRecords } from '../../lib/conflict';
import { errorText } from '../../lib/errorText';
import type { Detail } from './types';

/** What a section of nested records (deals, needs, satisfaction results) edits them with. */
export interface RecordEditorOptions<R extends { id: string }, V extends object, K extends keyof V & string> {
  /** Reloads the customer after a change (and returns the fresh copy). */
  reload: () => Promise<Detail | null>;
  /** The section's records in a customer, to find the edited one again after a conflict. */
  records: (customer: Detail) => readonly R[];
  /** A record as form values. */
  toForm: (record: R) => V;
  /** The form fields a conflict message names, with their labels. */
  fields: readonly K[];
  labels: Record<K, MessageKey>;
  /** Adds a record. */
  create: (values: V) => Promise<unknown>;
  /** Saves the changes of values against base (the record when the dialog opened); nothing when none. */
  update: (record: R, values: V, base: V) => Promise<unknown>;
}

/**
 * The state and handlers every nested-record section shares: which record the dialog edits (or
 * 'new'), its values when the dialog opened (the base of the user's edits), saving, naming what
 * someone else changed on a version conflict, and one-click actions (remove, status changes)
 * that report a conflict or an error and reload.
 */
export function useRecordEditor<R extends { id: string }, V extends object, K extends keyof V & string>(
  o: RecordEditorOptions<R, V, K>,
) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [editing, setEditing] = useState<R | 'new' | null>(null);
  const [base, setBase] = useState<V | null>(null);

  const open = (r: R | 'new') => {
    setEditing(r);
    setBase(r === 'new' ? null : o.toForm(r));
  };
  const close = () => setEditing(null);

  const submit = async (v: V) => {
    if (editing === 'new') {
      await o.create(v);
    } else if (editing && base) {
      await o.update(editing, v, base);
    }
    setEditing(null);
    message.success(t('common.saved'));
    await o.reload();
  };

  /** After a version conflict: reload, and name the fields someone else changed meanwhile. */
  const onConflict = async () => {
    const fresh = await o.reload();
    if (!fresh || !editing || editing === 'new' || !base) return t('conflict.nested');
    const now = o.records(fresh).find((r) => r.id === editing.id);
    if (!now) return t('error.notFound');
    const list = diffRecords(base as { [P in K]?: unknown }, o.toForm(now) as { [P in K]?: unknown }, o.fields)
      .map((c) => t(o.labels[c.field]))
      .join('、');
    setBase(o.toForm(now));
    return list ? `${t('conflict.nested')}（${list}）` : t('conflict.nested');
  };

  /** Runs a one-click change (remove, status), says how it went and reloads. */
  const act = async (run: () => Promise<unknown>, done: MessageKey) => {
    try {
      await run();
      message.success(t(done));
    } catch (e) {
      message.error(isApiError(e) && e.isVersionConflict ? t('error.conflict') : errorText(e, i18n));
    }
    await o.reload();
  };

  return { editing, open, close, submit, onConflict, act };
}
