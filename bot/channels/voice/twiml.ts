/**
 * The engine's output as TwiML: replies spoken inside a `<Gather>` that takes
 * speech and keypad together, or — on a handoff — spoken and then enqueued
 * (TaskRouter with the handoff as task attributes, a named queue, or a dial).
 */
// TwiML's module alone: the package's index loads every REST client (a third of a second at start-up).
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import type { Escalation } from '../../engine/escalation';
import { routingAttributes } from '../../engine/handoff-record';
import type { TurnOutput } from '../../engine/turn';
import { spokenLines, type ChoiceWording } from './spoken';

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
function enqueue(r: VoiceResponse, to: { queue: string; priority: number; attributes: object }, mode: VoiceHandoffMode): void {
  if (mode.kind === 'dial') r.dial(mode.number);
  else if (mode.kind === 'taskrouter')
    r.enqueue({ workflowSid: mode.workflowSid }).task({ priority: to.priority, timeout: mode.timeoutSeconds }, JSON.stringify(to.attributes));
  else r.enqueue(to.queue);
}

const sayAttributes = (opts: TwimlOptions) => ({ language: opts.language as never, ...(opts.voice ? { voice: opts.voice as never } : {}) });

/** @param linkNotice what the caller hears right after a reply whose link went by text message. */
export function renderTwiml(output: TurnOutput, opts: TwimlOptions, linkNotice = ''): string {
  const r = new VoiceResponse();
  const sayAttrs = sayAttributes(opts);
  const lines = spokenLines(output.replies, opts.choices, linkNotice);
  if (output.handoff || output.ended) {
    for (const line of lines) r.say(sayAttrs, line);
    const h = output.handoff?.handoff;
    if (h) enqueue(r, { queue: h.queue, priority: h.priority, attributes: routingAttributes(h) }, opts.handoff);
    else r.hangup();
    return r.toString();
  }
  const gather = r.gather({
    input: ['dtmf', 'speech'],
    action: opts.action,
    method: 'POST',
    speechTimeout: 'auto',
    actionOnEmptyResult: true,
    language: opts.language as never,
    timeout: output.expecting === 'digits' ? 8 : 5,
    finishOnKey: '#',
    ...(output.expecting === 'choice' ? { numDigits: 1 } : {}),
    ...(opts.hints.length ? { hints: opts.hints.join(', ') } : {}),
  });
  for (const line of lines) gather.say(sayAttrs, line);
  return r.toString();
}

/** The short line and the way to a person the engine chose, when a turn misses its deadline. */
export function deadlineTwiml(opts: TwimlOptions, line: string, route: Escalation): string {
  const r = new VoiceResponse();
  if (line) r.say(sayAttributes(opts), line);
  enqueue(r, route, opts.handoff);
  return r.toString();
}
