import { describe, expect, it } from 'vitest';
import {
  exceptionType,
  frameKey,
  messageHead,
  normalizeMessage,
  signatureOf,
  topProjectFrame,
} from '../../src/phases/3-root-cause/signature.js';

const REPO = '/home/dev/service';

describe('normalizeMessage', () => {
  it.each([
    ['numbers', 'expected 3 items, got 7', 'expected <n> items, got <n>'],
    ['uuids', 'session 3f2b8c1e-9a7d-4c1e-8f00-1234567890ab expired', 'session <uuid> expired'],
    ['iso timestamps', 'token expired at 2026-11-25T10:51:52.123Z', 'token expired at <time>'],
    ['clock times', 'deadline 10:51:52 passed', 'deadline <time> passed'],
    ['hex', 'object 0xdeadbeef at commit 9f3a2c7e1b', 'object <hex> at commit <hex>'],
    ['ids with digits', 'user42 not found in req_8f3a', '<id> not found in <id>'],
    ['temp paths', 'cannot open /tmp/tdl-it-AbC123/report.xml: ENOENT', 'cannot open <tmp>: ENOENT'],
    ['quoted values', 'missing field "tool_name" in \'x\'', 'missing field <str> in <str>'],
    ['XML entities left by a report', 'missing field &quot;tool_name&quot;', 'missing field <str>'],
    ['only the first line', 'boom\n  at somewhere', 'boom'],
  ])('masks %s', (_what, input, expected) => {
    expect(normalizeMessage(input)).toBe(expected);
  });
});

describe('exceptionType', () => {
  it.each([
    [
      'a node test-runner cause',
      '[Error [ERR_TEST_FAILURE]: x] {\n  cause: AssertionError [ERR_ASSERTION]: x',
      'AssertionError',
    ],
    ['a plain JS stack', 'TypeError: cannot read x\n    at f (a.js:1:1)', 'TypeError'],
    ['a python error', 'E   KeyError: user', 'KeyError'],
    ['nothing', 'it broke', null],
  ])('reads %s', (_what, stack, expected) => {
    expect(exceptionType(stack, undefined)).toBe(expected);
  });
});

describe('topProjectFrame', () => {
  const stack = [
    'AssertionError: x',
    '    at Object.<anonymous> (/home/dev/service/node_modules/lib/index.js:3:9)',
    '    at assertShape (file:///home/dev/service/test/events.test.js:22:12)',
    '    at Test.run (node:internal/test_runner/test:796:25)',
  ].join('\n');
  it('skips dependencies and node internals, and makes the path relative', () => {
    expect(topProjectFrame(stack, REPO)).toEqual({
      file: 'test/events.test.js',
      line: 22,
      fn: 'assertShape',
    });
  });
  it('reads python frames', () => {
    const py =
      'Traceback:\n  File "/usr/lib/python3/x.py", line 3, in g\n  File "/home/dev/service/app/api.py", line 41, in handler';
    expect(topProjectFrame(py, REPO)).toEqual({ file: 'app/api.py', line: 41, fn: 'handler' });
  });
  it('has no frame outside the repository', () => {
    expect(topProjectFrame('    at f (/elsewhere/a.js:1:1)', REPO)).toBeNull();
  });
  it('keys anonymous frames by line and named frames by function', () => {
    expect(frameKey({ file: 'a.js', line: 3, fn: null })).toBe('a.js:3');
    expect(frameKey({ file: 'a.js', line: 3, fn: 'check' })).toBe('a.js#check');
  });
});

describe('signatureOf', () => {
  const at = (file: string, line: number) =>
    `AssertionError: x\n    at check (${REPO}/${file}:${line}:5)\n    at run (${REPO}/test/t.js:9:1)`;
  it('is the same for the same failure with different ids, times and temp paths', () => {
    const a = signatureOf(
      'order 1234 for user7 failed at 2026-01-01T00:00:00Z in /tmp/x1/a.json',
      at('src/orders.js', 10),
      REPO,
    );
    const b = signatureOf(
      'order 98 for user12 failed at 2026-11-25T10:51:52Z in /tmp/zz9/b.json',
      at('src/orders.js', 10),
      REPO,
    );
    expect(a.text).toBe(b.text);
  });
  it('differs for the same message from two code locations', () => {
    const a = signatureOf('order 1 failed', `AssertionError: x\n    at ${REPO}/src/orders.js:10:5`, REPO);
    const b = signatureOf('order 1 failed', `AssertionError: x\n    at ${REPO}/src/billing.js:10:5`, REPO);
    expect(a.text).not.toBe(b.text);
  });
});

// node:test's JUnit message attribute loses the newlines the stack keeps.
const GLUED = `missing field "duration" in tool_completed event+ actual - expected+ 'undefined'- 'number'`;
const NODE_STACK = `[Error [ERR_TEST_FAILURE]: missing field "duration" in tool_completed event
+ actual - expected

+ 'undefined'
- 'number'] {
  code: 'ERR_TEST_FAILURE',`;

describe('messageHead', () => {
  it.each([
    [
      'a glued message, cut where the stack has its newline',
      GLUED,
      NODE_STACK,
      'missing field "duration" in tool_completed event',
    ],
    [
      'AssertionError prefix in the stack',
      'boom+ a',
      'AssertionError [ERR_ASSERTION]: boom\n+ a\n    at x (a.js:1:1)',
      'boom',
    ],
    ['a message whose newline survived', 'line one\nline two', 'Error: line one\nline two', 'line one'],
    [
      'a one-line message with a shorter stack line that does not continue it',
      'expected 200, got 503',
      'Error: expected 200\n    at f (a.js:1:1)',
      'expected 200, got 503',
    ],
    ['no stack', GLUED, null, GLUED],
    ['entities decoded', 'say &quot;hi&quot;', undefined, 'say "hi"'],
  ])('%s', (_what, message, stack, head) => {
    expect(messageHead(message, stack)).toBe(head);
  });

  it('clusters and fingerprints by that first line', () => {
    const a = signatureOf(messageHead(GLUED, NODE_STACK), NODE_STACK, REPO);
    expect(a.normalized).toBe('missing field <str> in tool_completed event');
  });
});
