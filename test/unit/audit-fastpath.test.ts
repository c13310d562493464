/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: TRICKY holds source text under test */
// The scan's fast path (lexing the latin1 reading up to the needles) must find exactly what the slow path finds.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Lang, langOf, mask } from '../../src/audit/lex.js';
import { compileAudit, regexNeedle } from '../../src/audit/rules.js';
import { scanFile } from '../../src/audit/scan.js';
import { auditSchema } from '../../src/playbook/sections/audit.js';

const repo = resolve(import.meta.dirname, '../..');

/** Source files of this repository and its demo service: real TS/JS with regexes, templates, JSX-free. */
function corpus(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist' && !e.name.startsWith('.')) visit(p);
      } else if (langOf(e.name)) out.push({ file: relative(repo, p), text: readFileSync(p, 'utf8') });
    }
  };
  for (const d of ['src', 'test', 'scripts', 'examples']) visit(join(repo, d));
  return out;
}

// Inputs where lexing is easy to get wrong (template text in plain strings on purpose: it is source).
const TRICKY: [Lang, string][] = [
  ['ts', 'const a = "x\\"y" + \'z\\\'\' + `t${"u" + `v${w}`}x`; // c'],
  ['ts', 'x = a / b / c; r = /[/"]+/g.test(s); if (/a/.test(s)) {}'],
  ['ts', 'return /re"gex/; typeof /x/; y = z\n/ 2 / 3'],
  ['ts', '/* unterminated comment'],
  ['ts', '"unterminated string\nclass RunState {}'],
  ['ts', '`unterminated template ${ a + "b" '],
  ['ts', 'const s = "é class FooState {}"; /* ü */ class BarState {}'],
  ['ts', 'a = {b: {c: `${ {d: 1}.d }`}}; }}} {{{'],
  ['ts', 'x = y /*a*/ / z; q = "redis.Redis(" ; redis.Redis(1)'],
  ['ts', 'const t = `line1\nline2 ${redis.Redis()} \\` still`; enum RunState { A = "a,b", B }'],
  ['ts', 'instanceof /x/; await /y/; do /z/; 𝒳 = 1 / 2; // 😀 redis.Redis('],
  ['ts', 'a\r\n// comment\r\nb = "s"\r\nclass XState {}\r\n'],
  ['ts', '\\'],
  ['ts', 'x = "\\'],
  ['py', '"""doc redis.Redis(\n"""\nx = f"{redis.Redis()}_{\'a\'}" + rb\'\\d\' + F"{{literal}}"'],
  ['py', "s = '''a\nb''' # c\nclass RunState(Enum):\n    A = 1\n    B = 2\n"],
  ['py', 'x = f"{a + f\'{b}\'}" # time.time()\ny = time.time()'],
  ['py', 'brf"x{y}" ur"x" Rb"x" fr\'{time.time()}\' xf"{z}"'],
  ['py', '"unterminated\nclass AState:\n    pass\n'],
  ['py', '"""unterminated docstring\nclass AState:\n'],
  ['py', 'é = "ü" # ö\nclass ÄManager: pass\nredis.Redis(x)'],
  ['py', 'd = {"a": {"b": 1}}}}\n{{ f"{ {1: 2}[1] }" }}'],
  ['py', 'x = "\\\\"; y = \'\\\'\'; redis.Redis("\\"")'],
];

/** Deterministic pseudo-random strings made of the characters that move the lexers. */
function generated(count: number): string[] {
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const parts = [
    '/',
    '//',
    '/*',
    '*/',
    "'",
    '"',
    '`',
    '${',
    '{',
    '}',
    '#',
    '\\',
    '\n',
    '\r\n',
    ' ',
    'a',
    'return ',
    '(',
    ')',
    '[',
    ']',
    'f"',
    "rb'",
    '"""',
    "'''",
    'é',
    '😀',
    'redis.Redis(',
    'class RunState',
    ' = 1',
    // JSX (read as such in .tsx files)
    '<div>',
    '</div>',
    '<A b="c">',
    ' />',
    '<>',
    '</>',
    ' < ',
    ' => ',
  ];
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let s = '';
    const len = 1 + Math.floor(rnd() * 40);
    for (let j = 0; j < len; j++) s += parts[Math.floor(rnd() * parts.length)];
    out.push(s);
  }
  return out;
}

describe('the lexer with a limit', () => {
  const inputs: [Lang, string][] = [
    ...TRICKY,
    ...corpus()
      .filter((f) => f.file.startsWith('src/audit/'))
      .map((f): [Lang, string] => [langOf(f.file)!, f.text]),
    ...generated(1500).flatMap((s): [Lang, string][] => [
      ['ts', s],
      ['py', s],
    ]),
  ];

  it(`gives the same ranges below it, the rest start at or after it (${inputs.length} inputs)`, () => {
    for (const [lang, text] of inputs) {
      // JS/TS inputs as JSX files (the lexer's widest mode).
      const full = mask(text, lang, undefined, false, lang === 'ts').blanks;
      for (const limit of [0, 1, Math.floor(text.length / 3), Math.floor(text.length / 2), text.length]) {
        const part = mask(text, lang, limit, false, lang === 'ts').blanks;
        expect(full.slice(0, part.length)).toEqual(part);
        for (let k = part.length; k < full.length; k += 2) expect(full[k]).toBeGreaterThanOrEqual(limit);
      }
    }
  });
});

const RULES = [
  { id: 'dup', kind: 'duplicate-definition', names: ['*State', '*Manager'] },
  { id: 'dup-types', kind: 'duplicate-definition', names: ['Run*'], definitions: ['type', 'interface'] },
  { id: 'redis', kind: 'forbidden-pattern', pattern: 'redis\\.Redis\\(' },
  { id: 'ids', kind: 'forbidden-pattern', pattern: 'time\\.time\\(\\)' },
  { id: 'spaced', kind: 'forbidden-pattern', pattern: 'redis\\.Redis\\s*\\(' },
  { id: 'opt', kind: 'forbidden-pattern', pattern: 'Date(Now)?\\.now\\(' },
  { id: 'in-strings', kind: 'forbidden-pattern', pattern: 'class', matchIn: 'strings' },
  {
    id: 'log',
    kind: 'deprecated-import',
    module: 'app.logging_config',
    names: ['central_logger'],
    replacement: 'x',
  },
  { id: 'jslog', kind: 'deprecated-import', module: 'src/legacy/logger', replacement: 'src/logging' },
];
const compiled = compileAudit(auditSchema.parse({ rules: RULES }));

describe('scanFile: fast path = slow path', () => {
  const files = [
    ...corpus(),
    ...TRICKY.map(([lang, text], k) => ({ file: `tricky/${k}.${lang}`, text })),
    ...generated(1200).flatMap((text, k) => [
      { file: `gen/${k}.ts`, text },
      { file: `gen/${k}.tsx`, text },
      { file: `gen/${k}.py`, text },
    ]),
  ];

  it(`finds the same definitions and hits in ${files.length} files`, () => {
    let found = 0;
    for (const { file, text } of files) {
      const buf = Buffer.from(text);
      const fast = scanFile(compiled, file, buf, ['all'], true);
      const slow = scanFile(compiled, file, buf, ['all'], false);
      expect(fast).toEqual(slow);
      found += (slow?.defs.length ?? 0) + (slow?.hits.length ?? 0);
    }
    // The comparison means something only if the slow path finds things in this corpus.
    expect(found).toBeGreaterThan(100);
  });

  it('skips a file whose needles are only in comments and strings, and still finds code ones', () => {
    const compiled = compileAudit(auditSchema.parse({ rules: RULES.filter((r) => r.id !== 'in-strings') }));
    const quiet = '// redis.Redis( in a comment\nconst s = "class RunState {}";\n';
    expect(scanFile(compiled, 'a.ts', Buffer.from(quiet), ['all'])).toEqual({
      file: 'a.ts',
      defs: [],
      hits: [],
    });
    const loud = `${quiet}export enum RunState { A }\nconst c = redis.Redis(1);\n`;
    const s = scanFile(compiled, 'a.ts', Buffer.from(loud), ['all'])!;
    expect(s.defs.map((d) => `${d.name}:${d.line}`)).toEqual(['RunState:3']);
    expect(s.hits.filter((h) => h.ruleId === 'redis').map((h) => h.line)).toEqual([4]);
  });
});

describe('regexNeedle: only what every match contains', () => {
  it.each([
    ['x(abc)?y', null],
    ['abc(?!def)', 'abc'],
    ['ab+cde', 'cde'],
    ['abc{0,2}d', null],
    ['fooo{2}bar', 'fooo'],
    ['[abc]defg', 'defg'],
    ['\\bredis\\b', 'redis'],
    ['redis\\.Redis\\s*\\(', 'redis.Redis'],
    ['(?<=abc)xyz1', 'xyz1'],
    ['\\u0041bcdx', 'bcdx'],
    ['q\\1abcd', 'abcd'],
    ['a[b\\]c]defg', 'defg'],
  ])('needle of /%s/ is %s', (re, needle) => {
    expect(regexNeedle(re)).toBe(needle);
  });

  it('every match of a pattern contains its needle (generated subjects)', () => {
    const patterns = [
      'colou?r_name',
      'ab+cde',
      'fooo{2}bar',
      'x(abc)?yzw',
      'Date(Now)?\\.now\\(',
      'a\\d+bcd\\w*efg',
    ];
    const subjects = generated(3000).map(
      (s) => s + ' color_name colour_name abbbcde foooobar xyzw xabcyzw Date.now( a12bcdXefg',
    );
    for (const p of patterns) {
      const needle = regexNeedle(p);
      const re = new RegExp(p, 'g');
      for (const s of subjects) for (const m of s.matchAll(re)) if (needle) expect(m[0]).toContain(needle);
    }
  });
});

describe('langOf', () => {
  it('reads the same extensions as the regexes it replaced', () => {
    const ts = /\.(?:[cm]?[jt]sx?)$/;
    const py = /\.pyi?$/;
    const names = [
      'a.ts',
      'a.tsx',
      'a.mts',
      'a.cts',
      'a.js',
      'a.jsx',
      'a.mjs',
      'a.cjs',
      'a.mtsx',
      'a.py',
      'a.pyi',
      'a.pyc',
      'a.d.ts',
      'dir.ts/file',
      'a.TS',
      'ts',
      '.ts',
      'a.',
      'a.tsxx',
      'a.xts',
      'a.json',
      'a.pyw',
      'x/y.z.py',
    ];
    for (const n of names) expect([n, langOf(n)]).toEqual([n, ts.test(n) ? 'ts' : py.test(n) ? 'py' : null]);
  });
});
