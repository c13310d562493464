/**
 * Failure signatures: what makes two failures "the same". Pure functions. A signature is the
 * exception type, the message with its variable parts masked, and the top stack frame inside the
 * repository under test. Two failures with equal signatures are one cluster.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version of the signature rule. Bump it whenever a change can group the same failures
 * differently: records keep it, and publishing maps issues filed under an older version to the new
 * clusters through their test ids instead of filing them again. 1: up to tdl 0.1.0.
 */
export const SIGNATURE_VERSION = 2;

/** A stack frame in the repository under test, path relative to the repository. */
export interface ProjectFrame {
  file: string;
  line: number;
  /** The function name when the stack gives a useful one (not `<anonymous>`). */
  fn: string | null;
}

// Order matters: wider shapes (timestamps, uuids, paths) are masked before the numbers inside them.
const MASKS: readonly (readonly [RegExp, string])[] = [
  // ISO-8601 and similar timestamps, with optional time zone.
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g, '<time>'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  // Temporary paths (POSIX and Windows) up to the next space or quote.
  [
    /(?:\/(?:tmp|var\/folders|private\/var\/folders|var\/tmp)\/|[A-Za-z]:\\(?:Users\\[^\\\s]+\\AppData\\Local\\)?Temp\\)[^\s'"`)]*?(?=[:,;.]?(?:\s|$|['"`)]))/g,
    '<tmp>',
  ],
  // Quoted values: "x", 'x', `x`.
  [/"(?:[^"\\]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '<str>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  // Hex runs of 7+ characters with at least one digit (commit shas, object ids, hashes).
  [/\b(?=[0-9a-f]*\d)[0-9a-f]{7,}\b/gi, '<hex>'],
  // Identifiers with digits glued to letters (`user42`, `req_8f3a`): ids.
  [/\b[A-Za-z]+[_-]?\d+[A-Za-z0-9_-]*\b/g, '<id>'],
  [/-?\b\d+(?:\.\d+)?\b/g, '<n>'],
];

const ENTITIES: Record<string, string> = { quot: '"', apos: "'", amp: '&', lt: '<', gt: '>' };

/** Decodes the five XML entities (some report writers leave them in messages). */
export function decodeEntities(text: string): string {
  return text.replace(/&(quot|apos|amp|lt|gt);/g, (_m, name: string) => ENTITIES[name]!);
}

/** A stack line without its error prefix: `[Error [ERR_X]: `, `AssertionError [ERR_ASSERTION]: `, `Error: `. */
const ERROR_PREFIX = /^\[?(?:[\w.$]*(?:Error|Exception)\w*)?(?: \[[A-Z0-9_]+\])?\]?:\s+/;

/**
 * The first line of a failure message. Some reports lose the newlines of a message (node:test's
 * JUnit writes `event\n+ actual - expected` as `event+ actual - expected`); the stack keeps them. So
 * when a stack line is a proper start of the message and the next stack line continues it exactly,
 * the line ends there.
 */
export function messageHead(message: string | undefined, stack?: string | null): string {
  const head = decodeEntities(message ?? '')
    .split('\n')[0]!
    .trim();
  if (!stack || !head) return head;
  const lines = decodeEntities(stack)
    .split('\n')
    .slice(0, 40)
    .map((l) => l.trim());
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.replace(ERROR_PREFIX, '');
    if (!text || text.length >= head.length || !head.startsWith(text)) continue;
    const next = lines.slice(i + 1).find(Boolean);
    if (next && head.slice(text.length).startsWith(next)) return text;
  }
  return head;
}

/** The first line of a message with numbers, ids, hex, timestamps, temp paths and quoted values masked. */
export function normalizeMessage(message: string): string {
  let text = decodeEntities(message).split('\n')[0]!.trim();
  for (const [pattern, mask] of MASKS) text = text.replace(pattern, mask);
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

/** The exception type named by a stack or message (`AssertionError`, `TypeError`, `KeyError`), or null. */
export function exceptionType(stack: string | undefined, message: string | undefined): string | null {
  const text = decodeEntities(`${stack ?? ''}\n${message ?? ''}`);
  // Node's test runner wraps the real error: prefer the cause.
  const cause = /cause:\s*([A-Z][A-Za-z0-9_]*(?:Error|Exception))\b/.exec(text);
  if (cause) return cause[1]!;
  const named = /(?:^|\n|\s)([A-Z][A-Za-z0-9_.]*(?:Error|Exception|Failure))(?:\s*\[[A-Z_]+\])?:/.exec(text);
  if (named) return named[1]!.split('.').pop()!;
  const python = /^E\s+([A-Z][A-Za-z0-9_]*(?:Error|Exception))\b/m.exec(text);
  return python ? python[1]! : null;
}

interface RawFrame {
  path: string;
  line: number;
  fn: string | null;
}

function framesOf(stack: string): RawFrame[] {
  const out: RawFrame[] = [];
  for (const raw of stack.split('\n')) {
    const line = raw.trim();
    // JavaScript: `at fn (file:line:col)` or `at file:line:col`.
    let m = /^at (?:(?:async )?(.+?) \()?(.+?):(\d+):\d+\)?$/.exec(line);
    if (m) {
      out.push({ fn: m[1] ?? null, path: m[2]!, line: Number(m[3]) });
      continue;
    }
    // Python: `File "path", line N, in fn`.
    m = /^File "(.+?)", line (\d+)(?:, in (.+))?$/.exec(line);
    if (m) {
      out.push({ path: m[1]!, line: Number(m[2]), fn: m[3] ?? null });
      continue;
    }
    // Go, pytest short form and others: `path/file.ext:N` at the start of a line.
    m = /^([\w./\\-]+\.[A-Za-z]+):(\d+)(?::\d+)?(?:[:\s]|$)/.exec(line);
    if (m) out.push({ path: m[1]!, line: Number(m[2]), fn: null });
  }
  return out;
}

function toRepoPath(path: string, repoDir: string): string | null {
  let p = path;
  if (p.startsWith('file://')) {
    try {
      p = fileURLToPath(p);
    } catch {
      return null;
    }
  }
  if (p.startsWith('node:') || p.startsWith('internal/')) return null;
  const rel = isAbsolute(p) ? relative(repoDir, p) : p;
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  const parts = rel.split(/[\\/]/);
  if (parts.some((s) => s === 'node_modules' || s === 'site-packages' || s === 'vendor')) return null;
  return rel.split(sep).join('/');
}

/** The first stack frame inside `repoDir` (not in dependencies), or null. */
export function topProjectFrame(stack: string | undefined, repoDir: string): ProjectFrame | null {
  if (!stack) return null;
  for (const f of framesOf(decodeEntities(stack))) {
    const file = toRepoPath(f.path, repoDir);
    if (!file) continue;
    const fn = f.fn && !/<anonymous>|^Object\.<anonymous>$/.test(f.fn) ? f.fn : null;
    return { file, line: f.line, fn };
  }
  return null;
}

/** Every stack frame inside `repoDir`, top first, at most `max` (for an agent reading one failure). */
export function projectFrames(stack: string | undefined, repoDir: string, max = 10): ProjectFrame[] {
  const out: ProjectFrame[] = [];
  for (const f of framesOf(decodeEntities(stack ?? ''))) {
    if (out.length >= max) break;
    const file = toRepoPath(f.path, repoDir);
    if (file) out.push({ file, line: f.line, fn: f.fn && !/<anonymous>/.test(f.fn) ? f.fn : null });
  }
  return out;
}

/**
 * The location part of a signature. A named function is used instead of the line so that editing
 * lines above it does not change the cluster (and phase 6 does not file a new issue); anonymous
 * frames fall back to the line.
 */
export function frameKey(frame: ProjectFrame | null): string {
  if (!frame) return '<no project frame>';
  return frame.fn ? `${frame.file}#${frame.fn}` : `${frame.file}:${frame.line}`;
}

export interface FailureSignature {
  text: string;
  type: string | null;
  normalized: string;
  frame: ProjectFrame | null;
}

/** The signature of one failing test. */
export function signatureOf(
  message: string | undefined,
  stack: string | undefined,
  repoDir: string,
): FailureSignature {
  const type = exceptionType(stack, message);
  const normalized = normalizeMessage(message ?? stack ?? '(no message)');
  const frame = topProjectFrame(stack, repoDir);
  return { type, normalized, frame, text: [type ?? '<no type>', normalized, frameKey(frame)].join(' | ') };
}
