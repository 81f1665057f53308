/** Trains the intent model from the content's intent files, calibrated and with its own threshold (heldout.ts). */
import type { Content } from '../content/load';
import { OUT_OF_SCOPE } from '../content/schemas';
import type { IntentClassifier } from './classifier';
import { wordVectors } from './embeddings';
import { trainWithHeldOut } from './heldout';

export function trainFromContent(content: Content): IntentClassifier {
  const examples = [...content.intents.values()].flatMap((i) => i.examples.map((text) => ({ text, label: i.intent })));
  for (const text of content.outOfScope) examples.push({ text, label: OUT_OF_SCOPE });
  return trainWithHeldOut(examples, { vectors: wordVectors(), oosLabel: OUT_OF_SCOPE }).model;
}
