/**
 * The load of `npm run bench:load`, run in a process of its own (forked by
 * the bench) so the bot's process holds only the bot: its RSS and CPU are
 * the bot's. Receives a `LoadPlan` over IPC, sends back a `LoadResult`.
 *
 * Closed loop: `concurrency` customers, each sending its next turn when the
 * last was answered. Open loop: turns arrive at `rate` a second whatever the
 * answers, each to an idle conversation of a pool (grown when all are busy)
 * picked at random: taken in turn, a pool that starts together stays in step,
 * and every few seconds all its conversations start anew in the same second;
 * picked at random, they drift apart over the warm-up, as customers who did
 * not all arrive at once. A turn's latency counts from when it was due, so a
 * slow bot is not excused by sending it less.
 *
 * The warm-up (`warmupMs`) is the same load in the same run, not counted: the
 * first turns compile the code, and the pool's phases spread. The client
 * tells its parent when the measured part begins (`{ measuring: true }`).
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
  /** Load first, not counted (turns due before it ends are neither timed nor counted; errors are). */
  warmupMs?: number;
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
  /** Failed turns by kind, the warm-up's included: a customer saw them all the same. */
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

export async function runLoad(plan: LoadPlan, onMeasuring: () => void = () => undefined): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const positions: number[] = [];
  const errors: Record<string, number> = {};
  const turns = { chat: 0, voice: 0 };
  let made = 0;
  let sent = 0;
  const began = performance.now();
  /** Where the measured part starts: turns due before it are warm-up. */
  const started = began + (plan.warmupMs ?? 0);
  const end = started + plan.durationMs;
  let cpu = process.cpuUsage();
  /** Conversations made before the measured part (the warm-up's, the pool's first ones among them): not counted. */
  let made0: number | null = plan.warmupMs ? null : 0;
  const measure = () => {
    cpu = process.cpuUsage();
    made0 = made;
    onMeasuring();
  };
  const measuring = plan.warmupMs ? setTimeout(measure, plan.warmupMs) : (onMeasuring(), undefined);
  const customer = (): Customer => {
    made += 1;
    // Spread the channels evenly: every k-th customer calls.
    const calls = plan.voiceShare > 0 && (made * plan.voiceShare) % 1 < plan.voiceShare;
    return calls ? callCustomer(plan.target) : chatCustomer(plan.target, plan.chatTurns);
  };
  /** Runs the customer's next turn; false when it failed (the customer gives up and a new one comes). */
  const timed = async (c: Customer, due: number, counted = due >= started): Promise<boolean> => {
    if (counted) sent += 1;
    try {
      await c.turn();
      if (!counted) return true;
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
  let windowMs = plan.durationMs;
  // --max-conversations counts the measured part's: the warm-up starts as many as it takes.
  const more = () => performance.now() < end && (made0 === null || made - made0 < (plan.maxConversations ?? Infinity));

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
    /** An idle conversation at random (the last one moved into its place), or a new one when none is. */
    const pick = (): Customer => {
      if (!idle.length) return customer();
      const i = Math.floor(Math.random() * idle.length);
      const c = idle[i]!;
      idle[i] = idle[idle.length - 1]!;
      idle.pop();
      return c;
    };
    const inflight = new Set<Promise<void>>();
    const interval = 1000 / plan.rate;
    // Exactly `rate` a second, counted by number (not by a due time that rounding puts a hair either side).
    const warmTurns = Math.round((plan.rate * (plan.warmupMs ?? 0)) / 1000);
    const total = warmTurns + Math.round((plan.rate * plan.durationMs) / 1000);
    for (let n = 0; n < total; n++) {
      const due = began + n * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const c = pick();
      const turn: Promise<void> = timed(c, due, n >= warmTurns)
        .then(async (ok) => {
          if (ok && !c.done) return void idle.push(c);
          await c.close();
          idle.push(customer());
        })
        .finally(() => inflight.delete(turn));
      inflight.add(turn);
    }
    // The measured turns' time, or longer when the client could not send them on time.
    windowMs = Math.max(plan.durationMs, performance.now() - started);
    await Promise.all(inflight);
    await Promise.all(idle.map((c) => c.close()));
  }
  clearTimeout(measuring);
  const used = process.cpuUsage(cpu);
  const elapsedMs = performance.now() - started;
  if (plan.mode === 'closed') windowMs = elapsedMs;
  return { turns, latenciesMs, positions, errors, elapsedMs, windowMs, conversations: made - (made0 ?? made), sent, clientCpuMs: (used.user + used.system) / 1000 };
}

// Forked by the bench: one plan in, one result out.
if (process.send) {
  process.once('message', (plan: LoadPlan) => {
    runLoad(plan, () => process.send!({ measuring: true }))
      .then((result) => process.send!(result, () => process.exit(0)))
      .catch((err: unknown) => {
        process.stderr.write(`load client failed: ${(err as Error).name}: ${(err as Error).message}\n`);
        process.exit(1);
      });
  });
}
