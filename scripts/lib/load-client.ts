/**
 * The load of `npm run bench:load`, run in a process of its own (forked by
 * the bench) so the bot's process holds only the bot: its RSS and CPU are
 * the bot's. Receives a `LoadPlan` over IPC, sends back a `LoadResult`.
 *
 * Closed loop: `concurrency` customers, each sending its next turn when the
 * last was answered. Open loop: turns arrive at `rate` a second whatever the
 * answers, each to an idle conversation of a pool (grown when all are busy);
 * a turn's latency counts from when it was due, so a slow bot is not excused
 * by sending it less.
 *
 * Each answered turn keeps its place in its conversation (1 = the start), so
 * early and late turns of long conversations (`chatTurns`) can be compared.
 */
import { callCustomer, chatCustomer, TurnError, type Customer, type Target } from './load-customers';

export interface LoadPlan {
  target: Target;
  mode: 'closed' | 'open';
  concurrency: number;
  rate: number;
  /** Open loop: conversations in the pool at the start. */
  conversations: number;
  durationMs: number;
  /** Share of customers on the phone (the rest on web chat). */
  voiceShare: number;
  /** Turns of each chat conversation (default: the script once through, 7). */
  chatTurns?: number;
  /** Closed loop: start no more conversations than this (the run ends when they are through). */
  maxConversations?: number;
}

export interface LoadResult {
  turns: { chat: number; voice: number };
  latenciesMs: number[];
  /** For each latency, the turn's place in its conversation (1 = the start). */
  positions: number[];
  errors: Record<string, number>;
  /** From the start to the end of the load, the wait for the last answers included. */
  elapsedMs: number;
  /** The time over which turns were offered (open loop: without the wait for the last answers). */
  windowMs: number;
  conversations: number;
  /** Turns sent (open loop: as offered, whether answered or not). */
  sent: number;
  /** The load client's own CPU time, to tell a busy client from a slow bot. */
  clientCpuMs: number;
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const positions: number[] = [];
  const errors: Record<string, number> = {};
  const turns = { chat: 0, voice: 0 };
  let made = 0;
  let sent = 0;
  const cpu = process.cpuUsage();
  const customer = (): Customer => {
    made += 1;
    // Spread the channels evenly: every k-th customer calls.
    const calls = plan.voiceShare > 0 && (made * plan.voiceShare) % 1 < plan.voiceShare;
    return calls ? callCustomer(plan.target) : chatCustomer(plan.target, plan.chatTurns);
  };
  /** Runs the customer's next turn; false when it failed (the customer gives up and a new one comes). */
  const timed = async (c: Customer, due: number): Promise<boolean> => {
    sent += 1;
    try {
      await c.turn();
      latenciesMs.push(performance.now() - due);
      positions.push(c.turns);
      turns[c.channel] += 1;
      return true;
    } catch (err) {
      const kind = err instanceof TurnError ? err.kind : (err as Error).name;
      errors[kind] = (errors[kind] ?? 0) + 1;
      return false;
    }
  };
  const started = performance.now();
  const end = started + plan.durationMs;
  let windowMs = plan.durationMs;
  const more = () => performance.now() < end && made < (plan.maxConversations ?? Infinity);

  if (plan.mode === 'closed') {
    await Promise.all(
      Array.from({ length: plan.concurrency }, async () => {
        while (more()) {
          const c = customer();
          while (!c.done && performance.now() < end) if (!(await timed(c, performance.now()))) break;
          await c.close();
        }
      }),
    );
  } else {
    const idle: Customer[] = Array.from({ length: plan.conversations }, customer);
    const inflight = new Set<Promise<void>>();
    const interval = 1000 / plan.rate;
    for (let n = 0; performance.now() < end; n++) {
      const due = started + n * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const c = idle.shift() ?? customer();
      const turn: Promise<void> = timed(c, due)
        .then(async (ok) => {
          if (ok && !c.done) return void idle.push(c);
          await c.close();
          idle.push(customer());
        })
        .finally(() => inflight.delete(turn));
      inflight.add(turn);
    }
    windowMs = performance.now() - started;
    await Promise.all(inflight);
    await Promise.all(idle.map((c) => c.close()));
  }
  const used = process.cpuUsage(cpu);
  const elapsedMs = performance.now() - started;
  if (plan.mode === 'closed') windowMs = elapsedMs;
  return { turns, latenciesMs, positions, errors, elapsedMs, windowMs, conversations: made, sent, clientCpuMs: (used.user + used.system) / 1000 };
}

// Forked by the bench: one plan in, one result out.
if (process.send) {
  process.once('message', (plan: LoadPlan) => {
    runLoad(plan)
      .then((result) => process.send!(result, () => process.exit(0)))
      .catch((err: unknown) => {
        process.stderr.write(`load client failed: ${(err as Error).name}: ${(err as Error).message}\n`);
        process.exit(1);
      });
  });
}
