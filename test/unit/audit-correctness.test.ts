/** Small fixtures, one per defect issue 17 found on real code (JSX, Python strings, bindings, imports...). */
import { describe, expect, it } from 'vitest';
import { compileAudit } from '../../src/audit/rules.js';
import { scanFile } from '../../src/audit/scan.js';
import type { FileScan } from '../../src/audit/types.js';
import { buildViolations } from '../../src/audit/violations.js';
import { auditSchema } from '../../src/playbook/sections/audit.js';

const compiled = (rules: unknown[], extra: Record<string, unknown> = {}) =>
  compileAudit(auditSchema.parse({ rules, ...extra }));

function scan(rules: unknown[], file: string, text: string, extra: Record<string, unknown> = {}): FileScan {
  return scanFile(compiled(rules, extra), file, Buffer.from(text), ['all'])!;
}

function audit(rules: unknown[], files: Record<string, string>, extra: Record<string, unknown> = {}) {
  const c = compiled(rules, extra);
  const scans = Object.entries(files).map(([f, t]) => scanFile(c, f, Buffer.from(t), ['all'])!);
  return buildViolations(c, scans, new Map(Object.keys(files).map((f) => [f, ['all']])));
}

const LONG = (max: number) => [{ id: 'long', kind: 'max-function-lines', max }];
const lines = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');

describe('JSX', () => {
  it('a closing tag or a self-closing tag does not start a regex literal (the code after it stays code)', () => {
    const tsx = `export function Card() {\n  return <div><Icon a={x} /></div>;\n}\nconst r = redis.Redis();\n`;
    const s = scan([{ id: 'r', kind: 'forbidden-pattern', pattern: 'redis\\.Redis\\(' }], 'a.tsx', tsx);
    expect(s.hits.map((h) => h.line)).toEqual([4]);
  });

  const REDIS = [{ id: 'r', kind: 'forbidden-pattern', pattern: 'redis\\.Redis\\(' }];

  it('JSX text is not code: a pattern in it is no finding, its quotes and slashes hide no code', () => {
    const tsx = [
      'export const A = () => (',
      '  <p title="redis.Redis(">',
      "    Don't call redis.Redis( here, see http://example.com {redis.Redis(1)}",
      '  </p>',
      ');',
      'const b = redis.Redis(2);',
      '',
    ].join('\n');
    expect(scan(REDIS, 'a.tsx', tsx).hits.map((h) => h.line)).toEqual([3, 6]);
    // The same text in a .ts file is not JSX (there `<T>x` is a cast): the quote reads as a string.
    expect(scan(REDIS, 'a.ts', tsx).hits.map((h) => h.line)).toEqual([6]);
  });

  it('JSX text and attribute strings are what `matchIn: strings` reads', () => {
    const rule = [{ id: 's', kind: 'forbidden-pattern', pattern: 'Click here', matchIn: 'strings' }];
    const tsx = 'const A = () => <a title="Click here">\n  Click here\n</a>;\nconst ClickHere = 1;\n';
    expect(scan(rule, 'a.jsx', tsx).hits.map((h) => h.line)).toEqual([1, 2]);
  });

  it('type parameters that read like a tag stay code (TSX arrows, generic function types)', () => {
    const tsx = [
      'const f = <T,>(x: T) => x;',
      'const g = <T extends object>(x: T) => x;',
      'type Fn = <T>(x: T) => T;',
      'const r = redis.Redis(1);',
      'const C = () => <div>{redis.Redis(2)}</div>;',
      '',
    ].join('\n');
    expect(scan(REDIS, 'a.tsx', tsx).hits.map((h) => h.line)).toEqual([4, 5]);
  });

  it('a 6-line component is 6 lines long, whatever the JSX in it', () => {
    const tsx = `const Card = ({ title }: Props) => {\n  return (\n    <div className="x">{title}</div>\n  );\n};\n\nexport function Other() {\n${lines(10)}\n}\n`;
    const s = scan(LONG(3), 'a.tsx', tsx);
    expect(s.hits.map((h) => h.message)).toEqual([
      'function Card has 5 lines (at most 3)',
      'function Other has 12 lines (at most 3)',
    ]);
  });
});

describe('max-function-lines finds every function kind', () => {
  it.each([
    [
      'a typed arrow component',
      `export const Panel: React.FC<Props> = ({ a }) => {\n${lines(5)}\n};\n`,
      'Panel',
    ],
    ['an arrow with a return type', `const f = (a: number): string => {\n${lines(5)}\n};\n`, 'f'],
    ['a callback', `items.forEach((item) => {\n${lines(5)}\n});\n`, '(arrow)'],
    ['generics with {}', `function g<T extends {}>(x: T): T {\n${lines(5)}\n  return x;\n}\n`, 'g'],
    [
      'an async generator method with a computed name',
      `class S {\n  async *[Symbol.asyncIterator]() {\n${lines(5)}\n  }\n}\n`,
      '[Symbol.asyncIterator]',
    ],
  ])('%s', (_n, text, name) => {
    const s = scan(LONG(4), 'a.ts', text);
    expect(s.hits.map((h) => h.message.split(' has ')[0])).toEqual([`function ${name}`]);
  });

  it('an interface method without `;` does not swallow the next class', () => {
    const ts = `interface A {\n  run(): void\n}\nclass B {\n${lines(8)}\n}\n`;
    expect(scan(LONG(3), 'a.ts', ts).hits).toEqual([]);
  });

  it('python: text at column 0 in a triple-quoted string does not end the function', () => {
    const py = `def f():\n    doc = """\nat column 0\n"""\n    a = 1\n    b = 2\n    return a + b\n`;
    expect(scan(LONG(3), 'a.py', py).hits.map((h) => h.message)).toEqual([
      'function f has 7 lines (at most 3)',
    ]);
  });

  it('python: a call closed after a multi-line f-string (`""")`) ends there; its fields keep brackets balanced', () => {
    // spack-packages, raja/package.py (1e8cf059): a 22-line method read as 44 lines, then 76.
    const py = [
      'class P:',
      '    def write(self, exe, source):',
      '        text = dedent(f"""\\',
      '        project(x)',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CMake's ${VAR}, escaped for an f-string
      '          ${{RAJA_DIR}}/lib',
      '        add_executable({exe} ../{source})',
      '        """)',
      '        with open(path) as f:',
      '            f.write(text)',
      '',
      '    def other(self):',
      '        a = 1',
      '        b = 2',
      '        c = 3',
      '        return a + b + c',
      '',
    ].join('\n');
    expect(scan(LONG(5), 'a.py', py).hits.map((h) => h.message)).toEqual([
      'function write has 8 lines (at most 5)',
    ]);
  });

  it('python: code in an f-string field is code (a forbidden pattern there is found), the text around it is not', () => {
    const py = 'cmake_args = [f"-DCXX={os.environ[\'CXX\']}", "os.environ[x]"]\n';
    const s = scan([{ id: 'e', kind: 'forbidden-pattern', pattern: 'os\\.environ\\[' }], 'a.py', py);
    expect(s.hits.map((h) => h.line)).toEqual([1]);
  });

  it('an arrow assigned after a function is named and started at its own declaration (ant-design AutoComplete.tsx)', () => {
    const ts = [
      'function isOption(child: any): boolean {',
      '  return child?.type && (child.type.a || child.type.b);',
      '}',
      '',
      'const AutoComplete: React.ForwardRefRenderFunction<RefSelectProps, Props> = (',
      '  props,',
      '  ref,',
      ') => {',
      lines(3),
      '};',
      '',
    ].join('\n');
    expect(scan(LONG(5), 'a.tsx', ts).hits.map((h) => [h.line, h.message])).toEqual([
      [5, 'function AutoComplete has 8 lines (at most 5)'],
    ]);
  });

  it('an arrow whose type parameters hold an object type (ant-design useProxyImperativeHandle.ts)', () => {
    const ts = [
      'export const useProxy = <',
      '  N extends HTMLElement,',
      '  R extends { nativeElement: N },',
      '>(',
      '  ref: Ref<R>,',
      ') => {',
      lines(3),
      '};',
      '',
    ].join('\n');
    expect(scan(LONG(5), 'a.ts', ts).hits.map((h) => [h.line, h.message])).toEqual([
      [1, 'function useProxy has 10 lines (at most 5)'],
    ]);
  });

  it('two long methods of one name in a file have two fingerprints', () => {
    const py = `class A:\n    def run(self):\n${lines(5).replace(/ {2}/g, '        ')}\nclass B:\n    def run(self):\n${lines(5).replace(/ {2}/g, '        ')}\n`;
    const keys = scan(LONG(3), 'a.py', py).hits.map((h) => h.key);
    expect(keys).toEqual(['fn:run', 'fn:run#2']);
    const v = audit(LONG(3), { 'a.py': py });
    expect(new Set(v.map((x) => x.fingerprint)).size).toBe(2);
  });
});

describe('duplicate-definition', () => {
  const DUP = [{ id: 'd', kind: 'duplicate-definition', names: ['*State', 'Meta', '*Props'] }];

  it('nested classes are named by their qualification: the Meta of two models is no duplicate', () => {
    const v = audit(DUP, {
      'a.py': 'class Product(Model):\n    class Meta:\n        pass\n',
      'b.py': 'class Order(Model):\n    class Meta:\n        pass\n',
    });
    expect(v).toEqual([]);
  });

  it('namespace-qualified names are distinct; declare module and .d.ts mirrors are left out unless asked', () => {
    const files = {
      'a.ts': 'namespace A { export interface Props { a: 1 } }\n',
      'b.ts': 'namespace B { export interface Props { b: 1 } }\n',
      'c.ts': 'export interface RunState { a: 1 }\n',
      'd.ts': "declare module 'lib' { interface RunState { b: 2 } }\n",
      'types/e.d.ts': 'export interface RunState { a: 1 }\n',
    };
    expect(audit(DUP, files)).toEqual([]);
    const asked = audit([{ ...DUP[0], declarationFiles: true, augmentations: true }], files);
    expect(asked.map((x) => x.file).sort()).toEqual(['c.ts', 'd.ts', 'types/e.d.ts']);
  });

  it('lists every same-name site, a second one in the same file too, each with its own fingerprint', () => {
    const v = audit(DUP, {
      'a.py': 'class RunState:\n    pass\n\nclass RunState:\n    pass\n',
      'b.py': 'class RunState:\n    pass\n',
    });
    expect(v.map((x) => `${x.file}:${x.line}`)).toEqual(['a.py:1', 'a.py:4', 'b.py:1']);
    expect(v[0]!.related).toEqual([
      { file: 'a.py', line: 4 },
      { file: 'b.py', line: 1 },
    ]);
    expect(new Set(v.map((x) => x.fingerprint)).size).toBe(3);
  });

  it.each([
    ['a project Enum base (…Enum)', 'class RunState(BaseEnum):\n    A = 1\n    B = 2\n'],
    ['Django choices', 'class RunState(models.TextChoices):\n    A = "a"\n    B = "b"\n'],
    ['tuple members', 'class RunState(Enum):\n    A, B = 1, 2\n'],
    ['a functional enum', 'RunState = Enum("RunState", "A B")\n'],
    [
      'members after a docstring with text at column 0',
      'class RunState(Enum):\n    """Doc\nat column 0\n"""\n    A = 1\n    B = 2\n',
    ],
  ])('enums: %s', (_n, py) => {
    const s = scan(DUP, 'a.py', py);
    expect(s.defs.map((d) => [d.kind, d.members])).toEqual([['enum', ['A', 'B']]]);
  });

  const MGR = [{ id: 'd', kind: 'duplicate-definition', names: ['*Manager'] }];

  it('python bindings: one public name bound to different classes is reported at every binding', () => {
    const v = audit(MGR, {
      'app/a.py': 'class TaskManager:\n    pass\n',
      'app/b.py': 'from app.c import JobManager as TaskManager\n',
      'app/c.py': 'class JobManager:\n    pass\n',
      'app/d.py': 'import app.c\n\nTaskManager = app.c.JobManager\n',
      'app/__init__.py': 'from app.a import TaskManager\n\n__all__ = ["TaskManager"]\n',
    });
    expect(v.map((x) => `${x.file}:${x.line}`)).toEqual(['app/a.py:1', 'app/b.py:1', 'app/d.py:3']);
    expect(v[1]!.message).toContain(
      'TaskManager is an alias of JobManager here; the name is bound to 2 different targets',
    );
    // The re-export in __init__.py is an alias of the definition: a related location, not a finding.
    expect(v[0]!.related).toContainEqual({ file: 'app/__init__.py', line: 1 });
    expect(new Set(v.map((x) => x.fingerprint)).size).toBe(3);
  });

  it('aliases of the one definition (re-exports, X = mod.X, another name for it) are no duplicate', () => {
    const v = audit(MGR, {
      'app/a.py': 'class TaskManager:\n    pass\n',
      'app/__init__.py': 'from app.a import TaskManager\n__all__ = ("TaskManager",)\n',
      'app/compat.py': 'import app.a\nTaskManager = app.a.TaskManager\nOldTaskManager = TaskManager\n',
      'app/plain.py': 'from app.a import TaskManager\n',
      'app/local.py': 'def f():\n    TaskManager = None\n',
    });
    expect(v).toEqual([]);
  });

  it('ts bindings: export { Y as X }, export const X = Y; an import rename is private', () => {
    const v = audit(MGR, {
      'src/a.ts': 'export class TaskManager {}\n',
      'src/b.ts': "export { JobManager as TaskManager } from './c';\n",
      'src/c.ts': 'export class JobManager {}\n',
      'src/d.ts': "import { JobManager } from './c';\nexport const TaskManager = JobManager;\n",
      'src/e.ts': "import { JobManager as TaskManager } from './c';\n",
      'src/index.ts': "export { TaskManager } from './a';\n",
    });
    expect(v.map((x) => `${x.file}:${x.line}`)).toEqual(['src/a.ts:1', 'src/b.ts:1', 'src/d.ts:2']);
    expect(v[0]!.related).toContainEqual({ file: 'src/index.ts', line: 1 });
    expect(
      audit([{ ...MGR[0], bindings: false }], {
        'src/a.ts': 'export class TaskManager {}\n',
        'src/b.ts': "export { JobManager as TaskManager } from './c';\n",
      }),
    ).toEqual([]);
  });

  it('enums are compared by member values too ("PENDING" vs "pending")', () => {
    const v = audit(DUP, {
      'a.py': 'class RunState(Enum):\n    PENDING = "pending"\n',
      'b.ts': "export enum RunState { PENDING = 'PENDING' }\n",
    });
    const e = v.filter((x) => x.kind === 'enum-members');
    expect(e).toHaveLength(2);
    expect(e[0]!.message).toContain('values differ: PENDING ("pending" here, \'PENDING\' there)');
  });
});

describe('deprecated-import: every import form', () => {
  const DEP = [{ id: 'dep', kind: 'deprecated-import', module: 'app.legacy', replacement: 'app.new' }];
  it.each([
    ['import app.legacy', 1],
    ['from app import legacy', 1],
    ['from app import legacy as old', 1],
    ['from app.legacy import thing', 1],
    ['import importlib\nm = importlib.import_module("app.legacy")', 1],
    ['m = __import__("app.legacy.sub")', 1],
    ['from app import legacy_helpers', 0],
    ['x = "import app.legacy"', 0],
  ])('%s', (line, n) => {
    expect(scan(DEP, 'src/x.py', `${line}\n`).hits).toHaveLength(n);
  });

  it('sourceRoots: a relative import in a src/ layout resolves from the root', () => {
    const text = 'from ..legacy import thing\n';
    expect(scan(DEP, 'src/app/pkg/x.py', text).hits).toHaveLength(0);
    expect(scan(DEP, 'src/app/pkg/x.py', text, { sourceRoots: ['src'] }).hits).toHaveLength(1);
  });
});

describe('matchIn: strings', () => {
  const STR = (pattern: string) => [{ id: 's', kind: 'forbidden-pattern', pattern, matchIn: 'strings' }];
  it('reports the right lines after nested f-strings and template literals', () => {
    const py = 'a = f"{x!r:>{w}} {f\'{y}\'}"\nb = 1\nc = "agent.started"\n';
    expect(scan(STR('agent\\.started'), 'a.py', py).hits.map((h) => h.line)).toEqual([3]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text under test
    const ts = 'const a = `${`${x}`}${"y"}`;\nconst b = 1;\nconst c = "agent.started";\n';
    expect(scan(STR('agent\\.started'), 'a.ts', ts).hits.map((h) => h.line)).toEqual([3]);
  });

  it('never drops a match the raw text would not show (anchors, lookarounds on the strings view)', () => {
    const py = 'x = 1\ndoc = """\nexact\n"""\n';
    expect(scan(STR('^exact$'), 'a.py', py).hits.map((h) => h.line)).toEqual([3]);
  });
});
