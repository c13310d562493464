/**
 * Failure signatures: what makes two failures "the same". Pure functions. A signature is the
 * exception type, the message with its variable parts masked, and the top stack frame inside the
 * repository under test (or, for a wrong value asserted in a test, how the value is wrong). Two
 * failures with equal signatures are one cluster.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version of the signature rule. Bump it whenever a change can group the same failures
 * differently: records keep it, and publishing maps issues filed under an older version to the new
 * clusters through their test ids instead of filing them again. 1: up to tdl 0.1.0. 3: a wrong value
 * asserted in a test is keyed by how it is wrong (`wrongValue`), and jest's matcher-named test-file
 * frames (`at toBe (test/x.test.js:3:4)`) are anonymous like `Object.toBe`. 4: failures asserted at
 * one line of a test file, in one scope (for pytest, one test function), are one cluster
 * (`assertionSite`). 5: failing tests that broke across the same regression range, when the code
 * changed there is one hunk, are one cluster (`singleChange`, src/history/regression.ts).
 */
export const SIGNATURE_VERSION = 5;

/** A stack frame in the repository under test, path relative to the repository. */
export interface ProjectFrame {
  file: string;
  line: number;
  /** The function name when the stack gives a useful one (not `<anonymous>`). */
  fn: string | null;
}

const has = (...parts: string[]): ((text: string) => boolean) => {
  if (parts.length === 1) {
    const part = parts[0]!;
    return (text) => text.includes(part);
  }
  return (text) => {
    for (const part of parts) if (text.includes(part)) return true;
    return false;
  };
};
const DIGIT = /\d/;
const digits = (text: string): boolean => DIGIT.test(text);
const ARG_BREAK = /[\s<:]/;
/** `: word` can only end the text at the last `: ` (any earlier one has a space after it). */
const argAtEnd = (text: string): boolean => {
  const at = text.lastIndexOf(': ');
  return at > 0 && at + 2 < text.length && !ARG_BREAK.test(text.slice(at + 2));
};
/** Seven hex characters in a row (letters of either case; a few control characters count too). */
const hexRun = (text: string): boolean => {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) {
      run += 1;
      if (run >= 7) return true;
    } else run = 0;
  }
  return false;
};

/**
 * The masks of a failure message, in order: wider shapes (timestamps, uuids, paths) are masked before
 * the numbers inside them. The third element is a cheap test that holds whenever the pattern can
 * match (a literal every match contains): most messages skip most patterns, which keeps grouping
 * 50,000 log entries cheap. test/unit/signature.test.ts checks each test against its pattern.
 */
export const MASKS: readonly (readonly [RegExp, string, (text: string) => boolean])[] = [
  // ISO-8601 and similar timestamps, with optional time zone.
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g, '<time>', has('-')],
  [/\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g, '<time>', has(':')],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>', has('-')],
  // Temporary paths (POSIX and Windows) up to the next space or quote.
  [
    /(?:\/(?:tmp|var\/folders|private\/var\/folders|var\/tmp)\/|[A-Za-z]:\\(?:Users\\[^\\\s]+\\AppData\\Local\\)?Temp\\)[^\s'"`)]*?(?=[:,;.]?(?:\s|$|['"`)]))/g,
    '<tmp>',
    has('/tmp/', '/var/', ':\\'),
  ],
  // Quoted values: "x", 'x', `x`.
  [/"(?:[^"\\]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '<str>', has('"', "'", '`')],
  // The operands of chai/vitest assertions: `expected [ 1, 2 ] to deeply equal [ 1 ]`.
  [
    /\bexpected .+? to ((?:not )?(?:be|equal|deeply equal|strictly equal|eql|have|include|contain|match|throw|satisfy)\b[\w ]*?) .+?(?=$| \/\/ )/g,
    'expected <v> to $1 <v>',
    has('expected '),
  ],
  // Object and array literals printed in messages (Go's map[a:b], Python's {'a': 1}).
  [/\{[^{}\n]*\}/g, '{…}', has('{')],
  // (`[REDACTED]` and other all-caps markers are kept: they are the redactor's, not values.)
  [/\[(?![A-Z_]+\])[^[\]\n]*\]/g, '[…]', has('[')],
  // Parenthesized arguments: Go's `t.Errorf("(%s) ...", name)`, Python tuples, `(reading 'x')`.
  [/\([^()\n]*\)/g, '(…)', has('(')],
  // Argument words: snake_case and dotted names (`tool_completed`, `a.b.c`), command-line options.
  [/(?<![\w<])[A-Za-z]+(?:_[A-Za-z0-9]+)+\b/g, '<id>', has('_')],
  [/(?<![\w-])--?[A-Za-z][\w-]*/g, '<opt>', has('-')],
  // One bare word after a colon at the end: the argument of `unknown encoding: strict`.
  [/(?<=\w): [^\s<:]+$/, ': <arg>', argAtEnd],
  [/\b0x[0-9a-f]+\b/gi, '<hex>', has('0x', '0X')],
  // Hex runs of 7+ characters with at least one digit (commit shas, object ids, hashes).
  [/\b(?=[0-9a-f]*\d)[0-9a-f]{7,}\b/gi, '<hex>', hexRun],
  // Identifiers with digits glued to letters (`user42`, `req_8f3a`): ids.
  [/\b[A-Za-z]+[_-]?\d+[A-Za-z0-9_-]*\b/g, '<id>', digits],
  [/-?\b\d+(?:\.\d+)?\b/g, '<n>', digits],
];

/** Whitespace other than a lone space: a run of two, or a tab, newline or other space character. */
const SPACE_RUN = /[^\S ]| {2}/;

const ENTITIES: Record<string, string> = { quot: '"', apos: "'", amp: '&', lt: '<', gt: '>' };

/** Decodes the five XML entities (some report writers leave them in messages). */
export function decodeEntities(text: string): string {
  return text.replace(/&(quot|apos|amp|lt|gt);/g, (_m, name: string) => ENTITIES[name]!);
}

/** A stack line without its error prefix: `[Error [ERR_X]: `, `AssertionError [ERR_ASSERTION]: `, `Error: `. */
const ERROR_PREFIX = /^\[?(?:[\w.$]*(?:Error|Exception)\w*)?(?: \[[A-Z0-9_]+\])?\]?:\s+/;

/**
 * The first line of a failure message. Some reports lose the newlines of a message (node:test's
 * JUnit writes `event\n+ actual - expected` as `event+ actual - expected`); the stack keeps them. So
 * when a stack line is a proper start of the message and the next stack line continues it exactly,
 * the line ends there.
 */
export function messageHead(message: string | undefined, stack?: string | null): string {
  const head = decodeEntities(message ?? '')
    .split('\n')[0]!
    .trim();
  if (!stack || !head) return head;
  const lines = decodeEntities(stack)
    .split('\n')
    .slice(0, 40)
    .map((l) => l.trim());
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.replace(ERROR_PREFIX, '');
    if (!text || text.length >= head.length || !head.startsWith(text)) continue;
    const next = lines.slice(i + 1).find(Boolean);
    if (next && head.slice(text.length).startsWith(next)) return text;
  }
  return head;
}

/**
 * How runners say a test ran out of time (node:test, jest, mocha, vitest, go, pytest-timeout). With no
 * stack to tell them apart, a run's timeouts are one failure: "timed out".
 */
const TIMEOUT =
  /^(?:test timed out after \d+ ?ms|Promise resolution is still pending but the event loop has already resolved|Exceeded timeout of \d+ ?ms for a (?:test|hook).*|Timeout of \d+ ?ms exceeded.*|Test timed out in \d+ ?ms.*|panic: test timed out after .*|Failed: Timeout >.*)$/i;

/** Leading exception types, repeated or mixed (`AssertionError: AssertionError: `, `TypeError: Error: `). */
const TYPE_PREFIX =
  /^(?:\[?(?:(?:[A-Za-z_$][\w.$]*)?(?:Error|Exception|Failure)\w*|(?:[a-z_][\w]*\.)+[A-Z]\w*)(?: \[[A-Z0-9_]+\])?\]?:\s*)+/;

/** A message line without the exception type(s) it starts with (the type is kept apart). */
export function stripTypePrefix(line: string): string {
  const stripped = line.replace(TYPE_PREFIX, '');
  return stripped || line;
}

/**
 * The first line of a message, its exception type prefix removed, with numbers, ids, hex, timestamps,
 * temp paths, quoted values, literals, assertion operands and argument words masked.
 */
export function normalizeMessage(message: string): string {
  const decoded = message.includes('&') ? decodeEntities(message) : message;
  const newline = decoded.indexOf('\n');
  let line = (newline < 0 ? decoded : decoded.slice(0, newline)).trim();
  // pytest wraps an error raised by a fixture: `failed on setup with "LookupError: x"`.
  if (line.startsWith('failed on ')) line = line.replace(/^failed on (?:setup|teardown) with "(.*)"$/, '$1');
  let text = stripTypePrefix(line);
  if (TIMEOUT.test(text)) return 'timed out';
  for (const [pattern, mask, may] of MASKS) if (may(text)) text = text.replace(pattern, mask);
  // Whitespace runs become one space (nothing to do when every whitespace is already a lone space).
  if (SPACE_RUN.test(text)) text = text.replace(/\s+/g, ' ');
  return text.slice(0, 300);
}

/** The exception type named by a stack or message (`AssertionError`, `TypeError`, `KeyError`), or null. */
export function exceptionType(stack: string | undefined, message: string | undefined): string | null {
  const text = decodeEntities(`${stack ?? ''}\n${message ?? ''}`);
  // Node's test runner wraps the real error: prefer the cause.
  const cause = /cause:\s*([A-Z][A-Za-z0-9_]*(?:Error|Exception))\b/.exec(text);
  if (cause) return cause[1]!;
  // pytest: the `E   KeyError: x` lines name the raised types; a chained exception's last one is raised.
  const python = [
    ...text.matchAll(
      /^E\s+((?:[a-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Warning|Exit|Interrupt)|(?:[a-z_]\w*\.)+[A-Z]\w*):/gm,
    ),
  ].at(-1);
  if (python) return python[1]!.split('.').pop()!;
  const named =
    /(?:^|\n|\s|\[)((?:[A-Z][A-Za-z0-9_.]*)?(?:Error|Exception|Failure))(?:\s*\[[A-Z_]+\])?:/.exec(text);
  if (named) return named[1]!.split('.').pop()!;
  if (/^panic: /m.test(text)) return 'panic';
  return null;
}

interface RawFrame {
  path: string;
  line: number;
  fn: string | null;
}

/** A function name as it is keyed: without `async`/`new`, receivers (`Object.`, `Command.`) and Go packages. */
export function functionKey(fn: string | null): string | null {
  if (!fn) return null;
  const name = fn
    .replace(/^(?:async|new)\s+/, '')
    .replace(/\s*\[as [^\]]+\]$/, '')
    .replace(/\((?:\.\.\.|[^()]*)\)$/, '')
    .split('.')
    .filter(Boolean)
    .pop();
  if (!name || /^<?anonymous>?$|^<module>$|^Context$|^func\d+$/.test(name)) return null;
  return name;
}

type FrameShape = [RegExp, (m: RegExpExecArray, previous: string) => RawFrame, 'python'?];

/** The stack line shapes of the runners tdl reads, tried in order on each trimmed line. */
const FRAME_SHAPES: readonly FrameShape[] = [
  // JavaScript (jest, mocha, node:test): `at fn (file:line:col)` or `at file:line:col`.
  [
    /^at (?:(?:async )?(.+?) \()?(.+?):(\d+):\d+\)?$/,
    (m) => ({ fn: m[1] ?? null, path: m[2]!, line: Number(m[3]) }),
  ],
  // vitest: ` ❯ file:line:col` or ` ❯ fn file:line:col`.
  [/^❯ (?:(\S+) )?(\S+?):(\d+):\d+$/, (m) => ({ fn: m[1] ?? null, path: m[2]!, line: Number(m[3]) })],
  // Python traceback: `File "path", line N, in fn`.
  [
    /^File "(.+?)", line (\d+)(?:, in (.+))?$/,
    (m) => ({ path: m[1]!, line: Number(m[2]), fn: m[3] ?? null }),
    'python',
  ],
  // pytest's short form: `path.py:N: in fn` or `path.py:N: KeyError`.
  [
    /^([\w./\\-]+\.py):(\d+): (?:in (\S+)|\w+)/,
    (m) => ({ path: m[1]!, line: Number(m[2]), fn: m[3] ?? null }),
    'python',
  ],
  // Go panic: `pkg.Func(...)` then `\t/path/file.go:N +0x1d`.
  [
    /^(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/,
    (m, previous) => ({
      path: m[1]!,
      line: Number(m[2]),
      fn: /^([\w./*()-]+)\(.*\)$/.exec(previous)?.[1] ?? null,
    }),
  ],
  // Go test output, and other `path/file.ext:N` lines.
  [
    /^([\w./\\-]+\.[A-Za-z]+):(\d+)(?::\d+)?(?:[:\s]|$)/,
    (m) => ({ path: m[1]!, line: Number(m[2]), fn: null }),
  ],
];

/** Stack frames in the order the stack lists them, and whether that order is outermost first. */
function framesOf(stack: string): { frames: RawFrame[]; outermostFirst: boolean } {
  const out: RawFrame[] = [];
  let python = false;
  let previous = '';
  for (const raw of stack.split('\n')) {
    const line = raw.trim();
    for (const [pattern, build, kind] of FRAME_SHAPES) {
      const m = pattern.exec(line);
      if (!m) continue;
      out.push(build(m, previous));
      if (kind === 'python') python = true;
      break;
    }
    previous = line;
  }
  return { frames: out, outermostFirst: python };
}

/** Runner and language internals that may sit inside the repository folder (a local venv, vendored runners). */
const INTERNAL =
  /(?:^|\/)(?:node_modules|site-packages|dist-packages|vendor|\.venv|venv|_pytest|pluggy|jest-circus|jest-jasmine2|@vitest|mocha|\.pnpm)\/|(?:^|\/)(?:testing\/testing\.go|runtime\/[\w]+\.go)$/;

function toRepoPath(path: string, repoDir: string): string | null {
  let p = path;
  if (p.startsWith('file://')) {
    try {
      p = fileURLToPath(p);
    } catch {
      return null;
    }
  }
  if (p.startsWith('node:') || p.startsWith('internal/') || p.startsWith('<')) return null;
  const rel = isAbsolute(p) ? relative(repoDir, p) : p;
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  const file = rel.split(sep).join('/').replace(/^\.\//, '');
  return INTERNAL.test(file) ? null : file;
}

/** A test file (rather than the code under test): `test/`, `__tests__/`, `*.test.*`, `*_test.go`, `test_*.py`. */
export function isTestFile(file: string): boolean {
  return /(?:^|\/)(?:tests?|__tests__|specs?|testing)\/|[._-](?:test|spec)s?\.[cm]?[jt]sx?$|_test\.(?:go|py)$|(?:^|\/)test_[^/]*\.py$|(?:^|\/)conftest\.py$/.test(
    file,
  );
}

/**
 * The project frames of a stack (inside `repoDir`, not dependencies or runner internals), innermost
 * first, at most `max` (10 for an agent reading one failure).
 */
export function projectFrames(stack: string | undefined, repoDir: string, max = 10): ProjectFrame[] {
  if (!stack) return [];
  const { frames, outermostFirst } = framesOf(decodeEntities(stack));
  const out: ProjectFrame[] = [];
  for (const f of outermostFirst ? [...frames].reverse() : frames) {
    const file = toRepoPath(f.path, repoDir);
    if (!file) continue;
    if (out.length >= max) break;
    // In a test file, `Object.x` and a bare matcher name (`toBe`) are an anonymous callback: jest names
    // the frame after the matcher called in it.
    const anonymous = isTestFile(file) && /^Object\.|^(?:to[A-Z]\w*|resolves|rejects)$/.test(f.fn ?? '');
    out.push({ file, line: f.line, fn: anonymous ? null : functionKey(f.fn) });
  }
  return out;
}

/**
 * A failure as reported (message, diff, stack) without the frames of dependencies and runner
 * internals, at most `maxLines` lines: what an issue shows of its representative failure.
 */
export function failureText(stack: string, repoDir: string, maxLines = 80): string {
  const kept: string[] = [];
  let dropped = 0;
  for (const raw of decodeEntities(stack).split('\n')) {
    const line = raw.trim();
    const shape = FRAME_SHAPES.find(([pattern]) => pattern.test(line));
    const m = shape?.[0].exec(line);
    const internal = /^at\s.*\((?:<anonymous>|native)\)$/.test(line);
    if (internal || (shape && m && !toRepoPath(shape[1](m, '').path, repoDir))) {
      dropped += 1;
      continue;
    }
    kept.push(raw.replace(/\s+$/, ''));
  }
  while (kept.length && kept.at(-1) === '') kept.pop();
  const shown = kept.slice(0, maxLines);
  if (kept.length > shown.length) shown.push(`… ${kept.length - shown.length} more line(s)`);
  if (dropped) shown.push(`(${dropped} frame(s) of dependencies and the test runner left out)`);
  return shown.join('\n');
}

/** The first stack frame inside `repoDir` (not in dependencies or runner internals), or null. */
export function topProjectFrame(stack: string | undefined, repoDir: string): ProjectFrame | null {
  return projectFrames(stack, repoDir, 1)[0] ?? null;
}

/**
 * The location part of a signature, keyed one way wherever the frame is seen: a named function by
 * file and function (editing lines above it does not change the cluster); an anonymous frame in a test
 * file by file and the test's scope (its outermost describe block, class or Go test: the tests of one
 * unit fail at different lines of one file); other anonymous frames by file and line.
 */
export function frameKey(frame: ProjectFrame | null, scope = ''): string {
  if (!frame) return '<no project frame>';
  if (frame.fn) return `${frame.file}#${frame.fn}`;
  // Go's test output names the t.Errorf call site, which helpers shared by many tests make one line.
  if (isTestFile(frame.file) && !frame.file.endsWith('.go')) return `${frame.file}@${scope}`;
  return `${frame.file}:${frame.line}`;
}

/** A value as an assertion prints it: a string's text, or the literal itself with its kind. */
interface Printed {
  kind: 'string' | 'nothing' | 'boolean' | 'other';
  value: string;
}

function printed(text: string): Printed | null {
  const t = text.trim();
  // Truncated values (`'abc…'`, pytest's `'abc...xyz'`) cannot be compared.
  if (!t || t.includes('…') || /\.\.\.(?!$)/.test(t)) return null;
  const quoted = /^b?(['"`])(.*)\1$/.exec(t);
  if (quoted) return { kind: 'string', value: quoted[2]! };
  if (/^(?:undefined|null|None|nil|NaN|Invalid Date)$/.test(t)) return { kind: 'nothing', value: t };
  if (/^(?:true|false|True|False)$/.test(t)) return { kind: 'boolean', value: t };
  return { kind: 'other', value: t };
}

/**
 * The received and expected values of a failed equality assertion, as the runners print them:
 * jest/vitest `Expected: x` + `Received: y`, node:assert's one-line diff (`+ y` / `- x`) or `y !== x`,
 * chai/vitest `expected y to be x`, pytest `assert y == x`. Null when there is none, or a value spans
 * several lines (objects, long diffs).
 */
export function assertedValues(text: string): { received: string; expected: string } | null {
  // The values come right after the message: the head of a long stack is enough, and bounded lines
  // keep these patterns linear on any report.
  const t = decodeEntities(text.slice(0, 4000));
  const jest = /^[ \t]*Expected:[ \t]*([^\n]{1,400})\n[ \t]*Received:[ \t]*([^\n]{1,400})$/m.exec(t);
  if (jest) return { expected: jest[1]!, received: jest[2]! };
  // node:test prints the error inspected: `[Error …: …\n- true] {`; a further `+`/`-` line is a longer diff.
  const node = /^\+ actual - expected\n\n\+ ([^\n]{1,400})\n- ([^\n]{1,400}?)(?:\] \{)?$(\n[+-] )?/m.exec(t);
  if (node) return node[3] ? null : { received: node[1]!, expected: node[2]! };
  const short = /^([^\n]{1,400}?) !== ([^\n]{1,400})$/m.exec(t);
  if (short) return { received: short[1]!, expected: short[2]! };
  const chai =
    /^(?:AssertionError: )?expected ([^\n]{1,400}?) to (?:be|equal|deeply equal|strictly equal) ([^\n]{1,400}?)(?: \/\/ [^\n]*)?$/m.exec(
      t,
    );
  if (chai) return { received: chai[1]!, expected: chai[2]! };
  const pytest = /^E[ \t]+(?:AssertionError: )?assert ([^\n]{1,400}?) == ([^\n]{1,400})$/m.exec(t);
  if (pytest) return { received: pytest[1]!, expected: pytest[2]! };
  return null;
}

/**
 * The one character `longer` has more than `shorter` (every extra is that character), or null. Only
 * a digit, a separator or punctuation: a letter more or less is a word changed, which says nothing.
 */
function oneCharacterMore(longer: string, shorter: string): string | null {
  let j = 0;
  let extra: string | null = null;
  for (const ch of longer) {
    if (j < shorter.length && ch === shorter[j]) j += 1;
    else if (extra === null || extra === ch) extra = ch;
    else return null;
  }
  return j === shorter.length && extra !== null && !/\p{L}/u.test(extra) ? extra : null;
}

/**
 * How a wrong value differs from the expected one, when that difference says more about the cause
 * than where the test asserts it (a helper bug shows in the tests of many units, in many files):
 * - `missing "0"` / `extra "/"`: the received string is the expected one with copies of a single
 *   character taken out (or put in): a padding, separator or slash bug, whichever test prints it;
 * - `received false`, `received undefined`, `received ''`: the code returned nothing where a value
 *   was expected (a lookup that finds nothing, a field read under a renamed key).
 * Null for any other difference (then the test location keys the failure, as before).
 */
export function wrongValue(text: string): { edit: string } | { nothing: string } | null {
  const pair = assertedValues(text);
  if (!pair) return null;
  const got = printed(pair.received);
  const want = printed(pair.expected);
  if (!got || !want || got.value === want.value) return null;
  if (got.kind === 'string' && want.kind === 'string') {
    if (!got.value) return { nothing: "''" };
    const missing = oneCharacterMore(want.value, got.value);
    if (missing) return { edit: `missing ${JSON.stringify(missing)}` };
    const extra = oneCharacterMore(got.value, want.value);
    if (extra) return { edit: `extra ${JSON.stringify(extra)}` };
    return null;
  }
  if (got.kind === 'nothing' && want.kind !== 'nothing') return { nothing: got.value };
  if (got.kind === 'boolean' && want.kind !== 'boolean' && want.kind !== 'nothing')
    return { nothing: got.value };
  return null;
}

export interface FailureSignature {
  text: string;
  type: string | null;
  normalized: string;
  frame: ProjectFrame | null;
}

/**
 * The signature of one failing test. `scope` is the test's outermost grouping (see `testScope`);
 * `fnAt` names functions by `file:line` where another stack of the same run named them.
 */
export function signatureOf(
  message: string | undefined,
  stack: string | undefined,
  repoDir: string,
  scope = '',
  fnAt?: ReadonlyMap<string, string>,
): FailureSignature {
  const type = exceptionType(stack, message);
  const normalized = normalizeMessage(message ?? stack ?? '(no message)');
  let frame = topProjectFrame(stack, repoDir);
  if (frame && !frame.fn && fnAt?.has(`${frame.file}:${frame.line}`))
    frame = { ...frame, fn: fnAt.get(`${frame.file}:${frame.line}`)! };
  // A wrong value asserted in a test (no library frame on the stack): how it is wrong can name the
  // cause better than which test asserted it (see `wrongValue`).
  const wrong = frame && isTestFile(frame.file) ? wrongValue(stack ?? message ?? '') : null;
  const where = !wrong
    ? frameKey(frame, scope)
    : 'edit' in wrong
      ? `<received value ${wrong.edit}>`
      : `${frame!.file}@received ${wrong.nothing}`;
  return {
    type,
    normalized,
    frame,
    text: [type ?? '<no type>', normalized, where].join(' | '),
  };
}

/**
 * Where a test asserted, when that is all its stack says: the top project frame is an anonymous
 * frame of a test file (no function of the code under test on the stack). Keyed by the exception
 * type, `file:line` and the test's scope. The rows of one table-driven test (`test.each`, a
 * `forEach` over cases, pytest's `parametrize`, a Go table test) fail at one assertion with different
 * data, so their messages and wrong values differ (`received ''` for one row, `missing "/"` for
 * another): failures that share a site are one cluster (see `clusterFailures`). Null for any other
 * failure. A helper shared by the tests of several scopes asserts at one line for all of them: the
 * scope keeps those apart.
 */
export function assertionSite(sig: FailureSignature, scope: string, name = ''): string | null {
  const f = sig.frame;
  if (!f || f.fn || !isTestFile(f.file)) return null;
  // pytest names the test function (`test_x[row]`): its scope is that function, wherever the class
  // that runs it is (a test class inherited by another module asserts in its own file).
  const py = f.file.endsWith('.py') ? /^(test\w*)(?:\[.*\])?$/.exec(name)?.[1] : undefined;
  return [sig.type ?? '<no type>', `${f.file}:${f.line}`, py ?? scope].join(' | ');
}

/**
 * A test's outermost grouping: its first describe block (`a > b > test`), its JUnit class (mocha's
 * describe path, pytest's class or module), or its Go top-level test (`TestX/sub` → `TestX`).
 */
export function testScope(group: string, name: string): string {
  const titles = name.split(/\s+[>›]\s+/);
  if (titles.length > 1) return titles[0]!;
  if (/^Test\w*\//.test(name)) return name.split('/')[0]!;
  if (/^Test\w*$/.test(name)) return name;
  if (/\.[cm]?[jt]sx?$|\.py$|\.go$/.test(group)) return '';
  // pytest's classname is `package.module.Class`: a class inherited by several modules is one scope.
  const cls = /(?:^|\.)([A-Z]\w*)$/.exec(group);
  if (cls && group.includes('.')) return cls[1]!;
  return group.split(/\s+[>›]\s+/)[0]!;
}
