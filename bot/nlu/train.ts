/** Trains the intent model from the content's intent files. */
import type { Content } from '../content/load';
import { IntentClassifier } from './classifier';

export function trainFromContent(content: Content): IntentClassifier {
  const examples = [...content.intents.values()].flatMap((i) => i.examples.map((text) => ({ text, label: i.intent })));
  return IntentClassifier.train(examples);
}
