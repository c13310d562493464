/**
 * Reads a playbook file: YAML with source positions, then the zod schema, then paths resolved
 * relative to the playbook. Every problem is reported at once with file:line:column and key path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type * as z from 'zod';
import { PlaybookError, type PlaybookProblem, UsageError } from '../core/errors.js';
import { findGitRoot } from '../core/git-root.js';
import { type PlaybookConfig, playbookSchema } from './schema.js';

export const DEFAULT_PLAYBOOKS = ['tdl.yaml', 'tdl.yml', 'playbooks/tdl.yaml'];

/** A validated playbook with absolute paths. */
export interface Playbook extends PlaybookConfig {
  /** Absolute path of the playbook file. */
  file: string;
  /** Absolute path of the repository under test (cwd of every suite, deploy and git command). */
  repoDir: string;
  /** Absolute path of the worklog folder. */
  worklogDir: string;
}

/** Finds the playbook to use: the given path, or the first default that exists. */
export function locatePlaybook(given: string | undefined, cwd = process.cwd()): string {
  if (given) {
    const path = resolve(cwd, given);
    if (!existsSync(path)) throw new UsageError('ENOPLAYBOOK', `playbook not found: ${given}`);
    return path;
  }
  for (const name of DEFAULT_PLAYBOOKS) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  throw new UsageError(
    'ENOPLAYBOOK',
    `no playbook given and none of ${DEFAULT_PLAYBOOKS.join(', ')} exists in ${cwd}`,
    'pass -p <playbook.yaml>, or create one with `tdl init`',
  );
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return String(value);
}

function issueMessage(issue: z.core.$ZodIssue, actual: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return actual === undefined
        ? `required key is missing (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${describeValue(actual)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; got ${describeValue(actual)}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `expected at least ${String(issue.minimum)} item(s)`
        : `expected at least ${String(issue.minimum)}, got ${describeValue(actual)}`;
    case 'too_big':
      return `expected at most ${String(issue.maximum)}, got ${describeValue(actual)}`;
    case 'invalid_format':
      return `${issue.message}, got ${describeValue(actual)}`;
    default:
      return issue.message;
  }
}

function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out;
}

/**
 * Bounds on a playbook file, checked before the YAML parser sees it: its size, its values, the nesting
 * of its collections, the aliases resolved. The parser's time follows the number of values (about 10
 * to 100 µs each, on a loaded machine), and its recursion the nesting of flow collections.
 */
const MAX_PLAYBOOK_CHARS = 1024 * 1024;
/** Lines plus flow separators (`,`): at most this many values, ten times the longest playbook we know. */
const MAX_VALUES = 20_000;
const MAX_DEPTH = 64;
const MAX_ALIASES = 100;

/**
 * One linear scan, no parser: where the text first nests `[`/`{` deeper than MAX_DEPTH, or first holds
 * more than MAX_VALUES values (newlines, and commas outside quotes and comments); null when neither.
 */
function preScan(text: string): { offset: number; message: string } | null {
  let depth = 0;
  let values = 1;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || (ch === ',' && !quote)) {
      values++;
      if (values > MAX_VALUES)
        return {
          offset: i,
          message: `a playbook may hold at most ${MAX_VALUES} values (lines and list items)`,
        };
    }
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl - 1;
    } else if (ch === '[' || ch === '{') {
      depth++;
      if (depth > MAX_DEPTH) return { offset: i, message: `nesting deeper than ${MAX_DEPTH} levels` };
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return null;
}

/**
 * What the parser accepts but a playbook must not hold, found in one pass over the document: duplicate
 * keys (a Set per mapping), keys that are not plain values (a list or mapping as a key would be turned
 * into a string of itself, which can grow exponentially), nesting deeper than MAX_DEPTH (block nesting
 * such as `- - - - 1` that the flow-depth scan before parsing does not see), and aliases that point at
 * no anchor. Each is reported where it is.
 */
function structureProblems(
  doc: ReturnType<typeof parseDocument>,
  file: string,
  at: (o: number) => { line: number; col: number },
): PlaybookProblem[] {
  const out: PlaybookProblem[] = [];
  const problem = (offset: number | undefined, message: string) => {
    const pos = at(offset ?? 0);
    out.push({ file, line: pos.line, column: pos.col, path: '', message });
  };
  visit(doc, {
    Node(_k, node, path) {
      if (path.filter((p) => isMap(p) || isSeq(p)).length > MAX_DEPTH) {
        problem(node.range?.[0], `nesting deeper than ${MAX_DEPTH} levels`);
        return visit.BREAK;
      }
      if (isAlias(node) && !node.resolve(doc))
        problem(
          node.range?.[0],
          `unknown alias *${node.source.slice(0, 80)} (no anchor &${node.source.slice(0, 80)} before it)`,
        );
      if (!isMap(node)) return;
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (pair.key === null || pair.key === undefined) continue;
        if (!isScalar(pair.key)) {
          const keyNode = pair.key as { range?: [number, number, number] };
          problem(
            keyNode.range?.[0],
            'expected a plain key (a word or a string), got a list, mapping or alias',
          );
          continue;
        }
        const key = String(pair.key.value);
        if (seen.has(key)) problem(pair.key.range?.[0], `duplicate key "${key.slice(0, 80)}"`);
        seen.add(key);
      }
    },
  });
  return out;
}

/** Parses and validates playbook text. `file` is used for messages and for resolving paths. */
export function parsePlaybook(text: string, file: string): Playbook {
  const shown = relative(process.cwd(), file) || file;
  const lineCounter = new LineCounter();
  const at = (offset: number) => lineCounter.linePos(offset);
  if (text.length > MAX_PLAYBOOK_CHARS)
    throw new PlaybookError([
      {
        file: shown,
        line: 1,
        column: 1,
        path: '',
        message: `the file has ${text.length} characters; a playbook may have at most ${MAX_PLAYBOOK_CHARS}`,
      },
    ]);
  const bound = preScan(text);
  if (bound) {
    // Before parsing, the line counter knows nothing yet: count the lines up to the offset.
    const before = text.slice(0, bound.offset);
    throw new PlaybookError([
      {
        file: shown,
        line: before.split('\n').length,
        column: bound.offset - before.lastIndexOf('\n'),
        path: '',
        message: bound.message,
      },
    ]);
  }
  let doc: ReturnType<typeof parseDocument>;
  try {
    // Duplicate keys are checked below in one pass (the parser's own check compares every pair).
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch (error) {
    if (error instanceof RangeError)
      throw new PlaybookError([
        { file: shown, line: 1, column: 1, path: '', message: `nesting too deep to read` },
      ]);
    throw error;
  }
  const syntax: PlaybookProblem[] = doc.errors.map((e) => {
    const pos = at(e.pos[0]);
    return {
      file: shown,
      line: pos.line,
      column: pos.col,
      path: '',
      // The parser's own recursion gives out on nesting it cannot follow (it catches the overflow).
      message: /call stack/i.test(e.message)
        ? `nesting too deep to read (at most ${MAX_DEPTH} levels)`
        : `invalid YAML: ${e.message.split('\n')[0]}`,
    };
  });
  syntax.push(...structureProblems(doc, shown, at));
  if (syntax.length > 0) throw new PlaybookError(syntax);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    // An alias that expands past the limit (a "billion laughs"): reported at the first alias.
    let first: number | null = null;
    visit(doc, {
      Alias(_k, node) {
        first ??= node.range?.[0] ?? null;
      },
    });
    const pos = at(first ?? 0);
    throw new PlaybookError([
      {
        file: shown,
        line: pos.line,
        column: pos.col,
        path: '',
        message: `alias expands too far (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); at most ${MAX_ALIASES} aliases may be resolved`,
      },
    ]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PlaybookError([
      { file: shown, line: 1, column: 1, path: '', message: 'expected a mapping of playbook keys' },
    ]);
  }
  const parsed = playbookSchema.safeParse(raw);
  if (!parsed.success) {
    const problems: PlaybookProblem[] = parsed.error.issues.map((issue) => {
      // Point at the deepest node that exists on the issue's path.
      let path = [...issue.path];
      if (issue.code === 'unrecognized_keys' && issue.keys[0]) path = [...path, issue.keys[0]];
      let node: unknown;
      for (let n = path.length; n >= 0; n--) {
        node = doc.getIn(path.slice(0, n) as (string | number)[], true);
        if (n === 0) node = doc.contents;
        if (isNode(node)) break;
      }
      let offset = 0;
      if (isNode(node) && node.range) offset = node.range[0];
      if (issue.code === 'unrecognized_keys' && issue.keys[0]) {
        // The key itself, not its value, is what is wrong.
        const parent = doc.getIn(issue.path as (string | number)[], true);
        const pair =
          isNode(parent) && 'items' in parent
            ? (parent.items as { key?: unknown }[]).find(
                (p) => isNode(p.key) && String((p.key as { value?: unknown }).value) === issue.keys[0],
              )
            : undefined;
        if (pair && isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
      }
      const pos = lineCounter.linePos(offset);
      const actual = doc.getIn(issue.path as (string | number)[]);
      return {
        file: shown,
        line: pos.line,
        column: pos.col,
        path: keyPath(
          issue.code === 'unrecognized_keys' && issue.keys[0] ? [...issue.path, issue.keys[0]] : issue.path,
        ),
        message: issueMessage(issue, isNode(actual) ? (actual as { toJSON(): unknown }).toJSON() : actual),
      };
    });
    throw new PlaybookError(problems);
  }
  const config = parsed.data;
  const dir = dirname(file);
  const repoDir = config.repo ? resolve(dir, config.repo) : (findGitRoot(dir) ?? dir);
  const worklogDir = config.worklog.dir ? resolve(dir, config.worklog.dir) : resolve(repoDir, 'worklogs');
  return { ...config, file, repoDir, worklogDir };
}

/** Reads a playbook file from disk. */
export function loadPlaybook(path: string): Playbook {
  const file = isAbsolute(path) ? path : resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      'ENOPLAYBOOK',
      `cannot read playbook ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const playbook = parsePlaybook(text, file);
  if (!existsSync(playbook.repoDir)) {
    throw new UsageError(
      'EPLAYBOOK',
      `${relative(process.cwd(), file)}: repo: folder ${playbook.repoDir} does not exist`,
    );
  }
  return playbook;
}
