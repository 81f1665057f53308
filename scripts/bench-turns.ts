/**
 * `npm run bench:turns` — what one visitor can do to everyone else, and what
 * a long conversation costs, measured on the app as `npm start` composes it:
 *
 *   (a) a normal customer's p50/p99 over Direct Line, alone and while four
 *       other visitors keep sending 60 KB messages;
 *   (b) the cost of turn 10 against turn 3,000 of one conversation.
 *
 * Figures, not targets: the machine's load moves them.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { compose } from '../bot/compose';
import { readConfig } from '../bot/config';
import { buildServer } from '../bot/routes';
import { silentLogger } from '../bot/log';

const root = join(__dirname, '..');
const SECRET = 'bench-directline-secret-0123456789abcdef';
const NORMAL_TURNS = Number(process.env.BENCH_NORMAL_TURNS ?? 100);
const LONG_TURNS = Number(process.env.BENCH_LONG_TURNS ?? 3000);

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (n: number) => Math.round(n * 10) / 10;

async function main(): Promise<void> {
  const config = readConfig(
    { FRONTLINE_MODE: 'demo', PORT: '0', DIRECTLINE_SECRET: SECRET, LOG_LEVEL: 'silent', DEMO_FIXED_DATES: 'true', CONTENT_RELOAD: 'off' },
    root,
  );
  const app = await compose(config, silentLogger);
  const { server } = await buildServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/directline`;

  const open = async () => {
    const res = await fetch(`${base}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` } });
    return (await res.json()) as { conversationId: string; token: string };
  };
  let resets = 0;
  // A connection the server dropped (keep-alive timing under a blocked event loop) is retried: the wait counts.
  const send = async (c: { conversationId: string; token: string }, text: string): Promise<number> => {
    try {
      return await sendOnce(c, text);
    } catch {
      resets += 1;
      return sendOnce(c, text);
    }
  };
  const sendOnce = async (c: { conversationId: string; token: string }, text: string) => {
    const res = await fetch(`${base}/conversations/${c.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text, from: { id: 'x' } }),
    });
    await res.arrayBuffer();
    return res.status;
  };
  // A normal customer: conversations of ten messages, as fast as the bot answers.
  const normalCustomer = async () => {
    let c = await open();
    const took: number[] = [];
    for (let i = 0; i < NORMAL_TURNS; i++) {
      if (i > 0 && i % 10 === 0) c = await open();
      const started = performance.now();
      await send(c, i % 2 ? 'what are your opening hours' : 'no thanks');
      took.push(performance.now() - started);
    }
    return took;
  };

  // (a) alone, then beside four visitors sending 60 KB messages as fast as they are answered.
  const alone = await normalCustomer();
  let running = true;
  const statuses = new Map<number | string, number>();
  const big = 'my internet is down again '.repeat(Math.floor((60 * 1024) / 26));
  const noisy = Array.from({ length: 4 }, async () => {
    const c = await open();
    while (running) {
      const status = await send(c, big).catch((err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.name);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  });
  const crowded = await normalCustomer();
  running = false;
  await Promise.all(noisy);
  console.log(`(a) normal customer over Direct Line, ${NORMAL_TURNS} turns`);
  console.log(`    alone:                         p50 ${ms(percentile(alone, 50))} ms  p99 ${ms(percentile(alone, 99))} ms`);
  console.log(`    with four 60 KB senders:       p50 ${ms(percentile(crowded, 50))} ms  p99 ${ms(percentile(crowded, 99))} ms`);
  console.log(`    connections reset and retried:  ${resets}`);
  console.log(`    the 60 KB senders' answers:    ${[...statuses].map(([s, n]) => `${n} × ${typeof s === 'number' ? `HTTP ${s}` : s}`).join(', ')}`);
  await new Promise<void>((resolve) => server.close(() => resolve()));

  // (b) one long conversation, straight through the engine.
  const engine = app.engine;
  const conversationId = 'bench:long';
  const timed: number[] = [];
  await engine.turn({ conversationId, channel: 'chat', event: 'start' });
  for (let i = 1; i <= LONG_TURNS + 5; i++) {
    const started = performance.now();
    await engine.turn({ conversationId, channel: 'chat', text: i % 2 ? 'what are your opening hours' : 'no thanks' });
    timed[i] = performance.now() - started;
  }
  const around = (n: number) => {
    const xs = timed.slice(Math.max(1, n - 5), n + 6);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const early = around(10);
  const late = around(LONG_TURNS);
  console.log(`(b) one conversation through the engine (mean of 11 turns around each)`);
  console.log(`    turn 10:     ${ms(early)} ms`);
  console.log(`    turn ${LONG_TURNS}:   ${ms(late)} ms   (${ms(late / early)} × turn 10)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
