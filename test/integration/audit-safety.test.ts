/**
 * `tdl audit` on a hostile tree: tracked symlinks to /proc/self/environ, /dev/zero, /dev/stdin and a
 * FIFO, a link inside the tree, a 10 MB single-line minified file and a 20 MB binary `.ts`. Each is
 * skipped with its reason; nothing is followed, no secret reaches any output, the run ends.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TempProject, tdl, tempProject } from './helpers.js';

const SECRET = 'tdl-safety-secret-7f3a9c';

const PLAYBOOK = `name: safety
suites:
  - { id: unit, command: [node, -e, "0"] }
audit:
  rules:
    - { id: no-secret, kind: forbidden-pattern, pattern: "${SECRET}", matchIn: all }
    - { id: no-redis, kind: forbidden-pattern, pattern: "redis\\\\.Redis\\\\(" }
    - { id: one-state, kind: duplicate-definition, names: ["*State"] }
`;

let project: TempProject;
let outside: string;

beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': PLAYBOOK,
    'src/real.ts': 'export class RunState {}\nconst r = new redis.Redis();\n',
  });
  outside = mkdtempSync(join(tmpdir(), 'tdl-it-outside-'));
  const fifo = join(outside, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const d = project.dir;
  symlinkSync('/proc/self/environ', join(d, 'src/environ.ts'));
  symlinkSync('/dev/zero', join(d, 'src/zero.ts'));
  symlinkSync('/dev/stdin', join(d, 'src/stdin.py'));
  symlinkSync(fifo, join(d, 'src/fifo.ts'));
  // A link inside the tree would double the findings and make a false duplicate of RunState.
  symlinkSync('real.ts', join(d, 'src/again.ts'));
  const git = (...args: string[]) => execa('git', args, { cwd: d });
  await git('add', '-A');
  await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'links');
  // Untracked, as vendored bundles and build output often are: a 10 MB one-line minified file that
  // matches a rule everywhere, and a 20 MB binary file named .ts.
  writeFileSync(join(d, 'src/vendor.min.js'), 'var a=new redis.Redis();'.repeat(420_000));
  const bin = Buffer.alloc(20 * 1024 * 1024, 0x41);
  for (let i = 0; i < bin.length; i += 4096) bin[i] = 0;
  writeFileSync(join(d, 'src/blob.ts'), bin);
});

afterAll(() => {
  project.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

describe('tdl audit on a hostile tree', () => {
  // 0: the main thread reads; 1: a reader thread reads the tracked files.
  it.each(['0', '1'])(
    'skips links, huge, binary and minified files with a reason (readers: %s)',
    async (workers) => {
      const sarif = join(project.dir, `out-${workers}.sarif`);
      const r = await tdl(project.dir, ['audit', '--json', '--sarif', sarif], {
        TDL_AUDIT_WORKERS: workers,
        TDL_SAFETY_SECRET: SECRET,
      });
      expect(r.exitCode, String(r.stderr)).toBe(1);
      const out = JSON.parse(String(r.stdout));
      const reasons = Object.fromEntries(
        (out.skipped.files as { file: string; reason: string }[]).map((f) => [f.file, f.reason]),
      );
      expect(reasons).toEqual({
        'src/again.ts': 'symlink',
        'src/environ.ts': 'symlink',
        'src/fifo.ts': 'symlink',
        'src/stdin.py': 'symlink',
        'src/zero.ts': 'symlink',
        'src/vendor.min.js': 'too-large',
        'src/blob.ts': 'too-large',
      });
      expect(out.skipped.byReason).toEqual({ symlink: 5, 'too-large': 2 });
      expect(out.filesAudited).toBe(1);
      // Only the real file's findings: no duplicate through the in-tree link.
      expect(out.violations.map((v: { ruleId: string; file: string }) => `${v.ruleId} ${v.file}`)).toEqual([
        'no-redis src/real.ts',
      ]);
      for (const text of [String(r.stdout), String(r.stderr), readFileSync(sarif, 'utf8')])
        expect(text).not.toContain(SECRET);
    },
    60_000,
  );

  it('skips binary and minified files under the size limit too, and says so in the text output', async () => {
    const d = project.dir;
    writeFileSync(join(d, 'src/small.min.js'), 'var a=new redis.Redis();'.repeat(2000));
    const bin = Buffer.from('export const x = 1;\n\0\0\0 redis.Redis(\n');
    writeFileSync(join(d, 'src/small-bin.ts'), bin);
    try {
      const r = await tdl(d, ['audit']);
      expect(r.exitCode).toBe(1);
      const err = String(r.stderr);
      expect(err).toContain('skipped 9 file(s) not read: 5 symlink, 2 too-large, 1 binary, 1 minified; e.g.');
      const json = JSON.parse(String((await tdl(d, ['audit', '--json'])).stdout));
      const reasons = Object.fromEntries(
        (json.skipped.files as { file: string; reason: string }[]).map((f) => [f.file, f.reason]),
      );
      expect(reasons['src/small.min.js']).toBe('minified');
      expect(reasons['src/small-bin.ts']).toBe('binary');
      // With the checks turned off they are audited (and the 10 MB file stays over the size limit).
      writeFileSync(
        join(d, 'relaxed.yaml'),
        `${PLAYBOOK}  limits: { skipBinary: false, skipMinified: false, findingsPerFile: 10 }\n`,
      );
      const relaxed = JSON.parse(String((await tdl(d, ['audit', '--json', '-p', 'relaxed.yaml'])).stdout));
      const minified = relaxed.violations.filter((v: { file: string }) => v.file === 'src/small.min.js');
      // 2,000 matches, 10 listed plus one finding that counts the rest.
      expect(minified).toHaveLength(11);
      expect(minified.some((v: { message: string }) => v.message.startsWith('1990 more finding(s)'))).toBe(
        true,
      );
      expect(relaxed.violations.some((v: { file: string }) => v.file === 'src/small-bin.ts')).toBe(true);
    } finally {
      rmSync(join(d, 'src/small.min.js'));
      rmSync(join(d, 'src/small-bin.ts'));
      rmSync(join(d, 'relaxed.yaml'), { force: true });
    }
  }, 60_000);
});
