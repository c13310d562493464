import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES_PER_BATCH, SLOTS } from '../../src/audit/read-pipe.js';
import type { Violation } from '../../src/audit/types.js';
import { CLI, type TempProject, tdl, tempProject } from './helpers.js';

// A fixture repository seeded with the seeds' kinds of violations.
const FILES: Record<string, string> = {
  'tdl.yaml': `name: seeded
suites:
  - { id: unit, command: [node, -e, "0"] }
audit:
  scopes: { production: ["netra_backend/**"], tests: ["tests/**"] }
  rules:
    - { id: one-execution-state, kind: duplicate-definition, names: ["*State", "*Manager"] }
    - id: redis-through-manager
      kind: forbidden-pattern
      pattern: "redis\\\\.Redis\\\\("
      allowIn: ["netra_backend/app/redis_manager.py"]
      fix: use get_redis_manager()
    - { id: legacy-logger, kind: deprecated-import, module: netra_backend.app.logging_config, names: [central_logger], replacement: shared.logging.unified_logging_ssot }
`,
  'netra_backend/app/core/execution_tracker.py': `"""Execution tracker.

class ExecutionState(Enum): in a docstring is not a definition.
"""
from enum import Enum


class ExecutionState(Enum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"
`,
  'netra_backend/app/core/agent_execution_tracker.py': `from enum import Enum

from netra_backend.app.logging_config import central_logger


class ExecutionState(str, Enum):
    PENDING = "pending"
    STARTING = "starting"
    RUNNING = "running"
    COMPLETING = "completing"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    DEAD = "dead"
    CANCELLED = "cancelled"
`,
  'netra_backend/app/websocket_core/unified_manager.py': `# class WebSocketManager: (a comment)
class WebSocketManager:
    pass
`,
  'netra_backend/app/websocket_core/websocket_manager_factory.py': `import redis


@deprecated("use unified_manager")
class WebSocketManager(object):
    def __init__(self):
        self.client = redis.Redis(host="localhost")
`,
  'netra_backend/app/websocket_core/manager.ts': `const doc = "class WebSocketManager {}";
@Injectable()
export class WebSocketManager {
  name = \`\${doc}\`;
}
export { ExecutionState } from './states';
`,
  'netra_backend/app/redis_manager.py': `import redis
client = redis.Redis(host="localhost")
`,
  'tests/test_ws.py': `class WebSocketManager:  # a fake in tests: another scope
    pass
`,
};

let project: TempProject;
beforeAll(async () => {
  project = await tempProject(FILES);
});
afterAll(() => project.cleanup());

const git = (dir: string, ...args: string[]) =>
  execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir });

interface AuditJson {
  violations: Violation[];
  scopes: Record<string, { score: number; files: number; filesWithViolations: number }>;
  rules: Record<string, Record<string, unknown>>;
  baseline: { newCount: number; knownCount: number; fixed: unknown[] } | null;
  base: { introducedCount: number; changedFiles: number } | null;
  verdict: string;
}

async function audit(args: string[] = [], env: Record<string, string> = {}) {
  const r = await tdl(project.dir, ['audit', '--json', ...args], env);
  return { code: r.exitCode, json: JSON.parse(String(r.stdout)) as AuditJson, stderr: String(r.stderr) };
}

const at = (vs: Violation[], rule: string) =>
  vs.filter((v) => v.ruleId === rule).map((v) => `${v.file}:${v.line}`);

describe('tdl audit on a repository seeded with the seeds violations', () => {
  it('finds each violation at the right file:line, in worker threads too', async () => {
    for (const workers of ['0', '2']) {
      const { code, json } = await audit([], { TDL_AUDIT_WORKERS: workers });
      expect(code).toBe(1);
      const v = json.violations;
      expect(at(v, 'one-execution-state').sort()).toEqual([
        'netra_backend/app/core/agent_execution_tracker.py:6',
        'netra_backend/app/core/execution_tracker.py:8',
        'netra_backend/app/websocket_core/manager.ts:3',
        'netra_backend/app/websocket_core/unified_manager.py:2',
        'netra_backend/app/websocket_core/websocket_manager_factory.py:5',
      ]);
      expect(at(v, 'redis-through-manager')).toEqual([
        'netra_backend/app/websocket_core/websocket_manager_factory.py:7',
      ]);
      expect(at(v, 'legacy-logger')).toEqual(['netra_backend/app/core/agent_execution_tracker.py:3']);
      const ws = v.find((x) => x.file.endsWith('unified_manager.py'))!;
      expect(ws.message).toContain('defined in 3 files');
    }
  });

  it('reports the enum member difference as a separate error', async () => {
    const { json } = await audit();
    const enums = json.violations.filter((v) => v.ruleId === 'one-execution-state/enum-members');
    expect(enums.map((e) => `${e.file}:${e.line}`).sort()).toEqual([
      'netra_backend/app/core/agent_execution_tracker.py:6',
      'netra_backend/app/core/execution_tracker.py:8',
    ]);
    const six = enums.find((e) => e.file.endsWith('/execution_tracker.py'))!;
    expect(six.severity).toBe('error');
    expect(six.members!.here).toHaveLength(6);
    expect(six.members!.other.members).toHaveLength(9);
    expect(six.members!.missing).toEqual(['STARTING', 'COMPLETING', 'DEAD']);
    expect(six.message).toContain('missing here: STARTING, COMPLETING, DEAD');
  });

  it('scores each rule by its severity-weighted violations, and a scope as the mean of its rules', async () => {
    const { json } = await audit();
    // 100 × F / (F + 10 × P), P = errors + warnings / 4 (+ infos / 20).
    // production (6 files): one-execution-state 2 errors + 5 warnings: P 3.25 → 15.6;
    // redis 1 error → 37.5; legacy-logger 1 warning → 70.6; mean 41.2.
    expect(json.scopes.production).toMatchObject({
      files: 6,
      filesWithViolations: 5,
      rules: { 'one-execution-state': 15.6, 'redis-through-manager': 37.5, 'legacy-logger': 70.6 },
      score: 41.2,
    });
    expect(json.scopes.tests).toMatchObject({ files: 1, filesWithViolations: 0, score: 100 });
    // Per rule over all 7 files, in playbook order.
    expect(Object.keys(json.rules)).toEqual([
      'one-execution-state',
      'redis-through-manager',
      'legacy-logger',
    ]);
    expect(json.rules['one-execution-state']).toMatchObject({
      kind: 'duplicate-definition',
      count: 7,
      bySeverity: { error: 2, warning: 5 },
      files: 5,
      score: 17.7,
      new: null,
      fixed: null,
      scoreAtBase: null,
    });
  });

  it('writes SARIF 2.1.0 that validates against the schema', async () => {
    const out = join(project.dir, 'out.sarif');
    await tdl(project.dir, ['audit', '--sarif', out]);
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    const schema = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../fixtures/sarif-schema-2.1.0.json'), 'utf8'),
    );
    // The vendored schema is draft-04; ajv reads it as draft-07 once `id` is `$id` (no other draft-04-only keyword is used).
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    // ajv and ajv-formats are CommonJS with a default export.
    const Ajv = AjvModule.default;
    const addFormats = addFormatsModule.default;
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const results = sarif.runs[0].results as {
      ruleId: string;
      locations: { physicalLocation: { region: { startLine: number } } }[];
    }[];
    expect(
      results.find((r) => r.ruleId === 'redis-through-manager')!.locations[0]!.physicalLocation.region
        .startLine,
    ).toBe(7);
    // A broken document must not validate: the check is real.
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
  });

  it('baseline: known violations stay known when lines move; new ones are new; --strict fails on fixed entries', async () => {
    const upd = await audit(['--update-baseline']);
    expect(upd.json.baseline).toMatchObject({ newCount: 9 });
    const again = await audit();
    expect(again.code).toBe(0);
    expect(again.json.violations.every((v) => v.status === 'known')).toBe(true);
    // Insert lines above the violations and add a new one.
    const f = join(project.dir, 'netra_backend/app/websocket_core/websocket_manager_factory.py');
    const text = readFileSync(f, 'utf8');
    writeFileSync(f, `# a header\n# more\n${text}        self.other = redis.Redis(host="b")\n`);
    const after = await audit();
    expect(after.code).toBe(1);
    const redis = after.json.violations.filter((v) => v.ruleId === 'redis-through-manager');
    expect(redis.map((v) => [v.line, v.status])).toEqual([
      [9, 'known'],
      [10, 'new'],
    ]);
    expect(after.json.baseline).toMatchObject({ newCount: 1 });
    // Fix the new one and the known one: the baseline now holds a stale entry.
    writeFileSync(
      f,
      text.replace('self.client = redis.Redis(host="localhost")', 'self.client = get_redis_manager()'),
    );
    expect((await audit()).code).toBe(0);
    const strict = await audit(['--strict']);
    expect(strict.code).toBe(1);
    expect(strict.json.baseline!.fixed).toHaveLength(1);
    writeFileSync(f, text);
  });

  it('--base: only violations introduced since the ref, without touching the working tree', async () => {
    const repo = await tempProject(FILES);
    try {
      await git(repo.dir, 'tag', 'v1');
      repo.write('netra_backend/app/agents/timeout_manager.py', 'import redis\nc = redis.Redis()\n');
      repo.write('netra_backend/app/agents/ws.py', 'class WebSocketManager:\n    pass\n');
      await git(repo.dir, 'add', '-A');
      await git(repo.dir, 'commit', '-qm', 'two more');
      // And an uncommitted edit that removes a violation that existed at the base.
      const f = join(repo.dir, 'netra_backend/app/core/agent_execution_tracker.py');
      writeFileSync(
        f,
        readFileSync(f, 'utf8').replace('from netra_backend.app.logging_config import central_logger', ''),
      );
      const r = await tdl(repo.dir, ['audit', '--json', '--base', 'v1']);
      const json = JSON.parse(String(r.stdout)) as AuditJson & { base: { fixedCount: number } };
      expect(json.base).toMatchObject({ changedFiles: 3, fixedCount: 1 });
      const introduced = json.violations
        .filter((v) => v.introduced)
        .map((v) => `${v.ruleId} ${v.file}:${v.line}`);
      expect(introduced).toEqual([
        'redis-through-manager netra_backend/app/agents/timeout_manager.py:2',
        'one-execution-state netra_backend/app/agents/ws.py:1',
      ]);
      expect(json.base.introducedCount).toBe(2);
      expect(r.exitCode).toBe(1);
      // Per rule: introduced as new, gone since the base as fixed, and the score then and now.
      const rules = (
        json as unknown as {
          rules: Record<string, { new: number; fixed: number; score: number; scoreAtBase: number }>;
        }
      ).rules;
      expect(rules['redis-through-manager']).toMatchObject({ new: 1, fixed: 0 });
      expect(rules['legacy-logger']).toMatchObject({ new: 0, fixed: 1, score: 100 });
      expect(rules['legacy-logger']!.scoreAtBase).toBeLessThan(100);
      expect(rules['redis-through-manager']!.score).toBeLessThan(rules['redis-through-manager']!.scoreAtBase);
      const text = String((await tdl(repo.dir, ['audit', '--base', 'v1'])).stderr);
      expect(text).toMatch(/legacy-logger +deprecated-import +0 +0 +0 +0 +1 +0 +100\.0 \(\d+\.\d at base\)/);
      // HEAD was not moved and the working tree still holds the edit.
      expect((await git(repo.dir, 'rev-parse', '--abbrev-ref', 'HEAD')).stdout).toBe('main');
      expect(readFileSync(f, 'utf8')).not.toContain('central_logger');
      const bad = await tdl(repo.dir, ['audit', '--base', 'no-such-ref']);
      expect(bad.exitCode).toBe(2);
      expect(String(bad.stderr)).toMatch(/--base no-such-ref: not a commit/);
    } finally {
      repo.cleanup();
    }
  });

  it('a reader that closes the pipe early (`| head`) costs no stack trace and keeps the exit code', async () => {
    const child = spawn(process.execPath, [CLI, 'audit', '--json'], {
      cwd: project.dir,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // closed before tdl has written a byte: its first write meets EPIPE
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    expect(stderr).toBe('');
    // The same exit code as the same audit read to the end (what it is depends on the baseline the
    // tests before this one left).
    const full = await tdl(project.dir, ['audit', '--json']);
    expect(JSON.parse(String(full.stdout)).violations.length).toBeGreaterThan(0);
    expect(code).toBe(full.exitCode);
  });

  it('prints a per-rule summary first, then the findings grouped by rule; --rule filters', async () => {
    const all = await tdl(project.dir, ['audit']);
    const text = String(all.stderr);
    const lines = text.split('\n');
    expect(lines[2]).toMatch(/^rule +kind +errors +warnings +infos +new +fixed +files +score$/);
    // (new and fixed: against the baseline an earlier test wrote.)
    expect(lines[3]).toMatch(
      /^one-execution-state +duplicate-definition +2 +5 +0 +(?:0|-) +(?:0|-) +5 +17\.7$/,
    );
    // Rules with errors first: the enum difference is not drowned by the duplicate warnings.
    const groups = lines.filter((l) => l.startsWith('['));
    expect(groups).toEqual([
      '[one-execution-state] 7 violation(s)',
      '[redis-through-manager] 1 violation(s)',
      '[legacy-logger] 1 violation(s)',
    ]);
    expect(text).toMatch(
      /\[one-execution-state\] 7 violation\(s\)\n {2}\S+: error \[one-execution-state\/enum-members\]/,
    );

    // (Its exit code depends on the baseline an earlier test wrote: not asserted here.)
    const one = await audit(['--rule', 'redis-through-manager']);
    expect(one.json.violations.map((v) => v.ruleId)).toEqual(['redis-through-manager']);
    const two = await audit(['--rule', 'legacy-logger,one-execution-state/enum-members']);
    expect(new Set(two.json.violations.map((v) => v.ruleId))).toEqual(
      new Set(['legacy-logger', 'one-execution-state', 'one-execution-state/enum-members']),
    );
    const bad = await tdl(project.dir, ['audit', '--rule', 'no-such-rule']);
    expect(bad.exitCode).toBe(2);
    expect(String(bad.stderr)).toContain('--rule no-such-rule: no such rule in the playbook');
  });

  it('warns about a scope, a rule or an allowIn that matches nothing; negated globs exclude', async () => {
    project.write(
      'typo.yaml',
      `name: typo
suites:
  - { id: unit, command: [node, -e, "0"] }
audit:
  scopes: { production: ["netra_backend/**", "!netra_backend/app/core/**"], tests: ["test/**"] }
  rules:
    - { id: only-tests, kind: max-file-lines, max: 1, scopes: [tests] }
    - { id: redis, kind: forbidden-pattern, pattern: "redis\\\\.Redis\\\\(", allowIn: ["netra_backend/app/redis_manger.py"] }
`,
    );
    const r = await audit(['-p', 'typo.yaml']);
    expect((r.json as unknown as { warnings: string[] }).warnings).toEqual([
      'scope "tests" matches no audited file (check its globs: test/**)',
      'rule "only-tests" applies to no audited file (its scopes hold none)',
      'rule "redis": allowIn netra_backend/app/redis_manger.py matches no audited file',
    ]);
    // app/core/ is excluded from production: 6 files less the 2 there.
    expect(r.json.scopes.production!.files).toBe(4);
    expect(r.stderr).toBe('');
    const text = String((await tdl(project.dir, ['audit', '-p', 'typo.yaml'])).stderr);
    expect(text).toContain('  warning: scope "tests" matches no audited file');
  });

  it('a playbook without an audit section is a usage error (exit 2)', async () => {
    project.write('plain.yaml', 'name: p\nsuites:\n  - { id: u, command: [node, -e, "0"] }\n');
    const r = await tdl(project.dir, ['audit', '-p', 'plain.yaml']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toMatch(/has no audit section/);
  });
});

describe('tdl audit on a tree bigger than the read pipe holds at once', () => {
  it('gives the same audit read by reader threads, scanned by scanner threads, by this thread alone, and by default', async () => {
    // More files than the pipe's slots hold (so slots are reused), one file larger than a slot (the
    // main thread reads it), files of no audited language, and an untracked file.
    const files: Record<string, string> = {
      'tdl.yaml': `name: big
suites:
  - { id: unit, command: [node, -e, "0"] }
audit:
  scopes: { production: ["src/**"], tests: ["test/**"] }
  rules:
    - { id: one-state, kind: duplicate-definition, names: ["*State"] }
    - { id: no-redis, kind: forbidden-pattern, pattern: "redis\\\\.Redis\\\\(" }
`,
    };
    const count = SLOTS * FILES_PER_BATCH + 700;
    for (let i = 0; i < count; i++) {
      const dir = `${i % 10 === 0 ? 'test' : 'src'}/d${i % 37}`;
      files[`${dir}/f${i}.${i % 2 ? 'py' : 'ts'}`] =
        i % 2
          ? `"""redis.Redis( in a docstring"""\n${i % 1000 === 1 ? 'c = redis.Redis()\nclass RunState:\n    pass\n' : 'x = 1\n'}`
          : `// redis.Redis( in a comment\n${i % 1000 === 0 ? `export enum RunState { A${i % 3 ? ', B' : ''} }\n` : 'export const x = 1;\n'}`;
      if (i % 500 === 3) files[`${dir}/notes${i}.md`] = 'class RunState {}\nredis.Redis(';
    }
    files['src/big/huge.ts'] = `${'// padding line\n'.repeat(40_000)}export class RunState {}\n`;
    const repo = await tempProject(files);
    try {
      repo.write('src/untracked.py', 'c = redis.Redis()\n');
      const run = async (env: Record<string, string>) => {
        const r = await tdl(repo.dir, ['audit', '--json'], env);
        expect(r.exitCode).toBe(1);
        const json = JSON.parse(String(r.stdout)) as AuditJson & {
          durationMs?: number;
          filesAudited: number;
        };
        delete json.durationMs;
        return json;
      };
      const here = await run({ TDL_AUDIT_WORKERS: '0', TDL_AUDIT_SCANNERS: '0' });
      expect(here.filesAudited).toBe(count + 2);
      expect(at(here.violations, 'no-redis')).toContain('src/untracked.py:1');
      expect(at(here.violations, 'no-redis').length).toBe(Math.ceil((count - 1) / 1000) + 1);
      expect(at(here.violations, 'one-state')).toContain('src/big/huge.ts:40001');
      const variants: Record<string, string>[] = [
        { TDL_AUDIT_WORKERS: '1' },
        { TDL_AUDIT_WORKERS: '2' },
        // Two and three parts (the untracked file is scanned by this thread after them).
        { TDL_AUDIT_SCANNERS: '1' },
        { TDL_AUDIT_SCANNERS: '2' },
        {},
      ];
      for (const env of variants) expect(await run(env)).toEqual(here);
    } finally {
      repo.cleanup();
    }
  }, 60_000);
});
