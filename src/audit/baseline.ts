/**
 * The baseline: known violations, keyed by rule, file and a fingerprint of the offending code (never
 * by line), so edits elsewhere in a file leave a known violation known. Committable JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { writeJsonAtomic } from '../telemetry/outlet.js';
import type { Redactor } from '../telemetry/redact.js';
import type { Violation } from './types.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  ruleId: string;
  file: string;
  fingerprint: string;
  /** Where it was when recorded; informational only. */
  line: number;
  message: string;
}

export interface Baseline {
  version: number;
  tool: 'tdl';
  entries: BaselineEntry[];
}

export interface BaselineComparison {
  file: string;
  entries: number;
  newCount: number;
  knownCount: number;
  /** Baseline entries that no longer occur. */
  fixed: BaselineEntry[];
}

/** Reads a baseline; null when the file does not exist. A malformed file is a usage error. */
export function readBaseline(file: string): Baseline | null {
  if (!existsSync(file)) return null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError('EBASELINE', `${file}: not valid JSON (${(e as Error).message})`);
  }
  const b = data as Partial<Baseline>;
  if (b?.version !== BASELINE_VERSION || !Array.isArray(b.entries)) {
    throw new UsageError(
      'EBASELINE',
      `${file}: expected a tdl audit baseline (version ${BASELINE_VERSION} with "entries")`,
      'rewrite it with `tdl audit --update-baseline`',
    );
  }
  return b as Baseline;
}

export function baselineOf(violations: readonly Violation[]): Baseline {
  const entries = violations
    .map((v) => ({
      ruleId: v.ruleId,
      file: v.file,
      fingerprint: v.fingerprint,
      line: v.line,
      message: v.message,
    }))
    .sort(
      (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.fingerprint.localeCompare(b.fingerprint),
    );
  return { version: BASELINE_VERSION, tool: 'tdl', entries };
}

export function writeBaseline(file: string, violations: readonly Violation[], redactor: Redactor): Baseline {
  const b = baselineOf(violations);
  writeJsonAtomic(file, b, redactor);
  return b;
}

/** Marks each violation `new` or `known` (in place) and lists the baseline entries now fixed. */
export function compareWithBaseline(
  file: string,
  baseline: Baseline,
  violations: Violation[],
): BaselineComparison {
  const known = new Set(baseline.entries.map((e) => e.fingerprint));
  const present = new Set<string>();
  let newCount = 0;
  for (const v of violations) {
    present.add(v.fingerprint);
    v.status = known.has(v.fingerprint) ? 'known' : 'new';
    if (v.status === 'new') newCount++;
  }
  return {
    file,
    entries: baseline.entries.length,
    newCount,
    knownCount: violations.length - newCount,
    fixed: baseline.entries.filter((e) => !present.has(e.fingerprint)),
  };
}
