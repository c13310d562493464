/**
 * A loopback emulator of the GitHub REST endpoints tdl uses (repos, issues, comments, labels, pulls,
 * search), in memory on 127.0.0.1. It rejects what GitHub rejects (no token, unknown fields, bodies
 * over 65,536 characters, a second open PR for a branch) and injects faults on request: 500/502,
 * 403 secondary rate limits with `retry-after`, 422, and a connection dropped after the change was
 * made but before the answer was sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const MAX_BODY = 65_536;

export type Fault =
  | { kind: 'status'; status: 500 | 502 | 422 }
  | { kind: 'secondary-rate-limit'; retryAfter: number }
  /** The server does the work, then closes the connection without answering. */
  | { kind: 'drop-after' };

export interface EmuRequest {
  method: string;
  path: string;
}

export interface EmuIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  comments: { id: number; body: string; created_at: string }[];
  pull?: { head: string; base: string };
  created_at: string;
  updated_at: string;
}

export interface EmuRepo {
  owner: string;
  name: string;
  issues: EmuIssue[];
  labels: Map<string, { name: string; color: string; description: string | null }>;
}

export interface EmulatorOptions {
  /** Repositories that exist, as `owner/name`. */
  repos: string[];
  /** Tokens accepted; empty means any non-empty token. */
  tokens?: string[];
  /** Tokens that may read but not write (doctor checks). */
  readOnlyTokens?: string[];
  /** Search results lag this many requests behind writes (eventual consistency). */
  searchLag?: number;
}

export interface GitHubEmulator {
  url: string;
  repo(fullName: string): EmuRepo;
  /** Every request answered or dropped, with the status sent (0 when dropped). */
  log: { method: string; path: string; status: number }[];
  /** Called for each request; a fault returned is injected. */
  faults: ((req: EmuRequest) => Fault | null) | null;
  reset(): void;
  close(): Promise<void>;
}

const ALLOWED: Record<string, readonly string[]> = {
  'POST issues': ['title', 'body', 'labels', 'assignees', 'assignee', 'milestone', 'type'],
  'PATCH issue': ['title', 'body', 'state', 'state_reason', 'labels', 'assignees', 'assignee', 'milestone'],
  'POST comments': ['body'],
  'POST labels': ['name', 'color', 'description'],
  'POST pulls': ['title', 'head', 'base', 'body', 'draft', 'maintainer_can_modify', 'head_repo', 'issue'],
  'PATCH pull': ['title', 'body', 'state', 'base', 'maintainer_can_modify'],
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly payload: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(payload.message));
  }
}

function validation(field: string, message: string, resource = 'Issue'): HttpError {
  return new HttpError(422, {
    message: 'Validation Failed',
    errors: [{ resource, code: 'custom', field, message }],
    documentation_url: 'https://docs.github.com/rest',
  });
}

function checkFields(kind: string, body: Record<string, unknown>): void {
  const allowed = ALLOWED[kind] ?? [];
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key))
      throw new HttpError(422, { message: `Invalid request.\n\n"${key}" is not a permitted key.` });
  }
  if (typeof body.body === 'string' && body.body.length > MAX_BODY)
    throw validation('body', `body is too long (maximum is ${MAX_BODY} characters)`);
  if (body.title !== undefined && (typeof body.title !== 'string' || body.title.trim() === ''))
    throw validation('title', 'title cannot be blank');
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, { message: 'Problems parsing JSON' });
}

export async function startGitHubEmulator(options: EmulatorOptions): Promise<GitHubEmulator> {
  const repos = new Map<string, EmuRepo>();
  const reset = () => {
    repos.clear();
    for (const full of options.repos) {
      const [owner, name] = full.split('/') as [string, string];
      repos.set(full.toLowerCase(), { owner, name, issues: [], labels: new Map() });
    }
  };
  reset();
  let nextId = 1000;
  let writes = 0;
  const searchable = new Map<EmuIssue, number>();
  const emu: GitHubEmulator = {
    url: '',
    log: [],
    faults: null,
    reset,
    repo(fullName) {
      const r = repos.get(fullName.toLowerCase());
      if (!r) throw new Error(`no repo ${fullName}`);
      return r;
    },
    close: async () => {},
  };
  const now = () => new Date().toISOString();

  const issueJson = (repo: EmuRepo, base: string, i: EmuIssue) => ({
    id: i.number + 1_000_000,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason,
    labels: i.labels.map((name) => ({ name, ...(repo.labels.get(name) ?? {}) })),
    comments: i.comments.length,
    html_url: `${base}/${repo.owner}/${repo.name}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
    url: `${base}/repos/${repo.owner}/${repo.name}/issues/${i.number}`,
    created_at: i.created_at,
    updated_at: i.updated_at,
    ...(i.pull
      ? { pull_request: { url: `${base}/repos/${repo.owner}/${repo.name}/pulls/${i.number}` } }
      : {}),
  });
  const pullJson = (repo: EmuRepo, base: string, i: EmuIssue) => ({
    ...issueJson(repo, base, i),
    head: { ref: i.pull!.head, label: `${repo.owner}:${i.pull!.head}` },
    base: { ref: i.pull!.base },
  });

  function page<T>(items: T[], url: URL, res: ServerResponse): T[] {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30) || 30);
    const pageNo = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    if (pageNo < last) {
      const next = new URL(url);
      next.searchParams.set('page', String(pageNo + 1));
      next.searchParams.set('per_page', String(perPage));
      res.setHeader('link', `<${emu.url}${next.pathname}${next.search}>; rel="next"`);
    }
    return items.slice((pageNo - 1) * perPage, pageNo * perPage);
  }

  function findIssue(repo: EmuRepo, n: string): EmuIssue {
    const issue = repo.issues.find((i) => i.number === Number(n));
    if (!issue) throw new HttpError(404, { message: 'Not Found' });
    return issue;
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<[number, unknown]> {
    const method = req.method ?? 'GET';
    const base = emu.url;
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'GET' && url.pathname === '/user') return [200, { login: 'tdl-sandbox', id: 1 }];
    if (method === 'GET' && url.pathname === '/search/issues') {
      const q = url.searchParams.get('q') ?? '';
      const repoQ = /repo:(\S+)/.exec(q)?.[1];
      const words = q
        .replace(/\b\w+:\S+/g, '')
        .split(/\s+/)
        .map((w) => w.replace(/"/g, ''))
        .filter(Boolean);
      const lag = options.searchLag ?? 0;
      const items = [...repos.values()]
        .filter((r) => !repoQ || `${r.owner}/${r.name}`.toLowerCase() === repoQ.toLowerCase())
        .flatMap((r) =>
          r.issues
            .filter((i) => (searchable.get(i) ?? 0) + lag <= writes)
            .filter((i) => words.every((w) => `${i.title}\n${i.body}`.includes(w)))
            .map((i) => issueJson(r, base, i)),
        );
      return [200, { total_count: items.length, incomplete_results: false, items: page(items, url, res) }];
    }
    if (parts[0] !== 'repos' || parts.length < 3) throw new HttpError(404, { message: 'Not Found' });
    const repo = repos.get(`${parts[1]}/${parts[2]}`.toLowerCase());
    if (!repo) throw new HttpError(404, { message: 'Not Found' });
    const rest = parts.slice(3);
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const canWrite = !(options.readOnlyTokens ?? []).includes(token);
    if (method !== 'GET' && !canWrite)
      throw new HttpError(403, { message: 'Resource not accessible by personal access token' });
    const body = method === 'GET' ? {} : await readJson(req);
    const touch = (i: EmuIssue) => {
      i.updated_at = now();
      writes++;
    };

    if (rest.length === 0 && method === 'GET') {
      return [
        200,
        {
          id: 1,
          name: repo.name,
          full_name: `${repo.owner}/${repo.name}`,
          default_branch: 'main',
          permissions: { admin: false, maintain: false, push: canWrite, triage: canWrite, pull: true },
        },
      ];
    }
    if (rest[0] === 'labels') {
      if (method === 'GET' && rest[1]) {
        const label = repo.labels.get(rest[1]);
        if (!label) throw new HttpError(404, { message: 'Not Found' });
        return [200, label];
      }
      if (method === 'POST' && !rest[1]) {
        checkFields('POST labels', body);
        const name = String(body.name ?? '');
        if (!name) throw validation('name', 'name is missing', 'Label');
        if (repo.labels.has(name))
          throw new HttpError(422, {
            message: 'Validation Failed',
            errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
          });
        const label = {
          name,
          color: String(body.color ?? 'ededed'),
          description: (body.description as string | undefined) ?? null,
        };
        repo.labels.set(name, label);
        writes++;
        return [201, label];
      }
    }
    if (rest[0] === 'issues') {
      if (rest.length === 1 && method === 'GET') {
        const state = url.searchParams.get('state') ?? 'open';
        const labels = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
        const items = repo.issues
          .filter((i) => state === 'all' || i.state === state)
          .filter((i) => labels.every((l) => i.labels.includes(l)))
          .sort((a, b) => b.number - a.number)
          .map((i) => issueJson(repo, base, i));
        return [200, page(items, url, res)];
      }
      if (rest.length === 1 && method === 'POST') {
        checkFields('POST issues', body);
        if (typeof body.title !== 'string') throw validation('title', 'title is missing');
        const labels = ((body.labels as string[] | undefined) ?? []).map(String);
        // Like GitHub: labels that do not exist yet are created with a default color.
        for (const l of labels)
          if (!repo.labels.has(l)) repo.labels.set(l, { name: l, color: 'ededed', description: null });
        const issue: EmuIssue = {
          number: repo.issues.length + 1,
          title: body.title,
          body: String(body.body ?? ''),
          state: 'open',
          state_reason: null,
          labels,
          comments: [],
          created_at: now(),
          updated_at: now(),
        };
        repo.issues.push(issue);
        touch(issue);
        searchable.set(issue, writes);
        return [201, issueJson(repo, base, issue)];
      }
      const issue = findIssue(repo, rest[1] ?? '');
      if (rest.length === 2 && method === 'GET') return [200, issueJson(repo, base, issue)];
      if (rest.length === 2 && method === 'PATCH') {
        checkFields('PATCH issue', body);
        if (typeof body.title === 'string') issue.title = body.title;
        if (typeof body.body === 'string') issue.body = body.body;
        if (body.state === 'open' || body.state === 'closed') {
          issue.state = body.state;
          issue.state_reason = body.state === 'closed' ? String(body.state_reason ?? 'completed') : null;
        }
        if (Array.isArray(body.labels)) issue.labels = body.labels.map(String);
        touch(issue);
        return [200, issueJson(repo, base, issue)];
      }
      if (rest[2] === 'comments' && method === 'GET') {
        return [
          200,
          page(
            issue.comments.map((c) => ({ ...c, html_url: `${base}/c/${c.id}` })),
            url,
            res,
          ),
        ];
      }
      if (rest[2] === 'comments' && method === 'POST') {
        checkFields('POST comments', body);
        if (typeof body.body !== 'string' || !body.body)
          throw validation('body', 'body is missing', 'IssueComment');
        const comment = { id: nextId++, body: body.body, created_at: now() };
        issue.comments.push(comment);
        touch(issue);
        return [201, { ...comment, html_url: `${base}/c/${comment.id}` }];
      }
    }
    if (rest[0] === 'pulls') {
      const pulls = repo.issues.filter((i) => i.pull);
      if (rest.length === 1 && method === 'GET') {
        const state = url.searchParams.get('state') ?? 'open';
        const head = url.searchParams.get('head');
        const baseRef = url.searchParams.get('base');
        const items = pulls
          .filter((p) => state === 'all' || p.state === state)
          .filter((p) => !head || `${repo.owner}:${p.pull!.head}` === head)
          .filter((p) => !baseRef || p.pull!.base === baseRef)
          .map((p) => pullJson(repo, base, p));
        return [200, page(items, url, res)];
      }
      if (rest.length === 1 && method === 'POST') {
        checkFields('POST pulls', body);
        if (typeof body.title !== 'string') throw validation('title', 'title is missing', 'PullRequest');
        const head = String(body.head ?? '').replace(/^[^:]+:/, '');
        const baseRef = String(body.base ?? '');
        if (pulls.some((p) => p.state === 'open' && p.pull!.head === head && p.pull!.base === baseRef))
          throw new HttpError(422, {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for ${repo.owner}:${head}.`,
              },
            ],
          });
        const pr: EmuIssue = {
          number: repo.issues.length + 1,
          title: body.title,
          body: String(body.body ?? ''),
          state: 'open',
          state_reason: null,
          labels: [],
          comments: [],
          pull: { head, base: baseRef },
          created_at: now(),
          updated_at: now(),
        };
        repo.issues.push(pr);
        touch(pr);
        return [201, pullJson(repo, base, pr)];
      }
      const pr = pulls.find((p) => p.number === Number(rest[1]));
      if (!pr) throw new HttpError(404, { message: 'Not Found' });
      if (rest.length === 2 && method === 'GET') return [200, pullJson(repo, base, pr)];
      if (rest.length === 2 && method === 'PATCH') {
        checkFields('PATCH pull', body);
        if (typeof body.title === 'string') pr.title = body.title;
        if (typeof body.body === 'string') pr.body = body.body;
        if (body.state === 'open' || body.state === 'closed') pr.state = body.state;
        touch(pr);
        return [200, pullJson(repo, base, pr)];
      }
    }
    throw new HttpError(404, { message: 'Not Found' });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      emu.log.push({ method, path: url.pathname, status });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    void (async () => {
      try {
        if (!/^(?:token|bearer)\s+\S+/i.test(req.headers.authorization ?? ''))
          throw new HttpError(401, { message: 'Requires authentication' });
        const token = req.headers.authorization!.replace(/^\S+\s+/, '');
        if (options.tokens?.length && !options.tokens.includes(token))
          throw new HttpError(401, { message: 'Bad credentials' });
        const fault = emu.faults?.({ method, path: url.pathname }) ?? null;
        if (fault?.kind === 'status') {
          req.resume();
          const payload =
            fault.status === 422
              ? { message: 'Validation Failed', errors: [{ code: 'custom', message: 'injected fault' }] }
              : { message: 'Server Error (injected fault)' };
          return send(fault.status, payload);
        }
        if (fault?.kind === 'secondary-rate-limit') {
          req.resume();
          return send(
            403,
            {
              message:
                'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            },
            { 'retry-after': String(fault.retryAfter) },
          );
        }
        const [status, payload] = await route(req, res, url);
        if (fault?.kind === 'drop-after') {
          emu.log.push({ method, path: url.pathname, status: 0 });
          res.socket?.destroy();
          return;
        }
        send(status, payload);
      } catch (error) {
        if (error instanceof HttpError) return send(error.status, error.payload, error.headers);
        send(500, { message: String(error) });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  emu.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emu.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return emu;
}
