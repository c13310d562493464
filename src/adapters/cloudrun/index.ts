/** The CloudRunPort on `@google-cloud/run`, loaded lazily. Not built in this version. */
import { NotBuiltError } from '../../pipeline/errors.js';
import type { GcpConfig } from '../../playbook/sections/cloudrun.js';
import type { CloudRunPort } from './port.js';

export type { CloudRunPort } from './port.js';

export async function createCloudRunPort(_gcp: GcpConfig): Promise<CloudRunPort> {
  throw new NotBuiltError('the Cloud Run adapter');
}
