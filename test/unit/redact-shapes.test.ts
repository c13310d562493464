/** The redaction point on structured data: every shape, bounded PEM, escapes, cuts, the outbound scan. */
import { describe, expect, it } from 'vitest';
import { issueTitle } from '../../src/phases/6-publish/bodies.js';
import { outbound, outboundJson } from '../../src/telemetry/outlet.js';
import { cutText, REDACTED, Redactor, WITHHELD } from '../../src/telemetry/redact.js';
import { cell, inert } from '../../src/worklog/markdown.js';

const A36 = 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3gH5';
/** One sample per shape; `core` is the part that must never be seen again. */
const SAMPLES: { kind: string; text: string; core: string }[] = [
  { kind: 'ghp', text: `ghp_${A36}`, core: A36.slice(4, 20) },
  { kind: 'gho', text: `gho_${A36}`, core: A36.slice(4, 20) },
  { kind: 'ghu', text: `ghu_${A36}`, core: A36.slice(4, 20) },
  { kind: 'ghs', text: `ghs_${A36}`, core: A36.slice(4, 20) },
  { kind: 'ghr', text: `ghr_${A36}`, core: A36.slice(4, 20) },
  { kind: 'github_pat', text: `github_pat_11ABCDEFG0${A36}_${A36}`, core: `0${A36.slice(0, 12)}` },
  {
    kind: 'JWT',
    text: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    core: 'dozjgNryP4J3jVmNHl0w5N',
  },
  {
    kind: 'Bearer',
    text: 'curl -H "Authorization: Bearer q8Wz-Lm3.Rt7_Yp2Vx9"',
    core: 'q8Wz-Lm3.Rt7_Yp2Vx9',
  },
  {
    kind: 'PEM',
    text: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAq8Wz\nLm3Rt7Yp2Vx9\n-----END RSA PRIVATE KEY-----',
    core: 'MIIEowIBAAKCAQEAq8Wz',
  },
  {
    kind: 'GCP SA',
    text: '{"type":"service_account","private_key_id":"0123456789abcdef0123456789abcdef01234567","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQ\\n-----END PRIVATE KEY-----\\n"}',
    core: 'MIIEvQIBADANBgkqhkiG9w0BAQ',
  },
  { kind: 'AWS id', text: 'key AKIAQ3EGRZLNV5TXYP7K used', core: 'Q3EGRZLNV5TXYP7K' },
  {
    kind: 'AWS secret',
    text: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKQ',
    core: 'wJalrXUtnFEMI/K7MDENG',
  },
  { kind: 'Slack', text: 'xoxb-2945873910-9283746501-Zq8Wz3Lm4Rt7Yp2Vx9Kd', core: '9283746501-Zq8Wz3' },
  { kind: 'npm', text: `//registry.npmjs.org/:_authToken=npm_${A36}`, core: A36.slice(4, 20) },
  { kind: 'URL password', text: 'postgres://app:S3cr3t-P4ss@db.internal:5432/app', core: 'S3cr3t-P4ss' },
];

describe('every secret shape is masked', () => {
  const r = new Redactor();
  it.each(SAMPLES)('$kind', ({ text, core }) => {
    const out = r.redact(text);
    expect(out).toContain(REDACTED);
    expect(out).not.toContain(core);
    expect(r.scan(out)).toBeNull();
    // Glued to a word character, at a line start once escaped, inside a JSON string: still found.
    for (const variant of [`%3D${text}`, `x\n${text}`, JSON.stringify({ v: text })]) {
      expect(r.redact(variant)).not.toContain(core);
    }
  });

  it('is idempotent: a masked text stays as it is and scans clean', () => {
    for (const { text } of SAMPLES) {
      const once = r.redact(text);
      expect(r.redact(once)).toBe(once);
    }
  });

  it('leaves ordinary text alone', () => {
    for (const t of [
      '5 passed, 3 failed in 2.1 s',
      'expected 200, got 503 at https://example.com/api/v1',
      'the bearer of bad news',
      'Authorization failed',
    ])
      expect(r.redact(t)).toBe(t);
  });
});

describe('PEM blocks are bounded to their own value', () => {
  const r = new Redactor();
  it('a BEGIN without END masks to the end of that value only, and the JSON still parses', () => {
    const record = {
      a: 'line one\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow secret part',
      b: 'kept as it is',
      c: ['also kept'],
    };
    const text = outboundJson(record, r, 'test');
    const back = JSON.parse(text);
    expect(back.a).toBe(`line one\n${REDACTED}`);
    expect(back.b).toBe('kept as it is');
    expect(back.c).toEqual(['also kept']);
  });
});

describe('redact.env values, whatever characters they hold', () => {
  const value = 'p"a\\s&s<w>o|rd$1';
  const r = Redactor.fromEnv(['DB_PASSWORD'], { DB_PASSWORD: value });
  it('are masked raw and in their JSON, HTML and table escapes', () => {
    expect(r.redact(`x ${value} y`)).toBe(`x ${REDACTED} y`);
    expect(outboundJson({ v: `pw=${value}` }, r, 't')).not.toContain('s&s');
    expect(r.redact(inert(value))).toBe(REDACTED);
    expect(r.redact(cell(value))).not.toContain('o\\|rd');
  });
  it('the token in use is hidden whether or not redact.env lists it', () => {
    const t = Redactor.fromEnv([], { GITHUB_TOKEN: `ghp_${A36}x`, GH_TOKEN: 'plain-token-value-1234' });
    expect(t.redact('a plain-token-value-1234 b')).toBe(`a ${REDACTED} b`);
  });
});

describe('cuts never leave part of a secret', () => {
  it('cutText moves a cut out of a token (keeping the start or the end)', () => {
    const text = `before ghp_${A36} after`;
    for (let max = 8; max < text.length; max++) {
      const head = cutText(text, max);
      const tail = cutText(text, max, 'end');
      expect(head.length).toBeLessThanOrEqual(max);
      expect(tail.length).toBeLessThanOrEqual(max);
      for (const part of [head, tail])
        if (part.includes('ghp_') || part.includes(A36.slice(0, 6))) expect(part).toContain(A36);
    }
  });
  it('an unbroken run (where an env value would be) is not cut in its middle', () => {
    const secret = 'Zq8Wz3Lm4Rt7Yp2Vx9KdQ3';
    const text = `message: ${secret} more`;
    expect(cutText(text, 20)).toBe('message: ');
    expect(cutText(text, 10, 'end')).toBe(' more');
  });
  it('Redactor.clip redacts first, so a cut at 24 of 36 characters leaks nothing', () => {
    const r = new Redactor();
    const clipped = r.clip(`ghp_${A36}`, 24);
    expect(clipped).not.toContain(A36.slice(0, 8));
  });
});

describe('the outbound scan withholds what redaction could not see', () => {
  const r = new Redactor();
  it('a percent-encoded token is withheld (value by value in JSON, whole for a text)', () => {
    const hidden = `ghp%5F${A36}`;
    expect(r.redact(hidden)).toBe(hidden); // redaction does not decode
    const doc = JSON.parse(outboundJson({ a: hidden, b: 'fine' }, r, 't'));
    expect(doc).toEqual({ a: WITHHELD, b: 'fine' });
    expect(outbound(`text ${hidden}`, r, 'test output')).toBeNull();
    expect(outbound('clean text', r, 'test output')).toBe('clean text');
  });
});

describe('issue titles are made from redacted text', () => {
  it('a token in a failure message does not survive as Ghp-…', () => {
    const r = new Redactor();
    const title = issueTitle('E2E-DEPLOY-{reason}-{test}', {
      reason: r.redact(`token ghp_${A36} rejected`),
      test: r.redact(`uses eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N`),
      suite: 's',
      tier: 1,
      playbook: 'p',
      cluster: 'c',
    });
    expect(title).not.toMatch(/aB3dE5|dozjgN|Ghp-/i);
  });
});

describe('rendered test text is inert', () => {
  it('no live mention, reference or HTML', () => {
    const out = inert('@octocat see #12 and GH-7 <img src=y onerror=alert(1)>');
    expect(out).not.toMatch(/(^|\s)@octocat/);
    expect(out).not.toMatch(/#12/);
    expect(out).not.toMatch(/GH-7/);
    expect(out).not.toContain('<img');
    expect(cell('a | <b>x</b> & 1 < 2')).toBe('a \\| &lt;b>x&lt;/b> & 1 < 2');
  });
});
