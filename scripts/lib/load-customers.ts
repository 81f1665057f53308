/**
 * Simulated customers for `npm run bench:load`: a web chat customer over
 * Direct Line (a conversation started with the secret, replies read from its
 * WebSocket stream) and a caller over Twilio's voice webhooks (signed as
 * Twilio signs them). Each turn resolves when the customer has the answer:
 * the POST answered and, on chat, a bot message arrived on the stream.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import WebSocket from 'ws';
import { sign } from '../../bot/channels/voice/signature';

export interface Target {
  /** http://127.0.0.1:port */
  base: string;
  secret: string;
  /** The PUBLIC_URL requests are signed against. */
  publicUrl: string;
  authToken: string;
}

/** What a customer says, turn by turn, after the greeting: a question, a verified balance, a goodbye. */
export const CHAT_SCRIPT = ['what are your opening hours', 'no thanks', 'what is my balance', '+1 555 010 0001', '94110', 'no thanks'];
export const CALL_SCRIPT = ['what are your opening hours', 'no thanks', "what's my balance", '94110', 'no thanks'];

/** One conversation: `turn()` runs its next turn (the first starts it); `done` once the script is through. */
export interface Customer {
  readonly channel: 'chat' | 'voice';
  readonly done: boolean;
  /** Turns run so far (the start is the first). */
  readonly turns: number;
  turn(): Promise<void>;
  close(): Promise<void>;
}

/** A failed turn, by kind (HTTP status, timeout, no reply). */
export class TurnError extends Error {
  constructor(readonly kind: string) {
    super(kind);
    this.name = 'TurnError';
  }
}

const TIMEOUT_MS = 15_000;

// node:http with kept-alive connections: fetch (undici) cost the load client more CPU a turn than the bot
// spent, on the same two cores.
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/** POSTs `body` and resolves with the answer's text; a failure or an answer other than 2xx is a TurnError. */
function post(url: string, headers: Record<string, string>, body = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err: Error & { code?: string }) => reject(new TurnError(err.code ?? err.name)));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) reject(new TurnError(`HTTP ${status}`));
        else resolve(Buffer.concat(chunks).toString());
      });
    });
    req.on('timeout', () => req.destroy(new TurnError('timeout')));
    req.on('error', (err: Error & { code?: string }) => reject(err instanceof TurnError ? err : new TurnError(err.code ?? err.name)));
    req.end(body);
  });
}

/**
 * A web chat customer; with `turns`, the conversation runs that many turns
 * (the script over and over), to see whether a turn costs more late in a long conversation.
 */
export function chatCustomer(t: Target, turns = CHAT_SCRIPT.length + 1): Customer {
  let step = -1;
  let conversation: { conversationId: string; token: string } | null = null;
  let ws: WebSocket | null = null;
  let botMessages = 0;
  let waiting: { count: number; resolve: () => void } | null = null;
  const replied = (count: number) =>
    new Promise<void>((resolve, reject) => {
      if (botMessages >= count) return resolve();
      const timer = setTimeout(() => reject(new TurnError('no reply on the stream')), TIMEOUT_MS);
      waiting = { count, resolve: () => (clearTimeout(timer), resolve()) };
    });
  const onMessage = (data: WebSocket.RawData) => {
    const text = data.toString();
    if (!text) return;
    const set = JSON.parse(text) as { activities: { type: string; from?: { role?: string } }[] };
    botMessages += set.activities.filter((a) => a.type === 'message' && a.from?.role === 'bot').length;
    if (waiting && botMessages >= waiting.count) {
      const w = waiting;
      waiting = null;
      w.resolve();
    }
  };
  const start = async () => {
    const res = await post(`${t.base}/v3/directline/conversations`, { authorization: `Bearer ${t.secret}` });
    const body = JSON.parse(res) as { conversationId: string; token: string; streamUrl: string };
    conversation = body;
    // The stream URL names the public host: connect to the same path here.
    const stream = new URL(body.streamUrl);
    ws = new WebSocket(`${t.base.replace(/^http/, 'ws')}${stream.pathname}${stream.search}`);
    ws.on('message', onMessage);
    await new Promise<void>((resolve, reject) => {
      ws!.once('open', () => resolve());
      ws!.once('error', () => reject(new TurnError('stream refused')));
    });
    await replied(1);
  };
  const say = async (text: string) => {
    const before = botMessages;
    const c = conversation!;
    await post(
      `${t.base}/v3/directline/conversations/${encodeURIComponent(c.conversationId)}/activities`,
      { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
      JSON.stringify({ type: 'message', text, from: { id: 'bench' } }),
    );
    await replied(before + 1);
  };
  return {
    channel: 'chat',
    get done() {
      return step + 1 >= turns;
    },
    get turns() {
      return step + 1;
    },
    async turn() {
      step += 1;
      if (step === 0) return start();
      return say(CHAT_SCRIPT[(step - 1) % CHAT_SCRIPT.length]!);
    },
    async close() {
      ws?.close();
    },
  };
}

export function callCustomer(t: Target): Customer {
  let step = -1;
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const base = { CallSid: callSid, AccountSid: `AC${'0'.repeat(32)}`, From: '+15550100001', To: '+15550009999', Direction: 'inbound' };
  let action = '/api/voice/gather';
  const webhook = async (path: string, params: Record<string, string>) => {
    const signature = sign(t.authToken, `${t.publicUrl}${path}`, params);
    const xml = await post(
      `${t.base}${path}`,
      { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      new URLSearchParams(params).toString(),
    );
    if (!xml.includes('<Response')) throw new TurnError('no TwiML');
    const next = /<Gather[^>]* action="([^"]+)"/.exec(xml)?.[1]?.replaceAll('&amp;', '&');
    if (next) action = next.startsWith(t.publicUrl) ? next.slice(t.publicUrl.length) : next;
  };
  return {
    channel: 'voice',
    get done() {
      return step >= CALL_SCRIPT.length;
    },
    get turns() {
      return step + 1;
    },
    async turn() {
      step += 1;
      if (step === 0) return webhook('/api/voice', { ...base, CallStatus: 'ringing' });
      const said = CALL_SCRIPT[step - 1]!;
      const input: Record<string, string> = /^\d+$/.test(said) ? { Digits: said } : { SpeechResult: said, Confidence: '0.92' };
      return webhook(action, { ...base, CallStatus: 'in-progress', ...input });
    },
    async close() {
      if (step < 0) return;
      await webhook('/api/voice/status', { ...base, CallStatus: 'completed', CallDuration: '42' }).catch(() => undefined);
    },
  };
}
