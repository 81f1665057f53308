/**
 * TwiML written by hand (bot/channels/twiml-xml.ts), spoken and texted: whatever a reply,
 * an action URL or a customer's words in the task hold, Twilio gets valid
 * TwiML that says and carries exactly them, in the form Twilio's own library writes.
 */
import MessagingResponse from 'twilio/lib/twiml/MessagingResponse';
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import { messageTwiml } from '../../bot/channels/sms-text/reply';
import { deadlineTwiml, renderTwiml, type TwimlOptions } from '../../bot/channels/voice/twiml';
import { spokenLines } from '../../bot/channels/voice/spoken';
import type { Handoff } from '../../bot/engine/handoff-record';
import type { TurnOutput } from '../../bot/engine/turn';
import { parseTwiml, validateTwimls } from '../support/twilio';

const awkward = 'Tom & Jerry\'s "plan" costs < $5 & more';
const options = (handoff: TwimlOptions['handoff'] = { kind: 'enqueue' }): TwimlOptions => ({
  action: 'https://frontline.example.test/api/voice/gather?turn=2&from="x"',
  language: 'en-US',
  voice: 'Polly.Joanna',
  hints: ['billing', 'R&D'],
  handoff,
  choices: { choice: 'say {label} or press {number}', or: 'or' },
});
const handoff = {
  id: 'h-1', createdAt: '2026-11-24T10:00:00.000Z', conversationId: 'voice:CA1', channel: 'voice', queue: 'billing & payments', queueLabel: 'Billing', priority: 2,
  customer: { segment: 'standard', strategy: 'serve', intensity: 'low', verified: false, id: null, name: null },
  intent: null, reason: 'asked for a person', words: ['it said </Task> & <Enqueue>'], botActions: [], summary: [], nextBestActions: [],
} as unknown as Handoff;

/** What Twilio's VoiceResponse writes for the same answer (the renderer before it was written by hand). */
function library(output: TurnOutput, opts: TwimlOptions): string {
  const r = new VoiceResponse();
  const say = { language: opts.language as never, voice: opts.voice as never };
  const lines = spokenLines(output.replies, opts.choices, '');
  if (output.handoff) {
    for (const line of lines) r.say(say, line);
    r.enqueue({ workflowSid: 'WW1' }).task({ priority: 2, timeout: 60 }, JSON.stringify(parseTwiml(200, renderTwiml(output, opts)).enqueue!.task!.json));
    return r.toString();
  }
  const gather = r.gather({ input: ['dtmf', 'speech'], action: opts.action, method: 'POST', speechTimeout: 'auto', actionOnEmptyResult: true, language: opts.language as never, timeout: 5, finishOnKey: '#', numDigits: 1, hints: opts.hints.join(', ') });
  for (const line of lines) gather.say(say, line);
  return r.toString();
}

describe('TwiML', () => {
  const asking: TurnOutput = { replies: [{ text: awkward }, { text: 'Pick one', choices: [{ label: 'Yes & no', value: 'y' }, { label: 'No', value: 'n' }] }], expecting: 'choice', turn: 2 };
  const handingOff: TurnOutput = { replies: [{ text: awkward }], handoff: { handoff, receipt: { staffed: true } as never }, turn: 3 };
  const taskRouter = options({ kind: 'taskrouter', workflowSid: 'WW1', timeoutSeconds: 60 });

  it('says, gathers and enqueues exactly what the turn holds, as valid TwiML', () => {
    const gather = renderTwiml(asking, options());
    const enqueued = renderTwiml(handingOff, taskRouter);
    const late = deadlineTwiml(options(), 'One moment & thanks', { queue: 'billing & payments', queueLabel: 'Billing', priority: 2, attributes: {} });
    validateTwimls([gather, enqueued, late]);

    const asked = parseTwiml(200, gather);
    expect(asked.says).toEqual(spokenLines(asking.replies, options().choices, ''));
    expect(asked.says[0]).toBe(awkward);
    expect(asked.gather).toMatchObject({ action: options().action, hints: 'billing, R&D', numDigits: '1', input: 'dtmf speech' });
    const task = parseTwiml(200, enqueued).enqueue!.task!;
    expect(task.json.customer_words).toEqual(['it said </Task> & <Enqueue>']);
    expect(task.attrs).toEqual({ priority: '2', timeout: '60' });
    expect(parseTwiml(200, late).enqueue!.queue).toBe('billing & payments');
  });

  it('is written as Twilio’s VoiceResponse writes it', () => {
    expect(renderTwiml(asking, options())).toBe(library(asking, options()));
    expect(renderTwiml(handingOff, taskRouter)).toBe(library(handingOff, taskRouter));
  });

  it('drops characters XML cannot carry instead of failing the call', () => {
    const xml = renderTwiml({ replies: [{ text: 'a bell\u0007 rings\uD800' }], ended: true }, options());
    validateTwimls([xml]);
    expect(parseTwiml(200, xml).says).toEqual(['a bell rings']);
  });
});

describe('TwiML for a text message', () => {
  const lines = { choices: 'Reply {choices}.', or: 'or' };
  const library = (text?: string) => {
    const r = new MessagingResponse();
    if (text) r.message(text);
    return r.toString();
  };

  it('is written as Twilio’s MessagingResponse writes it', () => {
    const asking: TurnOutput = { replies: [{ text: awkward }, { text: 'Pick one\r\nnow', choices: [{ label: 'Yes & no', value: 'y' }, { label: 'No', value: 'n' }] }], expecting: 'choice', turn: 2 };
    expect(messageTwiml(asking, lines)).toBe(library(`${awkward}\n\nPick one\r\nnow\nReply Yes & no or No.`));
    expect(messageTwiml({ replies: [], turn: 3 }, lines)).toBe(library());
  });

  it('drops characters XML cannot carry instead of failing the answer', () => {
    expect(messageTwiml({ replies: [{ text: 'a bell\u0007 rings' }], turn: 2 }, lines)).toBe(library('a bell rings'));
  });
});
