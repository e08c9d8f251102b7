// Saved segments beside the customer list: yours and the shared ones with
// their live counts (one request), a click applies one, the current filter can
// be saved (name, shared), your own ones renamed, re-shared, overwritten with
// the current filter or deleted — each change sends the version it was shown
// at, and a stale one (someone changed it meanwhile) reloads the list.
import { useState } from 'react';
import { App, Button, Checkbox, Dropdown, Form, Input, Modal, Spin, Tooltip, Typography, type MenuProps } from 'antd';
import { EllipsisOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../api/client';
import { DeleteSegmentMutation, SaveSegmentMutation, SegmentsQuery, UpdateSegmentMutation } from '../../api/operations';
import { isApiError } from '../../api/errors';
import type { ArchiveScope, SegmentsQuery as SegmentsData } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errorText';
import type { Where } from '../../lib/segment/tree';

export type SavedSegment = SegmentsData['segments'][number];

/** The list's filter now: its line, or its where when it has no line. */
export interface CurrentFilter {
  query: string;
  where: Where | null;
}

interface Props {
  scope: ArchiveScope;
  current: CurrentFilter;
  onApply: (s: SavedSegment) => void;
  /** Called after a segment was applied (the phone drawer closes). */
  onDone?: () => void;
}

const NAME_MAX = 80;

export function segmentsKey(scope: ArchiveScope) {
  return ['segments', scope] as const;
}

/** Whether a saved segment is the list's current filter. */
export function isCurrent(s: SavedSegment, c: CurrentFilter): boolean {
  if (c.where) return !s.query && JSON.stringify(s.where) === JSON.stringify(c.where);
  return !!c.query && s.query === c.query;
}

type Dialog = { mode: 'save' } | { mode: 'edit'; segment: SavedSegment };

export function SavedSegments({ scope, current, onApply, onDone }: Props) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: segmentsKey(scope),
    queryFn: async () => (await request(SegmentsQuery, { scope })).segments,
    staleTime: 15_000,
  });
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [form] = Form.useForm<{ name: string; shared: boolean }>();
  const hasFilter = current.query.trim() !== '' || current.where !== null;
  const refresh = () => qc.invalidateQueries({ queryKey: ['segments'] });

  /** A stale version or a segment gone: say so and show the fresh list. */
  const stale = (e: unknown): boolean => {
    if (isApiError(e) && (e.isVersionConflict || e.code === 'NOT_FOUND')) {
      void message.warning(e.code === 'NOT_FOUND' ? t('saved.gone') : t('saved.conflict'));
      void refresh();
      return true;
    }
    return false;
  };

  const filterVars = () => (current.where ? { where: current.where, query: null } : { query: current.query.trim(), where: null });

  const save = useMutation({
    mutationFn: async (v: { name: string; shared: boolean }) => {
      if (dialog?.mode === 'edit') {
        const s = dialog.segment;
        return (await request(UpdateSegmentMutation, { id: s.id, expectedVersion: s.version, name: v.name, shared: v.shared })).updateSegment;
      }
      return (await request(SaveSegmentMutation, { name: v.name, shared: v.shared, ...filterVars() })).saveSegment;
    },
    onSuccess: (s) => {
      void message.success(dialog?.mode === 'edit' ? t('saved.updated', { name: s.name }) : t('saved.saved', { name: s.name }));
      setDialog(null);
      void refresh();
    },
    onError: (e) => {
      if (isApiError(e) && e.fields.some((f) => f.field === 'name')) {
        const f = e.fields.find((x) => x.field === 'name');
        form.setFields([{ name: 'name', errors: [e.code === 'CONFLICT' ? t('saved.nameTaken') : i18n.problemText(f ?? { message: '' })] }]);
        return;
      }
      if (stale(e)) {
        setDialog(null);
        return;
      }
      void message.error(errorText(e, i18n));
    },
  });

  const overwrite = useMutation({
    mutationFn: async (s: SavedSegment) =>
      (await request(UpdateSegmentMutation, { id: s.id, expectedVersion: s.version, ...filterVars() })).updateSegment,
    onSuccess: (s) => {
      void message.success(t('saved.updated', { name: s.name }));
      void refresh();
    },
    onError: (e) => {
      if (!stale(e)) void message.error(errorText(e, i18n));
    },
  });

  const remove = useMutation({
    mutationFn: async (s: SavedSegment) => (await request(DeleteSegmentMutation, { id: s.id, expectedVersion: s.version })).deleteSegment,
    onSuccess: () => {
      void message.success(t('saved.deleted'));
      void refresh();
    },
    onError: (e) => {
      if (!stale(e)) void message.error(errorText(e, i18n));
    },
  });

  const openSave = () => {
    form.setFieldsValue({ name: '', shared: false });
    setDialog({ mode: 'save' });
  };
  const openEdit = (s: SavedSegment) => {
    form.setFieldsValue({ name: s.name, shared: s.shared });
    setDialog({ mode: 'edit', segment: s });
  };

  const menu = (s: SavedSegment): MenuProps => ({
    items: [
      { key: 'edit', label: t('saved.rename') },
      { key: 'overwrite', label: t('saved.overwrite'), disabled: !hasFilter || isCurrent(s, current) },
      { type: 'divider' },
      { key: 'delete', label: t('common.delete'), danger: true },
    ],
    onClick: ({ key, domEvent }) => {
      domEvent.stopPropagation();
      if (key === 'edit') openEdit(s);
      if (key === 'overwrite') overwrite.mutate(s);
      if (key === 'delete') {
        modal.confirm({
          title: t('saved.deleteConfirm', { name: s.name }),
          okText: t('common.delete'),
          okButtonProps: { danger: true },
          cancelText: t('common.cancel'),
          onOk: () => remove.mutateAsync(s).catch(() => undefined),
        });
      }
    },
  });

  const fmt = (n: number) => n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US');

  return (
    <section className="kehu-saved" aria-labelledby="saved-title" data-testid="saved-segments">
      <div className="kehu-saved-head">
        <h2 id="saved-title">{t('saved.title')}</h2>
        <Tooltip title={hasFilter ? undefined : t('saved.nothingToSave')}>
          <Button size="small" icon={<PlusOutlined />} disabled={!hasFilter} onClick={openSave} data-testid="saved-save">
            {t('saved.save')}
          </Button>
        </Tooltip>
      </div>
      {list.isPending ? (
        <Spin size="small" />
      ) : list.error ? (
        <Typography.Text type="danger">{errorText(list.error, i18n)}</Typography.Text>
      ) : list.data.length === 0 ? (
        <Typography.Paragraph type="secondary" className="kehu-saved-empty">
          {t('saved.empty')}
        </Typography.Paragraph>
      ) : (
        <ul className="kehu-saved-list">
          {list.data.map((s) => {
            const active = isCurrent(s, current);
            return (
              <li key={s.id} className={active ? 'kehu-saved-active' : undefined} data-testid="saved-segment" data-name={s.name}>
                <button
                  type="button"
                  className="kehu-saved-item"
                  aria-current={active ? 'true' : undefined}
                  title={s.query ?? t('saved.builderOnly')}
                  onClick={() => {
                    onApply(s);
                    onDone?.();
                  }}
                >
                  <span className="kehu-saved-name">
                    {s.shared && <TeamOutlined aria-label={t('saved.shared')} className="kehu-saved-icon" />}
                    {s.name}
                  </span>
                  <span className="kehu-saved-count" data-testid="saved-count">
                    {fmt(s.count)}
                  </span>
                  {!s.editable && s.owner && <span className="kehu-saved-owner">{s.owner.name}</span>}
                </button>
                {s.editable && (
                  <Dropdown menu={menu(s)} trigger={['click']} placement="bottomRight">
                    <Button size="small" type="text" icon={<EllipsisOutlined />} aria-label={t('saved.actions', { name: s.name })} className="kehu-saved-more" />
                  </Dropdown>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <Modal
        open={dialog !== null}
        title={dialog?.mode === 'edit' ? t('saved.editTitle') : t('saved.saveTitle')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={save.isPending}
        onOk={() => form.submit()}
        onCancel={() => setDialog(null)}
        destroyOnHidden
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate({ name: v.name.trim(), shared: !!v.shared })} requiredMark={false}>
          {dialog?.mode !== 'edit' && (
            <Typography.Paragraph type="secondary" className="kehu-saved-line">
              {current.where ? t('saved.builderOnly') : <code>{current.query}</code>}
            </Typography.Paragraph>
          )}
          <Form.Item
            name="name"
            label={t('saved.name')}
            rules={[
              { required: true, whitespace: true, message: t('saved.nameRequired') },
              { max: NAME_MAX, message: t('saved.nameTooLong', { n: NAME_MAX }) },
            ]}
          >
            <Input autoFocus maxLength={NAME_MAX + 10} />
          </Form.Item>
          <Form.Item name="shared" valuePropName="checked" extra={t('saved.sharedHint')}>
            <Checkbox>{t('saved.shareIt')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </section>
  );
}
