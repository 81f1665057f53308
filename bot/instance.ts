/**
 * One process serving PORT: compose, listen, purge on a timer, hot reload,
 * and SIGTERM's graceful shutdown. `npm start` runs one; with WORKERS > 1
 * each worker process runs one (bot/cluster.ts).
 */
import { directLineChannel } from './channels/directline/channel';
import { buildBrain, compose, type App, type ComposeOverrides } from './compose';
import type { DirectLine } from './channels/directline/routes';
import { watchContent } from './content/watch';
import type { Config } from './config';
import { baseUrl, printDemoAgents } from './banner';
import type { Logger } from './log';
import { buildServer } from './routes';

/** How long a shutdown waits for turns in flight; the store closes after. */
export const DRAIN_MS = 8000;
/** A shutdown that takes longer than this exits anyway (code 1). */
export const SHUTDOWN_LIMIT_MS = 9500;

/**
 * Serves until SIGTERM or SIGINT. `deskBanner`: print the demo agents' passwords once listening
 * (a worker leaves it to the primary, which prints them once for all).
 */
export async function serve(config: Config, log: Logger, options: { overrides?: ComposeOverrides; deskBanner: boolean }): Promise<void> {
  const app = await compose(config, log, options.overrides);
  const { server, mounted, lifecycle } = await buildServer(app);
  // Web Chat's streams are told to go away first: their clients reconnect with their watermark.
  const directLine = app.served.includes(directLineChannel) ? mounted.get(directLineChannel) : null;
  const watcher =
    config.CONTENT_RELOAD === 'on'
      ? watchContent(config.CONTENT_DIR, (dir) => buildBrain(dir, config.MODEL_CACHE_DIR), (brain) => app.engine.swap(brain), log)
      : null;
  // Expired conversations, histories and dedupe records leave the store every minute.
  const purge = setInterval(() => {
    app.store.purge(app.clock.now().getTime()).catch((err: unknown) => log.warn('store.purge_failed', { error: (err as Error).name }));
  }, 60_000);
  purge.unref();
  // A port another process holds is a start-up mistake to name, not a stack trace.
  server.once('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') throw err;
    const why = err.code === 'EADDRINUSE' ? 'is in use by another process' : 'needs privileges this process does not have';
    process.stderr.write(`Frontline cannot start: port ${config.PORT} on ${config.HOST} ${why}: stop that process, or set PORT (PORT=3979 npm start)\n`);
    process.exit(1);
  });
  server.listen(config.PORT, config.HOST, () => {
    const base = baseUrl(config, server.address().port);
    log.info('listening', { url: base, mode: config.FRONTLINE_MODE, trainMs: app.trainMs });
    // Demo agents' passwords exist only in demo mode (production refuses an agent without a hash).
    if (options.deskBanner && config.FRONTLINE_MODE === 'demo') printDemoAgents(app.agents?.demoPasswords ?? [], base, log);
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A second signal (the process group and a supervisor both send one) changes nothing.
    if (stopping) return;
    stopping = true;
    log.info('shutdown.started', { signal });
    // Orchestrators kill after their grace period (Kubernetes: 30 s, many: 10 s): never come near it.
    setTimeout(() => {
      log.error('shutdown.forced', { afterMs: SHUTDOWN_LIMIT_MS });
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    watcher?.close();
    clearInterval(purge);
    void lifecycle
      .shutdown(() => directLine?.streams.goingAway() ?? Promise.resolve(), DRAIN_MS)
      .then(async (drained) => {
        await stopSweeps(app, directLine);
        await app.handoffWebhook?.stop();
        await app.taskRouter?.stop();
        await app.store.close();
        log.info('shutdown.done', { drained });
        process.exit(0);
      })
      .catch((err: unknown) => {
        log.error('shutdown.failed', { error: (err as Error).name });
        process.exit(1);
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * Stops the desk's sweeps (web chat's away watch, offer deadlines), waiting for a round under way and for
 * the stream reports being written: after the streams and the server closed, before the store closes.
 */
export async function stopSweeps(app: App, directLine: DirectLine | null | undefined): Promise<void> {
  await Promise.all([directLine?.away.stop(), app.desk.offerSweep?.stop()]);
}
