/**
 * Test-data builders for runs: a record, a phase's entry, a clock that advances by itself, and a
 * RunContext whose logger keeps its records in memory. Each takes overrides, so a test names only
 * what it is about instead of a long literal record.
 */
import pino from 'pino';
import { createPorts } from '../../src/adapters/index.js';
import {
  PHASE_IDS,
  type PhaseEntry,
  type PhaseId,
  RUN_RECORD_SCHEMA_VERSION,
  type RunOptions,
  type RunRecord,
} from '../../src/core/record.js';
import { emptyHistory } from '../../src/history/model.js';
import { type RunContext, silentReporter } from '../../src/phases/context.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import type { Clock } from '../../src/telemetry/clock.js';
import { Redactor } from '../../src/telemetry/redact.js';

export const RUN_ID = 'tdl-20260101-120000-abcdef';
const MINIMAL_PLAYBOOK = `name: built
suites:
  - id: unit
    command: [node, --test]
`;

/** A run record as `startRun` makes it, before any phase ran. */
/** The options of a plain `tdl run` (every focus, no deploy, no publish, one iteration). */
export function runOptions(overrides: Partial<RunOptions> = {}): RunOptions {
  return {
    focus: 'all',
    deploy: false,
    dryRun: false,
    publish: 'none',
    only: null,
    untilGreen: false,
    maxIterations: 1,
    ...overrides,
  };
}

export function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    schemaVersion: RUN_RECORD_SCHEMA_VERSION,
    runId: RUN_ID,
    tool: { name: 'tdl', version: '0.0.0-test' },
    playbook: { name: 'built', file: '/nowhere/tdl.yaml' },
    repo: { dir: '/nowhere', commit: null, branch: null, dirty: null },
    options: runOptions(),
    runDir: `/nowhere/.tdl/runs/${RUN_ID}`,
    redactEnv: [],
    state: 'running',
    startedAt: '2026-01-01T12:00:00.000Z',
    phases: [],
    decision: null,
    ...overrides,
  };
}

/** The titles the phases carry (test data: a title change in src/phases/ need not change fixtures). */
export const PHASE_TITLES: Record<PhaseId, string> = {
  'deploy-status': 'Deployment status',
  'select-tests': 'Test selection',
  'run-tests': 'Test execution',
  'root-cause': 'Root cause analysis',
  compliance: 'Compliance audit',
  stability: 'Stability decision',
  publish: 'Publish',
};

/**
 * A phase's entry in the record, at its place in the table, its data typed by `id`; completed and
 * passing unless told otherwise.
 */
export function phaseEntry<I extends PhaseId>(id: I, overrides: Partial<PhaseEntry<I>> = {}): PhaseEntry<I> {
  return {
    id,
    index: PHASE_IDS.indexOf(id),
    title: PHASE_TITLES[id],
    state: 'completed',
    verdict: 'pass',
    findings: [],
    ...overrides,
  };
}

/** A phase's entry for a phase that was skipped (no verdict, no data). */
export function skippedPhase<I extends PhaseId>(
  id: I,
  reason: string,
  overrides: Partial<PhaseEntry<I>> = {},
): PhaseEntry<I> {
  return {
    id,
    index: PHASE_IDS.indexOf(id),
    title: PHASE_TITLES[id],
    state: 'skipped',
    reason,
    findings: [],
    ...overrides,
  };
}

/** A clock that starts at `start` and moves `stepMs` forward on every reading. */
export function steppingClock(start = '2026-01-01T12:00:00.000Z', stepMs = 1000): Clock {
  let now = Date.parse(start);
  return {
    now() {
      const at = new Date(now);
      now += stepMs;
      return at;
    },
  };
}

export interface BuiltContext {
  ctx: RunContext;
  /** Every log record written through ctx.logger (and its children), parsed. */
  logs: Record<string, unknown>[];
  abort(reason?: string): void;
}

/** A RunContext for in-process tests: real (lazy, unused unless called) ports, a logger kept in memory. */
export function runContext(overrides: Partial<RunContext> = {}): BuiltContext {
  const logs: Record<string, unknown>[] = [];
  // pino writes each record synchronously to any object with a write(line) method.
  const sink = { write: (line: string) => logs.push(JSON.parse(line)) };
  const playbook = parsePlaybook(MINIMAL_PLAYBOOK, '/nowhere/tdl.yaml');
  const controller = new AbortController();
  const record = overrides.record ?? runRecord();
  const ctx: RunContext = {
    runId: record.runId,
    playbook,
    options: record.options,
    logger: pino({ level: 'debug', base: { runId: record.runId } }, sink),
    clock: steppingClock(),
    redactor: Redactor.fromEnv([], {}),
    paths: {
      stateDir: '/nowhere/.tdl',
      runDir: record.runDir,
      reportDir: `${record.runDir}/reports`,
      logFile: `${record.runDir}/run.log`,
      recordFile: `${record.runDir}/record.json`,
    },
    ports: createPorts(playbook, {}),
    record,
    history: [],
    testHistory: emptyHistory(),
    signal: controller.signal,
    progress: silentReporter,
    env: {},
    ...overrides,
  };
  return { ctx, logs, abort: (reason = 'SIGINT') => controller.abort(reason) };
}
