/**
 * Phase 6 publish: proceed with a change → push the branch and open or update its pull request;
 * proceed without one → close issues whose tests pass; defer → one issue per failure cluster plus a
 * master tracking issue, never twice. Target: GitHub, or an outbox sent later by `tdl publish`.
 */
import { apiUrlFor } from '../../adapters/github/token.js';
import { UsageError } from '../../core/errors.js';
import { cleanRuns } from '../../history/health.js';
import { historyId } from '../../history/model.js';
import { phaseResult } from '../../phase-data/index.js';
import { type PublishData, type PublishTarget, publishDataSchema } from '../../phase-data/publish.js';
import type { TestCase } from '../../results/model.js';
import { githubTarget } from '../../services/github-target.js';
import type { RunContext } from '../context.js';
import type { Phase, PhaseOutcome } from '../phase.js';
import { applyDrafts, dryRun } from './apply.js';
import { buildDrafts, type Drafts } from './drafts.js';
import { writeOutbox } from './outbox.js';
import { renderPublish } from './section.js';

interface Prepared {
  drafts: Drafts;
  target: PublishTarget;
  targetReason: string;
}

async function prepare(ctx: RunContext): Promise<Prepared | PhaseOutcome<PublishData>> {
  const { options, playbook, record } = ctx;
  if (options.publish === 'none') return { state: 'skipped', reason: 'publishing disabled (--publish none)' };
  if (!playbook.github) return { state: 'skipped', reason: 'no github section in the playbook' };
  const tests = phaseResult(record, 'run-tests');
  if (tests?.state !== 'completed')
    return {
      state: 'skipped',
      reason: `no test results to publish (run-tests is ${tests?.state ?? 'missing'})`,
    };
  const t = await githubTarget(ctx);
  if (t.target === null) {
    if (t.missingToken)
      throw new UsageError(
        'ENOTOKEN',
        t.reason,
        'set GITHUB_TOKEN, or use --publish outbox and send it later with tdl publish <runId>',
      );
    return { state: 'skipped', reason: t.reason };
  }
  const { target, reason: targetReason, found } = t;
  const repoDir = playbook.repoDir;
  const github = playbook.github;
  const [branch, ab] = await Promise.all([
    ctx.ports.git.currentBranch(repoDir),
    ctx.ports.git.aheadBehind(repoDir, github.baseBranch, github.remote),
  ]);
  const drafts = buildDrafts({
    record,
    github,
    git: { branch, ahead: ab?.ahead ?? null, baseRef: ab?.baseRef ?? null },
    apiUrl: apiUrlFor(github.apiUrl, ctx.env),
    redactor: found ? ctx.redactor.with([found.token]) : ctx.redactor,
    resolves: resolvesIssue(ctx, github.closeAfter),
  });
  ctx.logger.info(
    { target, route: drafts.route },
    `publishing to ${target} (${targetReason}); route ${drafts.route}: ${drafts.rule}`,
  );
  return { drafts, target, targetReason };
}

/**
 * Hysteresis: a pass resolves an issue only when the test passed on the first attempt in
 * `closeAfter` consecutive runs (this one included) and its history does not call it flaky or
 * broken. A flaky pass never counts as a fix.
 */
function resolvesIssue(ctx: RunContext, closeAfter: number): (suiteId: string, c: TestCase) => boolean {
  const data = phaseResult(ctx.record, 'run-tests')?.data;
  const unhealthy = new Set((data?.health?.tests ?? []).map((t) => t.id));
  return (suiteId, c) => {
    if (c.status !== 'passed' || c.flaky) return false;
    const id = historyId(suiteId, c);
    return !unhealthy.has(id) && cleanRuns(ctx.testHistory, id, 'p') >= closeAfter;
  };
}

function outcome(
  p: Prepared,
  data: Omit<PublishData, 'target' | 'targetReason' | 'route' | 'decision' | 'rule'>,
  reason: string,
): PhaseOutcome<PublishData> {
  return {
    state: 'completed',
    reason,
    data: {
      target: p.target,
      targetReason: p.targetReason,
      route: p.drafts.route,
      decision: p.drafts.decision,
      rule: p.drafts.rule,
      ...data,
    },
  };
}

function counted(actions: { status: string }[]): string {
  const done = actions.filter((a) => a.status === 'done').length;
  const same = actions.filter((a) => a.status === 'unchanged').length;
  return `${done} action(s) done, ${same} unchanged`;
}

export const publishPhase: Phase<PublishData> = {
  id: 'publish',
  title: 'Publish',
  render: renderPublish,
  dataSchema: publishDataSchema,
  safeInDryRun: false,
  needs: [],
  async run(ctx) {
    const p = await prepare(ctx);
    if (!('drafts' in p)) return p;
    if (p.target === 'outbox') {
      const plan = await dryRun(p.drafts, null);
      const dir = writeOutbox(ctx.paths.runDir, p.drafts, plan, ctx.redactor);
      ctx.logger.info(`drafts written to ${dir}; send them with: tdl publish ${ctx.runId}`);
      return outcome(
        p,
        { dryRun: false, actions: plan, issues: [], pull: null, outbox: dir },
        `${p.drafts.children.length} issue draft(s)${p.drafts.pull ? ' and a pull request' : ''} in the outbox (${p.targetReason}); send with tdl publish ${ctx.runId}`,
      );
    }
    const gh = await ctx.ports.github();
    const result = await applyDrafts(p.drafts, {
      gh,
      git: ctx.ports.git,
      log: (line) => ctx.logger.info(line),
    });
    return outcome(
      p,
      { dryRun: false, actions: result.actions, issues: result.issues, pull: result.pull, outbox: null },
      `published to GitHub ${gh.repo}: ${counted(result.actions)}`,
    );
  },
  async plan(ctx) {
    const p = await prepare(ctx);
    if (!('drafts' in p)) return p;
    const gh = p.target === 'github' ? await ctx.ports.github() : null;
    const actions = await dryRun(p.drafts, gh);
    for (const a of actions) ctx.logger.info(`would ${a.action}`);
    return outcome(
      p,
      { dryRun: true, actions, issues: [], pull: null, outbox: null },
      `dry run: ${actions.length} action(s) planned, none done`,
    );
  },
};
