/** `tdl init`: inspect a repository and write a starting playbook, plus `.tdl/` in .gitignore. */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { execa } from 'execa';
import { findGitRoot } from '../../adapters/git/root.js';
import { UsageError } from '../../pipeline/errors.js';
import { parsePlaybook } from '../load.js';
import { detectSuites, githubRepoFromRemote, type RepoView } from './detect.js';
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
  suites: string[];
  githubRepo: string | null;
  gitignoreUpdated: boolean;
}

/** Where editors find the playbook schema: the installed package's copy, else the project's own. */
function schemaRef(root: string, playbookDir: string): string {
  const installed = join(root, 'node_modules', 'test-deploy-loop', 'schemas', 'playbook.schema.json');
  const own = join(root, 'schemas', 'playbook.schema.json');
  const target = existsSync(own) && !existsSync(installed) ? own : installed;
  return relative(playbookDir, target) || target;
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
  };
  const suites = detectSuites(view);
  const remote = await execa('git', ['remote', 'get-url', 'origin'], { cwd: root, reject: false });
  const githubRepo = remote.exitCode === 0 ? githubRepoFromRemote(String(remote.stdout)) : undefined;
  const text = renderInitPlaybook({
    name: basename(root),
    suites,
    ...(githubRepo ? { githubRepo } : {}),
    ...(req.gcpProject && req.region
      ? { gcp: { project: req.gcpProject, region: req.region, services: req.services } }
      : {}),
    schemaRef: schemaRef(root, req.cwd),
  });
  parsePlaybook(text, file); // what we write must load; a failure here is our bug, not the user's
  writeFileSync(file, text);
  const gitignore = join(root, '.gitignore');
  const current = existsSync(gitignore) ? readFileSync(gitignore, 'utf8') : '';
  const hasTdl = current.split(/\r?\n/).some((l) => /^\/?\.tdl\/?$/.test(l.trim()));
  if (!hasTdl) appendFileSync(gitignore, `${current && !current.endsWith('\n') ? '\n' : ''}.tdl/\n`);
  return { file, suites: suites.map((s) => s.id), githubRepo: githubRepo ?? null, gitignoreUpdated: !hasTdl };
}
