/**
 * Test identity: the one place that says which two test results are "the same test", across
 * checkout folders, report formats and tool versions. Pure.
 *
 * A test id is `suite id`, `group` and `name`, where
 * - `group` is the report's grouping with every file path made relative to the repository under test
 *   (vitest and jest JSON name a test file by its absolute path; their JUnit reports by a path relative
 *   to the runner's folder): `test/x.test.ts` whichever checkout folder or format it came from;
 * - jest-junit's default `classname` is the full test title, not a grouping: when the report also
 *   gives the file (`addFileAttribute`), the file is the group, as in jest's JSON report;
 * - the name is compared with its title separators collapsed: vitest and jest JSON join
 *   describe blocks and title with ` > `, jest-junit with a space.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { TestCase } from './model.js';

/** Where a suite ran: the repository under test and the runner's working folder inside it. */
export interface CaseOrigin {
  repoDir: string;
  cwd: string;
}

const TEST_FILE = /\.(?:[cm]?[jt]sx?|py|go|rb|java|kt|rs|php|cs)$/i;

/** True when a report's group looks like a file path rather than a class or describe title. */
function looksLikePath(text: string): boolean {
  if (!text || /\s>\s/.test(text)) return false;
  return isAbsolute(text) || text.startsWith('file://') || TEST_FILE.test(text);
}

/**
 * A file path as the repository sees it: relative to `repoDir`, with `/`. A relative path is read
 * relative to `cwd` (where the runner ran). A path outside the repository is returned unchanged.
 */
export function repoPath(path: string, origin: CaseOrigin): string {
  let p = path;
  if (p.startsWith('file://')) p = decodeURIComponent(p.slice('file://'.length));
  const abs = isAbsolute(p) ? p : resolve(origin.cwd, p);
  const rel = relative(origin.repoDir, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return isAbsolute(p) ? p : path;
  return rel.split(/[\\/]/).join('/');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Text (a stack, a message, a log tail) with the repository's absolute path removed: in-repo paths
 * become repo-relative (`/home/me/app/src/x.ts:3` → `src/x.ts:3`, `file:///home/me/app/src/x.ts` →
 * `src/x.ts`), so nothing of the machine's layout is kept or published.
 */
export function relativizeText(text: string, repoDir: string): string {
  if (!text || !repoDir || repoDir === '/') return text;
  const root = repoDir.replace(/[\\/]+$/, '');
  const pattern = new RegExp(`(?:file://)?${escapeRegExp(root)}(?:[\\\\/]|(?=[\\s'"\`):,]|$))`, 'g');
  return text.replace(pattern, '');
}

/** One case with its file, group, message and stack made repository-relative. */
export function relativizeCase(c: TestCase, origin: CaseOrigin): TestCase {
  const out: TestCase = { ...c };
  if (out.file) out.file = repoPath(out.file, origin);
  if (looksLikePath(out.suite)) out.suite = repoPath(out.suite, origin);
  // jest-junit's default classname repeats the full title; its file (when written) is the grouping.
  else if (out.file && out.suite === out.name) out.suite = out.file;
  if (out.name && looksLikePath(out.name) && out.name === c.suite) out.name = out.suite;
  // A file that failed as a whole is named by its path (node:test, vitest): relative too.
  else if (out.name && (isAbsolute(out.name) || out.name.startsWith('file://')))
    out.name = repoPath(out.name, origin);
  if (out.message) out.message = relativizeText(out.message, origin.repoDir);
  if (out.stack) out.stack = relativizeText(out.stack, origin.repoDir);
  return out;
}

/** Every case of a report, repository-relative (phase 2 calls this once per report read). */
export function relativizeCases(cases: readonly TestCase[], origin: CaseOrigin): TestCase[] {
  return cases.map((c) => relativizeCase(c, origin));
}

/** The name as compared: title separators (` > `, ` › `) and runs of spaces collapsed. */
export function canonicalName(name: string): string {
  // Most names are already canonical (single spaces, no separator): one test instead of three
  // replaces (every test of every run goes through here when the history is written).
  if (!/[^\S ]| {2}|^ | $|[>›]/.test(name)) return name;
  return name
    .replace(/\s+[>›]\s+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The group as compared: backslashes as slashes, a leading `./` dropped. */
export function canonicalGroup(group: string): string {
  return looksLikePath(group) ? group.replace(/\\/g, '/').replace(/^\.\//, '') : group.trim();
}

/** `suite › group › name`, how a person reads and types a test id. */
export function idLabel(id: string): string {
  return id
    .split('\u0000')
    .filter((p) => p !== '')
    .join(' › ');
}

/** The identity of a test: equal for the same test from any checkout folder and any report format. */
export function testId(suiteId: string, group: string, name: string): string {
  return idOf(suiteId, canonicalGroup(group), name);
}

const idOf = (suiteId: string, canonical: string, name: string) =>
  `${suiteId}\u0000${canonical}\u0000${canonicalName(name)}`;

/**
 * `testId` for the many cases of a run: each distinct group (a file, shared by its tests) is made
 * canonical once. The same ids as `testId`.
 */
export function testIdsOf(): (suiteId: string, group: string, name: string) => string {
  const groups = new Map<string, string>();
  return (suiteId, group, name) => {
    let g = groups.get(group);
    if (g === undefined) {
      g = canonicalGroup(group);
      groups.set(group, g);
    }
    return idOf(suiteId, g, name);
  };
}

/**
 * Normalizes the test groups of a record written by an earlier version (absolute paths), given the
 * repository folder that record names: used when history is read, so old runs still compare.
 */
export function legacyGroup(group: string, recordRepoDir: string): string {
  if (!isAbsolute(group) && !group.startsWith('file://')) return group;
  const rel = repoPath(group, { repoDir: recordRepoDir, cwd: recordRepoDir });
  return isAbsolute(rel) ? group : rel;
}
