/**
 * The two accuracies of `npm run nlu -- eval`, named apart (issue #12): the
 * classifier's accuracy (best intent, whatever its confidence, on known-intent
 * messages) and what the bot does after the threshold (answered right,
 * refused), in the JSON, the text and the HTML report; and, in
 * cross-validation, training said to be per fold.
 */
import { OOS, report, type Prediction } from '../../bot/nlu/evaluate';
import { formatReport } from '../../bot/nlu/format';
import { htmlReport } from '../../bot/nlu/report-html';
import { runScript } from '../support/spawn';

jest.setTimeout(120_000);

const p = (gold: string, best: string, predicted: string): Prediction => ({ text: `${gold} said`, gold, best, confidence: 0.5, predicted });

// Five test messages: a known one refused though its best intent was right, one answered right,
// one whose best intent is wrong, an out-of-scope one refused and one taken as an intent.
const predictions = [p('balance', 'balance', OOS), p('order', 'order', 'order'), p('bill', 'order', 'order'), p(OOS, 'balance', OOS), p(OOS, 'bill', 'bill')];
const r = report(predictions, [0.1], { threshold: 0.6, trainMs: 10, nTrain: 40 });

it('reports accuracy as the best intent on known-intent messages, and the threshold figures under their own names', () => {
  expect(r.accuracy).toBe(0.6667); // balance and order: the refusal does not count against the classifier
  expect(r.accuracy_after_threshold).toBe(0.4); // order answered, the first out-of-scope one refused
  expect(r.refused_share).toBe(0.4); // balance and the first out-of-scope one
  expect(r.misroutes).toBe(0.4);
  expect(r).not.toHaveProperty('in_scope_accuracy');
});

it('prints both figures in the text and the HTML report', () => {
  const text = formatReport(r);
  expect(text).toMatch(/^Accuracy  66\.7% \(known-intent messages whose best intent is right/m);
  expect(text).toMatch(/After the threshold, of all 5 test messages: answered right  40\.0%, refused \("I don't know"\)  40\.0%, misroutes  40\.0%/);
  expect(text).toMatch(/^Trained on 40 messages in 10 ms; tested on 5;/m);
  const html = htmlReport(r);
  expect(html).toContain('<tr><th>Accuracy</th><td class="v">66.7%</td>');
  expect(html).toContain('<tr><th>Answered right after the threshold</th><td class="v">40.0%</td>');
  expect(html).toContain('<tr><th>Refused after the threshold</th><td class="v">40.0%</td>');
});

it('says training is per fold in cross-validation (npm run nlu -- eval on the demo intents)', () => {
  const run = runScript('nlu', ['eval', '--folds', '2']);
  expect(run.stderr).toBe('');
  const lines = run.stdout.split('\n');
  expect(lines[0]).toMatch(/^Accuracy +\d+\.\d% \(known-intent messages whose best intent is right, whatever its confidence\)$/);
  expect(lines[1]).toMatch(/^Threshold 0\.\d+ \(chosen by the model on held-out folds, mean of the 2 cross-validation folds\)$/);
  expect(lines[2]).toMatch(/^After the threshold, of all (\d+) test messages: answered right +\d+\.\d%, refused \("I don't know"\) +\d+\.\d%, misroutes +\d+\.\d%$/);
  const trained = /^Cross-validation in 2 folds: trained on (\d+) messages per fold in \d+ ms per fold; tested on (\d+), each by the fold that did not train on it;/m.exec(run.stdout);
  expect(trained).not.toBeNull();
  // Half the messages train each fold; every message is tested once.
  expect(Math.abs(Number(trained![1]) * 2 - Number(trained![2]))).toBeLessThanOrEqual(1);
});
