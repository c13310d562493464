/**
 * The run's process journal (`.tdl/runs/<runId>/children.json`): every command a run starts is listed
 * with its process group id, start time and the marker its whole tree carries, from before it starts
 * until the journal is next written after it ended (see `onEnd`). A run
 * that was SIGKILLed cannot clean up after itself; the next `tdl run` or `tdl resume` that takes over
 * its lock reads this journal and kills what is left (only processes that still carry the marker, so
 * a reused process id is never touched), then marks the record as interrupted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessPort } from '../adapters/process/port.js';
import { killTree, newProcessToken } from '../adapters/process/tree.js';
import { writeFileAtomic } from '../telemetry/outlet.js';
import { Redactor } from '../telemetry/redact.js';

export const CHILDREN_FILE = 'children.json';

interface JournalEntry {
  /** The marker the command's whole tree carries: what survivors are found by. */
  token: string;
  /** Its process group, once it started (null: the journal was written before the spawn). */
  pgid: number | null;
  startTicks: number | null;
  startedAt: string;
}

function read(file: string): JournalEntry[] {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { children?: JournalEntry[] };
    return Array.isArray(doc.children) ? doc.children : [];
  } catch {
    return [];
  }
}

/** A ProcessPort that keeps the run's process journal current around every command. */
export function journaledProcesses(port: ProcessPort, runDir: string): ProcessPort {
  const file = join(runDir, CHILDREN_FILE);
  const live = new Map<string, JournalEntry>(read(file).map((e) => [e.token, e]));
  // Only pids, tokens and times go in: nothing to redact, but writes go through the one outlet.
  const none = new Redactor();
  const save = () =>
    writeFileAtomic(file, `${JSON.stringify({ children: [...live.values()] }, null, 2)}\n`, none);
  return {
    run(argv, options) {
      // The marker is in the journal before the command starts: a SIGKILL of tdl at any moment after
      // the spawn leaves a journal that names it. Its pgid is kept in memory only (survivors are found
      // by the marker; the pgid is written with the next save).
      const token = options.token ?? newProcessToken();
      live.set(token, { token, pgid: null, startTicks: null, startedAt: new Date().toISOString() });
      save();
      return port.run(argv, {
        ...options,
        token,
        onStart(child) {
          Object.assign(live.get(token) ?? {}, { pgid: child.pgid, startTicks: child.startTicks });
          options.onStart?.(child);
        },
        onEnd(child) {
          // Not saved now: the next command's save drops it. An ended command left in the journal
          // costs nothing but a look (survivors are found by the marker, which no process carries
          // once the command's tree is gone), and a run of n suites writes the journal n times, not 2n.
          live.delete(child.token);
          options.onEnd?.(child);
        },
      });
    },
  };
}

/** Kills what is left of a dead run's commands; returns how many processes it killed. */
export function killSurvivors(runDir: string): number {
  const file = join(runDir, CHILDREN_FILE);
  if (!existsSync(file)) return 0;
  let killed = 0;
  for (const entry of read(file)) {
    // The group is killed only through marked processes: a pgid may have been reused since.
    killed += killTree(undefined, entry.token).length;
  }
  return killed;
}
