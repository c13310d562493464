import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/pipeline/record.js';
import { type TempProject, tdl, tempProject } from './helpers.js';

const projects: TempProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});

const KINDS: Record<string, Record<string, string>> = {
  'node:test': {
    'package.json': '{"scripts":{"test":"node --test test/"}}',
    'test/a.test.js': "require('node:test')('ok', () => {});\n",
  },
  vitest: {
    'package.json': '{"devDependencies":{"vitest":"^3.2.0"}}',
    'vitest.config.ts': 'export default {};\n',
  },
  pytest: {
    'pyproject.toml': '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    'tests/test_a.py': 'def test_a():\n    assert True\n',
  },
  go: { 'go.mod': 'module example.com/x\n\ngo 1.22\n', 'x_test.go': 'package x\n' },
};

describe('tdl init', () => {
  it.each(Object.keys(KINDS))(
    'writes a playbook for a %s repository that passes `tdl run --dry-run`',
    async (kind) => {
      const p = await tempProject(KINDS[kind]!);
      projects.push(p);
      await execa('git', ['remote', 'add', 'origin', 'git@github.com:acme/widget.git'], { cwd: p.dir });
      const init = await tdl(p.dir, ['init', '--json']);
      expect(init.exitCode).toBe(0);
      const result = JSON.parse(String(init.stdout));
      expect(result.suites.length).toBe(1);
      expect(result.githubRepo).toBe('acme/widget');
      const text = readFileSync(join(p.dir, 'tdl.yaml'), 'utf8');
      expect(text.startsWith('# yaml-language-server: $schema=')).toBe(true);
      expect(readFileSync(join(p.dir, '.gitignore'), 'utf8')).toContain('.tdl/');

      const dry = await tdl(p.dir, ['run', '--dry-run', '--json']);
      expect(dry.exitCode).toBe(0);
      const record = JSON.parse(String(dry.stdout)) as RunRecord;
      expect(record.phases.find((x) => x.id === 'run-tests')!.reason).toBe(
        'dry run: would run 1 suite(s) in 1 tier(s)',
      );
    },
  );

  it('refuses to overwrite without --force, and never guesses a cloud project', async () => {
    const p = await tempProject(KINDS['node:test']!);
    projects.push(p);
    expect((await tdl(p.dir, ['init'])).exitCode).toBe(0);
    const again = await tdl(p.dir, ['init']);
    expect(again.exitCode).toBe(2);
    expect(String(again.stderr)).toContain('tdl.yaml already exists; pass --force to overwrite it');
    expect(readFileSync(join(p.dir, 'tdl.yaml'), 'utf8')).not.toContain('gcp:');
    const partial = await tdl(p.dir, ['init', '--force', '--gcp-project', 'p']);
    expect(partial.exitCode).toBe(2);
    const full = await tdl(p.dir, [
      'init',
      '--force',
      '--gcp-project',
      'p',
      '--region',
      'europe-west1',
      '--service',
      'api',
      '--service',
      'web',
    ]);
    expect(full.exitCode).toBe(0);
    const text = readFileSync(join(p.dir, 'tdl.yaml'), 'utf8');
    expect(text).toContain('gcp: { project: p, region: europe-west1 }');
    expect(text.match(/- name: /g)).toHaveLength(2);
    expect(readFileSync(join(p.dir, '.gitignore'), 'utf8').match(/\.tdl\//g)).toHaveLength(1);
  });
});
