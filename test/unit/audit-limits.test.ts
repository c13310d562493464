/** What bounds an audit: which files are skipped, and how much one finding or one file can report. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { walkFiles } from '../../src/audit/engine.js';
import { compileAudit, matcher } from '../../src/audit/rules.js';
import { toSarif } from '../../src/audit/sarif.js';
import { scanFile } from '../../src/audit/scan.js';
import { ruleScore, scoreScopes, scoringRule } from '../../src/audit/score.js';
import { DEFAULT_LIMITS, looksMinified, SkipList, skipReasonOf } from '../../src/audit/skip.js';
import type { FileScan, Violation } from '../../src/audit/types.js';
import { buildViolations } from '../../src/audit/violations.js';
import { auditSchema } from '../../src/playbook/sections/audit.js';

const compiled = (rules: unknown[], limits: Record<string, unknown> = {}) =>
  compileAudit(auditSchema.parse({ rules, limits }));

describe('skipped files', () => {
  it.each([
    ['hand-written code', 'const a = 1;\n'.repeat(500), null],
    ['a tiny one-liner', 'export const a = 1;', null],
    ['one long minified line', 'var a=1;'.repeat(300), 'minified'],
    ['long lines throughout', `${'x'.repeat(400)}\n`.repeat(20), 'minified'],
    ['a NUL byte early', 'const a = 1;\n\0rest', 'binary'],
    ['a NUL byte past the first 8,000 bytes', `${'const a = 1;\n'.repeat(700)}\0`, null],
  ])('%s', (_name, text, reason) => {
    expect(skipReasonOf(Buffer.from(text), DEFAULT_LIMITS)).toBe(reason);
  });

  it('one byte over the size limit is too large; the checks can be turned off', () => {
    const limits = { ...DEFAULT_LIMITS, maxFileBytes: 10 };
    expect(skipReasonOf(Buffer.alloc(11, 0x61), limits)).toBe('too-large');
    expect(skipReasonOf(Buffer.alloc(10, 0x61), limits)).toBeNull();
    const off = { ...DEFAULT_LIMITS, skipBinary: false, skipMinified: false };
    expect(skipReasonOf(Buffer.from('a\0b'), off)).toBeNull();
    expect(looksMinified(Buffer.from('var a=1;'.repeat(300)))).toBe(true);
    expect(skipReasonOf(Buffer.from('var a=1;'.repeat(300)), off)).toBeNull();
  });

  it('counts every skipped file and names the first 200', () => {
    const list = new SkipList();
    for (let i = 0; i < 250; i++) list.add(`f${i}.ts`, i % 2 ? 'binary' : 'symlink');
    expect(list.result.count).toBe(250);
    expect(list.result.byReason).toEqual({ symlink: 125, binary: 125 });
    expect(list.result.files).toHaveLength(200);
    expect(list.names.has('f249.ts')).toBe(true);
  });

  it('the folder walk follows no link and skips build folders only at the top', () => {
    const root = mkdtempSync(join(tmpdir(), 'tdl-walk-'));
    try {
      for (const d of ['app/build', 'app/out', 'build', 'node_modules/x', 'src'])
        mkdirSync(join(root, d), { recursive: true });
      for (const f of [
        'app/build/steps.py',
        'app/out/render.ts',
        'build/bundle.js',
        'node_modules/x/i.js',
        'src/a.ts',
      ])
        writeFileSync(join(root, f), 'x = 1\n');
      symlinkSync('/proc/self/environ', join(root, 'src/env.ts'));
      symlinkSync(join(root, 'app'), join(root, 'src/loop'));
      const w = walkFiles(root);
      expect(w.files).toEqual(['app/build/steps.py', 'app/out/render.ts', 'src/a.ts']);
      expect(w.special.sort()).toEqual([
        ['src/env.ts', 'symlink'],
        ['src/loop', 'symlink'],
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('bounded findings', () => {
  it('a file reports at most findingsPerFile findings of a rule, plus one that counts the rest', () => {
    const c = compiled([{ id: 'x', kind: 'forbidden-pattern', pattern: 'bad\\(\\)' }], {
      findingsPerFile: 5,
    });
    const s = scanFile(c, 'a.ts', Buffer.from('bad();'.repeat(1000)), ['all'])!;
    expect(s.hits).toHaveLength(6);
    expect(s.hits[5]!.message).toBe(
      '995 more finding(s) of this rule in this file not listed (limits.findingsPerFile: 5)',
    );
    // A hit's key holds the match's neighbourhood, not a whole 6,000-character line.
    for (const h of s.hits) expect(h.key.length).toBeLessThan(300);
  });

  it('a duplicate lists at most relatedSites other sites and counts them all', () => {
    const c = compiled([{ id: 'd', kind: 'duplicate-definition', names: ['Meta'] }], { relatedSites: 3 });
    const scans: FileScan[] = Array.from({ length: 50 }, (_, i) => ({
      file: `m${String(i).padStart(2, '0')}.py`,
      defs: [{ ruleId: 'd', name: 'Meta', kind: 'class', line: 1, endLine: 2 }],
      hits: [],
    }));
    const vs = buildViolations(c, scans, new Map(scans.map((s) => [s.file, ['all']])));
    expect(vs).toHaveLength(50);
    expect(vs[0]!.related).toHaveLength(3);
    expect(vs[0]!.relatedCount).toBe(49);
    expect(vs[0]!.message).toBe(
      'class Meta is defined in 50 files; also at m01.py:1, m02.py:1, m03.py:1, m04.py:1, m05.py:1 and 44 more',
    );
  });

  it('SARIF holds at most maxResults results per run and says what was cut, per rule', () => {
    const v = (i: number, ruleId: string): Violation => ({
      ruleId,
      kind: 'forbidden-pattern',
      severity: 'warning',
      file: `f${i}.ts`,
      line: 1,
      message: 'm',
      fingerprint: `fp${i}`,
      scopes: ['all'],
    });
    const all = [
      ...Array.from({ length: 8 }, (_, i) => v(i, 'a')),
      ...Array.from({ length: 4 }, (_, i) => v(i + 8, 'b')),
    ];
    const sarif = toSarif(all, { root: '/r', toolVersion: '0', maxResults: 6 }) as {
      runs: {
        results: unknown[];
        properties: unknown;
        invocations: { toolExecutionNotifications: { message: { text: string } }[] }[];
      }[];
    };
    const schema = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../fixtures/sarif-schema-2.1.0.json'), 'utf8'),
    );
    // As in test/integration/audit.test.ts: the draft-04 schema read as draft-07.
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    const ajv = new AjvModule.default({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormatsModule.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = sarif.runs[0]!;
    expect(run.results).toHaveLength(6);
    expect(run.properties).toEqual({ resultsCut: 6, resultsTotal: 12, resultsCutByRule: { a: 2, b: 4 } });
    expect(run.invocations[0]!.toolExecutionNotifications[0]!.message.text).toBe(
      '6 of 12 results not included (at most 6 per run); by rule: a 2, b 4',
    );
    const whole = toSarif(all, { root: '/r', toolVersion: '0' }) as {
      runs: { results: unknown[]; invocations?: unknown }[];
    };
    expect(whole.runs[0]!.results).toHaveLength(12);
    expect(whole.runs[0]!.invocations).toBeUndefined();
  });
});

describe('scores', () => {
  it.each([
    [10, 0, 100],
    [10, 1, 50],
    [100, 1, 90.9],
    [10, 0.25, 80],
    [10, 0.05, 95.2],
    [0, 1, 0],
  ])('%i files, penalty %d: %d', (files, penalty, score) => {
    expect(ruleScore(files, penalty)).toBe(score);
  });

  it('weighs by severity: an info never costs what an error does; every violation counts', () => {
    const v = (severity: 'error' | 'warning' | 'info', file = 'a.ts'): Violation => ({
      ruleId: 'r',
      kind: 'forbidden-pattern',
      severity,
      file,
      line: 1,
      message: 'm',
      fingerprint: `${severity}${file}`,
      scopes: ['all'],
    });
    const files = new Map([['all', 20]]);
    const score = (vs: Violation[]) => scoreScopes(['all'], () => ['r', 'q'], files, vs).all!;
    expect(score([v('info')]).rules.r).toBeGreaterThan(score([v('warning')]).rules.r!);
    expect(score([v('warning')]).rules.r).toBeGreaterThan(score([v('error')]).rules.r!);
    // A second violation in an already dirty file lowers the score (the share of clean files did not).
    expect(score([v('error'), v('error')]).rules.r).toBeLessThan(score([v('error')]).rules.r!);
    // The scope is the mean of its rules: the clean rule q holds it up.
    expect(score([v('error')])).toMatchObject({ rules: { q: 100, r: 66.7 }, score: 83.4 });
    expect(scoringRule('dup/enum-members')).toBe('dup');
    expect(scoringRule('eslint/no-unused-vars')).toBe('eslint');
  });
});

describe('negated globs', () => {
  it.each([
    [['app/**', '!app/tests/**'], 'app/x.py', true],
    [['app/**', '!app/tests/**'], 'app/tests/x.py', false],
    [['app/**', '!app/tests/**'], 'lib/x.py', false],
    [['!**/*_pb2.py'], 'a/b_pb2.py', false],
    [['!**/*_pb2.py'], 'a/b.py', true],
  ])('%j matches %s: %s', (globs, file, expected) => {
    expect(matcher(globs)(file)).toBe(expected);
  });
});
