// The signed-in user's daily digest, one query for the header: the bell
// (DigestBell) and the counts on 待办 and 服务请求 (AppLayout) read the
// same cache entry, so the digest is fetched once. A change to tasks or
// service requests invalidates DIGEST_KEY.
import { useQuery } from '@tanstack/react-query';
import { request } from '../api/client';
import { useSession } from '../auth/session';
import { DigestQuery } from '../pages/tasks/operations';

export const DIGEST_KEY = ['digest'];

export function useDigest() {
  const { me } = useSession();
  return useQuery({
    queryKey: DIGEST_KEY,
    queryFn: async () => (await request(DigestQuery)).digest,
    refetchInterval: 5 * 60_000,
    refetchOnWindowFocus: true,
    enabled: !!me && !me.mustChangePassword,
  });
}
