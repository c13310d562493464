import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../src/telemetry/redact.js';

const r = new Redactor();

describe('Redactor', () => {
  it.each([
    ['classic GitHub token', `token ghp_${'a'.repeat(36)} end`],
    ['OAuth token', `gho_${'B1'.repeat(18)}`],
    ['app token', `ghs_${'c'.repeat(36)}`],
    ['fine-grained PAT', `github_pat_${'d'.repeat(22)}_${'e'.repeat(59)}`],
    ['Google OAuth token', 'ya29.a0AfH6SMBx-abcdefghijklmnop'],
    ['JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
  ])('hides a %s', (_name, text) => {
    const out = r.redact(text);
    expect(out).toContain(REDACTED);
    expect(out).not.toMatch(/ghp_a|gho_B|ghs_c|github_pat_d|ya29\.a0|eyJhbGci/);
  });

  it('hides private key blocks whole', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----';
    expect(r.redact(`before\n${key}\nafter`)).toBe(`before\n${REDACTED}\nafter`);
  });

  it('hides Authorization header values but keeps the scheme', () => {
    expect(r.redact('Authorization: Bearer abc.def')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(r.redact('{"authorization":"token s3cr3t"}')).toBe(`{"authorization":"token ${REDACTED}"}`);
  });

  it('hides the values of named env vars, longest first', () => {
    const env = { API_TOKEN: 'supersecretvalue', SHORT: 'abc', PART: 'secretval' };
    const red = Redactor.fromEnv(['API_TOKEN', 'SHORT', 'PART', 'MISSING'], env);
    expect(red.redact('x supersecretvalue y secretval z abc')).toBe(`x ${REDACTED} y ${REDACTED} z abc`);
  });

  it('redacts deep values and leaves ordinary text alone', () => {
    const red = new Redactor(['hunter2hunter2']);
    expect(red.redactDeep({ a: ['hunter2hunter2', 1], b: { c: 'ok' } })).toEqual({
      a: [REDACTED, 1],
      b: { c: 'ok' },
    });
    expect(r.redact('5 passed, 3 failed in 2.1 s')).toBe('5 passed, 3 failed in 2.1 s');
  });
});
