import { useEffect, useState, type CSSProperties } from 'react';
import { Button, DatePicker, Grid, Input, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useI18n, type MessageKey } from '../i18n';
import { fromNativeValue, presetKeys, presetValue, toNativeValue, withinBounds, type PresetKey } from '../lib/datePresets';

const PRESET_LABEL: Record<PresetKey, MessageKey> = {
  today: 'date.today',
  tomorrow: 'date.tomorrow',
  nextMonday: 'date.nextMonday',
  yesterday: 'date.yesterday',
};

export interface DateFieldProps {
  value?: Dayjs | null;
  onChange?: (value: Dayjs | null) => void;
  /** A date and a time (HH:mm) instead of a day. */
  withTime?: boolean;
  /** The earliest and latest day allowed (inclusive). */
  min?: Dayjs | null;
  max?: Dayjs | null;
  allowClear?: boolean;
  disabled?: boolean;
  placeholder?: string;
  id?: string;
  'aria-label'?: string;
  style?: CSSProperties;
}

/**
 * Every date field of the app. On a desktop an Ant Design picker with the
 * shortcuts beside the calendar; on a phone (narrower than md) the phone's
 * own date input, which always fits the screen, with the shortcuts as
 * buttons under it. Used inside Form.Item like a DatePicker (Dayjs values).
 */
export function DateField({ value, onChange, withTime = false, min, max, allowClear = true, disabled, placeholder, id, style, ...rest }: DateFieldProps) {
  const { t } = useI18n();
  const phone = Grid.useBreakpoint().md === false;
  const now = dayjs();
  const bounds = { min, max };
  const pastOnly = max != null && !max.isAfter(now, 'day');
  const keys = presetKeys(now, bounds);
  const pick = (k: PresetKey) => presetValue(k, dayjs(), { withTime, current: value, pastOnly });
  const label = rest['aria-label'];

  if (!phone) {
    return (
      <DatePicker
        id={id}
        value={value ?? null}
        onChange={(d) => onChange?.(d ?? null)}
        showTime={withTime ? { format: 'HH:mm' } : undefined}
        format={withTime ? 'YYYY-MM-DD HH:mm' : 'YYYY-MM-DD'}
        presets={keys.map((k) => ({ label: t(PRESET_LABEL[k]), value: () => pick(k) }))}
        disabledDate={min || max ? (d: Dayjs) => !withinBounds(d, bounds) : undefined}
        allowClear={allowClear}
        disabled={disabled}
        placeholder={placeholder}
        aria-label={label}
        style={style}
      />
    );
  }
  return (
    <NativeDate
      id={id}
      value={value ?? null}
      onChange={(d) => onChange?.(d)}
      withTime={withTime}
      min={min}
      max={max}
      allowClear={allowClear}
      disabled={disabled}
      label={label}
      placeholder={placeholder}
      style={style}
      presets={keys.map((k) => ({ key: k, label: t(PRESET_LABEL[k]), value: () => pick(k) }))}
    />
  );
}

interface NativeProps {
  id?: string;
  value: Dayjs | null;
  onChange: (d: Dayjs | null) => void;
  withTime: boolean;
  min?: Dayjs | null;
  max?: Dayjs | null;
  allowClear: boolean;
  disabled?: boolean;
  label?: string;
  /** Shown before the input: a phone's date input has no placeholder. */
  placeholder?: string;
  style?: CSSProperties;
  presets: { key: PresetKey; label: string; value: () => Dayjs }[];
}

function NativeDate({ id, value, onChange, withTime, min, max, allowClear, disabled, label, placeholder, style, presets }: NativeProps) {
  // What the input shows, kept while it is not a whole date yet.
  const [text, setText] = useState(toNativeValue(value, withTime));
  useEffect(() => {
    setText(toNativeValue(value, withTime));
  }, [value, withTime]);
  const bound = (d: Dayjs | null | undefined, end: boolean) => (d ? (withTime ? d.format(end ? 'YYYY-MM-DDT23:59' : 'YYYY-MM-DDT00:00') : d.format('YYYY-MM-DD')) : undefined);

  return (
    <div style={{ width: '100%', ...style }} className="kehu-date-native">
      <Input
        id={id}
        type={withTime ? 'datetime-local' : 'date'}
        size="large"
        value={text}
        min={bound(min, false)}
        max={bound(max, true)}
        required={!allowClear}
        disabled={disabled}
        aria-label={label}
        prefix={placeholder}
        onChange={(e) => {
          setText(e.target.value);
          const d = fromNativeValue(e.target.value, withTime);
          if (d || e.target.value === '') onChange(d);
        }}
      />
      <Space size={8} wrap style={{ marginTop: 8 }}>
        {presets.map((p) => (
          <Button key={p.key} size="large" autoInsertSpace={false} disabled={disabled} onClick={() => onChange(p.value())} data-testid={`date-preset-${p.key}`}>
            {p.label}
          </Button>
        ))}
      </Space>
    </div>
  );
}
