/**
 * The evaluation report as one HTML page a product owner opens from disk:
 * headline figures, per-intent precision/recall/F1, a heatmap of the most
 * confused intents with the messages behind it, and the threshold sweep
 * (containment against misroutes and out-of-scope recall). Charts are drawn
 * by Apache ECharts, inlined, so the page needs no network.
 */
import { readFileSync } from 'node:fs';
import type { Report } from './evaluate';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
/** JSON that is safe inside a script element. */
const data = (x: unknown) => JSON.stringify(x).replace(/</g, '\\u003c');

function figures(r: Report): string {
  const perFold = r.folds ? ' per fold' : '';
  const rows: [string, string, string][] = [
    ['Accuracy', pct(r.accuracy), 'known-intent messages whose best intent is right, whatever its confidence'],
    ['Threshold', String(r.threshold), r.threshold_source],
    ['Answered right after the threshold', pct(r.accuracy_after_threshold), 'every test message: the right intent, or "I don\'t know" to an out-of-scope one'],
    ['Refused after the threshold', pct(r.refused_share), 'test messages answered "I don\'t know"'],
    ['In-scope answered right', pct(r.containment), 'known-intent messages given the right intent at the threshold'],
    ['Misroutes', pct(r.misroutes), 'messages given a wrong intent'],
    ['Out-of-scope recall', pct(r.oos_recall), 'out-of-scope messages answered "I don\'t know"'],
    ['Out-of-scope precision', pct(r.oos_precision), '"I don\'t know" answers that were right to say so'],
    ['Calibration error', String(r.calibration_error), 'gap between confidence and how often it is right (0 is perfect)'],
    ['Macro F1', pct(r.macro_f1), 'mean F1 over intents, after the threshold'],
    [
      'Training',
      `${r.n_train} messages${perFold} in ${(r.train_ms / 1000).toFixed(1)} s${perFold}`,
      `${r.folds ? `cross-validation in ${r.folds} folds: ${r.n_test} tested, each by the fold that did not train on it` : `tested on ${r.n_test}`}; p50 ${r.latency_p50_ms} ms, p99 ${r.latency_p99_ms} ms per message`,
    ],
  ];
  return `<table class="figures">${rows.map(([k, v, d]) => `<tr><th>${esc(k)}</th><td class="v">${esc(v)}</td><td>${esc(d)}</td></tr>`).join('')}</table>`;
}

function confusedTable(r: Report): string {
  const cells = [...r.heatmap.examples].sort((a, b) => b.texts.length - a.texts.length).slice(0, 12);
  const count = (g: string, p: string) => r.heatmap.counts[r.heatmap.intents.indexOf(g)]?.[r.heatmap.intents.indexOf(p)] ?? 0;
  const rows = cells
    .sort((a, b) => count(b.gold, b.predicted) - count(a.gold, a.predicted))
    .map((c) => `<tr><td>${esc(c.gold)}</td><td>${esc(c.predicted)}</td><td class="v">${count(c.gold, c.predicted)}</td><td>${c.texts.map((t) => `“${esc(t)}”`).join('<br>')}</td></tr>`);
  return `<table class="examples"><tr><th>said</th><th>understood</th><th>times</th><th>for example</th></tr>${rows.join('')}</table>`;
}

const SCRIPT = `
const r = JSON.parse(document.getElementById('report-data').textContent);
const chart = (id, option) => echarts.init(document.getElementById(id), null, { renderer: 'svg' }).setOption(Object.assign({ animation: false }, option));
const intents = [...r.per_intent].sort((a, b) => b.f1 - a.f1);
chart('per-intent', {
  tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 220, right: 30, top: 30, bottom: 30 },
  xAxis: { type: 'value', min: 0, max: 1 }, yAxis: { type: 'category', data: intents.map((s) => s.intent), axisLabel: { interval: 0 } },
  series: ['precision', 'recall', 'f1'].map((k) => ({ name: k === 'f1' ? 'F1' : k, type: 'bar', data: intents.map((s) => s[k]) })),
});
const h = r.heatmap;
const cells = [];
h.counts.forEach((row, g) => row.forEach((n, p) => { if (n) cells.push([p, g, n]); }));
const examples = new Map(h.examples.map((e) => [e.gold + '\\u0000' + e.predicted, e.texts]));
const off = cells.filter((c) => c[0] !== c[1]).map((c) => c[2]);
chart('heatmap', {
  tooltip: { formatter: (p) => { const g = h.intents[p.value[1]], q = h.intents[p.value[0]]; const ex = examples.get(g + '\\u0000' + q) || []; const el = document.createElement('div'); el.textContent = g + ' → ' + q + ': ' + p.value[2]; ex.forEach((t) => { const d = document.createElement('div'); d.textContent = '“' + t + '”'; el.appendChild(d); }); return el.innerHTML; } },
  grid: { left: 220, right: 40, top: 20, bottom: 170 },
  xAxis: { type: 'category', data: h.intents, name: 'understood', axisLabel: { rotate: 45, interval: 0 } },
  yAxis: { type: 'category', data: h.intents, name: 'said', inverse: true, axisLabel: { interval: 0 } },
  visualMap: { min: 0, max: Math.max(1, ...off), calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
  series: [{ type: 'heatmap', data: cells, label: { show: true } }],
});
const th = r.sweep.map((s) => s.threshold.toFixed(2));
const series = [
  { name: 'containment', data: r.sweep.map((s) => s.containment) },
  { name: 'misroutes', data: r.sweep.map((s) => s.misroutes) },
  { name: 'to fallback', data: r.sweep.map((s) => s.to_fallback) },
];
if (r.oos_recall !== null) series.push({ name: 'out-of-scope recall', data: r.sweep.map((s) => s.oos_recall) });
series.forEach((s) => { s.type = 'line'; s.smooth = false; });
series[0].markLine = { symbol: 'none', label: { formatter: 'threshold ' + r.threshold }, data: [{ xAxis: (Math.round(r.threshold * 20) / 20).toFixed(2) }] };
chart('sweep', {
  tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 60, right: 30, top: 40, bottom: 40 },
  xAxis: { type: 'category', data: th, name: 'threshold' }, yAxis: { type: 'value', min: 0, max: 1 }, series,
});
`;

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{margin-top:2em;font-size:1.25em}table{border-collapse:collapse;margin:.5em 0}
td,th{border-bottom:1px solid #ddd;padding:.3em .7em;text-align:left;vertical-align:top}.v{font-weight:600;white-space:nowrap}
.note{color:#555;max-width:50em}`;

/** The whole page; `echarts.min.js` is read from the installed package and inlined. */
export function htmlReport(r: Report, title = 'How well the assistant understands'): string {
  const echarts = readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
  const open = r.open_intents ? `<p class="note">${r.open_intents.length} intents were held out of training and their messages count as out of scope: ${esc(r.open_intents.join(', '))}.</p>` : '';
  const perIntentHeight = Math.max(300, r.per_intent.length * 26 + 80);
  const heatHeight = Math.max(360, r.heatmap.intents.length * 34 + 200);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${esc(title)}</h1>
${figures(r)}
${open}
<h2>Threshold: what the bot answers, and what it refuses</h2>
<p class="note">Below the threshold the bot says "I don't know" and offers what it can do. Raising it refuses more unknown requests (out-of-scope recall) and sends fewer messages to the wrong place (misroutes), but also refuses some it would have understood (containment falls). The marked line is the threshold in use.</p>
<div id="sweep" style="height:380px"></div>
<h2>Per intent: precision, recall and F1</h2>
<div id="per-intent" style="height:${perIntentHeight}px"></div>
<h2>Most confused intents</h2>
<p class="note">Rows: what the customer meant; columns: what the bot understood ("oos": "I don't know"). Hover a cell for its messages; the table lists the most frequent confusions.</p>
<div id="heatmap" style="height:${heatHeight}px"></div>
${confusedTable(r)}
<script id="report-data" type="application/json">${data(r)}</script>
<script>${echarts}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
