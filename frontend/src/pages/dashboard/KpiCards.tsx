// The seeds' KPIs as cards: the value with its unit, the change against the
// compared range (green when it is good news, by higherIsBetter), the target
// and whether it is met, the definition in a tooltip. A card with a drill
// line opens those customers (a button: keyboard too).
import { Card, Col, Row, Skeleton, Tag, Tooltip, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, CheckCircleFilled, CloseCircleFilled, InfoCircleOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { colors } from '../../theme';
import { changeTone, formatKpi, formatKpiChange, type KpiUnit } from './options';

export interface KpiView {
  code: string;
  name: string;
  unit: KpiUnit;
  value: string | null;
  previous: string | null;
  change: string | null;
  target: string | null;
  targetMet: boolean | null;
  higherIsBetter: boolean;
  definition: string;
  drill: string | null;
  numerator: string | null;
  denominator: string | null;
}

export function KpiCards({ kpis, previousText, onDrill }: { kpis: readonly KpiView[] | undefined; previousText: string; onDrill: (drill: string) => void }) {
  const { t, lang } = useI18n();
  return (
    <Row gutter={[12, 12]} style={{ marginBottom: 16 }} data-testid="dash-kpis">
      {(kpis ?? Array.from({ length: 8 }, () => null)).map((k, i) => (
        <Col xs={12} sm={8} lg={6} xl={4} key={k?.code ?? i}>
          {!k ? (
            <Card size="small">
              <Skeleton active paragraph={{ rows: 2 }} title={false} />
            </Card>
          ) : (
            <KpiCard k={k} lang={lang} t={t} previousText={previousText} onDrill={onDrill} />
          )}
        </Col>
      ))}
    </Row>
  );
}

function KpiCard({ k, lang, t, previousText, onDrill }: { k: KpiView; lang: 'zh' | 'en'; t: ReturnType<typeof useI18n>['t']; previousText: string; onDrill: (drill: string) => void }) {
  const tone = changeTone(k.change, k.higherIsBetter);
  const toneColor = tone === 'good' ? colors.success : tone === 'bad' ? colors.error : colors.textMuted;
  const open = k.drill ? () => onDrill(k.drill as string) : undefined;
  const value = formatKpi(k.value, k.unit, lang);
  const cmp = k.higherIsBetter ? '≥' : '≤';
  return (
    <Card
      size="small"
      hoverable={Boolean(open)}
      data-testid={`dash-kpi-${k.code}`}
      style={{ height: '100%' }}
      styles={{ body: { padding: 12 } }}
      role={open ? 'button' : undefined}
      tabIndex={open ? 0 : undefined}
      aria-label={open ? `${k.name}: ${value}. ${t('dash.kpi.open')}` : undefined}
      onClick={open}
      onKeyDown={
        open
          ? (e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                open();
              }
            }
          : undefined
      }
    >
      <div style={{ display: 'flex', alignItems: 'flex-start', gap: 4, minHeight: 40 }}>
        <Typography.Text type="secondary" style={{ fontSize: 13, lineHeight: 1.4, flex: 1 }}>
          {k.name}
        </Typography.Text>
        <Tooltip
          title={
            <>
              {k.definition}
              {k.numerator !== null && k.denominator !== null && (
                <div style={{ marginTop: 4, opacity: 0.85 }}>
                  {k.numerator} / {k.denominator}
                </div>
              )}
            </>
          }
        >
          <InfoCircleOutlined
            aria-label={k.definition}
            role="img"
            tabIndex={0}
            onClick={(e) => e.stopPropagation()}
            style={{ color: colors.textMuted, marginTop: 3 }}
          />
        </Tooltip>
      </div>
      <div data-testid="dash-kpi-value" style={{ fontSize: 22, fontWeight: 600, lineHeight: 1.3, overflowWrap: 'anywhere' }}>
        {value}
      </div>
      <div style={{ fontSize: 12, color: toneColor, minHeight: 20 }} title={`${previousText}: ${formatKpi(k.previous, k.unit, lang)}`}>
        {tone === 'good' || tone === 'bad' ? (
          Number(k.change) > 0 ? <ArrowUpOutlined aria-hidden /> : <ArrowDownOutlined aria-hidden />
        ) : null}{' '}
        {k.change !== null ? `${formatKpiChange(k.change, k.unit, lang)} ${t('dash.kpi.vsPrevious')}` : t('dash.kpi.noPrevious')}
      </div>
      {k.target !== null && (
        <div style={{ marginTop: 4 }}>
          <Tag
            bordered={false}
            color={k.targetMet === true ? 'success' : k.targetMet === false ? 'error' : 'default'}
            icon={k.targetMet === true ? <CheckCircleFilled /> : k.targetMet === false ? <CloseCircleFilled /> : undefined}
            style={{ marginInlineEnd: 0, whiteSpace: 'normal', maxWidth: '100%' }}
          >
            {t('dash.kpi.target', { cmp, target: formatKpi(k.target, k.unit, lang) })}
            {k.targetMet === true ? ` · ${t('dash.kpi.met')}` : k.targetMet === false ? ` · ${t('dash.kpi.notMet')}` : ''}
          </Tag>
        </div>
      )}
    </Card>
  );
}
