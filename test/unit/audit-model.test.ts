import { describe, expect, it } from 'vitest';
import { parseCatFileBatch } from '../../src/adapters/git/tree.js';
import { baselineOf, compareWithBaseline } from '../../src/audit/baseline.js';
import { parseEslintJson, parseSarif } from '../../src/audit/external.js';
import { auditOutcome, isFailing } from '../../src/audit/outcome.js';
import { toSarif } from '../../src/audit/sarif.js';
import type { Violation } from '../../src/audit/types.js';

const v = (over: Partial<Violation> = {}): Violation => ({
  ruleId: 'r',
  kind: 'forbidden-pattern',
  severity: 'error',
  file: 'src/a.py',
  line: 3,
  message: 'm',
  fingerprint: 'fp1',
  scopes: ['all'],
  ...over,
});

describe('baseline comparison', () => {
  it('marks known and new by fingerprint, not by line, and lists fixed entries', () => {
    const base = baselineOf([v({ fingerprint: 'a', line: 1 }), v({ fingerprint: 'b', line: 2 })]);
    const now = [v({ fingerprint: 'a', line: 40 }), v({ fingerprint: 'c', line: 2 })];
    const cmp = compareWithBaseline('x.json', base, now);
    expect(now.map((x) => x.status)).toEqual(['known', 'new']);
    expect(cmp).toMatchObject({ entries: 2, newCount: 1, knownCount: 1 });
    expect(cmp.fixed.map((e) => e.fingerprint)).toEqual(['b']);
  });
});

describe('what fails', () => {
  it.each([
    ['error, new, no base', v({ status: 'new' }), null, true],
    ['error, no baseline, no base', v(), null, true],
    ['error, known', v({ status: 'known' }), null, false],
    ['warning', v({ severity: 'warning' }), null, false],
    ['error, base compared, not introduced', v({ introduced: false }), { ref: 'x' }, false],
    ['error, base compared, introduced', v({ introduced: true }), { ref: 'x' }, true],
  ])('%s', (_n, viol, base, failing) => {
    expect(isFailing(viol, { base: base as never })).toBe(failing);
  });

  it('an external auditor that could not run makes the audit inconclusive, never pass', () => {
    const report = {
      violations: [],
      base: null,
      baseline: null,
      external: [{ id: 'eslint', state: 'timed_out', violations: 0, durationMs: 1, reason: 'timed out' }],
    } as never;
    expect(auditOutcome(report, false).verdict).toBe('inconclusive');
  });

  it('--strict fails on baseline entries that no longer occur', () => {
    const report = {
      violations: [],
      base: null,
      external: [],
      baseline: { fixed: [{ fingerprint: 'x' }], updated: false },
    } as never;
    expect(auditOutcome(report, false).verdict).toBe('pass');
    expect(auditOutcome(report, true).verdict).toBe('fail');
  });
});

describe('git cat-file --batch output', () => {
  it('reads blobs in order and skips missing ones', () => {
    const out = Buffer.from(
      'aaaa blob 5\nhello\nsrc/gone.py missing\nbbbb blob 0\n\ncccc blob 3\nx\ny\n',
      'utf8',
    );
    const m = parseCatFileBatch(out, ['a.py', 'src/gone.py', 'empty.py', 'c.py']);
    expect([...m.keys()]).toEqual(['a.py', 'empty.py', 'c.py']);
    expect(m.get('a.py')!.toString()).toBe('hello');
    expect(m.get('c.py')!.toString()).toBe('x\ny');
  });
});

describe('external reports', () => {
  it('reads SARIF results with file, line, level and fingerprint', () => {
    const raws = parseSarif(
      {
        version: '2.1.0',
        runs: [
          {
            results: [
              {
                ruleId: 'no-eval',
                level: 'note',
                message: { text: 'eval is evil' },
                partialFingerprints: { k: 'abc' },
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: 'file:///repo/src/a.js' },
                      region: { startLine: 7 },
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
      '/repo',
    );
    expect(raws).toEqual([
      { rule: 'no-eval', severity: 'info', file: 'src/a.js', line: 7, message: 'eval is evil', key: 'abc' },
    ]);
  });

  it('reads ESLint JSON messages', () => {
    const raws = parseEslintJson(
      [
        {
          filePath: '/repo/src/b.ts',
          messages: [{ ruleId: 'no-var', severity: 2, message: 'no var', line: 2 }],
        },
      ],
      '/repo',
    );
    expect(raws).toEqual([
      { rule: 'no-var', severity: 'error', file: 'src/b.ts', line: 2, message: 'no var' },
    ]);
  });

  it('rejects documents of the wrong shape', () => {
    expect(() => parseSarif({}, '/r')).toThrow(/not a SARIF log/);
    expect(() => parseEslintJson({}, '/r')).toThrow(/not an ESLint JSON report/);
  });
});

describe('SARIF output', () => {
  it('maps severities, fingerprints, baseline state and related locations', () => {
    const sarif = toSarif(
      [
        v({ status: 'new', related: [{ file: 'src/b.py', line: 9 }] }),
        v({ ruleId: 'q', severity: 'info', file: 'src/dir with space/c.ts', status: 'known' }),
      ],
      { root: '/repo', toolVersion: '1.2.3' },
    ) as { runs: { results: Record<string, unknown>[]; tool: { driver: { rules: { id: string }[] } } }[] };
    const [a, b] = sarif.runs[0]!.results;
    expect(a).toMatchObject({
      ruleId: 'r',
      level: 'error',
      baselineState: 'new',
      partialFingerprints: { 'tdlFingerprint/v1': 'fp1' },
    });
    expect(b).toMatchObject({ level: 'note', baselineState: 'unchanged' });
    expect(JSON.stringify(b)).toContain('src/dir%20with%20space/c.ts');
    expect(sarif.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual(['q', 'r']);
  });
});
