/**
 * The sandbox deploy: what `gcloud run deploy` does, against the emulator, through the real client.
 * It reads the service and sends an UpdateService with a changed template, so the emulator creates a
 * new revision. Annotations script the new revision: ready after N polls, never ready, or failing.
 *
 *   node dist/sandbox/cloudrun/deploy.js <service> [--ready-after N | --never-ready] [--fail "message"]
 *
 * Project, region and endpoint come from TDL_GCP_PROJECT, TDL_GCP_REGION and TDL_CLOUDRUN_ENDPOINT,
 * which tdl sets for every deploy command.
 */
import { parseArgs } from 'node:util';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'ready-after': { type: 'string' },
      'never-ready': { type: 'boolean' },
      fail: { type: 'string' },
    },
  });
  const service = positionals[0] ?? process.env.TDL_SERVICE;
  const { TDL_GCP_PROJECT: project, TDL_GCP_REGION: region, TDL_CLOUDRUN_ENDPOINT: endpoint } = process.env;
  if (!service || !project || !region || !endpoint) {
    process.stderr.write(
      'sandbox deploy: needs a service and TDL_GCP_PROJECT, TDL_GCP_REGION, TDL_CLOUDRUN_ENDPOINT\n',
    );
    return 2;
  }
  const [{ v2 }, gax] = await Promise.all([import('@google-cloud/run'), import('google-gax')]);
  const [host, port] = [
    endpoint.slice(0, endpoint.lastIndexOf(':')),
    Number(endpoint.slice(endpoint.lastIndexOf(':') + 1)),
  ];
  const client = new v2.ServicesClient({
    apiEndpoint: host,
    port,
    sslCreds: gax.grpc.credentials.createInsecure(),
    authClient: new gax.googleAuthLibrary.PassThroughClient(),
  });
  try {
    const name = `projects/${project}/locations/${region}/services/${service}`;
    const [current] = await client.getService({ name }, { retry: null });
    const annotations: Record<string, string> = {
      ...(current.template?.annotations ?? {}),
      'sandbox.tdl/deployed-at': new Date().toISOString(),
    };
    if (values['never-ready']) annotations['sandbox.tdl/ready-after-polls'] = 'never';
    else if (values['ready-after']) annotations['sandbox.tdl/ready-after-polls'] = values['ready-after'];
    if (values.fail) annotations['sandbox.tdl/fail'] = values.fail;
    process.stdout.write(
      `deploying ${service} (latest created before: ${current.latestCreatedRevision?.split('/').pop()})\n`,
    );
    const [operation] = await client.updateService(
      { service: { name, template: { ...current.template, annotations } } },
      { retry: null },
    );
    await operation.promise();
    const [after] = await client.getService({ name }, { retry: null });
    process.stdout.write(`created revision ${after.latestCreatedRevision?.split('/').pop()}\n`);
    return 0;
  } finally {
    await client.close();
  }
}

process.exitCode = await main();
