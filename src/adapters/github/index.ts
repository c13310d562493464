/**
 * The GitHubPort on `@octokit/rest` with the retry and throttling plugins, loaded lazily: this is the
 * only module that imports them. Octokit errors become `GitHubError` here and nowhere else.
 */
import type { GitHubConfig } from '../../playbook/sections/github.js';
import { GitHubError } from './errors.js';
import type { GhComment, GhIssue, GhPull, GitHubPort } from './port.js';
import { apiUrlFor, findToken, WRITE_SPACING_ENV } from './token.js';

export type { GitHubPort } from './port.js';

export interface GitHubAdapterOptions {
  env?: NodeJS.ProcessEnv;
  /** The token to use; default: looked up (GITHUB_TOKEN, GH_TOKEN, `gh auth token`). */
  token?: string;
  /** The REST base URL; default: TDL_GITHUB_API_URL, `github.apiUrl`, api.github.com. */
  baseUrl?: string;
  /** Milliseconds per unit of the retry plugin's back-off (1, 4, 9 units); default 1000. */
  retryBaseMs?: number;
  /** Retries of reads and updates after 5xx or a dropped connection; default 3. */
  retries?: number;
  /** Milliseconds per second of `retry-after` on rate limits; default 1000. */
  rateLimitBaseMs?: number;
  /** Rate-limit retries per request; default 3. */
  rateLimitRetries?: number;
  /**
   * Least spacing of writes in ms. Default: the throttling plugin's own (1 s between writes,
   * 3 s between notifying writes, as GitHub asks of integrations).
   */
  writeSpacingMs?: number;
  /** Milliseconds one request may take; default `github.timeout`, else 30 s. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * fetch with a deadline per request (connecting, the answer and reading its body: the signal stays
 * on the response). A request that got no answer in time is sent once more unless it creates
 * something (POST: its answer may be what was lost), then fails as `AbortError`: @octokit/request
 * passes that through as status 500 with no `request`, so the retry plugin does not multiply it.
 * So a call that never gets an answer ends within 2 × the timeout.
 */
export function timedFetch(timeoutMs: number, base: typeof fetch = globalThis.fetch): typeof fetch {
  const seconds = timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`;
  return async (url, init = {}) => {
    const tries = (init.method ?? 'GET').toUpperCase() === 'POST' ? 1 : 2;
    for (let n = 1; ; n++) {
      const timer = AbortSignal.timeout(timeoutMs);
      const signal = init.signal ? AbortSignal.any([init.signal, timer]) : timer;
      try {
        return await base(url, { ...init, signal });
      } catch (error) {
        if (!timer.aborted || init.signal?.aborted) throw error;
        if (n < tries) continue;
        throw Object.assign(new Error(`no answer within ${seconds} (${n} attempt${n > 1 ? 's' : ''})`), {
          name: 'AbortError',
        });
      }
    }
  };
}

interface LimiterLike {
  schedule<T>(options: unknown, fn: (...a: unknown[]) => Promise<T>, ...args: unknown[]): Promise<T>;
}

/** A stand-in for the throttling plugin's write groups with a chosen spacing (tests, sandbox). */
function spacedGroup(spacingMs: number): { key(): LimiterLike } {
  let chain: Promise<unknown> = Promise.resolve();
  let next = 0;
  const limiter: LimiterLike = {
    schedule(_options, fn, ...args) {
      const turn = chain.then(async () => {
        const wait = next - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        next = Date.now() + spacingMs;
      });
      chain = turn.catch(() => {});
      return turn.then(() => fn(...args));
    },
  };
  return { key: () => limiter };
}

function mapError(error: unknown, what: string): GitHubError {
  if (error instanceof GitHubError) return error;
  const e = error as { status?: number; message?: string; response?: { data?: unknown } };
  const raw = typeof e.status === 'number' ? e.status : 0;
  // @octokit/request reports a request that got no answer as status 500 with no response.
  const status = raw === 500 && !e.response ? 0 : raw;
  const data = e.response?.data as
    | { message?: string; errors?: { message?: string; code?: string }[] }
    | undefined;
  const details = (data?.errors ?? []).map((x) => x.message ?? x.code).filter(Boolean);
  const message = `${data?.message ?? e.message ?? String(error)}${details.length ? ` (${details.join('; ')})` : ''}`;
  const hint =
    status === 401
      ? 'check the token (GITHUB_TOKEN, GH_TOKEN or `gh auth login`)'
      : status === 404
        ? 'check github.repo and that the token can see that repository'
        : status === 0
          ? 'check github.apiUrl / TDL_GITHUB_API_URL and the network'
          : undefined;
  const said = status
    ? `${status} ${message}`
    : message.startsWith('no answer')
      ? message
      : `no answer ${message}`;
  return new GitHubError(status, `GitHub ${what}: ${said}`, hint, error);
}

export async function createGitHubPort(
  github: GitHubConfig,
  opts: GitHubAdapterOptions = {},
): Promise<GitHubPort> {
  const env = opts.env ?? process.env;
  const token = opts.token ?? (await findToken(env))?.token;
  if (!token) {
    throw new GitHubError(
      401,
      'no GitHub token found (GITHUB_TOKEN, GH_TOKEN, gh auth token)',
      'set GITHUB_TOKEN, or use --publish outbox',
    );
  }
  const [{ Octokit }, { retry }, { throttling }] = await Promise.all([
    import('@octokit/rest'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]);
  const MyOctokit = Octokit.plugin(retry, throttling);
  const rateLimitRetries = opts.rateLimitRetries ?? 3;
  const onLimit = (_after: number, _options: unknown, _octokit: unknown, retryCount: number) =>
    retryCount < rateLimitRetries;
  const spacingEnv = env[WRITE_SPACING_ENV]?.trim();
  const spacing =
    opts.writeSpacingMs ?? (spacingEnv && /^\d+$/.test(spacingEnv) ? Number(spacingEnv) : undefined);
  const spaced =
    spacing === undefined
      ? {}
      : {
          write: spacedGroup(spacing),
          notifications: spacedGroup(spacing),
          search: spacedGroup(spacing),
        };
  const octokit = new MyOctokit({
    auth: token,
    baseUrl: opts.baseUrl ?? apiUrlFor(github.apiUrl, env),
    userAgent: 'test-deploy-loop',
    log: { debug() {}, info() {}, warn() {}, error() {} },
    request: { fetch: timedFetch(opts.timeoutMs ?? github.timeout ?? DEFAULT_TIMEOUT_MS) },
    retry: { retries: opts.retries ?? 3, retryAfterBaseValue: opts.retryBaseMs ?? 1000 },
    throttle: {
      onRateLimit: onLimit,
      onSecondaryRateLimit: onLimit,
      retryAfterBaseValue: opts.rateLimitBaseMs ?? 1000,
      fallbackSecondaryRateRetryAfter: 60,
      // The plugin only calls `.key(id).schedule(...)` on these groups; typed as Bottleneck's.
      ...(spaced as object),
    },
  });
  const [owner, repo] = github.repo.split('/') as [string, string];
  const once = { request: { retries: 0 } };

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw mapError(error, what);
    }
  }
  const toIssue = (i: {
    number: number;
    title: string;
    body?: string | null;
    state: string;
    labels: (string | { name?: string })[];
    html_url: string;
  }): GhIssue => ({
    number: i.number,
    title: i.title,
    body: i.body ?? '',
    state: i.state === 'closed' ? 'closed' : 'open',
    labels: i.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
    url: i.html_url,
  });
  const toPull = (p: {
    number: number;
    title: string;
    body: string | null;
    state: string;
    head: { ref: string };
    base: { ref: string };
    html_url: string;
  }): GhPull => ({
    number: p.number,
    title: p.title,
    body: p.body ?? '',
    state: p.state === 'closed' ? 'closed' : 'open',
    head: p.head.ref,
    base: p.base.ref,
    url: p.html_url,
  });
  const toComment = (c: { id: number; body?: string; html_url: string }): GhComment => ({
    id: c.id,
    body: c.body ?? '',
    url: c.html_url,
  });

  return {
    repo: github.repo,
    repoAccess: () =>
      call('reading the repository', async () => {
        const { data } = await octokit.rest.repos.get({ owner, repo });
        return {
          fullName: data.full_name,
          push: Boolean(data.permissions?.push),
          triage: Boolean(data.permissions?.triage || data.permissions?.push),
        };
      }),
    listIssues: (label) =>
      call('listing issues', async () => {
        const all = await octokit.paginate(octokit.rest.issues.listForRepo, {
          owner,
          repo,
          labels: label,
          state: 'all',
          per_page: 100,
        });
        return all.filter((i) => !i.pull_request).map(toIssue);
      }),
    createIssue: (input) =>
      call('creating an issue', async () =>
        toIssue((await octokit.rest.issues.create({ owner, repo, ...input, ...once })).data),
      ),
    updateIssue: (issue_number, patch) =>
      call(`updating #${issue_number}`, async () => {
        const { stateReason, ...rest } = patch;
        const { data } = await octokit.rest.issues.update({
          owner,
          repo,
          issue_number,
          ...rest,
          ...(stateReason ? { state_reason: stateReason } : {}),
        });
        return toIssue(data);
      }),
    listComments: (issue_number) =>
      call(`listing comments of #${issue_number}`, async () =>
        (
          await octokit.paginate(octokit.rest.issues.listComments, {
            owner,
            repo,
            issue_number,
            per_page: 100,
          })
        ).map(toComment),
      ),
    createComment: (issue_number, body) =>
      call(`commenting on #${issue_number}`, async () =>
        toComment(
          (await octokit.rest.issues.createComment({ owner, repo, issue_number, body, ...once })).data,
        ),
      ),
    ensureLabel: (name, color, description) =>
      call(`creating label ${name}`, async () => {
        try {
          await octokit.rest.issues.getLabel({ owner, repo, name });
          return { created: false };
        } catch (error) {
          if ((error as { status?: number }).status !== 404) throw error;
        }
        try {
          await octokit.rest.issues.createLabel({ owner, repo, name, color, description, ...once });
          return { created: true };
        } catch (error) {
          // Made meanwhile (another run, or our own answer was lost): it exists, which is the goal.
          const mapped = mapError(error, `creating label ${name}`);
          if (mapped.status === 422 || mapped.transient) {
            await octokit.rest.issues.getLabel({ owner, repo, name });
            return { created: mapped.status !== 422 };
          }
          throw mapped;
        }
      }),
    findOpenPull: (head, base) =>
      call('listing pull requests', async () => {
        const { data } = await octokit.rest.pulls.list({
          owner,
          repo,
          head: `${owner}:${head}`,
          base,
          state: 'open',
        });
        return data[0] ? toPull(data[0]) : null;
      }),
    createPull: (input) =>
      call('opening a pull request', async () =>
        toPull((await octokit.rest.pulls.create({ owner, repo, ...input, ...once })).data),
      ),
    updatePull: (pull_number, patch) =>
      call(`updating pull request #${pull_number}`, async () =>
        toPull((await octokit.rest.pulls.update({ owner, repo, pull_number, ...patch })).data),
      ),
  };
}
