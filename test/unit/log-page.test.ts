import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { decodeLogPage } from '../../src/adapters/observability/log-page.js';
import { SEVERITIES } from '../../src/playbook/sections/evidence.js';
import { loggingProtos } from '../../src/sandbox/logging/emulator.js';

// Pages are encoded with the serializer of the client's own protos (what Cloud Logging sends), then
// read by tdl's page reader.
const method = (loggingProtos()['google.logging.v2.LoggingServiceV2'] as grpc.ServiceDefinition)
  .ListLogEntries!;
const encode = (response: Record<string, unknown>): Buffer => method.responseSerialize(response);
const ts = { seconds: '1772359201', nanos: 123_456_789 };
const value = (v: unknown): Record<string, unknown> => {
  if (v === null) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(value) } };
  return { structValue: struct(v as Record<string, unknown>) };
};
const struct = (o: Record<string, unknown>) => ({
  fields: Object.fromEntries(Object.entries(o).map(([k, v]) => [k, value(v)])),
});

describe('decodeLogPage (a ListLogEntries page read from its bytes)', () => {
  it('keeps each field tdl reads, from every payload kind', () => {
    const page = decodeLogPage(
      encode({
        entries: [
          {
            timestamp: ts,
            severity: 'ERROR',
            textPayload: 'upstream reset',
            trace: 'projects/p/traces/abc',
            spanId: '00f067aa0ba902b7',
            sourceLocation: { file: 'src/h.js', line: '42', function: 'handler' },
            insertId: 'skipped',
            labels: { a: 'b' },
            logName: 'projects/p/logs/run.googleapis.com%2Fstderr',
          },
          {
            timestamp: ts,
            severity: 'WARNING',
            jsonPayload: struct({ stack: 'at x', msg: 'from msg', error: 'e' }),
          },
          { severity: 'CRITICAL', jsonPayload: struct({ message: 42, error: 'the error' }) },
          { jsonPayload: struct({ message: 42, ok: false, n: null, list: [1, 'two', { three: true }] }) },
          { jsonPayload: struct({}) },
          {
            severity: 'ERROR',
            httpRequest: {
              requestMethod: 'POST',
              requestUrl: 'https://svc.run.app/api/v1/events?token=s3cret#x',
              status: 503,
            },
          },
          { httpRequest: { requestUrl: 'relative/path' } },
          { sourceLocation: { line: '7' } },
          { sourceLocation: { file: 'a.py' } },
        ],
        nextPageToken: 'next-token',
      }),
    );
    expect(page.nextPageToken).toBe('next-token');
    expect(page.entries).toEqual([
      {
        timestamp: '2026-03-01T10:00:01.123Z',
        severity: 'ERROR',
        message: 'upstream reset',
        trace: 'projects/p/traces/abc',
        spanId: '00f067aa0ba902b7',
        sourceLocation: 'src/h.js:42 in handler',
      },
      {
        timestamp: '2026-03-01T10:00:01.123Z',
        severity: 'WARNING',
        message: 'from msg',
        trace: null,
        spanId: null,
        sourceLocation: null,
      },
      // `message` is not a string: the next key in order that is.
      {
        timestamp: '',
        severity: 'CRITICAL',
        message: 'the error',
        trace: null,
        spanId: null,
        sourceLocation: null,
      },
      {
        timestamp: '',
        severity: 'DEFAULT',
        message: '{"message":42,"ok":false,"n":null,"list":[1,"two",{"three":true}]}',
        trace: null,
        spanId: null,
        sourceLocation: null,
      },
      { timestamp: '', severity: 'DEFAULT', message: '{}', trace: null, spanId: null, sourceLocation: null },
      // The query string and host are never kept (a query may hold a token).
      {
        timestamp: '',
        severity: 'ERROR',
        message: 'HTTP 503 POST /api/v1/events',
        trace: null,
        spanId: null,
        sourceLocation: null,
      },
      {
        timestamp: '',
        severity: 'DEFAULT',
        message: 'HTTP 0 ? /relative/path',
        trace: null,
        spanId: null,
        sourceLocation: null,
      },
      { timestamp: '', severity: 'DEFAULT', message: '', trace: null, spanId: null, sourceLocation: null },
      { timestamp: '', severity: 'DEFAULT', message: '', trace: null, spanId: null, sourceLocation: 'a.py' },
    ]);
  });

  it('names every severity, and keeps an unknown one as its number', () => {
    const names = [...SEVERITIES];
    const page = decodeLogPage(
      encode({ entries: [...names.map((severity) => ({ severity })), { severity: 550 }] }),
    );
    expect(page.entries.map((e) => e.severity)).toEqual([...names, '550']);
    expect(page.nextPageToken).toBe('');
  });

  it('reads timestamps across days, years and the epoch as toISOString does', () => {
    const seconds = [
      0, 86_399, 86_400, 951_782_400, 1_772_359_200, 1_772_445_599, 1_772_445_600, 253_402_300_799,
    ];
    const page = decodeLogPage(
      encode({ entries: seconds.map((s) => ({ timestamp: { seconds: String(s), nanos: 999_999_999 } })) }),
    );
    expect(page.entries.map((e) => e.timestamp)).toEqual(
      seconds.map((s) => new Date(s * 1000 + 999).toISOString()),
    );
  });

  it('refuses a cut page with an error, and never loops on garbage', () => {
    const bytes = encode({ entries: [{ textPayload: 'x'.repeat(300), trace: 'projects/p/traces/t' }] });
    for (let cut = 1; cut < bytes.length; cut++) {
      let result: unknown;
      try {
        result = decodeLogPage(bytes.subarray(0, cut));
      } catch (error) {
        result = error;
      }
      // A cut inside the entry's bytes is an error; nothing is read as a shorter, valid entry.
      expect(result, `cut at ${cut}`).toBeInstanceOf(Error);
    }
    let seed = 7;
    const byte = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed & 0xff;
    };
    for (let i = 0; i < 2000; i++) {
      const garbage = Buffer.from(Array.from({ length: 64 }, byte));
      try {
        decodeLogPage(garbage);
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
      }
    }
  });
});
