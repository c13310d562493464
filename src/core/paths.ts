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

/**
 * `{reportDir}` for one attempt of one suite: `reports/<suite>/<attempt>-<token>/`, a fresh folder whose
 * name carries a random token. Only the attempt's own processes are told this path (in `{reportDir}` and
 * `TDL_REPORT_DIR`), so a process left over from an earlier attempt, or from a SIGKILLed run that is
 * being resumed, writes into its own old folder and can never supply this attempt's report.
 */
export function attemptReportDir(reportDir: string, suiteId: string, attempt: number, token: string): string {
  return join(reportDir, suiteId, `${attempt}-${token}`);
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
