/** Run records, drafts and a real octokit port against the loopback GitHub emulator, for phase 6 tests. */
import { createGitHubPort } from '../../src/adapters/github/index.js';
import type { GitHubPort } from '../../src/adapters/github/port.js';
import type { RunRecord } from '../../src/core/record.js';
import { buildDrafts, type Drafts, type GitFacts } from '../../src/phases/6-publish/drafts.js';
import { githubSchema } from '../../src/playbook/sections/github.js';
import { countCases, type TestCase } from '../../src/results/model.js';
import type { GitHubEmulator } from '../../src/sandbox/github/server.js';
import { Redactor } from '../../src/telemetry/redact.js';
import { runTestsData, suiteResult, tierResult } from '../builders/results.js';
import { phaseEntry, runRecord } from '../builders/run.js';

export const REPO = 'acme/shop';

export interface FakeTest {
  suite?: string;
  name: string;
  /** Set for a failing test. */
  message?: string;
}

export function recordWith(
  runId: string,
  tests: FakeTest[],
  extra: Partial<RunRecord> = {},
  outputTail = '',
): RunRecord {
  const bySuite = new Map<string, TestCase[]>();
  for (const t of tests) {
    const id = t.suite ?? 'critical';
    const cases = bySuite.get(id) ?? [];
    cases.push({
      suite: `${id}.group`,
      name: t.name,
      status: t.message ? 'failed' : 'passed',
      durationMs: 5,
      ...(t.message ? { message: t.message, stack: `${t.message}\n    at test (${id}.js:1:1)` } : {}),
    });
    bySuite.set(id, cases);
  }
  const suites = [...bySuite].map(([id, cases], i) =>
    suiteResult(id, cases, {
      tier: i + 1,
      categories: [id],
      command: ['node', '--test'],
      durationMs: 10,
      outputTail,
      outputBytes: outputTail.length,
    }),
  );
  const counts = countCases(suites.flatMap((s) => s.cases));
  const data = runTestsData(suites, {
    tiers: suites.map((s) => tierResult(s.tier, [s], { passRate: null })),
    passRate: counts.total ? counts.passed / counts.total : null,
  });
  return runRecord({
    schemaVersion: 1,
    runId,
    tool: { name: 'tdl', version: '0.0.0' },
    playbook: { name: 'shop-staging', file: '/tmp/tdl.yaml' },
    repo: { dir: '/tmp/shop', commit: 'abc123', branch: 'main', dirty: false },
    options: { ...runRecord().options, publish: 'github', maxIterations: 3 },
    runDir: `/tmp/.tdl/runs/${runId}`,
    startedAt: '2026-01-01T00:00:00.000Z',
    phases: [phaseEntry('run-tests', { title: 'Tests', verdict: counts.failed ? 'fail' : 'pass', data })],
    ...extra,
  });
}

export const github = (over: Record<string, unknown> = {}) =>
  githubSchema.parse({ repo: REPO, labels: ['tdl', 'e2e'], ...over });

export function draftsFor(
  record: RunRecord,
  emu: { url: string },
  git: GitFacts = { branch: 'main', ahead: 0, baseRef: 'main' },
  over: Record<string, unknown> = {},
): Drafts {
  return buildDrafts({ record, github: github(over), git, apiUrl: emu.url, redactor: new Redactor() });
}

/** The real octokit adapter against the emulator, with tiny retry delays. */
export function portFor(emu: GitHubEmulator, over: Record<string, unknown> = {}): Promise<GitHubPort> {
  return createGitHubPort(github(over), {
    token: 'test-token',
    baseUrl: emu.url,
    retryBaseMs: 1,
    rateLimitBaseMs: 1,
    writeSpacingMs: 0,
    retries: 5,
    rateLimitRetries: 5,
    env: {},
  });
}

/** Removes fenced blocks and code spans: what is left is what GitHub would render as links/mentions. */
export function outsideCode(markdown: string): string {
  return markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}
