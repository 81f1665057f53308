/**
 * `npm run nlu -- eval` — how well the classifier understands.
 *
 *   npm run nlu -- eval                              4-fold cross-validation on the project's intents
 *   npm run nlu -- eval --test my-tests.csv          train on the project, test on a file
 *   npm run nlu -- eval --train train.csv --test test.csv --json
 *   npm run nlu -- eval --train train.csv --test test.csv --open-intents 0.25 --html report.html
 *
 * CSV: a header row, the text in the first column, the label in the second
 * (`oos` = out of scope). YAML: intent files, a folder of them, or a content
 * folder. The out-of-scope threshold is the one the model chose on held-out
 * folds of its training data (bot/nlu/calibrate.ts), as in the bot; the
 * project's `understanding.threshold`, when set, overrides it there and here;
 * `--threshold` overrides both. `--open-intents S` holds a seeded share S of
 * the intents out of training and counts their test messages as out of scope.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadContent } from '../bot/content/load';
import { EmbeddedBackOffice } from '../integrations/backoffice/embedded';
import { OUT_OF_SCOPE } from '../bot/content/schemas';
import type { LabelledText } from '../bot/nlu/csv';
import { loadLabelled } from '../bot/nlu/datasets';
import { wordVectors } from '../bot/nlu/embeddings';
import { OOS, RANKED, decide, predict, report, type Prediction } from '../bot/nlu/evaluate';
import { formatReport } from '../bot/nlu/format';
import { FOLDS, trainWithHeldOutParallel } from '../bot/nlu/heldout';
import { htmlReport } from '../bot/nlu/report-html';
import { openAsOutOfScope, openIntents, withoutOpen } from '../bot/nlu/open-intents';
import { channelRegistry } from '../bot/compose';

const root = resolve(__dirname, '..');
const toTraining = (data: LabelledText[]) => data.map((d) => ({ text: d.text, label: d.label === OOS ? OUT_OF_SCOPE : d.label }));

async function run(train: LabelledText[], test: LabelledText[], override: number | undefined) {
  const vectors = wordVectors(); // loaded before timing: it is read once per process, not per training
  const started = Date.now();
  const progress = train.length >= 3000 ? (done: number, of: number) => process.stderr.write(`training on ${train.length} messages: epoch ${done} of ${of}\n`) : undefined;
  const { model } = await trainWithHeldOutParallel(toTraining(train), { vectors, oosLabel: OUT_OF_SCOPE, ...(progress ? { onEpoch: progress } : {}) });
  const trainMs = Date.now() - started;
  const threshold = override ?? model.threshold ?? 0;
  const { predictions, latencies } = predict(model, test, threshold, OUT_OF_SCOPE);
  const ranked = test.map((t) => model.rank(t.text, RANKED));
  const rerank = (th: number): Prediction[] => test.map((t, i) => ({ text: t.text, gold: t.label, ...decide(ranked[i]!, th, OUT_OF_SCOPE) }));
  return { predictions, latencies, trainMs, rerank, threshold };
}

function usage(): never {
  console.error('usage: npm run nlu -- eval [--train FILE] [--test FILE] [--threshold T] [--open-intents SHARE] [--seed N] [--html FILE] [--json]');
  process.exit(2);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      json: { type: 'boolean', default: false },
      threshold: { type: 'string' },
      folds: { type: 'string', default: String(FOLDS) },
      'open-intents': { type: 'string' },
      seed: { type: 'string', default: '7' },
      html: { type: 'string' },
    },
  });
  if (positionals[0] !== 'eval') usage();
  const projectTrain = !values.train;
  let train = loadLabelled(values.train ? resolve(values.train) : root);
  // The bot's rule: the content's explicit threshold, if any, overrides the model's.
  const contentThreshold = projectTrain ? loadContent(root, { actions: EmbeddedBackOffice.actionNames, channels: channelRegistry.names() }).assistant.understanding.threshold : undefined;
  const override = values.threshold !== undefined ? Number(values.threshold) : contentThreshold;
  const source = values.threshold !== undefined ? '--threshold' : contentThreshold !== undefined ? 'understanding.threshold in rules/assistant.yaml' : 'chosen by the model on held-out folds';
  if (override !== undefined && !(override >= 0 && override <= 1)) usage();
  const share = values['open-intents'] !== undefined ? Number(values['open-intents']) : 0;
  if (!(share >= 0 && share < 1)) usage();
  const open = new Set(share ? openIntents(train.map((t) => t.label), share, Number(values.seed)) : []);
  let test = values.test ? loadLabelled(resolve(values.test)) : null;
  let result;
  if (test) {
    const r = await run(withoutOpen(train, open), openAsOutOfScope(test, open), override);
    train = withoutOpen(train, open);
    test = openAsOutOfScope(test, open);
    result = report(r.predictions, r.latencies, { threshold: r.threshold, thresholdSource: source, trainMs: r.trainMs, nTrain: train.length, rerank: r.rerank });
  } else {
    // Cross-validation: every example is tested by a model that did not see it (nor its intent, if open).
    const k = Number(values.folds);
    const all: Prediction[] = [];
    const lat: number[] = [];
    const thresholds: number[] = [];
    let trainMs = 0;
    const reranks: ((th: number) => Prediction[])[] = [];
    for (let f = 0; f < k; f++) {
      const r = await run(
        withoutOpen(train.filter((_, i) => i % k !== f), open),
        openAsOutOfScope(train.filter((_, i) => i % k === f), open),
        override,
      );
      all.push(...r.predictions);
      lat.push(...r.latencies);
      thresholds.push(r.threshold);
      trainMs += r.trainMs / k;
      reranks.push(r.rerank);
    }
    const threshold = Math.round((thresholds.reduce((s, t) => s + t, 0) / k) * 1000) / 1000;
    const nTrain = Math.round((withoutOpen(train, open).length * (k - 1)) / k);
    result = report(all, lat, { threshold, thresholdSource: override === undefined ? `${source}, mean of the ${k} cross-validation folds` : source, trainMs, nTrain, folds: k, rerank: (th) => reranks.flatMap((r) => r(th)) });
  }
  if (open.size) result.open_intents = [...open];
  if (values.html) writeFileSync(resolve(values.html), htmlReport(result));
  console.log(values.json ? JSON.stringify(result) : formatReport(result));
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
