/** Where a run's files live: the state folder and a run's folder inside it. */
import { join, resolve } from 'node:path';
import { findGitRoot } from './git-root.js';

export interface RunPaths {
  /** `.tdl/` */
  stateDir: string;
  /** `.tdl/runs/<runId>/` */
  runDir: string;
  /** `{reportDir}`: where suites write their reports. */
  reportDir: string;
  logFile: string;
  recordFile: string;
}

/** `.tdl/` at the git root of the working folder (or the folder itself outside git). */
export function stateDirFor(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.TDL_STATE_DIR) return resolve(cwd, env.TDL_STATE_DIR);
  return join(findGitRoot(cwd) ?? cwd, '.tdl');
}

export function pathsFor(stateDir: string, runId: string): RunPaths {
  const runDir = join(stateDir, 'runs', runId);
  return {
    stateDir,
    runDir,
    reportDir: join(runDir, 'reports'),
    logFile: join(runDir, 'run.log'),
    recordFile: join(runDir, 'record.json'),
  };
}
