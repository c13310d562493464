/** The Cloud Run v2 and long-running operation protos, loaded from the client packages themselves. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';

const require = createRequire(import.meta.url);

/**
 * `<package root>/build/protos`, found from the package's main file (google-gax exports no package.json);
 * `from` resolves a package that is a dependency of another one (`@google-cloud/logging-api`).
 */
export function protosOf(pkg: string, from?: string): string {
  const req = from ? createRequire(require.resolve(from)) : require;
  let dir = dirname(req.resolve(pkg));
  while (!dir.endsWith(`${join('node_modules', ...pkg.split('/'))}`) && dirname(dir) !== dir)
    dir = dirname(dir);
  return join(dir, 'build', 'protos');
}

let cached: PackageDefinition | undefined;

export function cloudRunProtos(): PackageDefinition {
  cached ??= loadSync(
    [
      'google/cloud/run/v2/service.proto',
      'google/cloud/run/v2/revision.proto',
      'google/cloud/run/v2/job.proto',
      'google/cloud/run/v2/execution.proto',
      'google/longrunning/operations.proto',
    ],
    {
      includeDirs: [protosOf('@google-cloud/run'), protosOf('google-gax')],
      longs: String,
      enums: String,
      oneofs: true,
      defaults: false,
    },
  );
  return cached;
}
