/** Git diff stats, blame, log (phases 3 and 5). */
import type { GitRunner } from './run.js';

export interface DiffFile {
  path: string;
  /** null for binary files. */
  added: number | null;
  deleted: number | null;
}

/** What `base...HEAD` changes: the commits on HEAD since it left `base`. */
export interface DiffStat {
  base: string;
  mergeBase: string;
  files: DiffFile[];
  /** Added + deleted lines of text files. */
  lines: number;
  /** Distinct top-level folders touched; files at the root are not an area. */
  areas: string[];
}

/**
 * What changed in the code between two states of the repository (test files, docs and tdl's own
 * output left out by the caller's `counts`): the files, and the hunks when one file changed.
 */
export interface CodeChange {
  /** The changed files that count, sorted, at most 20. */
  files: string[];
  /** More files count than `files` lists. */
  moreFiles: boolean;
  /** Hunks of `git diff` (3 lines of context) in the one file that counts; null when not exactly one. */
  hunks: number | null;
}

/** The last commit that touched a line. */
export interface LineOrigin {
  /** null when the line is not committed yet. */
  commit: string | null;
  author: string | null;
  /** ISO time of the author date. */
  authorDate: string | null;
  subject: string | null;
}

export interface GitHistoryOps {
  /**
   * Diff stats of `base...HEAD`, from `mergeBase` (of `base` and HEAD: the caller asks `mergeBase`
   * once for every use), or null when git cannot diff it.
   */
  diffStat(cwd: string, base: string, mergeBase: string): Promise<DiffStat | null>;
  /** The last commit that touched `file:line` (git blame), or null when git cannot say. */
  lineOrigin(cwd: string, file: string, line: number): Promise<LineOrigin | null>;
  /**
   * What changed from commit `from` to commit `to` (null: to the working tree; untracked files are
   * not read), counting only the files `counts` accepts; null when git cannot diff them.
   */
  codeChange(
    cwd: string,
    from: string,
    to: string | null,
    counts: (path: string) => boolean,
  ): Promise<CodeChange | null>;
}

/** Files a code change lists at most. */
const MAX_CHANGE_FILES = 20;
/** Changed lines of the one file whose hunks are counted, at most (its diff is read into memory). */
const MAX_DIFF_LINES = 5000;

/** Hunks in `git diff` output: its `@@ -a,b +c,d @@` lines. */
export function countHunks(diff: string): number {
  return diff.match(/^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/gm)?.length ?? 0;
}

/** Top-level areas of changed paths. */
export function areasOf(paths: readonly string[]): string[] {
  const areas = new Set<string>();
  for (const p of paths) {
    const slash = p.indexOf('/');
    if (slash > 0) areas.add(p.slice(0, slash));
  }
  return [...areas].sort();
}

/** Parses `git diff --numstat -z` output (no renames). */
export function parseNumstat(text: string): DiffFile[] {
  const out: DiffFile[] = [];
  for (const entry of text.split('\0')) {
    const m = /^\s*(-|\d+)\t(-|\d+)\t(.+)$/s.exec(entry);
    if (!m) continue;
    out.push({
      path: m[3]!,
      added: m[1] === '-' ? null : Number(m[1]),
      deleted: m[2] === '-' ? null : Number(m[2]),
    });
  }
  return out;
}

/** Parses the header of `git blame --porcelain` for one line. */
export function parseBlamePorcelain(text: string): LineOrigin | null {
  const lines = text.split('\n');
  const sha = /^([0-9a-f]{40})\s/.exec(lines[0] ?? '')?.[1];
  if (!sha) return null;
  const field = (name: string) => lines.find((l) => l.startsWith(`${name} `))?.slice(name.length + 1) ?? null;
  if (/^0+$/.test(sha)) return { commit: null, author: null, authorDate: null, subject: null };
  const time = Number(field('author-time'));
  return {
    commit: sha,
    author: field('author'),
    authorDate: Number.isFinite(time) && time > 0 ? new Date(time * 1000).toISOString() : null,
    subject: field('summary'),
  };
}

export function createGitHistoryOps(git: GitRunner): GitHistoryOps {
  return {
    async diffStat(cwd, base, mb) {
      const diff = await git(cwd, ['diff', '--numstat', '-z', '--no-renames', mb, 'HEAD', '--']);
      if (!diff.ok) return null;
      const files = parseNumstat(diff.stdout);
      return {
        base,
        mergeBase: mb,
        files,
        lines: files.reduce((n, f) => n + (f.added ?? 0) + (f.deleted ?? 0), 0),
        areas: areasOf(files.map((f) => f.path)),
      };
    },
    async lineOrigin(cwd, file, line) {
      const r = await git(cwd, ['blame', '--porcelain', '-L', `${line},${line}`, '--', file]);
      return r.ok ? parseBlamePorcelain(r.stdout) : null;
    },
    async codeChange(cwd, from, to, counts) {
      // `--relative`: paths as the playbook's repository folder sees them (it may be a subfolder).
      // Untracked files are not read: they may have been there when the tests last passed.
      const range = to === null ? [from] : [from, to];
      const diff = await git(cwd, [
        'diff',
        '--numstat',
        '-z',
        '--no-renames',
        '--relative',
        ...range,
        '--',
        '.',
      ]);
      if (!diff.ok) return null;
      const stat = parseNumstat(diff.stdout).filter((f) => counts(f.path));
      const files = stat.map((f) => f.path).sort();
      let hunks: number | null = null;
      // Only one file's diff is read, only when it is the one change, and only a text change of at
      // most MAX_DIFF_LINES lines (a generated or binary file is not "one hunk" tdl can vouch for).
      const size =
        stat.length === 1 ? (stat[0]!.added ?? Infinity) + (stat[0]!.deleted ?? Infinity) : Infinity;
      if (files.length === 1 && size <= MAX_DIFF_LINES) {
        const one = await git(cwd, [
          'diff',
          '-U3',
          '--no-color',
          '--no-ext-diff',
          '--relative',
          ...range,
          '--',
          files[0]!,
        ]);
        if (!one.ok) return null;
        hunks = countHunks(one.stdout);
      }
      return { files: files.slice(0, MAX_CHANGE_FILES), moreFiles: files.length > MAX_CHANGE_FILES, hunks };
    },
  };
}
