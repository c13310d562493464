/** Worker thread entry: scans its share of the files and posts the non-empty scans back. */
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditConfig } from '../playbook/sections/audit.js';
import { compileAudit } from './rules.js';
import { scanShared } from './tree-scan.js';

const data = workerData as {
  root: string;
  config: AuditConfig;
  files: [string, string[]][];
  counter: Int32Array;
};
parentPort!.postMessage(scanShared(compileAudit(data.config), data.root, data.files, data.counter));
