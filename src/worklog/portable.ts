/**
 * The worklog's JSON twin is committed and shared between machines: it must not carry the absolute
 * layout of the machine that wrote it. Pure.
 *
 * Written: every string that is an absolute path under the repository, its git root (where `.tdl/`
 * lives) or the worklog folder becomes relative to the repository (`repo.dir` itself becomes `.`), and
 * the repository's absolute path is removed from free text (stacks, output tails, messages).
 * Read back: the record's own worklog paths are rebased on the file actually read, and test groups
 * written by earlier versions as absolute paths are made repository-relative (see
 * `src/results/identity.ts`), so history from any folder or version compares.
 */
import { dirname, isAbsolute, relative } from 'node:path';
import type { RunRecord } from '../core/record.js';
import type { RunTestsData } from '../phases/2-run-tests/types.js';
import type { RootCauseData } from '../phases/3-root-cause/types.js';
import { legacyGroup, relativizeText } from '../results/identity.js';

function under(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** A copy of `record` with machine paths made relative to its repository. */
export function portableRecord(record: RunRecord, extraRoots: readonly string[] = []): RunRecord {
  const repoDir = record.repo.dir;
  if (!isAbsolute(repoDir)) return record;
  // The state folder `.tdl/` sits at the git root: runDir is <root>/.tdl/runs/<id>.
  const stateRoot = dirname(dirname(dirname(record.runDir)));
  const roots = [repoDir, stateRoot, ...extraRoots].filter((r) => isAbsolute(r) && r !== '/');
  const text = JSON.stringify(record, (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    if (isAbsolute(value) && !value.includes('\n') && roots.some((r) => under(value, r)))
      return relative(repoDir, value) || '.';
    return value.includes(repoDir) ? relativizeText(value, repoDir) : value;
  });
  return JSON.parse(text) as RunRecord;
}

/**
 * A record read from the worklog folder, made usable here: its worklog paths point at the file read,
 * and test groups of earlier versions (absolute paths under the record's `repo.dir`) are relative.
 */
export function normalizeReadRecord(record: RunRecord, file: string): RunRecord {
  record.worklog = { json: file, markdown: file.replace(/\.json$/, '.md') };
  const repoDir = record.repo?.dir;
  if (!repoDir || !isAbsolute(repoDir)) return record;
  for (const phase of [...record.phases, ...(record.iterations ?? []).flatMap((i) => i.phases)]) {
    if (phase.id === 'run-tests') {
      for (const suite of (phase.data as RunTestsData | undefined)?.suites ?? []) {
        for (const c of suite.cases ?? []) {
          c.suite = legacyGroup(c.suite, repoDir);
          if (c.file) c.file = legacyGroup(c.file, repoDir);
          if (c.name && isAbsolute(c.name)) c.name = legacyGroup(c.name, repoDir);
        }
      }
    } else if (phase.id === 'root-cause') {
      for (const cluster of (phase.data as RootCauseData | undefined)?.clusters ?? [])
        for (const t of cluster.tests ?? []) {
          t.group = legacyGroup(t.group, repoDir);
          if (isAbsolute(t.name)) t.name = legacyGroup(t.name, repoDir);
        }
    }
  }
  return record;
}
