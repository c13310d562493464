/** Parsing of shared CLI option values. */
import { UsageError } from '../core/errors.js';
import { PHASE_IDS, type PhaseId, type RunOptions } from '../core/record.js';

const PUBLISH = ['github', 'outbox', 'none'] as const;

export function parseOnly(value: string | undefined): PhaseId[] | null {
  if (!value) return null;
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = ids.filter((id) => !(PHASE_IDS as readonly string[]).includes(id));
  if (bad.length) {
    throw new UsageError(
      'EONLY',
      `--only: unknown phase ${bad.map((b) => `"${b}"`).join(', ')}; valid phases are ${PHASE_IDS.join(', ')}`,
    );
  }
  return ids as PhaseId[];
}

export function parsePublish(value: string | undefined): RunOptions['publish'] {
  if (value === undefined) return 'auto';
  if (!(PUBLISH as readonly string[]).includes(value)) {
    throw new UsageError(
      'EPUBLISH',
      `--publish is set as "${value}"; valid values are ${PUBLISH.join(', ')}`,
    );
  }
  return value as RunOptions['publish'];
}

export function parsePositiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError('EOPTION', `${name} is set as "${value}"; expected a whole number of at least 1`);
  return n;
}
