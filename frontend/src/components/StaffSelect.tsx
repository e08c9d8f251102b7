import { useMemo } from 'react';
import { Select, type SelectProps } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { request } from '../api/client';
import { StaffQuery } from '../api/operations';
import { useI18n } from '../i18n';
import { staffOption } from '../lib/staff';

export interface StaffMember {
  id: string;
  name: string;
  email: string;
}

/** Active colleagues (`staff`, readable by every signed-in user), shared by all pickers of people. */
export function useStaff() {
  return useQuery({
    queryKey: ['staff'],
    queryFn: async () => (await request(StaffQuery)).staff,
    staleTime: 60_000,
  });
}

type Props = Omit<SelectProps<string | string[]>, 'options'> & {
  /** People already chosen who may no longer be on the staff list (disabled since): still shown by name. */
  known?: { id: string; name: string }[];
  /** Only colleagues who may be given customers' work (owners, assignees); not analysts. */
  assignableOnly?: boolean;
};

/** A picker of colleagues by name (searchable by name, and by e-mail for managers, who see it). */
export function StaffSelect({ known = [], assignableOnly = false, ...rest }: Props) {
  const { t } = useI18n();
  const staff = useStaff();
  const options = useMemo(() => {
    const list = (staff.data ?? []).filter((u) => !assignableOnly || u.assignable).map(staffOption);
    const ids = new Set(list.map((o) => o.value));
    for (const u of known) if (!ids.has(u.id)) list.push({ value: u.id, label: u.name });
    return list;
  }, [staff.data, known, assignableOnly]);
  return <Select showSearch optionFilterProp="label" placeholder={t('form.select')} loading={staff.isPending} {...rest} options={options} />;
}
