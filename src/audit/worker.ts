/** Worker thread entry: waits for its job, scans its share of the files, posts the non-empty scans back. */
import { parentPort } from 'node:worker_threads';
import { compileAudit } from './rules.js';
import { jobFiles, scanShared, type WorkerJob } from './tree-scan.js';

parentPort!.once('message', (job: WorkerJob) => {
  parentPort!.postMessage(scanShared(compileAudit(job.config), job.root, jobFiles(job), job.counter));
});
