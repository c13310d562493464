/**
 * Hidden markers in issue, comment and PR bodies: how tdl finds its own work again without the
 * search API. A fingerprint is `stableHash` of the playbook name and the failure's signature. Phase 6
 * writes them; phase 3 reads them back to link a cluster to its issue.
 */
import { isAbsolute, join } from 'node:path';
import * as z from 'zod';
import type { GhIssue } from '../adapters/github/port.js';
import { stableHash } from '../core/ids.js';
import { canonicalGroup, canonicalName } from '../results/identity.js';

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

/** One task of the master issue: a child issue it tracks. */
export interface MasterItem {
  number: number;
  title: string;
  tier: number;
  tests: number;
  closed: boolean;
}

/**
 * The master issue's item state, as the body shows it: the tasks it lists (in the body's order),
 * the closed issues it counts in all (listed or folded) and the open ones it could not list.
 */
export interface MasterState<Item = MasterItem> {
  items: Item[];
  closedTotal: number;
  moreOpen: number;
}

/**
 * A task as the marker keeps it. The title of an open task is left out (the issue listing gives
 * it, and 400 open tasks with titles twice would not fit); a closed task keeps it (at most
 * `MASTER_CLOSED_SHOWN` are listed), since a closed issue may no longer carry the label.
 */
export type MasterStateItem = Omit<MasterItem, 'title'> & { title: string | null };

/** Version of the master state marker's JSON; a reader ignores a marker of another version. */
const MASTER_STATE_VERSION = 1;
const MASTER_STATE_PREFIX = '<!-- tdl:master-state ';

/** One task as written in the marker: `[number, tier, tests, 0]` open, `[number, tier, tests, 1, title]` closed. */
type Entry = [number, number, number, 0] | [number, number, number, 1, string];

const count = z.number().int().nonnegative();
const masterStateJson = z.object({
  v: z.literal(MASTER_STATE_VERSION),
  closedTotal: count,
  moreOpen: count,
  items: z.array(
    z.union([
      z.tuple([count, count, count, z.literal(0)]),
      z.tuple([count, count, count, z.literal(1), z.string()]),
    ]),
  ),
});

/** JSON that cannot end an HTML comment early: `<` and `>` are written as `\u003c` / `\u003e`. */
const inertJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');

/** The marker text of one task (its share of the marker's size, for the body's budget). */
export function masterEntry(item: MasterItem): string {
  const entry: Entry = item.closed
    ? [item.number, item.tier, item.tests, 1, item.title]
    : [item.number, item.tier, item.tests, 0];
  return inertJson(entry);
}

/** The hash of a master body without its state marker, and of the marker's JSON. */
const stateHash = (rest: string, json: string) => stableHash(['tdl-master-state', rest, json], 12);

/**
 * The hidden marker holding the master issue's item state, `<!-- tdl:master-state <hash> <json> -->`
 * on one line, for the body `rest` it ends (the body without the marker). Its size grows with the
 * tasks listed (`masterBody` budgets for it), so the body stays under GitHub's limit. The hash covers
 * `rest` and the JSON: a marker cut or corrupted, or a body edited since tdl wrote it (by a person,
 * another tool), is not trusted, and the task lines are read as before.
 */
export function masterStateMarker(state: MasterState, rest: string): string {
  const head = inertJson({
    v: MASTER_STATE_VERSION,
    closedTotal: state.closedTotal,
    moreOpen: state.moreOpen,
  });
  const json = `${head.slice(0, -1)},"items":[${state.items.map(masterEntry).join(',')}]}`;
  return `${MASTER_STATE_PREFIX}${stateHash(rest, json)} ${json} -->`;
}

/** Characters of the state marker besides its entries (and the commas between them). */
export const MASTER_STATE_OVERHEAD = masterStateMarker(
  { items: [], closedTotal: Number.MAX_SAFE_INTEGER, moreOpen: Number.MAX_SAFE_INTEGER },
  '',
).length;

/**
 * The item state from a master body's marker; null when the body has none (written by a version
 * before the marker), one cut short, corrupted or of another version, or when the body was edited
 * after tdl wrote it: the caller then reads the task lines (`masterTasks`), as earlier versions did.
 * Never throws.
 */
export function readMasterState(body: string): MasterState<MasterStateItem> | null {
  const start = body.lastIndexOf(MASTER_STATE_PREFIX);
  if (start < 0) return null;
  const end = body.indexOf(' -->', start);
  if (end < 0) return null;
  const inner = body.slice(start + MASTER_STATE_PREFIX.length, end);
  const space = inner.indexOf(' ');
  const json = inner.slice(space + 1);
  const rest = body.slice(0, start) + body.slice(end + ' -->'.length);
  if (space < 0 || inner.slice(0, space) !== stateHash(rest, json)) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = masterStateJson.safeParse(value);
  if (!parsed.success) return null;
  return {
    closedTotal: parsed.data.closedTotal,
    moreOpen: parsed.data.moreOpen,
    items: parsed.data.items.map((e) => ({
      number: e[0],
      title: e[3] === 1 ? e[4] : null,
      tier: e[1],
      tests: e[2],
      closed: e[3] === 1,
    })),
  };
}

export interface Indexed {
  issue: GhIssue;
  meta: IssueMeta;
}

/** The issues of one fingerprint: never empty, so its canonical one (`[0]`) is there by type. */
export type IssueList = [Indexed, ...Indexed[]];

/** Issues carrying tdl's markers, by fingerprint, the canonical one (open first, then oldest) first. */
export function indexIssues(issues: readonly GhIssue[]): Map<string, IssueList> {
  const byFp = new Map<string, IssueList>();
  for (const issue of issues) {
    const meta = readMeta(issue.body);
    if (!meta) continue;
    const list = byFp.get(meta.fingerprint);
    if (list) list.push({ issue, meta });
    else byFp.set(meta.fingerprint, [{ issue, meta }]);
  }
  for (const list of byFp.values())
    list.sort(
      (a, b) =>
        Number(a.issue.state === 'closed') - Number(b.issue.state === 'closed') ||
        a.issue.number - b.issue.number,
    );
  return byFp;
}
