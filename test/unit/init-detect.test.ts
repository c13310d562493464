import { describe, expect, it } from 'vitest';
import {
  detectSuites,
  githubRepoFromRemote,
  projectName,
  type RepoView,
} from '../../src/playbook/init/detect.js';
import { renderInitPlaybook } from '../../src/playbook/init/render.js';
import { scriptSegments, shellWords, splitOperators } from '../../src/playbook/init/script.js';
import { parsePlaybook } from '../../src/playbook/load.js';

function view(files: Record<string, string>): RepoView {
  return {
    exists: (p) => p in files || Object.keys(files).some((f) => f.startsWith(`${p}/`)),
    read: (p) => files[p],
    list: (dir) => {
      const prefix = dir === '.' ? '' : `${dir}/`;
      const names = Object.keys(files)
        .filter((f) => f.startsWith(prefix))
        .map((f) => f.slice(prefix.length).split('/')[0]!);
      return [...new Set(names)];
    },
  };
}
const pkg = (doc: object) => JSON.stringify(doc);

describe('reading a package.json script', () => {
  it('splits at shell operators outside quotes', () => {
    expect(splitOperators('node --test && npm run check:type:ts')).toEqual([
      'node --test',
      'npm run check:type:ts',
    ]);
    expect(splitOperators(`a "x && y" || b; c | d`)).toEqual(['a "x && y"', 'b', 'c', 'd']);
  });
  it('removes quotes, and says when a segment needs a shell', () => {
    expect(shellWords(`mocha "test/a b.js" --grep 'x y'`)).toEqual(['mocha', 'test/a b.js', '--grep', 'x y']);
    expect(shellWords('node --test dist/test/*.js')).toBeNull();
    expect(shellWords('jest $ARGS')).toBeNull();
    expect(shellWords(`mocha "test/**/*.js"`)).toEqual(['mocha', 'test/**/*.js']);
  });
  it('follows npm run, yarn and pnpm into the scripts they call, without looping', () => {
    const scripts = {
      test: 'npm run lint && npm run test:node',
      'test:node': 'mocha test.js',
      lint: 'xo',
      loop: 'npm run loop',
    };
    expect(scriptSegments(scripts).map((s) => [s.raw, s.via.join('>')])).toEqual([
      ['xo', 'test>lint'],
      ['mocha test.js', 'test>test:node'],
    ]);
    expect(scriptSegments(scripts, 'loop').map((s) => s.raw)).toEqual(['npm run loop']);
    expect(scriptSegments({ test: 'yarn unit', unit: 'jest' }).map((s) => s.raw)).toEqual(['jest']);
  });
});

describe('detectSuites', () => {
  it('node:test with && in the script: the test command alone, its own flags kept, TAP with spec on stdout', () => {
    const [s, ...rest] = detectSuites(
      view({
        'package.json': pkg({
          scripts: {
            test: 'node --test --test-timeout=5000 --test-reporter=dot tests/ && npm run check:type:ts',
          },
        }),
      }),
    );
    expect(rest).toEqual([]);
    expect(s!.command).toEqual([
      'node',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      '--test-reporter-destination={reportDir}/node-test.tap',
      '--test-timeout=5000',
      'tests/',
    ]);
    expect(s!.report).toEqual({ format: 'tap', path: '{reportDir}/node-test.tap' });
    expect(s!.shell).toBeUndefined();
    expect(s!.why.join('\n')).toContain('left out of the suite (not a test run): npm run check:type:ts');
  });

  it('node flags before --test stay before it; a glob makes the suite shell: true and says so', () => {
    const [s] = detectSuites(
      view({ 'package.json': pkg({ scripts: { test: 'node --enable-source-maps --test dist/test/*.js' } }) }),
    );
    expect(s!.command.slice(0, 3)).toEqual(['node', '--enable-source-maps', '--test']);
    expect(s!.command.at(-1)).toBe('dist/test/*.js');
    expect(s!.shell).toBe(true);
    expect(s!.why.join('\n')).toContain('shell: true because');
  });

  it('vitest: the JSON report with the console reporter kept, project flags kept, its own reporters replaced', () => {
    const [s] = detectSuites(
      view({
        'package.json': pkg({
          scripts: { test: 'vitest --reporter=dot --config vitest.unit.ts --coverage && size-limit' },
          devDependencies: { vitest: '^3' },
        }),
      }),
    );
    expect(s!.command).toEqual([
      'npx',
      'vitest',
      'run',
      '--config',
      'vitest.unit.ts',
      '--coverage',
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json={reportDir}/vitest.json',
    ]);
    expect(s!.report).toEqual({ format: 'vitest-json', path: '{reportDir}/vitest.json' });
  });

  it('vitest as a dependency behind a wrapper script (ts-scripts test) gets the default call', () => {
    const [s] = detectSuites(
      view({
        'package.json': pkg({
          scripts: { test: 'ts-scripts test && npm run size' },
          devDependencies: { vitest: '3' },
        }),
        'vitest.config.mts': '',
      }),
    );
    expect(s!.id).toBe('vitest');
    expect(s!.why[0]).toContain('config vitest.config.mts');
    expect(s!.why[0]).toContain('does not call it directly');
  });

  it('jest: flags kept, --json into the report folder; env in front of the runner goes to env', () => {
    const [s] = detectSuites(
      view({
        'package.json': pkg({
          scripts: { test: 'NODE_OPTIONS=--experimental-vm-modules jest --color=true --json' },
        }),
      }),
    );
    expect(s!.command).toEqual([
      'npx',
      'jest',
      '--ci',
      '--color=true',
      '--json',
      '--outputFile={reportDir}/jest.json',
    ]);
    expect(s!.env).toEqual({ NODE_OPTIONS: '--experimental-vm-modules' });
    expect(s!.report?.format).toBe('jest-json');
  });

  it('mocha through npm run, wrapped by c8: files and --require kept, the reporter replaced, the wrapper said', () => {
    const [s] = detectSuites(
      view({
        'package.json': pkg({
          scripts: {
            test: 'npm run test:node && npm run lint',
            'test:node': 'c8 --reporter=lcov mocha -R spec --require x test.js',
            lint: 'xo',
          },
        }),
      }),
    );
    expect(s!.command).toEqual([
      'npx',
      'mocha',
      '--require',
      'x',
      'test.js',
      '--reporter',
      'xunit',
      '--reporter-options',
      'output={reportDir}/mocha.xml',
    ]);
    expect(s!.why.join('\n')).toMatch(/via npm run test:node/);
    expect(s!.why.join('\n')).toMatch(/left out c8 --reporter=lcov/);
  });

  it('a workspaces monorepo: one suite per package with cwd, the root `npm test --workspaces` left out', () => {
    const suites = detectSuites(
      view({
        'package.json': pkg({
          workspaces: ['packages/*'],
          scripts: { test: 'npm test --workspaces --if-present' },
          devDependencies: { mocha: '1' },
        }),
        'packages/core/package.json': pkg({
          scripts: { test: 'npm run test:unit', 'test:unit': 'mocha tests/' },
        }),
        'packages/web/package.json': pkg({ scripts: { test: 'vitest run' } }),
        'packages/docs/package.json': pkg({ scripts: {} }),
      }),
    );
    expect(suites.map((s) => [s.id, s.cwd])).toEqual([
      ['core-mocha', 'packages/core'],
      ['web-vitest', 'packages/web'],
    ]);
  });

  it('pytest: config files, a src layout gets PYTHONPATH=src unless pytest sets pythonpath', () => {
    const [plain] = detectSuites(view({ 'setup.cfg': '[tool:pytest]\n', 'test_six.py': 'import pytest\n' }));
    expect(plain!.command).toEqual([
      'python3',
      '-m',
      'pytest',
      '--junitxml={reportDir}/pytest.xml',
      '-o',
      'junit_family=xunit2',
    ]);
    expect(plain!.env).toBeUndefined();
    const src = {
      'pyproject.toml': '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
      'src/pkg/__init__.py': '',
      'tests/test_a.py': 'def test_a(): pass\n',
    };
    expect(detectSuites(view(src))[0]!.env).toEqual({ PYTHONPATH: 'src' });
    const configured = { ...src, 'pyproject.toml': '[tool.pytest.ini_options]\npythonpath = ["src"]\n' };
    expect(detectSuites(view(configured))[0]!.env).toBeUndefined();
  });

  it('unittest-style tests with no pytest config: pytest when the machine has it, else unittest by exit code', () => {
    const files = {
      'tests/test_more.py': 'import unittest\nclass T(unittest.TestCase):\n  pass\n',
      'tests/__init__.py': '',
    };
    const [withPytest] = detectSuites(view(files), { pytest: true });
    expect(withPytest!.id).toBe('pytest');
    expect(withPytest!.why[0]).toContain('unittest-style tests');
    const [without] = detectSuites(view(files), { pytest: false });
    expect(without!.command).toEqual([
      'python3',
      '-m',
      'unittest',
      'discover',
      '-s',
      'tests',
      '-t',
      '.',
      '-v',
    ]);
    expect(without!.report).toBeUndefined();
    expect(without!.why.join(' ')).toContain('counts unknown');
  });

  it('go: -json into the report folder with stderr kept', () => {
    const [s] = detectSuites(view({ 'go.mod': 'module x\n' }));
    expect(s!.command).toEqual(['sh', '-c', 'go test -json ./... > "$TDL_REPORT_DIR/go-test.json" 2>&1']);
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

describe('projectName', () => {
  it.each([
    [{ 'package.json': '{"name":"@acme/api"}' }, '@acme/api'],
    [
      { 'pyproject.toml': '[build-system]\nx=1\n[project]\nversion = "1"\nname = "MarkupSafe"\n' },
      'MarkupSafe',
    ],
    [{ 'setup.cfg': '[metadata]\nname = six\n' }, 'six'],
    [{ 'go.mod': 'module github.com/google/uuid\n' }, 'uuid'],
    [{}, undefined],
  ])('%j -> %s', (files, name) => expect(projectName(view(files as Record<string, string>))).toBe(name));
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
  const baseBranch = { name: 'master', ref: 'master', from: 'origin/HEAD' };
  it('writes a playbook the schema accepts: $schema first, base branch, github section', () => {
    const suites = detectSuites(view({ 'package.json': '{"devDependencies":{"vitest":"1"}}', 'go.mod': '' }));
    const text = renderInitPlaybook({
      name: 'svc',
      suites,
      githubRepo: 'acme/svc',
      baseBranch,
      gcp: { project: 'p', region: 'us-central1', services: ['api'] },
      schemaRef: 'x.json',
    });
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=x.json');
    const pb = parsePlaybook(text, '/tmp/tdl.yaml');
    expect(pb.suites.map((s) => s.id)).toEqual(['vitest', 'go-test']);
    expect(pb.github?.repo).toBe('acme/svc');
    expect(pb.github?.baseBranch).toBe('master');
    expect(pb.decision.base).toBe('master');
    expect(pb.services[0]?.name).toBe('api');
  });
  it('without a schema copy writes no $schema line; cwd, env and shell come through', () => {
    const suites = detectSuites(
      view({
        'package.json': pkg({ workspaces: ['packages/*'] }),
        'packages/a/package.json': pkg({ scripts: { test: 'node --test dist/*.js' } }),
        'pyproject.toml': '[tool.pytest.ini_options]\n',
        'src/m/__init__.py': '',
      }),
    );
    const text = renderInitPlaybook({ name: 'x', suites, baseBranch, schemaRef: null });
    expect(text.split('\n').some((l) => l.startsWith('# yaml-language-server'))).toBe(false);
    const pb = parsePlaybook(text, '/tmp/tdl.yaml');
    expect(pb.suites.map((s) => [s.id, s.cwd, s.shell, s.env])).toEqual([
      ['a-node-test', 'packages/a', true, {}],
      ['pytest', undefined, false, { PYTHONPATH: 'src' }],
    ]);
  });
});

describe('a package with a pretest script', () => {
  it('runs it first through a shell, as npm test would, with the script words quoted for sh', () => {
    const [s] = detectSuites(
      view({
        'package.json': pkg({ scripts: { pretest: 'npm run build', test: 'mocha "tests/**/*.test.js"' } }),
      }),
    );
    expect(s!.shell).toBe(true);
    expect(s!.command).toEqual([
      'npm',
      'run',
      'pretest',
      '&&',
      'npx',
      'mocha',
      "'tests/**/*.test.js'",
      '--reporter',
      'xunit',
      '--reporter-options',
      'output={reportDir}/mocha.xml',
    ]);
  });
});

describe('node file.js where the file imports node:test (remark’s style)', () => {
  it('is a node:test suite without --test, found through a coverage wrapper and npm run', () => {
    const suites = detectSuites(
      view({
        'package.json': pkg({
          workspaces: ['packages/remark/'],
          scripts: {
            test: 'npm run build && npm run test-coverage',
            build: 'tsc --build',
            'test-coverage': 'c8 --100 --reporter lcov -- npm run test-api',
            'test-api': 'node --conditions development test.js',
          },
        }),
        'packages/remark/package.json': pkg({ name: 'remark', scripts: {} }),
        'test.js': "import test from 'node:test'\n",
      }),
    );
    expect(suites.map((s) => [s.id, s.cwd, s.command])).toEqual([
      [
        'node-test',
        undefined,
        [
          'node',
          '--conditions',
          'development',
          '--test-reporter=spec',
          '--test-reporter-destination=stdout',
          '--test-reporter=tap',
          '--test-reporter-destination={reportDir}/node-test.tap',
          'test.js',
        ],
      ],
    ]);
    expect(suites[0]!.why.join('\n')).toContain('left out of the suite (not a test run): npm run build');
  });
  it('a plain node script without node:test is not a test suite', () => {
    const [s] = detectSuites(
      view({ 'package.json': pkg({ scripts: { test: 'node check.js' } }), 'check.js': 'x()' }),
    );
    expect(s!.id).toBe('npm-test');
  });
});
