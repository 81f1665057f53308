/** The evaluation report as text, the way a product owner reads it in a terminal. */
import type { Report } from './evaluate';

const pct = (x: number | null) => (x === null ? '  n/a' : `${(x * 100).toFixed(1).padStart(5)}%`);

export function formatReport(r: Report): string {
  const out: string[] = [];
  out.push(`Accuracy ${pct(r.accuracy)}   macro F1 ${pct(r.macro_f1)}   in-scope accuracy ${pct(r.in_scope_accuracy)} (best intent, any confidence)`);
  out.push(`Threshold ${r.threshold} (${r.threshold_source}): in-scope answered right ${pct(r.containment)}, misroutes ${pct(r.misroutes)}`);
  out.push(`Out of scope: recall ${pct(r.oos_recall)}, precision ${pct(r.oos_precision)}   calibration error ${r.calibration_error}`);
  if (r.open_intents) out.push(`Held out of training as unseen requests (${r.open_intents.length}): ${r.open_intents.join(', ')}`);
  out.push(`Trained on ${r.n_train} in ${r.train_ms} ms; tested on ${r.n_test}; latency p50 ${r.latency_p50_ms} ms, p99 ${r.latency_p99_ms} ms`);
  out.push('', 'Per intent (worst F1 first):', '  intent                              precision  recall     F1  support');
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
