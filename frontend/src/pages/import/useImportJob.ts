import { useEffect } from 'react';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { request } from '../../api/client';
import type { ImportJobFieldsFragment } from '../../gql/graphql';
import { isRunning } from './job';
import { ImportJobQuery } from './operations';

/** How often a running job is asked for (its progress bar moves each time). */
const POLL_MS = 1000;

export const importJobKey = (id: string) => ['importJob', id] as const;

/** Puts a job the server answered with (started, cancelled, undone) where its page reads it. */
export function keepJob(qc: QueryClient, job: ImportJobFieldsFragment): void {
  qc.setQueryData(importJobKey(job.id), job);
  void qc.invalidateQueries({ queryKey: ['importJobs'] });
}

/**
 * An import job, polled while it runs. Once it has finished the list of
 * recent imports is refreshed, and once a committed one has finished (or
 * been undone) the app's other queries too (the customer list, counts).
 */
export function useImportJob(id: string) {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: importJobKey(id),
    queryFn: async () => (await request(ImportJobQuery, { id })).importJob,
    refetchInterval: (query) => (query.state.data && isRunning(query.state.data.status) ? POLL_MS : false),
    staleTime: 0,
  });
  const job = q.data;
  const finished = job != null && !isRunning(job.status);
  const wrote = finished && !job.dryRun;
  const undone = job?.undoneAt ?? null;
  useEffect(() => {
    if (finished) void qc.invalidateQueries({ queryKey: ['importJobs'] });
    if (wrote) void qc.invalidateQueries({ predicate: (query) => !String(query.queryKey[0]).startsWith('import') });
  }, [finished, wrote, undone, qc]);
  return q;
}
