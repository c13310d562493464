/**
 * Reading files in reader threads while this thread scans them: a pipeline over shared memory.
 *
 * Why: on a 50,000-file tree the open/read/close system calls cost about as much as scanning the
 * bytes, and they need no JavaScript. Reader threads (audit-reader.ts) read batches of files into
 * slots of one SharedArrayBuffer; the main thread scans each batch as soon as it is full and hands
 * the slot back. Reading and scanning overlap, and the scanning code runs in one thread only, so it
 * warms up (JIT) once. Batches are scanned in file order, so results do not depend on timing.
 *
 * Protocol (`control`, an Int32Array on shared memory):
 *  - [NEXT] the next batch to claim (readers: Atomics.add);
 *  - [BEAT] bumped by readers on every batch; the main thread takes over when it stalls;
 *  - [STOP] set by the main thread when it takes over: readers stop claiming;
 *  - [STATE + s] slot s: `2b` free for batch b, `2b + 1` holds batch b.
 * `meta` holds per slot and file: the byte offset in `data` and the length, or UNREADABLE, or
 * READ_HERE (did not fit in the slot's room: the main thread reads that file itself), or SYMLINK.
 *
 * This module imports only Node's own modules: the reader threads load it and nothing else.
 */
import { closeSync, constants, openSync, readSync } from 'node:fs';
import type { SkipReason } from './skip.js';

export const SLOTS = 32;
export const FILES_PER_BATCH = 256;
export const SLOT_BYTES = 1 << 19;
const NEXT = 0;
const BEAT = 1;
const STOP = 2;
const STATE = 3;
const UNREADABLE = -1;
const READ_HERE = -2;
const SYMLINK = -3;

/**
 * How the audit opens a file: a symbolic link is never followed (open fails with ELOOP: a link may
 * point out of the tree, at /proc/self/environ, /dev/zero or a FIFO), and opening a FIFO does not
 * wait for a writer. (Windows has neither flag: there they are 0.)
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Opens `path` for the audit: a file descriptor, or why it cannot be read. */
export function openForAudit(path: string): number | SkipReason {
  try {
    return openSync(path, OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ELOOP' ? 'symlink' : code === 'ENXIO' ? 'not-a-file' : 'unreadable';
  }
}
/** With no batch read for this long, the main thread stops waiting and reads the rest itself. */
const STALL_MS = 5000;

/** What a reader thread is sent: cheap to copy (one string) and the shared memory. */
export interface ReadJob {
  /** Folder the names are relative to, with a trailing slash. */
  prefix: string;
  /** File names joined by NUL. */
  names: string;
  control: SharedArrayBuffer;
  meta: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

export function newReadJob(prefix: string, names: readonly string[]): ReadJob {
  const control = new SharedArrayBuffer((STATE + SLOTS) * 4);
  const state = new Int32Array(control);
  for (let s = 0; s < SLOTS; s++) state[STATE + s] = 2 * s;
  return {
    prefix,
    names: names.join('\0'),
    control,
    meta: new SharedArrayBuffer(SLOTS * FILES_PER_BATCH * 2 * 4),
    data: new SharedArrayBuffer(SLOTS * SLOT_BYTES),
  };
}

/**
 * A reader thread's side: claims batches until none is left (or the main thread says stop), reads
 * each batch's files into its slot, and marks the slot full.
 */
export function readBatches(job: ReadJob): void {
  const names = job.names.split('\0');
  const control = new Int32Array(job.control);
  const meta = new Int32Array(job.meta);
  const data = new Uint8Array(job.data);
  const batches = Math.ceil(names.length / FILES_PER_BATCH);
  for (;;) {
    const b = Atomics.add(control, NEXT, 1);
    if (b >= batches || Atomics.load(control, STOP)) return;
    const slot = b % SLOTS;
    for (let v = Atomics.load(control, STATE + slot); v !== 2 * b; v = Atomics.load(control, STATE + slot)) {
      if (Atomics.load(control, STOP)) return;
      Atomics.wait(control, STATE + slot, v, 100);
    }
    const base = slot * SLOT_BYTES;
    let used = 0;
    const first = b * FILES_PER_BATCH;
    const last = Math.min(first + FILES_PER_BATCH, names.length);
    for (let i = first; i < last; i++) {
      const m = (slot * FILES_PER_BATCH + (i - first)) * 2;
      const room = SLOT_BYTES - used;
      const fd = openForAudit(job.prefix + names[i]);
      if (typeof fd !== 'number') {
        meta[m + 1] = fd === 'symlink' ? SYMLINK : UNREADABLE;
        continue;
      }
      try {
        const r = room === 0 ? 0 : readSync(fd, data, base + used, room, null);
        if (r === room)
          meta[m + 1] = READ_HERE; // filled the room: may be longer
        else {
          meta[m] = base + used;
          meta[m + 1] = r;
          used += r;
        }
      } catch {
        meta[m + 1] = UNREADABLE;
      } finally {
        closeSync(fd);
      }
    }
    Atomics.store(control, STATE + slot, 2 * b + 1);
    Atomics.notify(control, STATE + slot);
    Atomics.add(control, BEAT, 1);
  }
}

/**
 * The main thread's side: hands each file's bytes to `onFile` in file order, as reader threads fill
 * the slots. A file the readers could not fit is read with `readHere`; one that could not be read
 * goes to `onSkip` with the reason.
 * When the readers stall (a reader that died, a machine that starves them) for STALL_MS, it tells
 * them to stop and reads the remaining files with `readHere`. `buf` is valid only during the call.
 */
export function consumeBatches(
  job: ReadJob,
  count: number,
  readHere: (index: number) => Buffer | SkipReason,
  onFile: (index: number, buf: Buffer) => void,
  onSkip: (index: number, reason: SkipReason) => void,
  stallMs = STALL_MS,
): void {
  const control = new Int32Array(job.control);
  const meta = new Int32Array(job.meta);
  const batches = Math.ceil(count / FILES_PER_BATCH);
  let takenOver = false;
  for (let b = 0; b < batches; b++) {
    const slot = b % SLOTS;
    const first = b * FILES_PER_BATCH;
    const last = Math.min(first + FILES_PER_BATCH, count);
    if (!takenOver) takenOver = !waitFull(control, slot, b, stallMs);
    if (takenOver) {
      for (let i = first; i < last; i++) {
        const buf = readHere(i);
        if (typeof buf === 'string') onSkip(i, buf);
        else onFile(i, buf);
      }
      continue;
    }
    for (let i = first; i < last; i++) {
      const m = (slot * FILES_PER_BATCH + (i - first)) * 2;
      const len = meta[m + 1]!;
      if (len >= 0) onFile(i, Buffer.from(job.data, meta[m]!, len));
      else if (len === READ_HERE) {
        const buf = readHere(i);
        if (typeof buf === 'string') onSkip(i, buf);
        else onFile(i, buf);
      } else onSkip(i, len === SYMLINK ? 'symlink' : 'unreadable');
    }
    Atomics.store(control, STATE + slot, 2 * (b + SLOTS));
    Atomics.notify(control, STATE + slot);
  }
  // Readers still waiting for a slot (more readers than batches left) stop now.
  Atomics.store(control, STOP, 1);
  for (let s = 0; s < SLOTS; s++) Atomics.notify(control, STATE + s);
}

/** Waits until `slot` holds batch `b`; false when the readers stalled (they are told to stop). */
function waitFull(control: Int32Array, slot: number, b: number, stallMs: number): boolean {
  let beat = Atomics.load(control, BEAT);
  let since = Date.now();
  for (
    let v = Atomics.load(control, STATE + slot);
    v !== 2 * b + 1;
    v = Atomics.load(control, STATE + slot)
  ) {
    Atomics.wait(control, STATE + slot, v, Math.min(100, stallMs));
    const now = Atomics.load(control, BEAT);
    if (now !== beat) {
      beat = now;
      since = Date.now();
    } else if (Date.now() - since > stallMs) {
      Atomics.store(control, STOP, 1);
      return false;
    }
  }
  return true;
}
