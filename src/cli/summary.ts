/** What a finished run prints: a short human summary on stderr, the record on stdout with --json. */
import { relative } from 'node:path';
import type { RunRecord } from '../core/record.js';
import { printHuman, printJson } from '../telemetry/outlet.js';
import { Redactor } from '../telemetry/redact.js';
import { figures } from '../worklog/figures.js';

/** The run's redactor, rebuilt from the env var names the record keeps (values are never stored). */
export function redactorFor(record: RunRecord, env: NodeJS.ProcessEnv = process.env): Redactor {
  return Redactor.fromEnv(record.redactEnv ?? [], env);
}

export function printRunOutcome(raw: RunRecord, json: boolean, redactor = redactorFor(raw)): void {
  const record = redactor.redactDeep(raw);
  const f = figures(record);
  const c = f.counts;
  const lines = [
    '',
    `Run ${record.runId}: ${record.state}`,
    `  Decision: ${f.decision}${f.decisionReason ? ` — ${f.decisionReason}` : ''}`,
    `  Tests:    ${c.passed} passed, ${c.failed} failed, ${c.errored} errored, ${c.skipped} skipped (pass rate ${f.passRateText})`,
    `  Gates:    ${f.gateOutcome}`,
  ];
  if (f.loopNote) lines.push(`  Loop:     ${f.loopNote}`);
  if (record.worklog) lines.push(`  Worklog:  ${relative(process.cwd(), record.worklog.markdown)}`);
  lines.push(`  Exit:     ${record.exitCode}`);
  printHuman(lines.join('\n'), redactor);
  if (json) printJson(record, redactor);
}
