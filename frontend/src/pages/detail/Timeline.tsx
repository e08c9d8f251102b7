import { useState } from 'react';
import { App, Button, Checkbox, Empty, Popconfirm, Tag, Timeline, Typography } from 'antd';
import { ClockCircleOutlined, DeleteOutlined, EditOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { request } from '../../api/client';
import { MAX_INTERACTION_LIMIT, RemoveInteractionMutation, UpdateInteractionMutation } from '../../api/operations';
import { isApiError } from '../../api/errors';
import { errorText } from '../../lib/errorText';
import { useI18n } from '../../i18n';
import { CHANNEL_LABELS, KEY_EVENT_LABELS } from '../../i18n/enums';
import { ChannelIcon } from '../../components/ChannelIcon';
import { EnumTag } from '../../components/EnumTag';
import { formatTime } from '../../lib/money';
import { NewestOnly } from './NewestOnly';
import type { Detail, DetailInteraction } from './types';
import { colors } from '../../theme';

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

interface Props {
  customer: Detail;
  onMore: () => void;
  loadingMore: boolean;
  onEdit: (it: DetailInteraction) => void;
  reload: () => Promise<unknown>;
}

/** Interactions, newest first, with corrections where the server says the viewer may (viewerCanEdit, viewerCanTickOff). */
export function InteractionTimeline({ customer, onMore, loadingMore, onEdit, reload }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  // The next action being ticked and its new state, shown at once (one request at a time).
  const [ticking, setTicking] = useState<{ id: string; done: boolean } | null>(null);
  const items = customer.interactions;
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('interaction.empty')} />;

  const failed = (e: unknown) => message.error(isApiError(e) && e.isVersionConflict ? t('error.conflict') : errorText(e, i18n));

  const setDone = async (it: DetailInteraction, done: boolean) => {
    setTicking({ id: it.id, done });
    try {
      await request(UpdateInteractionMutation, {
        customerId: customer.id,
        interactionId: it.id,
        expectedVersion: customer.version,
        input: { nextActionDone: done },
      });
      message.success(done ? t('interaction.nextDoneSaved') : t('common.saved'));
    } catch (e) {
      failed(e);
    }
    await reload();
    setTicking(null);
  };

  const remove = async (it: DetailInteraction) => {
    try {
      await request(RemoveInteractionMutation, { customerId: customer.id, interactionId: it.id, expectedVersion: customer.version });
      message.success(t('interaction.removed'));
    } catch (e) {
      failed(e);
    }
    await reload();
  };

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
                  {it.createdBy && !it.participants.some((p) => p.id === it.createdBy?.id) && (
                    <span className="kehu-muted">{t('interaction.by', { name: it.createdBy.name })}</span>
                  )}
                  {it.updatedBy && it.updatedAt && (
                    <span className="kehu-muted" data-testid="edited-by">
                      {t('interaction.editedBy', { name: it.updatedBy.name, at: formatTime(it.updatedAt) })}
                    </span>
                  )}
                  {it.viewerCanEdit && (
                    <span className="kehu-timeline-actions">
                      <Button size="small" type="link" icon={<EditOutlined />} onClick={() => onEdit(it)} aria-label={t('interaction.editOf', { at: formatTime(it.at) })}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm
                        title={t('interaction.confirmRemove')}
                        onConfirm={() => remove(it)}
                        okText={t('common.delete')}
                        okButtonProps={{ danger: true }}
                        cancelText={t('common.cancel')}
                      >
                        <Button size="small" type="link" danger icon={<DeleteOutlined />} aria-label={t('interaction.removeOf', { at: formatTime(it.at) })}>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>
                    </span>
                  )}
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
                    data-testid="next-action"
                    className={it.nextAction.done ? 'kehu-next kehu-next-done' : 'kehu-next'}
                    style={{
                      background: it.nextAction.done ? '#fafafa' : overdue ? '#fff2f0' : '#f6ffed',
                      border: `1px solid ${it.nextAction.done ? '#f0f0f0' : overdue ? '#ffccc7' : '#d9f7be'}`,
                      borderRadius: 6,
                      padding: '4px 8px',
                      display: 'inline-flex',
                      flexWrap: 'wrap',
                      alignItems: 'center',
                      columnGap: 8,
                      rowGap: 2,
                    }}
                  >
                    {it.viewerCanTickOff && (
                      <Checkbox
                        checked={ticking?.id === it.id ? ticking.done : it.nextAction.done}
                        disabled={ticking !== null}
                        onChange={(e) => void setDone(it, e.target.checked)}
                        aria-label={t(it.nextAction.done ? 'interaction.markUndone' : 'interaction.markDone', { what: it.nextAction.what })}
                        data-testid="next-action-done"
                      >
                        {t('interaction.doneBox')}
                      </Checkbox>
                    )}
                    <span style={it.nextAction.done ? { textDecoration: 'line-through', color: colors.textMuted } : undefined}>
                      <strong>{t('interaction.next')}</strong>
                      {it.nextAction.what}
                    </span>
                    {it.nextAction.due && (
                      <span className="kehu-muted">
                        <ClockCircleOutlined /> {t('interaction.due', { date: formatTime(it.nextAction.due) })}
                      </span>
                    )}
                    {it.nextAction.owner && <span className="kehu-muted">· {it.nextAction.owner.name}</span>}
                    {it.nextAction.done ? (
                      <Tag color="success" style={{ marginInlineEnd: 0 }}>
                        {t('interaction.done')}
                      </Tag>
                    ) : (
                      overdue && (
                        <Tag color="error" style={{ marginInlineEnd: 0 }}>
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
      {remaining > 0 && items.length < MAX_INTERACTION_LIMIT && (
        <Button onClick={onMore} loading={loadingMore} block>
          {t('interaction.more', { n: remaining })}
        </Button>
      )}
      {remaining > 0 && items.length >= MAX_INTERACTION_LIMIT && <NewestOnly shown={items.length} total={customer.interactionCount} />}
    </>
  );
}
