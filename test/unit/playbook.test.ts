import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PlaybookError } from '../../src/core/errors.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { playbookJsonSchema } from '../../src/playbook/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'tdl-playbook-'));
mkdirSync(join(dir, '.git'));
const file = join(dir, 'playbooks', 'p.yaml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = `name: x
suites:
  - id: unit
    command: [node, --test]
`;

function problems(text: string) {
  try {
    parsePlaybook(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(PlaybookError);
    return (error as PlaybookError).problems;
  }
  throw new Error('expected a PlaybookError');
}

describe('parsePlaybook', () => {
  it('fills defaults in one place and resolves paths', () => {
    const pb = parsePlaybook(minimal, file);
    expect(pb.suites[0]).toMatchObject({
      tier: 1,
      retries: 0,
      timeout: 600_000,
      shell: false,
      categories: [],
    });
    expect(pb.repoDir).toBe(dir);
    expect(pb.worklogDir).toBe(join(dir, 'worklogs'));
    expect(pb.decision.require).toContain('gates-passed');
    expect(pb.concurrency).toBe(1);
  });

  it('parses durations to milliseconds', () => {
    const pb = parsePlaybook(`${minimal}    timeout: 90s\n`, file);
    expect(pb.suites[0]!.timeout).toBe(90_000);
  });

  it('names line, column, key path and what was expected', () => {
    const [p] = problems(`${minimal}    timeout: 5 minutes\n`);
    expect(p).toMatchObject({ line: 5, column: 14, path: 'suites[0].timeout' });
    expect(p!.message).toContain('expected a duration like "90s"');
  });

  it('reports unknown keys at the key, with its name', () => {
    const [p] = problems(`${minimal}    retires: 2\n`);
    expect(p).toMatchObject({ line: 5, column: 5, path: 'suites[0].retires' });
    expect(p!.message).toBe('unknown key "retires"');
  });

  it('reports every problem at once', () => {
    const list = problems(`name: 3\nsuites:\n  - id: Bad Id\n    command: []\n`);
    expect(list.map((p) => p.path).sort()).toEqual(['name', 'suites[0].command', 'suites[0].id']);
    expect(list.find((p) => p.path === 'name')!.message).toBe('expected string, got 3');
  });

  it('lists the valid values of an enum', () => {
    const [p] = problems(`${minimal}    report: { format: xml, path: r.xml }\n`);
    expect(p!.message).toContain('expected one of "auto", "junit"');
  });

  it('rejects gates for tiers no suite has, and duplicate suite ids', () => {
    const list = problems(
      `${minimal}  - id: unit\n    command: [x]\ngates:\n  - { afterTier: 2, minPassRate: 0.8 }\n`,
    );
    expect(list.map((p) => p.message).join('\n')).toMatch(
      /duplicate suite id "unit"[\s\S]*no suite has tier 2/,
    );
  });

  it('rejects services without a gcp section, located at the services list', () => {
    const [p] = problems(`${minimal}services:\n  - name: api\n`);
    expect(p!.path).toBe('services');
    expect(p!.message).toBe('services need a gcp section: gcp: { project: <project>, region: <region> }');
    expect(p!.line).toBe(6); // the list under `services:`
  });

  it('reports YAML syntax errors with their position', () => {
    const [p] = problems('name: [unclosed\n');
    expect(p!.message).toMatch(/^invalid YAML/);
    expect(p!.line).toBeGreaterThanOrEqual(1);
  });

  it('formats the error as one line per problem', () => {
    try {
      parsePlaybook(`${minimal}    timeout: soon\n`, file);
    } catch (error) {
      expect((error as Error).message).toMatch(/p\.yaml:5:14: suites\[0\]\.timeout: expected a duration/);
      expect((error as Error).message.split('\n')).toHaveLength(1);
    }
  });
});

describe('playbookJsonSchema', () => {
  it('is derived from the zod schema and describes the input side', () => {
    const schema = playbookJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'suites']));
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['suites', 'gates', 'services', 'audit', 'github']),
    );
    expect(JSON.stringify(schema)).toContain('"pattern"');
  });
});
