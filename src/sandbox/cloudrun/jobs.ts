/**
 * Cloud Run Jobs in the emulator: `RunJob` starts an execution whose every task is a real local
 * process (the job's command, its args or the run's override args, with the task environment Cloud
 * Run gives: CLOUD_RUN_JOB, CLOUD_RUN_EXECUTION, CLOUD_RUN_TASK_INDEX/COUNT/ATTEMPT), all at once;
 * `GetExecution` reports its counts; the run's long-running operation is done when every task ended.
 * Tasks are bounded: each has the job's timeout, and closing the emulator kills what still runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';

export interface JobSpec {
  /** The container's entrypoint and default args (argv; the program first). */
  command: string[];
  args?: string[];
  cwd: string;
  env?: Record<string, string>;
  /** Per task (default 10 minutes). */
  timeoutMs?: number;
  /** Task indexes (0-based) that fail at once without running: a container that crashed. */
  failTasks?: number[];
}

interface Execution {
  name: string;
  job: string;
  taskCount: number;
  createTime: Date;
  completionTime: Date | null;
  succeeded: number;
  failed: number;
  running: number;
}

type Call = grpc.ServerUnaryCall<Record<string, unknown>, unknown>;
type Callback = grpc.sendUnaryData<unknown>;

function timestamp(d: Date) {
  return { seconds: String(Math.floor(d.getTime() / 1000)), nanos: (d.getTime() % 1000) * 1e6 };
}

export class JobsState {
  readonly jobs = new Map<string, JobSpec>();
  readonly executions = new Map<string, Execution>();
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly parent: string) {}

  addJob(id: string, spec: JobSpec): void {
    this.jobs.set(id, spec);
  }

  jobName(id: string): string {
    return `${this.parent}/jobs/${id}`;
  }

  run(
    id: string,
    overrides: { taskCount?: number; args?: string[]; env?: Record<string, string> },
  ): Execution {
    const spec = this.jobs.get(id)!;
    const taskCount = overrides.taskCount || 1;
    const exec: Execution = {
      name: `${this.jobName(id)}/executions/${id}-${randomBytes(3).toString('hex')}`,
      job: id,
      taskCount,
      createTime: new Date(),
      completionTime: null,
      succeeded: 0,
      failed: 0,
      running: taskCount,
    };
    this.executions.set(exec.name, exec);
    const ended = (ok: boolean) => {
      exec.running--;
      if (ok) exec.succeeded++;
      else exec.failed++;
      if (exec.running === 0) exec.completionTime = new Date();
    };
    const argv = [...spec.command, ...(overrides.args?.length ? overrides.args : (spec.args ?? []))];
    for (let index = 0; index < taskCount; index++) {
      if (spec.failTasks?.includes(index)) {
        setImmediate(() => ended(false));
        continue;
      }
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: spec.cwd,
        env: {
          ...process.env,
          ...spec.env,
          ...overrides.env,
          CLOUD_RUN_JOB: id,
          CLOUD_RUN_EXECUTION: exec.name.split('/').pop()!,
          CLOUD_RUN_TASK_INDEX: String(index),
          CLOUD_RUN_TASK_COUNT: String(taskCount),
          CLOUD_RUN_TASK_ATTEMPT: '0',
        },
        stdio: 'ignore',
      });
      this.children.add(child);
      const timer = setTimeout(() => child.kill('SIGKILL'), spec.timeoutMs ?? 600_000);
      let done = false;
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.children.delete(child);
        ended(ok);
      };
      child.once('error', () => finish(false));
      child.once('exit', (code) => finish(code === 0));
    }
    return exec;
  }

  message(exec: Execution): Record<string, unknown> {
    return {
      name: exec.name,
      uid: exec.name.split('/').pop(),
      job: exec.job,
      createTime: timestamp(exec.createTime),
      startTime: timestamp(exec.createTime),
      ...(exec.completionTime ? { completionTime: timestamp(exec.completionTime) } : {}),
      parallelism: exec.taskCount,
      taskCount: exec.taskCount,
      reconciling: exec.completionTime === null,
      runningCount: exec.running,
      succeededCount: exec.succeeded,
      failedCount: exec.failed,
      cancelledCount: 0,
      retriedCount: 0,
      // As the API gives it: the Logs Explorer, filtered to this execution.
      logUri: `https://console.cloud.google.com/logs/viewer?project=${exec.name.split('/')[1]}&advancedFilter=${encodeURIComponent(`resource.type="cloud_run_job" labels."run.googleapis.com/execution_name"="${exec.name.split('/').pop()}"`)}`,
    };
  }

  /** Kills every task still running (the emulator is closing). */
  killAll(): void {
    for (const child of this.children) child.kill('SIGKILL');
    this.children.clear();
  }
}

const unimplemented = (_c: Call, cb: Callback) =>
  cb({
    code: grpc.status.UNIMPLEMENTED,
    details: 'not emulated',
    metadata: new grpc.Metadata(),
  } as grpc.ServiceError);

/**
 * The Jobs and Executions services. Operations go into `operations` (served by the emulator's
 * Operations service); an execution's operation is refreshed there each time it is read.
 */
export function addJobServices(
  server: grpc.Server,
  defs: grpc.GrpcObject | Record<string, unknown>,
  state: JobsState,
  operations: Map<string, Record<string, unknown>>,
  refreshers: Map<string, () => void>,
): void {
  const jobsDef = (defs as Record<string, grpc.ServiceDefinition>)['google.cloud.run.v2.Jobs']!;
  const executionsDef = (defs as Record<string, grpc.ServiceDefinition>)['google.cloud.run.v2.Executions']!;
  const encodeExecution = executionsDef.GetExecution!.responseSerialize;
  const notFound = (cb: Callback, name: string) =>
    cb({
      code: grpc.status.NOT_FOUND,
      details: `Resource '${name}' was not found`,
      metadata: new grpc.Metadata(),
    } as grpc.ServiceError);
  server.addService(jobsDef, {
    RunJob: (call: Call, cb: Callback) => {
      const name = String(call.request.name ?? '');
      const id = name.split('/').pop() ?? '';
      if (!state.jobs.has(id) || state.jobName(id) !== name) return notFound(cb, name);
      const o = (call.request.overrides ?? {}) as {
        taskCount?: number;
        containerOverrides?: { args?: string[]; env?: { name: string; value?: string }[] }[];
      };
      const container = o.containerOverrides?.[0];
      const exec = state.run(id, {
        ...(o.taskCount ? { taskCount: Number(o.taskCount) } : {}),
        ...(container?.args ? { args: container.args } : {}),
        env: Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value ?? ''])),
      });
      const opName = `${name}/operations/${randomBytes(6).toString('hex')}`;
      const refresh = () => {
        const message = state.message(exec);
        const any = {
          typeUrl: 'type.googleapis.com/google.cloud.run.v2.Execution',
          value: encodeExecution(message),
        };
        operations.set(opName, {
          name: opName,
          metadata: any,
          done: exec.completionTime !== null,
          ...(exec.completionTime ? { response: any } : {}),
        });
      };
      refresh();
      refreshers.set(opName, refresh);
      cb(null, operations.get(opName));
    },
    GetJob: unimplemented,
    ListJobs: unimplemented,
    CreateJob: unimplemented,
    UpdateJob: unimplemented,
    DeleteJob: unimplemented,
    GetIamPolicy: unimplemented,
    SetIamPolicy: unimplemented,
    TestIamPermissions: unimplemented,
  });
  server.addService(executionsDef, {
    GetExecution: (call: Call, cb: Callback) => {
      const exec = state.executions.get(String(call.request.name ?? ''));
      if (!exec) return notFound(cb, String(call.request.name ?? ''));
      cb(null, state.message(exec));
    },
    ListExecutions: unimplemented,
    DeleteExecution: unimplemented,
    CancelExecution: unimplemented,
  });
}
