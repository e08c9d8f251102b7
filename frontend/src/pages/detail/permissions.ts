import type { Me } from '../../auth/session';

interface Owned {
  owner: { id: string } | null;
  collaborators: { id: string }[];
}

/** Mirrors the server's policy (docs/API.md, Roles) to hide buttons that would be refused. */
export function canEditCustomer(me: Me | null, c: Owned): boolean {
  if (!me) return false;
  if (me.role === 'ADMIN' || me.role === 'MANAGER') return true;
  if (me.role === 'ANALYST') return false;
  return c.owner?.id === me.id || c.collaborators.some((u) => u.id === me.id);
}

/** Interactions, needs and satisfaction: also any SERVICE user. */
export function canLogOnCustomer(me: Me | null, c: Owned): boolean {
  if (!me) return false;
  if (me.role === 'SERVICE') return true;
  return canEditCustomer(me, c);
}
