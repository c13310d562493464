/**
 * The secret matrix (issue 15): every secret shape, planted in every place test output and git can
 * carry it, through real `tdl run`s (the built CLI as a child process, a real git repository, the
 * GitHub emulator over loopback), then looked for in every output. A leak is any fragment of a
 * secret's random part found in an output; JSON outputs must also parse.
 *
 * Reduced size in CI (one round), full size under `npm run bench` (scripts/bench/robustness.mjs).
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startGitHubEmulator } from '../github/server.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function rand(n: number, alphabet = ALNUM): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** A planted secret: the text as planted and the fragments that must never be seen again. */
export interface Planted {
  shape: string;
  place: string;
  text: string;
  fragments: string[];
}

/** The shapes: each makes a fresh secret around a random part. */
const SHAPES: Record<string, () => { text: string; random: string }> = {
  'GitHub ghp_': () => ((r) => ({ text: `ghp_${r}`, random: r }))(rand(36)),
  'GitHub gho_': () => ((r) => ({ text: `gho_${r}`, random: r }))(rand(36)),
  'GitHub ghu_': () => ((r) => ({ text: `ghu_${r}`, random: r }))(rand(36)),
  'GitHub ghs_': () => ((r) => ({ text: `ghs_${r}`, random: r }))(rand(36)),
  'GitHub ghr_': () => ((r) => ({ text: `ghr_${r}`, random: r }))(rand(36)),
  'GitHub github_pat_': () => ((r) => ({ text: `github_pat_11A${r}`, random: r }))(rand(79, `${ALNUM}_`)),
  JWT: () =>
    ((r) => ({
      text: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ${r.slice(0, 20)}In0.${r.slice(20)}`,
      random: r,
    }))(rand(60)),
  'Authorization: Bearer': () => ((r) => ({ text: `Authorization: Bearer ${r}`, random: r }))(rand(40)),
  'PEM (with END)': () =>
    ((r) => ({
      text: `-----BEGIN RSA PRIVATE KEY-----\nMIIE${r.slice(0, 30)}\n${r.slice(30)}\n-----END RSA PRIVATE KEY-----`,
      random: r,
    }))(rand(60)),
  'PEM (BEGIN without END)': () =>
    ((r) => ({ text: `-----BEGIN PRIVATE KEY-----\nMIIE${r}`, random: r }))(rand(48)),
  'GCP service-account private_key': () =>
    ((r) => ({
      text: JSON.stringify({
        type: 'service_account',
        private_key_id: rand(40, '0123456789abcdef'),
        private_key: `-----BEGIN PRIVATE KEY-----\nMIIE${r}\n-----END PRIVATE KEY-----\n`,
      }),
      random: r,
    }))(rand(48)),
  'AWS access key id': () =>
    ((r) => ({ text: `AKIA${r}`, random: r }))(rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')),
  'AWS secret access key': () =>
    ((r) => ({ text: `aws_secret_access_key=${r}`, random: r }))(rand(40, `${ALNUM}/+`)),
  'Slack xox?-': () => ((r) => ({ text: `xoxb-1234567890-${r}`, random: r }))(rand(24)),
  'npm token': () => ((r) => ({ text: `npm_${r}`, random: r }))(rand(36)),
  'password in a URL': () =>
    ((r) => ({ text: `https://deploy:${r}@registry.internal/x`, random: r }))(rand(20)),
  // A redact.env value with every character that escaping changes.
  'redact.env value': () => ((r) => ({ text: `p"w\\&<${r}>|'x`, random: r }))(rand(24)),
};

export const SHAPE_NAMES = [...Object.keys(SHAPES), 'token in use'];

export const PLACES = [
  'failure message',
  'test name',
  'file path',
  'stdout',
  'stderr',
  'env',
  'argv',
  'commit subject',
  'commit author',
  'analyzer output',
] as const;
type Place = (typeof PLACES)[number];

export const OUTPUTS = [
  'record',
  'worklog twin',
  'worklog .md',
  'INDEX',
  '--json stdout',
  'stderr',
  'run log',
  'outbox',
  'GitHub titles',
  'GitHub bodies',
  'GitHub comments',
  'job summary',
  'history store',
] as const;

/** Fragments of a random part: its head, middle and tail (a cut may keep any of them). */
function fragments(random: string): string[] {
  const n = 10;
  if (random.length <= n) return [random];
  const mid = Math.floor((random.length - n) / 2);
  return [random.slice(0, n), random.slice(mid, mid + n), random.slice(-n)];
}

export interface SecretMatrixResult {
  rounds: number;
  shapes: number;
  places: number;
  outputs: number;
  /** Planted secrets × outputs looked at. */
  cells: number;
  leaks: { shape: string; place: string; output: string }[];
  jsonDocs: number;
  jsonBroken: string[];
  exitCodes: number[];
  /**
   * Where a plain marker (no secret) planted in each place was seen: proof that the place reaches
   * those outputs, so 0 leaks there means redaction, not a place that never shows up.
   */
  reached: Record<string, string[]>;
}

/**
 * Plants one secret. Where the place cannot hold the text as it is (git drops `<>` from an author,
 * a subject is one line), the text is adapted; a secret the adaptation changed is no longer that
 * secret, so it is not counted as a cell.
 */
function place(
  planted: Planted[],
  shape: string,
  where: Place,
  made: { text: string; random: string },
  adapt: (t: string) => string = (t) => t,
): string {
  const text = adapt(made.text);
  if (text === made.text) planted.push({ shape, place: where, text, fragments: fragments(made.random) });
  return text;
}

const SUITE_SCRIPT = `import { readFileSync, writeFileSync } from 'node:fs';
const plan = JSON.parse(readFileSync('plan.json', 'utf8'));
for (const t of plan.stdout) process.stdout.write('log: ' + t + '\\n');
for (const t of plan.stderr) process.stderr.write('error: ' + t + '\\n');
for (const [k, v] of Object.entries(process.env)) if (k.startsWith('PLANTED_')) process.stdout.write(k + '=' + v + '\\n');
process.stdout.write('argv: ' + process.argv.slice(3).join(' ') + '\\n');
if (process.env.GITHUB_TOKEN) process.stdout.write('token: ' + process.env.GITHUB_TOKEN + '\\n');
const testResults = plan.tests.map((t) => ({
  name: t.file,
  status: 'failed',
  startTime: 1, endTime: 2,
  assertionResults: [{ ancestorTitles: [], title: t.name, status: 'failed', duration: 1, failureMessages: [t.message] }],
}));
writeFileSync(process.env.TDL_REPORT_DIR + '/r.json', JSON.stringify({ numTotalTests: testResults.length, numFailedTests: testResults.length, testResults }));
process.exit(1);
`;

/** One round: a project with every secret planted, a run publishing to the emulator, a run to the outbox. */
async function round(cli: string, index: number, result: SecretMatrixResult): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tdl-secrets-'));
  const token = `ghp_${rand(36)}`;
  const emu = await startGitHubEmulator({ repos: ['acme/vault'], tokens: [token] });
  try {
    const planted: Planted[] = [];
    const canaries: { place: Place; marker: string }[] = [];
    const plan = {
      stdout: [] as string[],
      stderr: [] as string[],
      tests: [] as { file: string; name: string; message: string }[],
    };
    const env: Record<string, string> = {};
    const redactNames: string[] = [];
    const argv: string[] = [];
    let subject = 'fix';
    let author = 'dev';
    let analyzer = '';
    // Padding moves the secrets across the cut points (120, 200, 500, 2000, 4000 characters).
    const pad = 'x '.repeat((index * 97) % 300);
    let envN = 0;
    for (const [shape, make] of Object.entries(SHAPES)) {
      const gen = (where: Place, adapt?: (t: string) => string) => {
        const made = make();
        if (shape === 'redact.env value') {
          const name = `TDL_MATRIX_SECRET_${envN++}`;
          env[name] = made.text;
          redactNames.push(name);
        }
        return place(planted, shape, where, made, adapt);
      };
      plan.tests.push({
        file: `tests/${gen('file path')}.test.js`,
        name: `${pad}rejects ${gen('test name')} @octocat #1`,
        message: `${pad}AssertionError: request failed with ${gen('failure message')} <img src=y>`,
      });
      plan.stdout.push(gen('stdout'));
      plan.stderr.push(gen('stderr'));
      env[`PLANTED_${envN++}`] = gen('env');
      argv.push(gen('argv'));
      subject += ` ${gen('commit subject', (t) => t.replace(/\n/g, ' '))}`;
      author += ` ${gen('commit author', (t) => t.replace(/[\n<>]/g, ' '))}`;
      analyzer += `${gen('analyzer output')}\n`;
    }
    // Controls: the same places carry a plain marker each, which must come out (unredacted).
    const canary = (where: Place) => {
      const marker = `canary${rand(12)}`;
      canaries.push({ place: where, marker });
      return marker;
    };
    plan.tests.push({
      file: `tests/${canary('file path')}.test.js`,
      name: `t ${canary('test name')}`,
      message: `Error: ${canary('failure message')}`,
    });
    plan.stdout.push(canary('stdout'));
    plan.stderr.push(canary('stderr'));
    env.PLANTED_CANARY = canary('env');
    argv.push(canary('argv'));
    subject += ` ${canary('commit subject')}`;
    author += ` ${canary('commit author')}`;
    analyzer += `${canary('analyzer output')}\n`;
    // The token in use, planted wherever the suite can print it (it asks for it with {inherit}).
    planted.push({
      shape: 'token in use',
      place: 'stdout',
      text: token,
      fragments: fragments(token.slice(4)),
    });
    const playbook = [
      'name: vault',
      'redact:',
      `  env: [${redactNames.join(', ')}]`,
      'suites:',
      '  - id: planted',
      '    tier: 1',
      `    command: ${JSON.stringify(['node', 'suite.mjs', '--plan', ...argv])}`,
      '    report: { format: vitest-json, path: "{reportDir}/r.json" }',
      '    timeout: 60s',
      '    env:',
      ...Object.entries(env)
        .filter(([k]) => k.startsWith('PLANTED_'))
        .map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`),
      '      GITHUB_TOKEN: "{inherit}"',
      'analyzer:',
      `  command: [node, analyzer.mjs]`,
      '  timeout: 30s',
      'github:',
      '  repo: acme/vault',
      '  labels: [tdl]',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'tdl.yaml'), playbook);
    writeFileSync(join(dir, 'suite.mjs'), SUITE_SCRIPT);
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    writeFileSync(join(dir, 'analyzer.mjs'), `process.stdout.write(${JSON.stringify(analyzer)});\n`);
    writeFileSync(join(dir, '.gitignore'), '.tdl/\nworklogs/\nsummary.md\n');
    const git = (...args: string[]) => execa('git', args, { cwd: dir });
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git(
      '-c',
      'user.email=dev@example.com',
      '-c',
      `user.name=${author.slice(0, 3000)}`,
      'commit',
      '-qm',
      subject,
    );

    const summaryFile = join(dir, 'summary.md');
    const redactEnv = Object.fromEntries(redactNames.map((n) => [n, env[n]!]));
    const base = {
      CI: 'true',
      NO_COLOR: '1',
      TDL_GITHUB_API_URL: emu.url,
      TDL_GITHUB_WRITE_SPACING_MS: '0',
      GH_TOKEN: '',
      GITHUB_STEP_SUMMARY: summaryFile,
      ...redactEnv,
    };
    const outputs: { name: (typeof OUTPUTS)[number]; text: string; json?: 'doc' | 'lines' }[] = [];
    for (const target of ['github', 'outbox'] as const) {
      const r = await execa(process.execPath, [cli, 'run', '--json', '--publish', target], {
        cwd: dir,
        reject: false,
        env: { ...base, GITHUB_TOKEN: target === 'github' ? token : '' },
        extendEnv: true,
      });
      result.exitCodes.push(r.exitCode ?? -1);
      outputs.push({ name: '--json stdout', text: String(r.stdout), json: 'doc' });
      outputs.push({ name: 'stderr', text: String(r.stderr) });
    }
    const runs = join(dir, '.tdl', 'runs');
    for (const id of existsSync(runs) ? readdirSync(runs) : []) {
      const runDir = join(runs, id);
      const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : '');
      outputs.push({ name: 'record', text: read(join(runDir, 'record.json')), json: 'doc' });
      outputs.push({ name: 'run log', text: read(join(runDir, 'run.log')), json: 'lines' });
      const outbox = join(runDir, 'outbox');
      if (existsSync(outbox))
        for (const f of readdirSync(outbox))
          outputs.push({
            name: 'outbox',
            text: read(join(outbox, f)),
            ...(f.endsWith('.json') ? { json: 'doc' as const } : {}),
          });
    }
    const worklogs = join(dir, 'worklogs');
    // recursive: the per-test history store (worklogs/history/<playbook>/) is an output too
    const worklogFiles = existsSync(worklogs)
      ? readdirSync(worklogs, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => join(e.parentPath, e.name))
      : [];
    for (const path of worklogFiles) {
      const f = path.slice(worklogs.length + 1);
      const text = readFileSync(path, 'utf8');
      if (f.startsWith('history')) outputs.push({ name: 'history store', text });
      else if (f === 'INDEX.md') outputs.push({ name: 'INDEX', text });
      else if (f.endsWith('.json')) outputs.push({ name: 'worklog twin', text, json: 'doc' });
      else outputs.push({ name: 'worklog .md', text });
    }
    outputs.push({
      name: 'job summary',
      text: existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '',
    });
    const issues = emu.repo('acme/vault').issues;
    outputs.push({ name: 'GitHub titles', text: issues.map((i) => i.title).join('\n') });
    outputs.push({ name: 'GitHub bodies', text: issues.map((i) => i.body).join('\n') });
    outputs.push({
      name: 'GitHub comments',
      text: issues.flatMap((i) => i.comments.map((c) => c.body)).join('\n'),
    });
    if (issues.length === 0)
      result.jsonBroken.push(`round ${index}: nothing reached GitHub (the matrix would not look)`);

    for (const o of outputs) {
      if (o.json === 'doc') {
        result.jsonDocs += 1;
        try {
          JSON.parse(o.text);
        } catch {
          result.jsonBroken.push(`round ${index}: ${o.name}`);
        }
      } else if (o.json === 'lines') {
        for (const line of o.text.split('\n').filter(Boolean)) {
          result.jsonDocs += 1;
          try {
            JSON.parse(line);
          } catch {
            result.jsonBroken.push(`round ${index}: ${o.name} line`);
          }
        }
      }
    }
    for (const c of canaries)
      for (const name of OUTPUTS)
        if (outputs.some((o) => o.name === name && o.text.includes(c.marker))) {
          const seen = result.reached[c.place] ?? [];
          if (!seen.includes(name)) seen.push(name);
          result.reached[c.place] = seen;
        }
    for (const p of planted) {
      for (const name of OUTPUTS) {
        result.cells += 1;
        const texts = outputs.filter((o) => o.name === name).map((o) => o.text);
        if (texts.some((t) => p.fragments.some((f) => t.includes(f))))
          result.leaks.push({ shape: p.shape, place: p.place, output: name });
      }
    }
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `rounds` rounds against the built CLI at `cli`. */
export async function runSecretMatrix(cli: string, rounds: number): Promise<SecretMatrixResult> {
  const result: SecretMatrixResult = {
    rounds,
    shapes: SHAPE_NAMES.length,
    places: PLACES.length,
    outputs: OUTPUTS.length,
    cells: 0,
    leaks: [],
    jsonDocs: 0,
    jsonBroken: [],
    exitCodes: [],
    reached: {},
  };
  mkdirSync(tmpdir(), { recursive: true });
  for (let i = 0; i < rounds; i++) await round(cli, i, result);
  return result;
}
