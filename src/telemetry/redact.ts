/**
 * The one redaction point. Every text that leaves the process (worklogs, run records, logs, GitHub
 * bodies, stdout, the job summary) passes through a Redactor built from the playbook's `redact.env`
 * list (plus the GitHub token in use).
 *
 * Redaction works on structured data: `redactDeep` masks every string value (and key) before anything
 * is serialized, escaped, slugged or cut, so a PEM block without its END line masks to the end of that
 * one value, and JSON escaping cannot hide or break a match. `scan` is the fail-closed check that runs
 * on what is about to leave: it also looks through percent, HTML and JSON escapes, and what it still
 * finds is withheld instead of sent (see outlet.ts).
 */

export const REDACTED = '[REDACTED]';
/** What replaces a value the outbound scan still found a secret shape in. */
export const WITHHELD = '[WITHHELD: still looked like a secret after redaction]';

interface Shape {
  kind: string;
  pattern: RegExp;
  /**
   * Text every match contains (case-insensitive when `pattern` is): a text without it skips the
   * pattern's regex.
   */
  hint: RegExp;
  /** Replacement keeping the non-secret parts (a key name, a scheme); default: REDACTED. */
  mask?: (match: string, ...groups: string[]) => string;
  /** The secret part of a match (for the scan, which must not count an already-masked value). */
  secret?: (match: string, ...groups: string[]) => string;
}

const keep =
  (n: number) =>
  (_m: string, ...g: string[]): string =>
    `${g.slice(0, n).join('')}${REDACTED}`;
const group =
  (n: number) =>
  (_m: string, ...g: string[]): string =>
    g[n - 1] ?? '';

/**
 * The secret shapes. Prefix tokens are matched without a leading word boundary, so a token glued to
 * a word character (`%3Dghp_…`, `\nghp_…` once escaped) is still found.
 */
const SHAPES: readonly Shape[] = [
  // GitHub: classic, OAuth, user-to-server, app installation, refresh, fine-grained.
  { kind: 'GitHub token', hint: /gh[oprsu]_/, pattern: /(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,255}/g },
  { kind: 'GitHub fine-grained token', hint: /github_pat_/, pattern: /github_pat_[A-Za-z0-9_]{22,255}/g },
  { kind: 'Google OAuth token', hint: /ya29\./, pattern: /ya29\.[A-Za-z0-9_\-.]{10,}/g },
  { kind: 'Google API key', hint: /AIza/, pattern: /AIza[0-9A-Za-z_-]{35}/g },
  // PEM private keys; a BEGIN without END masks to the end of this value only.
  {
    kind: 'private key',
    hint: /-----BEGIN/,
    pattern:
      /-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  // A GCP service-account JSON's key id (the key itself is a PEM block).
  {
    kind: 'service-account key id',
    hint: /private_key_id/i,
    pattern: /(private_key_id\\*["']?\s*[:=]\s*\\*["']?)([0-9a-f]{16,})/gi,
    mask: keep(1),
    secret: group(2),
  },
  { kind: 'JWT', hint: /eyJ/, pattern: /eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g },
  {
    kind: 'AWS access key id',
    hint: /A(?:KIA|SIA|BIA|CCA|GPA|IDA|IPA|NPA|NVA|ROA|PKA|SCA)/,
    pattern: /(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}(?![A-Z0-9])/g,
  },
  {
    kind: 'AWS secret access key',
    hint: /secret/i,
    pattern:
      /((?:aws)?[_-]?secret[_-]?(?:access)?[_-]?key(?:[_-]?id)?\\*["']?\s*[:=]\s*\\*["']?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    mask: keep(1),
    secret: group(2),
  },
  { kind: 'Slack token', hint: /xox[abposre]-/, pattern: /xox[abposre]-[A-Za-z0-9-]{10,}/g },
  {
    kind: 'Slack webhook',
    hint: /hooks\.slack\.com/,
    pattern: /hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{20,}/g,
  },
  { kind: 'npm token', hint: /npm_/, pattern: /npm_[A-Za-z0-9]{36}/g },
  {
    kind: 'npm auth token',
    hint: /_auth/,
    pattern: /(_auth(?:Token)?\s*=\s*)([^\s"'[]\S*)/g,
    mask: keep(1),
    secret: group(2),
  },
  // scheme://user:password@host
  {
    kind: 'password in a URL',
    hint: /:\/\//,
    pattern: /([A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s/:@"'<>`]{1,200}:)([^\s/@"'<>`[]{1,200})(@)/g,
    mask: (_m, a, _p, c) => `${a}${REDACTED}${c}`,
    secret: group(2),
  },
  // `Authorization: Bearer x`, `authorization=token x`, as header lines or JSON-ish pairs.
  {
    kind: 'Authorization header',
    hint: /authorization/i,
    pattern:
      /(\bauthorization\\*["']?\s*[:=]\s*\\*["']?)(?:(bearer|token|basic)\s+|(?!(?:bearer|token|basic)\s))([^\s"'\\,;[][^\s"'\\,;]*)/gi,
    mask: (_m, prefix: string, scheme: string | undefined) =>
      scheme ? `${prefix}${scheme} ${REDACTED}` : `${prefix}${REDACTED}`,
    secret: group(3),
  },
  // A bearer token anywhere (`curl -H "…Bearer x"`, `Bearer x` in a log line).
  {
    kind: 'bearer token',
    hint: /bearer/i,
    pattern: /(\bbearer\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi,
    mask: keep(1),
    secret: group(2),
  },
];

/**
 * Text every match of some shape contains (its `hint`s, case-insensitively: a superset of what the
 * shapes match). A text without any skips the shapes' regexes: on a big audit report (thousands of
 * short strings: paths, messages, fingerprints) running every shape on every string was a fifth of
 * the audit's time; a text with one runs only the shapes whose hint it holds (a URL, common in code
 * and reports, ran all sixteen). The per-shape samples of test/unit/redact-shapes.test.ts check it.
 */
const MAYBE_SHAPE = new RegExp(SHAPES.map((s) => s.hint.source).join('|'), 'i');

/**
 * tdl's own credentials: hidden from every output, and not passed to suites unless a suite's `env`
 * asks for them by name (see the process adapter).
 */
export const CREDENTIAL_ENV: readonly string[] = [
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GH_ENTERPRISE_TOKEN',
  'GITHUB_ENTERPRISE_TOKEN',
];

/** Values shorter than this are not redacted by value: "1" or "true" would shred every text. */
const MIN_SECRET_LENGTH = 6;

/** The forms a value takes once escaped for JSON, HTML, markdown tables or URLs. */
function escapedForms(value: string): string[] {
  const json = (t: string) => JSON.stringify(t).slice(1, -1);
  const html = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  // The worklog's `inert`: only what could start a tag or an entity.
  const inertHtml = (t: string) => t.replace(/&(?=#?\w+;)/g, '&amp;').replace(/<(?=[A-Za-z/!?])/g, '&lt;');
  const forms = new Set<string>([encodeURIComponent(value)]);
  for (const a of [value, json(value), json(json(value))])
    for (const b of [a, html(a), html(a).replace(/"/g, '&quot;'), inertHtml(a)])
      for (const c of [b, b.replace(/\|/g, '\\|')]) forms.add(c);
  return [...forms];
}

/** Undoes the escapes a secret may hide behind in serialized output (for the scan only). */
function decoded(text: string): string[] {
  const out = [text];
  if (/\\[nrt"\\/u]/.test(text))
    out.push(
      text.replace(/\\u([0-9a-fA-F]{4})|\\(.)/g, (_m, hex: string | undefined, c: string) =>
        hex ? String.fromCharCode(Number.parseInt(hex, 16)) : c === 'n' ? '\n' : c === 't' ? '\t' : c,
      ),
    );
  if (/&(?:#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);/i.test(text))
    out.push(
      text.replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
        const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
        if (e[0] !== '#') return named[e.toLowerCase()] ?? '';
        return String.fromCodePoint(
          e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
        );
      }),
    );
  if (/%[0-9a-fA-F]{2}/.test(text))
    out.push(
      text.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
    );
  return out;
}

export interface ScanHit {
  kind: string;
}

/** Where a text may be cut without leaving part of a token: the start of the unbroken run around `at`. */
const MAX_RUN_BACKOFF = 512;

/**
 * Cuts `text` to at most `max` characters, keeping the start (`'start'`) or the end (`'end'`). The cut
 * never falls inside a secret shape or an unbroken run of non-space characters (where a token or a
 * `redact.env` value would be): it moves back to the run's edge. Pure; safe on unredacted text.
 */
export function cutText(text: string, max: number, keepPart: 'start' | 'end' = 'start'): string {
  if (text.length <= max) return text;
  if (keepPart === 'start') {
    let at = Math.max(0, max);
    for (const s of SHAPES) {
      for (const m of text
        .slice(0, Math.min(text.length, max + 2048))
        .matchAll(new RegExp(s.pattern.source, s.pattern.flags))) {
        if (m.index < at && m.index + m[0].length > at) at = m.index;
      }
    }
    if (/\S/.test(text[at] ?? ' ') && at > 0 && /\S/.test(text[at - 1]!)) {
      let i = at;
      while (i > 0 && at - i < MAX_RUN_BACKOFF && /\S/.test(text[i - 1]!)) i--;
      at = at - i < MAX_RUN_BACKOFF ? i : at;
    }
    return text.slice(0, at);
  }
  let at = text.length - max;
  const windowStart = Math.max(0, at - 2048);
  for (const s of SHAPES) {
    for (const m of text.slice(windowStart).matchAll(new RegExp(s.pattern.source, s.pattern.flags))) {
      const start = windowStart + m.index;
      if (start < at && start + m[0].length > at) at = start + m[0].length;
    }
  }
  if (at < text.length && /\S/.test(text[at]!) && at > 0 && /\S/.test(text[at - 1]!)) {
    let i = at;
    while (i < text.length && i - at < MAX_RUN_BACKOFF && /\S/.test(text[i]!)) i++;
    at = i - at < MAX_RUN_BACKOFF ? i : at;
  }
  return text.slice(at);
}

export class Redactor {
  private readonly values: string[];
  /** The values and their escaped forms, longest first. */
  private readonly forms: string[];
  private withheldCount = 0;

  constructor(secretValues: Iterable<string> = []) {
    const unique = new Set<string>();
    for (const v of secretValues) if (v && v.length >= MIN_SECRET_LENGTH) unique.add(v);
    this.values = [...unique];
    // Longest first, so a secret that contains another is replaced whole.
    this.forms = [...new Set(this.values.flatMap(escapedForms))]
      .filter((f) => f.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
  }

  /** Redactor for the values of the named environment variables (the playbook's `redact.env`). */
  static fromEnv(names: readonly string[], env: NodeJS.ProcessEnv = process.env): Redactor {
    // The GitHub token tdl would publish with is hidden in every run, whether or not it is listed.
    return new Redactor([...names, ...CREDENTIAL_ENV].map((n) => env[n] ?? ''));
  }

  /** A redactor that also hides these extra values (for example a token found at run time). */
  with(values: Iterable<string>): Redactor {
    return new Redactor([...this.values, ...values]);
  }

  /** How many values the outbound scan withheld so far (the run says so when this is not 0). */
  get withheld(): number {
    return this.withheldCount;
  }

  /** Masks every secret in one string value. */
  redact(text: string): string {
    let out = text;
    for (const value of this.forms) if (out.includes(value)) out = out.split(value).join(REDACTED);
    if (!MAYBE_SHAPE.test(out)) return out;
    for (const s of SHAPES) {
      if (!s.hint.test(out)) continue;
      s.pattern.lastIndex = 0;
      out = s.mask
        ? out.replace(s.pattern, s.mask as (m: string, ...g: string[]) => string)
        : out.replace(s.pattern, REDACTED);
    }
    return out;
  }

  /**
   * The outbound check: the first secret shape (or `redact.env` value) still in `text`, looking
   * through JSON, HTML and percent escapes; null when clean.
   */
  scan(text: string): ScanHit | null {
    for (const t of decoded(text)) {
      for (const value of this.values)
        if (t.includes(value)) return { kind: 'redact.env value or token in use' };
      if (!MAYBE_SHAPE.test(t)) continue;
      for (const s of SHAPES) {
        if (!s.hint.test(t)) continue;
        for (const m of t.matchAll(new RegExp(s.pattern.source, s.pattern.flags))) {
          const secret = s.secret ? s.secret(m[0], ...(m.slice(1) as string[])) : m[0];
          if (secret && !secret.startsWith(REDACTED) && !secret.startsWith('[WITHHELD'))
            return { kind: s.kind };
        }
      }
    }
    return null;
  }

  /** Redacts a value and withholds it whole if the scan still finds a secret in it. */
  private clean(text: string): string {
    const out = this.redact(text);
    if (this.scan(out)) {
      this.withheldCount += 1;
      return WITHHELD;
    }
    return out;
  }

  /** Redacts every string (values and keys) inside a JSON-compatible value, before it is serialized. */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.clean(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[this.redact(k)] = this.redactDeep(v);
      return out as T;
    }
    return value;
  }

  /** A redacted text cut to `max` characters: redaction first, so no cut leaves part of a secret. */
  clip(text: string, max: number, keepPart: 'start' | 'end' = 'start'): string {
    return cutText(this.redact(text), max, keepPart);
  }
}
