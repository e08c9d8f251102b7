/** A colleague as the `staff` query gives it: the e-mail is empty unless the viewer is ADMIN or MANAGER (or it is their own). */
export interface StaffEntry {
  id: string;
  name: string;
  email: string;
  assignable: boolean;
}

/** A picker option: the name, with the e-mail when the server shows it. */
export function staffOption(u: StaffEntry): { value: string; label: string } {
  return { value: u.id, label: u.email ? `${u.name} (${u.email})` : u.name };
}

/**
 * Options for owners and collaborators: only colleagues the server calls assignable (it refuses
 * the others), plus the people already chosen, by name, so a form shows what is there.
 */
export function assigneeOptions(staff: StaffEntry[], chosen: Record<string, string>): { value: string; label: string }[] {
  const list = staff.filter((u) => u.assignable || u.id in chosen).map(staffOption);
  const ids = new Set(list.map((o) => o.value));
  for (const [id, name] of Object.entries(chosen)) if (!ids.has(id)) list.push({ value: id, label: name });
  return list;
}
