/**
 * The open-intent protocol: a fixed, seeded share of the intents is held out
 * of training, and their test messages count as out of scope. It measures
 * "I don't know" on requests the model has truly never seen, on any labelled
 * data, not only on examples someone wrote as out of scope.
 */
import { random } from './classifier';
import type { LabelledText } from './csv';
import { OOS } from './evaluate';

/** The held-out intents: `share` of the labels (out of scope excepted), chosen by a seeded shuffle. */
export function openIntents(labels: Iterable<string>, share: number, seed = 7): string[] {
  const known = [...new Set(labels)].filter((l) => l !== OOS).sort();
  const rand = random(seed);
  for (let i = known.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [known[i], known[j]] = [known[j]!, known[i]!];
  }
  return known.slice(0, Math.round(known.length * share)).sort();
}

/** Training data without the open intents. */
export function withoutOpen(data: readonly LabelledText[], open: ReadonlySet<string>): LabelledText[] {
  return data.filter((d) => !open.has(d.label));
}

/** Test data with the open intents' messages relabelled as out of scope. */
export function openAsOutOfScope(data: readonly LabelledText[], open: ReadonlySet<string>): LabelledText[] {
  return data.map((d) => (open.has(d.label) ? { text: d.text, label: OOS } : d));
}
