/**
 * `tdl worklogs --test <id>`: one test's history from the store, newest first, with its health. The
 * id is matched on the form people read (`suite › group › name`): exactly, else as a unique part.
 */
import { UsageError } from '../core/errors.js';
import { formatDuration } from '../core/format.js';
import type { FlakyConfig } from '../phase-data/test-health.js';
import { table } from '../worklog/markdown.js';
import { classify, type HealthVerdict } from './classify.js';
import { idLabel, OUTCOME_WORDS, type TestHistory, type TestRunOutcome, testOutcomes } from './model.js';

export interface TestView {
  id: string;
  label: string;
  health: HealthVerdict;
  runs: TestRunOutcome[];
}

/** The test `given` names in `history`; a usage error when none or several match. */
export function findTest(history: TestHistory, given: string): string {
  const ids = [...history.codes.keys()];
  const exact = ids.filter((id) => idLabel(id) === given || id === given);
  if (exact.length === 1) return exact[0]!;
  const partial = ids.filter((id) => idLabel(id).includes(given));
  if (partial.length === 1) return partial[0]!;
  if (partial.length === 0)
    throw new UsageError(
      'ENOTEST',
      `no test matching "${given}" in the last ${history.runs.length} run(s) of this playbook`,
      'give the id as `tdl worklogs` and the worklogs write it: suite › group › name (a unique part is enough)',
    );
  const shown = partial.slice(0, 10).map((id) => `  ${idLabel(id)}`);
  throw new UsageError(
    'ENOTEST',
    `"${given}" matches ${partial.length} tests; name one:\n${shown.join('\n')}${partial.length > 10 ? `\n  … and ${partial.length - 10} more` : ''}`,
  );
}

export function testView(history: TestHistory, id: string, flaky: FlakyConfig): TestView {
  return {
    id,
    label: idLabel(id),
    health: classify(
      history.codes.get(id) ?? '',
      history.runs.map((r) => r.run),
      flaky,
    ),
    runs: testOutcomes(history, id),
  };
}

export function renderTestView(v: TestView): string {
  const rows = v.runs.map((r) => [
    `\`${r.run}\``,
    r.at,
    r.commit ? r.commit.slice(0, 12) : '–',
    OUTCOME_WORDS[r.code],
    r.attempts,
    r.durationMs === null ? '–' : formatDuration(r.durationMs),
    r.cluster ?? '–',
  ]);
  return [
    `${v.label}: ${v.health.health} (${v.health.why})${v.health.runs.length ? `; runs: ${v.health.runs.join(', ')}` : ''}`,
    '',
    rows.length
      ? table(['Run', 'Started', 'Commit', 'Outcome', 'Attempts', 'Duration', 'Cluster'], rows)
      : 'It did not run in the runs read.',
  ].join('\n');
}
