/**
 * `npm run bench:nlu` — the classifier on BANKING77 beside `natural`'s
 * BayesClassifier trained on the same data, in one run: accuracy, training
 * time, latency and memory.
 */
import { join, resolve } from 'node:path';
import { BayesClassifier } from 'natural/lib/natural/classifiers';
import { IntentClassifier } from '../bot/nlu/classifier';
import { loadLabelled } from '../bot/nlu/datasets';
import { wordVectors } from '../bot/nlu/embeddings';
import { predict, report, type Model } from '../bot/nlu/evaluate';

const data = resolve(process.argv[2] ?? join(__dirname, '..', 'test', 'fixtures', 'banking77'));
const train = loadLabelled(join(data, 'train.csv'));
const test = loadLabelled(join(data, 'test.csv'));

function measure(name: string, build: () => Model) {
  global.gc?.();
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const before = used();
  const started = Date.now();
  const model = build();
  const trainMs = Date.now() - started;
  const heapMb = Math.max(0, (used() - before) / 1e6);
  const { predictions, latencies } = predict(model, test, 0, '');
  const r = report(predictions, latencies, { threshold: 0, trainMs, nTrain: train.length });
  return { name, accuracy: r.accuracy, macro_f1: r.macro_f1, train_ms: r.train_ms, p50_ms: r.latency_p50_ms, p99_ms: r.latency_p99_ms, heap_mb: Math.round(heapMb) };
}

const vectors = wordVectors();
const rows = [
  measure('frontline (n-grams + word vectors)', () => IntentClassifier.train(train, { vectors })),
  measure('frontline (n-grams only)', () => IntentClassifier.train(train, { vectors: null })),
  measure('natural BayesClassifier', () => {
    const bayes = new BayesClassifier();
    for (const t of train) bayes.addDocument(t.text, t.label);
    bayes.train();
    return {
      rank: (text: string) => bayes.getClassifications(text).map((c) => ({ label: c.label, confidence: c.value })),
    };
  }),
];
console.log(`BANKING77: ${train.length} training, ${test.length} test utterances, ${new Set(train.map((t) => t.label)).size} intents\n`);
console.log('model                                  accuracy  macro F1  train ms  p50 ms  p99 ms   mem MB');
for (const r of rows)
  console.log(
    `${r.name.padEnd(38)} ${r.accuracy.toFixed(4).padStart(8)}  ${r.macro_f1.toFixed(4).padStart(8)}  ${String(r.train_ms).padStart(8)}  ${r.p50_ms.toFixed(3).padStart(6)}  ${r.p99_ms.toFixed(3).padStart(6)}  ${String(r.heap_mb).padStart(7)}`,
  );
