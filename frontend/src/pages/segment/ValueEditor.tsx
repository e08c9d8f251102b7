// The value input of one builder condition, by the kind of value its operator
// takes: texts, enum selects with the Chinese labels, people (with "me"),
// tags, numbers and money, dates or relative times ("90 天前").
import { useMemo } from 'react';
import { DatePicker, Grid, Input, InputNumber, Segmented, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useI18n } from '../../i18n';
import { useStaff } from '../../components/StaffSelect';
import { MoneyInput } from '../../components/MoneyInput';
import { DateField } from '../../components/DateField';
import { toMoney } from '../../lib/money';
import { DURATION_UNITS, ME, type FieldSpec, type OpSpec } from '../../lib/segment/catalog';
import { isDuration, type CondValue, type Range } from '../../lib/segment/tree';

interface Props {
  field: FieldSpec;
  op: OpSpec;
  value: CondValue;
  onChange: (v: CondValue) => void;
  /** Accessible name of the input ("价值分级 的值"). */
  label: string;
}

export function ValueEditor({ field, op, value, onChange, label }: Props) {
  const { t, lang } = useI18n();
  const staff = useStaff();
  const enumOptions = useMemo(
    () => Object.entries(field.options ?? {}).map(([v, l]) => ({ value: v, label: l[lang] })),
    [field.options, lang],
  );
  const people = useMemo(() => (staff.data ?? []).map((u) => ({ value: u.id, label: u.name })), [staff.data]);

  switch (op.value) {
    case 'none':
      return null;
    case 'text':
      return (
        <Input
          className="kehu-seg-value"
          aria-label={label}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
          maxLength={200}
          allowClear
        />
      );
    case 'texts':
    case 'tags':
      return (
        <Select
          className="kehu-seg-value"
          aria-label={label}
          mode="tags"
          open={false}
          suffixIcon={null}
          tokenSeparators={[',', '，']}
          placeholder={t('seg.typeValues')}
          value={Array.isArray(value) ? value : []}
          onChange={(v: string[]) => onChange(v.length ? v : null)}
        />
      );
    case 'enum':
      return (
        <Select
          className="kehu-seg-value"
          aria-label={label}
          placeholder={t('seg.pickValue')}
          options={enumOptions}
          value={typeof value === 'string' ? value : undefined}
          onChange={(v: string) => onChange(v)}
        />
      );
    case 'enums':
      return (
        <Select
          className="kehu-seg-value"
          aria-label={label}
          mode="multiple"
          placeholder={t('seg.pickValue')}
          options={enumOptions}
          optionFilterProp="label"
          value={Array.isArray(value) ? value : []}
          onChange={(v: string[]) => onChange(v.length ? v : null)}
        />
      );
    case 'user':
      return (
        <Select
          className="kehu-seg-value"
          aria-label={label}
          showSearch
          optionFilterProp="label"
          placeholder={t('seg.pickValue')}
          loading={staff.isPending}
          options={[{ value: ME, label: t('seg.me') }, ...withUnknown(people, typeof value === 'string' ? [value] : [])]}
          value={typeof value === 'string' ? value : undefined}
          onChange={(v: string) => onChange(v)}
        />
      );
    case 'users':
      return (
        <Select
          className="kehu-seg-value"
          aria-label={label}
          mode="multiple"
          optionFilterProp="label"
          placeholder={t('seg.pickValue')}
          loading={staff.isPending}
          options={withUnknown(people, Array.isArray(value) ? value : [])}
          value={Array.isArray(value) ? value : []}
          onChange={(v: string[]) => onChange(v.length ? v : null)}
        />
      );
    case 'number':
      return <NumberInput field={field} value={value} onChange={onChange} label={label} />;
    case 'numberRange': {
      const r = asRange(value);
      const set = (k: 'from' | 'to', v: CondValue) => onChange({ ...r, [k]: v } as Range);
      return (
        <Space.Compact className="kehu-seg-value">
          <NumberInput field={field} value={r.from as CondValue} onChange={(v) => set('from', v)} label={`${label} ${t('seg.from')}`} />
          <NumberInput field={field} value={r.to as CondValue} onChange={(v) => set('to', v)} label={`${label} ${t('seg.to')}`} />
        </Space.Compact>
      );
    }
    case 'duration':
      return <DurationInput value={typeof value === 'string' ? value : null} onChange={onChange} label={label} />;
    case 'time':
      return (
        <TimeInput
          value={typeof value === 'string' ? value : null}
          onChange={onChange}
          label={label}
          // eq takes a calendar day; the comparisons also a relative time
          relativeOk={op.key !== 'eq'}
        />
      );
    case 'timeRange': {
      const r = asRange(value);
      const relative = isDuration(r.from) || isDuration(r.to);
      return (
        <Space wrap size={4} className="kehu-seg-value">
          <Segmented
            size="small"
            aria-label={label}
            value={relative ? 'rel' : 'abs'}
            options={[
              { value: 'abs', label: t('seg.date') },
              { value: 'rel', label: t('seg.relative') },
            ]}
            onChange={(m) => onChange(m === 'rel' ? { from: '90d', to: '30d' } : null)}
          />
          {relative ? (
            <>
              <span>{t('seg.from')}</span>
              <DurationInput value={typeof r.from === 'string' ? r.from : null} onChange={(v) => onChange({ ...r, from: v })} label={`${label} ${t('seg.from')}`} />
              <span>{t('seg.ago')}</span>
              <span>{t('seg.to')}</span>
              <DurationInput value={typeof r.to === 'string' ? r.to : null} onChange={(v) => onChange({ ...r, to: v })} label={`${label} ${t('seg.to')}`} />
              <span>{t('seg.ago')}</span>
            </>
          ) : (
            <DateRange label={label} from={day(r.from)} to={day(r.to)} onChange={onChange} />
          )}
        </Space>
      );
    }
    case 'bool':
      return (
        <Select
          className="kehu-seg-value"
          aria-label={label}
          options={[
            { value: 'true', label: t('common.yes') },
            { value: 'false', label: t('common.no') },
          ]}
          value={value === false ? 'false' : 'true'}
          onChange={(v: string) => onChange(v === 'true')}
        />
      );
  }
}

/**
 * A range of days. Two months side by side do not fit a phone: there the
 * two ends are two of the phone's own date inputs.
 */
function DateRange({ label, from, to, onChange }: { label: string; from: Dayjs | null; to: Dayjs | null; onChange: (v: CondValue) => void }) {
  const { t } = useI18n();
  const phone = Grid.useBreakpoint().md === false;
  const set = (a: Dayjs | null, b: Dayjs | null) => onChange(a && b ? { from: a.format('YYYY-MM-DD'), to: b.format('YYYY-MM-DD') } : null);
  if (phone) {
    return (
      <Space direction="vertical" size={4} style={{ width: '100%' }}>
        <DateField aria-label={`${label} ${t('seg.from')}`} value={from} onChange={(d) => set(d, to ?? d)} />
        <DateField aria-label={`${label} ${t('seg.to')}`} value={to} min={from} onChange={(d) => set(from ?? d, d)} />
      </Space>
    );
  }
  return <DatePicker.RangePicker aria-label={label} value={[from, to]} onChange={(d) => set(d?.[0] ?? null, d?.[1] ?? null)} />;
}

function withUnknown(options: { value: string; label: string }[], ids: string[]) {
  const known = new Set(options.map((o) => o.value));
  return [...options, ...ids.filter((id) => id !== ME && !known.has(id)).map((id) => ({ value: id, label: id }))];
}

function asRange(v: CondValue): Range {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : { from: null, to: null };
}

function day(v: unknown): Dayjs | null {
  if (typeof v !== 'string' || !v || isDuration(v)) return null;
  const d = dayjs(v);
  return d.isValid() ? d : null;
}

function NumberInput({ field, value, onChange, label }: { field: FieldSpec; value: CondValue; onChange: (v: CondValue) => void; label: string }) {
  if (field.kind === 'money') {
    return (
      <MoneyInput
        aria-label={label}
        className="kehu-seg-number"
        value={typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null}
        onChange={(v) => onChange(toMoney(v))}
        style={{ width: 150 }}
      />
    );
  }
  return (
    <InputNumber<number>
      aria-label={label}
      className="kehu-seg-number"
      value={typeof value === 'number' ? value : null}
      min={field.name === 'avgSatisfaction' ? 0 : field.kind === 'int' ? 0 : undefined}
      max={field.name === 'avgSatisfaction' ? 100 : undefined}
      precision={field.kind === 'int' ? 0 : undefined}
      onChange={(v) => onChange(typeof v === 'number' ? v : null)}
      style={{ width: 110 }}
    />
  );
}

/**
 * A relative time: a number and a unit (90 天, 2 周, 6 个月, 1 年). maxByUnit
 * bounds the number per unit (a change figure's window); a unit change keeps
 * the number within it.
 */
export function DurationInput({
  value,
  onChange,
  label,
  maxByUnit,
}: {
  value: string | null;
  onChange: (v: string | null) => void;
  label: string;
  maxByUnit?: Record<keyof typeof DURATION_UNITS, number>;
}) {
  const { t, lang } = useI18n();
  const m = value ? /^(\d+)([dwmy])$/.exec(value) : null;
  const n = m ? Number(m[1]) : null;
  const unit = (m?.[2] ?? 'd') as keyof typeof DURATION_UNITS;
  const emit = (nn: number | null, u: keyof typeof DURATION_UNITS) =>
    onChange(nn && nn > 0 ? `${maxByUnit ? Math.min(nn, maxByUnit[u]) : nn}${u}` : null);
  return (
    <Space.Compact>
      <InputNumber<number>
        aria-label={label}
        min={1}
        max={maxByUnit?.[unit] ?? 36500}
        precision={0}
        value={n}
        placeholder="90"
        onChange={(v) => emit(typeof v === 'number' ? v : null, unit)}
        style={{ width: 80 }}
      />
      <Select
        aria-label={`${label} ${t('seg.relative')}`}
        value={unit}
        onChange={(u: keyof typeof DURATION_UNITS) => emit(n, u)}
        options={Object.entries(DURATION_UNITS).map(([u, l]) => ({ value: u, label: l[lang] }))}
        style={{ width: 84 }}
      />
    </Space.Compact>
  );
}

/** A date (or a time) or, for comparisons, a relative time ("30 天前"). */
function TimeInput({ value, onChange, label, relativeOk }: { value: string | null; onChange: (v: string | null) => void; label: string; relativeOk: boolean }) {
  const { t } = useI18n();
  const relative = relativeOk && isDuration(value);
  const withTime = !!value && value.includes('T');
  return (
    <Space wrap size={4} className="kehu-seg-value">
      {relativeOk && (
        <Segmented
          size="small"
          value={relative ? 'rel' : 'abs'}
          options={[
            { value: 'abs', label: t('seg.date') },
            { value: 'rel', label: t('seg.relative') },
          ]}
          onChange={(m) => onChange(m === 'rel' ? '30d' : null)}
        />
      )}
      {relative ? (
        <>
          <DurationInput value={value} onChange={onChange} label={label} />
          <span>{t('seg.ago')}</span>
        </>
      ) : (
        <DateField
          aria-label={label}
          withTime={withTime}
          value={day(value)}
          onChange={(d) => onChange(d ? (withTime ? d.toISOString() : d.format('YYYY-MM-DD')) : null)}
        />
      )}
    </Space>
  );
}
