/** The GitHub emulator as the demo uses it: tdl files its issues there, and the demo prints them. */
import { API_URL_ENV, WRITE_SPACING_ENV } from '../../adapters/github/token.js';
import type { DemoSandbox } from '../types.js';
import { startGitHubEmulator } from './server.js';

/** The repository the demo playbook names (playbooks/demo.yaml, github.repo). */
export const DEMO_REPO = 'tdl-sandbox/demo-service';

export async function startDemoGitHub(): Promise<DemoSandbox | null> {
  const emu = await startGitHubEmulator({ repos: [DEMO_REPO] });
  return {
    name: 'github',
    // A sandbox token: the emulator accepts any; a real token in the environment is never used here.
    env: {
      [API_URL_ENV]: emu.url,
      [WRITE_SPACING_ENV]: '0',
      GITHUB_TOKEN: 'tdl-sandbox-token',
      GH_TOKEN: '',
    },
    async describe() {
      const issues = emu.repo(DEMO_REPO).issues;
      if (!issues.length) return [`GitHub sandbox (${emu.url}): no issues or pull requests filed.`];
      return [
        `GitHub sandbox (${emu.url}), ${DEMO_REPO}: ${issues.length} issue(s) / pull request(s):`,
        ...issues.map(
          (i) =>
            `  #${i.number} [${i.state}] ${i.pull ? 'PR ' : ''}${i.title}${i.labels.length ? ` (${i.labels.join(', ')})` : ''}${i.comments.length ? `, ${i.comments.length} comment(s)` : ''}`,
        ),
      ];
    },
    close: () => emu.close(),
  };
}
