/**
 * Measures a classifier: accuracy, per-intent precision/recall/F1, the most
 * confused pairs, out-of-scope detection and a threshold sweep, plus the time
 * to train and to classify. Used by `npm run nlu -- eval` and `npm run bench:nlu`.
 */
import { expectedCalibrationError } from './calibrate';
import type { LabelledText } from './csv';
import { heatmap } from './heatmap';

/** The label of a message no intent covers, in test files. */
export const OOS = 'oos';

export interface Model {
  rank(text: string, limit?: number): { label: string; confidence: number }[];
}

/** Labels a decision needs, as the bot asks for them (bot/engine/understand.ts): the best, and the best intent after a learnt out-of-scope. */
export const RANKED = 3;
/** Timed classifications at least: enough for a steady 99th percentile (BANKING77's test set is timed four times). */
const TIMED_CALLS = 10_000;

export interface Prediction {
  text: string;
  gold: string;
  /** Best intent, ignoring the threshold and the learnt out-of-scope class. */
  best: string;
  confidence: number;
  /** What the bot would do: an intent, or OOS. */
  predicted: string;
}

export interface IntentScore {
  intent: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface SweepPoint {
  threshold: number;
  /** In-scope messages answered with the right intent. */
  containment: number;
  /** Messages (of any kind) answered with a wrong intent. */
  misroutes: number;
  /** In-scope messages refused ("I don't know"). */
  to_fallback: number;
  /** Out-of-scope messages refused; null when the test has none. */
  oos_recall: number | null;
}

/** The most confused intents: counts[gold][predicted], with example messages per cell. */
export interface Heatmap {
  intents: string[];
  counts: number[][];
  examples: { gold: string; predicted: string; texts: string[] }[];
}

export interface Report {
  /**
   * The classifier's accuracy: known-intent (in-scope) test messages whose
   * best intent is right, whatever its confidence. What BANKING77 and the
   * open-intent protocol publish as accuracy; the threshold does not move it.
   */
  accuracy: number;
  /**
   * What the bot does at the threshold, over every test message: the right
   * intent answered, or "I don't know" to an out-of-scope one. A known-intent
   * message refused counts as wrong here.
   */
  accuracy_after_threshold: number;
  /** Test messages (of any kind) answered "I don't know" at the threshold. */
  refused_share: number;
  /** Mean F1 over intents, at the threshold. */
  macro_f1: number;
  /** Known-intent messages answered with the right intent at the threshold (refusals count as wrong). */
  containment: number;
  /** Messages answered with a wrong intent at the threshold. */
  misroutes: number;
  oos_recall: number | null;
  oos_precision: number | null;
  /**
   * Expected calibration error of the best intent's confidence on in-scope
   * messages (0 = a confidence of 0.7 is right 70% of the time, for every
   * intent alike): what makes one threshold mean the same everywhere.
   */
  calibration_error: number;
  threshold: number;
  /** Where the threshold came from: the model's held-out folds, the content's YAML, or --threshold. */
  threshold_source: string;
  train_ms: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  /** Messages trained on: per fold when `folds` is set. */
  n_train: number;
  /** Messages tested; in cross-validation every message once, by the fold that did not train on it. */
  n_test: number;
  /** Cross-validation: the number of folds; `n_train` and `train_ms` are then per fold (train_ms the mean). */
  folds?: number;
  per_intent: IntentScore[];
  confused: { gold: string; predicted: string; count: number; examples: string[] }[];
  heatmap: Heatmap;
  sweep: SweepPoint[];
  /** Intents held out of training (--open-intents); their messages count as out of scope. */
  open_intents?: string[];
}

/** What a classifier's ranking means for the bot: the learnt out-of-scope class or a low confidence is OOS. */
export function decide(ranked: { label: string; confidence: number }[], threshold: number, oosLabel: string): { best: string; confidence: number; predicted: string } {
  const top = ranked[0];
  const firstIntent = ranked.find((r) => r.label !== oosLabel);
  const best = firstIntent?.label ?? OOS;
  const confidence = firstIntent?.confidence ?? 0;
  const predicted = !top || top.label === oosLabel || top.confidence < threshold ? OOS : top.label;
  return { best, confidence, predicted };
}

function sweepPoint(ps: Prediction[], threshold: number): SweepPoint {
  const ins = ps.filter((p) => p.gold !== OOS);
  const oos = ps.filter((p) => p.gold === OOS);
  return {
    threshold,
    containment: round(ins.length ? ins.filter((p) => p.predicted === p.gold).length / ins.length : 0),
    misroutes: round(ps.filter((p) => p.predicted !== OOS && p.predicted !== p.gold).length / (ps.length || 1)),
    to_fallback: round(ins.length ? ins.filter((p) => p.predicted === OOS).length / ins.length : 0),
    oos_recall: oos.length ? round(oos.filter((p) => p.predicted === OOS).length / oos.length) : null,
  };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const round = (n: number, d = 4) => Math.round(n * 10 ** d) / 10 ** d;

/**
 * Classifies every test message as the bot does (the best RANKED labels),
 * and times single calls: after an untimed pass that lets the JIT compile
 * the code a running bot has long compiled, the test set is timed as many
 * times as give TIMED_CALLS calls (each call once, collector pauses
 * included), so the 99th percentile rests on about a hundred calls.
 */
export function predict(model: Model, test: readonly LabelledText[], threshold: number, oosLabel: string): { predictions: Prediction[]; latencies: number[] } {
  for (const t of test.slice(0, 1000)) model.rank(t.text, RANKED);
  const predictions = test.map((t) => ({ text: t.text, gold: t.label, ...decide(model.rank(t.text, RANKED), threshold, oosLabel) }));
  const passes = test.length ? Math.ceil(TIMED_CALLS / test.length) : 0;
  const latencies = new Array<number>(passes * test.length);
  let n = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (const t of test) {
      const started = process.hrtime.bigint();
      model.rank(t.text, RANKED);
      latencies[n++] = Number(process.hrtime.bigint() - started) / 1e6;
    }
  }
  return { predictions, latencies };
}

export function report(
  predictions: Prediction[],
  latencies: number[],
  meta: { threshold: number; thresholdSource?: string; trainMs: number; nTrain: number; folds?: number; rerank?: (threshold: number) => Prediction[] },
): Report {
  const n = predictions.length;
  const inScope = predictions.filter((p) => p.gold !== OOS);
  const oos = predictions.filter((p) => p.gold === OOS);
  const predictedOos = predictions.filter((p) => p.predicted === OOS);
  const labels = [...new Set(predictions.flatMap((p) => [p.gold, p.predicted]))].filter((l) => l !== OOS).sort();
  const perIntent = labels.map((intent) => {
    const tp = predictions.filter((p) => p.gold === intent && p.predicted === intent).length;
    const fp = predictions.filter((p) => p.gold !== intent && p.predicted === intent).length;
    const fn = predictions.filter((p) => p.gold === intent && p.predicted !== intent).length;
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    return { intent, precision: round(precision), recall: round(recall), f1: round(precision + recall ? (2 * precision * recall) / (precision + recall) : 0), support: tp + fn };
  });
  const pairs = new Map<string, { gold: string; predicted: string; count: number; examples: string[] }>();
  for (const p of predictions) {
    if (p.predicted === p.gold) continue;
    const key = `${p.gold}\u0000${p.predicted}`;
    const entry = pairs.get(key) ?? { gold: p.gold, predicted: p.predicted, count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < 2) entry.examples.push(p.text);
    pairs.set(key, entry);
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const sweep = Array.from({ length: 20 }, (_, i) => sweepPoint(meta.rerank ? meta.rerank(i / 20) : predictions, i / 20));
  const at = sweepPoint(predictions, meta.threshold);
  const scored = perIntent.filter((s) => s.support > 0);
  const ece = expectedCalibrationError(inScope.map((p) => ({ confidence: p.confidence, correct: p.best === p.gold })));
  return {
    accuracy: round(inScope.filter((p) => p.best === p.gold).length / (inScope.length || 1)),
    accuracy_after_threshold: round(predictions.filter((p) => p.predicted === p.gold).length / (n || 1)),
    refused_share: round(predictedOos.length / (n || 1)),
    macro_f1: round(scored.reduce((s, x) => s + x.f1, 0) / (scored.length || 1)),
    containment: at.containment,
    misroutes: at.misroutes,
    oos_recall: oos.length ? round(oos.filter((p) => p.predicted === OOS).length / oos.length) : null,
    oos_precision: oos.length ? round(predictedOos.length ? predictedOos.filter((p) => p.gold === OOS).length / predictedOos.length : 0) : null,
    calibration_error: round(ece),
    threshold: meta.threshold,
    threshold_source: meta.thresholdSource ?? 'given',
    train_ms: Math.round(meta.trainMs),
    latency_p50_ms: round(percentile(sorted, 50)),
    latency_p99_ms: round(percentile(sorted, 99)),
    n_train: meta.nTrain,
    n_test: n,
    ...(meta.folds ? { folds: meta.folds } : {}),
    per_intent: perIntent,
    confused: [...pairs.values()].sort((a, b) => b.count - a.count).slice(0, 10),
    heatmap: heatmap(predictions, 12),
    sweep,
  };
}
