/**
 * Phase 1 select-tests: choose suites by focus, order them by tier and history, and gather the
 * context of the previous run of this playbook.
 */

import type { Finding } from '../../core/record.js';
import { phaseData, phaseResult } from '../../phase-data/index.js';
import { previousFailingSuites } from '../../phase-data/run-tests.js';
import { type SelectTestsData, selectTestsDataSchema } from '../../phase-data/select-tests.js';
import { readOpenIssues } from '../../services/open-issues.js';
import type { RunContext } from '../context.js';
import type { Phase } from '../phase.js';
import { renderSelectTests } from './section.js';
import { selectSuites } from './select.js';

export const selectTestsPhase: Phase<SelectTestsData> = {
  id: 'select-tests',
  title: 'Test selection',
  render: renderSelectTests,
  dataSchema: selectTestsDataSchema,
  safeInDryRun: true,
  needs: [],
  async run(ctx: RunContext) {
    const { playbook, options, history } = ctx;
    const previous = history[0]?.record ?? null;
    const failing = previous ? previousFailingSuites(phaseData(previous, 'run-tests')) : new Set<string>();
    const selection = selectSuites(playbook.suites, options.focus, failing, playbook.order);
    const findings: Finding[] = [];
    const issues = await readOpenIssues(ctx);
    // A failed read is a note in the section and the log, never a failed phase.
    if (issues.issues === null && issues.why.startsWith('reading GitHub')) ctx.logger.warn(issues.why);
    const prevCounts = previous ? phaseResult(previous, 'run-tests')?.data?.counts : undefined;
    ctx.logger.info(
      { selected: selection.selected.length, excluded: selection.excluded.length },
      `selected ${selection.selected.length} suite(s) for focus ${options.focus}`,
    );
    return {
      state: 'completed',
      reason: `${selection.selected.length} of ${playbook.suites.length} suites selected`,
      data: {
        ...selection,
        order: playbook.order,
        previous: previous
          ? {
              runId: previous.runId,
              startedAt: previous.startedAt,
              worklog: previous.worklog?.markdown ?? null,
              decision: previous.decision?.decision ?? null,
              ...(prevCounts ? { failing: prevCounts.failed + prevCounts.errored } : {}),
            }
          : null,
        openIssues:
          issues.issues
            ?.map((i) => ({ number: i.number, title: i.title, url: i.url }))
            .sort((a, b) => a.number - b.number) ?? null,
        openIssuesNote: issues.issues ? issues.source : `open issues not read: ${issues.why}`,
      },
      findings,
    };
  },
};
