// Owned by phase 4 (compliance). Keys: audit.
import { z } from 'zod';

export const RULE_KINDS = [
  'duplicate-definition',
  'forbidden-pattern',
  'deprecated-import',
  'max-file-lines',
  'max-function-lines',
] as const;

export const ruleSchema = z.looseObject({
  id: z.string().min(1),
  kind: z.enum(RULE_KINDS),
});

export const auditSchema = z.strictObject({
  scopes: z.record(z.string(), z.array(z.string())).default({}),
  rules: z.array(ruleSchema).default([]),
});

export type AuditConfig = z.output<typeof auditSchema>;
