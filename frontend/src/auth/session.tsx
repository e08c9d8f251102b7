import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate } from 'react-router-dom';
import { request, setUnauthenticatedHandler } from '../api/client';
import { LogoutMutation, MeQuery } from '../api/operations';
import type { UserFieldsFragment } from '../gql/graphql';
import { langFromLocale, useI18n } from '../i18n';

export type Me = UserFieldsFragment;

interface Session {
  me: Me | null;
  loading: boolean;
  /** Set when the session could not be checked (server unreachable...). */
  error: unknown;
  retry: () => void;
  /** Called with the user of a successful login. */
  signedIn: (user: Me) => void;
  signOut: () => Promise<void>;
  updateMe: (user: Me) => void;
}

const SessionContext = createContext<Session | null>(null);
export const ME_KEY = ['me'] as const;

/** Set when the API said the session has ended, until the next sign-in. */
let sessionExpired = false;
export function wasSessionExpired(): boolean {
  return sessionExpired;
}

/** The path to come back to after signing in. */
export function loginPath(location: { pathname: string; search: string }, expired: boolean): string {
  const next = location.pathname + location.search;
  const p = new URLSearchParams();
  if (next && next !== '/' && !next.startsWith('/login')) p.set('next', next);
  if (expired) p.set('expired', '1');
  const qs = p.toString();
  return '/login' + (qs ? `?${qs}` : '');
}

export { safeNext } from './safeNext';

export function SessionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const { setLang } = useI18n();
  const meQuery = useQuery({
    queryKey: ME_KEY,
    queryFn: async () => (await request(MeQuery)).me,
    staleTime: Infinity,
    retry: 1,
  });
  const me = meQuery.data ?? null;

  useEffect(() => {
    if (me) setLang(langFromLocale(me.locale));
  }, [me, setLang]);

  // A session that expires mid-work: back to sign-in, then back here.
  const pathRef = location.pathname + location.search;
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      if (window.location.pathname.startsWith('/login')) return;
      sessionExpired = true;
      // Leave the page first, so no guard redirects without saying why.
      navigate(loginPath(window.location, true), { replace: true });
      qc.setQueryData(ME_KEY, null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
    });
    return () => setUnauthenticatedHandler(null);
  }, [qc, navigate, pathRef]);

  const signedIn = useCallback(
    (user: Me) => {
      sessionExpired = false;
      qc.setQueryData(ME_KEY, user);
      setLang(langFromLocale(user.locale));
    },
    [qc, setLang],
  );
  const updateMe = useCallback((user: Me) => qc.setQueryData(ME_KEY, user), [qc]);
  const signOut = useCallback(async () => {
    try {
      await request(LogoutMutation);
    } catch {
      // the session may already be gone; sign out locally anyway
    }
    qc.clear();
    qc.setQueryData(ME_KEY, null);
    navigate('/login', { replace: true });
  }, [qc, navigate]);

  const value = useMemo<Session>(
    () => ({
      me,
      loading: meQuery.isPending,
      error: meQuery.error,
      retry: () => void meQuery.refetch(),
      signedIn,
      signOut,
      updateMe,
    }),
    [me, meQuery, signedIn, signOut, updateMe],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

export function isAdmin(me: Me | null): boolean {
  return me?.role === 'ADMIN';
}

export function canManageUsersView(me: Me | null): boolean {
  return me?.role === 'ADMIN' || me?.role === 'MANAGER';
}

/** The data quality report (dataQuality), as the server says (me.canSeeDataQuality). */
export function canViewQuality(me: Me | null): boolean {
  return me?.canSeeDataQuality ?? false;
}

/** Who may import worksheets, as the server says (me.canImport). */
export function canImport(me: Me | null): boolean {
  return me?.canImport ?? false;
}

/** Who may review duplicates, merge and clean up follow-ups in bulk (me.canMergeCustomers). */
export function canMergeCustomers(me: Me | null): boolean {
  return me?.canMergeCustomers ?? false;
}
