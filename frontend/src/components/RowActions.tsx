import type { ReactNode } from 'react';
import { Button, Popconfirm } from 'antd';
import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';

interface Props {
  /** Opens the edit dialog of the row. */
  onEdit: () => void;
  /** Accessible name of the edit button (names the row: 编辑成交 仓储管理系统（2026-11-24）). */
  editLabel: string;
  /** Removes the row once confirmed (a returned promise keeps the confirm button loading). */
  onRemove: () => unknown;
  /** Accessible name of the delete button. */
  removeLabel: string;
  /** The question asked before removing. */
  confirmRemove: ReactNode;
}

/** The edit / delete (after a Popconfirm) links of a nested record's row (deals, needs, satisfaction results). */
export function RowActions({ onEdit, editLabel, onRemove, removeLabel, confirmRemove }: Props) {
  const { t } = useI18n();
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <Button size="small" type="link" icon={<EditOutlined />} onClick={onEdit} aria-label={editLabel}>
        {t('common.edit')}
      </Button>
      <Popconfirm
        title={confirmRemove}
        onConfirm={() => onRemove()}
        okText={t('common.delete')}
        okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')}
      >
        <Button size="small" type="link" danger icon={<DeleteOutlined />} aria-label={removeLabel}>
          {t('common.delete')}
        </Button>
      </Popconfirm>
    </span>
  );
}
