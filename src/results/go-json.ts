/**
 * `go test -json` reader (line by line). Subtests exist only as `/` in names and a parent fails when a
 * child fails, so a test with subtests is a group: it counts as a test of its own only when it failed
 * while none of its subtests did (a failure of its own). A package that fails without a failing test
 * (build failure, panic, TestMain exit, a test that never finished) becomes an `errored` entry; a
 * build failure that Go printed as plain text among the JSON is read too.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ParsedReport, TestCase, TestStatus } from './model.js';
import { bounded, firstLine, secondsToMs, stripAnsi } from './text.js';

const MAX_OUTPUT = 16 * 1024;

interface GoEvent {
  Action?: string;
  Package?: string;
  ImportPath?: string;
  Test?: string;
  Elapsed?: number;
  Output?: string;
  FailedBuild?: string;
}

interface TestState {
  output: string;
  hasChildren: boolean;
  childFailed: boolean;
  done: boolean;
}

interface PackageState {
  tests: Map<string, TestState>;
  output: string;
  done: boolean;
  failing: number;
}

/** Reads `go test -json` output fed line by line. */
export class GoJsonReader {
  readonly cases: TestCase[] = [];
  private readonly notes: string[] = [];
  private readonly packages = new Map<string, PackageState>();
  private readonly buildOutput = new Map<string, string>();
  private plain = '';
  private jsonLines = 0;
  private badLines = 0;
  private firstBad = '';
  private lineNo = 0;
  /** Sum of the packages' own `Elapsed` (each package's test binary, timed by go). */
  private packagesMs: number | null = null;

  private pkg(name: string): PackageState {
    let p = this.packages.get(name);
    if (!p) {
      p = { tests: new Map(), output: '', done: false, failing: 0 };
      this.packages.set(name, p);
    }
    return p;
  }

  line(raw: string): void {
    this.lineNo += 1;
    const text = raw.trim();
    if (!text) return;
    if (text.startsWith('{')) {
      let ev: GoEvent;
      try {
        ev = JSON.parse(text) as GoEvent;
      } catch {
        this.bad(text);
        return;
      }
      if (!ev || typeof ev !== 'object' || typeof ev.Action !== 'string') {
        this.bad(text);
        return;
      }
      for (const key of ['Package', 'ImportPath', 'Test', 'Output', 'FailedBuild'] as const) {
        const v = ev[key] as unknown;
        if (v !== undefined && v !== null && typeof v !== 'string')
          throw new Error(
            `line ${this.lineNo}: "${key}" is ${Array.isArray(v) ? 'a list' : typeof v}, expected a string`,
          );
      }
      if (ev.Elapsed !== undefined && typeof ev.Elapsed !== 'number')
        throw new Error(`line ${this.lineNo}: "Elapsed" is ${typeof ev.Elapsed}, expected a number`);
      this.jsonLines += 1;
      this.event(ev);
      return;
    }
    // Plain text: what `go test -json` prints for a package that does not build (Go < 1.24).
    const failed = /^FAIL\s+(\S+)\s+\[(build failed|setup failed)\]/.exec(text);
    if (failed) {
      this.packageError(failed[1]!, `${failed[2]}`, this.plain);
      this.plain = '';
      this.pkg(failed[1]!).done = true;
      return;
    }
    if (/^go: /.test(text)) return; // `go: downloading ...` and the like, when stderr is in the file too
    if (/^(# |\S+\.go:\d+)/.test(text) || this.plain)
      this.plain = bounded(this.plain, `${raw}\n`, MAX_OUTPUT);
    else this.bad(text);
  }

  private bad(text: string): void {
    this.badLines += 1;
    if (!this.firstBad) this.firstBad = `line ${this.lineNo}: ${firstLine(text, 80)}`;
  }

  private packageError(pkg: string, what: string, output: string): void {
    const p = this.pkg(pkg);
    p.failing += 1;
    const tc: TestCase = { suite: pkg, name: `(${what})`, status: 'errored', durationMs: null };
    const body = stripAnsi(output).trim();
    tc.message = body
      ? `${what}: ${firstLine(body.replace(/^#.*\n/, ''))}`
      : `${what} (the compiler's messages went to stderr; add 2>&1 to keep them in the report)`;
    if (body) tc.stack = body;
    this.cases.push(tc);
  }

  private event(ev: GoEvent): void {
    const action = ev.Action!;
    if (action === 'build-output' && ev.ImportPath) {
      this.buildOutput.set(
        ev.ImportPath,
        bounded(this.buildOutput.get(ev.ImportPath) ?? '', ev.Output ?? '', MAX_OUTPUT),
      );
      return;
    }
    if (action === 'build-fail' || !ev.Package) return;
    const p = this.pkg(ev.Package);
    if (!ev.Test) {
      if (action === 'output') p.output = bounded(p.output, ev.Output ?? '', MAX_OUTPUT);
      else if (action === 'pass' || action === 'fail' || action === 'skip')
        this.endPackage(ev.Package, p, action, ev);
      return;
    }
    const name = ev.Test;
    let t = p.tests.get(name);
    if (!t) {
      t = { output: '', hasChildren: false, childFailed: false, done: false };
      p.tests.set(name, t);
      // Every ancestor ("A" and "A/b" of "A/b/c") is a group.
      for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
        const parent = p.tests.get(name.slice(0, i));
        if (parent) parent.hasChildren = true;
      }
    }
    if (action === 'output') {
      t.output = bounded(t.output, ev.Output ?? '', MAX_OUTPUT);
      return;
    }
    if (action !== 'pass' && action !== 'fail' && action !== 'skip') return;
    t.done = true;
    const status: TestStatus = action === 'pass' ? 'passed' : action === 'fail' ? 'failed' : 'skipped';
    if (status === 'failed') {
      for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
        const parent = p.tests.get(name.slice(0, i));
        if (parent) parent.childFailed = true;
      }
    }
    const output = t.output;
    t.output = '';
    if (t.hasChildren && !(status === 'failed' && !t.childFailed)) return;
    const tc: TestCase = { suite: ev.Package, name, status, durationMs: secondsToMs(ev.Elapsed) };
    if (status === 'failed') {
      p.failing += 1;
      const body = stripAnsi(output)
        .split('\n')
        .filter((l) => !/^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (FAIL|PASS|SKIP):)/.test(l))
        .join('\n')
        .trim();
      if (body) {
        tc.stack = body;
        tc.message = firstLine(body);
      }
    }
    this.cases.push(tc);
  }

  private endPackage(name: string, p: PackageState, action: string, ev: GoEvent): void {
    p.done = true;
    const elapsed = secondsToMs(ev.Elapsed);
    if (elapsed !== null) this.packagesMs = (this.packagesMs ?? 0) + elapsed;
    for (const [test, t] of p.tests) {
      if (t.done || t.hasChildren) continue;
      p.failing += 1;
      this.cases.push({
        suite: name,
        name: test,
        status: 'errored',
        durationMs: null,
        message: `did not finish: package ${action === 'fail' ? 'failed' : 'ended'} while it ran`,
        ...(t.output ? { stack: stripAnsi(t.output).trim() } : {}),
      });
    }
    if (action === 'fail' && p.failing === 0) {
      const build = ev.FailedBuild ? this.buildOutput.get(ev.FailedBuild) : undefined;
      this.packageError(name, build !== undefined ? 'build failed' : 'package failed', build ?? p.output);
    }
    p.tests.clear();
  }

  close(): ParsedReport {
    if (this.plain) {
      // Compiler output with no FAIL line after it: still a build failure, not "0 tests".
      this.packageError('(unknown package)', 'build failed', this.plain);
    }
    if (this.jsonLines === 0 && this.cases.length === 0) {
      throw new Error(
        this.firstBad ? `not go test -json output (${this.firstBad})` : 'no go test -json event found',
      );
    }
    if (this.badLines > 0)
      this.notes.push(
        `${this.badLines} line(s) are neither JSON events nor Go build output (first: ${this.firstBad})`,
      );
    for (const [name, p] of this.packages) {
      if (p.done) continue;
      this.notes.push(`the output ends before package ${name} finished (killed, timed out or cut short)`);
      this.endPackage(name, p, 'end', {});
    }
    return {
      format: 'go-json',
      cases: this.cases,
      notes: this.notes,
      ...(this.packagesMs !== null ? { measuredMs: this.packagesMs } : {}),
    };
  }
}

export async function parseGoJsonFile(path: string): Promise<ParsedReport> {
  const reader = new GoJsonReader();
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) reader.line(line);
  return reader.close();
}
