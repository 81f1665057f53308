/**
 * `npm run bench:load` — simulated customers on web chat (Direct Line with
 * WebSocket streams) and on the phone (signed Twilio webhooks) at once,
 * against the bot as `npm start` composes it (compose() and its routes, the
 * SQLite store in a fresh DATA_DIR, or Redis with --redis), then the same
 * load against a bare restify handler in the same run.
 *
 *   --concurrency N   closed loop: N customers, each waiting for its answer (default 50)
 *   --rate R          open loop: R turns a second over a pool of conversations
 *   --conversations M open loop: conversations in the pool (default 500)
 *   --duration S      seconds of load per target (default 10)
 *   --warmup S        seconds of the same load first, in the same run, not counted (default 2; 0: none):
 *                     the first turns compile the code, and an open loop's pool, which starts together,
 *                     drifts out of step; a figure of the steady state should carry neither
 *   --voice F         share of customers on the phone (default 0.3)
 *   --redis [URL]     the Redis store (default redis://127.0.0.1:6379)
 *   --data-dir DIR    the SQLite store in DIR (default: a fresh temporary folder)
 *   --memory          the in-memory store (nothing durable), for comparison
 *   --workers N       start the bot as `npm start` does with WORKERS=N (a process tree: RSS and CPU
 *                     summed over it from /proc); without it the bot runs in this process
 *   --turns T         turns of each chat conversation (default 7: the script once); with T >= 20,
 *                     the p50 of turns 2-11 and of the last 10 show whether a turn costs more late
 *   --max-conversations M  closed loop: stop after M conversations (e.g. RSS after 20,000)
 *   --settle S        after the load, wait S seconds idle and read the RSS again ("after": what stays held;
 *                     `npm run bench:memory` is 20,000 chat conversations with --workers 1 --settle 30)
 *   --no-baseline     skip the bare handler
 *   --json            one JSON object instead of the table
 *
 * Figures, not targets: the load client runs on the same machine (in a
 * process of its own), and the machine's load moves them.
 */
import { cpus, loadavg } from 'node:os';
import { startBareServer } from './lib/bare-server';
import type { LoadPlan, LoadResult } from './lib/load-client';
import { AUTH_TOKEN, PUBLIC_URL, SECRET, runForked, startBenchBot } from './lib/load-bot';
import { startTreeBot } from './lib/load-tree';

interface Args {
  mode: 'closed' | 'open';
  concurrency: number;
  rate: number;
  conversations: number;
  durationS: number;
  voice: number;
  redis: string | null;
  dataDir: string | null;
  memory: boolean;
  turns: number | null;
  maxConversations: number | null;
  baseline: boolean;
  json: boolean;
  /** Seconds of the same load before the measured one, not counted. */
  warmupS: number;
  /** Seconds idle after the load before the "after" RSS; 0: not read. */
  settleS: number;
  /** Start the bot as `npm start` does with WORKERS=N (a process tree); null: in this process. */
  workers: number | null;
}

function parseArgs(argv: string[]): Args {
  // The last of a flag given twice counts: `npm run bench:memory -- --max-conversations 500` overrides the script's.
  const value = (flag: string) => {
    const i = argv.lastIndexOf(flag);
    return i >= 0 && argv[i + 1] && !argv[i + 1]!.startsWith('--') ? argv[i + 1]! : null;
  };
  const number = (flag: string, fallback: number) => {
    const v = value(flag);
    if (v === null) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} takes a positive number, not "${v}"`);
    return n;
  };
  const seconds = (flag: string, fallback: number) => {
    const v = value(flag);
    if (v === null) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} takes a number of seconds (0 or more), not "${v}"`);
    return n;
  };
  return {
    mode: argv.includes('--rate') ? 'open' : 'closed',
    concurrency: number('--concurrency', 50),
    rate: number('--rate', 200),
    conversations: number('--conversations', 500),
    durationS: number('--duration', 10),
    warmupS: seconds('--warmup', 2),
    voice: argv.includes('--voice') ? Number(value('--voice')) : 0.3,
    redis: argv.includes('--redis') ? (value('--redis') ?? 'redis://127.0.0.1:6379') : null,
    dataDir: value('--data-dir'),
    memory: argv.includes('--memory'),
    turns: argv.includes('--turns') ? number('--turns', 7) : null,
    maxConversations: argv.includes('--max-conversations') ? number('--max-conversations', 1) : null,
    baseline: !argv.includes('--no-baseline'),
    json: argv.includes('--json'),
    settleS: argv.includes('--settle') ? seconds('--settle', 10) : 0,
    workers: argv.includes('--workers') ? number('--workers', 1) : null,
  };
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function summary(r: LoadResult) {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const turns = r.turns.chat + r.turns.voice;
  return {
    turns,
    // Answered turns over the whole run, the wait for the last answers included: a bot that falls behind shows it.
    turns_per_s: round(turns / (r.elapsedMs / 1000)),
    p50_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    p99_ms: round(percentile(sorted, 99)),
    errors: Object.values(r.errors).reduce((a, b) => a + b, 0),
  };
}

/** `n` readings of `xs` spread evenly over it, the last one included. */
function spread(xs: number[], n: number): number[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.round(((i + 1) * (xs.length - 1)) / n)]!);
}

/** The p50 latency of the turns at these places in their conversations. */
function p50At(r: LoadResult, from: number, to: number): number {
  const picked = r.latenciesMs.filter((_, i) => r.positions[i]! >= from && r.positions[i]! <= to).sort((a, b) => a - b);
  return round(percentile(picked, 50));
}

/** The bot under load, and how its memory (bytes) and CPU time (ms) are read. */
interface Measured {
  url: string;
  store: string;
  rss(): number;
  cpuMs(): number;
  /** With --workers: the primary's own share. */
  primaryCpuMs?(): number;
  close(): Promise<void>;
}

/** With --workers, a process tree summed from /proc; else composed in this process (the load client is forked either way). */
async function startMeasured(args: Args, env: Record<string, string>): Promise<Measured> {
  if (args.workers) {
    const tree = await startTreeBot({ workers: args.workers, redis: args.redis, dataDir: args.dataDir, env });
    return { url: tree.url, store: args.redis ? 'redis' : 'sqlite', rss: tree.rss, cpuMs: tree.cpuMs, primaryCpuMs: tree.primaryCpuMs, close: tree.close };
  }
  const bot = await startBenchBot({ redis: args.redis, dataDir: args.dataDir, memory: args.memory, env });
  const cpuMs = () => {
    const cpu = process.cpuUsage();
    return (cpu.user + cpu.system) / 1000;
  };
  return { url: bot.url, store: bot.app.store.kind, rss: () => process.memoryUsage().rss, cpuMs, close: () => bot.close() };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // A long conversation sends more than a person would: its messages are not limited.
  const env: Record<string, string> = args.turns && args.turns > 20 ? { MESSAGE_RATE_BURST: String(args.turns) } : {};
  const bot = await startMeasured(args, env);
  const plan = (base: string): LoadPlan => ({
    target: { base, secret: SECRET, publicUrl: PUBLIC_URL, authToken: AUTH_TOKEN },
    mode: args.mode,
    concurrency: args.concurrency,
    rate: args.rate,
    conversations: args.conversations,
    durationMs: args.durationS * 1000,
    warmupMs: args.warmupS * 1000,
    voiceShare: args.voice,
    ...(args.turns ? { chatTurns: args.turns } : {}),
    ...(args.maxConversations ? { maxConversations: args.maxConversations } : {}),
  });

  const rssBefore = bot.rss();
  let peakRss = rssBefore;
  // RSS once a second of the measured load as well, so a figure that climbs to the end (unbounded) shows
  // apart from a plateau.
  const timeline: number[] = [];
  let ticks = 0;
  let measuring = false;
  const sampler = setInterval(() => {
    const rss = bot.rss();
    peakRss = Math.max(peakRss, rss);
    if (measuring && ++ticks % (args.workers ? 5 : 20) === 0) timeline.push(rss);
  }, args.workers ? 200 : 50);
  // The warm-up (the same load first, in the same run) is not counted: CPU is read from its end.
  let cpuBefore = bot.cpuMs();
  let primaryBefore = bot.primaryCpuMs?.() ?? 0;
  const result = await runForked(plan(bot.url), () => {
    measuring = true;
    cpuBefore = bot.cpuMs();
    primaryBefore = bot.primaryCpuMs?.() ?? 0;
  });
  const cpuMs = bot.cpuMs() - cpuBefore;
  const primaryMs = (bot.primaryCpuMs?.() ?? 0) - primaryBefore;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, bot.rss());
  let rssAfter: number | null = null;
  if (args.settleS) {
    await new Promise((resolve) => setTimeout(resolve, args.settleS * 1000));
    rssAfter = bot.rss();
  }
  await bot.close();

  let baseline: LoadResult | null = null;
  if (args.baseline) {
    const bare = await startBareServer();
    baseline = await runForked(plan(bare.url));
    await bare.close();
  }

  const b = summary(result);
  const base = baseline ? summary(baseline) : null;
  const turns = args.turns ?? 0;
  const report = {
    mode: args.mode,
    ...(args.mode === 'closed' ? { concurrency: args.concurrency } : { rate: args.rate, conversations: args.conversations }),
    duration_s: args.durationS,
    warmup_s: args.warmupS,
    store: bot.store,
    workers: args.workers ?? 0,
    ...b,
    chat_turns: result.turns.chat,
    voice_turns: result.turns.voice,
    conversations: result.conversations,
    error_kinds: result.errors,
    peak_rss_mb: round(peakRss / 2 ** 20),
    rss_before_mb: round(rssBefore / 2 ** 20),
    rss_after_mb: rssAfter === null ? null : round(rssAfter / 2 ** 20),
    settle_s: args.settleS,
    // Ten RSS readings spread over the load, in MB: a plateau is a bounded cache, a climb to the end is not.
    rss_timeline_mb: spread(timeline, 10).map((r) => round(r / 2 ** 20, 0)),
    cpu_ms_per_turn: b.turns ? round(cpuMs / b.turns, 2) : null,
    ...(args.workers ? { primary_cpu_ms_per_turn: b.turns ? round(primaryMs / b.turns, 2) : null } : {}),
    client_cpu_ms_per_turn: result.sent ? round(result.clientCpuMs / result.sent, 2) : null,
    // Offered over the window in which turns were sent, not the wait for the last answers after it.
    offered_turns_per_s: round(result.sent / (result.windowMs / 1000)),
    drain_ms: round(result.elapsedMs - result.windowMs),
    ...(turns >= 20 ? { early_p50_ms: p50At(result, 2, 11), late_p50_ms: p50At(result, turns - 9, turns) } : {}),
    baseline_turns_per_s: base?.turns_per_s ?? null,
    baseline_p50_ms: base?.p50_ms ?? null,
    baseline_p99_ms: base?.p99_ms ?? null,
    baseline_errors: base?.errors ?? null,
    ratio_to_baseline: base?.turns_per_s ? round(b.turns_per_s / base.turns_per_s, 3) : null,
    load_average: loadavg().map((l) => round(l, 2)),
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const load1 = report.load_average[0];
  console.log(`bench:load — ${args.mode === 'closed' ? `closed loop, ${args.concurrency} customers` : `open loop, ${args.rate} turns/s over ${args.conversations}+ conversations`}, ${args.durationS} s after ${args.warmupS} s of warm-up, ${Math.round(args.voice * 100)}% on the phone, store ${report.store}${args.workers ? `, ${args.workers} workers` : ''}`);
  console.log(`  bot:       ${b.turns_per_s} turns/s  p50 ${b.p50_ms} ms  p95 ${b.p95_ms} ms  p99 ${b.p99_ms} ms  errors ${b.errors}${b.errors ? ` ${JSON.stringify(result.errors)}` : ''}`);
  console.log(`             ${result.turns.chat} chat turns, ${result.turns.voice} voice turns in ${result.conversations} conversations; peak RSS ${report.peak_rss_mb} MB (${report.rss_before_mb} MB before); ${report.cpu_ms_per_turn} ms CPU a turn${args.workers ? `, the primary's ${report.primary_cpu_ms_per_turn} ms of it` : ''} (the load client ${report.client_cpu_ms_per_turn} ms)`);
  if (rssAfter !== null) console.log(`             RSS ${report.rss_before_mb} MB before, ${report.peak_rss_mb} MB at the peak, ${report.rss_after_mb} MB ${args.settleS} s after the load; during it: ${report.rss_timeline_mb.join(' → ')} MB`);
  if (args.mode === 'open') console.log(`             offered ${report.offered_turns_per_s} turns/s; the last answers came ${report.drain_ms} ms after the last turn was sent`);
  if (report.early_p50_ms !== undefined) console.log(`             p50 of turns 2-11 ${report.early_p50_ms} ms, of turns ${turns - 9}-${turns} ${report.late_p50_ms} ms`);
  if (base) console.log(`  bare:      ${base.turns_per_s} turns/s  p50 ${base.p50_ms} ms  p99 ${base.p99_ms} ms  errors ${base.errors}`);
  console.log(`  ratio:     ${report.ratio_to_baseline ?? '-'} of the bare handler's turns/s (load average ${load1} on ${cpus().length} cores)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
