/** Worker thread entry: trains held-out fold models and sends back their scores (heldout.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { runFoldWork, type FoldWork } from './heldout';

parentPort?.postMessage(runFoldWork(workerData as FoldWork));
