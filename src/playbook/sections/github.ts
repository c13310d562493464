// Owned by phase 6 (publish). Keys: github.
import { z } from 'zod';

export const githubSchema = z.strictObject({
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { message: 'expected "owner/name"' }),
  apiUrl: z.string().optional().meta({ description: 'REST API base URL (GitHub Enterprise, sandbox).' }),
  labels: z.array(z.string().min(1)).default(['test-deploy-loop']),
  issueTitle: z.string().default('E2E-DEPLOY-{reason}-{test}'),
  baseBranch: z.string().default('main'),
  closeResolved: z.boolean().default(true),
});

export type GitHubConfig = z.output<typeof githubSchema>;
