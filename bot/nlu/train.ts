/** Trains the intent model from the content's intent files. */
import type { Content } from '../content/load';
import { OUT_OF_SCOPE } from '../content/schemas';
import { IntentClassifier } from './classifier';
import { wordVectors } from './embeddings';

export function trainFromContent(content: Content): IntentClassifier {
  const examples = [...content.intents.values()].flatMap((i) => i.examples.map((text) => ({ text, label: i.intent })));
  for (const text of content.outOfScope) examples.push({ text, label: OUT_OF_SCOPE });
  return IntentClassifier.trainCalibrated(examples, { vectors: wordVectors() });
}
