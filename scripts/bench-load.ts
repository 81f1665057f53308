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
 *   --voice F         share of customers on the phone (default 0.3)
 *   --redis [URL]     the Redis store (default redis://127.0.0.1:6379)
 *   --data-dir DIR    the SQLite store in DIR (default: a fresh temporary folder)
 *   --json            one JSON object instead of the table
 *
 * Figures, not targets: the load client runs on the same machine (in a
 * process of its own), and the machine's load moves them.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose } from '../bot/compose';
import { keptModels, readConfig } from '../bot/config';
import { createLogger } from '../bot/log';
import { buildServer } from '../bot/routes';
import { startBareServer } from './lib/bare-server';
import type { LoadPlan, LoadResult } from './lib/load-client';

const root = join(__dirname, '..');
const SECRET = 'bench-directline-secret-0123456789abcdef';
const AUTH_TOKEN = 'bench-twilio-auth-token-0123456789';
const PUBLIC_URL = 'https://bench.frontline.test';

interface Args {
  mode: 'closed' | 'open';
  concurrency: number;
  rate: number;
  conversations: number;
  durationS: number;
  voice: number;
  redis: string | null;
  dataDir: string | null;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] && !argv[i + 1]!.startsWith('--') ? argv[i + 1]! : null;
  };
  const number = (flag: string, fallback: number) => {
    const v = value(flag);
    if (v === null) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} takes a positive number, not "${v}"`);
    return n;
  };
  return {
    mode: argv.includes('--rate') ? 'open' : 'closed',
    concurrency: number('--concurrency', 50),
    rate: number('--rate', 200),
    conversations: number('--conversations', 500),
    durationS: number('--duration', 10),
    voice: argv.includes('--voice') ? Number(value('--voice')) : 0.3,
    redis: argv.includes('--redis') ? (value('--redis') ?? 'redis://127.0.0.1:6379') : null,
    dataDir: value('--data-dir'),
    json: argv.includes('--json'),
  };
}

/** Runs one plan in a forked load client. */
function load(plan: LoadPlan): Promise<LoadResult> {
  const child = fork(join(__dirname, 'lib', 'load-client.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (r) => resolve(r as LoadResult));
    child.once('exit', (code) => reject(new Error(`the load client exited with ${code}`)));
    child.send(plan);
  });
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function summary(r: LoadResult) {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const turns = r.turns.chat + r.turns.voice;
  return {
    turns,
    turns_per_s: round(turns / (r.elapsedMs / 1000)),
    p50_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    p99_ms: round(percentile(sorted, 99)),
    errors: Object.values(r.errors).reduce((a, b) => a + b, 0),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const tempDir = args.redis || args.dataDir ? null : mkdtempSync(join(tmpdir(), 'frontline-bench-'));
  const config = readConfig(
    {
      FRONTLINE_MODE: 'demo', PORT: '0', DIRECTLINE_SECRET: SECRET, TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL,
      DEMO_FIXED_DATES: 'true', CONTENT_RELOAD: 'off', DATA_DIR: args.dataDir ?? tempDir ?? '', MODEL_CACHE_DIR: keptModels(),
      ...(args.redis ? { REDIS_URL: args.redis } : {}),
    },
    root,
  );
  // Logs at info as in production, serialised and dropped: their cost is part of a turn's.
  const app = await compose(config, createLogger('info', () => undefined));
  const { server } = await buildServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const plan = (base: string): LoadPlan => ({
    target: { base, secret: SECRET, publicUrl: PUBLIC_URL, authToken: AUTH_TOKEN },
    mode: args.mode,
    concurrency: args.concurrency,
    rate: args.rate,
    conversations: args.conversations,
    durationMs: args.durationS * 1000,
    voiceShare: args.voice,
  });

  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const cpuBefore = process.cpuUsage();
  const bot = await load(plan(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.store.close();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });

  const bare = await startBareServer();
  const baseline = await load(plan(bare.url));
  await bare.close();

  const b = summary(bot);
  const base = summary(baseline);
  const report = {
    mode: args.mode,
    ...(args.mode === 'closed' ? { concurrency: args.concurrency } : { rate: args.rate, conversations: args.conversations }),
    duration_s: args.durationS,
    store: app.store.kind,
    ...b,
    chat_turns: bot.turns.chat,
    voice_turns: bot.turns.voice,
    error_kinds: bot.errors,
    peak_rss_mb: round(peakRss / 2 ** 20),
    rss_before_mb: round(rssBefore / 2 ** 20),
    cpu_ms_per_turn: b.turns ? round((cpu.user + cpu.system) / 1000 / b.turns, 2) : null,
    client_cpu_ms_per_turn: bot.sent ? round(bot.clientCpuMs / bot.sent, 2) : null,
    offered_turns_per_s: round(bot.sent / (bot.elapsedMs / 1000)),
    baseline_turns_per_s: base.turns_per_s,
    baseline_p50_ms: base.p50_ms,
    baseline_p99_ms: base.p99_ms,
    baseline_errors: base.errors,
    ratio_to_baseline: base.turns_per_s ? round(b.turns_per_s / base.turns_per_s, 3) : null,
    load_average: loadavg().map((l) => round(l, 2)),
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const load1 = report.load_average[0];
  console.log(`bench:load — ${args.mode === 'closed' ? `closed loop, ${args.concurrency} customers` : `open loop, ${args.rate} turns/s over ${args.conversations}+ conversations`}, ${args.durationS} s, ${Math.round(args.voice * 100)}% on the phone, store ${report.store}`);
  console.log(`  bot:       ${b.turns_per_s} turns/s  p50 ${b.p50_ms} ms  p95 ${b.p95_ms} ms  p99 ${b.p99_ms} ms  errors ${b.errors}${b.errors ? ` ${JSON.stringify(bot.errors)}` : ''}`);
  console.log(`             ${bot.turns.chat} chat turns, ${bot.turns.voice} voice turns; peak RSS ${report.peak_rss_mb} MB (${report.rss_before_mb} MB before); ${report.cpu_ms_per_turn} ms CPU a turn (the load client ${report.client_cpu_ms_per_turn} ms)`);
  if (args.mode === 'open') console.log(`             offered ${report.offered_turns_per_s} turns/s`);
  console.log(`  bare:      ${base.turns_per_s} turns/s  p50 ${base.p50_ms} ms  p99 ${base.p99_ms} ms  errors ${base.errors}`);
  console.log(`  ratio:     ${report.ratio_to_baseline} of the bare handler's turns/s (load average ${load1} on ${cpus().length} cores)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
