/**
 * A customer on one channel, through the adapter `npm start` serves: the
 * Direct Line routes for chat (a token, a conversation, activities posted and
 * read back by watermark) and signed Twilio webhooks for the phone (what the
 * caller hears is the TwiML's <Say> text).
 */
import type { Activity } from '../../bot/channels/activity';
import { SECRET, type RunningApp } from './server';
import { phoneCall, validateTwimls, type TwimlAnswer } from './twilio';

/** What came back for one thing the customer said or pressed. */
export interface Exchange {
  /** What the customer was shown (chat messages) or heard (each <Say>). */
  lines: string[];
  /** Whether the channel put the customer through to a person (a handoff event, an <Enqueue> or a <Dial>). */
  handedOff: boolean;
  /** The queue the channel named for it (Direct Line's handoff.initiate, TwiML's <Enqueue> or its Task). */
  queue: string | null;
}

export interface Session {
  /** The channel's own id of the conversation (Direct Line conversation, Twilio CallSid). */
  readonly id: string;
  start(): Promise<Exchange>;
  say(text: string): Promise<Exchange>;
  press(digits: string): Promise<Exchange>;
  /** Throws if anything the channel answered was malformed (TwiML against the XSD). */
  check(): void;
}

async function json<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * A web chat: a signed-in customer gets a token the web site asked for with
 * the Direct Line secret (the site vouches for them); a visitor starts with
 * the secret and is anonymous.
 */
export async function chatSession(app: RunningApp, customerId: string | null): Promise<Session> {
  const dl = (path: string) => `${app.url}/v3/directline${path}`;
  const headers = (bearer: string) => ({ authorization: `Bearer ${bearer}`, 'content-type': 'application/json' });
  let token = SECRET;
  if (customerId) {
    const body = JSON.stringify({ user: { id: customerId } });
    token = (await json<{ token: string }>(await fetch(dl('/tokens/generate'), { method: 'POST', headers: headers(SECRET), body }), 'tokens/generate')).token;
  }
  let conversationId = '';
  let watermark = '0';
  const read = async (): Promise<Exchange> => {
    const url = dl(`/conversations/${encodeURIComponent(conversationId)}/activities?watermark=${watermark}`);
    const set = await json<{ activities: Activity[]; watermark: string }>(await fetch(url, { headers: headers(token) }), 'read activities');
    watermark = set.watermark;
    const bot = set.activities.filter((a) => a.from?.role === 'bot');
    const handoff = bot.find((a) => a.type === 'event' && a.name === 'handoff.initiate');
    const queue = (handoff?.value as { queue?: unknown } | undefined)?.queue;
    return {
      lines: bot.flatMap((a) => (a.type === 'message' && typeof a.text === 'string' ? [a.text] : [])),
      handedOff: Boolean(handoff),
      queue: typeof queue === 'string' ? queue : null,
    };
  };
  const send = async (text: string): Promise<Exchange> => {
    const body = JSON.stringify({ type: 'message', text });
    await json(await fetch(dl(`/conversations/${encodeURIComponent(conversationId)}/activities`), { method: 'POST', headers: headers(token), body }), 'send activity');
    return read();
  };
  return {
    get id() {
      return conversationId;
    },
    async start() {
      const started = await json<{ conversationId: string; token: string }>(await fetch(dl('/conversations'), { method: 'POST', headers: headers(token) }), 'start conversation');
      conversationId = started.conversationId;
      token = started.token;
      return read();
    },
    say: send,
    press: send,
    check: () => undefined,
  };
}

let calls = 0;

/** A phone call from `from`; speech goes as SpeechResult, keys as Digits, every request signed. */
export function phoneSession(app: RunningApp, from: string): Session {
  const callSid = `CA${(++calls).toString(16).padStart(32, '0')}`;
  // Every answer is checked against the XSD, all in one xmllint run at the end.
  const answers: string[] = [];
  const call = phoneCall({ baseUrl: app.url, checkTwiml: (xml) => answers.push(xml) }, from, callSid);
  const heard = (a: TwimlAnswer): Exchange => {
    if (a.status !== 200) throw new Error(`the voice webhook answered ${a.status}: ${a.xml}`);
    const task = a.enqueue?.task?.json.queue;
    return {
      lines: a.says,
      handedOff: Boolean(a.enqueue || a.dial),
      queue: a.enqueue ? a.enqueue.queue || (typeof task === 'string' ? task : null) : null,
    };
  };
  return {
    id: callSid,
    start: async () => heard(await call.answer()),
    say: async (text) => heard(await call.say(text)),
    press: async (digits) => heard(await call.press(digits)),
    check: () => validateTwimls(answers),
  };
}
