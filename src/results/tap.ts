/**
 * TAP 13/14 reader (line by line). Subtests are indented; `# Subtest: name` lines name them. A test
 * point whose YAML block says `type: 'suite'` (node:test `describe`) is a group, not a test; every
 * other test point counts, as node:test counts them (a test with subtests is a test too).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseYaml } from 'yaml';
import type { ParsedReport, TestCase, TestStatus } from './model.js';
import { bounded, firstLine, stripAnsi, wholeMs } from './text.js';

const POINT = /^(not ok|ok)\b\s*(\d+)?\s*(?:-\s+)?(.*)$/;
const DIRECTIVE = /(?:^|\s)#\s*(skip|todo)\S*(?:\s+(.*))?$/i;
const CANCELLED_TYPES = new Set(['testTimeoutFailure', 'cancelledByParent']);
const MAX_YAML = 64 * 1024;

interface Point {
  indent: number;
  ok: boolean;
  name: string;
  directive: 'skip' | 'todo' | null;
  path: string;
  yaml: string | null;
  yamlIndent: number;
  yamlDone: boolean;
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i += 1;
  return i;
}

function readYaml(text: string): Record<string, unknown> {
  try {
    const v = parseYaml(text, { strict: false, uniqueKeys: false });
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    // A YAML block we cannot read still leaves the test point's own ok/not ok.
    const m = /duration_ms:\s*([\d.]+)/.exec(text);
    return m ? { duration_ms: Number(m[1]) } : {};
  }
}

/** Reads TAP fed line by line. */
export class TapReader {
  readonly cases: TestCase[] = [];
  private readonly notes: string[] = [];
  /** The run's own `# duration_ms` (node:test writes it after the counts). */
  private durationMs: number | null = null;
  private readonly subtests = new Map<number, string>();
  private pending: Point | null = null;
  private sawTap = false;
  private topPoints = 0;
  private topPlan: number | null = null;
  private bailedOut = false;
  private readonly comments: Record<string, number> = {};

  line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const indent = indentOf(line);
    const text = line.slice(indent);
    const p = this.pending;
    if (p?.yaml !== null && p && !p.yamlDone) {
      if (text === '...' && indent === p.yamlIndent) {
        p.yamlDone = true;
        return;
      }
      if (indent >= p.yamlIndent || text === '') {
        if (p.yaml.length < MAX_YAML) p.yaml += `${line.slice(p.yamlIndent)}\n`;
        return;
      }
      p.yamlDone = true;
    }
    if (p && p.yaml === null && text === '---' && indent > p.indent) {
      p.yaml = '';
      p.yamlIndent = indent;
      return;
    }
    if (this.bailedOut) return;
    if (/^TAP version \d+/i.test(text)) {
      this.sawTap = true;
      return;
    }
    const sub = /^# Subtest:\s*(.*)$/.exec(text);
    if (sub) {
      this.flush();
      this.subtests.set(indent, sub[1]!.trim());
      return;
    }
    const plan = /^1\.\.(\d+)/.exec(text);
    if (plan) {
      this.flush();
      this.sawTap = true;
      if (indent === 0) this.topPlan = Number(plan[1]);
      return;
    }
    if (/^Bail out!/i.test(text)) {
      this.flush();
      this.sawTap = true;
      this.bailedOut = true;
      this.notes.push(`the runner bailed out: ${text.slice(9).trim() || '(no reason given)'}`);
      return;
    }
    const point = POINT.exec(text);
    if (point) {
      this.flush();
      this.sawTap = true;
      let name = point[3] ?? '';
      let directive: Point['directive'] = null;
      const d = DIRECTIVE.exec(name);
      if (d) {
        directive = d[1]!.toLowerCase() as 'skip' | 'todo';
        name = name.slice(0, d.index);
      }
      const path: string[] = [];
      for (const [i, n] of [...this.subtests].sort((a, b) => a[0] - b[0])) if (i < indent) path.push(n);
      this.pending = {
        indent,
        ok: point[1] === 'ok',
        name: name.trim().replace(/\\#/g, '#'),
        directive,
        path: path.join(' > '),
        yaml: null,
        yamlIndent: 0,
        yamlDone: false,
      };
      if (indent === 0) this.topPoints += 1;
      return;
    }
    const duration = /^# duration_ms ([\d.]+)$/.exec(text);
    if (duration && indent === 0) this.durationMs = wholeMs(Number(duration[1]));
    const count = /^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(text);
    if (count && indent === 0) this.comments[count[1]!] = Number(count[2]);
  }

  private flush(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    // The subtest names at this depth and deeper belong to the point just closed.
    for (const i of [...this.subtests.keys()]) if (i >= p.indent) this.subtests.delete(i);
    const y = p.yaml ? readYaml(p.yaml) : {};
    if (y.type === 'suite') return;
    let status: TestStatus;
    if (p.directive) status = 'skipped';
    else if (p.ok) status = 'passed';
    else
      status = typeof y.failureType === 'string' && CANCELLED_TYPES.has(y.failureType) ? 'errored' : 'failed';
    const tc: TestCase = { suite: p.path, name: p.name, status, durationMs: wholeMs(y.duration_ms) };
    if (typeof y.location === 'string') tc.file = y.location.replace(/:\d+:\d+$/, '');
    if (status === 'failed' || status === 'errored') {
      const error = typeof y.error === 'string' ? y.error : '';
      const stack = typeof y.stack === 'string' ? y.stack : '';
      if (error) tc.message = firstLine(error);
      const body = [error, stack].filter(Boolean).join('\n');
      if (body) tc.stack = stripAnsi(bounded('', body, MAX_YAML));
      if (!tc.message && body) tc.message = firstLine(body);
    }
    this.cases.push(tc);
  }

  close(): ParsedReport {
    this.flush();
    if (!this.sawTap) throw new Error('no TAP version, plan or test line found');
    if (!this.bailedOut) {
      if (this.topPlan === null && this.topPoints > 0) {
        this.notes.push('no plan line (1..N): the output may have been cut short');
      } else if (this.topPlan !== null && this.topPoints < this.topPlan) {
        this.notes.push(
          `the plan says 1..${this.topPlan} but only ${this.topPoints} top-level test(s) reported`,
        );
      }
    }
    const c = this.comments;
    const declared =
      c.tests !== undefined
        ? { tests: c.tests, failures: c.fail, errors: c.cancelled, skipped: (c.skipped ?? 0) + (c.todo ?? 0) }
        : undefined;
    return {
      format: 'tap',
      cases: this.cases,
      ...(declared ? { declared } : {}),
      notes: this.notes,
      ...(this.durationMs !== null ? { measuredMs: this.durationMs } : {}),
    };
  }
}

export async function parseTapFile(path: string): Promise<ParsedReport> {
  const reader = new TapReader();
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) reader.line(line);
  return reader.close();
}
