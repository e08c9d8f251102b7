// The customer form's values, and conversions between them and the API's
// customer, CustomerInput (create) and CustomerPatch (edit: changed fields only).
import type { Dayjs } from 'dayjs';
import type {
  ContactInput,
  ContactRole,
  CustomerInput,
  CustomerPatch,
  CustomerProfileFragment,
  CustomerType,
  NeedType,
  Stage,
  Tier,
} from '../gql/graphql';
import type { MessageKey } from '../i18n/messages';
import { sameValue } from './conflict';
import { dateToDayjs, dayjsToDate } from './money';

export interface ContactFormValues {
  name: string;
  title?: string;
  phone?: string;
  email?: string;
  wechat?: string;
  role?: ContactRole | null;
  primary?: boolean;
  commPreference?: string;
  bestTime?: string;
}

export interface CustomerFormValues {
  name: string;
  creditCode: string;
  industry: string;
  employeeBand: string;
  revenueBand: string;
  province: string;
  city: string;
  address: string;
  website: string;
  foundedOn: Dayjs | null;
  mainBusiness: string;
  source: string;
  type: CustomerType | null;
  stage: Stage | null;
  intentGrade: Tier | null;
  needType: NeedType | null;
  tags: string[];
  ownerId: string | null;
  collaborators: string[];
  commPreference: string;
  notes: string;
}

export type ProfileField = keyof CustomerFormValues;

/** The fields of the form, in the order they are shown (and diffed). */
export const PROFILE_FIELDS: readonly ProfileField[] = [
  'name',
  'creditCode',
  'type',
  'stage',
  'intentGrade',
  'needType',
  'ownerId',
  'collaborators',
  'tags',
  'industry',
  'employeeBand',
  'revenueBand',
  'province',
  'city',
  'address',
  'website',
  'foundedOn',
  'mainBusiness',
  'source',
  'commPreference',
  'notes',
];

export const CONTACT_FIELDS = ['name', 'title', 'phone', 'email', 'wechat', 'role', 'primary', 'commPreference', 'bestTime'] as const;

export const FIELD_LABELS: Record<ProfileField, MessageKey> = {
  name: 'customer.name',
  creditCode: 'customer.creditCode',
  industry: 'customer.industry',
  employeeBand: 'customer.employeeBand',
  revenueBand: 'customer.revenueBand',
  province: 'customer.province',
  city: 'customer.city',
  address: 'customer.address',
  website: 'customer.website',
  foundedOn: 'customer.foundedOn',
  mainBusiness: 'customer.mainBusiness',
  source: 'customer.source',
  type: 'customer.type',
  stage: 'customer.stage',
  intentGrade: 'customer.intentGrade',
  needType: 'customer.needType',
  tags: 'customer.tags',
  ownerId: 'customer.owner',
  collaborators: 'customer.collaborators',
  commPreference: 'customer.commPreference',
  notes: 'customer.notes',
};

export function emptyCustomerForm(): CustomerFormValues {
  return {
    name: '',
    creditCode: '',
    industry: '',
    employeeBand: '',
    revenueBand: '',
    province: '',
    city: '',
    address: '',
    website: '',
    foundedOn: null,
    mainBusiness: '',
    source: '',
    type: 'NEW',
    stage: 'POTENTIAL',
    intentGrade: null,
    needType: null,
    tags: [],
    ownerId: null,
    collaborators: [],
    commPreference: '',
    notes: '',
  };
}

export function profileToForm(c: CustomerProfileFragment): CustomerFormValues {
  return {
    name: c.name,
    creditCode: c.creditCode,
    industry: c.industry,
    employeeBand: c.employeeBand,
    revenueBand: c.revenueBand,
    province: c.province,
    city: c.city,
    address: c.address,
    website: c.website,
    foundedOn: dateToDayjs(c.foundedOn),
    mainBusiness: c.mainBusiness,
    source: c.source,
    type: c.type,
    stage: c.stage,
    intentGrade: c.intentGrade,
    needType: c.needType,
    tags: [...c.tags],
    ownerId: c.owner?.id ?? null,
    collaborators: c.collaborators.map((u) => u.id),
    commPreference: c.commPreference,
    notes: c.notes,
  };
}

const TEXT_FIELDS = [
  'name',
  'creditCode',
  'industry',
  'employeeBand',
  'revenueBand',
  'province',
  'city',
  'address',
  'website',
  'mainBusiness',
  'source',
  'commPreference',
  'notes',
] as const;

function text(v: string | null | undefined): string {
  return (v ?? '').trim();
}

function contactToInput(c: ContactFormValues): ContactInput {
  const out: ContactInput = { name: text(c.name) };
  for (const k of ['title', 'phone', 'email', 'wechat', 'commPreference', 'bestTime'] as const) {
    const v = text(c[k]);
    if (v) out[k] = v;
  }
  if (c.role) out.role = c.role;
  if (c.primary) out.primary = true;
  return out;
}

/** A new customer: empty fields are left out. */
export function formToInput(v: CustomerFormValues, contacts: ContactFormValues[] = []): CustomerInput {
  const input: CustomerInput = { name: text(v.name) };
  for (const k of TEXT_FIELDS) {
    if (k === 'name') continue;
    const s = text(v[k]);
    if (s) input[k] = s;
  }
  const founded = dayjsToDate(v.foundedOn);
  if (founded) input.foundedOn = founded;
  if (v.type) input.type = v.type;
  if (v.stage) input.stage = v.stage;
  if (v.intentGrade) input.intentGrade = v.intentGrade;
  if (v.needType) input.needType = v.needType;
  const tags = cleanTags(v.tags);
  if (tags.length) input.tags = tags;
  if (v.ownerId) input.ownerId = v.ownerId;
  if (v.collaborators.length) input.collaborators = v.collaborators;
  const cs = contacts.filter((c) => text(c.name) || text(c.phone) || text(c.email) || text(c.wechat));
  if (cs.length) input.contacts = cs.map(contactToInput);
  return input;
}

export function cleanTags(tags: readonly string[] | null | undefined): string[] {
  const seen = new Set<string>();
  for (const t of tags ?? []) {
    const s = t.trim();
    if (s) seen.add(s);
  }
  return [...seen];
}

/**
 * The changes between what was loaded and what the form holds, as a patch:
 * only changed fields; an emptied text field is sent as "" (which clears it).
 */
export function formToPatch(v: CustomerFormValues, base: CustomerFormValues): CustomerPatch {
  const patch: CustomerPatch = {};
  for (const k of TEXT_FIELDS) {
    if (text(v[k]) !== text(base[k])) patch[k] = text(v[k]);
  }
  if (!sameValue(v.foundedOn, base.foundedOn)) {
    const d = dayjsToDate(v.foundedOn);
    if (d) patch.foundedOn = d;
  }
  if (v.type && v.type !== base.type) patch.type = v.type;
  if (v.stage && v.stage !== base.stage) patch.stage = v.stage;
  if (v.intentGrade && v.intentGrade !== base.intentGrade) patch.intentGrade = v.intentGrade;
  if (v.needType && v.needType !== base.needType) patch.needType = v.needType;
  if (!sameValue(cleanTags(v.tags), cleanTags(base.tags))) patch.tags = cleanTags(v.tags);
  if (v.ownerId && v.ownerId !== base.ownerId) patch.ownerId = v.ownerId;
  if (!sameValue([...v.collaborators].sort(), [...base.collaborators].sort())) patch.collaborators = v.collaborators;
  return patch;
}
