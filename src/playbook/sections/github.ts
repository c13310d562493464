// Owned by phase 6 (publish). Keys: github.
import * as z from 'zod';
import { duration } from './common.js';

export const githubSchema = z.strictObject({
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { message: 'expected "owner/name"' }),
  apiUrl: z.string().optional().meta({
    description:
      'REST API base URL, e.g. https://github.example.com/api/v3 for GitHub Enterprise. TDL_GITHUB_API_URL overrides it.',
  }),
  labels: z
    .array(z.string().min(1))
    .min(1, { message: 'expected at least one label (issues are found again by their first label)' })
    .default(['test-deploy-loop'])
    .meta({
      description: 'Labels of every issue tdl files; created when missing. The first finds them again.',
    }),
  issueTitle: z.string().min(1).default('E2E-DEPLOY-{reason}-{test}').meta({
    description:
      'Title of a per-failure issue. Placeholders: {reason}, {test}, {suite}, {tier}, {playbook}, {cluster}.',
  }),
  baseBranch: z.string().default('main').meta({ description: 'Branch pull requests target.' }),
  remote: z.string().default('origin').meta({ description: 'Git remote a branch is pushed to.' }),
  closeResolved: z.boolean().default(true).meta({ description: 'Close issues whose tests pass again.' }),
  timeout: duration.prefault('30s').meta({
    description:
      'How long one GitHub request may take (connecting, the answer and its body). A read that gets no answer is sent once more; a create is not. A request that times out fails the step that made it (a read is a note, a publish is errored), never the whole run.',
  }),
  closeAfter: z.int().min(1).default(2).meta({
    description:
      'Consecutive clean runs (its tests ran and passed on the first attempt) before an issue is closed.',
  }),
});

export type GitHubConfig = z.output<typeof githubSchema>;
