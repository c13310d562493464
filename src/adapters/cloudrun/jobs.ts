/**
 * Cloud Run Jobs through `@google-cloud/run` (v2 JobsClient and ExecutionsClient): run a job with
 * overrides (task count, args, env) and follow its execution. Same connection rules as the services
 * port: plain gRPC to `gcp.endpoint` / `TDL_CLOUDRUN_ENDPOINT` (the emulator), else ADC.
 */
import type { GcpConfig } from '../../playbook/sections/cloudrun.js';
import { cloudRunClientOptions } from './index.js';

export interface ExecutionState {
  name: string;
  taskCount: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  retried: number;
  running: number;
  done: boolean;
  /** Where the execution's logs are (the Cloud console's Logs Explorer, as the API gives it); null: not said. */
  logUri: string | null;
}

export interface JobsPort {
  /** Starts an execution of `job`; its full resource name. */
  run(
    job: string,
    overrides: { taskCount: number; args: string[]; env: Record<string, string> },
  ): Promise<string>;
  execution(name: string): Promise<ExecutionState>;
  close(): Promise<void>;
}

export async function createJobsPort(gcp: GcpConfig, endpoint?: string): Promise<JobsPort> {
  const [{ v2 }, clientOptions] = await Promise.all([
    import('@google-cloud/run'),
    cloudRunClientOptions(gcp, endpoint),
  ]);
  const jobs = new v2.JobsClient(clientOptions);
  const executions = new v2.ExecutionsClient(clientOptions);
  const callOptions = { timeout: gcp.callTimeout, retry: null };
  const parent = `projects/${gcp.project}/locations/${gcp.region}`;
  return {
    async run(job, overrides) {
      const [operation] = await jobs.runJob(
        {
          name: `${parent}/jobs/${job}`,
          overrides: {
            taskCount: overrides.taskCount,
            containerOverrides: [
              {
                args: overrides.args,
                env: Object.entries(overrides.env).map(([name, value]) => ({ name, value })),
              },
            ],
          },
        },
        callOptions,
      );
      const meta = (operation.metadata ?? operation.latestResponse?.metadata) as { name?: string } | null;
      if (!meta?.name) throw new Error(`the run of job ${job} did not name its execution`);
      return meta.name;
    },
    async execution(name) {
      const [e] = await executions.getExecution({ name }, callOptions);
      return {
        name,
        taskCount: Number(e.taskCount ?? 0),
        succeeded: Number(e.succeededCount ?? 0),
        failed: Number(e.failedCount ?? 0),
        cancelled: Number(e.cancelledCount ?? 0),
        retried: Number(e.retriedCount ?? 0),
        running: Number(e.runningCount ?? 0),
        done: Boolean(e.completionTime),
        logUri: e.logUri || null,
      };
    },
    async close() {
      await Promise.all([jobs.close(), executions.close()]);
    },
  };
}
