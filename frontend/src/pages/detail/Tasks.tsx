import { App, Button, Card, List, Space, Typography } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { request } from '../../api/client';
import { CompleteTaskMutation } from '../tasks/operations';
import { useI18n } from '../../i18n';
import { TASK_KIND_LABELS } from '../../i18n/enums';
import { EnumTag } from '../../components/EnumTag';
import { errorText } from '../../lib/errorText';
import { formatTime } from '../../lib/money';
import { colors } from '../../theme';
import type { SectionProps } from './types';
import { DIGEST_KEY } from '../../components/useDigest';

/** The customer's open tasks (待办), soonest first; none: nothing shown. */
export function TasksCard({ customer: c, canLog, reload }: SectionProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const qc = useQueryClient();
  if (c.tasks.length === 0) return null;
  const now = dayjs();
  const complete = async (id: string) => {
    try {
      await request(CompleteTaskMutation, { customerId: c.id, taskId: id });
      message.success(t('tasks.completed'));
    } catch (e) {
      message.error(errorText(e, i18n));
    }
    void qc.invalidateQueries({ queryKey: DIGEST_KEY });
    void qc.invalidateQueries({ queryKey: ['tasks'] });
    await reload();
  };
  return (
    <Card size="small" title={`${t('nav.tasks')} (${c.tasks.length})`} extra={<Link to="/tasks">{t('tasks.title')}</Link>} style={{ marginBottom: 16 }} data-testid="customer-tasks">
      <List
        size="small"
        dataSource={c.tasks}
        rowKey="id"
        renderItem={(x) => (
          <List.Item
            actions={
              canLog
                ? [
                    <Button key="done" size="small" type="text" icon={<CheckOutlined />} onClick={() => void complete(x.id)} aria-label={`${t('tasks.complete')} ${x.title}`}>
                      {t('tasks.complete')}
                    </Button>,
                  ]
                : []
            }
          >
            <Space direction="vertical" size={0} style={{ minWidth: 0 }}>
              <Space size={4} wrap>
                <EnumTag map={TASK_KIND_LABELS} value={x.kind} />
                <span>{x.title}</span>
              </Space>
              <Typography.Text type="secondary" style={{ fontSize: 12, color: dayjs(x.due).isBefore(now) ? colors.error : undefined }}>
                {t('tasks.due', { at: formatTime(x.due) })}
                {x.assignee ? ` · ${x.assignee.name}` : ''}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}
