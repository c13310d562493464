import { describe, expect, it } from 'vitest';
import { checkNodeVersion, findExecutable, renderChecklist } from '../../src/pipeline/doctor.js';
import { fixFor, probeFor } from '../../src/pipeline/doctor-suites.js';

describe('doctor checks', () => {
  it.each([
    ['20.19.0', true],
    ['20.18.3', false],
    ['22.0.0', true],
    ['18.20.0', false],
  ])('Node %s ok=%s', (v, ok) => {
    expect(checkNodeVersion(v).ok).toBe(ok);
  });

  it('finds executables on PATH and by path', () => {
    expect(findExecutable('node', '/', process.env.PATH)).toBeTruthy();
    expect(findExecutable('tdl-surely-missing-command', '/', process.env.PATH)).toBeNull();
    expect(findExecutable(process.execPath, '/tmp')).toBe(process.execPath);
  });

  it('renders ✓/✗ lines with the fix under a failure', () => {
    expect(
      renderChecklist([
        { name: 'a', ok: true, detail: 'fine' },
        { name: 'b', ok: false, detail: 'missing', fix: 'install b' },
      ]),
    ).toBe('✓ a: fine\n✗ b: missing\n    fix: install b');
  });
});

describe('doctor: the probe of a suite runner looks through sh -c, npx and python3 -m', () => {
  it.each([
    [
      ['sh', '-c', 'go test -json ./... > "$TDL_REPORT_DIR/go.json" 2>&1'],
      false,
      'go',
      'path',
      ['go', 'version'],
    ],
    [['npx', 'vitest', 'run', '--reporter=json'], false, 'vitest', 'node-bin', ['vitest', '--version']],
    [['npx', '--no-install', 'tsx', 'x.ts'], false, 'tsx', 'node-bin', null],
    [
      ['python3', '-m', 'pytest', '--junitxml=x'],
      false,
      'pytest',
      'python-module',
      ['python3', '-m', 'pytest', '--version'],
    ],
    [['node', '--test'], false, 'node', 'path', ['node', '--version']],
    [
      ['npm', 'run', 'pretest', '&&', 'npx', 'mocha', "'t/**/*.js'"],
      true,
      'mocha',
      'node-bin',
      ['mocha', '--version'],
    ],
    [['bash', '-c', 'cd api && CI=1 go test ./...'], false, 'go', 'path', ['go', 'version']],
    [['make', 'test'], false, 'make', 'path', null],
  ] as const)('%j (shell %s) → %s', (command, shell, program, kind, argv) => {
    const probe = probeFor(command, shell);
    expect([probe.program, probe.kind, probe.argv]).toEqual([program, kind, argv]);
  });

  it('a Python module other than pytest is probed by importing it', () => {
    const probe = probeFor(['python3', '-m', 'unittest', 'discover'], false);
    expect(probe.argv?.slice(0, 2)).toEqual(['python3', '-c']);
    expect(probe.argv?.[2]).toContain('find_spec("unittest")');
  });

  it('names the fix for each kind of missing runner', () => {
    expect(fixFor(probeFor(['sh', '-c', 'go test ./...'], false))).toContain('install Go');
    expect(fixFor(probeFor(['python3', '-m', 'pytest'], false))).toContain('install pytest');
    expect(fixFor(probeFor(['npx', 'jest'], false))).toContain('run npm install');
    expect(fixFor(probeFor(['replace-with-your-test-command'], false))).toContain('placeholder');
  });
});
