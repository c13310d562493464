/** Reading files within a bound: the first bytes of a file, never the whole of a file of any size. */
import { closeSync, openSync, readSync } from 'node:fs';

/** The first `bytes` bytes of a file (fewer when it is shorter). Throws the fs error when it cannot be read. */
export function readHead(path: string, bytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    let n = 0;
    while (n < bytes) {
      const r = readSync(fd, buf, n, bytes - n, n);
      if (r === 0) break;
      n += r;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
