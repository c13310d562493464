/**
 * `tdl mcp` on the demo (playbooks/demo.yaml against the Cloud Run and GitHub emulators): a full run
 * with progress notifications, then what an agent reads next: failures, explain, the other tools and
 * the resources. Every result stays under the size bound.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { MAX_RESULT_BYTES } from '../../src/mcp/bound.js';
import { startDemoCloudRun } from '../../src/sandbox/cloudrun/demo.js';
import { startDemoGitHub } from '../../src/sandbox/github/demo.js';
import type { DemoSandbox } from '../../src/sandbox/types.js';
import { callTool, connectTdl, type McpSession, sizeOf, textOf } from './mcp-client.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'tdl-mcp-demo-'));
let sandboxes: DemoSandbox[] = [];
let mcp: McpSession;

interface ClusterOut {
  id: string;
  tests: { suiteId: string; group: string; name: string }[];
  evidence: { kind: string; value: string | null }[];
}

beforeAll(async () => {
  // The demo playbook with absolute paths and its own worklog folder, so the repository's is untouched.
  const playbook = readFileSync(join(ROOT, 'playbooks/demo.yaml'), 'utf8')
    .replace('repo: ../examples/demo-service', `repo: ${join(ROOT, 'examples/demo-service')}`)
    .replace('worklog: { dir: ../worklogs }', `worklog: { dir: ${join(dir, 'worklogs')} }`)
    .replace('../../dist/sandbox/cloudrun/deploy.js', join(ROOT, 'dist/sandbox/cloudrun/deploy.js'));
  writeFileSync(join(dir, 'demo.yaml'), playbook);
  sandboxes = (await Promise.all([startDemoCloudRun(), startDemoGitHub()])).filter(
    (s): s is DemoSandbox => s !== null,
  );
  const env: Record<string, string> = Object.assign(
    { TDL_STATE_DIR: join(dir, '.tdl') },
    ...sandboxes.map((s) => s.env),
  );
  mcp = await connectTdl(dir, ['-p', 'demo.yaml'], env);
});
afterAll(async () => {
  await mcp?.close();
  await Promise.all(sandboxes.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const structured = <T>(r: CallToolResult) => {
  expect(r.isError, r.isError ? textOf(r) : '').toBeFalsy();
  expect(sizeOf(r)).toBeLessThan(MAX_RESULT_BYTES);
  return r.structuredContent as T;
};

describe('tdl mcp on the demo', () => {
  let runId = '';
  let clusters: ClusterOut[] = [];

  it('runs the loop with a progress notification per phase and per suite, and returns the run', async () => {
    const progress: Progress[] = [];
    const r = structured<{
      runId: string;
      exitCode: number;
      exitMeaning: string;
      state: string;
      decision: { decision: string; reasons: string[] };
      phases: { id: string; state: string }[];
      clusters: number;
    }>(await callTool(mcp.client, 'run', {}, { progress }));
    runId = r.runId;
    expect(r.exitCode).toBe(1);
    expect(r.exitMeaning).toMatch(/^defer/);
    expect(r.decision.decision).toBe('defer');
    expect(r.decision.reasons[0]).toMatch(/^gates-passed fail/);
    expect(r.phases.map((p) => p.state)).toEqual(Array(7).fill('completed'));
    expect(r.clusters).toBeGreaterThan(0);

    const messages = progress.map((p) => p.message ?? '');
    expect(messages[0]).toBe(`run ${runId} started at phase deploy-status`);
    for (const id of ['deploy-status', 'run-tests', 'root-cause', 'publish']) {
      expect(messages.some((m) => m.startsWith(`phase ${id} started`))).toBe(true);
      expect(messages.some((m) => m.startsWith(`phase ${id} completed`))).toBe(true);
    }
    expect(messages.filter((m) => m.startsWith('suite mission-critical started')).length).toBeGreaterThan(0);
    expect(messages.some((m) => /^suite mission-critical did not pass: .*3 failed/.test(m))).toBe(true);
    // Progress only grows.
    const values = progress.map((p) => p.progress);
    expect(values).toEqual([...values].sort((x, y) => x - y));
    expect(new Set(values).size).toBe(values.length);
  }, 180_000);

  it('pages the failure clusters with their evidence chains, each page under the bound', async () => {
    const all = structured<{ clusters: ClusterOut[]; page: { total: number; nextOffset: number | null } }>(
      await callTool(mcp.client, 'failures', {}),
    );
    expect(all.page.total).toBeGreaterThan(1);
    // One cluster a page: paging walks them all, in the same order.
    const ids: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page: { runId: string; clusters: ClusterOut[]; page: { nextOffset: number | null } } = structured(
        await callTool(mcp.client, 'failures', { runId, offset, limit: 1 }),
      );
      expect(page.runId).toBe(runId);
      expect(page.clusters).toHaveLength(1);
      ids.push(page.clusters[0]!.id);
      offset = page.page.nextOffset;
    }
    expect(ids).toHaveLength(all.page.total);
    clusters = all.clusters;
    expect(ids.slice(0, clusters.length)).toEqual(clusters.map((c) => c.id));
    // The evidence chain as phase 3 builds it (later phases may add links of their own kinds).
    expect(clusters[0]!.evidence.map((e) => e.kind)).toEqual(
      expect.arrayContaining([
        'assertion',
        'frame',
        'last-change',
        'first-failed',
        'deployed-revision',
        'github-issue',
      ]),
    );
  }, 60_000);

  it('explains a cluster and a test: the failure, its project frames, its history and the open issue', async () => {
    const cluster = clusters[0]!;
    const first = structured<{
      subject: { kind: string };
      failure: { message: string; stack: string };
      frames: { file: string }[];
      history: { runId: string; outcome: string }[];
      issue: unknown;
    }>(await callTool(mcp.client, 'explain', { cluster: cluster.id }));
    expect(first.subject.kind).toBe('cluster');
    expect(first.failure.message).toContain('missing field');
    expect(first.frames[0]!.file).toMatch(/^test\/critical\//);
    expect(first.history[0]).toEqual(expect.objectContaining({ runId, outcome: 'clustered' }));
    // Phase 3 of the first run looked for an open issue before phase 6 filed it: none yet.
    expect(first.issue).toBeNull();

    // A second run (only tests and root cause) finds the issue the first one filed.
    const again = structured<{ runId: string }>(
      await callTool(mcp.client, 'run', { only: ['run-tests', 'root-cause'] }),
    );
    const t = cluster.tests[0]!;
    const byTest = structured<{
      runId: string;
      subject: { kind: string; id: string };
      cluster: { id: string };
      history: { runId: string; outcome: string }[];
      issue: { value: string; href: string | null };
    }>(await callTool(mcp.client, 'explain', { test: `${t.suiteId} › ${t.group} › ${t.name}` }));
    expect(byTest.runId).toBe(again.runId);
    expect(byTest.subject).toEqual({ kind: 'test', id: `${t.suiteId} › ${t.group} › ${t.name}` });
    expect(byTest.cluster.id).toBe(cluster.id);
    expect(byTest.history.map((h) => [h.runId, h.outcome])).toEqual([
      [again.runId, 'failed'],
      [runId, 'failed'],
    ]);
    expect(byTest.issue.value).toMatch(/^#\d+ /);
    expect(byTest.issue.href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);

    const unknown = await callTool(mcp.client, 'explain', { cluster: 'nope' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain('cluster: no cluster "nope"');
    expect(textOf(unknown)).toContain('hint: list the clusters with the `failures` tool');
  }, 120_000);

  it('answers status, audit (rule, base), worklogs and results like the CLI', async () => {
    const status = structured<{ exitCode: number; runId: null; services: { name: string }[] }>(
      await callTool(mcp.client, 'status', {}),
    );
    expect(status.runId).toBeNull();
    expect(status.exitCode).toBe(1); // demo-frontend is stale
    expect(status.services.map((s) => s.name).sort()).toEqual(['demo-auth', 'demo-backend', 'demo-frontend']);

    const audit = structured<{ violations: { ruleId: string }[]; page: { total: number } }>(
      await callTool(mcp.client, 'audit', { rule: 'legacy-logger', base: 'HEAD' }),
    );
    expect(audit.page.total).toBeGreaterThan(0);
    expect(new Set(audit.violations.map((v) => v.ruleId))).toEqual(new Set(['legacy-logger']));
    const badRule = await callTool(mcp.client, 'audit', { rule: 'no-such-rule' });
    expect(badRule.isError).toBe(true);
    expect(textOf(badRule)).toContain("--rule no-such-rule: no such rule in the playbook's audit section");
    expect(textOf(badRule)).toContain('hint: rules: one-execution-state');

    const worklogs = structured<{ runId: string; runs: { runId: string }[] }>(
      await callTool(mcp.client, 'worklogs', {}),
    );
    expect(worklogs.runs.map((r) => r.runId)).toContain(runId);
    expect(worklogs.runId).toBe(worklogs.runs[0]!.runId);

    // Each attempt wrote into its own folder, reports/<suite>/<attempt>-<token>/: the last one counts.
    const suiteDir = join(dir, '.tdl', 'runs', runId, 'reports', 'mission-critical');
    const last = readdirSync(suiteDir).sort((a, b) => Number.parseInt(b, 10) - Number.parseInt(a, 10))[0]!;
    const report = join(suiteDir, last, 'mission-critical.xml');
    const results = structured<{ exitCode: number; totals: { failed: number }; cases: unknown[] }>(
      await callTool(mcp.client, 'results', { files: [report] }),
    );
    expect(results.exitCode).toBe(1);
    expect(results.totals.failed).toBe(3);
    expect(results.cases).toHaveLength(8);
  }, 120_000);

  it("sends a run's outbox with publish: a dry run says what it would do, sending again files nothing new", async () => {
    const outboxRun = structured<{ runId: string; phases: { id: string; state: string; reason?: string }[] }>(
      await callTool(mcp.client, 'run', {
        publish: 'outbox',
        only: ['run-tests', 'root-cause', 'stability', 'publish'],
      }),
    );
    expect(outboxRun.phases.find((p) => p.id === 'publish')?.reason).toMatch(/outbox/);
    const planned = structured<{ runId: string; dryRun: boolean; planned: { action: string }[] }>(
      await callTool(mcp.client, 'publish', { runId: outboxRun.runId, dryRun: true }),
    );
    expect(planned.runId).toBe(outboxRun.runId);
    expect(planned.planned.length).toBeGreaterThan(0);
    const sent = structured<{ issues: { number: number; url: string }[] }>(
      await callTool(mcp.client, 'publish', { runId: outboxRun.runId }),
    );
    expect(sent.issues.length).toBeGreaterThan(0);
    const again = structured<{ issues: { number: number }[] }>(
      await callTool(mcp.client, 'publish', { runId: outboxRun.runId }),
    );
    expect(again.issues.map((i) => i.number).sort()).toEqual(sent.issues.map((i) => i.number).sort());
  }, 120_000);

  it('serves the latest worklog and the run record of a run id as resources', async () => {
    const { resources } = await mcp.client.listResources();
    expect(resources.map((r) => r.uri)).toContain('tdl://worklog/latest');
    expect(resources.map((r) => r.uri)).toContain(`tdl://runs/${runId}/record`);
    const worklog = (await mcp.client.readResource({ uri: 'tdl://worklog/latest' })).contents[0] as {
      text: string;
      mimeType: string;
    };
    expect(worklog.mimeType).toBe('text/markdown');
    expect(worklog.text).toContain('## Executive summary');
    const record = JSON.parse(
      ((await mcp.client.readResource({ uri: `tdl://runs/${runId}/record` })).contents[0] as { text: string })
        .text,
    ) as RunRecord;
    expect(record.runId).toBe(runId);
    expect(record.phases).toHaveLength(7);
    await expect(
      mcp.client.readResource({ uri: 'tdl://runs/tdl-20200101-000000-abcdef/record' }),
    ).rejects.toThrow(/no run tdl-20200101-000000-abcdef/);
  });
});
