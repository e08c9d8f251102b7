import { Button, Modal, Table, Tag, Typography } from 'antd';
import type { FieldChange } from '../lib/conflict';
import { useI18n } from '../i18n';

export interface ConflictInfo<K extends string> {
  changes: FieldChange<K>[];
  who: string | null;
  when: string | null;
}

interface Props<K extends string> {
  open: boolean;
  info: ConflictInfo<K> | null;
  fieldLabel: (field: K) => string;
  display: (field: K, value: unknown) => string;
  onReload: () => void;
  onReloadSave?: () => void;
  onCancel: () => void;
  busy?: boolean;
}

/** Says that someone else saved the record, what changed, and offers to reload keeping the user's edits. */
export function ConflictDialog<K extends string>({ open, info, fieldLabel, display, onReload, onReloadSave, onCancel, busy }: Props<K>) {
  const { t } = useI18n();
  const changes = info?.changes ?? [];
  return (
    <Modal
      open={open}
      title={t('conflict.title')}
      onCancel={onCancel}
      width={720}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onCancel}>
          {t('common.cancel')}
        </Button>,
        onReloadSave && (
          <Button key="save" onClick={onReloadSave} loading={busy}>
            {t('conflict.reloadSave')}
          </Button>
        ),
        <Button key="reload" type="primary" onClick={onReload} autoFocus data-testid="conflict-reload">
          {t('conflict.reload')}
        </Button>,
      ]}
    >
      <Typography.Paragraph role="alert">
        {t('conflict.body', { who: info?.who ?? t('conflict.someone'), when: info?.when ?? '' })}
      </Typography.Paragraph>
      {changes.length === 0 ? (
        <Typography.Paragraph type="secondary">{t('conflict.noVisible')}</Typography.Paragraph>
      ) : (
        <Table<FieldChange<K>>
          size="small"
          pagination={false}
          rowKey="field"
          dataSource={changes}
          scroll={{ x: 'max-content' }}
          columns={[
            {
              title: t('conflict.field'),
              key: 'field',
              render: (_, c) => (
                <>
                  {fieldLabel(c.field)}
                  {c.clash && (
                    <Tag color="warning" style={{ marginInlineStart: 6 }}>
                      {t('conflict.clash')}
                    </Tag>
                  )}
                </>
              ),
            },
            { title: t('conflict.loaded'), key: 'before', render: (_, c) => <s className="kehu-muted">{display(c.field, c.before)}</s> },
            { title: t('conflict.theirs'), key: 'after', render: (_, c) => <strong>{display(c.field, c.after)}</strong> },
            {
              title: t('conflict.yours'),
              key: 'mine',
              render: (_, c) => (c.mine === undefined ? '' : display(c.field, c.mine)),
            },
          ]}
        />
      )}
    </Modal>
  );
}
