/**
 * The one redaction point. Every text that leaves the process (worklogs, run records, logs, GitHub
 * bodies, stdout) passes through a Redactor built from the playbook's `redact.env` list.
 */

export const REDACTED = '[REDACTED]';

const TOKEN_PATTERNS: readonly RegExp[] = [
  // GitHub tokens: classic, OAuth, app installation, user-to-server, refresh, fine-grained.
  /\b(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{20,255}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g,
  // Google OAuth access tokens.
  /\bya29\.[A-Za-z0-9_\-.]{10,}/g,
  // PEM private key blocks (RSA, EC, OPENSSH, plain PRIVATE KEY).
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  // JWTs: three base64url parts, the first two starting like a JSON object.
  /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
];

// `Authorization: Bearer x`, `authorization=token x`, as header lines or JSON-ish pairs.
const AUTH_HEADER = /(\bauthorization["']?\s*[:=]\s*["']?)(?:(bearer|token|basic)\s+)?([^\s"',;]+)/gi;

/** Values shorter than this are not redacted by value: "1" or "true" would shred every text. */
const MIN_SECRET_LENGTH = 6;

export class Redactor {
  private readonly values: string[];

  constructor(secretValues: Iterable<string> = []) {
    const unique = new Set<string>();
    for (const v of secretValues) if (v && v.length >= MIN_SECRET_LENGTH) unique.add(v);
    // Longest first, so a secret that contains another is replaced whole.
    this.values = [...unique].sort((a, b) => b.length - a.length);
  }

  /** Redactor for the values of the named environment variables (the playbook's `redact.env`). */
  static fromEnv(names: readonly string[], env: NodeJS.ProcessEnv = process.env): Redactor {
    return new Redactor(names.map((n) => env[n] ?? ''));
  }

  /** A redactor that also hides these extra values (for example a token found at run time). */
  with(values: Iterable<string>): Redactor {
    return new Redactor([...this.values, ...values]);
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.values) out = out.split(value).join(REDACTED);
    for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, REDACTED);
    out = out.replace(AUTH_HEADER, (_m, prefix: string, scheme: string | undefined) =>
      scheme ? `${prefix}${scheme} ${REDACTED}` : `${prefix}${REDACTED}`,
    );
    return out;
  }

  /** Redacts every string inside a JSON-compatible value. */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.redactDeep(v);
      return out as T;
    }
    return value;
  }
}
