/**
 * Trains a classifier together with the held-out models that calibrate it:
 * the examples are split into FOLDS folds (every FOLDS-th example, so each
 * intent is spread over all of them); a model trained without a fold scores
 * that fold, and those scores set the temperature and the out-of-scope
 * threshold of the model trained on everything (calibrate.ts).
 *
 * Content-sized data uses every fold, so every example is held out once.
 * Large data uses as few folds as give HELD_OUT_TARGET held-out messages:
 * BANKING77 needs one, which costs three quarters of a training more.
 */
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { calibrateFrom, type Calibration, type HeldOut } from './calibrate';
import { IntentClassifier, type Example, type TrainOptions } from './classifier';
import { wordVectors } from './embeddings';

export const FOLDS = 4;
/** Held-out messages enough to place a threshold at a 10% quantile. */
const HELD_OUT_TARGET = 1500;
/** Below this many examples a worker thread costs more than it saves. */
const PARALLEL_FROM = 3000;

/** Which folds are held out, for `n` examples. */
export function foldsUsed(n: number): number {
  return Math.max(1, Math.min(FOLDS, Math.ceil(HELD_OUT_TARGET / (n / FOLDS))));
}

export interface Trained {
  model: IntentClassifier;
  calibration: Calibration;
}

export interface HeldOutOptions extends TrainOptions {
  /** The label of learnt out-of-scope examples, if the data has them. */
  oosLabel?: string;
}

/** One fold's job: train on the rest, score the fold. What a worker receives. */
export interface FoldJob {
  train: Example[];
  test: string[];
}

/** Scores of one fold, in the fold model's own label order. */
export interface FoldResult {
  labels: string[];
  logits: Float64Array[];
}

export function foldJobs(examples: readonly Example[]): { job: FoldJob; gold: string[] }[] {
  const used = foldsUsed(examples.length);
  return Array.from({ length: used }, (_, f) => {
    const test = examples.filter((_, i) => i % FOLDS === f);
    return { job: { train: examples.filter((_, i) => i % FOLDS !== f), test: test.map((e) => e.text) }, gold: test.map((e) => e.label) };
  });
}

export function runFold(job: FoldJob, options: TrainOptions): FoldResult {
  const m = IntentClassifier.train(job.train, options);
  return { labels: [...m.labels], logits: job.test.map((t) => m.logits(t)) };
}

/** Fold scores in the full model's label order; a label the fold model never saw scores -Infinity. */
function toHeldOut(labels: readonly string[], result: FoldResult, gold: readonly string[]): HeldOut[] {
  const map = labels.map((l) => result.labels.indexOf(l));
  return result.logits.map((z, i) => ({
    logits: Float64Array.from(map, (j) => (j < 0 ? -Infinity : z[j]!)),
    gold: result.labels.includes(gold[i]!) ? labels.indexOf(gold[i]!) : -1,
  }));
}

function finish(model: IntentClassifier, results: FoldResult[], golds: string[][], oosLabel: string | undefined): Trained {
  const held = results.flatMap((r, f) => toHeldOut(model.labels, r, golds[f]!));
  const calibration = calibrateFrom(held, oosLabel ? model.labels.indexOf(oosLabel) : -1);
  model.calibrate(calibration.temperature, calibration.threshold);
  return { model, calibration };
}

/** Trains and calibrates in this thread: what the bot does at start-up and on reload. */
export function trainWithHeldOut(examples: readonly Example[], options: HeldOutOptions = {}): Trained {
  const folds = foldJobs(examples);
  const results = folds.map((f) => runFold(f.job, options));
  const model = IntentClassifier.train(examples, options);
  return finish(model, results, folds.map((f) => f.gold), options.oosLabel);
}

/** Runs fold jobs in a worker thread (TypeScript through tsx, as everything else here). */
function inWorker(jobs: FoldJob[], options: HeldOutOptions): Promise<FoldResult[]> {
  const file = join(__dirname, 'fold-worker.ts');
  const { vectors, onEpoch: _progress, oosLabel: _oos, ...plain } = options;
  const workerData: FoldWork = { jobs, options: plain, vectors: vectors !== null && vectors !== undefined };
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true, workerData });
  return new Promise((resolve, reject) => {
    worker.once('message', (results: FoldResult[]) => {
      resolve(results);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`fold worker exited with ${code}`)));
  });
}

/**
 * The same model as trainWithHeldOut, trained faster on large data: the
 * held-out folds train in a worker thread while this thread trains the full
 * model. Falls back to one thread when there is one core or no worker.
 */
export async function trainWithHeldOutParallel(examples: readonly Example[], options: HeldOutOptions = {}): Promise<Trained> {
  if (examples.length < PARALLEL_FROM || cpus().length < 2) return trainWithHeldOut(examples, options);
  const folds = foldJobs(examples);
  const pending = inWorker(
    folds.map((f) => f.job),
    options,
  );
  // Keep a failed worker from being an unhandled rejection while this thread is busy.
  const settled = pending.then(
    (results) => ({ results }),
    (error: unknown) => ({ error }),
  );
  const model = IntentClassifier.train(examples, options);
  const outcome = await settled;
  const results = 'results' in outcome ? outcome.results : folds.map((f) => runFold(f.job, options));
  return finish(model, results, folds.map((f) => f.gold), options.oosLabel);
}

/** What a fold worker receives: word vectors are loaded there, not sent. */
export interface FoldWork {
  jobs: FoldJob[];
  options: Omit<TrainOptions, 'vectors' | 'onEpoch'>;
  vectors: boolean;
}

/** A worker's whole task. */
export function runFoldWork(work: FoldWork): FoldResult[] {
  const options: TrainOptions = { ...work.options, vectors: work.vectors ? wordVectors() : null };
  return work.jobs.map((job) => runFold(job, options));
}
