/**
 * What a request for a person is about: "I want to talk to a person about my
 * bill" asks for a person and names a topic, and goes where that topic goes
 * (its queue, its summary sections), as a topic said a turn earlier would.
 * The message is cut after one of the content's `escape.topic_after` words
 * ("about", "regarding"), a comma, or the escape words themselves ("get me a
 * human I want to cancel", as a caller says it); when what comes before is a request for
 * a person on its own and what follows a request the classifier is sure of,
 * that request is the topic. No content name appears here.
 */
import type { Intent } from '../content/schemas';
import type { Brain } from './context';
import { plainWords } from '../domain/text';
import { endsWithEscapeWord, isEscape, vagueOpener } from './interrupt';
import { understand } from './understand';

/** Longer messages are not cut: a request for a person is a short sentence. */
const MAX_WORDS = 24;

const examples = new WeakMap<Brain['content'], string[]>();
function escapeExamples(brain: Brain): string[] {
  let list = examples.get(brain.content);
  if (!list) {
    list = (brain.content.intents.get(brain.content.assistant.escape.intent)?.examples ?? []).map(plainWords);
    examples.set(brain.content, list);
  }
  return list;
}

/**
 * The topic intent a request for a person names besides the person, or null
 * ("I want to talk to a person" names none; "a person about my account"
 * names nothing one queue serves). Only intents with a queue of their own
 * count: the topic is there to route by.
 */
export function topicNamedWithEscape(brain: Brain, text: string): Intent | null {
  const { content } = brain;
  const markers = new Set(content.assistant.escape.topic_after.map(plainWords));
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length < 2 || words.length > MAX_WORDS) return null;
  const plain = words.map(plainWords);
  for (let i = 0; i < words.length - 1; i++) {
    // "… a person about | my bill" (the marker dropped), "… a human, | I want to cancel" or, unpunctuated, "… a human | I want to cancel".
    const cut = markers.has(plain[i]!)
      ? { head: i, tail: i + 1 }
      : /[,;:.!?–—-]$/.test(words[i]!) || endsWithEscapeWord(content, plain, i)
        ? { head: i + 1, tail: i + 1 }
        : null;
    if (!cut || cut.head === 0) continue;
    const tail = words.slice(cut.tail).join(' ');
    const u = understand(brain, tail);
    if (u.kind !== 'intent' || u.intent === content.assistant.escape.intent) continue;
    const intent = content.intents.get(u.intent);
    if (!intent?.topic || !intent.queue) continue;
    // Words the escape's own examples say ("… about my account, this chat isn't working for me") ask for a person, not a topic.
    if (escapeExamples(brain).some((e) => ` ${e} `.includes(` ${plainWords(tail)} `))) continue;
    // A word or two several requests share ("my account") names a topic only if they all go to one queue.
    const readings = vagueOpener(content, tail);
    if (readings && new Set(readings.map((r) => content.intents.get(r)?.queue)).size > 1) continue;
    if (isEscape(brain, words.slice(0, cut.head).join(' '), '')) return intent;
  }
  return null;
}
