/** What the loopback gRPC emulators share: error answers, injected latency, unimplemented methods, stop. */
import * as grpc from '@grpc/grpc-js';
import type { ErrorSpec } from './cloudrun/state.js';

export const CODES: Record<ErrorSpec['code'], grpc.status> = {
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  DEADLINE_EXCEEDED: grpc.status.DEADLINE_EXCEEDED,
  INTERNAL: grpc.status.INTERNAL,
};

export function failCall(callback: grpc.sendUnaryData<unknown>, code: grpc.status, details: string): void {
  callback({ code, details, metadata: new grpc.Metadata() } as grpc.ServiceError, null);
}

type Handler = (
  call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
  callback: grpc.sendUnaryData<unknown>,
) => void;

/** The handler answered after `ms` (a real API call takes tens to hundreds of milliseconds). */
export function withLatency(ms: number, handler: Handler): Handler {
  return (call, callback) => {
    const run = () => {
      try {
        handler(call, callback);
      } catch (error) {
        failCall(callback, grpc.status.INTERNAL, error instanceof Error ? error.message : String(error));
      }
    };
    if (ms > 0) setTimeout(run, ms);
    else run();
  };
}

/** Every method of a service answering UNIMPLEMENTED (the emulated ones are set over it). */
export function unimplemented(definition: grpc.ServiceDefinition): Record<string, grpc.UntypedHandleCall> {
  const out: Record<string, grpc.UntypedHandleCall> = {};
  for (const name of Object.keys(definition)) {
    out[name] = (call: unknown, callback?: grpc.sendUnaryData<unknown>) => {
      const error = { code: grpc.status.UNIMPLEMENTED, details: `${name} is not emulated` };
      if (typeof callback === 'function') callback(error as grpc.ServiceError, null);
      else (call as { emit(e: string, v: unknown): void }).emit('error', error);
    };
  }
  return out;
}

/** Stops a server; open client channels would keep tryShutdown waiting, so it is forced after 500 ms. */
export function shutdown(server: grpc.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.tryShutdown(() => resolve());
    setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 500).unref();
  });
}
