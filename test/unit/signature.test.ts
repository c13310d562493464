import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  exceptionType,
  frameKey,
  functionKey,
  MASKS,
  messageHead,
  normalizeMessage,
  signatureOf,
  testScope,
  topProjectFrame,
  wrongValue,
} from '../../src/clustering/signature.js';

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
    expect(a.normalized).toBe('missing field <str> in <id> event');
  });
});

describe('signature version 2: one cause, one cluster', () => {
  it.each([
    ['a repeated exception type', 'AssertionError: AssertionError: boom', 'boom'],
    ['mixed exception types', 'TypeError: Error: boom', 'boom'],
    [
      'a dotted python exception',
      'itsdangerous.exc.BadSignature: Signature does not match',
      'Signature does not match',
    ],
    ['argument words', 'missing field "x" in tool_completed event', 'missing field <str> in <id> event'],
    ['options', 'unknown option --dry-run for command', 'unknown option <opt> for command'],
    ['vitest operands', 'expected [ 1, 2 ] to deeply equal [ 1 ]', 'expected <v> to deeply equal <v>'],
    [
      'vitest operands with a comment',
      "expected 'a' to be 'b' // Object.is equality",
      'expected <v> to be <v> // Object.is equality',
    ],
    [
      'Go arguments and maps',
      '(Host route) Vars not equal: expected map[a:b], got map[]',
      '(…) Vars not equal: expected map[…], got map[…]',
    ],
    ['node:test timeouts', 'test timed out after 3000ms', 'timed out'],
    ['jest timeouts', 'Exceeded timeout of 5000 ms for a test.', 'timed out'],
    ['mocha timeouts', 'Timeout of 2000ms exceeded. For async tests…', 'timed out'],
  ])('masks %s', (_what, input, expected) => {
    expect(normalizeMessage(input)).toBe(expected);
  });

  it.each([
    [
      'vitest JUnit',
      'AssertionError: expected 4 to be 3\n ❯ parseURL src/parse.ts:52:37\n ❯ test/parse.test.ts:12:20',
      { file: 'src/parse.ts', line: 52, fn: 'parseURL' },
    ],
    [
      'vitest JUnit without a function',
      'AssertionError: x\n ❯ test/parse.test.ts:12:20',
      { file: 'test/parse.test.ts', line: 12, fn: null },
    ],
    [
      'jest, runner frames dropped',
      `Error: x\n    at Object.toEqual (${REPO}/node_modules/jest-circus/build/utils.js:1:1)\n    at Command.alias (${REPO}/lib/command.js:2251:13)`,
      { file: 'lib/command.js', line: 2251, fn: 'alias' },
    ],
    [
      'mocha',
      `AssertionError [ERR_ASSERTION]: x\n    at Context.<anonymous> (test/test.js:40:14)\n    at process.processImmediate (node:internal/timers:476:21)`,
      { file: 'test/test.js', line: 40, fn: null },
    ],
    [
      'pytest (outermost first: the innermost project frame wins)',
      'tests/test_a.py:10: in test_sign\n    s.sign(x)\nsrc/pkg/signer.py:256: in unsign\n    raise BadSignature\nE   pkg.BadSignature: no',
      { file: 'src/pkg/signer.py', line: 256, fn: 'unsign' },
    ],
    [
      'a python traceback inside a virtualenv in the repository',
      `Traceback:\n  File "${REPO}/app/api.py", line 41, in handler\n  File "${REPO}/.venv/lib/python3.11/site-packages/x.py", line 3, in g`,
      { file: 'app/api.py', line: 41, fn: 'handler' },
    ],
    [
      'a Go panic',
      `panic: boom\n\ngoroutine 7 [running]:\ntesting.tRunner.func1()\n\t/usr/lib/go/src/testing/testing.go:1396 +0x1c\ngithub.com/gorilla/mux.extractVars(...)\n\t${REPO}/regexp.go:411 +0x2a`,
      { file: 'regexp.go', line: 411, fn: 'extractVars' },
    ],
    [
      'Go test output',
      '    mux_test.go:1882: (x) Vars not equal',
      { file: 'mux_test.go', line: 1882, fn: null },
    ],
    ['node internals only', 'Error: x\n    at node:internal/process/task_queues:95:5', null],
  ])('reads the frames of %s', (_what, stack, frame) => {
    expect(topProjectFrame(stack, REPO)).toEqual(frame);
  });

  it('keys a function the same way wherever it is seen', () => {
    expect(functionKey('Command.alias')).toBe('alias');
    expect(functionKey('async Command.alias')).toBe('alias');
    expect(functionKey('Object.<anonymous>')).toBeNull();
    expect(functionKey('github.com/gorilla/mux.(*Route).Match')).toBe('Match');
    const named = signatureOf(
      'boom',
      `Error: boom\n    at Command.alias (${REPO}/lib/command.js:2251:13)`,
      REPO,
    );
    const anonymous = signatureOf(
      'boom',
      `Error: boom\n    at ${REPO}/lib/command.js:2251:13`,
      REPO,
      '',
      new Map([['lib/command.js:2251', 'alias']]),
    );
    expect(anonymous.text).toBe(named.text);
  });

  it('keys an anonymous test-file frame by the test scope, not its line', () => {
    const at = (line: number) => `AssertionError: expected 1 to be 2\n ❯ test/parse.test.ts:${line}:3`;
    const a = signatureOf('expected 1 to be 2', at(12), REPO, 'parseURL');
    const b = signatureOf('expected 5 to be 7', at(40), REPO, 'parseURL');
    const c = signatureOf('expected 5 to be 7', at(40), REPO, 'withQuery');
    expect(a.text).toBe(b.text);
    expect(c.text).not.toBe(a.text);
  });

  it.each([
    ['describe blocks', 'test/a.test.ts', 'math > adds > small', 'math'],
    ['a mocha describe path', 'mimeTypes .lookup(path)', 'returns false', 'mimeTypes .lookup(path)'],
    ['a pytest class', 'tests.test_x.TestSigner', 'test_sign', 'TestSigner'],
    ['a Go subtest', 'github.com/gorilla/mux', 'TestPath/with_vars', 'TestPath'],
    ['a top-level test in a file', 'test/a.test.ts', 'adds', ''],
  ])('the scope of %s', (_what, group, name, scope) => {
    expect(testScope(group, name)).toBe(scope);
  });
});

describe('signature version 3: a wrong value names its cause', () => {
  it('keys a jest frame named after its matcher like an anonymous one (`toBe` as `Object.toBe`)', () => {
    const head = 'Error: expect(received).toBe(expected) // Object.is equality';
    const inLoop = `${head}\n    at toBe (${REPO}/test/manipulate.test.js:20:44)\n    at Array.forEach (<anonymous>)`;
    const direct = `${head}\n    at Object.toBe (${REPO}/test/manipulate.test.js:49:47)`;
    expect(topProjectFrame(inLoop, REPO)).toEqual({ file: 'test/manipulate.test.js', line: 20, fn: null });
    expect(signatureOf(head, inLoop, REPO, 'add').text).toBe(signatureOf(head, direct, REPO, 'add').text);
  });

  it.each([
    ['jest', 'Expected: "2026-12-01T11:07:39"\nReceived: "2026-12-1T11:7:39"', { edit: 'missing "0"' }],
    ['vitest', 'Expected: "http://j.mp/"\nReceived: "http://j.mp"', { edit: 'missing "/"' }],
    [
      'chai',
      "AssertionError: expected 'foo/?k=/' to be 'foo/?k=' // Object.is equality",
      { edit: 'extra "/"' },
    ],
    [
      'node:assert',
      "Expected values to be strictly equal:\n+ actual - expected\n\n+ false\n- 'text/html'",
      { nothing: 'false' },
    ],
    [
      "node:assert's short form",
      "Expected values to be strictly equal:\n\nfalse !== 'html'\n",
      { nothing: 'false' },
    ],
    [
      "node:test's inspected error",
      '[Error [ERR_TEST_FAILURE]: Expected values to be strictly equal:\n+ actual - expected\n\n+ undefined\n- true] {\n  code: 1',
      { nothing: 'undefined' },
    ],
    ['an empty string', "AssertionError: expected '' to be '/foo' // Object.is equality", { nothing: "''" }],
    ['undefined', 'Expected: true\nReceived: undefined', { nothing: 'undefined' }],
    ['pytest', "E       AssertionError: assert None == 'abc'", { nothing: 'None' }],
  ])('reads how a %s value is wrong', (_what, text, wrong) => {
    expect(wrongValue(text)).toEqual(wrong);
  });

  it.each([
    ['a letter more or less (a word changed)', 'Expected: "/foo"\nReceived: "/fo"'],
    ['two different characters', 'Expected: "a/b?x=1&y=2"\nReceived: "a/b?x=1"'],
    ['a boolean for a boolean', 'Expected: true\nReceived: false'],
    ['a case change', "+ actual - expected\n\n+ 'utf-8'\n- 'UTF-8'"],
    ['a truncated value', "AssertionError: expected 'http://a.b…' to be 'http://a.b…'"],
    ['a multi-line diff', "+ actual - expected\n\n+ 'a'\n- 'b'\n+ 'c'"],
    ['no values', 'TypeError: x is not a function'],
    ['a huge report line', `expected ${'a to be '.repeat(200_000)}`],
  ])('says nothing of %s', (_what, text) => {
    expect(wrongValue(text)).toBeNull();
  });

  it('keys one wrong edit the same in every test file, and a missing value per test file', () => {
    const pad = (file: string, want: string, got: string) =>
      signatureOf(
        'expect(received).toBe(expected)',
        `Error: expect(received).toBe(expected)\n\nExpected: "${want}"\nReceived: "${got}"\n    at Object.toBe (${REPO}/${file}:3:4)`,
        REPO,
        'scope',
      ).text;
    expect(pad('test/display.test.js', '2026-12-01', '2026-12-1')).toBe(
      pad('test/plugin/duration.test.js', '07', '7'),
    );
    expect(pad('test/display.test.js', '07', '7')).not.toBe(pad('test/display.test.js', 'a/b', 'ab'));
    const nothing = (file: string, scope: string) =>
      signatureOf(
        'Expected values to be strictly equal:',
        `AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n+ actual - expected\n\n+ false\n- 'text/html'\n    at Context.<anonymous> (${REPO}/${file}:143:14)`,
        REPO,
        scope,
      ).text;
    expect(nothing('test/test.js', 'mimeTypes .lookup(extension)')).toBe(
      nothing('test/test.js', 'mimeTypes .lookup(path)'),
    );
    expect(nothing('test/test.js', 'x')).not.toBe(nothing('test/other.js', 'x'));
  });

  it('keeps the library frame when the stack has one: a wrong value is keyed only in test code', () => {
    const stack = `Error: x\n\nExpected: "07"\nReceived: "7"\n    at pad (${REPO}/src/utils.js:5:3)\n    at Object.toBe (${REPO}/test/a.test.js:3:4)`;
    expect(signatureOf('x', stack, REPO).text).toMatch(/\| src\/utils\.js#pad$/);
  });
});

describe('normalizeMessage: the cheap pre-tests of its masks', () => {
  // Each mask runs only when its pre-test holds; a pre-test false on a text its pattern matches would
  // leave that shape unmasked. Texts: the lines of the real reports in test/fixtures, and random
  // strings over the characters and words the patterns look for.
  const texts: string[] = [];
  for (const dir of ['test/fixtures/reports', 'test/fixtures/clusters']) {
    for (const file of readdirSync(dir, { recursive: true }) as string[]) {
      const path = join(dir, file);
      if (!statSync(path).isFile()) continue;
      const lines = readFileSync(path, 'utf8').split('\n');
      for (let i = 0; i < lines.length; i++) texts.push(lines[i]!, lines.slice(i, i + 2).join('\n'));
    }
  }
  const alphabet = 'aZ09f7_-:./\\()[]{}"\'` \t\n&;<>xX';
  const words = [
    'expected ',
    ' to be ',
    '/tmp/',
    '/var/folders/',
    'C:\\Temp\\',
    '0x1f',
    '2026-01-02T03:04:05Z',
    '3f2b8c1e-9a7d-4c1e-8f00-1234567890ab',
  ];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let k = 0; k < 20000; k++) {
    let text = '';
    const length = 1 + Math.floor(random() * 40);
    for (let j = 0; j < length; j++)
      text +=
        random() < 0.15
          ? words[Math.floor(random() * words.length)]!
          : alphabet[Math.floor(random() * alphabet.length)]!;
    texts.push(text);
  }

  it('hold on every text their pattern matches (each pattern matched somewhere)', () => {
    for (const [pattern, , may] of MASKS) {
      const re = new RegExp(pattern.source, pattern.flags.replace('g', ''));
      const matched = texts.filter((t) => re.test(t));
      expect(matched.length, String(pattern)).toBeGreaterThan(0);
      const missed = matched.filter((t) => !may(t));
      expect(
        missed.slice(0, 3).map((t) => t.slice(0, 120)),
        `${pattern}: ${missed.length} text(s) skipped`,
      ).toEqual([]);
    }
  });
});
