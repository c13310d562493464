/**
 * Where the GitHub token comes from: GITHUB_TOKEN, GH_TOKEN, then `gh auth token`. The value is
 * handed to the adapter and the redactor only; callers show the source, never the token.
 */
import { execa } from 'execa';

export interface FoundToken {
  token: string;
  source: 'GITHUB_TOKEN' | 'GH_TOKEN' | 'gh auth token';
}

export const DEFAULT_API_URL = 'https://api.github.com';
/** Overrides `github.apiUrl` at run time (the sandbox's port is random). */
export const API_URL_ENV = 'TDL_GITHUB_API_URL';

/**
 * Least milliseconds between writes, overriding the throttling plugin's 1 s (3 s for writes that
 * notify people). For the loopback sandbox and tests; against GitHub keep the default.
 */
export const WRITE_SPACING_ENV = 'TDL_GITHUB_WRITE_SPACING_MS';

export async function findToken(env: NodeJS.ProcessEnv = process.env): Promise<FoundToken | null> {
  if (env.GITHUB_TOKEN?.trim()) return { token: env.GITHUB_TOKEN.trim(), source: 'GITHUB_TOKEN' };
  if (env.GH_TOKEN?.trim()) return { token: env.GH_TOKEN.trim(), source: 'GH_TOKEN' };
  try {
    const r = await execa('gh', ['auth', 'token'], {
      env,
      reject: false,
      stdin: 'ignore',
      timeout: 5000,
    });
    const token = String(r.stdout ?? '').trim();
    if (r.exitCode === 0 && token) return { token, source: 'gh auth token' };
  } catch {
    // gh is not installed
  }
  return null;
}

/** The REST base URL: the env override, else the playbook's `github.apiUrl`, else api.github.com. */
export function apiUrlFor(apiUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return (env[API_URL_ENV]?.trim() || apiUrl || DEFAULT_API_URL).replace(/\/+$/, '');
}
