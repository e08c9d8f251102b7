// /tasks: my work today. The open tasks assigned to me (managers: everyone's
// on request), grouped by when they are due: overdue, today, this week,
// later. Each can be completed, put off or handed to a colleague; a
// follow-up is done by logging it on the customer's page (the log dialog
// opens there), which closes the task by itself.
import { useState } from 'react';
import { App, Button, Card, Dropdown, Empty, Grid, List, Modal, Space, Switch, Tag, Typography } from 'antd';
import { CheckOutlined, ClockCircleOutlined, FormOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { request } from '../../api/client';
import type { TaskFieldsFragment, TaskKind } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { TASK_KIND_LABELS } from '../../i18n/enums';
import { useSession } from '../../auth/session';
import { PageHeading } from '../../components/PageHeading';
import { ErrorState, PageLoading } from '../../components/States';
import { EnumTag } from '../../components/EnumTag';
import { StaffSelect } from '../../components/StaffSelect';
import { errorText } from '../../lib/errorText';
import { formatTime } from '../../lib/money';
import { colors } from '../../theme';
import { CompleteTaskMutation, ReassignTaskMutation, SnoozeTaskMutation, TasksQuery } from './operations';
import { groupTasks, snoozeChoices, TASK_GROUPS, type TaskGroup } from './groups';
import { DIGEST_KEY } from '../../components/useDigest';

const GROUP_TITLES: Record<TaskGroup, MessageKey> = {
  overdue: 'tasks.overdue',
  today: 'tasks.today',
  week: 'tasks.week',
  later: 'tasks.later',
};

/** Kinds done by talking to the customer: the page offers to log it. */
const LOGGED: ReadonlySet<TaskKind> = new Set<TaskKind>(['FOLLOW_UP', 'NEXT_ACTION', 'CHURN_RISK']);

export default function TasksPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { me } = useSession();
  const qc = useQueryClient();
  const manages = me?.canSeeAllTasks === true; // the server decides
  const [everyone, setEveryone] = useState(false);
  const [handing, setHanding] = useState<TaskFieldsFragment | null>(null);
  // On a phone the actions go under the task, not beside it.
  const phone = Grid.useBreakpoint().md === false;
  const [to, setTo] = useState<string | undefined>();
  const query = useQuery({
    queryKey: ['tasks', everyone],
    queryFn: async () => (await request(TasksQuery, { everyone, first: 500 })).tasks,
  });

  const act = async (what: () => Promise<unknown>, done: MessageKey) => {
    try {
      await what();
      message.success(t(done));
    } catch (e) {
      message.error(errorText(e, i18n));
    }
    await qc.invalidateQueries({ queryKey: ['tasks'] });
    await qc.invalidateQueries({ queryKey: DIGEST_KEY });
  };

  if (query.isPending) return <PageLoading rows={8} />;
  if (!query.data) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const groups = groupTasks(query.data.nodes);
  const now = dayjs();

  const item = (x: TaskFieldsFragment) => {
    const overdue = dayjs(x.due).isBefore(now);
    return (
      <List.Item
        data-testid="task"
        actions={[
          <Button key="done" size="small" icon={<CheckOutlined />} onClick={() => void act(() => request(CompleteTaskMutation, { customerId: x.customer.id, taskId: x.id }), 'tasks.completed')}>
            {t('tasks.complete')}
          </Button>,
          <Dropdown
            key="snooze"
            trigger={['click']}
            menu={{
              items: snoozeChoices(now).map((c) => ({
                key: c.key,
                label: t(c.key === 'tomorrow' ? 'tasks.snoozeTomorrow' : 'tasks.snoozeMonday'),
                onClick: () => void act(() => request(SnoozeTaskMutation, { customerId: x.customer.id, taskId: x.id, until: c.until.toISOString() }), 'tasks.snoozed'),
              })),
            }}
          >
            <Button size="small" icon={<ClockCircleOutlined />}>
              {t('tasks.snooze')}
            </Button>
          </Dropdown>,
          <Button key="hand" size="small" type="text" icon={<UserSwitchOutlined />} aria-label={t('tasks.reassign')} onClick={() => setHanding(x)} />,
        ]}
      >
        <List.Item.Meta
          title={
            <Space size={6} wrap>
              <EnumTag map={TASK_KIND_LABELS} value={x.kind} />
              <span>{x.title}</span>
            </Space>
          }
          description={
            <Space size={8} wrap>
              <Link to={`/customers/${x.customer.code}`}>{x.customer.name}</Link>
              <span style={{ color: overdue ? colors.error : undefined }}>
                {t('tasks.due', { at: formatTime(x.due) })}
              </span>
              {everyone && x.assignee && <Tag bordered={false}>{x.assignee.name}</Tag>}
              {LOGGED.has(x.kind) && (
                <Link to={`/customers/${x.customer.code}?log=1`} data-testid="task-log">
                  <FormOutlined /> {t('tasks.log')}
                </Link>
              )}
            </Space>
          }
        />
      </List.Item>
    );
  };

  return (
    <>
      <div className="kehu-page-head">
        <PageHeading title={t('tasks.title')} />
        <Typography.Text type="secondary" data-testid="tasks-total">
          {t('tasks.total', { n: query.data.totalCount })}
          {query.data.totalCount > query.data.nodes.length && ` · ${t('tasks.soonest', { n: query.data.nodes.length })}`}
        </Typography.Text>
        <div className="kehu-grow" />
        {manages && (
          <Space>
            <Switch checked={everyone} onChange={setEveryone} id="tasks-everyone" />
            <label htmlFor="tasks-everyone">{t('tasks.everyone')}</label>
          </Space>
        )}
      </div>
      {query.data.nodes.length === 0 ? (
        <Card>
          <Empty description={t('tasks.none')} />
        </Card>
      ) : (
        TASK_GROUPS.filter((g) => groups[g].length > 0).map((g) => (
          <Card
            key={g}
            size="small"
            data-testid={`tasks-${g}`}
            title={
              <span style={{ color: g === 'overdue' ? colors.error : undefined }}>
                {t(GROUP_TITLES[g])} ({groups[g].length})
              </span>
            }
            style={{ marginBottom: 16 }}
          >
            <List itemLayout={phone ? 'vertical' : 'horizontal'} dataSource={groups[g]} renderItem={item} rowKey={(x) => `${x.customer.id}/${x.id}`} />
          </Card>
        ))
      )}
      <Modal
        open={handing !== null}
        title={t('tasks.reassignTitle')}
        okText={t('tasks.reassign')}
        cancelText={t('common.cancel')}
        okButtonProps={{ disabled: !to }}
        onCancel={() => setHanding(null)}
        onOk={async () => {
          if (handing && to) {
            await act(() => request(ReassignTaskMutation, { customerId: handing.customer.id, taskId: handing.id, assigneeId: to }), 'tasks.reassigned');
          }
          setHanding(null);
          setTo(undefined);
        }}
        destroyOnHidden
      >
        <Typography.Paragraph>{handing?.title}</Typography.Paragraph>
        <StaffSelect value={to} onChange={(v) => setTo(v as string)} style={{ width: '100%' }} aria-label={t('tasks.reassignTo')} />
      </Modal>
    </>
  );
}
