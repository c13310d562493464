/** Git files and their content at a ref (phase 4's audit and `tdl audit --base`). */
import { type GitRunner, runGitRaw } from './run.js';

export interface ChangedFile {
  /** A: added (or untracked), M: modified, D: deleted. Renames count as D + A. */
  status: 'A' | 'M' | 'D';
  /** Relative to the folder asked about, `/`-separated. */
  path: string;
}

export interface GitTreeOps {
  /**
   * Files under `cwd`, relative to it: `tracked` (the index), `untracked` (not ignored), or `all`;
   * null when `cwd` is not inside a git repository.
   */
  listFiles(cwd: string, which?: 'tracked' | 'untracked' | 'all'): Promise<string[] | null>;
  /** The commit a ref names, or null when it names none. */
  resolveCommit(cwd: string, ref: string): Promise<string | null>;
  /** `git merge-base a b`, or null when there is none (or a ref is unknown). */
  mergeBase(cwd: string, a: string, b: string): Promise<string | null>;
  /** Files under `cwd` that differ between `ref` and the working tree (untracked files count as added). */
  changedSince(cwd: string, ref: string): Promise<ChangedFile[]>;
  /** Contents of `paths` (relative to `cwd`) at `ref`, read with one `git cat-file --batch`; absent: missing. */
  readAtRef(cwd: string, ref: string, paths: readonly string[]): Promise<Map<string, Buffer>>;
}

function splitZ(text: string): string[] {
  return text.split('\0').filter(Boolean);
}

/** Parses `git cat-file --batch` output: `<oid> <type> <size>\n<bytes>\n` or `<name> missing\n`. */
export function parseCatFileBatch(out: Buffer, paths: readonly string[]): Map<string, Buffer> {
  const result = new Map<string, Buffer>();
  let at = 0;
  for (const path of paths) {
    const nl = out.indexOf(10, at);
    if (nl === -1) break;
    const header = out.subarray(at, nl).toString('utf8');
    at = nl + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) continue; // "<name> missing" or "ambiguous"
    const size = Number(m[2]);
    if (m[1] === 'blob') result.set(path, out.subarray(at, at + size));
    at += size + 1;
  }
  return result;
}

export function createGitTreeOps(git: GitRunner): GitTreeOps {
  return {
    async listFiles(cwd, which = 'all') {
      const what =
        which === 'tracked' ? ['--cached'] : which === 'untracked' ? ['--others'] : ['--cached', '--others'];
      const r = await git(cwd, ['ls-files', '-z', ...what, '--exclude-standard', '--', '.']);
      if (!r.ok) return null;
      const files = splitZ(r.stdout);
      if (which === 'all') return [...new Set(files)];
      // One listing is sorted, and a file in conflict (one entry per stage) repeats only next to
      // itself: dropping repeats in place saves hashing 50,000 names on a big tree.
      let n = 0;
      for (const f of files) if (n === 0 || files[n - 1] !== f) files[n++] = f;
      files.length = n;
      return files;
    },
    async resolveCommit(cwd, ref) {
      const r = await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
      return r.ok ? r.stdout.trim() : null;
    },
    async mergeBase(cwd, a, b) {
      const r = await git(cwd, ['merge-base', a, b]);
      return r.ok ? r.stdout.trim() || null : null;
    },
    async changedSince(cwd, ref) {
      const [diff, others] = await Promise.all([
        git(cwd, ['diff', '--name-status', '-z', '--no-renames', '--relative', ref, '--', '.']),
        git(cwd, ['ls-files', '-z', '--others', '--exclude-standard', '--', '.']),
      ]);
      if (!diff.ok) throw new Error(`git diff ${ref} failed: ${diff.stderr.trim()}`);
      const out: ChangedFile[] = [];
      const parts = splitZ(diff.stdout);
      for (let i = 0; i + 1 < parts.length; i += 2) {
        const s = parts[i]![0];
        const status = s === 'A' ? 'A' : s === 'D' ? 'D' : 'M';
        out.push({ status, path: parts[i + 1]! });
      }
      for (const p of splitZ(others.stdout)) out.push({ status: 'A', path: p });
      return out;
    },
    async readAtRef(cwd, ref, paths) {
      if (paths.length === 0) return new Map();
      const input = paths.map((p) => `${ref}:./${p}\n`).join('');
      const r = await runGitRaw(cwd, ['cat-file', '--batch'], input);
      if (r.exitCode !== 0) throw new Error(`git cat-file --batch failed: ${r.stderr}`);
      return parseCatFileBatch(r.stdout, paths);
    },
  };
}
