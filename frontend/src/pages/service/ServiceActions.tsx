// The steps of a service request, shared by the customer page's card and
// the /service list: buttons for what its status offers, and the dialogs
// of the steps that ask for something (the resolution, why it is reopened,
// the satisfaction check, whom to hand it to).
import { useState } from 'react';
import { App, Button, Form, Input, InputNumber, Space, Tooltip, Typography } from 'antd';
import { CheckCircleOutlined, CheckOutlined, PlayCircleOutlined, RedoOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { request } from '../../api/client';
import type { ServiceRequestFieldsFragment } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { FormModal } from '../../components/FormModal';
import { StaffSelect } from '../../components/StaffSelect';
import { errorText } from '../../lib/errorText';
import { knownNames } from '../../lib/fieldPath';
import { CloseServiceRequestMutation, UpdateServiceRequestMutation } from './operations';
import { closeVariables, reassignPatch, serviceActions, stepPatch, type CloseValues, type ServiceAction } from './steps';
import { DIGEST_KEY } from '../../components/useDigest';

export type ServiceRequestRow = ServiceRequestFieldsFragment;

const LABEL: Record<ServiceAction, MessageKey> = {
  start: 'service.start',
  resolve: 'service.resolve',
  reopen: 'service.reopen',
  close: 'service.close',
  reassign: 'service.reassign',
};

const ICON: Record<ServiceAction, React.ReactNode> = {
  start: <PlayCircleOutlined />,
  resolve: <CheckOutlined />,
  reopen: <RedoOutlined />,
  close: <CheckCircleOutlined />,
  reassign: <UserSwitchOutlined />,
};

/**
 * The buttons of the steps a request's status offers; the next step is the primary one. compact
 * (a table's row) shows the others as icons with a tooltip.
 */
export function ServiceActionButtons({
  req,
  onAction,
  compact = false,
}: {
  req: ServiceRequestRow;
  onAction: (a: ServiceAction, r: ServiceRequestRow) => void;
  compact?: boolean;
}) {
  const { t } = useI18n();
  const actions = serviceActions(req.status);
  return (
    <Space size={6} wrap={!compact} data-testid="service-actions">
      {actions.map((a, i) => {
        const text = t(LABEL[a]);
        if (i === 0) {
          return (
            <Button key={a} size="small" type="primary" ghost icon={ICON[a]} onClick={() => onAction(a, req)}>
              {text}
            </Button>
          );
        }
        const iconOnly = compact;
        return (
          <Tooltip key={a} title={iconOnly ? text : undefined}>
            <Button
              size="small"
              type={a === 'reassign' ? 'text' : 'default'}
              icon={ICON[a]}
              onClick={() => onAction(a, req)}
              aria-label={iconOnly || a === 'reassign' ? `${text} ${req.summary}` : undefined}
            >
              {!iconOnly && text}
            </Button>
          </Tooltip>
        );
      })}
    </Space>
  );
}

const knownNote = knownNames(['note']);
const knownClose = knownNames(['score', 'comment']);
const knownReassign = knownNames(['assigneeId', 'note']);

/**
 * Runs the steps of requests: start at once, the others through their
 * dialog. After a change it invalidates every service request and task
 * query and calls onChanged (the page's own reload).
 */
export function useServiceActions(onChanged?: () => Promise<unknown>) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const qc = useQueryClient();
  // The request and step of the dialog, kept while it closes (its motion shows them).
  const [dialog, setDialog] = useState<{ action: Exclude<ServiceAction, 'start'>; req: ServiceRequestRow } | null>(null);
  const [open, setOpen] = useState(false);
  const [noteForm] = Form.useForm<{ note: string }>();
  const [closeForm] = Form.useForm<CloseValues>();
  const [reassignForm] = Form.useForm<{ assigneeId: string | null; note: string }>();

  const changed = async () => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: ['service'] }, { cancelRefetch: false }),
      // A step closes SERVICE_OVERDUE and SERVICE_CHECK tasks; a check records a satisfaction result.
      qc.invalidateQueries({ queryKey: ['tasks'] }),
      // The digest counts my requests and tasks (the bell, the menu's counts).
      qc.invalidateQueries({ queryKey: DIGEST_KEY }),
      onChanged ? onChanged() : qc.invalidateQueries({ queryKey: ['customer'] }),
    ]);
  };

  const ids = (r: ServiceRequestRow) => ({ customerId: r.customer.id, requestId: r.id });

  const start = async (r: ServiceRequestRow) => {
    try {
      await request(UpdateServiceRequestMutation, { ...ids(r), input: stepPatch('start') });
      message.success(t('service.started'));
    } catch (e) {
      message.error(errorText(e, i18n));
    }
    await changed();
  };

  const run = (a: ServiceAction, r: ServiceRequestRow) => {
    if (a === 'start') void start(r);
    else {
      setDialog({ action: a, req: r });
      setOpen(true);
    }
  };

  const close = () => setOpen(false);
  /** After a dialog saved: close it, say so, reload. */
  const done = async (msg: MessageKey) => {
    setOpen(false);
    message.success(t(msg));
    await changed();
  };
  const req = dialog?.req;
  const step = dialog?.action === 'resolve' || dialog?.action === 'reopen' ? dialog.action : null;
  const summary = req && (
    <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ marginBottom: 12 }}>
      {req.customer.name} · {req.summary}
    </Typography.Paragraph>
  );

  const element = (
    <>
      <FormModal<{ note: string }>
        name="serviceStep"
        open={open && step !== null}
        title={t(step === 'reopen' ? 'service.reopenTitle' : 'service.resolveTitle')}
        okText={t(step === 'reopen' ? 'service.reopen' : 'service.resolve')}
        form={noteForm}
        initialValues={{ note: '' }}
        onCancel={close}
        known={knownNote}
        onSubmit={async (v) => {
          if (!req || !step) return;
          await request(UpdateServiceRequestMutation, { ...ids(req), input: stepPatch(step, v.note) });
          await done(step === 'reopen' ? 'service.reopened' : 'service.resolved');
        }}
      >
        {summary}
        <Form.Item
          name="note"
          label={t(step === 'reopen' ? 'service.reopenLabel' : 'service.resolutionLabel')}
          rules={[{ required: true, whitespace: true, message: i18n.reasonText('REQUIRED') }]}
        >
          <Input.TextArea
            autoFocus
            maxLength={5000}
            autoSize={{ minRows: 3, maxRows: 8 }}
            placeholder={t(step === 'reopen' ? 'service.reopenPlaceholder' : 'service.resolutionPlaceholder')}
          />
        </Form.Item>
      </FormModal>
      <FormModal<CloseValues>
        name="serviceClose"
        open={open && dialog?.action === 'close'}
        title={t('service.closeTitle')}
        okText={t('service.close')}
        form={closeForm}
        initialValues={{ score: null, comment: '' }}
        onCancel={close}
        known={knownClose}
        onSubmit={async (v) => {
          const vars = closeVariables(v);
          if (!req || !vars) return; // the score's rule asks for one
          await request(CloseServiceRequestMutation, { ...ids(req), ...vars });
          await done('service.closed');
        }}
      >
        {summary}
        {req?.resolution && (
          <Typography.Paragraph style={{ fontSize: 13 }} className="kehu-pre">
            <Typography.Text type="secondary">{t('service.resolutionIs')}</Typography.Text>
            {req.resolution}
          </Typography.Paragraph>
        )}
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
          {t('service.closeHelp')}
        </Typography.Paragraph>
        <Form.Item
          name="score"
          label={t('service.scoreLabel')}
          extra={t('service.scoreHint')}
          dependencies={['comment']}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_, score: number | null | undefined) =>
                closeVariables({ score, comment: getFieldValue('comment') as string }) ? Promise.resolve() : Promise.reject(new Error(t('service.scoreOrComment'))),
            }),
          ]}
        >
          <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} autoFocus />
        </Form.Item>
        <Form.Item name="comment" label={t('service.checkComment')}>
          <Input.TextArea maxLength={5000} autoSize={{ minRows: 2, maxRows: 6 }} />
        </Form.Item>
      </FormModal>
      <FormModal<{ assigneeId: string | null; note: string }>
        name="serviceReassign"
        open={open && dialog?.action === 'reassign'}
        title={t('service.reassignTitle')}
        okText={t('service.reassign')}
        form={reassignForm}
        initialValues={{ assigneeId: req?.assignee?.id ?? null, note: '' }}
        onCancel={close}
        known={knownReassign}
        onSubmit={async (v) => {
          if (!req) return;
          await request(UpdateServiceRequestMutation, { ...ids(req), input: reassignPatch(v) });
          await done('service.reassigned');
        }}
      >
        {summary}
        <Form.Item name="assigneeId" label={t('service.reassignTo')} rules={[{ required: true, message: i18n.reasonText('REQUIRED') }]}>
          <StaffSelect assignableOnly known={req?.assignee ? [req.assignee] : []} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="note" label={t('service.reassignNote')}>
          <Input.TextArea maxLength={5000} autoSize={{ minRows: 2, maxRows: 5 }} />
        </Form.Item>
      </FormModal>
    </>
  );

  return { run, element };
}
