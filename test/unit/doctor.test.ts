import { describe, expect, it } from 'vitest';
import { checkNodeVersion, findExecutable, renderChecklist } from '../../src/pipeline/doctor.js';

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
