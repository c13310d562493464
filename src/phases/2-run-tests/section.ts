import { messageHead } from '../../clustering/signature.js';
import { formatDuration, percent } from '../../core/format.js';
import { dataOf } from '../../phase-data/index.js';
import type { ShardingData, SuiteResult } from '../../phase-data/run-tests.js';
import { details, excerpt, fence, inert, table } from '../../worklog/markdown.js';
import type { SectionRenderer } from '../../worklog/section.js';
import { findingsTable } from '../../worklog/section.js';
import { quarantineBlock } from './section-quarantine.js';

const MAX_FAILURES_SHOWN = 50;

function failures(suite: SuiteResult): string[] {
  const failing = suite.cases.filter((c) => c.status === 'failed' || c.status === 'errored');
  const shown = failing
    .slice(0, MAX_FAILURES_SHOWN)
    .map((c) =>
      details(
        `${suite.id} › ${c.suite ? `${c.suite} › ` : ''}${c.name} — ${c.status}: ${(messageHead(c.message, c.stack) || 'no message').slice(0, 200)}`,
        fence(excerpt(c.stack ?? c.message ?? '(no details in the report)', 30, 3000)),
      ),
    );
  if (failing.length > shown.length)
    shown.push(`…and ${failing.length - shown.length} more failing tests in \`${suite.id}\`.`);
  return shown;
}

/** A sharded run: per tier and shard, its chunks, wall time and host; the balance per tier. */
function shardsTable(sharding: ShardingData): string {
  const rows = sharding.tiers.flatMap((t) =>
    t.rows.map((r) => [
      t.tier,
      `${r.index}/${sharding.shards}`,
      r.state,
      r.chunks.length ? r.chunks.map((c) => `\`${c}\``).join(', ') : '(none)',
      r.wallMs === null ? '' : formatDuration(r.wallMs),
      formatDuration(r.plannedMs),
      r.host ?? '',
    ]),
  );
  const balance = sharding.tiers
    .map(
      (t) =>
        `tier ${t.tier}: ${t.balance ? `slowest shard ${formatDuration(t.balance.slowestMs)}, mean ${formatDuration(t.balance.meanMs)} (${t.balance.ratio.toFixed(2)}x the mean)` : 'no shard reported'}; planned ${t.plannedRatio.toFixed(2)}x the ideal`,
    )
    .join('; ');
  return `**Shards** (plan \`${sharding.planDigest}\`; balance: ${balance})\n\n${table(
    ['Tier', 'Shard', 'State', 'Chunks', 'Wall time', 'Planned', 'Host'],
    rows,
  )}`;
}

export const renderRunTests: SectionRenderer = (result, _record, view) => {
  const data = dataOf(result, 'run-tests');
  if (!data) return '';
  const parts: string[] = [];
  if (data.planned) {
    parts.push(
      table(
        ['Suite', 'Tier', 'Command'],
        data.planned.map((p) => [`\`${p.id}\``, p.tier, `\`${p.command.join(' ')}\``]),
      ),
    );
    return parts.join('\n\n');
  }
  parts.push(
    table(
      ['Tier', 'State', 'Suites', 'Passed', 'Failed', 'Errored', 'Skipped', 'Pass rate', 'Gate'],
      data.tiers.map((t) => [
        t.tier,
        t.state,
        t.suites.length,
        t.counts.passed,
        t.counts.failed,
        t.counts.errored,
        t.counts.skipped,
        percent(t.passRate),
        t.gate ? `${t.gate.verdict}: ${t.gate.reason}` : (t.reason ?? 'no gate'),
      ]),
    ),
  );
  parts.push(
    table(
      [
        'Suite',
        'Tier',
        'State',
        'Verdict',
        'Tests',
        'Passed',
        'Failed',
        'Errored',
        'Skipped',
        'Flaky',
        'Attempts',
        'Duration',
        'Exit',
      ],
      data.suites.map((s) => {
        const last = s.attempts[s.attempts.length - 1];
        return [
          `\`${s.id}\``,
          s.tier,
          s.state,
          s.verdict,
          s.counts.total,
          s.counts.passed,
          s.counts.failed,
          s.counts.errored,
          s.counts.skipped,
          s.counts.flaky,
          s.attempts.length,
          s.state === 'skipped' ? '' : formatDuration(s.durationMs),
          last ? (last.timedOut ? 'timeout' : (last.exitCode ?? last.signal ?? '')) : '',
        ];
      }),
    ),
  );
  const bound = data.suites.filter((s) => s.state !== 'skipped' && s.services?.length);
  if (bound.length) {
    parts.push(
      `**Revisions tested**\n\n${table(
        ['Suite', 'Service', 'Revision', 'URL'],
        bound.flatMap((s) =>
          (s.services ?? []).map((t) => [
            `\`${s.id}\``,
            `\`${t.name}\``,
            t.revision,
            `${t.url ?? ''}${t.via === 'tag' ? ' (tag)' : ''}`,
          ]),
        ),
      )}`,
    );
  }
  if (data.sharding) parts.push(shardsTable(data.sharding));
  const reasons = data.suites.filter((s) => s.reason && s.verdict !== 'pass');
  if (reasons.length) parts.push(reasons.map((s) => `- \`${s.id}\`: ${inert(s.reason ?? '')}`).join('\n'));
  const flaky = data.suites.flatMap((s) =>
    s.cases.filter((c) => c.flaky).map((c) => `\`${s.id}\` › ${inert(c.name)}`),
  );
  if (flaky.length) parts.push(`Flaky (failed, then passed on retry): ${flaky.join('; ')}.`);
  const health = data.health;
  if (health) {
    const c = health.config;
    const rule = `over the last ${c.window} run(s): flaky at ${c.retryPasses} pass(es) on retry or ${c.flips} pass/fail flips; broken after ${c.broken.after} run(s) failing every attempt`;
    parts.push(
      health.tests.length
        ? `**Test health** (${health.healthy} healthy; ${health.earlierRuns} earlier run(s) in the history; ${rule})\n\n${table(
            ['Test', 'Health', 'Why', 'Runs that show it'],
            health.tests.map((t) => [
              `\`${t.label}\``,
              t.health,
              t.why,
              t.runs.map((r) => `\`${r}\``).join(', '),
            ]),
          )}`
        : `**Test health:** all ${health.healthy} test(s) that ran are healthy (${health.earlierRuns} earlier run(s) in the history; ${rule}).`,
    );
  }
  const quarantine = quarantineBlock(data.quarantine);
  if (quarantine) parts.push(quarantine);
  if (result.findings.length) parts.push(`**Authenticity findings**\n\n${findingsTable(result.findings)}`);
  else if (data.suites.some((s) => s.state === 'completed')) parts.push('**Authenticity findings:** none.');
  const fails = data.suites.flatMap(failures);
  if (fails.length) parts.push(`**Failures**\n\n${fails.join('\n\n')}`);
  const outputs = data.suites
    .filter((s) => s.verdict !== 'pass' && s.state !== 'skipped' && s.outputTail.trim())
    .map((s) =>
      details(
        `${s.id}: last lines of output (${s.outputBytes} bytes in all; full log ${s.logFile ? view.rel(s.logFile) : 'not kept'})`,
        fence(excerpt(s.outputTail)),
      ),
    );
  if (outputs.length) parts.push(outputs.join('\n\n'));
  return parts.join('\n\n');
};
