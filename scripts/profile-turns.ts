/**
 * Where a turn's CPU goes: the bot as `npm run bench:load` runs it, driven
 * by the same forked load client, with the V8 profiler on for the load only
 * (not start-up). Prints the functions with the most self time, by source
 * file and line (tsx's source maps), and writes the .cpuprofile for DevTools.
 *
 *   npx tsx scripts/profile-turns.ts [--concurrency N | --rate R] [--duration S] [--voice F] [--out FILE] [--top K] [--inclusive]
 */
import { writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';
import { findSourceMap } from 'node:module';
import { relative, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadPlan } from './lib/load-client';
import { AUTH_TOKEN, PUBLIC_URL, SECRET, runForked, startBenchBot } from './lib/load-bot';

const root = join(__dirname, '..');
const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const out = argv.includes('--out') ? argv[argv.indexOf('--out') + 1]! : 'turns.cpuprofile';

function post<T>(session: Session, method: string): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result as T))));
}

/** "function file:line" in the sources, where a source map knows it. */
function place(frame: Profiler.ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const path = frame.url.startsWith('file:') ? fileURLToPath(frame.url) : frame.url;
  const entry = findSourceMap(path)?.findEntry(frame.lineNumber, frame.columnNumber);
  const file = entry && 'originalSource' in entry ? entry.originalSource : path;
  const line = entry && 'originalLine' in entry ? entry.originalLine + 1 : frame.lineNumber + 1;
  return `${name} ${relative(root, file.startsWith('file:') ? fileURLToPath(file) : file)}:${line}`;
}

async function main(): Promise<void> {
  const bot = await startBenchBot({ redis: null, dataDir: null });
  // Two seconds of the same load first, in the same run: the first turns compile the code, the pool drifts out of step.
  const plan: LoadPlan = {
    target: { base: bot.url, secret: SECRET, publicUrl: PUBLIC_URL, authToken: AUTH_TOKEN },
    mode: argv.includes('--rate') ? 'open' : 'closed',
    concurrency: flag('--concurrency', 50),
    rate: flag('--rate', 200),
    conversations: flag('--conversations', 500),
    durationMs: flag('--duration', 10) * 1000,
    warmupMs: 2000,
    voiceShare: flag('--voice', 0.3),
  };
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  let cpu = process.cpuUsage();
  let started: Promise<unknown> = Promise.resolve();
  const result = await runForked(plan, () => {
    cpu = process.cpuUsage();
    started = post(session, 'Profiler.start');
  });
  const used = process.cpuUsage(cpu);
  await started;
  const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop');
  session.disconnect();
  await bot.close();
  writeFileSync(out, JSON.stringify(profile));

  // Self time by function; with --inclusive, time in a function and what it calls.
  const inclusive = argv.includes('--inclusive');
  const times = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  let total = 0;
  profile.samples!.forEach((id, i) => {
    const dt = profile.timeDeltas![i + 1] ?? 0;
    total += dt;
    const keys = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = inclusive ? parent.get(at) : undefined) keys.add(place(byId.get(at)!.callFrame));
    for (const key of keys) times.set(key, (times.get(key) ?? 0) + dt);
  });
  const turns = result.turns.chat + result.turns.voice;
  console.log(`${turns} turns, ${((used.user + used.system) / 1000 / turns).toFixed(2)} ms CPU a turn; profile in ${out}`);
  for (const [key, us] of [...times].sort((a, b) => b[1] - a[1]).slice(0, flag('--top', 40)))
    console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
