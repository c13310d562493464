/** Phase 3 on a real repository: clusters, evidence from git blame and history, an analyzer command. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import { phaseData } from '../../src/phase-data/index.js';
import { nodeSuite, type TempProject, tdl, tempProject } from './helpers.js';

// Three tests fail on the same missing field in the same checker (with different ids and times in
// the message); one fails with the same kind of message from another place.
const TESTS = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkShape } from '../../src/shape.js';
const now = () => new Date().toISOString();
test('event a', () => checkShape({ id: 'evt_' + 101 }, now()));
test('event b', () => checkShape({ id: 'evt_' + 202 }, now()));
test('event c', () => checkShape({ id: 'evt_' + 303 }, now()));
test('elsewhere', () => assert.ok(false, 'missing field "tool_name" in event evt_404 with ' + process.env.RC_SECRET));
test('fine', () => assert.ok(true));
`;
const SHAPE = `import assert from 'node:assert/strict';
export function checkShape(event, at) {
  assert.ok('tool_name' in event, \`missing field "tool_name" in event \${event.id} at \${at}\`);
}
`;
// An analyzer that reads the cluster from stdin and answers in markdown.
const ANALYZER = `let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const c = JSON.parse(input);
  require('node:fs').writeFileSync('analyzer-input-' + c.id + '.json', input);
  console.log('**Likely cause** for ' + c.tests.length + ' test(s) at ' + c.location + ' (run ' + process.env.TDL_RUN_ID + ')');
});
`;

const SECRET = 'rc-secret-value-31415';
let project: TempProject;
let first: RunRecord;
let second: RunRecord;

beforeAll(async () => {
  project = await tempProject({
    '.gitignore': '.tdl/\nworklogs/\n',
    'package.json': '{ "type": "module" }\n',
    'tdl.yaml': `name: root-cause-it\nsuites:\n${nodeSuite('unit', 1, 'test/unit/')}analyzer:\n  command: [node, scripts/analyze.cjs]\n  timeout: 30s\nredact:\n  env: [RC_SECRET]\n`,
    'src/shape.js': SHAPE,
    'test/unit/shape.test.js': TESTS,
    'scripts/analyze.cjs': ANALYZER,
  });
  await execa(
    'git',
    [
      '-c',
      'user.email=ann@example.com',
      '-c',
      'user.name=Ann',
      'commit',
      '-q',
      '--amend',
      '--reset-author',
      '-m',
      'add the shape checker',
    ],
    {
      cwd: project.dir,
    },
  );
  const env = { RC_SECRET: SECRET };
  first = JSON.parse(String((await tdl(project.dir, ['run', '--json'], env)).stdout)) as RunRecord;
  second = JSON.parse(String((await tdl(project.dir, ['run', '--json'], env)).stdout)) as RunRecord;
}, 90_000);
afterAll(() => project.cleanup());

const clustersOf = (r: RunRecord) => phaseData(r, 'root-cause')!.clusters;

describe('phase 3 root-cause', () => {
  it('clusters the same failure in the same place together, and the other place apart', () => {
    const clusters = clustersOf(first);
    expect(clusters).toHaveLength(2);
    expect(clusters[0]!.tests.map((t) => t.name)).toEqual(['event a', 'event b', 'event c']);
    expect(clusters[0]!.location).toBe('src/shape.js:3');
    expect(clusters[1]!.tests.map((t) => t.name)).toEqual(['elsewhere']);
    expect(clusters[1]!.location).toBe('test/unit/shape.test.js:8');
  });

  it('keeps cluster ids across runs (fingerprints)', () => {
    expect(clustersOf(second).map((c) => c.id)).toEqual(clustersOf(first).map((c) => c.id));
  });

  it('builds the evidence chain with sources, and says unknown where it cannot know', () => {
    const chain = clustersOf(second)[0]!.evidence!;
    const link = (kind: string) => chain.find((l) => l.kind === kind)!;
    expect(link('frame').value).toBe('src/shape.js:3');
    expect(link('last-change').value).toMatch(
      /^[0-9a-f]{12} \d{4}-\d{2}-\d{2}T[\d:.]+Z "add the shape checker" by Ann$/,
    );
    expect(link('last-change').source).toBe('git blame -L 3,3 -- src/shape.js');
    expect(link('first-failed').value).toBe(`run ${first.runId} (${first.startedAt})`);
    expect(link('deployed-revision')).toMatchObject({
      value: null,
      unknownBecause: 'no services in the playbook',
    });
    expect(link('github-issue')).toMatchObject({
      value: null,
      unknownBecause: 'no github section in the playbook',
    });
  });

  it('runs the analyzer with the cluster on stdin and puts its markdown in the worklog, marked', () => {
    const c = clustersOf(second)[0]!;
    expect(c.analysis?.exitCode).toBe(0);
    expect(c.analysis?.markdown).toBe(
      `**Likely cause** for 3 test(s) at src/shape.js:3 (run ${second.runId})`,
    );
    const md = readFileSync(second.worklog!.markdown, 'utf8');
    expect(md).toContain('**Analysis produced by `node scripts/analyze.cjs`** (exit 0;');
    expect(md).toContain(`> **Likely cause** for 3 test(s) at src/shape.js:3 (run ${second.runId})`);
    expect(md).toContain('| 3 | Last commit touching it |');
  });

  it('hands the analyzer redacted text only (it is another program)', () => {
    const other = clustersOf(second)[1]!;
    const input = readFileSync(join(project.dir, `analyzer-input-${other.id}.json`), 'utf8');
    expect(input).toContain('with [REDACTED]');
    expect(input).not.toContain(SECRET);
  });
});
