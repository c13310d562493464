// Owned by phase 0 (deploy-status). Keys: gcp, services.
import * as z from 'zod';
import { command, duration, timeout } from './common.js';
import { serviceLogsSchema, serviceSloSchema } from './evidence.js';

export const gcpSchema = z.strictObject({
  project: z.string().min(1),
  region: z.string().min(1),
  endpoint: z
    .string()
    .optional()
    .meta({ description: 'host:port of a Cloud Run API endpoint (emulator); no credentials are used.' }),
  loggingEndpoint: z
    .string()
    .optional()
    .meta({ description: 'host:port of a Cloud Logging API endpoint (emulator); no credentials are used.' }),
  monitoringEndpoint: z.string().optional().meta({
    description: 'host:port of a Cloud Monitoring API endpoint (emulator); no credentials are used.',
  }),
  callTimeout: duration
    .prefault('10s')
    .meta({ description: 'Deadline of one Cloud Run API call (default 10s).' }),
  retries: z.int().min(0).max(10).default(3).meta({
    description: 'Extra attempts of a call that failed with UNAVAILABLE or DEADLINE_EXCEEDED (default 3).',
  }),
  backoff: duration
    .prefault('500ms')
    .meta({ description: 'Wait before the first retry; doubled for each next one (default 500ms).' }),
  pollInterval: duration
    .prefault('2s')
    .meta({ description: 'First wait between polls after a deploy; grows 1.5x up to 8x (default 2s).' }),
});

/** Where a sharded run on Cloud Run Jobs leaves its plan and its tasks' partial records. */
export const gcsSchema = z.strictObject({
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{1,220}$/, { message: 'expected a Cloud Storage bucket name' })
    .meta({ description: 'Cloud Storage bucket for `--executor cloud-run-jobs` (plans and partials).' }),
  prefix: z
    .string()
    .default('tdl/')
    .meta({ description: 'Object name prefix; a run uses <prefix>runs/<runId>/ (default tdl/).' }),
  endpoint: z.string().optional().meta({
    description: 'URL of a Cloud Storage JSON API endpoint (emulator); no credentials are used.',
  }),
});
export type GcsConfig = z.output<typeof gcsSchema>;

export const serviceSchema = z.strictObject({
  name: z.string().min(1),
  freshWithin: duration.prefault('24h'),
  autoDeploy: z.boolean().default(false),
  tagRevision: z.boolean().default(false),
  deploy: z
    .strictObject({
      command,
      timeout: timeout.prefault('10m'),
      waitTimeout: duration.prefault('10m').meta({
        description: 'How long to wait, after the command, for the new revision to be Ready (default 10m).',
      }),
    })
    .optional(),
  logs: serviceLogsSchema,
  slo: serviceSloSchema,
});

export type GcpConfig = z.output<typeof gcpSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
