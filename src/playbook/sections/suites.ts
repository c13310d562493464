import * as z from 'zod';
import { command, identifier, timeout } from './common.js';

export const REPORT_FORMATS = ['auto', 'junit', 'vitest-json', 'jest-json', 'tap', 'go-json'] as const;

export const reportSchema = z.strictObject({
  format: z.enum(REPORT_FORMATS).default('auto'),
  path: z.string().min(1).meta({ description: 'Report file written by the suite; may use {reportDir}.' }),
});

/**
 * How a suite may be split across shards (issue 20): by the files a glob matches (the command takes
 * them where it says `{files}`), or by the runner's own sharding (`{shardIndex}`/`{shardCount}`).
 */
export const splitSchema = z.discriminatedUnion('by', [
  z.strictObject({
    by: z.literal('files'),
    glob: z
      .string()
      .min(1)
      .meta({ description: 'Test files, relative to the suite folder; the command takes them at {files}.' }),
  }),
  z.strictObject({
    by: z.literal('runner'),
    chunks: z
      .int()
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'Runner shards to cut the suite into (default: the number of shards).' }),
  }),
]);

export const suiteSchema = z.strictObject({
  id: identifier,
  tier: z.int().min(1).default(1),
  categories: z.array(z.string().min(1)).default([]),
  command,
  shell: z.boolean().default(false).meta({ description: 'Run the command through a shell. Off by default.' }),
  cwd: z.string().optional().meta({ description: 'Working folder relative to the repository under test.' }),
  env: z
    .record(
      z.string().refine((k) => k !== '' && !k.includes('\0') && !k.includes('='), {
        message: 'expected a variable name (no "=", no NUL)',
      }),
      z.string().refine((v) => !v.includes('\0'), { message: 'a value must not contain a NUL character' }),
    )
    .default({})
    .meta({
      description:
        'Added to the environment. The value "{inherit}" passes tdl\'s own value (the way to give a suite GITHUB_TOKEN).',
    }),
  report: reportSchema.optional(),
  timeout: timeout.prefault('10m'),
  retries: z.int().min(0).max(5).default(0),
  split: splitSchema.optional().meta({
    description:
      'Allow `tdl plan` to split this suite across shards: { by: files, glob } with {files} in the command, or { by: runner } with {shardIndex}/{shardCount}.',
  }),
});

export const gateSchema = z.strictObject({
  afterTier: z.int().min(1),
  minPassRate: z.number().min(0).max(1),
});

export type SuiteConfig = z.output<typeof suiteSchema>;
export type SplitConfig = z.output<typeof splitSchema>;
export type GateConfig = z.output<typeof gateSchema>;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
