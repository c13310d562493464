// Owned by phase 0 (deploy-status). Keys: gcp, services.
import { z } from 'zod';
import { command, duration } from './common.js';

export const gcpSchema = z.strictObject({
  project: z.string().min(1),
  region: z.string().min(1),
  endpoint: z
    .string()
    .optional()
    .meta({ description: 'host:port of a Cloud Run API endpoint (emulator); no credentials are used.' }),
});

export const serviceSchema = z.strictObject({
  name: z.string().min(1),
  freshWithin: duration.prefault('24h'),
  autoDeploy: z.boolean().default(false),
  tagRevision: z.boolean().default(false),
  deploy: z
    .strictObject({
      command,
      timeout: duration.prefault('10m'),
    })
    .optional(),
});

export type GcpConfig = z.output<typeof gcpSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
