/**
 * The evidence `tests-not-weakened` needs (I/O at the edge; the judging is src/decision/weakening.ts):
 * this run's and the previous run's tests and playbook policy, and from git the playbook, the audit
 * baseline and the changed test files at the merge base with the base ref.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { RunRecord } from '../../core/record.js';
import { testKey } from '../../decision/compare.js';
import { testFileLang } from '../../decision/test-source.js';
import { policyOf, type RunTests, type SourceChange, type WeakeningInput } from '../../decision/weakening.js';
import { phaseResult } from '../../phase-data/index.js';
import type { TestPolicy } from '../../phase-data/run-tests.js';
import { parsePlaybook } from '../../playbook/load.js';
import type { RunContext } from '../context.js';

/** A run's tests as the weakening checks read them; null when phase 2 did not complete. */
export function runTestsOf(record: RunRecord): RunTests | null {
  const p = phaseResult(record, 'run-tests');
  if (p?.state !== 'completed' || !p.data) return null;
  const executed: Record<string, number> = {};
  const tests: RunTests['tests'] = [];
  for (const s of p.data.suites) {
    if (s.state === 'skipped') continue;
    executed[s.id] = s.counts.passed + s.counts.failed + s.counts.errored;
    for (const c of s.cases)
      tests.push({
        id: testKey(s.id, c.suite, c.name),
        suite: s.id,
        group: c.suite,
        name: c.name,
        status: c.status,
      });
  }
  return { runId: record.runId, tests, executed, policy: p.data.policy ?? null };
}

async function baseEvidence(
  ctx: RunContext,
  ref: string,
  mergeBase: string | null,
): Promise<NonNullable<WeakeningInput['base']>> {
  const { playbook, ports } = ctx;
  const repo = playbook.repoDir;
  if (!mergeBase)
    return {
      ref,
      policy: null,
      policyNote: `"${ref}" does not resolve to a commit in the repository under test`,
      changes: null,
      baselineBefore: null,
      baselineNow: null,
    };
  const changed = (await ports.git.changedSince(repo, mergeBase)).filter(
    (c) => testFileLang(c.path) !== null,
  );
  const playbookPath = relative(repo, playbook.file);
  const inRepo = !playbookPath.startsWith('..') && !isAbsolute(playbookPath);
  const baselinePath = playbook.audit ? relative(repo, join(repo, playbook.audit.baseline)) : null;
  const at = await ports.git.readAtRef(repo, mergeBase, [
    ...changed.filter((c) => c.status !== 'A').map((c) => c.path),
    ...(inRepo ? [playbookPath] : []),
    ...(baselinePath ? [baselinePath] : []),
  ]);
  const changes: SourceChange[] = changed.map((c) => {
    const now = join(repo, c.path);
    return {
      path: c.path,
      before: c.status === 'A' ? null : (at.get(c.path)?.toString('utf8') ?? null),
      after: c.status === 'D' || !existsSync(now) ? null : readFileSync(now, 'utf8'),
    };
  });
  let policy: TestPolicy | null = null;
  let policyNote: string | undefined;
  const text = inRepo ? at.get(playbookPath) : undefined;
  if (!inRepo) policyNote = 'the playbook is outside the repository under test';
  else if (!text) policyNote = `the playbook was not in ${ref} (merge base ${mergeBase.slice(0, 12)})`;
  else {
    try {
      policy = policyOf(parsePlaybook(text.toString('utf8'), playbook.file));
    } catch (error) {
      policyNote = `the playbook at ${ref} does not load: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  const entries = (buf: Buffer | string | undefined) => {
    if (buf === undefined) return null;
    try {
      const e = (JSON.parse(buf.toString()) as { entries?: unknown }).entries;
      return Array.isArray(e) ? e.length : null;
    } catch {
      return null;
    }
  };
  const baselineNowFile = baselinePath ? join(repo, baselinePath) : null;
  return {
    ref,
    policy,
    ...(policyNote ? { policyNote } : {}),
    changes,
    baselineBefore: baselinePath ? entries(at.get(baselinePath)) : null,
    baselineNow:
      baselineNowFile && existsSync(baselineNowFile) ? entries(readFileSync(baselineNowFile, 'utf8')) : null,
  };
}

/**
 * Everything `tests-not-weakened` compares; null when phase 2 has no results. `mergeBase`: of `ref`
 * and HEAD, null when there is none (phase 5 asks git once for it and the diff).
 */
export async function gatherWeakening(
  ctx: RunContext,
  previous: RunRecord | null,
  ref: string,
  mergeBase: string | null,
): Promise<WeakeningInput | null> {
  const current = runTestsOf(ctx.record);
  if (!current) return null;
  return {
    current: { ...current, policy: current.policy ?? policyOf(ctx.playbook) },
    previous: previous ? runTestsOf(previous) : null,
    base: await baseEvidence(ctx, ref, mergeBase),
  };
}
