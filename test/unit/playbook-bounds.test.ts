/** Bad playbooks are exit 2 at their true position, never a stack: syntax, aliases, duplicates, bounds. */
import { describe, expect, it } from 'vitest';
import { PlaybookError } from '../../src/core/errors.js';
import { parsePlaybook } from '../../src/playbook/load.js';

function problem(text: string): string {
  try {
    parsePlaybook(text, '/tmp/pb/tdl.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(PlaybookError);
    return (error as Error).message;
  }
  throw new Error('expected a playbook error');
}

const ok = 'name: x\nsuites:\n  - id: a\n    command: [node]\n';

describe('playbook bounds', () => {
  it('a YAML syntax error is reported at its true line and column', () => {
    expect(problem('name: x\nsuites:\n  - id: a\n    command: [node\n')).toMatch(
      /tdl\.yaml:[45]:\d+: invalid YAML/,
    );
    expect(problem('name: x\nsuites: []\n  bad: indentation\n')).toMatch(/tdl\.yaml:3:\d+: invalid YAML/);
  });
  it('an unknown alias is reported at the alias', () => {
    expect(problem('name: x\nsuites: *missing\n')).toMatch(/tdl\.yaml:2:9: unknown alias \*missing/);
  });
  it('a billion laughs stops at the alias limit, exit 2', () => {
    const lol = ['a: &a [x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      lol.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`,
      );
    }
    expect(problem(`${lol.join('\n')}\nname: x\nsuites: []\n`)).toMatch(
      /tdl\.yaml:\d+:\d+: alias expands too far/,
    );
  });
  // One pass (a Set per mapping): its time is measured at 100k keys by the fuzz under `npm run bench`.
  it('duplicate keys are all found, the first 50 listed then a count', () => {
    const msg = problem(`name: x\nsuites: []\nmeta:\n${'  k: 1\n'.repeat(5_000)}`);
    expect(msg).toMatch(/tdl\.yaml:5:3: duplicate key "k"/);
    expect(msg.split('\n')).toHaveLength(51);
    expect(msg).toMatch(/…and 4949 more problem\(s\)/);
  });
  it('deep nesting is a located error, not a stack overflow', () => {
    expect(problem(`name: x\nsuites: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`)).toMatch(
      /tdl\.yaml:2:\d+: nesting deeper than 64 levels/,
    );
    // Block nesting in few characters (`- - - 1`), below and above what the parser can follow.
    expect(problem(`name: x\nsuites:\n${'- '.repeat(100)}1\n`)).toMatch(
      /tdl\.yaml:3:\d+: nesting deeper than 64 levels/,
    );
    expect(problem(`name: x\nsuites:\n${'- '.repeat(50_000)}1\n`)).toMatch(
      /tdl\.yaml:3:\d+: nesting too deep/,
    );
  });
  it('a list or mapping as a key is refused at the key (it would be stringified, exponentially)', () => {
    expect(problem(`name: x\nsuites: []\nmeta:\n  ? [a, b]\n  : 1\n`)).toMatch(
      /tdl\.yaml:4:5: expected a plain key/,
    );
    expect(problem(`name: x\nsuites: []\nmeta:\n${'? '.repeat(100)}1\n`)).toMatch(
      /tdl\.yaml:4:3: expected a plain key/,
    );
  });
  it('more than 20,000 values or 500 suites are refused, where the bound is crossed', () => {
    expect(problem(`name: x\nsuites: []\nmeta:\n${'  k: 1\n'.repeat(100_000)}`)).toMatch(
      /tdl\.yaml:20000:7: a playbook may hold at most 20000 values \(lines and list items\)$/,
    );
    expect(problem(`name: x\nsuites: []\nmeta: [${'a,'.repeat(500_000)}]\n`)).toMatch(
      /tdl\.yaml:3:40003: a playbook may hold at most 20000 values/,
    );
    const suites = Array.from({ length: 501 }, (_, i) => `  - { id: s${i}, command: [node] }`).join('\n');
    expect(problem(`name: x\nsuites:\n${suites}\n`)).toMatch(
      /tdl\.yaml:3:3: suites: expected at most 500, got a list/,
    );
  });
  it('a file over 1 MiB is refused before parsing', () => {
    expect(problem(`name: "${'x'.repeat(2 * 1024 * 1024)}"\nsuites: []\n`)).toMatch(
      /tdl\.yaml:1:1: the file has \d+ characters; a playbook may have at most 1048576/,
    );
  });
  it('timeouts are between 1 s and 24 h; empty commands and NUL are rejected at load', () => {
    expect(problem(ok.replace('[node]', '[node]\n    timeout: 600h'))).toMatch(/timeout between 1s and 24h/);
    expect(problem(ok.replace('[node]', '[node]\n    timeout: 0s'))).toMatch(/timeout between 1s and 24h/);
    expect(problem(ok.replace('[node]', '[""]'))).toMatch(/empty string/);
    expect(problem(ok.replace('[node]', '[node]\n    env: { "A\\0B": x }'))).toMatch(
      /tdl\.yaml:5:\d+: suites\[0\]\.env/,
    );
    expect(() =>
      parsePlaybook(ok.replace('[node]', '[node]\n    timeout: 24h'), '/tmp/pb/tdl.yaml'),
    ).not.toThrow();
  });
});
