/** `tdl init`: inspect a repository and write a starting playbook, plus `.tdl/` in .gitignore. */
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../../core/errors.js';
import { findGitRoot } from '../../core/git-root.js';
import { parsePlaybook } from '../load.js';
import { detectSuites, githubRepoFromRemote, projectName, type RepoView, wantsPython } from './detect.js';
import { renderInitPlaybook } from './render.js';

export interface InitRequest {
  cwd: string;
  output: string;
  force: boolean;
  gcpProject?: string;
  region?: string;
  services: string[];
}

export interface InitResult {
  file: string;
  name: string;
  suites: string[];
  githubRepo: string | null;
  /** The branch changes are compared with (decision.base, github.baseBranch) and how it was found. */
  baseBranch: { name: string; ref: string; from: string };
  /** The `$schema` path written, or null when there is no copy of the schema to point at. */
  schema: string | null;
  gitignoreUpdated: boolean;
}

/**
 * Where editors find the playbook schema: the copy installed in the repository's node_modules, else
 * the project's own `schemas/` (tdl's repository), else none. A path into an npx cache or a global
 * install would not exist on a teammate's machine, so it is never written.
 */
function schemaRef(root: string, playbookDir: string): string | null {
  const installed = join(root, 'node_modules', 'test-deploy-loop', 'schemas', 'playbook.schema.json');
  const own = join(root, 'schemas', 'playbook.schema.json');
  const target = existsSync(installed) ? installed : existsSync(own) ? own : null;
  return target ? relative(playbookDir, target) || target : null;
}

const git = (root: string, args: string[]) => execa('git', args, { cwd: root, reject: false });

/** The default branch: what `origin/HEAD` points at, else `main`, else `master` (local or on origin). */
async function defaultBranch(root: string): Promise<InitResult['baseBranch']> {
  const head = await git(root, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
  const exists = async (ref: string) =>
    (await git(root, ['rev-parse', '--verify', '--quiet', ref])).exitCode === 0;
  const refFor = async (name: string) => ((await exists(`refs/heads/${name}`)) ? name : `origin/${name}`);
  if (head.exitCode === 0 && String(head.stdout).startsWith('origin/')) {
    const name = String(head.stdout).trim().slice('origin/'.length);
    return { name, ref: await refFor(name), from: 'origin/HEAD' };
  }
  for (const name of ['main', 'master']) {
    if ((await exists(`refs/heads/${name}`)) || (await exists(`refs/remotes/origin/${name}`))) {
      return { name, ref: await refFor(name), from: `a branch named ${name} (no origin/HEAD)` };
    }
  }
  return { name: 'main', ref: 'main', from: 'neither main nor master exists: assumed main' };
}

/** Whether `python3 -m pytest` runs on this machine (asked only for repositories with Python tests). */
async function hasPytest(root: string): Promise<boolean> {
  const r = await execa('python3', ['-m', 'pytest', '--version'], {
    cwd: root,
    reject: false,
    timeout: 30_000,
  });
  return r.exitCode === 0;
}

export async function initPlaybook(req: InitRequest): Promise<InitResult> {
  const root = findGitRoot(req.cwd) ?? req.cwd;
  const file = join(req.cwd, req.output);
  if (existsSync(file) && !req.force) {
    throw new UsageError('EEXIST', `${req.output} already exists; pass --force to overwrite it`);
  }
  if (
    (req.gcpProject || req.region || req.services.length) &&
    !(req.gcpProject && req.region && req.services.length)
  ) {
    throw new UsageError(
      'EGCP',
      '--gcp-project, --region and --service go together (tdl init never guesses a cloud project)',
    );
  }
  const view: RepoView = {
    exists: (p) => existsSync(join(root, p)),
    read: (p) => {
      try {
        return readFileSync(join(root, p), 'utf8');
      } catch {
        return undefined;
      }
    },
    list: (p) => {
      try {
        return readdirSync(join(root, p));
      } catch {
        return [];
      }
    },
  };
  const [pytest, remote, baseBranch] = await Promise.all([
    wantsPython(view) ? hasPytest(root) : Promise.resolve(false),
    git(root, ['remote', 'get-url', 'origin']),
    defaultBranch(root),
  ]);
  const suites = detectSuites(view, { pytest });
  const githubRepo = remote.exitCode === 0 ? githubRepoFromRemote(String(remote.stdout)) : undefined;
  const name = projectName(view) ?? basename(root);
  const schema = schemaRef(root, req.cwd);
  const text = renderInitPlaybook({
    name,
    suites,
    baseBranch,
    ...(githubRepo ? { githubRepo } : {}),
    ...(req.gcpProject && req.region
      ? { gcp: { project: req.gcpProject, region: req.region, services: req.services } }
      : {}),
    schemaRef: schema,
  });
  parsePlaybook(text, file); // what we write must load; a failure here is our bug, not the user's
  writeFileSync(file, text);
  const gitignore = join(root, '.gitignore');
  const current = existsSync(gitignore) ? readFileSync(gitignore, 'utf8') : '';
  const hasTdl = current.split(/\r?\n/).some((l) => /^\/?\.tdl\/?$/.test(l.trim()));
  if (!hasTdl) appendFileSync(gitignore, `${current && !current.endsWith('\n') ? '\n' : ''}.tdl/\n`);
  return {
    file,
    name,
    suites: suites.map((s) => s.id),
    githubRepo: githubRepo ?? null,
    baseBranch,
    schema,
    gitignoreUpdated: !hasTdl,
  };
}
