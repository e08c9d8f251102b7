import { Col, Empty, Row, Timeline, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { LIFECYCLE_LABELS, STAGE_LABELS, VALUE_TIER_LABELS, type LabelMap } from '../../i18n/enums';
import { EnumTag } from '../../components/EnumTag';
import { formatTime } from '../../lib/money';
import { HISTORY_LIMIT } from '../../api/operations';
import { NewestOnly } from './NewestOnly';
import type { Detail } from './types';

export function HistorySection({ customer }: { customer: Detail }) {
  const { t } = useI18n();
  // Newest first, at most HISTORY_LIMIT of each.
  const stages = customer.stageHistory;
  const tiers = customer.tierHistory;
  const owners = customer.ownerHistory;
  return (
    <Row gutter={24}>
      <Col xs={24} md={12}>
        <ChangeHistory title={t('detail.stageHistory')} map={STAGE_LABELS} changes={stages} />
      </Col>
      <Col xs={24} md={12}>
        <ChangeHistory title={t('detail.tierHistory')} map={VALUE_TIER_LABELS} changes={tiers} />
      </Col>
      <Col xs={24} md={12} data-testid="lifecycle-history">
        <ChangeHistory title={t('detail.lifecycleHistory')} map={LIFECYCLE_LABELS} changes={customer.lifecycleHistory} />
      </Col>
      {owners.length > 0 && (
        <Col xs={24} md={12} data-testid="owner-history">
          <Typography.Title level={5}>{t('bulk.ownerHistory')}</Typography.Title>
          <Timeline
            items={owners.map((s, i) => ({
              key: i,
              children: (
                <>
                  {s.from && `${s.from.name} → `}
                  {s.to?.name ?? '—'}
                  <div className="kehu-muted" style={{ fontSize: 12 }}>
                    {t('detail.changedBy', { by: s.by?.name ?? '—', at: formatTime(s.at) })}
                  </div>
                </>
              ),
            }))}
          />
          {owners.length >= HISTORY_LIMIT && <NewestOnly shown={owners.length} />}
        </Col>
      )}
    </Row>
  );
}

interface Change<E extends string> {
  from?: E | null;
  to: E;
  at: string;
  by?: { name: string } | null;
  reason?: string | null;
  rule?: string | null;
}

/**
 * A value's changes in the order given: by a rule (named) or by a person (with the reason, if
 * any); a change whose from equals its to is a note on the value (a service request's step).
 * Lists as long as limit say that only the newest are shown.
 */
export function ChangeHistory<E extends string>({
  title,
  map,
  changes,
  limit = HISTORY_LIMIT,
}: {
  title?: string;
  map: LabelMap<E>;
  changes: Change<E>[];
  limit?: number;
}) {
  const { t } = useI18n();
  return (
    <>
      {title && <Typography.Title level={5}>{title}</Typography.Title>}
      {changes.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <Timeline
          items={changes.map((s, i) => ({
            key: i,
            children: (
              <>
                {s.from && s.from !== s.to && <EnumTag map={map} value={s.from} />}
                {s.from && s.from !== s.to && '→ '}
                <EnumTag map={map} value={s.to} />
                <div className="kehu-muted" style={{ fontSize: 12 }}>
                  {t('detail.changedBy', { by: s.rule ? t('history.byRule', { rule: s.rule }) : (s.by?.name ?? '—'), at: formatTime(s.at) })}
                  {s.reason && ` · ${s.reason}`}
                </div>
              </>
            ),
          }))}
        />
      )}
      {changes.length >= limit && <NewestOnly shown={changes.length} />}
    </>
  );
}
