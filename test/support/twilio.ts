/** Calls the voice webhooks exactly as Twilio does: form-encoded, signed; checks every TwiML answer against the XSD. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '../../bot/channels/voice/signature';
import { root } from './harness';
import { parseTwiml, type TwimlAnswer } from '../../scripts/lib/twiml-reader';

export { parseTwiml, type TwimlAnswer };

export const PUBLIC_URL = 'https://frontline.example.test';
export const AUTH_TOKEN = 'test-twilio-auth-token-0123456789';
const xsd = join(root, 'test', 'fixtures', 'twiml.xsd');

export function validateTwiml(xml: string): void {
  const r = spawnSync('xmllint', ['--noout', '--schema', xsd, '-'], { input: xml, encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint is needed to check TwiML (apt-get install libxml2-utils): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`TwiML does not validate:\n${r.stderr}\n${xml}`);
}

/** Checks many TwiML answers in one xmllint run (starting xmllint costs more than checking). */
export function validateTwimls(xmls: readonly string[]): void {
  if (!xmls.length) return;
  const dir = mkdtempSync(join(tmpdir(), 'frontline-twiml-'));
  try {
    const files = xmls.map((xml, i) => {
      const file = join(dir, `answer-${i + 1}.xml`);
      writeFileSync(file, xml);
      return file;
    });
    const r = spawnSync('xmllint', ['--noout', '--schema', xsd, ...files], { encoding: 'utf8' });
    if (r.error) throw new Error(`xmllint is needed to check TwiML (apt-get install libxml2-utils): ${r.error.message}`);
    if (r.status !== 0) throw new Error(`TwiML does not validate:\n${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CallOptions {
  baseUrl: string;
  publicUrl?: string;
  authToken?: string;
  /** What checks each TwiML answer (default: the XSD, one xmllint run per answer). */
  checkTwiml?: (xml: string) => void;
}

/** POSTs `params` to `path` signed as Twilio would (or with the given signature, or none). */
export async function twilioPost(
  opts: CallOptions,
  path: string,
  params: Record<string, string>,
  signature?: string | null,
): Promise<TwimlAnswer> {
  const sig = signature === undefined ? sign(opts.authToken ?? AUTH_TOKEN, `${opts.publicUrl ?? PUBLIC_URL}${path}`, params) : signature;
  const res = await fetch(`${opts.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sig ? { 'x-twilio-signature': sig } : {}) },
    body: new URLSearchParams(params).toString(),
  });
  const xml = await res.text();
  if (res.status === 200) (opts.checkTwiml ?? validateTwiml)(xml);
  return parseTwiml(res.status, xml);
}

/** A phone call: the first webhook, then what the caller says or presses. */
export function phoneCall(opts: CallOptions, from: string, callSid = `CA${Math.random().toString(16).slice(2).padEnd(32, '0')}`) {
  const base = { CallSid: callSid, AccountSid: 'AC00000000000000000000000000000000', From: from, To: '+15550009999', Direction: 'inbound' };
  const publicUrl = opts.publicUrl ?? PUBLIC_URL;
  /** Where the last <Gather> said to post the answer (relative to the public URL). */
  let action = '/api/voice/gather';
  const follow = async (p: Promise<TwimlAnswer>) => {
    const a = await p;
    if (a.gather?.action) action = a.gather.action.startsWith(publicUrl) ? a.gather.action.slice(publicUrl.length) : a.gather.action;
    return a;
  };
  const gather = (extra: Record<string, string>) => follow(twilioPost(opts, action, { ...base, CallStatus: 'in-progress', ...extra }));
  return {
    callSid,
    get action() {
      return action;
    },
    answer: () => follow(twilioPost(opts, '/api/voice', { ...base, CallStatus: 'ringing' })),
    say: (speech: string, confidence = '0.92') => gather({ SpeechResult: speech, Confidence: confidence }),
    press: (digits: string) => gather({ Digits: digits }),
    silence: () => gather({}),
    hangUp: () => twilioPost(opts, '/api/voice/status', { ...base, CallStatus: 'completed', CallDuration: '42' }),
    /** The exact request of `press`, without following it: for sending it twice. */
    pressRequest: (digits: string) => ({ path: action, params: { ...base, CallStatus: 'in-progress', Digits: digits } }),
  };
}

const messagingXsd = join(root, 'test', 'fixtures', 'twiml-messaging.xsd');

/** What the bot answered a text message with: the status, and the text of each `<Message>`. */
export interface TextAnswer {
  status: number;
  messages: string[];
}

const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** A phone that texts the bot's number as Twilio delivers it: form-encoded, signed (or with the given signature, or none). */
export function textingPhone(opts: CallOptions, from: string) {
  let seq = 0;
  const post = async (params: Record<string, string>, signature?: string | null): Promise<TextAnswer> => {
    const sig = signature === undefined ? sign(opts.authToken ?? AUTH_TOKEN, `${opts.publicUrl ?? PUBLIC_URL}/api/sms`, params) : signature;
    const res = await fetch(`${opts.baseUrl}/api/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sig ? { 'x-twilio-signature': sig } : {}) },
      body: new URLSearchParams(params).toString(),
    });
    const xml = await res.text();
    if (res.status !== 200) return { status: res.status, messages: [] };
    const r = spawnSync('xmllint', ['--noout', '--schema', messagingXsd, '-'], { input: xml, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`Messaging TwiML does not validate:\n${r.stderr}\n${xml}`);
    return { status: res.status, messages: [...xml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) => unescapeXml(m[1]!)) };
  };
  /** The webhook's parameters for one message (a fresh MessageSid unless given). */
  const request = (body: string, messageSid = `SM${from.replace(/\D/g, '')}${String(++seq).padStart(6, '0')}`.padEnd(34, '0')) => ({
    MessageSid: messageSid,
    AccountSid: 'AC00000000000000000000000000000000',
    From: from,
    To: '+15550009999',
    Body: body,
    NumMedia: '0',
  });
  return {
    /** Texts `body`; the answer's messages. */
    text: (body: string) => post(request(body)),
    request,
    post,
  };
}
