/**
 * What held-out data tells a model about itself: how far to trust its
 * confidences (a softmax temperature) and below which confidence to say
 * "I don't know" (the out-of-scope threshold).
 *
 * The threshold rule, the same for the bot and for `npm run nlu -- eval`:
 *
 *   Among the held-out messages of known intents that the model understood
 *   correctly, the threshold is the calibrated confidence below which lie
 *   REFUSED_SHARE (10%) of them. In words: the highest threshold that still
 *   answers 90 of every 100 messages the model would have got right.
 *
 * Why 10%: unseen requests land at middling confidence, just below the bulk
 * of right answers. Refusing the least sure tenth of right answers buys most
 * of the "I don't know"s (on BANKING77 with a quarter of the intents never
 * trained, 0.63 out-of-scope recall; on the demo content, misroutes halve);
 * 4% kept two thirds of unseen requests answered with some intent.
 *
 * It needs no out-of-scope examples, so it works on any training data, and it
 * moves with the data: a model that is sure of its intents gets a high
 * threshold (unfamiliar wording then falls below it), a model of many close
 * intents a low one. Labelled out-of-scope examples, when the data has them,
 * are learnt as a class of their own and take part in fitting the temperature.
 */
import { softmax } from './classifier';

/** Share of correctly understood held-out messages the threshold may refuse. */
export const REFUSED_SHARE = 0.1;

/** Stated once for reports and docs. */
export const THRESHOLD_RULE = `the highest threshold that still answers ${Math.round((1 - REFUSED_SHARE) * 100)}% of the held-out messages the model understood correctly`;

/** One held-out message: the scores of a model that did not see it, and the index of its true label (-1: an intent that model never saw). */
export interface HeldOut {
  logits: Float64Array;
  gold: number;
}

export interface Calibration {
  temperature: number;
  threshold: number;
  /** Held-out messages the figures come from. */
  held_out: number;
  /** Expected calibration error on the held-out messages, after the temperature. */
  calibration_error: number;
}

function probabilities(logits: Float64Array, temperature: number): Float64Array {
  const p = Float64Array.from(logits, (z) => z / temperature);
  softmax(p);
  return p;
}

/** -log p(gold) at temperature t, without building the distribution. */
function nll(logits: Float64Array, gold: number, t: number): number {
  let max = -Infinity;
  for (const z of logits) if (z > max) max = z;
  let sum = 0;
  for (const z of logits) sum += Math.exp((z - max) / t);
  return Math.log(sum) - (logits[gold]! - max) / t;
}

/** The temperature that minimises the held-out negative log-likelihood (a grid: robust and cheap). */
export function fitTemperature(held: readonly HeldOut[]): number {
  const known = held.filter((h) => h.gold >= 0);
  if (!known.length) return 1;
  let best = { t: 1, nll: Infinity };
  for (let t = 0.2; t <= 4.001; t += 0.05) {
    let total = 0;
    for (const { logits, gold } of known) total += Math.min(nll(logits, gold, t), 27.6); // 27.6 = -log 1e-12
    if (total < best.nll) best = { t: Math.round(t * 100) / 100, nll: total };
  }
  return best.t;
}

/** The best intent (never the learnt out-of-scope class) and its calibrated confidence. */
export function bestIntent(logits: Float64Array, temperature: number, skip: number): { index: number; confidence: number } {
  const p = probabilities(logits, temperature);
  let index = -1;
  for (let c = 0; c < p.length; c++) if (c !== skip && (index < 0 || p[c]! > p[index]!)) index = c;
  return { index, confidence: index < 0 ? 0 : p[index]! };
}

/** The threshold rule above; 0 when nothing held out was understood. */
export function chooseThreshold(understood: readonly number[]): number {
  if (!understood.length) return 0;
  const sorted = [...understood].sort((a, b) => a - b);
  const t = sorted[Math.floor(REFUSED_SHARE * sorted.length)]!;
  return Math.floor(t * 1000) / 1000;
}

/**
 * Expected calibration error over ten confidence bins: the gap between how
 * sure the model says it is and how often it is right (0 = a confidence of
 * 0.7 is right 70% of the time).
 */
export function expectedCalibrationError(points: readonly { confidence: number; correct: boolean }[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, right: 0 }));
  for (const p of points) {
    const bin = bins[Math.min(9, Math.floor(p.confidence * 10))]!;
    bin.n++;
    bin.conf += p.confidence;
    bin.right += p.correct ? 1 : 0;
  }
  const n = points.length || 1;
  return bins.reduce((s, b) => s + (b.n ? (b.n / n) * Math.abs(b.conf / b.n - b.right / b.n) : 0), 0);
}

/** Temperature, threshold and calibration error from held-out messages; `oosIndex` is the learnt out-of-scope class, or -1. */
export function calibrateFrom(held: readonly HeldOut[], oosIndex: number): Calibration {
  const temperature = fitTemperature(held);
  const inScope = held.filter((h) => h.gold >= 0 && h.gold !== oosIndex);
  const points = inScope.map((h) => {
    const best = bestIntent(h.logits, temperature, oosIndex);
    return { confidence: best.confidence, correct: best.index === h.gold };
  });
  return {
    temperature,
    threshold: chooseThreshold(points.filter((p) => p.correct).map((p) => p.confidence)),
    held_out: held.length,
    calibration_error: Math.round(expectedCalibrationError(points) * 10000) / 10000,
  };
}
