/** `tdl mcp` over stdio through the SDK's client: schemas, bad input, the run lock, cancel and resume. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHASE_IDS, type RunRecord } from '../../src/core/record.js';
import { MAX_RESULT_BYTES } from '../../src/mcp/bound.js';
import { jsonSchemaOf, runInput, runOutput } from '../../src/mcp/schemas.js';
import { alive, nodeSuite, PASSING_TEST, type TempProject, tempProject } from './helpers.js';
import { callTool, connectTdl, type McpSession, sizeOf, textOf } from './mcp-client.js';

// Tier 2 waits while the file `slow` exists: the tests stop or cancel the run while it waits.
const SLOW_TEST = `import { test } from 'node:test';
import { existsSync } from 'node:fs';
test('waits while slow exists', async () => {
  while (existsSync(new URL('../../slow', import.meta.url))) await new Promise((r) => setTimeout(r, 50));
});
`;

let project: TempProject;
let a: McpSession;
let b: McpSession;
beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': `name: mcp-it
suites:
${nodeSuite('quick', 1, 'test/quick/')}
${nodeSuite('slow', 2, 'test/slow/')}
`,
    'test/quick/q.test.js': PASSING_TEST,
    'test/slow/s.test.js': SLOW_TEST,
  });
  [a, b] = await Promise.all([connectTdl(project.dir), connectTdl(project.dir)]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  project.cleanup();
});

/** Waits until `check` holds (the test's timeout bounds the wait; nothing is guessed). */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 25));
}

const runIdIn = (progress: Progress[]) =>
  progress.map((p) => /^run (tdl-\S+) started/.exec(p.message ?? '')?.[1]).find(Boolean);

describe('tdl mcp', () => {
  it('lists every tool with input and output JSON Schemas generated from the zod schemas', async () => {
    const { tools } = await a.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['audit', 'explain', 'failures', 'publish', 'results', 'resume', 'run', 'status', 'worklogs'].sort(),
    );
    for (const t of tools) {
      expect(t.inputSchema.type, t.name).toBe('object');
      expect(t.outputSchema?.type, t.name).toBe('object');
      expect(t.outputSchema?.required, t.name).toEqual(
        expect.arrayContaining(['runId', 'exitCode', 'exitMeaning', 'summary']),
      );
      expect(t.description, t.name).toBeTruthy();
    }
    const run = tools.find((t) => t.name === 'run')!;
    expect(run.inputSchema).toEqual(jsonSchemaOf(runInput, 'input'));
    expect(run.outputSchema).toEqual(jsonSchemaOf(runOutput, 'output'));
    // The phases come from the run record's own list, the publish targets from its options schema.
    const props = run.inputSchema.properties as Record<
      string,
      { items?: { enum?: string[] }; enum?: string[] }
    >;
    expect(props.only?.items?.enum).toEqual([...PHASE_IDS]);
    expect(props.publish?.enum).toEqual(['github', 'outbox', 'none', 'auto']);
    expect(run.inputSchema.additionalProperties).toBe(false);
  });

  it('reports a bad input as a tool error against the field, exit 2, never a stack', async () => {
    const bad = await callTool(a.client, 'run', { only: ['nope'], fast: true });
    expect(bad.isError).toBe(true);
    const text = textOf(bad);
    expect(text).toMatch(/^tdl: run: only\[0\]: .*"run-tests"/);
    expect(text).toContain('fast: not an input of run');
    expect(text).toContain('exit 2: usage');
    expect(text).not.toMatch(/\n\s+at /);

    const both = await callTool(a.client, 'explain', { cluster: 'x', test: 'y' });
    expect(textOf(both)).toContain('cluster: give exactly one of cluster or test');
    const noTool = await callTool(a.client, 'deploy', {});
    expect(textOf(noTool)).toMatch(/^tdl: no tool "deploy"; the tools are run, resume, /);
    const notId = await callTool(a.client, 'resume', { runId: 'yesterday' });
    expect(textOf(notId)).toContain('runId: expected a run id');

    // A usage error found by the run itself (an unknown focus) comes back the same way, with its hint.
    const focus = await callTool(a.client, 'run', { focus: 'nope' });
    expect(focus.isError).toBe(true);
    expect(textOf(focus)).toMatch(/^tdl: .*nope/);
    expect(textOf(focus)).toContain('exit 2');
    expect(textOf(focus)).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('passes every result through the redaction point: a token in a report never leaves', async () => {
    const token = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
    const cases = Array.from(
      { length: 30 },
      (_, i) =>
        `<testcase classname="c" name="t${i}" time="0.01"><failure message="auth failed with ${token}"/></testcase>`,
    );
    const file = project.write(
      'report.xml',
      `<?xml version="1.0"?><testsuites><testsuite name="s" tests="30" failures="30">${cases.join('')}</testsuite></testsuites>`,
    );
    const r = await callTool(a.client, 'results', { files: [file], limit: 20 });
    expect(JSON.stringify(r)).not.toContain(token);
    expect(JSON.stringify(r)).toContain('[REDACTED]');
    expect(r.structuredContent).toMatchObject({
      runId: null,
      exitCode: 1,
      totals: { failed: 30 },
      page: { offset: 0, count: 20, total: 30, nextOffset: 20 },
    });
  });

  it('refuses a second run while one holds the lock, naming the holder', async () => {
    project.write('slow', 'remove me to let the slow suite finish\n');
    const progress: Progress[] = [];
    const first = callTool(a.client, 'run', {}, { progress });
    await until(() => progress.some((p) => p.message?.startsWith('suite slow started')));
    const holder = runIdIn(progress)!;
    // A second agent session (another server process) on the same repository.
    const second = await callTool(b.client, 'run', {});
    expect(second.isError).toBe(true);
    expect(textOf(second)).toContain(`another tdl run holds`);
    expect(textOf(second)).toContain(`run ${holder} (pid`);
    expect(textOf(second)).toContain('exit 2');
    expect(textOf(second)).toMatch(/^hint: .*`wait: true`/m);
    rmSync(`${project.dir}/slow`);
    const done = await first;
    expect(done.isError).toBeFalsy();
    expect(done.structuredContent).toMatchObject({ runId: holder, exitCode: 0, state: 'completed' });
    expect(sizeOf(done)).toBeLessThan(MAX_RESULT_BYTES);
  }, 120_000);

  it('a cancelled run ends as interrupted (exit 130) and resume continues it to the end', async () => {
    project.write('slow', 'remove me to let the slow suite finish\n');
    const progress: Progress[] = [];
    const controller = new AbortController();
    const call = callTool(a.client, 'run', {}, { progress, signal: controller.signal });
    await until(() => progress.some((p) => p.message?.startsWith('suite slow started')));
    const runId = runIdIn(progress)!;
    controller.abort();
    await expect(call).rejects.toThrow();

    // The run writes its record as Ctrl-C leaves it; the record is a resource.
    const uri = `tdl://runs/${runId}/record`;
    const read = async () =>
      JSON.parse(((await a.client.readResource({ uri })).contents[0] as { text: string }).text) as RunRecord;
    await until(async () => (await read()).state !== 'running');
    const cancelled = await read();
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.exitCode).toBe(130);
    expect(cancelled.phases.find((p) => p.id === 'run-tests')!.state).toBe('cancelled');
    expect(cancelled.phases.find((p) => p.id === 'select-tests')!.state).toBe('completed');

    rmSync(`${project.dir}/slow`);
    const resumedProgress: Progress[] = [];
    // No `wait`: the server lets the cancelled call finish (record written, lock released) first.
    const resumed = await callTool(a.client, 'resume', { runId }, { progress: resumedProgress });
    expect(resumed.isError).toBeFalsy();
    expect(resumed.structuredContent).toMatchObject({
      runId,
      state: 'completed',
      exitCode: 0,
      exitMeaning: 'proceed / all green',
    });
    expect(resumedProgress[0]?.message).toBe(`run ${runId} started at phase run-tests`);
    const after = await read();
    expect(after.phases.find((p) => p.id === 'select-tests')!.startedAt).toBe(
      cancelled.phases.find((p) => p.id === 'select-tests')!.startedAt,
    );
    expect(after.worklog!.markdown).toBe(cancelled.worklog!.markdown);
  }, 120_000);

  it('when the client goes away mid-run, the run is interrupted and written, and the lock released', async () => {
    project.write('slow', 'remove me to let the slow suite finish\n');
    const c = await connectTdl(project.dir);
    const progress: Progress[] = [];
    const call = callTool(c.client, 'run', {}, { progress }).catch((e: unknown) => e);
    await until(() => progress.some((p) => p.message?.startsWith('suite slow started')));
    const runId = runIdIn(progress)!;
    // What a client does when it quits (the SDK's client ends stdin, then sends SIGTERM). Sent here
    // directly, so that no client-side deadline escalates to SIGKILL while the run is being written.
    process.kill(c.pid, 'SIGTERM');
    await until(() => !alive(c.pid));
    await call;
    await c.close();
    const record = JSON.parse(
      readFileSync(join(project.dir, '.tdl', 'runs', runId, 'record.json'), 'utf8'),
    ) as RunRecord;
    expect(record.state).toBe('cancelled');
    expect(record.exitCode).toBe(130);
    expect(existsSync(join(project.dir, '.tdl', 'lock.json'))).toBe(false);
    rmSync(join(project.dir, 'slow'));
  }, 120_000);
});
