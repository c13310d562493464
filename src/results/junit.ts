/**
 * JUnit XML reader (streaming, via saxes). Handles nested <testsuite> elements, reports without a
 * <testsuites> wrapper, and counts kept only in attributes or not at all.
 */
import { createReadStream } from 'node:fs';
import { SaxesParser } from 'saxes';
import type { ParsedReport, TestCase, TestStatus } from './model.js';

function seconds(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value.replace(/,/g, ''));
  return Number.isFinite(n) ? Math.round(n * 1000) : null;
}

/** Parses JUnit XML text fed in chunks. Throws on malformed XML. */
export class JUnitReader {
  private readonly parser = new SaxesParser({ xmlns: false });
  private readonly suites: string[] = [];
  private current: (TestCase & { text: string }) | null = null;
  private inOutcome = false;
  private sawRoot = false;
  readonly cases: TestCase[] = [];
  declared: ParsedReport['declared'];
  private depth = 0;

  constructor() {
    this.parser.on('opentag', (tag) => {
      const a = tag.attributes as Record<string, string>;
      this.depth += 1;
      if (this.depth === 1) {
        this.sawRoot = true;
        if (tag.name !== 'testsuites' && tag.name !== 'testsuite') {
          throw new Error(`root element is <${tag.name}>, expected <testsuites> or <testsuite>`);
        }
        const num = (k: string) => (a[k] === undefined ? undefined : Number(a[k]));
        this.declared = {
          tests: num('tests'),
          failures: num('failures'),
          errors: num('errors'),
          skipped: num('skipped'),
        };
      }
      if (tag.name === 'testsuite') this.suites.push(a.name ?? '');
      else if (tag.name === 'testcase') {
        this.current = {
          suite: a.classname || this.suites[this.suites.length - 1] || '',
          name: a.name ?? '',
          ...(a.file ? { file: a.file } : {}),
          status: 'passed',
          durationMs: seconds(a.time),
          text: '',
        };
      } else if (this.current && (tag.name === 'failure' || tag.name === 'error' || tag.name === 'skipped')) {
        const status: TestStatus =
          tag.name === 'failure' ? 'failed' : tag.name === 'error' ? 'errored' : 'skipped';
        // A failure outranks a skip; the first failure/error decides.
        if (this.current.status === 'passed' || status !== 'skipped') {
          if (this.current.status === 'passed' || this.current.status === 'skipped')
            this.current.status = status;
        }
        if (a.message && !this.current.message) this.current.message = a.message;
        this.inOutcome = status !== 'skipped';
      }
    });
    this.parser.on('text', (t) => {
      if (this.current && this.inOutcome) this.current.text += t;
    });
    this.parser.on('cdata', (t) => {
      if (this.current && this.inOutcome) this.current.text += t;
    });
    this.parser.on('closetag', (tag) => {
      this.depth -= 1;
      if (tag.name === 'testsuite') this.suites.pop();
      else if (tag.name === 'failure' || tag.name === 'error' || tag.name === 'skipped')
        this.inOutcome = false;
      else if (tag.name === 'testcase' && this.current) {
        const { text, ...tc } = this.current;
        const body = text.trim();
        if (body) {
          tc.stack = body;
          if (!tc.message) tc.message = body.split('\n')[0];
        }
        this.cases.push(tc);
        this.current = null;
      }
    });
  }

  write(chunk: string): void {
    this.parser.write(chunk);
  }

  close(): ParsedReport {
    this.parser.close();
    if (!this.sawRoot) throw new Error('no XML element found');
    return {
      format: 'junit',
      cases: this.cases,
      ...(this.declared ? { declared: this.declared } : {}),
      notes: [],
    };
  }
}

export async function parseJUnitFile(path: string): Promise<ParsedReport> {
  const reader = new JUnitReader();
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream) reader.write(chunk as string);
  return reader.close();
}
