/**
 * WORKERS > 1: the primary process forks the workers, which each compose and
 * listen on PORT (node:cluster shares it and hands them connections in
 * turn). The primary serves nothing itself: it relays the bus between the
 * workers (SQLite; Redis has pub/sub), restarts a worker that dies (after a
 * pause that grows while they keep dying), and on SIGTERM or SIGINT passes
 * the signal on and exits 0 once every worker finished its graceful
 * shutdown. What demo mode makes up comes from one seed the workers share.
 */
import cluster, { type Worker } from 'node:cluster';
import { createHmac, randomBytes } from 'node:crypto';
import { isBusMessage } from '../integrations/state/cluster-bus';
import type { Logger } from './log';

/** The environment variable that hands the workers their shared seed. */
const SEED_ENV = 'FRONTLINE_DEMO_SEED';
/** A restart waits this long, doubled for each other death in the last minute, at most RESTART_MAX_MS. */
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;
const RESTART_WINDOW_MS = 60_000;

/** How long to wait before starting a worker again, given the deaths in the last minute (this one included). */
export function restartDelayMs(recentDeaths: number): number {
  return Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** Math.max(0, recentDeaths - 1));
}

/** This start's seed: the primary's (in a worker), else fresh. */
export function startSeed(): Buffer {
  const given = cluster.isWorker ? process.env[SEED_ENV] : undefined;
  return given && /^[0-9a-f]{64}$/.test(given) ? Buffer.from(given, 'hex') : randomBytes(32);
}

/** A value demo mode makes up, the same in every worker of one start (they share `seed`). */
export function madeUp(seed: Buffer, what: string, bytes: number): string {
  return createHmac('sha256', seed).update(what).digest().subarray(0, bytes).toString('base64url');
}

/** Demo agents' passwords from a start's seed: every worker accepts the ones the primary printed. */
export function demoAgentPasswords(seed: Buffer): (id: string) => string {
  return (id) => madeUp(seed, `agent:${id}`, 9);
}

export interface PrimaryOptions {
  workers: number;
  seed: Buffer;
  log: Logger;
  /** Once, when the first worker listens (the demo agents' passwords are printed then). */
  onListening(port: number): void;
  /** Past this, a shutdown kills what is left and exits 1 (the workers' own limit comes first). */
  limitMs: number;
}

/** Runs the primary until every worker is gone after a signal (exit 0 when each shut down cleanly). */
export function runPrimary(options: PrimaryOptions): void {
  const { log } = options;
  let stopping = false;
  let listened = false;
  let clean = true;
  let deaths: number[] = [];
  const restarts = new Set<NodeJS.Timeout>();
  const alive = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w) && !w!.isDead());

  const fork = () => {
    const worker = cluster.fork({ [SEED_ENV]: options.seed.toString('hex') });
    // The bus: what one worker publishes, every other worker hears.
    worker.on('message', (message: unknown) => {
      if (!isBusMessage(message)) return;
      for (const other of alive()) if (other !== worker && other.isConnected()) other.send(message, undefined, () => undefined);
    });
    log.info('worker.started', { worker: worker.id, pid: worker.process.pid ?? 0 });
  };

  cluster.on('listening', (_worker, address) => {
    if (listened) return;
    listened = true;
    options.onListening(address.port);
  });

  cluster.on('exit', (worker, code, signal) => {
    const pid = worker.process.pid ?? 0;
    if (stopping) {
      if (code !== 0) clean = false;
      log.info('worker.stopped', { worker: worker.id, pid, code, signal });
      if (!alive().length) finish();
      return;
    }
    if (!listened) {
      // It never served: a start-up failure (content, store) that a restart would only repeat.
      log.error('workers.start_failed', { worker: worker.id, pid, code, signal });
      clean = false;
      stop('SIGTERM');
      return;
    }
    const now = Date.now();
    deaths = [...deaths.filter((t) => now - t < RESTART_WINDOW_MS), now];
    const restartInMs = restartDelayMs(deaths.length);
    log.error('worker.died', { worker: worker.id, pid, code, signal, restartInMs });
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (!stopping) fork();
    }, restartInMs);
    restarts.add(timer);
  });

  const finish = () => {
    log.info('shutdown.done', { workers: options.workers, clean });
    process.exit(clean ? 0 : 1);
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('shutdown.started', { signal, workers: alive().length });
    for (const timer of restarts) clearTimeout(timer);
    setTimeout(() => {
      log.error('shutdown.forced', { afterMs: options.limitMs, left: alive().length });
      for (const worker of alive()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, options.limitMs).unref();
    // Each worker drains on its own (stops accepting, closes streams, finishes turns in flight).
    for (const worker of alive()) worker.process.kill(signal);
    if (!alive().length) finish();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  log.info('workers.starting', { workers: options.workers });
  for (let i = 0; i < options.workers; i++) fork();
}
