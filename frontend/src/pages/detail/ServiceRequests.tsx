import { useState } from 'react';
import { Alert, Button, Card, Collapse, List, Skeleton, Space, Tag, Typography } from 'antd';
import { HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { request } from '../../api/client';
import type { CustomerServiceRequestsQuery as CustomerServiceData } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { SERVICE_STATUS_LABELS } from '../../i18n/enums';
import { useSession } from '../../auth/session';
import { errorText } from '../../lib/errorText';
import { formatTime } from '../../lib/money';
import { CUSTOMER_SERVICE_LIMIT, CustomerServiceRequestsQuery } from '../service/operations';
import { ServiceActionButtons, useServiceActions } from '../service/ServiceActions';
import { NewServiceRequestModal } from '../service/NewServiceRequest';
import { DueText, ServiceTags } from '../service/parts';
import { mayWork, splitRequests } from '../service/steps';
import { ChangeHistory } from './History';
import type { SectionProps } from './types';

type Req = NonNullable<CustomerServiceData['customer']>['serviceRequests'][number];

/** The most steps a request keeps (the server drops the oldest beyond). */
const MAX_STEPS = 100;

/**
 * The customer's service requests (咨询, 投诉, 售后): those being worked on
 * first, with their steps; the closed ones folded under them. Its own query:
 * the histories would push the customer's query over the complexity limit.
 */
export function ServiceRequestsCard({ customer: c, canLog, reload }: SectionProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useSession();
  const [creating, setCreating] = useState(false);
  const [shownSteps, setShownSteps] = useState<ReadonlySet<string>>(new Set());
  const query = useQuery({
    queryKey: ['service', 'customer', c.code],
    queryFn: async () => (await request(CustomerServiceRequestsQuery, { code: c.code })).customer,
    staleTime: 5_000,
  });
  const actions = useServiceActions(reload);
  const data = query.data;
  const { active, closed } = splitRequests(data?.serviceRequests ?? []);

  const toggleSteps = (id: string) =>
    setShownSteps((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const item = (r: Req) => {
    const last = r.history[r.history.length - 1];
    return (
      <List.Item key={r.id} data-testid="service-request" data-status={r.status} style={{ display: 'block', paddingInline: 0 }}>
        <Space size={[0, 4]} wrap>
          <ServiceTags r={r} />
          {r.interaction && (
            <Tag bordered={false} color="default">
              {t('service.fromComplaint')}
            </Tag>
          )}
        </Space>
        <div className="kehu-pre" style={{ marginTop: 4 }} data-testid="service-summary">
          {r.summary}
        </div>
        <div className="kehu-muted" style={{ fontSize: 12, marginTop: 2 }}>
          {t('service.assigneeIs', { name: r.assignee?.name ?? t('service.unassigned') })}
          {r.contact && ` · ${t('service.raisedBy', { name: r.contact.name })}`}
          {' · '}
          {r.status === 'CLOSED' ? t('service.closedAt', { at: formatTime(r.closedAt) }) : <DueText r={r} />}
        </div>
        {r.resolution && (
          <div style={{ fontSize: 13, marginTop: 4 }} className="kehu-pre" data-testid="service-resolution">
            <Typography.Text type="secondary">{t('service.resolutionIs')}</Typography.Text>
            {r.resolution}
            {r.resolutionHours != null && <span className="kehu-muted"> {t('service.resolvedIn', { h: r.resolutionHours.toFixed(1) })}</span>}
          </div>
        )}
        {r.status === 'CLOSED' && (
          <div style={{ fontSize: 13, marginTop: 4 }} data-testid="service-check">
            {r.satisfaction ? (
              <Tag color={r.satisfaction.score >= 80 ? 'green' : r.satisfaction.score >= 60 ? 'orange' : 'red'} bordered={false}>
                {t('service.score', { score: r.satisfaction.score })}
              </Tag>
            ) : (
              <Tag bordered={false}>{t('service.noScore')}</Tag>
            )}
            {(r.satisfaction?.comment || (!r.satisfaction && last?.note)) && <span className="kehu-pre">{r.satisfaction?.comment || last?.note}</span>}
          </div>
        )}
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6, alignItems: 'center', marginTop: 6 }}>
          {mayWork(r, me) && <ServiceActionButtons req={r} onAction={actions.run} />}
          <Button
            size="small"
            type="link"
            icon={<HistoryOutlined />}
            aria-expanded={shownSteps.has(r.id)}
            onClick={() => toggleSteps(r.id)}
            style={{ paddingInline: 0 }}
          >
            {t('service.history', { n: r.history.length })}
          </Button>
        </div>
        {shownSteps.has(r.id) && (
          <div style={{ marginTop: 10 }} className="kehu-service-steps" data-testid="service-steps">
            <ChangeHistory map={SERVICE_STATUS_LABELS} changes={r.history.map((h) => ({ ...h, reason: h.note }))} limit={MAX_STEPS} />
          </div>
        )}
      </List.Item>
    );
  };

  return (
    <Card
      size="small"
      title={
        <span>
          {t('service.title')}
          {data && data.serviceRequestCount > 0 && (
            <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal', marginInlineStart: 8 }}>
              {t('service.cardCount', { open: data.openServiceCount, total: data.serviceRequestCount })}
            </Typography.Text>
          )}
        </span>
      }
      extra={<Link to="/service">{t('service.allLink')}</Link>}
      style={{ marginBottom: 16 }}
      data-testid="customer-service"
    >
      {query.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} title={false} />
      ) : !data ? (
        <Alert type="error" showIcon message={errorText(query.error, i18n)} action={<Button size="small" onClick={() => void query.refetch()}>{t('common.retry')}</Button>} />
      ) : (
        <>
          {active.length === 0 && closed.length === 0 && <Typography.Text type="secondary">{t('service.none')}</Typography.Text>}
          {active.length > 0 && <List size="small" dataSource={active} renderItem={item} rowKey="id" style={{ marginTop: -8 }} />}
          {closed.length > 0 && (
            <Collapse
              ghost
              size="small"
              style={{ marginInline: -8 }}
              items={[
                {
                  key: 'closed',
                  label: t('service.showClosed', { n: data.serviceRequestCount - active.length }),
                  children: <List size="small" dataSource={closed} renderItem={item} rowKey="id" />,
                },
              ]}
            />
          )}
          {data.serviceRequestCount > CUSTOMER_SERVICE_LIMIT && (
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
              {t('service.firstOf', { n: data.serviceRequests.length, total: data.serviceRequestCount })}
            </Typography.Paragraph>
          )}
        </>
      )}
      {canLog && (
        <Button type="dashed" icon={<PlusOutlined />} block onClick={() => setCreating(true)} style={{ marginTop: 8 }}>
          {t('service.new')}
        </Button>
      )}
      {canLog && <NewServiceRequestModal open={creating} customer={c} onClose={() => setCreating(false)} onSaved={() => Promise.all([reload(), query.refetch()])} />}
      {actions.element}
    </Card>
  );
}
