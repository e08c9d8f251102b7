// The header's bell: the user's daily digest (每日摘要) of their tasks and
// service requests, one a day instead of a notification per task a rule
// opens. A dot while today's digest is unread and holds something; opening
// it marks it read (markDigestRead, once). A popover on a desktop, a drawer
// from the top on a phone. Pure parts in pages/tasks/digest.ts.
import { useEffect, useRef, useState } from 'react';
import { Badge, Button, Drawer, Popover, Space, Spin, Tag, Typography } from 'antd';
import { BellOutlined, CustomerServiceOutlined, RightOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { request } from '../api/client';
import type { DigestFieldsFragment } from '../gql/graphql';
import { useI18n } from '../i18n';
import { TASK_KIND_LABELS } from '../i18n/enums';
import { useSession } from '../auth/session';
import { errorText } from '../lib/errorText';
import { formatShortTime, formatTime } from '../lib/money';
import { colors } from '../theme';
import { MarkDigestReadMutation } from '../pages/tasks/operations';
import { bellLabel, digestUnread, serviceLine, summaryLine, type Line } from '../pages/tasks/digest';
import { DIGEST_KEY, useDigest } from './useDigest';

export function DigestBell({ mobile }: { mobile: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useSession();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  /** The day marked read from this tab (markDigestRead is sent once a day). */
  const marked = useRef<string | null>(null);
  const digest = useDigest();
  const mark = useMutation({
    mutationFn: async () => (await request(MarkDigestReadMutation)).markDigestRead,
    // A refetch under way could bring back the unread digest.
    onMutate: () => qc.cancelQueries({ queryKey: DIGEST_KEY }),
    // Read now; the panel open keeps the figures it was opened with (the
    // answer counts as new only what opened after this reading).
    onSuccess: (d) => qc.setQueryData<DigestFieldsFragment>(DIGEST_KEY, (old) => (old && old.day === d.day ? { ...old, read: d.read } : d)),
    onError: () => {
      marked.current = null; // tried again at the next opening
    },
  });
  const d = digest.data;
  const unread = digestUnread(d);
  const line = (l: Line) => t(l.key, l.params);

  // Open (or loaded while open) and unread: read now, once for the day.
  const { mutate } = mark;
  useEffect(() => {
    if (open && d && !d.read && marked.current !== d.day) {
      marked.current = d.day;
      mutate();
    }
  }, [open, d, mutate]);

  const show = (o: boolean) => {
    setOpen(o);
    if (o && d?.read && Date.now() - digest.dataUpdatedAt > 60_000) void digest.refetch();
  };

  const panel = d ? (
    <DigestPanel d={d} role={me?.role} onNavigate={() => setOpen(false)} />
  ) : digest.error ? (
    <Space direction="vertical">
      <Typography.Text type="danger">{errorText(digest.error, i18n)}</Typography.Text>
      <Button size="small" onClick={() => void digest.refetch()}>
        {t('common.retry')}
      </Button>
    </Space>
  ) : (
    <Spin />
  );

  const title = (
    <span className="kehu-digest-title">
      <span>{t('digest.title')}</span>
      {d && (
        <Typography.Text type="secondary" data-testid="digest-day" style={{ fontWeight: 'normal' }}>
          {dayjs(d.day).format(t('digest.dayFormat'))}
        </Typography.Text>
      )}
    </span>
  );

  const bell = (
    <Button
      type="text"
      onClick={mobile ? () => show(true) : undefined}
      aria-label={line(bellLabel(d))}
      aria-haspopup="dialog"
      aria-expanded={open}
      data-testid="digest-bell"
      data-unread={unread ? 'true' : 'false'}
      style={{ paddingInline: 8 }}
      icon={
        <Badge dot={unread} color={colors.error} offset={[-1, 2]} data-testid={unread ? 'digest-badge' : undefined}>
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      }
    />
  );

  if (mobile) {
    return (
      <>
        {bell}
        <Drawer
          open={open}
          onClose={() => setOpen(false)}
          placement="top"
          height="auto"
          title={title}
          styles={{ body: { padding: '12px 16px 16px' }, wrapper: { maxHeight: '90vh' } }}
          closeIcon={null}
          extra={
            <Button type="text" onClick={() => setOpen(false)} style={{ marginInlineStart: 8 }}>
              {t('common.close')}
            </Button>
          }
          data-testid="digest-drawer"
        >
          {panel}
        </Drawer>
      </>
    );
  }
  return (
    <Popover
      open={open}
      onOpenChange={show}
      trigger="click"
      placement="bottomRight"
      title={title}
      content={panel}
      styles={{ body: { width: 400, maxWidth: 'calc(100vw - 16px)' } }}
    >
      {bell}
    </Popover>
  );
}

function DigestPanel({
  d,
  role,
  onNavigate,
}: {
  d: DigestFieldsFragment;
  role: Parameters<typeof serviceLine>[1];
  onNavigate: () => void;
}) {
  const { t, label } = useI18n();
  const now = dayjs();
  const service = serviceLine(d, role);
  const summary = summaryLine(d);
  return (
    <div data-testid="digest-panel" className="kehu-digest">
      <div className="kehu-digest-summary" data-testid="digest-summary">
        {t(summary.key, summary.params)}
      </div>
      {d.byKind.length > 0 && (
        <div className="kehu-digest-kinds" aria-label={t('digest.byKind')} data-testid="digest-kinds">
          {d.byKind.map((k) => (
            <Tag key={k.kind} color={TASK_KIND_LABELS[k.kind].color} bordered={false} data-testid="digest-kind">
              {label(TASK_KIND_LABELS, k.kind)} {k.count}
            </Tag>
          ))}
        </div>
      )}
      {d.top.length === 0 ? (
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0' }}>
          {t('digest.nothing')}
        </Typography.Paragraph>
      ) : (
        <ul className="kehu-digest-tasks" aria-label={t('digest.top')}>
          {d.top.map((x) => {
            const overdue = dayjs(x.due).isBefore(now);
            return (
              <li key={`${x.customer.id}/${x.id}`}>
                <Link to={`/customers/${encodeURIComponent(x.customer.code)}`} onClick={onNavigate} data-testid="digest-task">
                  <span className="kehu-digest-task-title">{x.title}</span>
                  <span className="kehu-digest-task-meta">
                    <span className="kehu-digest-customer">{x.customer.name}</span>
                    <span style={{ color: overdue ? colors.error : colors.textMuted, whiteSpace: 'nowrap' }} title={formatTime(x.due)}>
                      {t('tasks.due', { at: formatShortTime(x.due, now) })}
                    </span>
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
      <Link to="/tasks" onClick={onNavigate} data-testid="digest-all-tasks" className="kehu-digest-more">
        {t('digest.allTasks')} <RightOutlined style={{ fontSize: 10 }} />
      </Link>
      {service && (
        <Link to={service.to} onClick={onNavigate} data-testid="digest-service" className="kehu-digest-service">
          <CustomerServiceOutlined /> {t(service.key, service.params)}
        </Link>
      )}
    </div>
  );
}
