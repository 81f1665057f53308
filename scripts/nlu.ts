/**
 * `npm run nlu -- eval` — how well the classifier understands.
 *
 *   npm run nlu -- eval                              5-fold cross-validation on the project's intents
 *   npm run nlu -- eval --test my-tests.csv          train on the project, test on a file
 *   npm run nlu -- eval --train train.csv --test test.csv --json
 *
 * CSV: a header row, the text in the first column, the label in the second
 * (`oos` = out of scope). YAML: intent files, a folder of them, or a content
 * folder. `--threshold` overrides the out-of-scope threshold (default: the
 * project's when training on the project, else 0).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadContent } from '../bot/content/load';
import { EmbeddedBackOffice } from '../integrations/backoffice/embedded';
import { OUT_OF_SCOPE } from '../bot/content/schemas';
import type { LabelledText } from '../bot/nlu/csv';
import { IntentClassifier } from '../bot/nlu/classifier';
import { loadLabelled } from '../bot/nlu/datasets';
import { wordVectors } from '../bot/nlu/embeddings';
import { OOS, decide, formatReport, predict, report, type Prediction } from '../bot/nlu/evaluate';

const root = resolve(__dirname, '..');
const toTraining = (data: LabelledText[]) => data.map((d) => ({ text: d.text, label: d.label === OOS ? OUT_OF_SCOPE : d.label }));

function run(train: LabelledText[], test: LabelledText[], threshold: number, calibrate: boolean) {
  const vectors = wordVectors(); // loaded before timing: it is read once per process, not per training
  const started = Date.now();
  // The bot calibrates its content-sized model; a large benchmark is measured as trained.
  const model = calibrate ? IntentClassifier.trainCalibrated(toTraining(train), { vectors }) : IntentClassifier.train(toTraining(train), { vectors });
  const trainMs = Date.now() - started;
  const { predictions, latencies } = predict(model, test, threshold, OUT_OF_SCOPE);
  const ranked = test.map((t) => model.rank(t.text));
  const rerank = (th: number): Prediction[] => test.map((t, i) => ({ text: t.text, gold: t.label, ...decide(ranked[i]!, th, OUT_OF_SCOPE) }));
  return { predictions, latencies, trainMs, rerank };
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { train: { type: 'string' }, test: { type: 'string' }, json: { type: 'boolean', default: false }, threshold: { type: 'string' }, folds: { type: 'string', default: '5' } },
  });
  if (positionals[0] !== 'eval') {
    console.error('usage: npm run nlu -- eval [--train FILE] [--test FILE] [--threshold T] [--json]');
    process.exit(2);
  }
  const projectTrain = !values.train;
  const train = loadLabelled(values.train ? resolve(values.train) : root);
  const threshold = values.threshold !== undefined ? Number(values.threshold) : projectTrain ? loadContent(root, { actions: EmbeddedBackOffice.actionNames }).assistant.understanding.threshold : 0;
  let result;
  if (values.test) {
    const test = loadLabelled(resolve(values.test));
    const r = run(train, test, threshold, projectTrain);
    result = report(r.predictions, r.latencies, { threshold, trainMs: r.trainMs, nTrain: train.length, rerank: r.rerank });
  } else {
    // Cross-validation: every example is tested by a model that did not see it.
    const k = Number(values.folds);
    const all: Prediction[] = [];
    const lat: number[] = [];
    let trainMs = 0;
    const reranks: ((th: number) => Prediction[])[] = [];
    for (let f = 0; f < k; f++) {
      const r = run(train.filter((_, i) => i % k !== f), train.filter((_, i) => i % k === f), threshold, projectTrain);
      all.push(...r.predictions);
      lat.push(...r.latencies);
      trainMs += r.trainMs / k;
      reranks.push(r.rerank);
    }
    result = report(all, lat, { threshold, trainMs, nTrain: Math.round((train.length * (k - 1)) / k), rerank: (th) => reranks.flatMap((r) => r(th)) });
  }
  console.log(values.json ? JSON.stringify(result) : formatReport(result));
}

main();
