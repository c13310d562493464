import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILING_TEST, nodeSuite, PASSING_TEST, type TempProject, tdl, tempProject } from './helpers.js';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({
    'tdl.yaml': `name: schema-check\nsuites:\n${nodeSuite('unit', 1, 'test/unit/')}${nodeSuite('later', 2, 'test/later/')}gates:\n  - { afterTier: 1, minPassRate: 0.9 }\n`,
    'test/unit/a.test.js': FAILING_TEST,
    'test/later/b.test.js': PASSING_TEST,
  });
});
afterAll(() => project.cleanup());

describe('tdl schema --run-record', () => {
  it('describes what `tdl run --json` prints, and rejects a record with a wrong field', async () => {
    const schema = await tdl(project.dir, ['schema', '--run-record']);
    expect(schema.exitCode).toBe(0);
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(String(schema.stdout)));

    const run = await tdl(project.dir, ['run', '--json']);
    expect(run.exitCode).toBe(1);
    const record = JSON.parse(String(run.stdout));
    expect(validate(record), JSON.stringify(validate.errors)).toBe(true);

    const dry = await tdl(project.dir, ['run', '--dry-run', '--json']);
    expect(validate(JSON.parse(String(dry.stdout))), JSON.stringify(validate.errors)).toBe(true);

    // The schema is not a rubber stamp: a wrong state or a missing run id fails it.
    expect(validate({ ...record, state: 'finished' })).toBe(false);
    const { runId: _dropped, ...withoutId } = record;
    expect(validate(withoutId)).toBe(false);
    // ... and so does a phase's data that is not its phase's: the schema knows each phase's data by id.
    const tests = record.phases.find((p: { id: string }) => p.id === 'run-tests');
    expect(validate({ ...record, phases: [{ ...tests, data: { ...tests.data, counts: 3 } }] })).toBe(false);
    expect(validate({ ...record, phases: [{ ...tests, id: 'publish' }] })).toBe(false);
  }, 60_000);

  it('is what resume checks: a record with a wrong field is refused with the key named, exit 2', async () => {
    const run = await tdl(project.dir, ['run', '--json', '--only', 'select-tests']);
    const record = JSON.parse(String(run.stdout));
    const file = join(record.runDir, 'record.json');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...stored, phases: [{ ...stored.phases[0], state: 'done' }] }));
    const resumed = await tdl(project.dir, ['resume', record.runId]);
    expect(resumed.exitCode).toBe(2);
    expect(String(resumed.stderr)).toMatch(/record\.json: not a valid run record: phases\.0\.state: /);
    expect(String(resumed.stderr)).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("checks each phase's data too: a wrong key deep in phase 1's data is refused by its path, exit 2", async () => {
    const run = await tdl(project.dir, ['run', '--json', '--only', 'select-tests']);
    const record = JSON.parse(String(run.stdout));
    const file = join(record.runDir, 'record.json');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    const select = stored.phases[1];
    expect(select.id).toBe('select-tests');
    select.data.selected[0].tier = 'one';
    writeFileSync(file, JSON.stringify(stored));
    const resumed = await tdl(project.dir, ['resume', record.runId]);
    expect(resumed.exitCode).toBe(2);
    const lines = String(resumed.stderr).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /record\.json: not a valid run record: phases\.1\.data\.selected\.0\.tier: Invalid input: expected number, received string/,
    );
  }, 60_000);
});
