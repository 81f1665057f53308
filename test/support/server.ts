/** The whole app over HTTP, in-process, on a free port, with a clock the test controls. */
import { ProcessRunner } from '../../bot/desk/processes';
import { LeaseLock } from '../../integrations/state/lease-lock';
import type { AddressInfo, Socket } from 'node:net';
import type { Server } from 'restify';
import { compose, type App } from '../../bot/compose';
import type { Store } from '../../bot/engine/store';
import type { VoiceChannel } from '../../bot/channels/voice/routes';
import { voiceChannel } from '../../bot/channels/voice/channel';
import { directLineChannel } from '../../bot/channels/directline/channel';
import { SmsOutbox } from '../../integrations/sms/outbox';
import { readConfig } from '../../bot/config';
import type { DirectLine } from '../../bot/channels/directline/routes';
import type { Desk } from '../../bot/desk/desk';
import type { DeskRoutes } from '../../bot/desk/routes';
import { buildServer } from '../../bot/routes';
import { silentLogger, type Logger } from '../../bot/log';
import type { ProfileSource } from '../../bot/engine/ports';
import { demoBrain, root, TODAY } from './harness';

export const SECRET = 'test-directline-secret-0123456789abcdef';

export interface RunningApp {
  url: string;
  server: Server;
  directLine: DirectLine;
  voice: VoiceChannel;
  app: App;
  sms: SmsOutbox;
  /** Where desk features mount (null: no desk). */
  deskRoutes: DeskRoutes | null;
  /** Moves the app's clock. */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** Starts the app; `PUBLIC_URL` is set to where it listens unless the env gives one. `store`: a store the test opened (SQLite, Redis). */
export async function startApp(
  env: Record<string, string> = {},
  overrides: { log?: Logger; profiles?: ProfileSource; store?: Store; desk?: Desk } = {},
): Promise<RunningApp> {
  let now = TODAY.getTime();
  const config = readConfig(
    { PORT: '0', DIRECTLINE_SECRET: SECRET, LOG_LEVEL: 'silent', DEMO_FIXED_DATES: 'true', DATA_DIR: '', ...env },
    root,
    // What `npm start` runs (its --demo); a test asks for production with FRONTLINE_MODE or NODE_ENV.
    'demo',
  );
  const sms = new SmsOutbox();
  const app = await compose(config, overrides.log ?? silentLogger, {
    clock: { now: () => new Date(now) },
    sms,
    brain: demoBrain(),
    ...(overrides.profiles ? { profiles: overrides.profiles } : {}),
    ...(overrides.store ? { store: overrides.store } : {}),
  });
  // A test of the desk's web side alone serves an in-memory desk (test/support/fake-desk.ts).
  if (overrides.desk) {
    app.desk = overrides.desk;
    // Guided processes note on the desk they run against: rebuilt on the in-memory one, as compose builds it.
    app.processes = new ProcessRunner({
      desk: overrides.desk,
      content: () => app.engine.current.content,
      profiles: app.profiles,
      backOffice: app.backOffice,
      store: app.store,
      lock: new LeaseLock(app.store.leases, app.clock),
      clock: app.clock,
      log: app.log,
    });
  }
  const { server, mounted, desk } = await buildServer(app);
  const directLine = mounted.get(directLineChannel);
  const voice = mounted.get(voiceChannel);
  const connections = tracked(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    directLine,
    voice,
    app,
    sms,
    deskRoutes: desk,
    advance: (ms) => void (now += ms),
    close: async () => {
      await app.taskRouter?.stop();
      await closeServer(server, connections);
    },
  };
}

/** The server's open connections, upgraded ones (Web Chat streams) included. */
function tracked(server: Server): Set<Socket> {
  const open = new Set<Socket>();
  server.server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return open;
}

/**
 * Closes the server. A connection a client still holds 3 s later is cut and
 * named on stderr: a test's teardown must not wait on a peer for ever (jest
 * runs in band, so one hung close holds the whole suite).
 */
async function closeServer(server: Server, open: Set<Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const late = setTimeout(() => {
    const which = [...open].map((s) => `:${s.remotePort ?? '?'} (read ${s.bytesRead} B, ${s.readableFlowing === false ? 'paused' : 'flowing'})`);
    process.stderr.write(`startApp: ${open.size} connection(s) still open 3 s after close, cut: ${which.join(', ')}\n`);
    for (const socket of open) socket.destroy();
  }, 3000);
  await closed;
  clearTimeout(late);
}

/**
 * One app for a whole test file (as the desk tests share one): started before its tests, closed
 * after them. Read `.app` inside a test or hook.
 */
export function appPerFile(env: Record<string, string> = {}): { readonly app: RunningApp } {
  let running: RunningApp | undefined;
  beforeAll(async () => {
    running = await startApp(env);
  });
  afterAll(async () => {
    await running?.close();
  });
  return {
    get app(): RunningApp {
      if (!running) throw new Error('the app starts in beforeAll');
      return running;
    },
  };
}
