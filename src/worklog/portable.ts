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

import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { RunRecord } from '../core/record.js';
import { dataOf } from '../phase-data/index.js';
import { legacyGroup, relativizeText } from '../results/identity.js';

function under(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The folder `.tdl/` sits in (the git root, normally): runDir is <root>/.tdl/runs/<id>. */
export function stateRootOf(runDir: string): string {
  return dirname(dirname(dirname(runDir)));
}

/**
 * A copy of `record` with machine paths made relative: path fields to `base` (the repository by
 * default, so the twin's `repo.dir` is `.`; `record.json` uses the state root, see `localRecord`), free
 * text with the repository's (then the git root's) absolute path removed.
 */
export function portableRecord(
  record: RunRecord,
  extraRoots: readonly string[] = [],
  base: string = record.repo.dir,
): RunRecord {
  const repoDir = record.repo.dir;
  if (!isAbsolute(repoDir) || !isAbsolute(base)) return record;
  return portableValue(record, [repoDir, stateRootOf(record.runDir), ...extraRoots], base);
}

/**
 * A copy of any JSON value with machine paths made relative: a string that is an absolute path under
 * one of `roots` becomes relative to `base`; in free text each root's absolute path is removed (the
 * deepest root first, so a repository inside the git root gives repository-relative stack frames).
 */
export function portableValue<T>(value: T, rootList: readonly string[], base: string): T {
  const roots = rootList.filter((r) => isAbsolute(r) && r !== '/');
  const textRoots = [...new Set(roots)].sort((a, b) => b.length - a.length);
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'string') return v;
    if (isAbsolute(v) && !v.includes('\n') && roots.some((r) => under(v, r))) return relative(base, v) || '.';
    let out = v;
    for (const root of textRoots) if (out.includes(root)) out = relativizeText(out, root);
    return out;
  });
  return JSON.parse(text) as T;
}

const URL_LIKE = /^[a-z][\w+.-]*:\/\//i;

/**
 * A record read from its run folder (`.tdl/runs/<id>/record.json`), made usable on this machine: the
 * record is stored portable (no absolute path: paths relative to the folder `.tdl/` sits in, see
 * `portableRecord`), and the paths tdl opens again
 * (the repository, the playbook, the run folder, the worklog, logs, reports, earlier worklogs linked as
 * evidence) are resolved against where the run folder is now. Records written by earlier versions
 * (absolute paths) are returned as they are. Mutates and returns `record`.
 */
export function localRecord(record: RunRecord, runDir: string): RunRecord {
  if (!record.repo || isAbsolute(record.repo.dir) || !record.runDir) return record;
  const root = stateRootOf(runDir);
  const abs = (p: string): string => (isAbsolute(p) || URL_LIKE.test(p) ? p : resolve(root, p));
  record.repo.dir = abs(record.repo.dir);
  record.runDir = runDir;
  if (record.playbook?.file) record.playbook.file = abs(record.playbook.file);
  if (record.worklog)
    record.worklog = { markdown: abs(record.worklog.markdown), json: abs(record.worklog.json) };
  const visit = (value: unknown, parentKey: string): void => {
    if (Array.isArray(value)) for (const v of value) visit(v, parentKey);
    else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      for (const [key, v] of Object.entries(o)) {
        if (typeof v === 'string' && v !== '') {
          // The file paths phases write into their data: logs, a report, an earlier run's worklog.
          if (
            key === 'logFile' ||
            key === 'clustersFile' ||
            key === 'href' ||
            (key === 'worklog' && parentKey === 'previous') ||
            (key === 'path' && parentKey === 'report')
          )
            o[key] = abs(v);
        } else visit(v, key);
      }
    }
  };
  visit(record.phases, 'phases');
  visit(record.iterations, 'iterations');
  return record;
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
      for (const suite of dataOf(phase, 'run-tests')?.suites ?? []) {
        for (const c of suite.cases ?? []) {
          c.suite = legacyGroup(c.suite, repoDir);
          if (c.file) c.file = legacyGroup(c.file, repoDir);
          if (c.name && isAbsolute(c.name)) c.name = legacyGroup(c.name, repoDir);
        }
      }
    } else if (phase.id === 'root-cause') {
      for (const cluster of dataOf(phase, 'root-cause')?.clusters ?? [])
        for (const t of cluster.tests ?? []) {
          t.group = legacyGroup(t.group, repoDir);
          if (isAbsolute(t.name)) t.name = legacyGroup(t.name, repoDir);
        }
    }
  }
  return record;
}
