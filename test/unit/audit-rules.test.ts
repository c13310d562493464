import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { maskJs, maskPy } from '../../src/audit/lex.js';
import { compileAudit, matcher, regexNeedle } from '../../src/audit/rules.js';
import { scanFile } from '../../src/audit/scan.js';
import type { FileScan } from '../../src/audit/types.js';
import { buildViolations } from '../../src/audit/violations.js';
import { auditSchema } from '../../src/playbook/sections/audit.js';

const config = (rules: unknown[], scopes: Record<string, string[]> = {}) =>
  compileAudit(auditSchema.parse({ rules, scopes }));

function scan(rules: unknown[], file: string, text: string): FileScan {
  return scanFile(config(rules), file, Buffer.from(text), ['all'])!;
}

const DUP = [{ id: 'dup', kind: 'duplicate-definition', names: ['*State', '*Manager'] }];
const FORBID = [{ id: 'redis', kind: 'forbidden-pattern', pattern: 'redis\\.Redis\\(' }];
const IDS = [{ id: 'ids', kind: 'forbidden-pattern', pattern: 'time\\.time\\(\\)' }];
const LOGGER = [
  {
    id: 'log',
    kind: 'deprecated-import',
    module: 'app.logging_config',
    names: ['central_logger'],
    replacement: 'x',
  },
];
const JSLOG = [
  { id: 'log', kind: 'deprecated-import', module: 'src/legacy/logger', replacement: 'src/logging' },
];

describe('masking', () => {
  // [name, masker, input, still there (code), gone (comment/string content)]
  it.each([
    ['js line comment', maskJs, 'a; // redis.Redis(\nb', ['a;', 'b'], ['redis']],
    ['js block comment', maskJs, 'a /* x */ b', ['a', 'b'], ['x', '/*']],
    ['js string keeps quotes', maskJs, `x = 'abc' + "d"`, ["'   '", '" "'], ['abc']],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text under test
    ['js template interpolation stays code', maskJs, 'x = `a${f(1)}b`', ['f(1)'], ['a$', '}b']],
    ['js regex literal', maskJs, "r = /'/g; y = 'q'", ['/g'], ['q']],
    ['js division is not a regex', maskJs, "a = b / c / d; s = 'x'", ['b / c / d'], ["'x'"]],
    ['py comment', maskPy, 'a = 1  # redis.Redis(\n', ['a = 1'], ['redis', '#']],
    ['py docstring', maskPy, '"""class X:\n"""\nx = 1\n', ['x = 1'], ['class']],
    ['py f-string expression stays code', maskPy, 'f"{time.time()}_x"', ['time.time()'], ['_x']],
    ['py prefixed string', maskPy, "x = rb'\\d'", ['x = '], ['\\d']],
  ])('%s', (_name, fn, input, kept, gone) => {
    const out = fn(input).code;
    expect(out).toHaveLength(input.length);
    expect(out.split('\n').length).toBe(input.split('\n').length);
    for (const k of kept) expect(out).toContain(k);
    for (const g of gone) expect(out).not.toContain(g);
  });
});

describe('duplicate-definition: definitions', () => {
  it.each([
    [
      'ts class with decorator',
      'a.ts',
      '@Injectable()\nexport class WebSocketManager {}\n',
      ['class WebSocketManager 2'],
    ],
    [
      'ts enum with members',
      'a.ts',
      'export const enum RunState { A, B = 2, "C" }\n',
      ['enum RunState 1 A,B,C'],
    ],
    [
      'ts interface and type alias',
      'a.ts',
      'interface FooState {}\ntype BarState<T> = T;\n',
      ['interface FooState 1', 'type BarState 2'],
    ],
    ['ts nested class', 'a.ts', 'function f() {\n  class InnerManager {}\n}\n', ['class InnerManager 2']],
    [
      'ts re-export is not a definition: a binding of the name to its definition',
      'a.ts',
      "export { RunState } from './s';\nexport type { XState } from './x';\n",
      ['alias RunState 1', 'alias XState 2'],
    ],
    ['ts type import is not a definition', 'a.ts', "import type RunState from './s';\n", []],
    [
      'ts in comment and string',
      'a.ts',
      '// class AManager {}\nconst s = "class BManager {}";\n/* enum CState {} */\n',
      [],
    ],
    [
      'py enum',
      'a.py',
      'class RunState(str, Enum):\n    A = "a"\n    B: int = 2\n\n    def f(self):\n        C = 3\n',
      ['enum RunState 1 A,B'],
    ],
    [
      'py decorated class',
      'a.py',
      '@dataclass\nclass SessionManager:\n    x: int = 1\n',
      ['class SessionManager 2'],
    ],
    ['py docstring mention', 'a.py', '"""\nclass FakeManager:\n"""\nx = 1\n', []],
    [
      'py nested class: named by its qualification',
      'a.py',
      'def f():\n    class LocalState:\n        pass\n',
      ['class f.LocalState 2'],
    ],
  ])('%s', (_name, file, text, expected) => {
    const s = scan(DUP, file, text);
    expect(
      s.defs.map((d) => `${d.kind} ${d.name} ${d.line}${d.members ? ` ${d.members.join(',')}` : ''}`),
    ).toEqual(expected);
  });

  it('a name defined in two files of one scope is a duplicate; in different scopes it is not', () => {
    const c = config(DUP, { production: ['src/**'], tests: ['test/**'] });
    const files: [string, string, string[]][] = [
      ['src/a.py', 'class WsManager:\n    pass\n', ['production']],
      ['src/b.ts', 'export class WsManager {}\n', ['production']],
      ['test/c.py', 'class RunState:\n    pass\n', ['tests']],
      ['src/d.py', 'class RunState:\n    pass\n', ['production']],
      ['src/e.py', 'class OnlyOnceState:\n    pass\nclass OnlyOnceState:\n    pass\n', ['production']],
    ];
    const scans = files.map(([f, t, s]) => scanFile(c, f, Buffer.from(t), s)!);
    const v = buildViolations(c, scans, new Map(files.map(([f, , s]) => [f, s])));
    expect(v.map((x) => `${x.file}:${x.line}`).sort()).toEqual(['src/a.py:1', 'src/b.ts:1']);
  });

  it('allow lists sanctioned duplicates', () => {
    const rules = [{ ...DUP[0], allow: ['Ws*', { files: ['src/x.py', 'src/y.py'] }] }];
    const c = config(rules);
    const files = [
      ['src/a.py', 'class WsManager:\n    pass\n'],
      ['src/b.py', 'class WsManager:\n    pass\n'],
      ['src/x.py', 'class XState:\n    pass\n'],
      ['src/y.py', 'class XState:\n    pass\n'],
    ];
    const scans = files.map(([f, t]) => scanFile(c, f!, Buffer.from(t!), ['all'])!);
    expect(buildViolations(c, scans, new Map(files.map(([f]) => [f!, ['all']])))).toEqual([]);
  });
});

describe('forbidden-pattern', () => {
  it.each([
    ['in code', 'a.py', 'c = redis.Redis(host="x")\n', [1]],
    ['only in a comment', 'a.py', '# redis.Redis(host)\n', []],
    ['only in a docstring', 'a.py', 'def f():\n    """Never call redis.Redis( here."""\n', []],
    ['only in a string', 'a.ts', 'const s = "redis.Redis(";\n', []],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text under test
    ['in a template interpolation', 'a.ts', 'const s = `${redis.Redis()}`;\n', [1]],
    ['twice', 'a.py', 'x = 1\na = redis.Redis()\nb = redis.Redis()\n', [2, 3]],
  ])('%s', (_n, file, text, lines) => {
    expect(scan(FORBID, file, text).hits.map((h) => h.line)).toEqual(lines);
  });

  it('finds time.time() inside an f-string expression (the seed hand-built id)', () => {
    const s = scan(IDS, 'a.py', 'x = f"{agent_name}_{run_id}_{int(time.time() * 1000)}"\n# time.time()\n');
    expect(s.hits.map((h) => h.line)).toEqual([1]);
  });

  it('respects allowIn (the canonical home)', () => {
    const rules = [{ ...FORBID[0], allowIn: ['app/redis_manager.py'] }];
    expect(scan(rules, 'app/redis_manager.py', 'redis.Redis()\n').hits).toEqual([]);
    expect(scan(rules, 'app/other.py', 'redis.Redis()\n').hits).toHaveLength(1);
  });

  it('keys hits by their code, not their line', () => {
    const a = scan(FORBID, 'a.py', 'c = redis.Redis()\n').hits[0]!;
    const b = scan(FORBID, 'a.py', '# moved\n\nc   =  redis.Redis()\n').hits[0]!;
    expect(b.line).toBe(3);
    expect(b.key).toBe(a.key);
  });

  it.each([
    ['redis\\.Redis\\(', 'redis.Redis('],
    ['time\\.time\\(\\)', 'time.time()'],
    ['a|b', null],
    ['colou?r_name', 'r_name'],
  ])('needle of /%s/ is %s', (re, needle) => {
    expect(regexNeedle(re)).toBe(needle);
  });
});

describe('deprecated-import', () => {
  it.each([
    ['py from-import', 'a/b.py', 'from app.logging_config import central_logger\n', [1]],
    [
      'py multi-line import list',
      'a/b.py',
      'import os\nfrom app.logging_config import (\n    other,\n    central_logger,\n)\n',
      [2],
    ],
    ['py other name from the module', 'a/b.py', 'from app.logging_config import other\n', []],
    ['py relative import', 'app/x.py', 'from .logging_config import central_logger\n', [1]],
    ['py in a docstring', 'a/b.py', '"""\nfrom app.logging_config import central_logger\n"""\n', []],
    ['py in a comment', 'a/b.py', '# from app.logging_config import central_logger\n', []],
  ])('%s', (_n, file, text, lines) => {
    expect(scan(LOGGER, file, text).hits.map((h) => h.line)).toEqual(lines);
  });

  it.each([
    [
      'js relative import resolves to the module',
      'src/api/x.ts',
      "import { log } from '../legacy/logger.js';\n",
      [1],
    ],
    ['js re-export', 'src/index.ts', "export * from './legacy/logger';\n", [1]],
    ['js require', 'src/a.js', "const l = require('./legacy/logger');\n", [1]],
    ['js dynamic import', 'src/a.js', "const l = await import('./legacy/logger/index.js');\n", [1]],
    ['js other module', 'src/a.ts', "import { log } from './logging';\n", []],
    ['js in a comment', 'src/a.ts', "// import { log } from './legacy/logger';\n", []],
    ['js in a string', 'src/a.ts', `const s = "import x from './legacy/logger'";\n`, []],
  ])('%s', (_n, file, text, lines) => {
    expect(scan(JSLOG, file, text).hits.map((h) => h.line)).toEqual(lines);
  });
});

describe('max-file-lines and max-function-lines', () => {
  it('counts file lines', () => {
    const rules = [{ id: 'len', kind: 'max-file-lines', max: 3 }];
    expect(scan(rules, 'a.py', 'a\nb\nc\n').hits).toEqual([]);
    expect(scan(rules, 'a.py', 'a\nb\nc\nd\n').hits[0]!.message).toBe('4 lines (at most 3)');
  });

  it.each([
    ['py def', 'a.py', 'def f():\n    a = 1\n    b = 2\n    return a\n\ndef g():\n    return 1\n', ['f 1-4']],
    [
      'ts function',
      'a.ts',
      'function f(a: number): number {\n  const x = a;\n  // }\n  return x;\n}\nfunction g() { return 1; }\n',
      ['f 1-5'],
    ],
    ['ts method', 'a.ts', 'class A {\n  run(x) {\n    const y = "}";\n    return y;\n  }\n}\n', ['run 2-5']],
  ])('%s', (_n, file, text, expected) => {
    const s = scan([{ id: 'fn', kind: 'max-function-lines', max: 3 }], file, text);
    expect(s.hits.map((h) => `${h.key.slice(3)} ${h.line}-${h.endLine}`)).toEqual(expected);
  });
});

describe('file matchers', () => {
  it.each([
    [['src/**'], 'src/a/b.py', true],
    [['src/**'], 'srcx/a.py', false],
    [['src/**'], 'src', false],
    [['src/**', 'lib/x/**'], 'lib/x/y.ts', true],
    [['src/**/*.py'], 'src/a/b.py', true],
    [['src/**/*.py'], 'src/a/b.ts', false],
    [['**/*.py'], '.hidden/a.py', true],
    [['src/redis_manager.py'], 'src/redis_manager.py', true],
    [['src/redis_manager.py'], 'src/redis_manager.pyc', false],
    [['src/redis_manager.py'], 'lib/src/redis_manager.py', false],
    [['src/redis_manager.py', 'test/**'], 'test/a.py', true],
    [['Makefile'], 'Makefile', true],
    [['src/a.py'], 'src/a.py/b', false],
  ])('%j matches %s: %s', (globs, file, expected) => {
    expect(matcher(globs)(file)).toBe(expected);
    // The fast paths answer as picomatch does, but for `dir/**` and a file named `dir` itself, which
    // picomatch counts in and the prefix test does not (no audited file is named like its folder).
    expect(picomatch(globs, { dot: true })(file)).toBe(file === 'src' ? true : expected);
  });
});
