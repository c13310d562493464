/**
 * A loopback gRPC emulator of Cloud Monitoring (`google.monitoring.v3.MetricService`: ListTimeSeries
 * with aggregation, see state.ts), built on the protos shipped with `@google-cloud/monitoring`.
 */
import * as grpc from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { protosOf } from '../cloudrun/protos.js';
import { FilterSyntaxError } from '../filter.js';
import { CODES, failCall, shutdown, unimplemented, withLatency } from '../grpc.js';
import { type Aggregation, MonitoringError, MonitoringState } from './state.js';

export interface MonitoringEmulator {
  state: MonitoringState;
  /** `127.0.0.1:<port>`: what `gcp.monitoringEndpoint` / `TDL_MONITORING_ENDPOINT` take. */
  endpoint: string;
  close(): Promise<void>;
}

let cached: PackageDefinition | undefined;

function monitoringProtos(): PackageDefinition {
  cached ??= loadSync(['google/monitoring/v3/metric_service.proto'], {
    includeDirs: [protosOf('@google-cloud/monitoring'), protosOf('google-gax')],
    longs: String,
    enums: String,
    oneofs: true,
    defaults: false,
  });
  return cached;
}

export async function startMonitoringEmulator(
  options: { project?: string; latencyMs?: number } = {},
): Promise<MonitoringEmulator> {
  const state = new MonitoringState({ project: options.project ?? 'sandbox-project' });
  const definition = monitoringProtos()['google.monitoring.v3.MetricService'] as grpc.ServiceDefinition;
  const server = new grpc.Server();
  server.addService(definition, {
    ...unimplemented(definition),
    ListTimeSeries: withLatency(options.latencyMs ?? 0, (call, cb) => {
      const r = call.request as {
        name?: string;
        filter?: string;
        interval?: Parameters<MonitoringState['listTimeSeries']>[1];
        aggregation?: Aggregation;
      };
      const injected = state.callOf('ListTimeSeries', r.filter ?? '');
      if (injected)
        return failCall(cb, CODES[injected.code], injected.message ?? `injected ${injected.code}`);
      if (r.name !== `projects/${state.project}`)
        return failCall(cb, grpc.status.NOT_FOUND, `name must be projects/${state.project}`);
      try {
        const timeSeries = state.listTimeSeries(r.filter ?? '', r.interval ?? {}, r.aggregation);
        cb(null, { timeSeries, nextPageToken: '' });
      } catch (error) {
        if (error instanceof FilterSyntaxError || error instanceof MonitoringError)
          return failCall(cb, grpc.status.INVALID_ARGUMENT, error.message);
        throw error;
      }
    }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return { state, endpoint: `127.0.0.1:${port}`, close: () => shutdown(server) };
}
