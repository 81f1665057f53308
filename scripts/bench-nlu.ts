/**
 * `npm run bench:nlu` — the classifier on BANKING77 beside `natural`'s
 * BayesClassifier trained on the same data, in one run: accuracy, training
 * time (wall clock and CPU, both threads), latency and memory. The first row
 * is what `npm run nlu -- eval` and the bot train: the model plus its
 * held-out fold, which sets the temperature and the threshold. The machine's
 * load average is printed with the figures: on shared cores, times move with it.
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { BayesClassifier } from 'natural/lib/natural/classifiers';
import { IntentClassifier } from '../bot/nlu/classifier';
import { loadLabelled } from '../bot/nlu/datasets';
import { wordVectors } from '../bot/nlu/embeddings';
import { predict, report, type Model } from '../bot/nlu/evaluate';
import { trainWithHeldOutParallel } from '../bot/nlu/heldout';

const data = resolve(process.argv[2] ?? join(__dirname, '..', 'test', 'fixtures', 'banking77'));
const train = loadLabelled(join(data, 'train.csv'));
const test = loadLabelled(join(data, 'test.csv'));

async function measure(name: string, build: () => Model | Promise<Model>) {
  global.gc?.();
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const before = used();
  const cpu = process.cpuUsage();
  const started = Date.now();
  const model = await build();
  const trainMs = Date.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  const heapMb = Math.max(0, (used() - before) / 1e6);
  const { predictions, latencies } = predict(model, test, 0, '');
  const r = report(predictions, latencies, { threshold: 0, trainMs, nTrain: train.length });
  return { name, accuracy: r.accuracy, train_ms: r.train_ms, cpu_ms: Math.round((user + system) / 1000), p50_ms: r.latency_p50_ms, p99_ms: r.latency_p99_ms, heap_mb: Math.round(heapMb) };
}

async function main(): Promise<void> {
  const vectors = wordVectors();
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  const rows = [
    await measure('frontline, calibrated (as eval and bot)', async () => {
      const { model } = await trainWithHeldOutParallel(train, { vectors });
      return model;
    }),
    await measure('frontline, model alone', () => IntentClassifier.train(train, { vectors })),
    await measure('frontline, n-grams only', () => IntentClassifier.train(train, { vectors: null })),
    await measure('natural BayesClassifier', () => {
      const bayes = new BayesClassifier();
      for (const t of train) bayes.addDocument(t.text, t.label);
      bayes.train();
      return {
        rank: (text: string) => bayes.getClassifications(text).map((c) => ({ label: c.label, confidence: c.value })),
      };
    }),
  ];
  console.log(`BANKING77: ${train.length} training, ${test.length} test utterances, ${new Set(train.map((t) => t.label)).size} intents`);
  console.log(`load average before: ${load}; after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log('model                                     accuracy  train ms    cpu ms  p50 ms  p99 ms   mem MB');
  for (const r of rows)
    console.log(
      `${r.name.padEnd(41)} ${r.accuracy.toFixed(4).padStart(8)}  ${String(r.train_ms).padStart(8)}  ${String(r.cpu_ms).padStart(8)}  ${r.p50_ms.toFixed(3).padStart(6)}  ${r.p99_ms.toFixed(3).padStart(6)}  ${String(r.heap_mb).padStart(7)}`,
    );
}

void main();
