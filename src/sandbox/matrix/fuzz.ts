/**
 * The input fuzz (issue 15): mutated playbooks through `tdl run --dry-run`, malformed and hostile
 * reports through `tdl results`, each a real child process of the built CLI. Every outcome must be
 * exit 0/1 (accepted) or exit 2 with a located one-line message (`file:line:col` for playbooks, the
 * file name for reports); never a stack trace or "please report this", at most 1 GB of memory
 * (max RSS, measured by /usr/bin/time) and 10 s each.
 *
 * Seeds: the repository's demo playbook and the real runner reports in test/fixtures/reports
 * (their provenance is in that folder's generate.sh). Reduced size in CI, full under `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A deterministic generator (mulberry32), so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED_PLAYBOOK = `name: fuzz
redact:
  env: [API_TOKEN]
suites:
  - id: unit
    tier: 1
    categories: [unit]
    command: [node, -e, "0"]
    timeout: 30s
    env:
      MODE: test
  - id: api
    tier: 2
    categories: [api]
    command: [node, -e, "0"]
    report: { format: junit, path: "{reportDir}/api.xml" }
    retries: 1
gates:
  - afterTier: 1
    minPassRate: 0.9
decision:
  flaky: ignore
`;

const PIECES = [
  ':',
  '- ',
  '[',
  ']',
  '{',
  '}',
  '&a ',
  '*a',
  '*nope',
  '!!binary ',
  '"',
  "'",
  '\t',
  '\0',
  '#',
  '|',
  '>',
  '? ',
  '%YAML 1.2\n',
  '---\n',
  '...\n',
  '\\',
  '\u{1F600}',
  '\r\n',
  '  ',
  'timeout: 0s',
  'timeout: 600h',
  'command: [""]',
  'tier: -1',
  'retries: 99',
  '<<: *a',
];

/** Hand-made hostile playbooks (each is one case; the generator adds random mutations). */
export const HOSTILE_PLAYBOOKS: { name: string; text: string }[] = [
  {
    name: 'billion laughs',
    text: `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nname: x\nsuites: []\n`,
  },
  { name: 'unresolved alias', text: 'name: x\nsuites: *missing\n' },
  { name: 'deep flow nesting', text: `name: x\nsuites: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n` },
  {
    name: 'deep block nesting',
    text: `name: x\nextra:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`,
  },
  {
    name: '100k duplicate-free keys',
    text: `name: x\nsuites: []\nmeta:\n${Array.from({ length: 100_000 }, (_, i) => `  k${i}: ${i}`).join('\n')}\n`,
  },
  { name: '100k duplicate keys', text: `name: x\nsuites: []\nmeta:\n${'  k: 1\n'.repeat(100_000)}` },
  {
    name: '10k suites',
    text: `name: x\nsuites:\n${Array.from({ length: 10_000 }, (_, i) => `  - { id: s${i}, command: [node] }`).join('\n')}\n`,
  },
  { name: 'compact block nesting', text: `name: x\nsuites:\n${'- '.repeat(50_000)}1\n` },
  { name: 'nested complex keys', text: `name: x\nsuites: []\nmeta:\n${'? '.repeat(100)}1\n` },
  { name: '20 MB value', text: `name: "${'x'.repeat(20 * 1024 * 1024)}"\nsuites: []\n` },
  { name: 'timeout 600h', text: 'name: x\nsuites:\n  - id: a\n    command: [node]\n    timeout: 600h\n' },
  { name: 'timeout 0s', text: 'name: x\nsuites:\n  - id: a\n    command: [node]\n    timeout: 0s\n' },
  { name: 'empty command', text: 'name: x\nsuites:\n  - id: a\n    command: [""]\n' },
  {
    name: 'NUL in an env key',
    text: 'name: x\nsuites:\n  - id: a\n    command: [node]\n    env: { "A\\0B": x }\n',
  },
];

function mutate(text: string, r: () => number): { text: string; line: number } {
  const lines = text.split('\n');
  const line = Math.floor(r() * lines.length);
  const kind = Math.floor(r() * 6);
  const l = lines[line] ?? '';
  const at = Math.floor(r() * (l.length + 1));
  const piece = PIECES[Math.floor(r() * PIECES.length)]!;
  switch (kind) {
    case 0:
      lines[line] = l.slice(0, at) + piece + l.slice(at);
      break;
    case 1:
      lines[line] = l.slice(0, at) + l.slice(at + 1 + Math.floor(r() * 5));
      break;
    case 2:
      lines.splice(line, 0, l);
      break;
    case 3:
      lines.splice(line, 1);
      break;
    case 4:
      lines[line] = ' '.repeat(Math.floor(r() * 6)) + l.trimStart();
      break;
    default:
      lines[line] = l.replace(/:\s.*$/, `: ${piece}`);
  }
  return { text: lines.join('\n'), line: line + 1 };
}

export interface FuzzOutcome {
  cases: number;
  accepted: number;
  usageErrors: number;
  /** Exit 2 whose message does not name file:line:col (playbooks) or the file (reports). */
  unlocated: string[];
  stackTraces: string[];
  otherExits: string[];
  maxRssMb: number;
  /** Wall time, and CPU time (user + system) of the slowest case. */
  maxSeconds: number;
  maxCpuSeconds: number;
  /** The case that took longest, with its time and memory. */
  slowest: string;
  overLimits: string[];
}

function blank(): FuzzOutcome {
  return {
    cases: 0,
    accepted: 0,
    usageErrors: 0,
    unlocated: [],
    stackTraces: [],
    otherExits: [],
    maxRssMb: 0,
    maxSeconds: 0,
    maxCpuSeconds: 0,
    slowest: '',
    overLimits: [],
  };
}

/** Runs the CLI under /usr/bin/time; returns exit code, stderr and max RSS. */
function runMeasured(cli: string, args: string[], cwd: string) {
  const started = process.hrtime.bigint();
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'TDL_MAXRSS_KB=%M TDL_CPU_S=%U+%S', process.execPath, cli, ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', NO_COLOR: '1', GITHUB_TOKEN: '', GH_TOKEN: '' },
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stderr = String(r.stderr ?? '');
  const rss = Number(/TDL_MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? 0) / 1024;
  const cpu = /TDL_CPU_S=([\d.]+)\+([\d.]+)/.exec(stderr);
  const cpuSeconds = cpu ? Number(cpu[1]) + Number(cpu[2]) : seconds;
  const exit = /Command exited with non-zero status (\d+)/.exec(stderr)?.[1];
  const code = r.status === null ? null : exit ? Number(exit) : r.status;
  return {
    code,
    stderr: stderr
      .replace(/Command exited with non-zero status \d+\n?/, '')
      .replace(/TDL_MAXRSS_KB=\S+ TDL_CPU_S=\S+\n?/, ''),
    rss,
    seconds,
    cpuSeconds,
  };
}

function judge(
  out: FuzzOutcome,
  label: string,
  r: ReturnType<typeof runMeasured>,
  located: (stderr: string) => boolean,
): void {
  out.cases += 1;
  out.maxRssMb = Math.max(out.maxRssMb, r.rss);
  if (r.seconds > out.maxSeconds)
    out.slowest = `${label}: ${r.seconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} s of CPU), ${r.rss.toFixed(0)} MB`;
  out.maxSeconds = Math.max(out.maxSeconds, r.seconds);
  out.maxCpuSeconds = Math.max(out.maxCpuSeconds, r.cpuSeconds);
  // The 10 s bound is on CPU time: on a shared machine the wall time also counts other processes' load.
  if (r.rss > 1024 || r.cpuSeconds > 10)
    out.overLimits.push(`${label}: ${r.rss.toFixed(0)} MB, ${r.cpuSeconds.toFixed(1)} s of CPU`);
  if (/\n\s+at .+:\d+:\d+\)?\n|please report this|Maximum call stack/.test(r.stderr))
    out.stackTraces.push(`${label}: ${r.stderr.slice(0, 300)}`);
  if (r.code === 0 || r.code === 1) out.accepted += 1;
  else if (r.code === 2) {
    out.usageErrors += 1;
    if (!located(r.stderr)) out.unlocated.push(`${label}: ${r.stderr.slice(0, 300)}`);
  } else out.otherExits.push(`${label}: exit ${r.code} ${r.stderr.slice(0, 300)}`);
}

/** `count` mutated playbooks (plus the hostile set) through `tdl run --dry-run`. */
export function fuzzPlaybooks(cli: string, count: number, seed = 15): FuzzOutcome {
  const out = blank();
  const dir = mkdtempSync(join(tmpdir(), 'tdl-fuzz-'));
  try {
    const r = rng(seed);
    const cases: { name: string; text: string }[] = [...HOSTILE_PLAYBOOKS];
    for (let i = 0; i < count; i++) {
      let m = { text: SEED_PLAYBOOK, line: 0 };
      const rounds = 1 + Math.floor(r() * 3);
      for (let k = 0; k < rounds; k++) m = mutate(m.text, r);
      cases.push({ name: `mutation ${i} (seed ${seed})`, text: m.text });
    }
    for (const c of cases) {
      writeFileSync(join(dir, 'tdl.yaml'), c.text);
      const res = runMeasured(cli, ['run', '--dry-run', '-p', 'tdl.yaml'], dir);
      // A located message: `tdl.yaml:<line>:<col>: …`, or a run that got past loading.
      // A playbook problem names tdl.yaml:<line>:<col>; a usage error that is not about the file's
      // content (no suite left to run) is one `tdl:` line that does not name the file.
      judge(
        out,
        c.name,
        res,
        (s) => /tdl\.yaml:\d+:\d+: /.test(s) || (!s.includes('tdl.yaml') && /^tdl: /m.test(s)),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** Report mutations: cut, flipped bytes, a value of the wrong type, huge fields. */
function mutateReport(text: string, r: () => number): string {
  const kind = Math.floor(r() * 7);
  const at = Math.floor(r() * text.length);
  switch (kind) {
    case 0:
      return text.slice(0, at);
    case 1: {
      const chars = [...text];
      for (let i = 0; i < 5; i++)
        chars[Math.floor(r() * chars.length)] = String.fromCharCode(Math.floor(r() * 128));
      return chars.join('');
    }
    case 2:
      // A string value replaced by an object or a number (the go-json "Output": {} case).
      return text.replace(/"(Output|Test|name|title|message|fullName)"\s*:\s*"[^"]*"/, (_m, k: string) =>
        r() < 0.5 ? `"${k}": {"x": [1, 2]}` : `"${k}": 12345`,
      );
    case 3:
      return text.replace(
        /(name|message)="[^"]*"/,
        (_m, k: string) => `${k}="${'N'.repeat(3 * 1024 * 1024)}"`,
      );
    case 4:
      return text.replace(/"(failureMessages)"\s*:\s*\[/, `"$1": ["${'F'.repeat(3 * 1024 * 1024)}", `);
    case 5:
      return `${text.slice(0, at)}\u0000${text.slice(at)}`;
    default:
      return text.replace(
        /^(not ok|ok) (\d+) - (.*)$/m,
        (_m, s: string, n: string) => `${s} ${n} - ${'T'.repeat(3 * 1024 * 1024)}`,
      );
  }
}

const REPORT_SEEDS = [
  'jest.json',
  'vitest.json',
  'go-test.json',
  'node-test.tap',
  'pytest-xunit2.xml',
  'jest-junit.xml',
  'mocha-xunit.xml',
];

/** `count` malformed reports from the real fixtures through `tdl results`. */
export function fuzzReports(cli: string, fixtures: string, count: number, seed = 15): FuzzOutcome {
  const out = blank();
  const dir = mkdtempSync(join(tmpdir(), 'tdl-fuzz-reports-'));
  try {
    mkdirSync(dir, { recursive: true });
    const r = rng(seed);
    const seeds = REPORT_SEEDS.filter((f) => existsSync(join(fixtures, f)));
    for (let i = 0; i < count; i++) {
      const name = seeds[i % seeds.length]!;
      const file = `case-${i}-${name}`;
      writeFileSync(join(dir, file), mutateReport(readFileSync(join(fixtures, name), 'utf8'), r));
      const res = runMeasured(cli, ['results', file], dir);
      judge(out, `${name} mutation ${i}`, res, (s) => s.includes(file));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
