import { App, Form, Input, Select } from 'antd';
import dayjs from 'dayjs';
import { request } from '../../api/client';
import { useI18n } from '../../i18n';
import { PRIORITY_LABELS, SERVICE_KIND_LABELS } from '../../i18n/enums';
import { DateField } from '../../components/DateField';
import { EnumSelect } from '../../components/EnumSelect';
import { FormModal } from '../../components/FormModal';
import { StaffSelect } from '../../components/StaffSelect';
import { knownNames } from '../../lib/fieldPath';
import { OpenServiceRequestMutation } from './operations';
import { openInput, type NewRequestValues } from './steps';

const known = knownNames(['kind', 'summary', 'priority', 'due', 'assigneeId', 'contactId']);

interface Props {
  open: boolean;
  customer: { id: string; contacts: readonly { id: string; name: string; title?: string | null }[] };
  onClose: () => void;
  onSaved: () => Promise<unknown>;
}

/** 新建服务请求 on a customer: what was left empty takes the server's defaults (priority by kind, due by priority, assigned to me). */
export function NewServiceRequestModal({ open, customer, onClose, onSaved }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<NewRequestValues>();
  return (
    <FormModal<NewRequestValues>
      name="newService"
      open={open}
      title={t('service.new')}
      form={form}
      initialValues={{ kind: 'CONSULTATION', summary: '', priority: null, due: null, assigneeId: null, contactId: null }}
      onCancel={onClose}
      known={known}
      onSubmit={async (v) => {
        await request(OpenServiceRequestMutation, { customerId: customer.id, input: openInput(v) });
        onClose();
        message.success(t('service.opened'));
        await onSaved();
      }}
    >
      <Form.Item name="kind" label={t('service.kind')} rules={[{ required: true, message: i18n.reasonText('REQUIRED') }]}>
        <EnumSelect map={SERVICE_KIND_LABELS} allowClear={false} />
      </Form.Item>
      <Form.Item name="summary" label={t('service.summary')} rules={[{ required: true, whitespace: true, message: i18n.reasonText('REQUIRED') }]}>
        <Input.TextArea autoFocus maxLength={5000} autoSize={{ minRows: 3, maxRows: 8 }} placeholder={t('service.summaryPlaceholder')} />
      </Form.Item>
      <Form.Item name="priority" label={t('service.priority')} extra={t('service.priorityDefault')}>
        <EnumSelect map={PRIORITY_LABELS} />
      </Form.Item>
      <Form.Item name="due" label={t('service.due')} extra={t('service.dueDefault')}>
        <DateField withTime min={dayjs()} style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="assigneeId" label={t('service.assignee')} extra={t('service.assigneeDefault')}>
        <StaffSelect assignableOnly allowClear style={{ width: '100%' }} />
      </Form.Item>
      {customer.contacts.length > 0 && (
        <Form.Item name="contactId" label={t('service.contact')}>
          <Select
            allowClear
            placeholder={t('form.select')}
            options={customer.contacts.map((c) => ({ value: c.id, label: c.title ? `${c.name}（${c.title}）` : c.name }))}
          />
        </Form.Item>
      )}
    </FormModal>
  );
}
