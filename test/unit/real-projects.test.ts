/**
 * The real-project corpus (test/fixtures/real/, made by scripts/real-projects.mjs from public projects
 * pinned to a commit). For each project:
 * - `tdl init` today writes, from the files it looked at, the very playbook that ran there unchanged;
 * - `tdl doctor` passed every suite's runner probe and `tdl run` completed, as written;
 * - tdl's counts, read again from the report the suite wrote, equal what `tdl run` recorded and the
 *   counts the runner itself printed, or differ only as the README documents (Go parent tests).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectSuites, projectName, type RepoView } from '../../src/playbook/init/detect.js';
import { renderInitPlaybook } from '../../src/playbook/init/render.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { parseReportFile } from '../../src/results/index.js';
import { countCases } from '../../src/results/model.js';
import { stripAnsi } from '../../src/results/text.js';

const DIR = join(import.meta.dirname, '../fixtures/real');
const DOC = join(import.meta.dirname, '../../docs/real-projects.md');

interface Project {
  name: string;
  repo: string;
  commit: string;
  runner: string;
  init: {
    name: string;
    githubRepo: string | null;
    baseBranch: { name: string; ref: string; from: string };
    schema: string | null;
  };
  doctor: { name: string; ok: boolean; detail: string }[];
  expect: { exitCode: number; why?: string };
  run: {
    exitCode: number;
    suites: {
      id: string;
      verdict: string;
      counts: Record<'total' | 'passed' | 'failed' | 'errored' | 'skipped', number>;
      report: { format: string; file: string } | null;
    }[];
  };
}
interface View {
  exists: Record<string, boolean>;
  lists: Record<string, string[]>;
  files: Record<string, string | null>;
}

const projects = readdirSync(DIR).filter((n) => existsSync(join(DIR, n, 'project.json')));
const load = (name: string) => ({
  project: JSON.parse(readFileSync(join(DIR, name, 'project.json'), 'utf8')) as Project,
  view: JSON.parse(readFileSync(join(DIR, name, 'view.json'), 'utf8')) as View,
  playbook: readFileSync(join(DIR, name, 'tdl.yaml'), 'utf8'),
  // The runners' own output, colours and all (as they printed it to tdl's pipe); read without them.
  summary: stripAnsi(readFileSync(join(DIR, name, 'summary.txt'), 'utf8')),
});

/** The recorded view; a question init did not ask when it ran is an error (its logic changed). */
function recordedView(v: View): RepoView {
  const ask = <T>(table: Record<string, T>, key: string, what: string): T => {
    if (!(key in table)) throw new Error(`init now asks ${what} ${key}, which the recording does not have`);
    return table[key]!;
  };
  return {
    exists: (p) => ask(v.exists, p, 'whether this exists:'),
    read: (p) => ask(v.files, p, 'for the text of') ?? undefined,
    list: (p) => ask(v.lists, p, 'for the listing of'),
  };
}

const num = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
type Printed = { passed: number; failed: number; errored: number; skipped: number };

/** The counts each runner printed, read from its own summary lines. */
function printedCounts(runner: string, text: string): Printed {
  if (runner.startsWith('pytest') || runner.startsWith('unittest')) {
    const line = [...text.matchAll(/^=+ (.*) in [\d.]+s.* =+$/gm)].at(-1)![1]!;
    return {
      passed: num(line, /(\d+) passed/) + num(line, /(\d+) xpassed/),
      failed: num(line, /(\d+) failed/),
      errored: num(line, /(\d+) errors?/),
      skipped: num(line, /(\d+) skipped/) + num(line, /(\d+) xfailed/),
    };
  }
  if (runner.startsWith('vitest')) {
    const line = /Tests\s+(.*)\(\d+\)/.exec(text)![1]!;
    return {
      passed: num(line, /(\d+) passed/),
      failed: num(line, /(\d+) failed/),
      // A test file that failed to load: under "Failed Suites", one errored entry in tdl (README).
      errored: num(text, /Failed Suites (\d+)/),
      skipped: num(line, /(\d+) skipped/) + num(line, /(\d+) todo/),
    };
  }
  if (runner.startsWith('jest')) {
    const line = /^Tests:\s+(.*)$/m.exec(text)![1]!;
    return {
      passed: num(line, /(\d+) passed/),
      failed: num(line, /(\d+) failed/),
      errored: 0,
      skipped: num(line, /(\d+) skipped/) + num(line, /(\d+) todo/),
    };
  }
  if (runner.startsWith('node:test')) {
    return {
      passed: num(text, /ℹ pass (\d+)/),
      failed: num(text, /ℹ fail (\d+)/),
      errored: num(text, /ℹ cancelled (\d+)/),
      skipped: num(text, /ℹ skipped (\d+)/) + num(text, /ℹ todo (\d+)/),
    };
  }
  if (runner.startsWith('mocha')) {
    return {
      passed: num(text, /(\d+) passing/),
      failed: num(text, /(\d+) failing/),
      errored: 0,
      skipped: num(text, /(\d+) pending/),
    };
  }
  if (runner === 'go') {
    // `go test -v` prints every test and subtest; tdl counts leaves, and a parent only when it failed
    // on its own (README, "go test -json"). So the printed lines are counted the same way here.
    const lines = [...text.matchAll(/^\s*--- (PASS|FAIL|SKIP): (\S+)/gm)].map((m) => [m[1]!, m[2]!] as const);
    const names = lines.map(([, n]) => n);
    const leaves = lines.filter(([, n]) => !names.some((o) => o.startsWith(`${n}/`)));
    const of = (s: string) => leaves.filter(([st]) => st === s).length;
    return { passed: of('PASS'), failed: of('FAIL'), errored: 0, skipped: of('SKIP') };
  }
  throw new Error(`no reader for ${runner}`);
}

describe('the real-project corpus', () => {
  it('has at least 10 projects covering every runner init knows', () => {
    expect(projects.length).toBeGreaterThanOrEqual(10);
    const runners = projects.map((n) => load(n).project.runner).join(' ');
    for (const r of [
      'vitest',
      'jest',
      'mocha',
      'node:test',
      'pytest',
      'unittest',
      'go',
      'workspaces',
      'src layout',
    ]) {
      expect(runners).toContain(r);
    }
  });

  describe.each(projects)('%s', (name) => {
    const { project, view, playbook, summary } = load(name);

    it('is pinned to a commit of a public repository', () => {
      expect(project.repo).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
      expect(project.commit).toMatch(/^[0-9a-f]{40}$/);
    });

    it('tdl init today writes the playbook that ran there as written', () => {
      const v = recordedView(view);
      const text = renderInitPlaybook({
        name: projectName(v) ?? name,
        suites: detectSuites(v, { pytest: true }),
        baseBranch: project.init.baseBranch,
        ...(project.init.githubRepo ? { githubRepo: project.init.githubRepo } : {}),
        schemaRef: project.init.schema,
      });
      expect(text).toBe(playbook);
      expect(parsePlaybook(text, join(DIR, name, 'tdl.yaml')).suites.length).toBeGreaterThan(0);
      expect(project.init.githubRepo).toBe(project.repo.replace('https://github.com/', ''));
    });

    it('tdl doctor proved every runner and tdl run completed as the project’s tests are', () => {
      expect(project.doctor.length).toBe(project.run.suites.length);
      expect(project.doctor.every((c) => c.ok)).toBe(true);
      // Green, except where the checkout itself lacks something (said in project.json, with why).
      expect(project.run.exitCode).toBe(project.expect.exitCode);
      if (project.expect.exitCode === 0)
        expect(project.run.suites.every((s) => s.verdict === 'pass')).toBe(true);
      else expect(project.expect.why).toBeTruthy();
    });

    it('counts: the report read again = what tdl run recorded = what the runner printed', async () => {
      const suites = project.run.suites.filter((s) => s.report);
      expect(suites.length).toBe(project.run.suites.length);
      const total: Printed = { passed: 0, failed: 0, errored: 0, skipped: 0 };
      for (const s of suites) {
        const report = await parseReportFile(join(DIR, name, s.report!.file));
        const c = countCases(report.cases);
        expect({
          total: c.total,
          passed: c.passed,
          failed: c.failed,
          errored: c.errored,
          skipped: c.skipped,
        }).toEqual(s.counts);
        expect(report.notes).toEqual([]);
        for (const k of Object.keys(total) as (keyof Printed)[]) total[k] += c[k];
      }
      expect(total).toEqual(printedCounts(project.runner, summary));
    });
  });
});

const fmtCounts = (c: Printed) =>
  `${c.passed} passed, ${c.failed} failed, ${c.errored} errored, ${c.skipped} skipped`;

/** The docs/real-projects.md row of a project, from its fixtures alone. */
async function tableRow(name: string): Promise<string> {
  const { project, summary } = load(name);
  const tdl: Printed = { passed: 0, failed: 0, errored: 0, skipped: 0 };
  for (const s of project.run.suites)
    for (const k of Object.keys(tdl) as (keyof Printed)[]) tdl[k] += s.counts[k];
  const printed = printedCounts(project.runner, summary);
  const same = JSON.stringify(printed) === JSON.stringify(tdl);
  const ran = project.run.exitCode === project.expect.exitCode && project.doctor.every((c) => c.ok);
  const worked = ran
    ? `yes${project.expect.why ? ` (exit ${project.expect.exitCode}: ${project.expect.why})` : ''}`
    : 'no';
  return `| [${name}](${project.repo}/tree/${project.commit}) | ${project.runner} | ${project.run.suites.map((s) => s.id).join(', ')} | ${fmtCounts(printed)} | ${same ? 'same' : fmtCounts(tdl)} | ${worked} |`;
}

describe('docs/real-projects.md', () => {
  it('has one row per project, with the counts the fixtures give (TDL_UPDATE_REAL_PROJECTS=1 rewrites it)', async () => {
    const rows = await Promise.all(projects.map(tableRow));
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf('<!-- table -->\n');
    const end = doc.indexOf('<!-- /table -->');
    const header =
      '| Project (pinned commit) | Runner | Suites `tdl init` wrote | Runner printed | tdl counted | init as written worked |\n| --- | --- | --- | --- | --- | --- |\n';
    const table = `${header}${rows.join('\n')}\n`;
    if (process.env.TDL_UPDATE_REAL_PROJECTS === '1') {
      writeFileSync(DOC, `${doc.slice(0, start + '<!-- table -->\n'.length)}${table}${doc.slice(end)}`);
    } else {
      expect(doc.slice(start + '<!-- table -->\n'.length, end)).toBe(table);
    }
  });
});
