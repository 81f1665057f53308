/** Trains the intent model from the content's intent files, calibrated and with its own threshold (heldout.ts). */
import type { Content } from '../content/load';
import { OUT_OF_SCOPE } from '../content/schemas';
import type { Example, IntentClassifier } from './classifier';
import { wordVectors } from './embeddings';
import { trainWithHeldOut } from './heldout';
import { keptOrTrained } from './model-file';

function examplesOf(content: Content): Example[] {
  const examples = [...content.intents.values()].flatMap((i) => i.examples.map((text) => ({ text, label: i.intent })));
  for (const text of content.outOfScope) examples.push({ text, label: OUT_OF_SCOPE });
  return examples;
}

export function trainFromContent(content: Content): IntentClassifier {
  return trainWithHeldOut(examplesOf(content), { vectors: wordVectors(), oosLabel: OUT_OF_SCOPE }).model;
}

/**
 * The model of this content kept in `dir` by an earlier start (model-file.ts),
 * or trained now and kept there: a start with unchanged content skips training.
 */
export function keptModelOf(content: Content, dir: string): { model: IntentClassifier; kept: boolean } {
  const examples = examplesOf(content);
  const vectors = wordVectors();
  return keptOrTrained(dir, examples, vectors, () => trainWithHeldOut(examples, { vectors, oosLabel: OUT_OF_SCOPE }).model);
}
