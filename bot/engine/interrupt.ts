/**
 * What a message means besides an answer: a request for a person, a change
 * of mind, another request, two requests at once, or an opener too vague to
 * act on. The decide stage asks these before it treats a message as the
 * answer to a waiting question (shared/conversation-design.md, points 1, 3,
 * 5, 6 and 7). Everything here reads content; no content name appears.
 */
import type { Content } from '../content/load';
import type { Brain } from './context';
import { plainWords } from '../domain/text';
import { understand } from './understand';

/** A request the classifier is sure of. */
export interface Request {
  intent: string;
  confidence: number;
  text: string;
}

/** Above this, a whole sentence in the middle of a question is another request, not an answer. */
const SURE = 0.8;

/** The content's phrases in plain words, longest first where the first match wins: worked out once per content. */
interface Phrases {
  escape: string[];
  leadIns: string[];
  leave: string[];
  dontKnow: string[];
  goodbye: string[];
}
const phrasesOf = new WeakMap<Content['assistant'], Phrases>();

function phrases(content: Content): Phrases {
  const a = content.assistant;
  let p = phrasesOf.get(a);
  if (!p) {
    const longestFirst = (words: string[]) => words.map(plainWords).sort((x, y) => y.length - x.length);
    p = {
      escape: a.escape.words.map(plainWords),
      leadIns: longestFirst(a.leave.lead_ins),
      leave: longestFirst(a.leave.words),
      dontKnow: a.dont_know.words.map(plainWords),
      goodbye: a.waiting.goodbye_words.map(plainWords).filter(Boolean),
    };
    phrasesOf.set(a, p);
  }
  return p;
}

/** Phrase `p` occurs in `said` as whole words (both plain). */
function mentions(said: string, p: string): boolean {
  return ` ${said} `.includes(` ${p} `);
}

/**
 * A request for a person: the escape key, a sentence that asks for one, or
 * an escape word in a short message the classifier reads as nothing else.
 * "my agent said my bill was wrong" is a billing request, not an escape.
 */
export function isEscape(brain: Brain, text: string, digits: string): boolean {
  const { escape } = brain.content.assistant;
  if (digits && digits === escape.dtmf) return true;
  if (!text) return false;
  const u = understand(brain, text);
  if (u.kind === 'intent') {
    if (u.intent === escape.intent) return true;
    if (brain.content.intents.get(u.intent)?.topic) return false;
  }
  const said = plainWords(text);
  if (said.split(' ').length > 8) return false;
  return phrases(brain.content).escape.some((w) => mentions(said, w));
}

/** The plain words up to `plain[i]` end with one of the content's escape words: "get me a human | I want to cancel". */
export function endsWithEscapeWord(content: Content, plain: string[], i: number): boolean {
  const head = plain.slice(0, i + 1).join(' ');
  return phrases(content).escape.some((w) => w !== '' && (head === w || head.endsWith(` ${w}`)));
}

/** Removes the lead-ins ("actually", "no", "sorry") from the start of plain words. */
function withoutLeadIns(content: Content, said: string): string {
  const { leadIns } = phrases(content);
  let rest = said;
  for (let changed = true; changed && rest; ) {
    changed = false;
    for (const l of leadIns)
      if (rest === l || rest.startsWith(`${l} `)) {
        rest = rest.slice(l.length).trim();
        changed = true;
      }
  }
  return rest;
}

/**
 * A change of mind: "never mind", "actually, forget that — where's my
 * order?". Returns what followed the leave words ('' for none), or null.
 */
export function leaving(content: Content, text: string): { rest: string } | null {
  const said = withoutLeadIns(content, plainWords(text));
  const hit = phrases(content).leave.find((w) => said === w || said.startsWith(`${w} `));
  if (!hit) return null;
  // Keep the customer's own spelling of the rest for the classifier: drop as many words as were matched.
  const dropped = plainWords(text).split(' ').length - said.split(' ').length + hit.split(' ').length;
  const rest = text
    .trim()
    .split(/\s+/)
    .filter((w) => plainWords(w) !== '')
    .slice(dropped)
    .join(' ');
  return { rest };
}

/** A short message with a goodbye in it (`waiting.goodbye_words`): "bye", "thanks, bye", "ok bye then". */
export function saysGoodbye(content: Content, text: string): boolean {
  const said = plainWords(text);
  if (said.split(' ').length > 5) return false;
  return phrases(content).goodbye.some((p) => mentions(said, p));
}

/** Words that may follow "I don't know" in an answer ("idk the zip code"); more is a sentence of its own. */
const DONT_KNOW_TAIL = 4;

/**
 * "I don't know", "sorry, not sure", "no idea": the customer does not have
 * the answer (`dont_know.words`). `answering`: the message answers a
 * question, so a short tail may follow ("idk the zip code"); otherwise only
 * the whole message counts ("not sure how to pay my bill" is a request).
 */
export function notKnowing(content: Content, text: string, answering: boolean): boolean {
  const plain = plainWords(text);
  if (!plain || plain.split(' ').length > 8) return false;
  // "sorry, not sure", but also "no idea" (whose "no" is a lead-in too).
  const readings = [plain, withoutLeadIns(content, plain)];
  return phrases(content).dontKnow.some((p) =>
    readings.some((said) => said === p || (answering && said.startsWith(`${p} `) && said.split(' ').length - p.split(' ').length <= DONT_KNOW_TAIL)),
  );
}

/** "no, I meant my plan": a lead-in, then something else. Returns the something else, or null. */
export function correction(content: Content, text: string): string | null {
  const said = plainWords(text);
  const rest = withoutLeadIns(content, said);
  return rest && rest !== said ? rest : null;
}

/**
 * Another request in the middle of a question: a topic intent other than
 * the one being served. `sure` asks for a full sentence the classifier is
 * sure of (checked before the answer); otherwise any clear intent (checked
 * when the message was no answer at all).
 */
export function otherRequest(brain: Brain, text: string, current: string | null, sure: boolean): Request | null {
  if (!text || (sure && plainWords(text).split(' ').length < 3)) return null;
  const u = understand(brain, text);
  if (u.kind !== 'intent' || u.intent === current || (sure && u.confidence < SURE)) return null;
  return brain.content.intents.get(u.intent)?.topic ? { intent: u.intent, confidence: u.confidence, text } : null;
}

/**
 * Two or more requests in one message ("what's my balance and where is my
 * order?"): each part a clear request of its own, all different. Null when
 * the message is one request.
 */
export function severalRequests(brain: Brain, text: string): Request[] | null {
  const parts = text
    .split(/\?|[.;!]\s|\s(?:and also|and then|and|also|plus|then)\s/i)
    .map((p) => p.replace(/^[\s,]+|[\s,.!]+$/g, ''))
    .filter((p) => plainWords(p).split(' ').length >= 2);
  if (parts.length < 2) return null;
  const found: Request[] = [];
  for (const part of parts) {
    const u = understand(brain, part);
    if (u.kind !== 'intent' || !brain.content.intents.get(u.intent)?.topic) return null;
    if (!found.some((f) => f.intent === u.intent)) found.push({ intent: u.intent, confidence: u.confidence, text: part });
  }
  return found.length >= 2 ? found : null;
}

// Words that say nothing about what the customer wants.
const fillers = new Set(
  'a an the my your our me i im i m it its is are about with for on of to um uh er hi hey hello please question problem issue help need want'.split(' '),
);

interface ExampleIndex {
  exact: Set<string>;
  words: { intent: string; words: Set<string> }[];
}
const indexes = new WeakMap<Content, ExampleIndex>();

function exampleIndex(content: Content): ExampleIndex {
  let index = indexes.get(content);
  if (!index) {
    const exact = new Set<string>(content.outOfScope.map(plainWords));
    const words: ExampleIndex['words'] = [];
    for (const intent of content.intents.values())
      for (const e of intent.examples) {
        const plain = plainWords(e);
        exact.add(plain);
        if (intent.topic) words.push({ intent: intent.intent, words: new Set(plain.split(' ')) });
      }
    index = { exact, words };
    indexes.set(content, index);
  }
  return index;
}

/**
 * An opener of one or two words that several requests share ("bill",
 * "internet"): the two or three likeliest readings, most used first. Null
 * when the words are clear (an example as it stands) or belong to one request.
 */
export function vagueOpener(content: Content, text: string): string[] | null {
  const said = plainWords(text);
  const words = said.split(' ').filter((w) => w && !fillers.has(w));
  if (words.length === 0 || words.length > 2) return null;
  const index = exampleIndex(content);
  if (index.exact.has(said)) return null;
  const counts = new Map<string, number>();
  for (const e of index.words) if (words.every((w) => e.words.has(w))) counts.set(e.intent, (counts.get(e.intent) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const top = ranked[0]?.[1] ?? 0;
  const readings = ranked.filter(([, n]) => n >= Math.max(2, top * 0.15)).slice(0, 3).map(([i]) => i);
  return readings.length >= 2 ? readings : null;
}
