/**
 * Opening a run by id: its run folder under the state folder and its stored record, checked. The one
 * way every command reads a run back (resume, publish, MCP), so a missing, torn or foreign record is
 * the same clear usage error everywhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { errorMessage, UsageError } from '../core/errors.js';
import { isRunId } from '../core/ids.js';
import { pathsFor } from '../core/paths.js';
import { READABLE_SCHEMA_VERSIONS, type RunRecord } from '../core/record.js';
import { parseStoredRecord } from '../history/compact.js';
import { localRecord } from './portable.js';

/** A stored run record, checked: the run folder exists, its version fits, every key is right. */
export function openRun(runId: string, stateDir: string): RunRecord {
  if (!isRunId(runId))
    throw new UsageError('ERUNID', `"${runId}" is not a run id (expected tdl-YYYYMMDD-HHMMSS-xxxxxx)`);
  const paths = pathsFor(stateDir, runId);
  if (!existsSync(paths.recordFile)) {
    throw new UsageError(
      'ENORUN',
      `no run ${runId} under ${paths.stateDir}`,
      'run `tdl resume` from the folder the run was started in',
    );
  }
  let stored: { schemaVersion?: unknown };
  try {
    stored = JSON.parse(readFileSync(paths.recordFile, 'utf8'));
  } catch (error) {
    throw new UsageError('ERECORD', `${paths.recordFile}: not valid JSON (${errorMessage(error)})`);
  }
  if (!READABLE_SCHEMA_VERSIONS.includes(stored.schemaVersion as number)) {
    throw new UsageError(
      'ERUNVERSION',
      `run ${runId} was written by an incompatible version (schemaVersion ${String(stored.schemaVersion)})`,
    );
  }
  const parsed = parseStoredRecord(stored);
  if (!parsed.ok)
    throw new UsageError('ERECORD', `${paths.recordFile}: not a valid run record: ${parsed.problem}`);
  return localRecord(parsed.record, paths.runDir);
}
