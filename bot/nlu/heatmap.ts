/** The most confused intents as a small confusion matrix, with the messages behind each cell. */
import type { Heatmap, Prediction } from './evaluate';

const OOS = 'oos';

/** The `size` intents most involved in confusions (out of scope included, as "oos"). */
export function heatmap(predictions: readonly Prediction[], size: number): Heatmap {
  const involvement = new Map<string, number>();
  for (const p of predictions) {
    if (p.predicted === p.gold) continue;
    for (const l of [p.gold, p.predicted]) involvement.set(l, (involvement.get(l) ?? 0) + 1);
  }
  const intents = [...involvement.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, size)
    .map(([l]) => l)
    .sort((a, b) => (a === OOS ? 1 : b === OOS ? -1 : a.localeCompare(b)));
  const at = new Map(intents.map((l, i) => [l, i]));
  const counts = intents.map(() => intents.map(() => 0));
  const cells = new Map<string, { gold: string; predicted: string; texts: string[] }>();
  for (const p of predictions) {
    const g = at.get(p.gold);
    const q = at.get(p.predicted);
    if (g === undefined || q === undefined) continue;
    counts[g]![q]!++;
    if (g === q) continue;
    const key = `${g},${q}`;
    const cell = cells.get(key) ?? { gold: p.gold, predicted: p.predicted, texts: [] };
    if (cell.texts.length < 3) cell.texts.push(p.text);
    cells.set(key, cell);
  }
  return { intents, counts, examples: [...cells.values()] };
}
