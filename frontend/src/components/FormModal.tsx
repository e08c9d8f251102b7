import { useState, type ReactNode } from 'react';
import { Alert, Form, Modal, type FormInstance } from 'antd';
import { isApiError } from '../api/errors';
import { useI18n } from '../i18n';
import type { NamePath } from '../lib/fieldPath';
import { applyServerErrors } from '../lib/formErrors';
import { guardEnter } from '../lib/enterKey';
import { ErrorAlert } from './States';

interface Props<V> {
  /** Prefix of the field ids, unique on the page (labels point at ids). */
  name: string;
  open: boolean;
  title: ReactNode;
  form: FormInstance<V>;
  initialValues?: Partial<V>;
  onCancel: () => void;
  /** Saves; throws the API error on failure. */
  onSubmit: (values: V) => Promise<void>;
  /** Which form fields exist, for placing the server's field errors. */
  known: (name: NamePath) => boolean;
  /** Renames an API field (after the argument is dropped) to the form's name for it. */
  rename?: (name: NamePath) => NamePath;
  /**
   * A stale expectedVersion: reload the record and return what to tell the
   * user. The modal stays open with what they typed.
   */
  onConflict?: (values: V) => Promise<ReactNode>;
  okText?: ReactNode;
  children: ReactNode;
  width?: number;
}

/**
 * A form in a dialog that shows the server's validation errors on its fields.
 * Enter in a field never saves it (lib/enterKey.ts); the OK button or
 * Ctrl/⌘+Enter does.
 */
export function FormModal<V extends object>({ name, open, title, form, initialValues, onCancel, onSubmit, known, rename, onConflict, okText, children, width }: Props<V>) {
  const { t, problemText } = useI18n();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [other, setOther] = useState<string[]>([]);
  const [note, setNote] = useState<ReactNode>(null);

  const submit = async () => {
    let values: V;
    try {
      await form.validateFields();
      values = form.getFieldsValue(true) as V;
    } catch {
      return; // the form shows what is missing
    }
    setSaving(true);
    setError(null);
    setOther([]);
    try {
      await onSubmit(values);
      setNote(null);
    } catch (e) {
      if (isApiError(e) && e.isVersionConflict && onConflict) {
        try {
          setNote(await onConflict(values));
        } catch (e2) {
          setError(e2);
        }
        return;
      }
      const res = applyServerErrors(form, e, known, problemText, rename);
      setOther(res.other);
      if (!res.onFields && res.other.length === 0) setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      onCancel={onCancel}
      onOk={() => void submit()}
      okText={okText ?? t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      width={width ?? 560}
      afterClose={() => {
        setError(null);
        setOther([]);
        setNote(null);
      }}
    >
      {note && <Alert type="warning" showIcon role="alert" message={note} style={{ marginBottom: 16 }} data-testid="nested-conflict" />}
      <ErrorAlert error={error} onClose={() => setError(null)} />
      {other.length > 0 && <Alert type="error" showIcon role="alert" message={other.join('；')} style={{ marginBottom: 16 }} />}
      <Form<V>
        name={name}
        form={form}
        layout="vertical"
        initialValues={initialValues}
        preserve={false}
        onKeyDown={guardEnter(() => void submit())}
        disabled={saving}
      >
        {children}
      </Form>
    </Modal>
  );
}
