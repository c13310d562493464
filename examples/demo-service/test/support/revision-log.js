// What demo-backend logs while it serves a test's request. Each test opens its own span in the trace
// tdl gave the suite (TRACEPARENT: same trace id, a fresh span id), sends that traceparent with its
// request, and names it in its report (`t.diagnostic('traceparent: …')`, which node:test's JUnit
// reporter writes right after the test). A service that propagates trace context writes its error
// entry with that trace and span (Cloud Logging's `trace` and `spanId` fields), and tdl ties the
// entry to this test's failure, not only to its suite.
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

/** A span of this test in the suite's trace, named in the test's report; null without TRACEPARENT. */
function testSpan(t) {
  const suite = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/.exec(process.env.TRACEPARENT ?? '');
  if (!suite) return null;
  const span = randomBytes(8).toString('hex');
  t.diagnostic(`traceparent: 00-${suite[1]}-${span}-${suite[2]}`);
  return [null, suite[1], span];
}

export async function serviceLogsError(t, message, sourceLocation) {
  const endpoint = process.env.TDL_LOGGING_ENDPOINT;
  const revision = process.env.TDL_SERVICE_DEMO_BACKEND_REVISION;
  const traceparent = testSpan(t);
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
