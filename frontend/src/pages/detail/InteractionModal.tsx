import { App, Col, DatePicker, Form, Input, InputNumber, Row, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { request } from '../../api/client';
import { LogInteractionMutation } from '../../api/operations';
import type { InteractionChannel, InteractionInput, KeyEvent } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { CHANNEL_LABELS, KEY_EVENT_LABELS } from '../../i18n/enums';
import { EnumSelect } from '../../components/EnumSelect';
import { FormModal } from '../../components/FormModal';
import { knownNames } from '../../lib/fieldPath';
import { dayjsToTime } from '../../lib/money';
import type { Detail } from './types';

interface Values {
  at: Dayjs | null;
  channel: InteractionChannel;
  summary: string;
  feedback: string;
  result: string;
  keyEvent: KeyEvent | null;
  durationMin: number | null;
  contactIds: string[];
  nextAction: { what?: string; due?: Dayjs | null };
}

const known = knownNames(['at', 'channel', 'summary', 'feedback', 'result', 'keyEvent', 'durationMin', 'contactIds', 'nextAction'], {});
const knownWithNext = (n: (string | number)[]) => (n[0] === 'nextAction' && (n[1] === 'what' || n[1] === 'due') && n.length === 2) || known(n);

/** The full interaction form (time, feedback, result, key event, duration, contacts, next action). */
export function InteractionModal({ customer, open, onClose, onSaved }: { customer: Detail; open: boolean; onClose: () => void; onSaved: () => Promise<unknown> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();

  const submit = async (v: Values) => {
    const input: InteractionInput = {
      at: dayjsToTime(v.at),
      channel: v.channel,
      summary: v.summary.trim(),
      feedback: v.feedback?.trim() || null,
      result: v.result?.trim() || null,
      keyEvent: v.keyEvent ?? null,
      durationMin: v.durationMin ?? null,
      contactIds: v.contactIds?.length ? v.contactIds : null,
    };
    if (v.nextAction?.what?.trim()) input.nextAction = { what: v.nextAction.what.trim(), due: dayjsToTime(v.nextAction.due ?? null) };
    await request(LogInteractionMutation, { customerId: customer.id, input });
    onClose();
    message.success(t('interaction.logged'));
    await onSaved();
  };

  return (
    <FormModal<Values>
      name="interaction"
      open={open}
      title={t('interaction.add')}
      form={form}
      width={680}
      initialValues={{ at: dayjs(), channel: 'PHONE', contactIds: [], keyEvent: null, durationMin: null, nextAction: {} }}
      onCancel={onClose}
      onSubmit={submit}
      known={knownWithNext}
    >
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item name="channel" label={t('interaction.channel')} rules={[{ required: true }]}>
            <EnumSelect map={CHANNEL_LABELS} allowClear={false} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="at" label={t('interaction.at')}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} disabledDate={(d: Dayjs) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item name="summary" label={t('interaction.summary')} rules={[{ required: true, whitespace: true, message: i18n.serverText('is required') }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={5000} autoFocus />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="feedback" label={t('interaction.feedback')}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={5000} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="result" label={t('interaction.result')}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={5000} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="contactIds" label={t('interaction.contactIds')}>
            <Select mode="multiple" options={customer.contacts.map((c) => ({ value: c.id, label: c.name }))} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={6}>
          <Form.Item name="keyEvent" label={t('interaction.keyEvent')}>
            <EnumSelect map={KEY_EVENT_LABELS} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={6}>
          <Form.Item name="durationMin" label={t('interaction.durationMin')}>
            <InputNumber min={0} max={1440} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={14}>
          <Form.Item name={['nextAction', 'what']} label={t('interaction.nextAction')}>
            <Input maxLength={500} placeholder={t('quick.nextPlaceholder')} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={10}>
          <Form.Item name={['nextAction', 'due']} label={t('interaction.nextDue')}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
    </FormModal>
  );
}
