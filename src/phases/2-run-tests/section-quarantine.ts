/** The quarantine block of the test execution section: every quarantined failure, counted or not. */
import type { QuarantineData } from '../../phase-data/quarantine.js';
import { inert, table } from '../../worklog/markdown.js';

export function quarantineBlock(q: QuarantineData | undefined): string {
  if (!q || q.entries.length === 0) return '';
  const counted = q.failures.length - q.notCounted;
  const head = `**Quarantine** (${q.entries.length} entr${q.entries.length === 1 ? 'y' : 'ies'}; ${q.notCounted} failure(s) not counted in the gates or the decision${counted ? `, ${counted} counted again` : ''})`;
  const failures = q.failures.length
    ? table(
        ['Test', 'Outcome', 'Entry', 'Owner', 'Reason', 'Until', 'Counted'],
        q.failures.map((f) => [
          `\`${f.label}\``,
          f.status,
          `\`${f.entry}\``,
          inert(f.owner),
          inert(f.reason),
          f.until,
          f.counted ? `yes: ${f.why ?? ''}` : 'no',
        ]),
      )
    : 'No quarantined test failed in this run.';
  const notes = q.entries
    .filter((e) => e.expired || e.matched === 0 || e.passingAgain)
    .map(
      (e) =>
        `- \`${e.test}\` (owner ${inert(e.owner)}): ${
          e.expired
            ? `expired after ${e.until}; its tests count again`
            : e.passingAgain
              ? `its ${e.matched} test(s) passed on the first attempt in the last ${e.passingAgain} run(s): the entry can be removed`
              : 'matched no test in this run'
        }`,
    );
  return [head, failures, ...(notes.length ? [notes.join('\n')] : [])].join('\n\n');
}
