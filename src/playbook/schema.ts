/**
 * The playbook schema: one zod schema from which both validation and `tdl schema` (JSON Schema)
 * come. Defaults are filled here and nowhere else. Each section lives in ./sections/.
 */
import * as z from 'zod';
import { auditSchema } from './sections/audit.js';
import { gcpSchema, gcsSchema, serviceSchema } from './sections/cloudrun.js';
import { decisionSchema, hookCommandSchema, remediateSchema } from './sections/decision.js';
import { githubSchema } from './sections/github.js';
import { flakySchema, quarantineSchema } from './sections/history.js';
import { gateSchema, suiteSchema } from './sections/suites.js';

export const playbookSchema = z
  .strictObject({
    name: z.string().min(1),
    repo: z.string().optional().meta({
      description:
        'Repository under test, relative to the playbook. Default: the git root holding the playbook.',
    }),
    gcp: gcpSchema.optional(),
    gcs: gcsSchema.optional(),
    services: z.array(serviceSchema).default([]),
    // 500: a large monorepo has tens; the bound keeps a run's record and worklog a readable size.
    suites: z
      .array(suiteSchema)
      .min(1, { message: 'expected at least one suite' })
      .max(500, { message: 'expected at most 500 suites' }),
    gates: z.array(gateSchema).default([]),
    concurrency: z.int().min(1).max(16).default(1).meta({ description: 'Suites run at once within a tier.' }),
    order: z.enum(['failing-first', 'failing-last']).default('failing-first'),
    audit: auditSchema.optional(),
    decision: decisionSchema.prefault({}),
    analyzer: hookCommandSchema.optional(),
    remediate: remediateSchema.optional(),
    github: githubSchema.optional(),
    flaky: flakySchema,
    quarantine: quarantineSchema,
    worklog: z
      .strictObject({ dir: z.string().optional().meta({ description: 'Default: <repo>/worklogs.' }) })
      .prefault({}),
    redact: z
      .strictObject({
        env: z.array(z.string()).default([]).meta({ description: 'Env vars whose values are secrets.' }),
      })
      .prefault({}),
  })
  .superRefine((pb, ctx) => {
    const seen = new Set<string>();
    pb.suites.forEach((s, i) => {
      if (seen.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['suites', i, 'id'], message: `duplicate suite id "${s.id}"` });
      seen.add(s.id);
      const needs = s.split?.by === 'files' ? ['{files}'] : s.split?.by === 'runner' ? ['{shardIndex}'] : [];
      for (const placeholder of needs)
        if (!s.command.some((a) => a.includes(placeholder)))
          ctx.addIssue({
            code: 'custom',
            path: ['suites', i, 'command'],
            message: `split by ${s.split!.by} needs ${placeholder} in the command (where the shard's ${placeholder === '{files}' ? 'files go' : 'runner shard goes'})`,
          });
    });
    if (pb.services.length > 0 && !pb.gcp) {
      ctx.addIssue({
        code: 'custom',
        path: ['services'],
        message: 'services need a gcp section: gcp: { project: <project>, region: <region> }',
      });
    }
    const tiers = new Set(pb.suites.map((s) => s.tier));
    pb.gates.forEach((g, i) => {
      if (!tiers.has(g.afterTier)) {
        ctx.addIssue({
          code: 'custom',
          path: ['gates', i, 'afterTier'],
          message: `no suite has tier ${g.afterTier}; tiers in this playbook: ${[...tiers].sort().join(', ')}`,
        });
      }
    });
  });

export type PlaybookConfig = z.output<typeof playbookSchema>;

/** JSON Schema of the playbook (what a user writes, so the input side of transforms). */
export function playbookJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(playbookSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'tdl playbook',
  } as Record<string, unknown>;
}
