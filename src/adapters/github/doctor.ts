/** `tdl doctor`'s GitHub checks: where the token comes from (never the token) and its access to github.repo. */

import type { CheckResult } from '../../core/check.js';
import { errorMessage } from '../../core/errors.js';
import type { GitHubConfig } from '../../playbook/sections/github.js';
import { apiUrlFor, findToken } from './token.js';

export async function checkGitHub(github: GitHubConfig, env: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  const found = await findToken(env);
  if (!found)
    return [
      {
        name: 'GitHub token found',
        ok: false,
        detail: 'none in GITHUB_TOKEN, GH_TOKEN or `gh auth token`',
        fix: 'set GITHUB_TOKEN (or `gh auth login`); without one, runs write drafts to the outbox (tdl publish sends them)',
      },
    ];
  const results: CheckResult[] = [{ name: 'GitHub token found', ok: true, detail: `from ${found.source}` }];
  const name = `GitHub access to ${github.repo}`;
  const apiUrl = apiUrlFor(github.apiUrl, env);
  try {
    const { createGitHubPort } = await import('./index.js');
    const port = await createGitHubPort(github, { env, token: found.token, retries: 0 });
    const access = await port.repoAccess();
    results.push(
      access.push
        ? { name, ok: true, detail: `issues and pull requests: write (${apiUrl})` }
        : {
            name,
            ok: false,
            detail: `${access.triage ? 'issues only, no push' : 'read only'} (${apiUrl})`,
            fix: 'give the token write access to issues, pull requests and contents of this repository',
          },
    );
  } catch (error) {
    results.push({
      name,
      ok: false,
      detail: errorMessage(error).split('\n')[0]!,
      fix: 'check github.repo, github.apiUrl (or TDL_GITHUB_API_URL) and the token',
    });
  }
  return results;
}
