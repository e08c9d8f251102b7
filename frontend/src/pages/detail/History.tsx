import { Col, Empty, Row, Timeline, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { STAGE_LABELS, VALUE_TIER_LABELS } from '../../i18n/enums';
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
        <Typography.Title level={5}>{t('detail.stageHistory')}</Typography.Title>
        {stages.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <Timeline
            items={stages.map((s, i) => ({
              key: i,
              children: (
                <>
                  {s.from && <EnumTag map={STAGE_LABELS} value={s.from} />}
                  {s.from && '→ '}
                  <EnumTag map={STAGE_LABELS} value={s.to} />
                  <div className="kehu-muted" style={{ fontSize: 12 }}>
                    {t('detail.changedBy', { by: s.by?.name ?? '—', at: formatTime(s.at) })}
                  </div>
                </>
              ),
            }))}
          />
        )}
        {stages.length >= HISTORY_LIMIT && <NewestOnly shown={stages.length} />}
      </Col>
      <Col xs={24} md={12}>
        <Typography.Title level={5}>{t('detail.tierHistory')}</Typography.Title>
        {tiers.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <Timeline
            items={tiers.map((s, i) => ({
              key: i,
              children: (
                <>
                  {s.from && <EnumTag map={VALUE_TIER_LABELS} value={s.from} />}
                  {s.from && '→ '}
                  <EnumTag map={VALUE_TIER_LABELS} value={s.to} />
                  <div className="kehu-muted" style={{ fontSize: 12 }}>
                    {t('detail.changedBy', { by: s.by?.name ?? '—', at: formatTime(s.at) })}
                  </div>
                </>
              ),
            }))}
          />
        )}
        {tiers.length >= HISTORY_LIMIT && <NewestOnly shown={tiers.length} />}
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
