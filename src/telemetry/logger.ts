/**
 * The one logger. JSON records go to `.tdl/runs/<runId>/run.log`; a short human line goes to stderr.
 * Every record carries `runId` (bound at creation) and `phase` once: the runner's child logger binds
 * the phase's id; records of the run itself get `run`.
 * Both streams pass through the run's Redactor.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import { outbound, outboundJson } from './outlet.js';
import type { Redactor } from './redact.js';

export type Logger = pino.Logger;

export interface LoggerOptions {
  runId: string;
  logFile: string;
  redactor: Redactor;
  /** Human lines go here (stderr by default); `null` turns them off. */
  human?: NodeJS.WritableStream | null;
  humanLevel?: 'debug' | 'info' | 'warn' | 'error';
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const LEVEL_VALUES: Record<string, number> = { debug: 20, info: 30, warn: 40, error: 50 };
const HIDDEN_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'runId', 'phase', 'msg', 'suite']);

function humanLine(record: Record<string, unknown>): string {
  const level = LEVEL_NAMES[Number(record.level)] ?? 'info';
  const scope = [record.phase, record.suite].filter((v) => typeof v === 'string' && v !== 'run').join('/');
  const extras = Object.entries(record)
    .filter(([k, v]) => !HIDDEN_KEYS.has(k) && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const prefix = level === 'info' ? '' : `${level}: `;
  return `${scope ? `[${scope}] ` : ''}${prefix}${String(record.msg ?? '')}${extras ? ` (${extras})` : ''}`;
}

/** The record with `phase: 'run'` after `runId` when no phase logger bound one. */
function withPhase(record: Record<string, unknown>): Record<string, unknown> {
  if ('phase' in record) return record;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    out[k] = v;
    if (k === 'runId') out.phase = 'run';
  }
  out.phase ??= 'run';
  return out;
}

export interface RunLogger {
  logger: Logger;
  close(): void;
}

/** Creates the run's logger. Call `close()` when the run ends. */
export function createRunLogger(options: LoggerOptions): RunLogger {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  const human = options.human === undefined ? process.stderr : options.human;
  const humanMin = LEVEL_VALUES[options.humanLevel ?? 'info'] ?? 30;
  const { redactor } = options;
  let open = true;
  const sink = {
    write(line: string): void {
      if (!open) return;
      // Redacted value by value (pino hands over one serialized record per line), then scanned.
      let record: Record<string, unknown> | null = null;
      try {
        record = withPhase(redactor.redactDeep(JSON.parse(line) as Record<string, unknown>));
      } catch {
        record = null;
      }
      const safe = record
        ? outboundJson(record, redactor, 'a log record', 0)
        : outbound(line.trimEnd(), redactor, 'a log line');
      if (safe === null) return;
      // Synchronous, so a killed run keeps every record it wrote.
      writeSync(fd, `${safe}\n`);
      if (!human || !record) return;
      if (Number(record.level) >= humanMin) {
        const text = outbound(humanLine(record), redactor, 'a log line');
        if (text !== null) human.write(`${text}\n`);
      }
    },
  };
  const logger = pino(
    {
      level: 'debug',
      // Not `phase` here: pino appends a child's bindings to the base's, so a phase's records
      // would hold the key twice. The sink adds `run` to records without one (withPhase).
      base: { runId: options.runId },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    sink,
  );
  return {
    logger,
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
