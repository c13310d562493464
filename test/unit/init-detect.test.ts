import { describe, expect, it } from 'vitest';
import { detectSuites, githubRepoFromRemote, type RepoView } from '../../src/playbook/init/detect.js';
import { renderInitPlaybook } from '../../src/playbook/init/render.js';
import { parsePlaybook } from '../../src/playbook/load.js';

function view(files: Record<string, string>): RepoView {
  return { exists: (p) => p in files, read: (p) => files[p] };
}

describe('detectSuites', () => {
  it.each([
    [
      'vitest',
      { 'package.json': '{"devDependencies":{"vitest":"^3"}}', 'vitest.config.ts': '' },
      'vitest',
      '--reporter=junit',
    ],
    ['jest', { 'package.json': '{"scripts":{"test":"jest"}}' }, 'jest', '--json'],
    ['mocha', { 'package.json': '{"devDependencies":{"mocha":"^10"}}' }, 'mocha', 'xunit'],
    [
      'node:test',
      { 'package.json': '{"scripts":{"test":"node --test test/"}}' },
      'node-test',
      '--test-reporter=junit',
    ],
    [
      'pytest (pyproject)',
      { 'pyproject.toml': '[tool.pytest.ini_options]\n' },
      'pytest',
      '--junitxml={reportDir}/pytest.xml',
    ],
    ['pytest (conftest)', { 'conftest.py': '' }, 'pytest', '--junitxml={reportDir}/pytest.xml'],
    ['go', { 'go.mod': 'module x\n' }, 'go-test', 'go test -json ./... > "$TDL_REPORT_DIR/go-test.json"'],
  ])('finds %s with reporter flags that write a report', (_name, files, id, flag) => {
    const [suite] = detectSuites(view(files));
    expect(suite?.id).toBe(id);
    expect(suite!.command.join(' ')).toContain(flag);
  });

  it('keeps node:test arguments after --test', () => {
    const [s] = detectSuites(view({ 'package.json': '{"scripts":{"test":"node --test test/unit/"}}' }));
    expect(s!.command.slice(-1)).toEqual(['test/unit/']);
  });

  it('falls back to npm test without a report, and finds nothing in an empty repo', () => {
    expect(detectSuites(view({ 'package.json': '{"scripts":{"test":"make check"}}' }))[0]).toMatchObject({
      id: 'npm-test',
      command: ['npm', 'test'],
    });
    expect(
      detectSuites(
        view({ 'package.json': '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}' }),
      ),
    ).toEqual([]);
    expect(detectSuites(view({}))).toEqual([]);
  });
});

describe('githubRepoFromRemote', () => {
  it.each([
    ['https://github.com/acme/api.git', 'acme/api'],
    ['git@github.com:acme/api.git', 'acme/api'],
    ['ssh://git@github.com/acme/my.repo', 'acme/my.repo'],
    ['https://gitlab.com/acme/api.git', undefined],
  ])('%s -> %s', (url, repo) => expect(githubRepoFromRemote(url)).toBe(repo));
});

describe('renderInitPlaybook', () => {
  it('writes a playbook that the schema accepts, with a $schema modeline first', () => {
    const suites = detectSuites(view({ 'package.json': '{"devDependencies":{"vitest":"1"}}', 'go.mod': '' }));
    const text = renderInitPlaybook({
      name: 'svc',
      suites,
      githubRepo: 'acme/svc',
      gcp: { project: 'p', region: 'us-central1', services: ['api'] },
      schemaRef: 'x.json',
    });
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=x.json');
    const pb = parsePlaybook(text, '/tmp/tdl.yaml');
    expect(pb.suites.map((s) => s.id)).toEqual(['vitest', 'go-test']);
    expect(pb.github?.repo).toBe('acme/svc');
    expect(pb.services[0]?.name).toBe('api');
  });
});
