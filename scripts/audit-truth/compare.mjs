// Precision and recall of `tdl audit` against a parser-based ground truth (truth.py: Python's ast and
// tokenize; truth-ts.mjs: the TypeScript compiler API), per rule kind, on one tree. Used by
// `npm run bench` (scripts/bench/audit-real.mjs, the whole corpus) and by a test on a committed slice
// (test/integration/audit-truth.test.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', '..', 'dist', 'cli', 'main.cjs');

const globToRegex = (g) =>
  g
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[\\w$]*')
    .replace(/\?/g, '[\\w$]');

/**
 * `req`: { lang: 'py' | 'ts', names: [globs], maxLines, pattern, module }. Returns per kind
 * { tdl, truth, both, precision, recall } and the files the parser could not read (left out).
 */
export function compare(root, files, req) {
  const truthReq = JSON.stringify({
    root,
    files,
    names: req.names.map(globToRegex).join('|'),
    maxLines: req.maxLines,
    pattern: req.pattern,
    module: req.module,
  });
  const truth =
    req.lang === 'py'
      ? JSON.parse(
          execFileSync('python3', [join(here, 'truth.py')], {
            input: truthReq,
            maxBuffer: 1 << 28,
          }).toString(),
        )
      : JSON.parse(
          execFileSync(process.execPath, [join(here, 'truth-ts.mjs')], {
            input: truthReq,
            maxBuffer: 1 << 28,
          }).toString(),
        );
  // Files the parser could not read are left out of both sides: tdl audits only the others (a
  // duplicate whose other site is in such a file could not be judged).
  const unparsed = new Set(truth.unparsed);

  const dir = mkdtempSync(join(tmpdir(), 'tdl-truth-'));
  const playbook = join(dir, 'truth.yaml');
  const q = (s) => JSON.stringify(s);
  writeFileSync(
    playbook,
    `name: truth
suites: [{ id: u, command: [node, -e, "0"] }]
audit:
  limits: { skipMinified: false, findingsPerFile: 100000, relatedSites: 1 }
  exclude: [${[...unparsed].map((f) => q(f.replace(/[*?[\]{}()!+@\\]/g, '\\$&'))).join(', ')}]
  rules:
    - { id: dup, kind: duplicate-definition, names: [${req.names.map(q).join(', ')}] }
    - { id: long, kind: max-function-lines, max: ${req.maxLines} }
    - { id: pat, kind: forbidden-pattern, pattern: ${q(req.pattern)} }
    - { id: dep, kind: deprecated-import, module: ${q(req.module)}, replacement: x }
`,
  );
  const r = spawnSync(process.execPath, [cli, 'audit', '--json', '-p', playbook, root], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, CI: 'true' },
  });
  rmSync(dir, { recursive: true, force: true });
  const report = JSON.parse(r.stdout);
  const audited = new Set(files.filter((f) => !unparsed.has(f)));
  const found = (rule) =>
    report.violations
      .filter((v) => v.ruleId === rule && audited.has(v.file))
      .map((v) => `${v.file}:${v.line}`);

  // Duplicates: a qualified name bound to two or more targets (its definitions, one per file, and
  // its bindings to other names); every definition and every binding to another name. A binding to
  // the name itself (a re-export) is a related location only.
  const byName = new Map();
  const site = (name) => {
    const l = byName.get(name) ?? { defs: [], aliases: [] };
    byName.set(name, l);
    return l;
  };
  for (const [f, line, name] of truth.definitions) site(name).defs.push([f, line]);
  for (const [f, line, name, target] of truth.bindings ?? []) site(name).aliases.push([f, line, target]);
  const dupTruth = [];
  for (const [name, { defs, aliases }] of byName) {
    const targets = new Set(defs.map(([f]) => `\0${f}`));
    for (const [, , t] of aliases) if (t !== name) targets.add(t);
    if (targets.size < 2) continue;
    for (const [f, line] of defs) dupTruth.push(`${f}:${line}`);
    for (const [f, line, t] of aliases) if (t !== name) dupTruth.push(`${f}:${line}`);
  }

  const kinds = {
    'duplicate-definition': [found('dup'), dupTruth],
    'max-function-lines': [found('long'), truth.functions.map(([f, line]) => `${f}:${line}`)],
    'forbidden-pattern': [found('pat'), truth.pattern.map(([f, line]) => `${f}:${line}`)],
    'deprecated-import': [found('dep'), truth.imports.map(([f, line]) => `${f}:${line}`)],
  };
  const out = {};
  for (const [kind, [mine, theirs]] of Object.entries(kinds)) {
    const left = new Map();
    for (const k of theirs) left.set(k, (left.get(k) ?? 0) + 1);
    let both = 0;
    const extra = [];
    for (const k of mine) {
      const n = left.get(k) ?? 0;
      if (n > 0) {
        both++;
        left.set(k, n - 1);
      } else extra.push(k);
    }
    const missed = [...left].flatMap(([k, n]) => Array(n).fill(k));
    out[kind] = {
      tdl: mine.length,
      truth: theirs.length,
      both,
      precision: mine.length ? both / mine.length : 1,
      recall: theirs.length ? both / theirs.length : 1,
      falsePositives: extra.slice(0, 10),
      missed: missed.slice(0, 10),
    };
  }
  return { kinds: out, unparsed: [...unparsed] };
}

/** The audited files of a git tree for a language. */
export function filesOf(root, lang) {
  const all = execFileSync('git', ['-C', root, 'ls-files'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split(
    '\n',
  );
  const re = lang === 'py' ? /\.pyi?$/ : /\.(?:[cm]?[jt]sx?)$/;
  return all.filter((f) => re.test(f) && !/\.d\.[cm]?ts$|\.pyi$/.test(f));
}
