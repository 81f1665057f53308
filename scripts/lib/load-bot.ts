/**
 * The bot under `npm run bench:load` and `scripts/profile-turns.ts`: composed
 * as `npm start` composes it (compose() and its routes, the SQLite store in a
 * fresh DATA_DIR, or Redis), listening on 127.0.0.1; and the forked load
 * client that drives it, so the bot's process holds only the bot.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { compose, type App } from '../../bot/compose';
import { keptModels, readConfig } from '../../bot/config';
import { createLogger } from '../../bot/log';
import { buildServer } from '../../bot/routes';
import { directLineChannel } from '../../bot/channels/directline/channel';
import { stopSweeps } from '../../bot/instance';
import type { LoadPlan, LoadResult } from './load-client';

const root = join(__dirname, '..', '..');
export const SECRET = 'bench-directline-secret-0123456789abcdef';
export const AUTH_TOKEN = 'bench-twilio-auth-token-0123456789';
export const PUBLIC_URL = 'https://bench.frontline.test';

export interface BenchBot {
  app: App;
  url: string;
  close(): Promise<void>;
}

/** The bench's settings: demo mode with known secrets, fixed dates, no reload, the kept model; SQLite in `dataDir` or Redis. */
export function benchEnv(options: { redis: string | null; dataDir: string }): Record<string, string> {
  return {
    FRONTLINE_MODE: 'demo', PORT: '0', DIRECTLINE_SECRET: SECRET, TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL,
    DEMO_FIXED_DATES: 'true', CONTENT_RELOAD: 'off', DATA_DIR: options.dataDir, MODEL_CACHE_DIR: keptModels(),
    ...(options.redis ? { REDIS_URL: options.redis } : {}),
  };
}

/** Starts the bot on SQLite in `dataDir` (a fresh temporary folder when null), on Redis at `redis`, or in memory. */
export async function startBenchBot(options: { redis: string | null; dataDir: string | null; memory?: boolean; env?: Record<string, string> }): Promise<BenchBot> {
  const tempDir = options.redis || options.dataDir || options.memory ? null : mkdtempSync(join(tmpdir(), 'frontline-bench-'));
  const config = readConfig({ ...benchEnv({ redis: options.redis, dataDir: options.dataDir ?? tempDir ?? '' }), ...options.env }, root);
  // Logs at info as in production, serialised and dropped: their cost is part of a turn's.
  const app = await compose(config, createLogger('info', () => undefined));
  const { server, mounted } = await buildServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    app,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      // As `npm start`'s shutdown: streams closed first (their 'closed' reports written), then the server,
      // and the sweeps end their round before the store closes under them.
      const directLine = mounted.get(directLineChannel);
      await directLine?.streams.goingAway();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopSweeps(app, directLine);
      await app.store.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs one plan in a forked load client (under tsx, or compiled when this file is); `onMeasuring` is
 * called when its warm-up is over and the measured load begins.
 */
export function runForked(plan: LoadPlan, onMeasuring: () => void = () => undefined): Promise<LoadResult> {
  const ts = extname(__filename) === '.ts';
  const child = fork(join(__dirname, `load-client${ts ? '.ts' : '.js'}`), [], {
    execArgv: ts ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (m) => {
      if ((m as { measuring?: boolean }).measuring) onMeasuring();
      else resolve(m as LoadResult);
    });
    child.once('exit', (code) => reject(new Error(`the load client exited with ${code}`)));
    child.send(plan);
  });
}
