/** The evaluation report as text, the way a product owner reads it in a terminal. */
import type { Report } from './evaluate';

const pct = (x: number | null) => (x === null ? '  n/a' : `${(x * 100).toFixed(1).padStart(5)}%`);

/** How much was trained and tested; in cross-validation the training is per fold. */
function trained(r: Report): string {
  if (!r.folds) return `Trained on ${r.n_train} messages in ${r.train_ms} ms; tested on ${r.n_test}`;
  return `Cross-validation in ${r.folds} folds: trained on ${r.n_train} messages per fold in ${r.train_ms} ms per fold; tested on ${r.n_test}, each by the fold that did not train on it`;
}

export function formatReport(r: Report): string {
  const out: string[] = [];
  out.push(`Accuracy ${pct(r.accuracy)} (known-intent messages whose best intent is right, whatever its confidence)`);
  out.push(`Threshold ${r.threshold} (${r.threshold_source})`);
  out.push(`After the threshold, of all ${r.n_test} test messages: answered right ${pct(r.accuracy_after_threshold)}, refused ("I don't know") ${pct(r.refused_share)}, misroutes ${pct(r.misroutes)}`);
  out.push(`  known-intent messages answered right ${pct(r.containment)}; macro F1 ${pct(r.macro_f1)}`);
  out.push(`Out of scope: recall ${pct(r.oos_recall)}, precision ${pct(r.oos_precision)}   calibration error ${r.calibration_error}`);
  if (r.open_intents) out.push(`Held out of training as unseen requests (${r.open_intents.length}): ${r.open_intents.join(', ')}`);
  out.push(`${trained(r)}; latency p50 ${r.latency_p50_ms} ms, p99 ${r.latency_p99_ms} ms`);
  out.push('', 'Per intent, after the threshold (worst F1 first):', '  intent                              precision  recall     F1  support');
  for (const s of [...r.per_intent].sort((a, b) => a.f1 - b.f1))
    out.push(`  ${s.intent.padEnd(34)} ${pct(s.precision)}  ${pct(s.recall)} ${pct(s.f1)}  ${String(s.support).padStart(7)}`);
  if (r.confused.length) {
    out.push('', 'Most confused (said → understood):');
    for (const c of r.confused) out.push(`  ${c.count}× ${c.gold} → ${c.predicted}   e.g. "${c.examples[0]}"`);
  }
  out.push('', 'Threshold sweep:   threshold  containment  misroutes  to fallback  OOS recall');
  for (const s of r.sweep)
    out.push(`                   ${s.threshold.toFixed(2).padStart(9)}  ${pct(s.containment).padStart(11)}  ${pct(s.misroutes).padStart(9)}  ${pct(s.to_fallback).padStart(11)}  ${pct(s.oos_recall).padStart(10)}`);
  return out.join('\n');
}
