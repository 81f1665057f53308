/**
 * `npm run call` — a phone call in the terminal, for developers and product
 * owners. It sends the voice webhooks signed exactly as Twilio does, prints
 * what the caller would hear, and takes what the caller says or presses.
 *
 *   npm run call -- --from +15550100001     a call from a demo customer's number
 *   npm run call                            a call from an unknown number
 *   npm run call -- --url http://localhost:3978 --from +1555…
 *                                           against a running bot (TWILIO_AUTH_TOKEN and PUBLIC_URL from the environment)
 *
 * Type what the caller says; `#94110` presses keys; an empty line is silence.
 * Without TWILIO_SMS_FROM, texts the bot would send (links) are shown from
 * the demo outbox.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { sign } from '../bot/channels/voice/signature';
import { compose } from '../bot/compose';
import { keptModels, readConfig } from '../bot/config';
import { buildServer } from '../bot/routes';
import { createLogger } from '../bot/log';
import { SmsOutbox } from '../integrations/sms/outbox';
import { parseTwiml, type TwimlAnswer } from './lib/twiml-reader';
import { answerHelp } from './lib/usage';

const USAGE = `
npm run call -- [--from NUMBER] [--url URL]   a phone call in the terminal, signed as Twilio signs it

  --from +15550100001   the caller's number (a demo customer's; default: an unknown number)
  --url URL             call a running bot (TWILIO_AUTH_TOKEN and PUBLIC_URL from the environment);
                        without it, a bot is started in this process on the demo
  --help                this text

Type what the caller says; #94110 presses keys; an empty line is silence.
`;

interface Target {
  baseUrl: string;
  publicUrl: string;
  token: string;
  /** The bot's demo outbox, when this script runs the bot itself. */
  outbox?: SmsOutbox;
  close: () => void;
}

async function target(url: string | undefined): Promise<Target> {
  if (url) {
    const token = process.env.TWILIO_AUTH_TOKEN;
    if (!token) throw new Error('set TWILIO_AUTH_TOKEN (the one the bot uses) to sign requests');
    return { baseUrl: url.replace(/\/+$/, ''), publicUrl: (process.env.PUBLIC_URL ?? url).replace(/\/+$/, ''), token, close: () => undefined };
  }
  // No bot given: run one here, with a throwaway token.
  const token = randomBytes(16).toString('hex');
  const publicUrl = 'http://frontline.local';
  // A terminal call is a throwaway: its state stays in memory (and a Redis connection cannot keep it running).
  const config = readConfig({ ...process.env, DATA_DIR: '', REDIS_URL: '', MODEL_CACHE_DIR: keptModels(), PORT: '0', TWILIO_AUTH_TOKEN: token, PUBLIC_URL: publicUrl, TWILIO_SIGNATURE_CHECK: 'on' }, process.cwd(), 'demo');
  const app = await compose(config, createLogger('silent'));
  const { server } = await buildServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { baseUrl, publicUrl, token, ...(app.sms instanceof SmsOutbox ? { outbox: app.sms } : {}), close: () => {
      server.close();
      void app.store.close();
    },
  };
}

async function main(): Promise<void> {
  answerHelp(USAGE);
  const { values } = parseArgs({ options: { from: { type: 'string', default: '+15550199999' }, url: { type: 'string' } } });
  const t = await target(values.url);
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const base = { CallSid: callSid, AccountSid: 'AC' + '0'.repeat(32), From: values.from!, To: '+15550009999', Direction: 'inbound' };
  const post = async (path: string, params: Record<string, string>): Promise<TwimlAnswer> => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(t.token, `${t.publicUrl}${path}`, params) },
      body: new URLSearchParams(params).toString(),
    });
    const xml = await res.text();
    if (res.status !== 200) throw new Error(`the bot answered ${res.status}: ${xml}`);
    return parseTwiml(res.status, xml);
  };
  let texts = 0;
  const show = (a: TwimlAnswer) => {
    for (const s of a.says) console.log(`\x1b[36m🔊 ${s}\x1b[0m`);
    for (const sms of t.outbox?.sent.slice(texts) ?? []) console.log(`\x1b[35m📱 demo outbox, text to ${sms.to}: ${sms.body}\x1b[0m`);
    texts = t.outbox?.sent.length ?? 0;
    if (a.enqueue?.task) {
      const task = a.enqueue.task.json;
      console.log(`\x1b[33m☎  put through to TaskRouter: queue ${String(task.queue)}, priority ${a.enqueue.task.attrs.priority}, segment ${String(task.segment)}, intent ${String(task.intent)}\x1b[0m`);
      console.log(JSON.stringify(task, null, 2));
    } else if (a.enqueue) console.log(`\x1b[33m☎  put through to queue "${a.enqueue.queue}"\x1b[0m`);
    else if (a.dial) console.log(`\x1b[33m☎  dialling ${a.dial}\x1b[0m`);
    else if (!a.gather) console.log('\x1b[33m☎  the bot hung up\x1b[0m');
  };

  console.log(`(calling as ${values.from}; type what you say, #digits to press keys, an empty line for silence, Ctrl-D to hang up)`);
  let answer = await post('/api/voice', { ...base, CallStatus: 'ringing' });
  show(answer);
  const rl = createInterface({ input: process.stdin });
  const prompt = () => process.stdout.write('\x1b[32m🗣  \x1b[0m');
  if (answer.gather) prompt();
  for await (const line of rl) {
    if (!answer.gather) break;
    if (!process.stdin.isTTY) console.log(line);
    const action = answer.gather.action!.startsWith(t.publicUrl) ? answer.gather.action!.slice(t.publicUrl.length) : answer.gather.action!;
    const said = line.trim();
    const input: Record<string, string> = said.startsWith('#')
      ? { Digits: said.slice(1) }
      : said
        ? { SpeechResult: said, Confidence: '0.9' }
        : {};
    answer = await post(action, { ...base, CallStatus: 'in-progress', ...input });
    show(answer);
    if (!answer.gather) break;
    prompt();
  }
  rl.close();
  await post('/api/voice/status', { ...base, CallStatus: 'completed' });
  t.close();
}

main().catch((err: unknown) => {
  console.error(`call: ${(err as Error).message}`);
  process.exit(1);
});
