/**
 * JUnit XML reader (streaming, via saxes). Handles nested <testsuite> elements, reports without a
 * <testsuites> wrapper (mocha xunit), counts kept only in attributes, in XML comments (node:test) or
 * nowhere, and the quirks of the runners that write it (see README "Test reports").
 */
import { createReadStream } from 'node:fs';
import { SaxesParser } from 'saxes';
import { findTraceparent } from '../core/ids.js';
import type { ParsedReport, TestCase, TestStatus } from './model.js';
import { firstLine, secondsToMs, stripAnsi } from './text.js';

/** Characters XML 1.0 forbids but runners write raw (ANSI colours in vitest/node:test messages). */
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
/** Private-use stand-in for ESC, so an ANSI sequence split across chunks is still removed later. */
const ESC_STAND_IN = '\ue01b';
/** node:test failure types that its own summary counts as `cancelled`, not `fail`. */
const CANCELLED_TYPES = new Set(['testTimeoutFailure', 'cancelledByParent']);
/** A failure body longer than this is cut (a 50 MB stack helps nobody and costs memory). */
const MAX_BODY = 64 * 1024;
/** How much of a testcase's <system-out>/<system-err> is searched for its traceparent. */
const MAX_OUTPUT_SCAN = 16 * 1024;
const JEST_SUITE_ERROR = 'Test suite failed to run';

interface OpenCase {
  tc: TestCase;
  body: string;
  /** The testcase's <system-out>/<system-err> text, bounded: where a test may print its traceparent. */
  output: string;
  todo: boolean;
  /** The suite path, kept for node:test, whose classname is always "test". */
  path: string;
}

function restoreEsc(text: string): string {
  return text.includes(ESC_STAND_IN) ? stripAnsi(text.replaceAll(ESC_STAND_IN, '\u001b')) : text;
}

/** Parses JUnit XML text fed in chunks. Throws on malformed XML. */
export class JUnitReader {
  private readonly parser = new SaxesParser({ xmlns: false });
  private readonly suites: string[] = [];
  private current: OpenCase | null = null;
  private inOutcome = false;
  private inOutput = false;
  /** The testcase closed last, until another element opens: node:test writes a test's diagnostics right after it. */
  private lastClosed: TestCase | null = null;
  private sawRoot = false;
  private depth = 0;
  private readonly nodeComments: Record<string, number> = {};
  private readonly nodePaths = new Map<TestCase, string>();
  /** <failure>/<error> elements in pytest reports: one per failing subtest, inside its test's testcase. */
  private pytestOutcomes = 0;
  readonly cases: TestCase[] = [];
  declared: ParsedReport['declared'];
  private innerDeclared: ParsedReport['declared'];
  /** The root element's own `time`, and the sum of the `time`s of the suites just below it. */
  private rootMs: number | null = null;
  private innerMs: number | null = null;

  private rootCountless(): boolean {
    return this.declared === undefined;
  }

  constructor() {
    this.parser.on('opentag', (tag) => this.openTag(tag.name, tag.attributes as Record<string, string>));
    this.parser.on('text', (t) => this.text(t));
    this.parser.on('cdata', (t) => this.text(t));
    this.parser.on('comment', (c) => {
      // node:test writes its counts as <!-- tests 12 -->, <!-- pass 4 --> ... inside the root.
      const m = /^\s*(tests|suites|pass|fail|cancelled|skipped|todo)\s+(\d+)\s*$/.exec(c);
      if (m && this.depth === 1) this.nodeComments[m[1]!] = Number(m[2]);
      // node:test writes `t.diagnostic('traceparent: 00-…')` as a comment just after the test's testcase.
      if (this.lastClosed && !this.lastClosed.traceparent) {
        const own = findTraceparent(c, true);
        if (own) this.lastClosed.traceparent = own.traceparent;
      }
    });
    this.parser.on('closetag', (tag) => this.closeTag(tag.name));
  }

  private openTag(name: string, a: Record<string, string>): void {
    this.depth += 1;
    this.lastClosed = null;
    if (this.depth === 1) {
      this.sawRoot = true;
      if (name !== 'testsuites' && name !== 'testsuite') {
        throw new Error(`root element is <${name}>, expected <testsuites> or <testsuite>`);
      }
      const num = (k: string) => {
        const n = a[k] === undefined ? Number.NaN : Number(a[k]);
        return Number.isFinite(n) ? n : undefined;
      };
      const declared = {
        tests: num('tests'),
        failures: num('failures'),
        errors: num('errors'),
        skipped: num('skipped'),
      };
      if (Object.values(declared).some((v) => v !== undefined)) this.declared = declared;
      this.rootMs = secondsToMs(a.time);
    } else if (this.depth === 2 && name === 'testsuite' && this.rootCountless()) {
      // pytest puts its counts on the one <testsuite> inside a count-less <testsuites>: sum the top suites.
      this.innerDeclared ??= {};
      const sum = this.innerDeclared;
      for (const k of ['tests', 'failures', 'errors', 'skipped'] as const) {
        const n = Number(a[k]);
        if (a[k] !== undefined && Number.isFinite(n)) sum[k] = (sum[k] ?? 0) + n;
      }
    }
    if (this.depth === 2 && name === 'testsuite') {
      const ms = secondsToMs(a.time);
      if (ms !== null) this.innerMs = (this.innerMs ?? 0) + ms;
    }
    if (name === 'testsuite') {
      this.suites.push(a.name ?? '');
    } else if (name === 'testcase') {
      const path = this.suites.filter(
        (s, i) => s !== '' && !(i === 0 && this.suites.length > 1 && isRunnerName(s)),
      );
      const tc: TestCase = {
        suite: a.classname || path.join(' > '),
        name: a.name ?? '',
        status: 'passed',
        durationMs: secondsToMs(a.time),
      };
      if (a.file) tc.file = a.file;
      this.current = { tc, body: '', output: '', todo: false, path: path.join(' > ') };
    } else if (this.current && name === 'property') {
      // pytest's record_property("traceparent", …), vitest's annotate(value, "traceparent").
      if (a.name === 'traceparent' && !this.current.tc.traceparent) {
        const own = findTraceparent(a.value);
        if (own) this.current.tc.traceparent = own.traceparent;
      }
    } else if (this.current && (name === 'system-out' || name === 'system-err')) {
      this.inOutput = true;
    } else if (this.current && (name === 'failure' || name === 'error' || name === 'skipped')) {
      const c = this.current;
      let status: TestStatus = name === 'failure' ? 'failed' : name === 'error' ? 'errored' : 'skipped';
      if (status === 'failed' && a.type && CANCELLED_TYPES.has(a.type)) status = 'errored';
      if (name === 'skipped' && a.type === 'todo') c.todo = true;
      // The first failure or error decides; either outranks a skip.
      if (c.tc.status === 'passed' || (c.tc.status === 'skipped' && status !== 'skipped'))
        c.tc.status = status;
      if (status !== 'skipped' && this.suites.includes('pytest')) this.pytestOutcomes += 1;
      if (status !== 'skipped' && a.message && !c.tc.message) c.tc.message = firstLine(restoreEsc(a.message));
      this.inOutcome = status !== 'skipped';
    }
  }

  private text(t: string): void {
    if (this.current && this.inOutcome && this.current.body.length < MAX_BODY) this.current.body += t;
    else if (this.current && this.inOutput && this.current.output.length < MAX_OUTPUT_SCAN)
      this.current.output += t;
  }

  private closeTag(name: string): void {
    this.depth -= 1;
    if (name === 'testsuite') {
      this.suites.pop();
      this.lastClosed = null;
    } else if (name === 'failure' || name === 'error' || name === 'skipped') this.inOutcome = false;
    else if (name === 'system-out' || name === 'system-err') this.inOutput = false;
    else if (name === 'testcase' && this.current) {
      const { tc, body, output, todo, path } = this.current;
      if (!tc.traceparent && output) {
        const own = findTraceparent(output, true);
        if (own) tc.traceparent = own.traceparent;
      }
      // node:test writes a failing `todo` test with both <skipped type="todo"> and <failure>; it counts it as todo.
      if (todo) tc.status = 'skipped';
      const text = body.trim();
      if (text && (tc.status === 'failed' || tc.status === 'errored')) {
        tc.stack = restoreEsc(text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}\n[… cut]` : text);
        if (!tc.message) tc.message = firstLine(tc.stack);
      }
      // pytest names a collection error only "collection failure"; the cause is its last `E   ` line.
      if (tc.message === 'collection failure' && tc.stack) {
        const cause = [...tc.stack.matchAll(/^E\s+(\S.*)$/gm)].at(-1)?.[1];
        if (cause) tc.message = firstLine(cause);
      }
      if (tc.status === 'passed' || tc.status === 'skipped') delete tc.message;
      // vitest writes a test file that failed to load as one testcase named after the file, in a suite of that name.
      if (
        tc.status === 'failed' &&
        tc.name !== '' &&
        tc.name === tc.suite &&
        tc.name === this.suites.at(-1)
      ) {
        tc.status = 'errored';
      }
      if (tc.suite === JEST_SUITE_ERROR) {
        // jest-junit (reportTestSuiteErrors) writes a file that failed to load as an <error> testcase and
        // again as a <failure> one with the same names: one errored entry.
        tc.status = 'errored';
        tc.message = firstLine(text.replace(/^\s*● Test suite failed to run\s*/, '')) || tc.message;
        const prev = this.cases.at(-1);
        if (prev && prev.suite === JEST_SUITE_ERROR && prev.name === tc.name) {
          this.current = null;
          return;
        }
      }
      if (tc.suite === 'test') this.nodePaths.set(tc, path);
      this.cases.push(tc);
      this.current = null;
      this.lastClosed = tc;
    }
  }

  write(chunk: string): void {
    FORBIDDEN.lastIndex = 0;
    const clean = FORBIDDEN.test(chunk)
      ? chunk.replace(FORBIDDEN, (c) => (c === '\u001b' ? ESC_STAND_IN : ''))
      : chunk;
    this.parser.write(clean);
  }

  close(): ParsedReport {
    this.parser.close();
    if (!this.sawRoot) throw new Error('no XML element found');
    const notes: string[] = [];
    if (!this.declared && this.innerDeclared && Object.keys(this.innerDeclared).length) {
      this.declared = this.innerDeclared;
    }
    const node = this.nodeComments;
    if (node.tests !== undefined && node.pass !== undefined) {
      // node:test: counts live in comments; its messages are escaped twice; classname is always "test".
      this.declared = {
        tests: node.tests,
        failures: node.fail,
        errors: node.cancelled,
        skipped: (node.skipped ?? 0) + (node.todo ?? 0),
      };
      for (const [tc, path] of this.nodePaths) {
        tc.suite = path;
        // node:test escapes `"` as &quot; and then `&` as &amp;, so a quote arrives as the text "&quot;".
        tc.name = tc.name.replaceAll('&quot;', '"');
        if (tc.message) tc.message = tc.message.replaceAll('&quot;', '"');
      }
    }
    const failing = this.cases.filter((c) => c.status === 'failed' || c.status === 'errored').length;
    const declaredFailing = (this.declared?.failures ?? 0) + (this.declared?.errors ?? 0);
    // pytest counts each failing subtest in `failures` and lists it as one more <failure> of its test.
    if (declaredFailing > Math.max(failing, this.pytestOutcomes)) {
      notes.push(
        `the report declares ${declaredFailing} failing test(s) but lists ${failing}: some failures are not in the file`,
      );
    }
    // pytest and node:test time only the suites, not the <testsuites> root.
    const measured = this.rootMs ?? this.innerMs;
    return {
      format: 'junit',
      cases: this.cases,
      ...(this.declared ? { declared: this.declared } : {}),
      notes,
      ...(measured !== null ? { measuredMs: measured } : {}),
    };
  }
}

/** Root-level suite names that are the runner's, not the tests' ("pytest", "vitest tests", "Mocha Tests"). */
function isRunnerName(name: string): boolean {
  return /^(pytest|jest tests|vitest tests|mocha tests)$/i.test(name);
}

export async function parseJUnitFile(path: string): Promise<ParsedReport> {
  const reader = new JUnitReader();
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream) reader.write(chunk as string);
  return reader.close();
}
