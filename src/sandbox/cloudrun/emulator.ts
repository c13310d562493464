/**
 * A loopback gRPC emulator of the Cloud Run v2 Services and Revisions APIs (GetService, ListServices,
 * UpdateService as a long-running operation, ListRevisions, GetRevision), built on the protos shipped
 * with `@google-cloud/run`. The real client talks to it with insecure credentials; its state is
 * scriptable through `state` (see state.ts).
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { addJobServices, JobsState } from './jobs.js';
import { cloudRunProtos } from './protos.js';
import { CloudRunState, type ErrorSpec, type TrafficSpec } from './state.js';

export interface CloudRunEmulator {
  state: CloudRunState;
  /** Cloud Run Jobs: `jobs.addJob(id, spec)` makes a job that `RunJob` can start (see jobs.ts). */
  jobs: JobsState;
  /** `127.0.0.1:<port>`: what `gcp.endpoint` / `TDL_CLOUDRUN_ENDPOINT` take. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export interface EmulatorOptions {
  project?: string;
  region?: string;
  /** Added to every answer (a real API takes tens to hundreds of milliseconds). */
  latencyMs?: number;
}

type Call = grpc.ServerUnaryCall<Record<string, unknown>, unknown>;
type Callback = grpc.sendUnaryData<unknown>;

const SERVICE_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)(?:\/revisions\/([^/]+))?$/;

function fail(callback: Callback, code: grpc.status, details: string): void {
  callback({ code, details, metadata: new grpc.Metadata() } as grpc.ServiceError, null);
}

const CODES: Record<ErrorSpec['code'], grpc.status> = {
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  DEADLINE_EXCEEDED: grpc.status.DEADLINE_EXCEEDED,
  INTERNAL: grpc.status.INTERNAL,
};

export async function startCloudRunEmulator(options: EmulatorOptions = {}): Promise<CloudRunEmulator> {
  const state = new CloudRunState({
    project: options.project ?? 'sandbox-project',
    region: options.region ?? 'us-central1',
  });
  const defs = cloudRunProtos();
  const services = defs['google.cloud.run.v2.Services'] as grpc.ServiceDefinition;
  const revisions = defs['google.cloud.run.v2.Revisions'] as grpc.ServiceDefinition;
  const operationsDef = defs['google.longrunning.Operations'] as grpc.ServiceDefinition;
  const encodeService = services.GetService!.responseSerialize;
  const operations = new Map<string, Record<string, unknown>>();
  // Operations whose state changes after they are created (a job's execution), refreshed on read.
  const refreshers = new Map<string, () => void>();
  const jobs = new JobsState(state.parent);
  const latency = options.latencyMs ?? 0;

  /** Wraps a handler: latency, the resource name check, injected errors, and the call log. */
  const handle =
    (
      method: string,
      nameOf: (req: Record<string, unknown>) => string,
      body: (m: RegExpExecArray, call: Call, cb: Callback) => void,
    ) =>
    (call: Call, callback: Callback) => {
      const run = () => {
        const name = nameOf(call.request);
        const m = SERVICE_NAME.exec(name) ?? /^projects\/([^/]+)\/locations\/([^/]+)()$/.exec(name);
        const service = m?.[3] || null;
        const injected = state.callOf(method, service);
        if (injected) {
          return fail(
            callback,
            CODES[injected.code],
            injected.message ?? `injected ${injected.code} by the emulator`,
          );
        }
        if (!m || m[1] !== state.project || m[2] !== state.region) {
          return fail(callback, grpc.status.NOT_FOUND, `Resource '${name}' was not found`);
        }
        if (service && !state.has(service)) {
          return fail(callback, grpc.status.NOT_FOUND, `Resource '${name}' was not found`);
        }
        try {
          body(m, call, callback);
        } catch (error) {
          fail(callback, grpc.status.INTERNAL, error instanceof Error ? error.message : String(error));
        }
      };
      if (latency > 0) setTimeout(run, latency);
      else run();
    };

  const server = new grpc.Server();
  server.addService(services, {
    GetService: handle(
      'GetService',
      (r) => String(r.name ?? ''),
      (m, _call, cb) => {
        state.poll(m[3]!);
        cb(null, state.serviceMessage(m[3]!));
      },
    ),
    ListServices: handle(
      'ListServices',
      (r) => String(r.parent ?? ''),
      (_m, _call, cb) => {
        cb(null, { services: state.serviceNames().map((s) => state.serviceMessage(s)), nextPageToken: '' });
      },
    ),
    UpdateService: handle(
      'UpdateService',
      (r) => String((r.service as { name?: string } | undefined)?.name ?? ''),
      (m, call, cb) => {
        const input = call.request.service as { template?: Record<string, unknown>; traffic?: TrafficSpec[] };
        const mask = (call.request.updateMask as { paths?: string[] } | undefined)?.paths ?? null;
        state.update(m[3]!, { ...input, traffic: input.traffic?.map(shortTraffic) }, mask);
        const name = `${state.parent}/operations/${randomUUID()}`;
        const op = {
          name,
          done: true,
          response: {
            typeUrl: 'type.googleapis.com/google.cloud.run.v2.Service',
            value: encodeService(state.serviceMessage(m[3]!)),
          },
        };
        operations.set(name, op);
        cb(null, op);
      },
    ),
    CreateService: (_c: Call, cb: Callback) => fail(cb, grpc.status.UNIMPLEMENTED, 'not emulated'),
    DeleteService: (_c: Call, cb: Callback) => fail(cb, grpc.status.UNIMPLEMENTED, 'not emulated'),
    GetIamPolicy: (_c: Call, cb: Callback) => fail(cb, grpc.status.UNIMPLEMENTED, 'not emulated'),
    SetIamPolicy: (_c: Call, cb: Callback) => fail(cb, grpc.status.UNIMPLEMENTED, 'not emulated'),
    TestIamPermissions: (_c: Call, cb: Callback) => fail(cb, grpc.status.UNIMPLEMENTED, 'not emulated'),
  });
  server.addService(revisions, {
    GetRevision: handle(
      'GetRevision',
      (r) => String(r.name ?? ''),
      (m, _call, cb) => {
        state.poll(m[3]!);
        const revision = m[4] ? state.revisionMessage(m[3]!, m[4]) : null;
        if (!revision) return fail(cb, grpc.status.NOT_FOUND, `Revision '${m[4]}' was not found`);
        cb(null, revision);
      },
    ),
    ListRevisions: handle(
      'ListRevisions',
      (r) => String(r.parent ?? ''),
      (m, _call, cb) => {
        const names = state.revisionNames(m[3]!);
        cb(null, { revisions: names.map((n) => state.revisionMessage(m[3]!, n)), nextPageToken: '' });
      },
    ),
    DeleteRevision: (_c: Call, cb: Callback) => fail(cb, grpc.status.UNIMPLEMENTED, 'not emulated'),
  });
  addJobServices(server, defs, jobs, operations, refreshers);
  server.addService(operationsDef, {
    GetOperation: (call: Call, cb: Callback) => {
      refreshers.get(String(call.request.name))?.();
      const op = operations.get(String(call.request.name));
      if (op) cb(null, op);
      else fail(cb, grpc.status.NOT_FOUND, 'no such operation');
    },
    ListOperations: (_c: Call, cb: Callback) => cb(null, { operations: [...operations.values()] }),
    DeleteOperation: (_c: Call, cb: Callback) => fail(cb, grpc.status.UNIMPLEMENTED, 'not emulated'),
    CancelOperation: (_c: Call, cb: Callback) => fail(cb, grpc.status.UNIMPLEMENTED, 'not emulated'),
    WaitOperation: (_c: Call, cb: Callback) => fail(cb, grpc.status.UNIMPLEMENTED, 'not emulated'),
  });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return {
    state,
    jobs,
    port,
    endpoint: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        jobs.killAll();
        server.tryShutdown(() => resolve());
        // Open client channels keep tryShutdown waiting; do not let a test or the demo hang on them.
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 500).unref();
      }),
  };
}

/** Traffic targets as the API receives them (the enum as a string) to the state's form. */
function shortTraffic(t: TrafficSpec & { type?: string }): TrafficSpec {
  const latest = t.type === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' || !t.revision;
  return {
    percent: Number(t.percent ?? 0),
    ...(latest ? {} : { revision: t.revision!.split('/').pop()! }),
    ...(t.tag ? { tag: t.tag } : {}),
  };
}
