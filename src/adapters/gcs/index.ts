/**
 * Cloud Storage through `@google-cloud/storage`: where a sharded run on Cloud Run Jobs leaves its
 * plan and the tasks their partial records. With an endpoint (`gcs.endpoint` or `TDL_GCS_ENDPOINT`)
 * the client talks to it without credentials (the emulator in src/sandbox/storage); else ADC.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface GcsUrl {
  bucket: string;
  name: string;
}

/** `gs://bucket/name` → its parts; null when `text` is not such a URL. */
export function parseGcsUrl(text: string): GcsUrl | null {
  const m = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220})\/(.*)$/.exec(text);
  return m ? { bucket: m[1]!, name: m[2]! } : null;
}

export interface GcsPort {
  upload(file: string, to: GcsUrl): Promise<void>;
  download(from: GcsUrl, file: string): Promise<void>;
  /** Object names under `prefix` in `bucket`. */
  list(bucket: string, prefix: string): Promise<string[]>;
}

export async function createGcsPort(endpoint?: string): Promise<GcsPort> {
  const { Storage } = await import('@google-cloud/storage');
  const storage = endpoint
    ? new Storage({ apiEndpoint: endpoint, projectId: 'tdl-emulator' })
    : new Storage();
  return {
    async upload(file, to) {
      // One request (no resumable session): partials and plans are small.
      await storage
        .bucket(to.bucket)
        .upload(file, { destination: to.name, resumable: false, validation: false });
    },
    async download(from, file) {
      mkdirSync(dirname(file), { recursive: true });
      await storage.bucket(from.bucket).file(from.name).download({ destination: file, validation: false });
    },
    async list(bucket, prefix) {
      const [files] = await storage.bucket(bucket).getFiles({ prefix, autoPaginate: true });
      return files.map((f) => f.name);
    },
  };
}
