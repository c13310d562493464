import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/record.js';
import type { RootCauseData } from '../../src/phase-data/root-cause.js';
import type { StabilityData } from '../../src/phase-data/stability.js';
import { renderRootCause } from '../../src/phases/3-root-cause/section.js';
import { renderStability } from '../../src/phases/5-stability/section.js';
import { phaseEntry } from '../builders/run.js';

const view = { rel: (p: string) => p.replace('/repo/worklogs/', '') };
const record = { decision: { decision: 'defer', reasons: ['gates-passed fail: NO-GO'] } } as RunRecord;

describe('the stability section', () => {
  it('shows the criteria table with n/a for parts not configured, and the decision with its reasons', () => {
    const data: StabilityData = {
      criteria: [
        { id: 'gates-passed', required: true, verdict: 'fail', evidence: ['phase 2: NO-GO', 'second line'] },
        {
          id: 'deployment-healthy',
          required: true,
          verdict: 'inconclusive',
          evidence: ['no `services` in the playbook'],
          applicable: false,
        },
        { id: 'atomic-change', required: false, verdict: 'inconclusive', evidence: ['base not found'] },
      ],
      base: 'main',
      comparedWith: { previous: 'tdl-a', baseRun: null },
    };
    const md = renderStability(phaseEntry('stability', { data }), record, view);
    expect(md).toContain('| `gates-passed` | yes | ❌ fail | phase 2: NO-GO<br>second line |');
    expect(md).toContain('| `deployment-healthy` | yes | n/a | no `services` in the playbook |');
    expect(md).toContain('| `atomic-change` | no | ⚠️ inconclusive | base not found |');
    expect(md).toContain('Base ref `main`; compared with `tdl-a`.');
    expect(md).toContain('**Decision: DEFER**\n\n- gates-passed fail: NO-GO');
  });
});

describe('the root-cause section', () => {
  it('shows each evidence link with its source, unknown links with their reason, and marked analysis', () => {
    const data: RootCauseData = {
      failingTests: 2,
      clusters: [
        {
          id: 'abc123abc123',
          signature: 'AssertionError | missing field <str> | src/a.js#check',
          title: 'AssertionError: missing field "x"',
          message: 'missing field "x"',
          tier: 1,
          location: 'src/a.js:3',
          tests: [
            { suiteId: 's', group: 'g', name: 'one', status: 'failed' },
            { suiteId: 's', group: 'g', name: 'two', status: 'failed' },
          ],
          evidence: [
            {
              kind: 'first-failed',
              value: 'run tdl-a (2026-11-25)',
              source: 'worklog history',
              href: '/repo/worklogs/W-a.md',
            },
            {
              kind: 'github-issue',
              value: null,
              source: 'GitHub',
              unknownBecause: 'no `github` section in the playbook',
            },
          ],
          analysis: {
            command: ['agent', 'explain'],
            exitCode: 0,
            timedOut: false,
            markdown: '**cause**\nline two',
            logFile: '/repo/worklogs/an.log',
          },
        },
      ],
    };
    const md = renderRootCause(phaseEntry('root-cause', { data }), record, view);
    expect(md).toContain('| 1 | `abc123abc123` | 2 | 1 | AssertionError: missing field "x" | `src/a.js:3` |');
    expect(md).toContain(
      '| 1 | First run it failed in | [run tdl-a (2026-11-25)](W-a.md) | worklog history |',
    );
    expect(md).toContain(
      '| 2 | Open GitHub issue | unknown — no `github` section in the playbook | GitHub |',
    );
    expect(md).toContain(
      '**Analysis produced by `agent explain`** (exit 0; log `an.log`); not verified by tdl:\n\n> **cause**\n> line two',
    );
  });

  it('says when there was nothing to cluster', () => {
    const md = renderRootCause(phaseEntry('root-cause', { data: { clusters: [] } }), record, view);
    expect(md).toBe('No failing or erroring test: nothing to cluster.');
  });
});
