/** Scanner thread entry: reads and scans one part of the files (scan-split.ts). */
import { parentPort } from 'node:worker_threads';
import { type ScanPart, scanPart } from './scan-split.js';

parentPort!.once('message', (part: ScanPart) => {
  parentPort!.postMessage(scanPart(part));
  parentPort!.close();
});
