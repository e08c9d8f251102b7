import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Form, Input, Row, Select, Space, Switch, Typography } from 'antd';
import { ArrowLeftOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { request } from '../api/client';
import { CreateCustomerMutation, CustomerProfileQuery, UpdateCustomerMutation } from '../api/operations';
import { useStaff } from '../components/StaffSelect';
import { assigneeOptions } from '../lib/staff';
import { isApiError } from '../api/errors';
import type { CustomerProfileFragment } from '../gql/graphql';
import { useI18n } from '../i18n';
import {
  CONTACT_ROLE_LABELS,
  CUSTOMER_TYPE_LABELS,
  INTENT_GRADE_LABELS,
  NEED_TYPE_LABELS,
  STAGE_LABELS,
  type LabelMap,
} from '../i18n/enums';
import { DateField } from '../components/DateField';
import { EnumSelect } from '../components/EnumSelect';
import { ConflictDialog, type ConflictInfo } from '../components/ConflictDialog';
import { ErrorAlert, ErrorState, PageLoading } from '../components/States';
import { useSession } from '../auth/session';
import {
  CONTACT_FIELDS,
  FIELD_LABELS,
  PROFILE_FIELDS,
  emptyCustomerForm,
  formToInput,
  formToPatch,
  profileToForm,
  type ContactFormValues,
  type CustomerFormValues,
  type ProfileField,
} from '../lib/customerForm';
import { diffRecords, mergeEdits } from '../lib/conflict';
import { knownNames } from '../lib/fieldPath';
import { applyServerErrors } from '../lib/formErrors';
import { formatTime } from '../lib/money';
import { PageHeading } from '../components/PageHeading';
import { EMPLOYEE_BAND_CHOICES, REVENUE_BAND_CHOICES, SOURCE_CHOICES } from '../i18n/choices';
import { duplicateInput, duplicateKey } from '../lib/duplicates';
import { DuplicateConfirm, DuplicateNotice, useDuplicateCheck, type DuplicateMatch } from '../components/PossibleDuplicates';
import { guardEnter } from '../lib/enterKey';
import { leaveForm } from '../lib/history';
import { lastListPath } from '../lib/listMemory';

type Values = CustomerFormValues & { contacts?: ContactFormValues[] };

type Profile = CustomerProfileFragment & { updatedAt: string; updatedBy: { id: string; name: string } | null };

const known = knownNames([...PROFILE_FIELDS], { contacts: CONTACT_FIELDS });

const ENUM_FIELDS: Partial<Record<ProfileField, LabelMap<string>>> = {
  type: CUSTOMER_TYPE_LABELS,
  stage: STAGE_LABELS,
  intentGrade: INTENT_GRADE_LABELS,
  needType: NEED_TYPE_LABELS,
};

const col = { xs: 24, sm: 12, lg: 8 };
const wide = { xs: 24, lg: 16 };

export default function CustomerFormPage() {
  const { code } = useParams<{ code: string }>();
  const editing = Boolean(code);
  const profileQuery = useQuery({
    queryKey: ['customerProfile', code],
    queryFn: async () => {
      const res = await request(CustomerProfileQuery, { code: code ?? null });
      return res.customer as Profile | null;
    },
    enabled: editing,
    staleTime: 0,
    gcTime: 0,
  });
  if (editing) {
    if (profileQuery.isPending) return <PageLoading rows={10} />;
    if (profileQuery.error || !profileQuery.data) {
      return <ErrorState error={profileQuery.error} onRetry={() => void profileQuery.refetch()} />;
    }
    return <CustomerForm key={profileQuery.data.id} loaded={profileQuery.data} />;
  }
  return <CustomerForm loaded={null} />;
}

function CustomerForm({ loaded }: { loaded: Profile | null }) {
  const i18n = useI18n();
  const { t, label, problemText, reasonText } = i18n;
  const { me } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const leave = () => leaveForm(navigate, location.state, loaded ? `/customers/${loaded.code}` : lastListPath());
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  // What the user loaded (the base of their edits) and its version.
  const [base, setBase] = useState<CustomerFormValues>(() => (loaded ? profileToForm(loaded) : emptyCustomerForm()));
  const [version, setVersion] = useState(loaded?.version ?? 0);
  const [ownerNames, setOwnerNames] = useState<Record<string, string>>(() => namesOf(loaded));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [otherProblems, setOtherProblems] = useState<string[]>([]);
  const [conflict, setConflict] = useState<(ConflictInfo<ProfileField> & { fresh: Profile }) | null>(null);
  const [clashes, setClashes] = useState<ProfileField[]>([]);
  const [reloadedNote, setReloadedNote] = useState(false);
  // Possible duplicates of a new customer: shown as the user leaves the
  // name, credit code or a phone, and asked about on save unless the user
  // chose "create anyway" for these very values.
  const dupes = useDuplicateCheck();
  const [dupeConfirm, setDupeConfirm] = useState<{ matches: DuplicateMatch[]; values: Values } | null>(null);
  const [createAnyway, setCreateAnyway] = useState('');
  const checkDuplicates = () => {
    if (!loaded) dupes.check(duplicateInput(form.getFieldsValue(true) as Values)).catch(() => undefined);
  };
  // The server says who may change the owner and the collaborators of a
  // customer; a new customer is the creator's, given away by managers only.
  const mayAssign = loaded ? loaded.viewerCanChangeOwner : Boolean(me?.canChangeOwners);
  const mayChangeCollaborators = loaded ? loaded.viewerCanChangeCollaborators : true;

  const staffQuery = useStaff();
  // Owner and collaborators who have left (disabled) are still shown by name.
  const userOptions = useMemo(() => assigneeOptions(staffQuery.data ?? [], ownerNames), [staffQuery.data, ownerNames]);
  const allNames = useMemo(() => {
    const m = { ...ownerNames };
    for (const u of staffQuery.data ?? []) m[u.id] = u.name;
    return m;
  }, [ownerNames, staffQuery.data]);

  const display = (field: ProfileField, value: unknown): string => {
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return '—';
    const map = ENUM_FIELDS[field];
    if (map && typeof value === 'string') return label(map, value);
    if (field === 'ownerId' && typeof value === 'string') return allNames[value] ?? value;
    if (field === 'collaborators' && Array.isArray(value)) return value.map((id) => allNames[String(id)] ?? String(id)).join('、');
    if (dayjs.isDayjs(value)) return value.format('YYYY-MM-DD');
    if (Array.isArray(value)) return value.join('、');
    return String(value);
  };

  const save = async (values: Values, againstVersion = version, against = base, force = false) => {
    setSaving(true);
    setError(null);
    setOtherProblems([]);
    setClashes([]);
    try {
      if (!loaded) {
        const check = duplicateInput(values);
        if (!force && duplicateKey(check) !== createAnyway) {
          let found: DuplicateMatch[] = [];
          try {
            found = await dupes.check(check);
          } catch {
            // advisory: a failed check never blocks saving
          }
          if (found.length > 0) {
            setDupeConfirm({ matches: found, values });
            return;
          }
        }
        const input = formToInput(values, values.contacts ?? []);
        const res = await request(CreateCustomerMutation, { input });
        void qc.invalidateQueries({ queryKey: ['customers'] });
        message.success(t('form.created', { code: res.createCustomer.code }));
        navigate(`/customers/${res.createCustomer.code}`, { replace: true });
        return;
      }
      const patch = formToPatch(values, against);
      if (Object.keys(patch).length === 0) {
        message.info(t('form.noChanges'));
        leave();
        return;
      }
      await request(UpdateCustomerMutation, { id: loaded.id, expectedVersion: againstVersion, input: patch });
      void qc.invalidateQueries({ queryKey: ['customers'] });
      void qc.invalidateQueries({ queryKey: ['customer', loaded.code] });
      message.success(t('form.updated'));
      leave();
    } catch (e) {
      if (loaded && isApiError(e) && e.isVersionConflict) {
        await showConflict(values, against);
        return;
      }
      const res = applyServerErrors(form, e, known, problemText);
      setOtherProblems(res.other);
      if (!res.onFields && res.other.length === 0) setError(e);
    } finally {
      setSaving(false);
    }
  };

  const showConflict = async (values: Values, against: CustomerFormValues) => {
    if (!loaded) return;
    try {
      const res = await request(CustomerProfileQuery, { id: loaded.id });
      const fresh = res.customer as Profile | null;
      if (!fresh) throw new Error('gone');
      setOwnerNames((m) => ({ ...m, ...namesOf(fresh) }));
      const freshForm = profileToForm(fresh);
      setConflict({
        fresh,
        changes: diffRecords(against, freshForm, PROFILE_FIELDS, values),
        who: fresh.updatedBy?.name ?? null,
        when: formatTime(fresh.updatedAt),
      });
    } catch (e) {
      setError(e);
    }
  };

  /** Loads the fresh version and re-applies what the user typed. */
  const reloadKeepingEdits = (thenSave: boolean) => {
    if (!conflict) return;
    const freshForm = profileToForm(conflict.fresh);
    const edited = form.getFieldsValue(true) as Values;
    const { merged, clashes: both } = mergeEdits(base, edited, freshForm, PROFILE_FIELDS);
    form.setFieldsValue(merged);
    setBase(freshForm);
    setVersion(conflict.fresh.version);
    setClashes(both);
    setConflict(null);
    setReloadedNote(true);
    if (thenSave) void save(merged, conflict.fresh.version, freshForm);
  };

  const initialValues: Values = loaded ? base : { ...base, contacts: [{ name: '', primary: true }] };
  const item = (name: ProfileField) => ({
    name,
    label: t(FIELD_LABELS[name]),
    validateStatus: clashes.includes(name) ? ('warning' as const) : undefined,
    help: clashes.includes(name) ? t('conflict.clash') : undefined,
  });

  return (
    <div style={{ maxWidth: 1100 }}>
      <div className="kehu-page-head">
        <Button
          icon={<ArrowLeftOutlined />}
          aria-label={t('common.back')}
          onClick={leave}
        />
        <PageHeading title={loaded ? t('form.editTitle', { name: loaded.name }) : t('form.newTitle')} />
        {loaded && (
          <Typography.Text type="secondary" style={{ fontFamily: 'monospace' }}>
            {loaded.code}
          </Typography.Text>
        )}
      </div>
      {reloadedNote && (
        <Alert type="warning" showIcon message={t('conflict.reloaded')} closable onClose={() => setReloadedNote(false)} style={{ marginBottom: 16 }} data-testid="conflict-reloaded" />
      )}
      <ErrorAlert error={error} onClose={() => setError(null)} />
      {otherProblems.length > 0 && (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginBottom: 16 }}
          message={t('form.otherProblems')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {otherProblems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          }
        />
      )}
      <Form<Values>
        name="customer"
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={() => void save(form.getFieldsValue(true) as Values)}
        onKeyDown={guardEnter(() => form.submit())}
        onFinishFailed={({ errorFields }) => {
          const first = errorFields[0];
          if (first) form.scrollToField(first.name, { block: 'center' });
        }}
        scrollToFirstError={false}
        disabled={saving}
      >
        <Card title={t('form.basic')} size="small" style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col {...wide}>
              <Form.Item {...item('name')} rules={[{ required: true, whitespace: true, message: reasonText('REQUIRED') }, { max: 200 }]}>
                <Input maxLength={200} autoFocus={!loaded} onBlur={checkDuplicates} />
              </Form.Item>
            </Col>
            <Col {...col}>
              <Form.Item {...item('creditCode')} extra={t('form.creditCodeHint')}>
                <Input maxLength={18} style={{ textTransform: 'uppercase' }} autoComplete="off" onBlur={checkDuplicates} />
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={16}>
            <Col {...col}>
              <Form.Item {...item('type')}>
                <EnumSelect map={CUSTOMER_TYPE_LABELS} allowClear={false} />
              </Form.Item>
            </Col>
            <Col {...col}>
              <Form.Item {...item('stage')}>
                <EnumSelect map={STAGE_LABELS} allowClear={false} />
              </Form.Item>
            </Col>
            <Col {...col}>
              <Form.Item {...item('source')}>
                <Select
                  showSearch
                  allowClear
                  mode={undefined}
                  options={i18n.choiceOptions(SOURCE_CHOICES)}
                  placeholder={t('form.select')}
                />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        {!loaded && <DuplicateNotice matches={dupes.matches} onOpen={(code) => navigate(`/customers/${code}`)} />}

        {!loaded && (
          <Card title={t('customer.contacts')} size="small" style={{ marginBottom: 16 }}>
            <Form.List name="contacts">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f, idx) => (
                    <fieldset key={f.key} style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: '8px 12px 0', marginBottom: 12 }}>
                      <legend style={{ fontSize: 13, padding: '0 6px', width: 'auto', marginBottom: 0, border: 0 }}>
                        {t('form.contactN', { n: idx + 1 })}
                      </legend>
                      <Row gutter={16}>
                        <Col {...col}>
                          <Form.Item name={[f.name, 'name']} label={t('contact.name')} rules={[{ required: true, whitespace: true, message: reasonText('REQUIRED') }]}>
                            <Input maxLength={100} />
                          </Form.Item>
                        </Col>
                        <Col {...col}>
                          <Form.Item name={[f.name, 'title']} label={t('contact.title')}>
                            <Input maxLength={100} />
                          </Form.Item>
                        </Col>
                        <Col {...col}>
                          <Form.Item name={[f.name, 'role']} label={t('contact.role')}>
                            <EnumSelect map={CONTACT_ROLE_LABELS} />
                          </Form.Item>
                        </Col>
                        <Col {...col}>
                          <Form.Item name={[f.name, 'phone']} label={t('contact.phone')} extra={t('form.phoneHint')}>
                            <Input inputMode="tel" maxLength={30} onBlur={checkDuplicates} />
                          </Form.Item>
                        </Col>
                        <Col {...col}>
                          <Form.Item name={[f.name, 'email']} label={t('contact.email')}>
                            <Input inputMode="email" maxLength={254} />
                          </Form.Item>
                        </Col>
                        <Col {...col}>
                          <Form.Item name={[f.name, 'wechat']} label={t('contact.wechat')}>
                            <Input maxLength={100} />
                          </Form.Item>
                        </Col>
                        <Col {...col}>
                          <Form.Item name={[f.name, 'bestTime']} label={t('contact.bestTime')}>
                            <Input maxLength={100} />
                          </Form.Item>
                        </Col>
                        <Col {...col}>
                          <Form.Item name={[f.name, 'primary']} label={t('contact.primary')} valuePropName="checked">
                            <Switch />
                          </Form.Item>
                        </Col>
                        <Col {...col} style={{ display: 'flex', alignItems: 'center' }}>
                          <Button danger type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)}>
                            {t('common.remove')}
                          </Button>
                        </Col>
                      </Row>
                    </fieldset>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', primary: fields.length === 0 })} block>
                    {t('form.addContact')}
                  </Button>
                </>
              )}
            </Form.List>
          </Card>
        )}

        <Card title={t('form.classification')} size="small" style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col {...col}>
              <Form.Item {...item('intentGrade')}>
                <EnumSelect map={INTENT_GRADE_LABELS} />
              </Form.Item>
            </Col>
            <Col {...col}>
              <Form.Item {...item('needType')}>
                <EnumSelect map={NEED_TYPE_LABELS} />
              </Form.Item>
            </Col>
            <Col {...wide}>
              <Form.Item {...item('tags')} extra={t('customer.tagsHint')}>
                <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} suffixIcon={null} />
              </Form.Item>
            </Col>
            <Col {...col}>
              <Form.Item {...item('ownerId')} extra={mayAssign ? undefined : t('form.ownerManagersOnly')}>
                <Select
                  showSearch
                  optionFilterProp="label"
                  options={userOptions}
                  loading={staffQuery.isPending}
                  disabled={!mayAssign}
                  placeholder={loaded ? t('form.select') : t('form.ownerDefaultYou')}
                />
              </Form.Item>
            </Col>
            <Col {...wide}>
              <Form.Item {...item('collaborators')} extra={mayChangeCollaborators ? undefined : t('form.collaboratorsOwnerOnly')}>
                <Select
                  mode="multiple"
                  optionFilterProp="label"
                  options={userOptions}
                  loading={staffQuery.isPending}
                  disabled={!mayChangeCollaborators}
                  placeholder={t('form.select')}
                />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card title={t('form.company')} size="small" style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col {...col}>
              <Form.Item {...item('industry')}>
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col {...col}>
              <Form.Item {...item('employeeBand')}>
                <Select
                  allowClear
                  placeholder={t('form.select')}
                  options={i18n.choiceOptions(EMPLOYEE_BAND_CHOICES)}
                />
              </Form.Item>
            </Col>
            <Col {...col}>
              <Form.Item {...item('revenueBand')}>
                <Select
                  allowClear
                  placeholder={t('form.select')}
                  options={i18n.choiceOptions(REVENUE_BAND_CHOICES)}
                />
              </Form.Item>
            </Col>
            <Col {...col}>
              <Form.Item {...item('province')}>
                <Input maxLength={50} />
              </Form.Item>
            </Col>
            <Col {...col}>
              <Form.Item {...item('city')}>
                <Input maxLength={50} />
              </Form.Item>
            </Col>
            <Col {...col}>
              <Form.Item {...item('foundedOn')}>
                <DateField style={{ width: '100%' }} max={dayjs()} />
              </Form.Item>
            </Col>
            <Col {...wide}>
              <Form.Item {...item('address')}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col {...col}>
              <Form.Item {...item('website')}>
                <Input placeholder="https://" maxLength={200} inputMode="url" />
              </Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item {...item('mainBusiness')}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card title={t('form.more')} size="small" style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24}>
              <Form.Item {...item('commPreference')}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item {...item('notes')}>
                <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={5000} showCount />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Space className="kehu-form-actions">
          <Button type="primary" htmlType="submit" loading={saving} size="large">
            {t('common.save')}
          </Button>
          <Button size="large" onClick={leave} disabled={false}>
            {t('common.cancel')}
          </Button>
        </Space>
      </Form>
      <DuplicateConfirm
        matches={dupeConfirm?.matches ?? null}
        onOpen={(code) => navigate(`/customers/${code}`)}
        onCancel={() => setDupeConfirm(null)}
        onCreate={() => {
          if (!dupeConfirm) return;
          const { values } = dupeConfirm;
          setCreateAnyway(duplicateKey(duplicateInput(values)));
          setDupeConfirm(null);
          void save(values, version, base, true);
        }}
      />
      <ConflictDialog<ProfileField>
        open={conflict !== null}
        info={conflict}
        fieldLabel={(f) => t(FIELD_LABELS[f])}
        display={display}
        onReload={() => reloadKeepingEdits(false)}
        onReloadSave={() => reloadKeepingEdits(true)}
        onCancel={() => setConflict(null)}
        busy={saving}
      />
    </div>
  );
}

function namesOf(p: Profile | null): Record<string, string> {
  const m: Record<string, string> = {};
  if (!p) return m;
  if (p.owner) m[p.owner.id] = p.owner.name;
  for (const u of p.collaborators) m[u.id] = u.name;
  return m;
}
