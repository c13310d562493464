// What demo-backend logs while it serves a test's request. A test sends the TRACEPARENT it was given
// with its request; a service that propagates trace context writes its error entry with that trace and
// span (Cloud Logging's `trace` and `spanId` fields), and tdl ties the entry to the test's failure.
// Under `npm run demo` the entries go to the Cloud Logging emulator through the real
// @google-cloud/logging client; with no TDL_LOGGING_ENDPOINT nothing is written.
import { randomBytes } from 'node:crypto';

let logging = null;
let others = false;

async function client() {
  if (logging) return logging;
  const [{ Logging }, gax] = await Promise.all([import('@google-cloud/logging'), import('google-gax')]);
  const [host, port] = process.env.TDL_LOGGING_ENDPOINT.split(':');
  logging = new Logging({
    projectId: process.env.GOOGLE_CLOUD_PROJECT,
    apiEndpoint: host,
    port: Number(port),
    sslCreds: gax.grpc.credentials.createInsecure(),
    authClient: new gax.googleAuthLibrary.PassThroughClient(),
  });
  return logging;
}

export async function serviceLogsError(message, sourceLocation) {
  const endpoint = process.env.TDL_LOGGING_ENDPOINT;
  const revision = process.env.TDL_SERVICE_DEMO_BACKEND_REVISION;
  const traceparent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(process.env.TRACEPARENT ?? '');
  if (!endpoint || !revision || !traceparent) return;
  const project = process.env.GOOGLE_CLOUD_PROJECT;
  const log = (await client()).log('run.googleapis.com%2Fstderr');
  const resource = {
    type: 'cloud_run_revision',
    labels: { service_name: 'demo-backend', revision_name: revision, location: 'us-central1' },
  };
  const entries = [
    log.entry(
      {
        severity: 'ERROR',
        timestamp: new Date(),
        trace: `projects/${project}/traces/${traceparent[1]}`,
        spanId: traceparent[2],
        sourceLocation,
      },
      { message },
    ),
  ];
  if (!others) {
    // The service serves other users at the same time: their errors carry their own traces.
    others = true;
    entries.push(
      log.entry(
        {
          severity: 'ERROR',
          timestamp: new Date(),
          trace: `projects/${project}/traces/${randomBytes(16).toString('hex')}`,
          spanId: randomBytes(8).toString('hex'),
        },
        { message: 'websocket client disconnected: ping timeout after 30000 ms' },
      ),
    );
  }
  await log.write(entries, { resource });
}
