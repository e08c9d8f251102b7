import { Button, Empty, Tag, Timeline, Typography } from 'antd';
import { ClockCircleOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useI18n } from '../../i18n';
import { CHANNEL_LABELS, KEY_EVENT_LABELS } from '../../i18n/enums';
import { ChannelIcon } from '../../components/ChannelIcon';
import { EnumTag } from '../../components/EnumTag';
import { formatTime } from '../../lib/money';
import type { Detail } from './types';

const COLORS: Record<string, string> = {
  PHONE: '#1677ff',
  VISIT: '#52c41a',
  EMAIL: '#2f54eb',
  MEETING: '#722ed1',
  ONLINE: '#13c2c2',
  WECHAT: '#07c160',
  LIVESTREAM: '#eb2f96',
  OTHER: '#8c8c8c',
};

/** Interactions, newest first. */
export function InteractionTimeline({ customer, onMore, loadingMore }: { customer: Detail; onMore: () => void; loadingMore: boolean }) {
  const { t } = useI18n();
  const items = customer.interactions;
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('interaction.empty')} />;
  const contactName = new Map(customer.contacts.map((c) => [c.id, c.name]));
  const remaining = customer.interactionCount - items.length;
  return (
    <>
      <Timeline
        data-testid="timeline"
        items={items.map((it) => {
          const overdue = it.nextAction?.due && !it.nextAction.done && dayjs(it.nextAction.due).isBefore(dayjs());
          const theirs = it.contactIds.map((id) => contactName.get(id)).filter(Boolean);
          return {
            key: it.id,
            color: COLORS[it.channel],
            dot: (
              <span style={{ color: COLORS[it.channel], fontSize: 16 }}>
                <ChannelIcon channel={it.channel} />
              </span>
            ),
            children: (
              <article className="kehu-timeline-item" data-testid="timeline-item">
                <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6, alignItems: 'center', marginBottom: 4 }}>
                  <time dateTime={it.at} style={{ fontWeight: 500 }}>
                    {formatTime(it.at)}
                  </time>
                  <EnumTag map={CHANNEL_LABELS} value={it.channel} />
                  <EnumTag map={KEY_EVENT_LABELS} value={it.keyEvent} />
                  {it.durationMin != null && <span className="kehu-muted">{t('interaction.minutes', { n: it.durationMin })}</span>}
                  <span className="kehu-muted">
                    {it.participants.map((p) => p.name).join('、')}
                    {theirs.length > 0 && ` ↔ ${theirs.join('、')}`}
                  </span>
                </div>
                <Typography.Paragraph className="kehu-pre" style={{ marginBottom: 4 }}>
                  {it.summary}
                </Typography.Paragraph>
                {it.feedback && (
                  <Typography.Paragraph type="secondary" className="kehu-pre" style={{ marginBottom: 4 }}>
                    {t('interaction.feedbackLine', { text: it.feedback })}
                  </Typography.Paragraph>
                )}
                {it.result && (
                  <Typography.Paragraph type="secondary" className="kehu-pre" style={{ marginBottom: 4 }}>
                    {t('interaction.resultLine', { text: it.result })}
                  </Typography.Paragraph>
                )}
                {it.nextAction && (
                  <div
                    style={{
                      background: overdue ? '#fff2f0' : '#f6ffed',
                      border: `1px solid ${overdue ? '#ffccc7' : '#d9f7be'}`,
                      borderRadius: 6,
                      padding: '4px 8px',
                      display: 'inline-block',
                    }}
                  >
                    <strong>{t('interaction.next')}</strong>
                    {it.nextAction.what}
                    {it.nextAction.due && (
                      <span className="kehu-muted" style={{ marginInlineStart: 8 }}>
                        <ClockCircleOutlined /> {t('interaction.due', { date: formatTime(it.nextAction.due) })}
                      </span>
                    )}
                    {it.nextAction.owner && <span className="kehu-muted"> · {it.nextAction.owner.name}</span>}
                    {it.nextAction.done ? (
                      <Tag color="success" style={{ marginInlineStart: 8 }}>
                        {t('interaction.done')}
                      </Tag>
                    ) : (
                      overdue && (
                        <Tag color="error" style={{ marginInlineStart: 8 }}>
                          {t('interaction.overdue')}
                        </Tag>
                      )
                    )}
                  </div>
                )}
              </article>
            ),
          };
        })}
      />
      {remaining > 0 && (
        <Button onClick={onMore} loading={loadingMore} block>
          {t('interaction.more', { n: remaining })}
        </Button>
      )}
    </>
  );
}
