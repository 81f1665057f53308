/**
 * Measures a classifier: accuracy, per-intent precision/recall/F1, the most
 * confused pairs, out-of-scope detection and a threshold sweep, plus the time
 * to train and to classify. Used by `npm run nlu -- eval` and `npm run bench:nlu`.
 */
import type { LabelledText } from './csv';

/** The label of a message no intent covers, in test files. */
export const OOS = 'oos';

export interface Model {
  rank(text: string): { label: string; confidence: number }[];
}

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

export interface Report {
  accuracy: number;
  macro_f1: number;
  in_scope_accuracy: number;
  oos_recall: number | null;
  oos_precision: number | null;
  /**
   * Expected calibration error of the best intent's confidence on in-scope
   * messages (0 = a confidence of 0.7 is right 70% of the time, for every
   * intent alike): what makes one threshold mean the same everywhere.
   */
  calibration_error: number;
  threshold: number;
  train_ms: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  n_train: number;
  n_test: number;
  per_intent: IntentScore[];
  confused: { gold: string; predicted: string; count: number; examples: string[] }[];
  sweep: { threshold: number; containment: number; misroutes: number; to_fallback: number }[];
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

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (n: number, d = 4) => Math.round(n * 10 ** d) / 10 ** d;

export function predict(model: Model, test: readonly LabelledText[], threshold: number, oosLabel: string): { predictions: Prediction[]; latencies: number[] } {
  const latencies: number[] = [];
  // Warm up the code paths before timing.
  for (const t of test.slice(0, 50)) model.rank(t.text);
  const predictions = test.map((t) => {
    const started = process.hrtime.bigint();
    const ranked = model.rank(t.text);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    return { text: t.text, gold: t.label, ...decide(ranked, threshold, oosLabel) };
  });
  return { predictions, latencies };
}

export function report(
  predictions: Prediction[],
  latencies: number[],
  meta: { threshold: number; trainMs: number; nTrain: number; rerank?: (threshold: number) => Prediction[] },
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
  const sweep = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((threshold) => {
    const ps = meta.rerank ? meta.rerank(threshold) : predictions;
    const ins = ps.filter((p) => p.gold !== OOS);
    return {
      threshold,
      containment: round(ins.length ? ins.filter((p) => p.predicted === p.gold).length / ins.length : 0),
      misroutes: round(ps.filter((p) => p.predicted !== OOS && p.predicted !== p.gold).length / (ps.length || 1)),
      to_fallback: round(ins.length ? ins.filter((p) => p.predicted === OOS).length / ins.length : 0),
    };
  });
  const scored = perIntent.filter((s) => s.support > 0);
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, right: 0 }));
  for (const p of inScope) {
    const bin = bins[Math.min(9, Math.floor(p.confidence * 10))]!;
    bin.n++;
    bin.conf += p.confidence;
    bin.right += p.best === p.gold ? 1 : 0;
  }
  const ece = bins.reduce((s, b) => s + (b.n ? (b.n / (inScope.length || 1)) * Math.abs(b.conf / b.n - b.right / b.n) : 0), 0);
  return {
    accuracy: round(predictions.filter((p) => p.predicted === p.gold).length / (n || 1)),
    macro_f1: round(scored.reduce((s, x) => s + x.f1, 0) / (scored.length || 1)),
    in_scope_accuracy: round(inScope.filter((p) => p.best === p.gold).length / (inScope.length || 1)),
    oos_recall: oos.length ? round(oos.filter((p) => p.predicted === OOS).length / oos.length) : null,
    oos_precision: oos.length ? round(predictedOos.length ? predictedOos.filter((p) => p.gold === OOS).length / predictedOos.length : 0) : null,
    calibration_error: round(ece),
    threshold: meta.threshold,
    train_ms: Math.round(meta.trainMs),
    latency_p50_ms: round(percentile(sorted, 50)),
    latency_p99_ms: round(percentile(sorted, 99)),
    n_train: meta.nTrain,
    n_test: n,
    per_intent: perIntent,
    confused: [...pairs.values()].sort((a, b) => b.count - a.count).slice(0, 10),
    sweep,
  };
}

/** The report as a product owner reads it. */
export function formatReport(r: Report): string {
  const pct = (x: number | null) => (x === null ? '  n/a' : `${(x * 100).toFixed(1).padStart(5)}%`);
  const out: string[] = [];
  out.push(`Accuracy ${pct(r.accuracy)}   macro F1 ${pct(r.macro_f1)}   in-scope accuracy ${pct(r.in_scope_accuracy)}   (threshold ${r.threshold})`);
  out.push(`Out of scope: recall ${pct(r.oos_recall)}, precision ${pct(r.oos_precision)}   calibration error ${r.calibration_error}`);
  out.push(`Trained on ${r.n_train} in ${r.train_ms} ms; tested on ${r.n_test}; latency p50 ${r.latency_p50_ms} ms, p99 ${r.latency_p99_ms} ms`);
  out.push('', 'Per intent (worst F1 first):', '  intent                              precision  recall     F1  support');
  for (const s of [...r.per_intent].sort((a, b) => a.f1 - b.f1))
    out.push(`  ${s.intent.padEnd(34)} ${pct(s.precision)}  ${pct(s.recall)} ${pct(s.f1)}  ${String(s.support).padStart(7)}`);
  if (r.confused.length) {
    out.push('', 'Most confused (said → understood):');
    for (const c of r.confused) out.push(`  ${c.count}× ${c.gold} → ${c.predicted}   e.g. "${c.examples[0]}"`);
  }
  out.push('', 'Threshold sweep:   threshold  containment  misroutes  to fallback');
  for (const s of r.sweep) out.push(`                   ${s.threshold.toFixed(1).padStart(9)}  ${pct(s.containment).padStart(11)}  ${pct(s.misroutes).padStart(9)}  ${pct(s.to_fallback).padStart(11)}`);
  return out.join('\n');
}
