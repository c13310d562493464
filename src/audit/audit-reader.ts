/** Reader thread entry: reads batches of files into shared memory for the main thread (read-pipe.ts). */
import { parentPort } from 'node:worker_threads';
import { type ReadJob, readBatches } from './read-pipe.js';

parentPort!.once('message', (job: ReadJob) => {
  readBatches(job);
  parentPort!.close();
});
