/**
 * A loopback emulator of the Cloud Storage JSON API, as much of it as `@google-cloud/storage` uses
 * for tdl's sharded runs: simple and multipart uploads, media downloads, object metadata and listing
 * by prefix. The real client talks to it through its `apiEndpoint` (no credentials are used with a
 * custom endpoint). Objects live in memory; `objects` lets a test look at them.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StorageEmulator {
  /** `http://127.0.0.1:<port>`: what `gcs.endpoint` / `TDL_GCS_ENDPOINT` take. */
  endpoint: string;
  /** `bucket/name` → content. */
  objects: Map<string, Buffer>;
  close(): Promise<void>;
}

/** Uploads larger than this are refused (a partial of 10,000 tests is a few MB). */
const MAX_OBJECT = 256 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(text);
}

function notFound(res: ServerResponse, what: string): void {
  send(res, 404, {
    error: { code: 404, message: `No such object: ${what}`, errors: [{ reason: 'notFound' }] },
  });
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_OBJECT) throw new Error('object too large for the emulator');
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

/** The metadata part and the media part of a `multipart/related` upload. */
function multipart(data: Buffer, contentType: string): { meta: Record<string, unknown>; media: Buffer } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error('multipart upload without a boundary');
  const sep = Buffer.from(`--${boundary}`);
  const pieces: Buffer[] = [];
  let at = data.indexOf(sep);
  while (at !== -1) {
    const next = data.indexOf(sep, at + sep.length);
    if (next === -1) break;
    pieces.push(data.subarray(at + sep.length, next));
    at = next;
  }
  const content = pieces.map((p) => {
    const head = p.indexOf('\r\n\r\n');
    // The part ends with the CRLF that precedes the next boundary.
    return p.subarray(head + 4, p.length - 2);
  });
  if (content.length < 2) throw new Error('multipart upload needs a metadata and a media part');
  return { meta: JSON.parse(content[0]!.toString('utf8')) as Record<string, unknown>, media: content[1]! };
}

function resource(bucket: string, name: string, data: Buffer): Record<string, unknown> {
  return {
    kind: 'storage#object',
    id: `${bucket}/${name}/1`,
    name,
    bucket,
    generation: '1',
    size: String(data.length),
    md5Hash: createHash('md5').update(data).digest('base64'),
    contentType: 'application/octet-stream',
  };
}

export async function startStorageEmulator(): Promise<StorageEmulator> {
  const objects = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
      const object = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
      const list = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
      if (req.method === 'POST' && upload) {
        const bucket = decodeURIComponent(upload[1]!);
        const data = await body(req);
        const type = url.searchParams.get('uploadType');
        let name = url.searchParams.get('name');
        let media = data;
        if (type === 'multipart') {
          const parsed = multipart(data, String(req.headers['content-type'] ?? ''));
          name = String(parsed.meta.name ?? name ?? '');
          media = parsed.media;
        } else if (type !== 'media') {
          return send(res, 400, { error: { code: 400, message: `uploadType ${type} is not emulated` } });
        }
        if (!name) return send(res, 400, { error: { code: 400, message: 'an object needs a name' } });
        objects.set(`${bucket}/${name}`, media);
        return send(res, 200, resource(bucket, name, media));
      }
      if (req.method === 'GET' && object) {
        const bucket = decodeURIComponent(object[1]!);
        const name = decodeURIComponent(object[2]!);
        const data = objects.get(`${bucket}/${name}`);
        if (!data) return notFound(res, `${bucket}/${name}`);
        if (url.searchParams.get('alt') === 'media') {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
          return res.end(data);
        }
        return send(res, 200, resource(bucket, name, data));
      }
      if (req.method === 'GET' && list) {
        const bucket = decodeURIComponent(list[1]!);
        const prefix = url.searchParams.get('prefix') ?? '';
        const items = [...objects]
          .filter(([key]) => key.startsWith(`${bucket}/${prefix}`))
          .map(([key, data]) => resource(bucket, key.slice(bucket.length + 1), data))
          .sort((a, b) => String(a.name).localeCompare(String(b.name)));
        return send(res, 200, { kind: 'storage#objects', items });
      }
      send(res, 404, { error: { code: 404, message: `${req.method} ${url.pathname} is not emulated` } });
    })().catch((error: unknown) =>
      send(res, 400, {
        error: { code: 400, message: error instanceof Error ? error.message : String(error) },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
