/**
 * Issue, comment and pull request texts (pure). Text that comes from tests (names, messages,
 * output) is put in code spans or fences, so `@name` and `#123` in it never ping or link. Bodies stay
 * under GitHub's limit by trimming the output excerpt, never the links.
 */

import {
  MASTER_REF,
  MASTER_STATE_OVERHEAD,
  type MasterItem,
  masterEntry,
  masterStateMarker,
} from '../../services/issue-markers.js';
import { excerpt, fence, inert } from '../../worklog/markdown.js';

export type { MasterItem } from '../../services/issue-markers.js';

/** GitHub's limit on an issue, comment or PR body. */
export const GITHUB_BODY_LIMIT = 65_536;
/** Room kept for the master reference and other substitutions made after rendering. */
const BODY_BUDGET = GITHUB_BODY_LIMIT - 512;
/** Titles stay readable in lists and notifications. */
const TITLE_LIMIT = 80;

/** Inline code that no backtick run inside can close early. */
export function code(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  const longest = Math.max(0, ...[...oneLine.matchAll(/`+/g)].map((m) => m[0].length));
  const bar = '`'.repeat(longest + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${bar}${pad}${oneLine.replace(/\|/g, '\\|')}${pad}${bar}`;
}

/** Up to `maxWords` words of `text`, capitalized, leaving out words already in `used` (which it extends). */
function slugWords(text: string, maxWords: number, used: Set<string>): string[] {
  const out: string[] = [];
  for (const w of text
    .replace(/&(?:#\d+|\w+);/g, ' ')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean)) {
    if (out.length >= maxWords) break;
    const key = w.toLowerCase();
    if (used.has(key)) continue;
    used.add(key);
    out.push(w[0]!.toUpperCase() + w.slice(1));
  }
  return out;
}

export interface TitleValues {
  reason: string;
  test: string;
  suite: string;
  tier: number;
  playbook: string;
  cluster: string;
}

/** Cuts a title to `limit` characters at a word boundary (a `-` or a space), never mid-word. */
export function cutTitle(title: string, limit = TITLE_LIMIT): string {
  if (title.length <= limit) return title;
  const cut = title.slice(0, limit + 1);
  const at = Math.max(cut.lastIndexOf('-'), cut.lastIndexOf(' '));
  return (at > limit / 2 ? cut.slice(0, at) : title.slice(0, limit)).replace(/[-\s:/]+$/, '');
}

/**
 * Fills `github.issueTitle`; free text is reduced to `Words-Like-This` so titles never mention
 * anyone. A word is written once (the test slug leaves out words the reason already has), and the
 * title is cut at a word boundary to 80 characters.
 */
export function issueTitle(template: string, v: TitleValues): string {
  const used = new Set<string>();
  // Words of the template's own text count as used: `E2E-DEPLOY-{reason}` never repeats "Deploy".
  for (const w of template.replace(/\{\w+\}/g, ' ').split(/[^A-Za-z0-9]+/)) if (w) used.add(w.toLowerCase());
  const order = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const slugs: Record<string, string> = {};
  for (const key of order) {
    if (key === 'reason' || key === 'test')
      slugs[key] ??=
        slugWords(v[key], key === 'reason' ? 8 : 6, used).join('-') || (key === 'reason' ? 'Unknown' : '');
  }
  const values: Record<string, string> = {
    reason: slugs.reason ?? '',
    test: slugs.test ?? '',
    suite: v.suite,
    tier: String(v.tier),
    playbook: v.playbook,
    cluster: v.cluster,
  };
  const title = template
    .replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m)
    .replace(/-{2,}/g, '-')
    .replace(/-+$/, '');
  return cutTitle(title);
}

/** A title with a short fingerprint suffix, still within the limit: for two issues that would collide. */
export function withFingerprint(title: string, fingerprint: string): string {
  const suffix = `-${fingerprint.slice(0, 6)}`;
  return `${cutTitle(title, TITLE_LIMIT - suffix.length)}${suffix}`;
}

export interface ChildBodyInput {
  markers: string;
  runId: string;
  playbook: string;
  tier: number;
  message: string;
  location: string | null;
  tests: { suiteId: string; group: string; name: string; status: string }[];
  gate: string;
  /** The representative failure as reported, runner frames left out (`failureText`). */
  failure: string;
  /** Project frames of that failure, innermost first: `file:line fn`. */
  frames: string[];
  /** Phase 3's evidence chain; null when phase 3 did not run (the reason says why). */
  evidence: { title: string; value: string; source: string }[] | null;
  /** The one change its tests broke with (`describeChange`), when known. */
  change?: string;
  evidenceMissing?: string;
  worklog: string;
}

const MAX_TESTS_LISTED = 200;

/**
 * The body of a per-failure issue: its own failure (message, diff, project frames), the evidence
 * chain and the failing tests. The failure text, then the list, shrink until the body fits.
 */
export function childBody(input: ChildBodyInput): string {
  const first = input.tests[0];
  const build = (failureChars: number, testsListed: number) => {
    const shown = input.tests.slice(0, testsListed);
    const lines = [
      input.markers,
      `Filed by tdl for playbook ${code(input.playbook)} in run ${code(input.runId)}. Tracked in ${MASTER_REF}.`,
      '',
      `- **Tier:** ${input.tier}`,
      `- **Failing tests:** ${input.tests.length}`,
      `- **Gate:** ${input.gate}`,
      ...(input.location ? [`- **Where:** ${code(input.location)}`] : []),
      ...(input.change ? [`- **Broke with:** ${input.change}`] : []),
      `- **Worklog:** ${input.worklog}`,
      '',
      '**Error**',
      '',
      fence(input.message.slice(0, 2000) || '(no message)'),
    ];
    if (failureChars > 0 && input.failure.trim()) {
      const which = first
        ? ` of ${code(first.suiteId)} › ${first.group ? `${code(first.group)} › ` : ''}${code(first.name)}`
        : '';
      lines.push(
        '',
        `**Failure**${which} (as reported; frames of dependencies and the test runner left out)`,
        '',
      );
      lines.push(fence(excerpt(input.failure, 80, failureChars)));
    }
    if (input.frames.length) {
      lines.push(
        '',
        '**Project frames** (innermost first)',
        '',
        ...input.frames.slice(0, 10).map((f) => `- ${code(f)}`),
      );
    }
    lines.push('', '**Evidence chain**', '');
    if (input.evidence?.length)
      lines.push(
        '| Link | Evidence | Source |',
        '|---|---|---|',
        ...input.evidence.map((e) => `| ${e.title} | ${code(e.value)} | ${code(e.source)} |`),
      );
    else lines.push(input.evidenceMissing ?? 'not established in this run');
    lines.push(
      '',
      '**Failing tests**',
      '',
      ...shown.map(
        (t) => `- ${code(t.suiteId)} › ${t.group ? `${code(t.group)} › ` : ''}${code(t.name)} (${t.status})`,
      ),
      ...(input.tests.length > shown.length ? [`- …and ${input.tests.length - shown.length} more`] : []),
    );
    return lines.join('\n');
  };
  let chars = 6000;
  let listed = MAX_TESTS_LISTED;
  let body = build(chars, listed);
  while (body.length > BODY_BUDGET && chars > 0) {
    chars = chars > 200 ? Math.floor(chars / 2) : 0;
    body = build(chars, listed);
  }
  while (body.length > BODY_BUDGET && listed > 1) {
    listed = Math.floor(listed / 2);
    body = build(0, listed);
  }
  return body;
}

/** Closed tasks kept as ticked lines (the most recent); older closed ones are folded into a count. */
export const MASTER_CLOSED_SHOWN = 20;
/** Open issues named per tier in the dependency chain; the rest of a tier is a count. */
const CHAIN_PER_TIER = 30;

const taskLine = (i: MasterItem) =>
  `- [${i.closed ? 'x' : ' '}] #${i.number} ${code(i.title)} — tier ${i.tier}, ${i.tests} test(s)`;

/**
 * The task lines of a master body as tdl wrote them: how the item state is read back from a body
 * written before the state marker (`readMasterState`), or whose marker is cut or corrupted.
 */
export function masterTasks(body: string): MasterItem[] {
  return [...body.matchAll(/^- \[([ x])\] #(\d+) (.*) — tier (\d+), (\d+) test\(s\)$/gm)].map((m) => ({
    number: Number(m[2]),
    title: m[3]!.replace(/^`+ ?| ?`+$/g, '').replace(/\\\|/g, '|'),
    tier: Number(m[4]),
    tests: Number(m[5]),
    closed: m[1] === 'x',
  }));
}

/**
 * The master issue: a task list of the open children in dependency order (lower tiers first), the
 * most recently closed ones ticked, and every older closed one folded into a count and a link. It
 * stays under GitHub's body limit whatever the number of issues tracked: tasks are whole lines, and
 * open ones that do not fit are counted and linked too ("never a checkbox cut in half").
 * `closedTotal`: closed issues tracked in all (at least the closed items given). The body ends with
 * the hidden state marker (`masterStateMarker`) listing the same tasks, which the next run reads; each
 * task's room in the budget counts its marker entry too.
 */
export function masterBody(input: {
  markers: string;
  playbook: string;
  runId: string;
  rule: string;
  summary: string;
  worklog: string;
  items: MasterItem[];
  closedTotal?: number;
  /** Web address of the issue list, e.g. https://github.com/o/r/issues (for the folded ones' links). */
  issuesUrl?: string;
  /** The label that finds tdl's issues (for the links). */
  label?: string;
}): string {
  const byOrder = (a: MasterItem, b: MasterItem) =>
    a.tier - b.tier || b.tests - a.tests || a.number - b.number;
  const open = input.items.filter((i) => !i.closed).sort(byOrder);
  const closed = input.items.filter((i) => i.closed).sort((a, b) => b.number - a.number);
  const closedTotal = Math.max(input.closedTotal ?? 0, closed.length);
  const search = (state: 'open' | 'closed') =>
    input.issuesUrl
      ? ` ([all ${state}](${input.issuesUrl}?q=${encodeURIComponent(`is:issue is:${state}${input.label ? ` label:"${input.label}"` : ''}`)}))`
      : '';
  const head = [
    input.markers,
    `Master tracking issue for playbook ${code(input.playbook)}, kept up to date by tdl. Latest run: ${code(input.runId)} (${inert(input.rule)}).`,
    '',
    `- **Latest results:** ${inert(input.summary)}`,
    `- **Worklog:** ${input.worklog}`,
    '',
    '**Tasks, in dependency order** (a higher tier is only meaningful once the lower tiers pass)',
    '',
  ].join('\n');
  // The chain names open issues per tier, bounded; it is what a reader follows, so it comes first.
  const tiers = [...new Set(open.map((i) => i.tier))];
  const chain = tiers.map((t) => {
    const inTier = open.filter((i) => i.tier === t);
    const named = inTier.slice(0, CHAIN_PER_TIER).map((i) => `#${i.number}`);
    return `${named.join(', ')}${inTier.length > named.length ? ` and ${inTier.length - named.length} more` : ''}`;
  });
  const tail = ['', '**Dependency chain**', '', chain.length ? chain.join(' → ') : 'nothing left open.'].join(
    '\n',
  );
  // Room for the task lines: the budget less the head, the tail, the two summary lines and the
  // state marker's fixed part; a task takes its line and its marker entry.
  const summaryRoom = 400;
  let room = BODY_BUDGET - head.length - tail.length - summaryRoom - MASTER_STATE_OVERHEAD - 1;
  const cost = (i: MasterItem) => taskLine(i).length + 1 + masterEntry(i).length + 1;
  const listedOpen: MasterItem[] = [];
  for (const i of open) {
    const n = cost(i);
    if (n > room) break;
    listedOpen.push(i);
    room -= n;
  }
  const listedClosed: MasterItem[] = [];
  for (const i of closed.slice(0, MASTER_CLOSED_SHOWN)) {
    const n = cost(i);
    if (n > room) break;
    listedClosed.push(i);
    room -= n;
  }
  const shown = [...listedOpen, ...listedClosed].sort(byOrder);
  const moreOpen = open.length - listedOpen.length;
  const folded = closedTotal - listedClosed.length;
  const summaries = [
    ...(moreOpen
      ? [
          `- …and **${moreOpen} more open** issue(s) not listed here (higher tiers and fewer tests last)${search('open')}`,
        ]
      : []),
    ...(folded ? [`- **Closed earlier:** ${folded} issue(s)${search('closed')}`] : []),
  ];
  const rest = `${[head, ...shown.map(taskLine), ...summaries].join('\n')}\n${tail}\n`;
  return `${rest}${masterStateMarker({ items: shown, closedTotal, moreOpen }, rest)}`;
}

export function stillFailingComment(marker: string, runId: string, tests: number, worklog: string): string {
  return `${marker}\nStill failing in run ${code(runId)}: ${tests} test(s). Worklog: ${worklog}`;
}

export function failingAgainComment(marker: string, runId: string, tests: number, worklog: string): string {
  return `${marker}\nFailing again in run ${code(runId)}: ${tests} test(s); reopened. Worklog: ${worklog}`;
}

export function resolvedComment(marker: string, runId: string, tests: number): string {
  return `${marker}\nResolved: all ${tests} test(s) of this issue passed in run ${code(runId)}. Closing.`;
}

export function duplicateComment(marker: string, of: number): string {
  return `${marker}\nDuplicate of #${of} (two runs filed the same failure at the same time); closing this one.`;
}

export function masterDoneComment(marker: string, runId: string): string {
  return `${marker}\nEvery tracked issue is closed as of run ${code(runId)}. Closing.`;
}

/** The PR body: the worklog's executive summary, the decision table, then `Closes #N` lines. */
export function pullBody(input: {
  marker: string;
  summary: string;
  decisionTable: string;
  closes: number[];
}): string {
  const closes = input.closes.length
    ? input.closes.map((n) => `Closes #${n}`).join('\n')
    : 'No tracked issue is resolved by this change.';
  const head = `${input.marker}\n## Executive summary\n\n`;
  const tail = `\n\n## Decision\n\n${input.decisionTable}\n\n## Issues\n\n${closes}\n`;
  const room = BODY_BUDGET - head.length - tail.length;
  const summary =
    input.summary.length > room
      ? `${input.summary.slice(0, Math.max(0, room - 40))}\n\n…(trimmed)`
      : input.summary;
  return `${head}${summary}${tail}`;
}
