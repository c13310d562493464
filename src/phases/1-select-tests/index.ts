/**
 * Phase 1 select-tests: choose suites by focus, order them by tier and history, and gather the
 * context of the previous run of this playbook.
 */
import type { RunContext } from '../../pipeline/context.js';
import type { Phase } from '../../pipeline/phase.js';
import type { Finding } from '../../pipeline/record.js';
import { previousFailingSuites } from '../2-run-tests/types.js';
import { type Selection, selectSuites } from './select.js';

export interface SelectTestsData extends Selection {
  order: 'failing-first' | 'failing-last';
  previous: { runId: string; startedAt: string; worklog: string | null; decision: string | null } | null;
  /** Open GitHub issues with the playbook labels; null when they were not read (and why). */
  openIssues: { number: number; title: string; url: string }[] | null;
  openIssuesNote: string;
}

export const selectTestsPhase: Phase<SelectTestsData> = {
  id: 'select-tests',
  title: 'Test selection',
  safeInDryRun: true,
  needs: [],
  async run(ctx: RunContext) {
    const { playbook, options, history } = ctx;
    const previous = history[0]?.record ?? null;
    const failing = previous ? previousFailingSuites(previous) : new Set<string>();
    const selection = selectSuites(playbook.suites, options.focus, failing, playbook.order);
    const findings: Finding[] = [];
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
            }
          : null,
        openIssues: null,
        openIssuesNote: playbook.github
          ? 'open issues not read: the GitHub adapter is not available in this version'
          : 'open issues not read: no github section in the playbook',
      },
      findings,
    };
  },
};
