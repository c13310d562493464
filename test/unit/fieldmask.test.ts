import { describe, expect, it } from 'vitest';
import { applyFieldMask, FieldMaskSyntaxError, parseFieldMask } from '../../src/sandbox/fieldmask.js';

const page = {
  nextPageToken: '2',
  entries: [
    {
      logName: 'projects/p/logs/x',
      resource: { type: 'cloud_run_revision', labels: { service_name: 'api' } },
      timestamp: { seconds: '1', nanos: 0 },
      severity: 'ERROR',
      jsonPayload: { fields: { message: { stringValue: 'boom' } } },
      trace: 'projects/p/traces/a',
    },
    { logName: 'projects/p/logs/x', severity: 'INFO', textPayload: 'ok' },
  ],
};

describe('response field masks (X-Goog-FieldMask)', () => {
  it('selects fields of each element of a repeated field, and nested fields by parentheses or dots', () => {
    const masked = applyFieldMask(
      page,
      parseFieldMask('nextPageToken,entries(severity,textPayload,resource.type)'),
    );
    expect(masked).toEqual({
      nextPageToken: '2',
      entries: [
        { severity: 'ERROR', resource: { type: 'cloud_run_revision' } },
        { severity: 'INFO', textPayload: 'ok' },
      ],
    });
    expect(applyFieldMask(page, parseFieldMask('entries.trace'))).toEqual({
      entries: [{ trace: 'projects/p/traces/a' }, {}],
    });
  });

  it('returns everything for no mask or `*`, and a field named whole with all its sub-fields', () => {
    expect(applyFieldMask(page, parseFieldMask(''))).toBe(page);
    expect(applyFieldMask(page, parseFieldMask(' * '))).toBe(page);
    expect(applyFieldMask(page, parseFieldMask('entries(*)'))).toEqual({ entries: page.entries });
    // `entries.resource.type` and `entries.resource` together: the whole resource.
    const both = applyFieldMask(page, parseFieldMask('entries(resource.type,resource)'));
    expect(both.entries[0]).toEqual({ resource: page.entries[0]!.resource });
  });

  it('accepts snake_case names for the camelCase fields', () => {
    expect(applyFieldMask(page, parseFieldMask('next_page_token,entries(json_payload)'))).toEqual({
      nextPageToken: '2',
      entries: [{ jsonPayload: page.entries[0]!.jsonPayload }, {}],
    });
  });

  it('refuses a malformed mask, saying where', () => {
    for (const [mask, where] of [
      ['entries(severity', "')' expected at character 17"],
      ['entries..trace', 'a field name expected at character 9'],
      ['entries)', "',' or the end expected at character 8"],
      ['a,,b', 'a field name expected at character 3'],
    ] as const) {
      expect(() => parseFieldMask(mask)).toThrow(FieldMaskSyntaxError);
      expect(() => parseFieldMask(mask)).toThrow(where);
    }
  });
});
