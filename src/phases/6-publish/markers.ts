/**
 * Hidden markers in issue, comment and PR bodies: how tdl finds its own work again without the
 * search API. A fingerprint is `stableHash` of the playbook name and the failure's signature.
 */
import { isAbsolute, join } from 'node:path';
import { stableHash } from '../../core/ids.js';
import { canonicalGroup, canonicalName } from '../../results/identity.js';

export type IssueKind = 'child' | 'master';

export interface IssueMeta {
  fingerprint: string;
  playbook: string | null;
  kind: IssueKind | null;
  /** Hashes of the tests the issue is about (see `testHash`). */
  tests: string[];
  /** The run that filed it. */
  run: string | null;
  /** The signature version its fingerprint was made with (1 when the marker predates versions). */
  sig: number;
}

/** The fingerprint of one failure of one playbook: same playbook + same signature = same issue. */
export function issueFingerprint(playbookName: string, signature: string): string {
  return stableHash(['tdl-issue', playbookName, signature], 16);
}

export function masterFingerprint(playbookName: string): string {
  return stableHash(['tdl-master', playbookName], 16);
}

export function playbookHash(playbookName: string): string {
  return stableHash(['tdl-playbook', playbookName], 12);
}

/** The hash of a test id (`results/identity.ts`): equal for the same test from any folder or format. */
export function testHash(suiteId: string, group: string, name: string): string {
  return stableHash(['tdl-test', suiteId, canonicalGroup(group), canonicalName(name)], 12);
}

/**
 * The hashes earlier versions wrote for a test (group and name as reported, or the group as the
 * absolute path under `repoDir` that vitest/jest JSON gave): so issues filed before test ids were
 * repository-relative are still recognized (resolved, mapped to their cluster).
 */
export function legacyTestHashes(suiteId: string, group: string, name: string, repoDir: string): string[] {
  const out = [stableHash(['tdl-test', suiteId, group, name], 12)];
  if (group && !isAbsolute(group) && /\.[A-Za-z]+$/.test(group)) {
    const abs = join(repoDir, group);
    out.push(stableHash(['tdl-test', suiteId, abs, name === group ? abs : name], 12));
  }
  return out;
}

export function issueMarkers(meta: {
  fingerprint: string;
  playbook: string;
  kind: IssueKind;
  tests: string[];
  run: string;
  sig?: number;
}): string {
  return [
    `<!-- tdl:fingerprint=${meta.fingerprint} -->`,
    `<!-- tdl:meta playbook=${meta.playbook} kind=${meta.kind} tests=${meta.tests.join(',')} run=${meta.run}${meta.sig ? ` sig=${meta.sig}` : ''} -->`,
  ].join('\n');
}

export function readMeta(body: string): IssueMeta | null {
  const fp = /<!-- tdl:fingerprint=([0-9a-f]{8,64}) -->/.exec(body)?.[1];
  if (!fp) return null;
  const meta =
    /<!-- tdl:meta playbook=([0-9a-f]*) kind=(child|master) tests=([0-9a-f,]*)(?: run=([\w-]+))?(?: sig=(\d+))? -->/.exec(
      body,
    );
  return {
    fingerprint: fp,
    playbook: meta?.[1] ?? null,
    kind: (meta?.[2] as IssueKind | undefined) ?? null,
    tests: (meta?.[3] ?? '').split(',').filter(Boolean),
    run: meta?.[4] ?? null,
    sig: meta?.[5] ? Number(meta[5]) : 1,
  };
}

/** Marks a comment as the one of this run and kind, so it is never posted twice. */
export function commentMarker(runId: string, kind: string): string {
  return `<!-- tdl:comment=${runId}:${kind} -->`;
}

export function prMarker(playbook: string): string {
  return `<!-- tdl:pr playbook=${playbook} -->`;
}

/** Where a child body names its master issue; replaced by `#N` when the master's number is known. */
export const MASTER_REF = '{{tdl:master}}';
