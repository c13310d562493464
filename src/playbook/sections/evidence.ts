// Owned by phase 3's deployment evidence (issue 18). Keys: services[].logs, services[].slo.
import * as z from 'zod';
import { duration } from './common.js';

export const SEVERITIES = [
  'DEFAULT',
  'DEBUG',
  'INFO',
  'NOTICE',
  'WARNING',
  'ERROR',
  'CRITICAL',
  'ALERT',
  'EMERGENCY',
] as const;

export const serviceLogsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta({ description: "false: do not read this service's logs." }),
    severity: z
      .enum(SEVERITIES)
      .default('ERROR')
      .meta({ description: 'Lowest severity read (default ERROR).' }),
    filter: z.string().min(1).optional().meta({
      description: "Extra Cloud Logging filter ANDed to tdl's own (revision, window, severity).",
    }),
    maxEntries: z
      .int()
      .min(1)
      .max(100_000)
      .default(5000)
      .meta({ description: 'Entries read at most (default 5000).' }),
    maxPages: z.int().min(1).max(1000).default(10).meta({ description: 'Pages read at most (default 10).' }),
    timeout: duration
      .prefault('30s')
      .meta({ description: 'Deadline of the whole read of one service (default 30s).' }),
  })
  .prefault({});

/** `< 1%`, `<= 800ms`, `< 1.2s`, or relative to the serving revision: `<= +10%`. */
const BOUND = /^(<=?)\s*(\+)?(\d+(?:\.\d+)?)\s*(%|ms|s)$/;

export interface Bound {
  op: '<' | '<=';
  /** A ratio (0.01 for 1%) or milliseconds; for a relative bound, the allowed increase as a ratio. */
  value: number;
  unit: 'ratio' | 'ms';
  relative: boolean;
  /** As written in the playbook. */
  text: string;
}

export function parseBound(text: string): Bound | undefined {
  const m = BOUND.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[3]);
  const relative = m[2] === '+';
  if (relative && m[4] !== '%') return undefined;
  const unit = m[4] === '%' ? 'ratio' : 'ms';
  return {
    op: m[1] as Bound['op'],
    value: m[4] === '%' ? n / 100 : m[4] === 's' ? n * 1000 : n,
    unit,
    relative,
    text: text.trim(),
  };
}

const bound = z
  .string()
  .refine((s) => parseBound(s) !== undefined, {
    message: 'expected a bound like "< 1%", "< 800ms" or, relative to the serving revision, "<= +10%"',
  })
  .transform((s) => parseBound(s)!);

const band = z.strictObject({ pass: bound, warning: bound.optional() });

export const serviceSloSchema = z
  .strictObject({
    errorRate: band.optional().meta({ description: '5xx share of run.googleapis.com/request_count.' }),
    latency: z
      .strictObject({ p50: band.optional(), p95: band.optional(), p99: band.optional() })
      .optional()
      .meta({ description: 'Percentiles of run.googleapis.com/request_latencies.' }),
    window: duration.optional().meta({
      description: "Query window ending now; default: the run's own window (from its start to phase 3).",
    }),
  })
  .optional()
  .meta({
    description:
      'Metric bands of the tested revision: pass and warning bounds, absolute or relative to the serving revision. No data is inconclusive.',
  });

export type ServiceLogsConfig = z.output<typeof serviceLogsSchema>;
export type ServiceSloConfig = NonNullable<z.output<typeof serviceSloSchema>>;
export type Band = z.output<typeof band>;
