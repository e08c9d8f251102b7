// Keeps the three forms of the list's filter in step:
//
//   URL ?q=<line>  ──parseQuery──▶  builder tree        (a link, back/forward, a saved segment)
//   query box      ──parseQuery──▶  builder tree, URL   (Enter, blur, or a pause in typing)
//   builder tree   ──formatQuery─▶  query box, URL      (a pause after an edit)
//
// A filter without a one-line form (formatQuery null) stays in the builder:
// the list is then asked with its where, and the URL carries no q.
import { useCallback, useEffect, useRef, useState } from 'react';
import { request } from '../../api/client';
import { FormatQueryQuery, ParseQueryQuery } from '../../api/operations';
import { queryProblem, type QueryProblem } from '../../lib/segment/queryProblem';
import { emptyGroup, fromWhere, toWhere, WhereShapeError, type GroupNode, type Where } from '../../lib/segment/tree';

export type SetQuery = (line: string, how: 'push' | 'replace') => void;

const FORMAT_DELAY = 400;

export interface SegmentSync {
  tree: GroupNode;
  /** A builder edit: the box and the URL follow after a short pause. */
  editTree: (t: GroupNode) => void;
  box: string;
  setBox: (s: string) => void;
  /** Reads the box (Enter: a new history entry; blur or a pause: replaces it). */
  commitBox: (how: 'push' | 'replace') => void;
  /** Why the box's line does not parse, and where. */
  boxProblem: QueryProblem | null;
  /** The line boxProblem is about. */
  problemLine: string;
  /** The filter when it has no one-line form (the list uses it instead of q). */
  builderOnly: Where | null;
  /** formatQuery refused the builder's filter (BAD_USER_INPUT on a where path), or another failure. */
  builderError: unknown;
  /** The line parsed, but the builder cannot show its where (should not happen). */
  shapeError: string | null;
  /** A line is being read or written. */
  busy: boolean;
  /** Shows a filter given as a line (null when it has none) and its where, e.g. a saved segment. */
  apply: (line: string | null, where: Where) => void;
}

export function useSegmentSync(q: string, setQuery: SetQuery): SegmentSync {
  const [tree, setTree] = useState<GroupNode>(() => emptyGroup());
  const [box, setBox] = useState(q);
  const [boxProblem, setBoxProblem] = useState<QueryProblem | null>(null);
  const [problemLine, setProblemLine] = useState('');
  const [builderOnly, setBuilderOnly] = useState<Where | null>(null);
  const [builderError, setBuilderError] = useState<unknown>(null);
  const [shapeError, setShapeError] = useState<string | null>(null);
  const [busy, setBusy] = useState(0);
  /** The line the tree stands for (a URL change to it needs no parse). */
  const synced = useRef<string | null>(null);
  /** Every read or write bumps it: an older answer arriving late is dropped. */
  const seq = useRef(0);
  const formatTimer = useRef<number | undefined>(undefined);
  const setQueryRef = useRef(setQuery);
  setQueryRef.current = setQuery;

  /** Runs fn (a request and what is done with its answer) counted as busy until it has finished. */
  const track = async <T,>(fn: () => Promise<T>): Promise<T> => {
    setBusy((n) => n + 1);
    try {
      return await fn();
    } finally {
      setBusy((n) => n - 1);
    }
  };

  const showWhere = (where: Record<string, unknown>) => {
    try {
      setTree(fromWhere(where));
      setShapeError(null);
    } catch (e) {
      setTree(emptyGroup());
      setShapeError(e instanceof WhereShapeError ? e.message : String(e));
    }
  };

  /** Reads a line into the tree; true when it parsed. */
  const readLine = useCallback(async (line: string): Promise<boolean> => {
    const my = ++seq.current;
    window.clearTimeout(formatTimer.current);
    if (!line.trim()) {
      setTree(emptyGroup());
      setBoxProblem(null);
      setShapeError(null);
      setBuilderOnly(null);
      setBuilderError(null);
      return true;
    }
    return track(async () => {
      try {
        const res = await request(ParseQueryQuery, { query: line });
        if (my !== seq.current) return false;
        showWhere(res.parseQuery);
        setBoxProblem(null);
        setBuilderOnly(null);
        setBuilderError(null);
        return true;
      } catch (e) {
        if (my !== seq.current) return false;
        setProblemLine(line);
        setBoxProblem(queryProblem(e) ?? { pos: null, message: e instanceof Error ? e.message : String(e) });
        return false;
      }
    });
  }, []);

  // The URL changed from outside (a link, back/forward, a saved segment): show its line.
  useEffect(() => {
    if (synced.current === q) return;
    synced.current = q;
    setBox(q);
    void readLine(q);
  }, [q, readLine]);

  const commitBox = useCallback(
    (how: 'push' | 'replace') => {
      const line = box.trim();
      if (line === synced.current && !builderOnly) {
        // back to the line in force: an error about another line no longer applies
        setBoxProblem(null);
        return;
      }
      void readLine(line).then((ok) => {
        if (!ok) return;
        synced.current = line;
        setQueryRef.current(line, how);
      });
    },
    [box, builderOnly, readLine],
  );

  const pushTree = useCallback(async (t: GroupNode) => {
    const my = ++seq.current;
    const { where } = toWhere(t);
    const apply = (line: string | null, w: Where | null) => {
      setBuilderError(null);
      setBoxProblem(null);
      setBuilderOnly(line === null ? w : null);
      synced.current = line ?? '';
      setBox(line ?? '');
      setQueryRef.current(line ?? '', 'replace');
    };
    if (!where) {
      apply('', null);
      return;
    }
    await track(async () => {
      try {
        const res = await request(FormatQueryQuery, { where });
        if (my !== seq.current) return;
        apply(res.formatQuery ?? null, where);
      } catch (e) {
        if (my !== seq.current) return;
        setBuilderError(e);
      }
    });
  }, []);

  const editTree = useCallback(
    (t: GroupNode) => {
      setTree(t);
      setShapeError(null);
      seq.current++; // a pending parse must not overwrite this edit
      window.clearTimeout(formatTimer.current);
      formatTimer.current = window.setTimeout(() => void pushTree(t), FORMAT_DELAY);
    },
    [pushTree],
  );

  useEffect(() => () => window.clearTimeout(formatTimer.current), []);

  const apply = useCallback((line: string | null, where: Where) => {
    seq.current++;
    window.clearTimeout(formatTimer.current);
    showWhere(where);
    setBoxProblem(null);
    setBuilderError(null);
    setBuilderOnly(line === null ? where : null);
    synced.current = line ?? '';
    setBox(line ?? '');
    setQueryRef.current(line ?? '', 'push');
  }, []);

  return { tree, editTree, box, setBox, commitBox, boxProblem, problemLine, builderOnly, builderError, shapeError, busy: busy > 0, apply };
}
