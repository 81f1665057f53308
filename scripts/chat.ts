/**
 * `npm run chat` — a conversation with the bot in the terminal.
 *
 *   npm run chat                      as a stranger on web chat
 *   npm run chat -- --as C1001        as a signed-in demo customer
 *   npm run chat -- --phone +15550100001 --voice
 *                                     as a caller (caller ID), keypad digits typed as #123
 *   npm run chat -- --list            the demo customers
 *
 * On a handoff it prints what the agent would see.
 */
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { compose } from '../bot/compose';
import { keptModels, readConfig } from '../bot/config';
import { describeHandoff } from '../bot/engine/handoff-record';
import type { IdentityHint } from '../bot/engine/ports';
import type { TurnInput, TurnOutput } from '../bot/engine/turn';
import { createLogger } from '../bot/log';
import { FileProfileSource } from '../integrations/ci/file-profiles';
import { answerHelp } from './lib/usage';

const USAGE = `
npm run chat -- [--as ID | --phone NUMBER [--voice]] [--list]   a conversation with the bot in the terminal

  --as C1001                     a signed-in demo customer on web chat (default: a stranger)
  --phone +15550100001 --voice   a caller with that caller ID; keypad digits typed as #123
  --list                         the demo customers
  --help                         this text
`;

async function main(): Promise<void> {
  answerHelp(USAGE);
  const { values } = parseArgs({
    options: {
      as: { type: 'string' },
      phone: { type: 'string' },
      voice: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
    },
  });
  // A terminal chat is a throwaway: its state stays in memory (and a Redis connection cannot keep it running).
  const config = readConfig({ ...process.env, DATA_DIR: '', REDIS_URL: '', MODEL_CACHE_DIR: keptModels() }, process.cwd(), 'demo');
  if (values.list) {
    // The demo customers file alone: listing them needs no model.
    const customers = config.CI_API_URL ? [] : (await FileProfileSource.load(config.CUSTOMERS_FILE)).all();
    for (const p of customers) console.log(`${p.id}  ${p.firstName} ${p.lastName}  ${p.phones[0]}  ZIP ${p.address.postcode}  born ${p.dateOfBirth ?? '-'}`);
    return;
  }
  const app = await compose(config, createLogger(process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent'));
  const identity: IdentityHint | null = values.as
    ? { kind: 'customerId', value: values.as, authenticated: true }
    : values.phone
      ? { kind: 'phone', value: values.phone }
      : null;
  const channel = values.voice ? 'voice' : 'chat';
  const conversationId = randomUUID();
  const show = (out: TurnOutput) => {
    for (const r of out.replies) {
      console.log(`\x1b[36mbot>\x1b[0m ${channel === 'voice' ? (r.speak ?? r.text) : r.text}`);
      if (r.choices?.length) console.log(`      [${r.choices.map((c, i) => `${i + 1}. ${c.label}`).join('  ')}]`);
      if (r.link) console.log(`      (${r.link.label}: ${r.link.url})`);
    }
    if (out.handoff) {
      console.log('\n\x1b[33m──── What the agent sees ────\x1b[0m');
      console.log(describeHandoff(out.handoff.handoff));
      console.log('\x1b[33m─────────────────────────────\x1b[0m\n');
    }
  };
  const turn = (input: Partial<TurnInput>) => app.engine.turn({ conversationId, channel, identity, ...input });
  show(await turn({ event: 'start' }));
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  console.log(`(${channel}${identity ? `, ${identity.kind} ${identity.value}` : ', anonymous'}; ${channel === 'voice' ? 'type #digits for the keypad, ' : ''}Ctrl-D to quit)`);
  const prompt = () => process.stdout.write('\x1b[32myou>\x1b[0m ');
  prompt();
  // Async iteration keeps lines that arrive while the bot is still answering (piped input).
  for await (const line of rl) {
    if (!process.stdin.isTTY) console.log(line);
    const out = line.startsWith('#') ? await turn({ digits: line.slice(1) }) : await turn({ text: line });
    show(out);
    if (out.ended) break;
    prompt();
  }
  rl.close();
  await app.store.close();
}

main().catch((err: unknown) => {
  console.error(`chat: ${(err as Error).message}`);
  process.exit(1);
});
