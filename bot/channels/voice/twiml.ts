/**
 * The engine's output as TwiML: replies spoken inside a `<Gather>` that takes
 * speech and keypad together, or — on a handoff — spoken and then enqueued
 * (TaskRouter with the handoff as task attributes, a named queue, or a dial).
 */
import type { Escalation } from '../../engine/escalation';
import { routingAttributes } from '../../engine/handoff-record';
import type { TurnOutput } from '../../engine/turn';
import { spokenLines, type ChoiceWording } from './spoken';
import { element, twimlDocument, xmlText, type XmlAttributes } from '../twiml-xml';

export type VoiceHandoffMode =
  | { kind: 'taskrouter'; workflowSid: string; timeoutSeconds: number }
  | { kind: 'dial'; number: string }
  | { kind: 'enqueue' };

export interface TwimlOptions {
  /** Where the Gather posts the answer (absolute URL under PUBLIC_URL, or a path). */
  action: string;
  language: string;
  voice?: string;
  /** Phrases that help the recogniser (comma separated in TwiML). */
  hints: readonly string[];
  handoff: VoiceHandoffMode;
  /** How choices are read out (the content's words). */
  choices: ChoiceWording;
}

/** The way to a person: TaskRouter with the routing attributes, a dial, or a queue by name. */
function enqueue(to: { queue: string; priority: number; attributes: object }, mode: VoiceHandoffMode): string {
  if (mode.kind === 'dial') return element('Dial', {}, xmlText(mode.number));
  if (mode.kind === 'taskrouter')
    return element('Enqueue', { workflowSid: mode.workflowSid }, element('Task', { priority: to.priority, timeout: mode.timeoutSeconds }, xmlText(JSON.stringify(to.attributes))));
  return element('Enqueue', {}, xmlText(to.queue));
}

const sayAttributes = (opts: TwimlOptions): XmlAttributes => ({ language: opts.language, ...(opts.voice ? { voice: opts.voice } : {}) });
const say = (attributes: XmlAttributes, line: string) => element('Say', attributes, xmlText(line));

/**
 * The TwiML of a turn (written by hand, as Twilio's `VoiceResponse` writes it: twiml-xml.ts).
 * @param linkNotice what the caller hears right after a reply whose link went by text message.
 */
export function renderTwiml(output: TurnOutput, opts: TwimlOptions, linkNotice = ''): string {
  const sayAttrs = sayAttributes(opts);
  const said = spokenLines(output.replies, opts.choices, linkNotice).map((line) => say(sayAttrs, line));
  if (output.handoff || output.ended) {
    const h = output.handoff?.handoff;
    const then = h ? enqueue({ queue: h.queue, priority: h.priority, attributes: routingAttributes(h) }, opts.handoff) : element('Hangup');
    return twimlDocument(...said, then);
  }
  const gather = element(
    'Gather',
    {
      input: ['dtmf', 'speech'],
      action: opts.action,
      method: 'POST',
      speechTimeout: 'auto',
      actionOnEmptyResult: true,
      language: opts.language,
      timeout: output.expecting === 'digits' ? 8 : 5,
      finishOnKey: '#',
      ...(output.expecting === 'choice' ? { numDigits: 1 } : {}),
      ...(opts.hints.length ? { hints: opts.hints.join(', ') } : {}),
    },
    ...said,
  );
  return twimlDocument(gather);
}

/** The short line and the way to a person the engine chose, when a turn misses its deadline. */
export function deadlineTwiml(opts: TwimlOptions, line: string, route: Escalation): string {
  return twimlDocument(...(line ? [say(sayAttributes(opts), line)] : []), enqueue(route, opts.handoff));
}
