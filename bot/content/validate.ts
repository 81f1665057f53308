/**
 * `npm run validate`: every content file against its schema, every reference
 * across files (intent → dialog → slot → queue → summary → offer), examples
 * repeated or nearly repeated across intents, and anything a caller would
 * hear that cannot be spoken (links, emoji, markup). Each problem names file,
 * line and field.
 */
/**
 * The full content check, run alike by `npm run validate`, start-up and hot
 * reload: every content file against its schema, every reference across
 * files (intent → dialog → slot → queue → summary → offer, and the names
 * inside conditions), examples repeated or nearly repeated across intents,
 * and anything a caller would hear that cannot be spoken (links, emoji,
 * markup). Each problem names file, line and field. Warnings (an intent no
 * conversation test exercises) never stop content from loading.
 */
import { join } from 'node:path';
import { knownFactNames, startValues } from '../domain/facts';
import { channelMessages, engineMessages } from '../domain/messages';
import { plainWords, placeholders } from '../domain/text';
import { untestedIntents } from './conversation-tests';
import { contentLayout, formatProblem, problemOf, readContentFiles, type ContentFiles, type Problem } from './files';
import { checkProcesses } from './process-check';
import { checkConditionNames, checkReferences, namesOf, unknown } from './references';
import { MAX_SPEECH_HINTS, type Condition, type Intent, type Step } from './schemas';
import { errorAt, locate, type ContentError, type FieldPath } from './yaml-file';

export { formatProblem, type Problem };

type Path = FieldPath;

export interface ContentCheck {
  /** What parsed, file by file. */
  files: ContentFiles;
  /** What must be mended before the content loads. */
  problems: Problem[];
  /** Worth knowing, never a reason to refuse the content. */
  warnings: Problem[];
}

/** Every problem of the content in `dir`; `npm run validate` prints them. */
/**
 * The back-office actions dialogs may call: names only, or each name with the
 * argument keys it accepts (then an unknown `args:` key is a problem too).
 */
export type BackOfficeActions = readonly string[] | Readonly<Record<string, readonly string[]>>;

export function validateContent(dir: string, backOfficeActions: BackOfficeActions, channels: readonly string[]): Problem[] {
  return checkContent(dir, backOfficeActions, channels).problems;
}

/**
 * The full check: what start-up, hot reload and `npm run validate` all run.
 * `channels`: the names of the channels served (bot/compose.ts registers them), which `when: { channel: … }` may use.
 */
export function checkContent(dir: string, backOfficeActions: BackOfficeActions, channels: readonly string[]): ContentCheck {
  const actionArgs: Readonly<Record<string, readonly string[] | null>> = Array.isArray(backOfficeActions)
    ? Object.fromEntries((backOfficeActions as readonly string[]).map((n) => [n, null]))
    : (backOfficeActions as Readonly<Record<string, readonly string[]>>);
  const actionNames = Object.keys(actionArgs);
  const problems: Problem[] = [];
  const collect = (err: ContentError) => problems.push(problemOf(err));
  const at = (file: string, path: Path, message: string) => collect(errorAt(join(dir, file), path, message, dir));

  const files = readContentFiles(dir, collect);
  const { segments, routing, offers, assistant } = files;
  const intents = new Map([...files.intents].map(([k, { file, item }]) => [k, { file, intent: item }]));
  const dialogs = new Map([...files.dialogs].map(([k, { file, item }]) => [k, { file, dialog: item }]));
  const names = namesOf(files, channels);

  // What the engine cannot run without first, then everything else.
  checkReferences(files, names, at);

  const facts = knownFactNames();
  const isFact = (name: string) => facts.has(name) || name.startsWith('entitlements.');
  const checkCondition = (file: string, path: Path, cond: Condition | undefined, extra: Set<string> = new Set()) => {
    for (const key of Object.keys(cond ?? {}))
      if (!isFact(key) && !extra.has(key) && !extra.has(key.split('.')[0]!)) at(file, [...path, key], `unknown fact "${key}"`);
    // A dialog's own values (`if: { topic: … }` on a slot it asked) are its business.
    checkConditionNames(file, path, Object.fromEntries(Object.entries(cond ?? {}).filter(([k]) => !extra.has(k))), names, at);
  };
  const checkText = (file: string, path: Path, text: string | undefined, extra: Set<string>, spoken: boolean, owner = 'dialog') => {
    if (!text) return;
    for (const name of placeholders(text))
      if (!isFact(name) && !extra.has(name) && !extra.has(name.split('.')[0]!)) at(file, path, `"{${name}}" is neither a fact nor a value of this ${owner}`);
    if (spoken) {
      const unsafe = voiceUnsafe(text);
      if (unsafe) at(file, path, `a caller would hear ${unsafe}; put links in a link: field and give a speak: wording`);
    }
  };

  // What a handoff's own line may name besides facts: the queue routed to.
  const handoffVars = new Set(['queue_label']);

  // Intents.
  for (const { file, intent } of intents.values()) {
    if (intent.topic && intent.dialog && !intent.queue) at(file, ['queue'], 'a self-service intent needs a queue for when its dialog hands off');
    checkText(file, ['say'], intent.say, handoffVars, true);
    if (intent.summary.contacts_topics)
      intent.summary.contacts_topics.forEach((t, i) => {
        if (!names.intents.has(t)) at(file, ['summary', 'contacts_topics', i], unknown('intent', t, names.intents));
      });
  }

  // Speech hints: a short list for the recogniser, counted over all intents.
  let hints = 0;
  for (const { file, intent } of intents.values()) {
    const over = MAX_SPEECH_HINTS - hints;
    hints += intent.speech_hints.length;
    if (over >= 0 && hints > MAX_SPEECH_HINTS)
      at(file, ['speech_hints', over], `speech hints of all intents come to more than ${MAX_SPEECH_HINTS} here; keep the phrases callers say most`);
  }

  // Dialogs: slots, actions, handoff intents, texts.
  for (const { file, dialog } of dialogs.values()) {
    const values = new Set<string>([...startValues]);
    const walk = (steps: Step[], path: Path) =>
      steps.forEach((step, i) => {
        const p = [...path, i];
        if ('ask' in step) values.add(step.ask);
        if ('call' in step) values.add(step.as ?? step.call.replace(/\./g, '_'));
        if ('call' in step && step.confirm) values.add(step.confirm.as);
        if ('set' in step) Object.keys(step.set).forEach((k) => values.add(k));
        if ('if' in step) {
          walk(step.then, [...p, 'then']);
          walk(step.else, [...p, 'else']);
        }
      });
    walk(dialog.steps, ['steps']);
    const check = (steps: Step[], path: Path) =>
      steps.forEach((step, i) => {
        const p = [...path, i];
        if ('end' in step) checkText(file, [...p, 'say'], step.say, values, true);
        else if ('say' in step) {
          checkText(file, [...p, 'say'], step.say, values, !step.speak);
          checkText(file, [...p, 'speak'], step.speak, values, true);
          if (step.link) checkText(file, [...p, 'link', 'url'], step.link.url, values, false);
        } else if ('ask' in step) {
          checkText(file, [...p, 'prompt'], step.prompt, values, !step.speak);
          checkText(file, [...p, 'speak'], step.speak, values, true);
          checkText(file, [...p, 'reprompt'], step.reprompt, values, true);
          if (step.type === 'choice' && !step.choices?.length && !step.choices_from) at(file, [...p, 'type'], 'a choice needs choices or choices_from');
        } else if ('call' in step) {
          const accepts = actionArgs[step.call];
          if (accepts === undefined) at(file, [...p, 'call'], `no back-office action "${step.call}" (known: ${actionNames.join(', ')})`);
          for (const key of Object.keys(step.args))
            if (accepts && !accepts.includes(key))
              at(file, [...p, 'args', key], `${step.call} takes no argument "${key}" (it takes: ${accepts.join(', ') || 'none'})`);
          Object.entries(step.args).forEach(([k, v]) => checkText(file, [...p, 'args', k], v, values, false));
          if (step.confirm) {
            checkText(file, [...p, 'confirm', 'prompt'], step.confirm.prompt, values, !step.confirm.speak);
            checkText(file, [...p, 'confirm', 'speak'], step.confirm.speak, values, true);
            checkText(file, [...p, 'confirm', 'declined'], step.confirm.declined, values, true);
          }
        } else if ('serve' in step) {
          if (!names.intents.has(step.serve)) at(file, [...p, 'serve'], `no intent "${step.serve}"`);
        } else if ('if' in step) {
          checkCondition(file, [...p, 'if'], step.if, values);
          check(step.then, [...p, 'then']);
          check(step.else, [...p, 'else']);
        } else if ('note' in step) checkText(file, [...p, 'note'], step.note, values, false);
        else if ('set' in step) Object.entries(step.set).forEach(([k, v]) => checkText(file, [...p, 'set', k], v, values, false));
        else if ('handoff' in step) {
          if (step.handoff.intent && !names.intents.has(step.handoff.intent)) at(file, [...p, 'handoff', 'intent'], unknown('intent', step.handoff.intent, names.intents));
          checkText(file, [...p, 'handoff', 'say'], step.handoff.say, new Set([...values, ...handoffVars]), true);
          checkText(file, [...p, 'handoff', 'reason'], step.handoff.reason, values, false);
        }
      });
    check(dialog.steps, ['steps']);
    // An intent file not read at all may be the one that uses it.
    const intentsUnread = [...files.unread].some((f) => f.startsWith(`${contentLayout.intents}/`));
    if (!intentsUnread && ![...intents.values()].some((i) => i.intent.dialog === dialog.dialog)) at(file, ['dialog'], 'no intent uses this dialog');
  }

  // Guided processes: intents, facts, actions and their arguments, forms.
  checkProcesses(files.processes, { at, checkCondition, checkText, actionArgs, intents: names.intents, isFact });

  // Rules.
  segments?.segments.forEach((s, i) => checkCondition(contentLayout.segments, ['segments', i, 'when'], s.when));
  if (routing) {
    routing.priority.boosts.forEach((b, i) => checkCondition(contentLayout.routing, ['priority', 'boosts', i, 'when'], b.when));
    routing.rules.forEach((r, i) => checkCondition(contentLayout.routing, ['rules', i, 'when'], r.when));
  }
  if (offers) {
    const outcomes = new Set<string>();
    const ends = (steps: Step[]): void =>
      steps.forEach((step) => {
        if ('end' in step) outcomes.add(step.end);
        if ('if' in step) (ends(step.then), ends(step.else));
      });
    for (const { dialog } of dialogs.values()) ends(dialog.steps);
    offers.no_sales_on.forEach((n, i) => {
      if (!names.intents.has(n)) at(contentLayout.offers, ['no_sales_on', i], unknown('intent', n, names.intents));
    });
    offers.offers.forEach((o, i) => {
      checkCondition(contentLayout.offers, ['offers', i, 'when'], o.when);
      checkText(contentLayout.offers, ['offers', i, 'agent'], o.agent, new Set(), false);
      checkText(contentLayout.offers, ['offers', i, 'bot'], o.bot, new Set(), true);
      o.where.intents.forEach((n, j) => {
        if (!names.intents.has(n)) at(contentLayout.offers, ['offers', i, 'where', 'intents', j], unknown('intent', n, names.intents));
      });
      o.where.not_after.forEach((n, j) => {
        if (!outcomes.has(n)) at(contentLayout.offers, ['offers', i, 'where', 'not_after', j], `no dialog ends with "${n}"`);
      });
      if (o.where.contexts.includes('self_service') && !o.bot) at(contentLayout.offers, ['offers', i, 'where', 'contexts'], 'self_service needs a bot: line for the bot to say');
    });
  }
  if (assistant) {
    const messageVars = new Set(['queue_label', 'wait', 'first', 'second', 'prompt', 'answer_help', 'count', 'label', 'number', 'choices', 'agent_name']);
    for (const [name, text] of Object.entries(assistant.messages)) checkText(contentLayout.assistant, ['messages', name], text, messageVars, true);
    for (const needed of requiredMessages)
      if (!(needed in assistant.messages)) at(contentLayout.assistant, ['messages'], `message "${needed}" is missing`);
  }

  duplicateExamples(dir, [...intents.values()], files.outOfScope ?? [], at);
  return { files, problems, warnings: untestedIntents(dir, files.intents) };
}

/** Messages the engine and the channels say by name (see bot/domain/messages.ts). */
export const requiredMessages: readonly string[] = [...new Set([...engineMessages, ...channelMessages])];

/** What makes a text unspeakable, or null. */
export function voiceUnsafe(text: string): string | null {
  if (/https?:\/\/|www\./i.test(text)) return 'a link';
  if (/[\p{Extended_Pictographic}]/u.test(text)) return 'an emoji';
  if (/<[a-z/][^>]*>|\*\*|__|`|\[[^\]]+\]\(/i.test(text)) return 'markup';
  return null;
}

/** Word-set similarity: 1 = the same words. */
function jaccard(a: Set<string>, b: Set<string>): number {
  let both = 0;
  for (const w of a) if (b.has(w)) both++;
  return both / (a.size + b.size - both || 1);
}

function duplicateExamples(dir: string, intents: { file: string; intent: Intent }[], oos: string[], at: (file: string, path: Path, message: string) => void): void {
  const entry = (file: string, owner: string) => (text: string, index: number) => {
    const norm = plainWords(text);
    return { file, owner, index, text, norm, words: new Set(norm.split(' ')) };
  };
  const entries = [
    ...intents.flatMap(({ file, intent }) => intent.examples.map(entry(file, intent.intent))),
    ...oos.map(entry(contentLayout.outOfScope, '(out of scope)')),
  ];
  type Entry = (typeof entries)[number];
  const where = (e: Entry) => `${e.file}:${locate(join(dir, e.file), ['examples', e.index]) ?? 1}`;
  const seen = new Map<string, Entry>();
  for (const e of entries) {
    const first = seen.get(e.norm);
    if (first && first.owner !== e.owner) at(e.file, ['examples', e.index], `"${e.text}" is also an example of ${first.owner} (${where(first)})`);
    else if (!first) seen.set(e.norm, e);
  }
  // Near-duplicates: three or more words, nearly the same words, different intents.
  const long = entries.filter((e) => e.words.size >= 3);
  for (let i = 0; i < long.length; i++)
    for (let j = i + 1; j < long.length; j++) {
      const a = long[i]!;
      const b = long[j]!;
      if (a.owner !== b.owner && a.norm !== b.norm && jaccard(a.words, b.words) >= 0.8)
        at(b.file, ['examples', b.index], `"${b.text}" is nearly the same as "${a.text}" of ${a.owner} (${where(a)}): the classifier cannot tell them apart`);
    }
}
