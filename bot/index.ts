/**
 * Start-up: read the settings, compose, listen. A broken setting or content
 * file stops start-up with one line that says what to mend.
 */
import { buildBrain, compose } from './compose';
import { watchContent } from './content/watch';
import { ConfigError, readConfig } from './config';
import { ContentError } from './content/yaml-file';
import { createLogger } from './log';
import { buildServer } from './http';

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger(config.LOG_LEVEL);
  const app = await compose(config, log);
  const { server } = buildServer(app);
  const watcher =
    config.CONTENT_RELOAD === 'on'
      ? watchContent(config.CONTENT_DIR, buildBrain, (brain) => app.engine.swap(brain), log)
      : null;
  // Expired conversations, histories and dedupe records leave the store every minute.
  const purge = setInterval(() => {
    app.store.purge(app.clock.now().getTime()).catch((err: unknown) => log.warn('store.purge_failed', { error: (err as Error).name }));
  }, 60_000);
  purge.unref();
  server.listen(config.PORT, config.HOST, () => {
    log.info('listening', { url: `http://localhost:${server.address().port}/`, trainMs: app.trainMs });
  });
  const stop = () => {
    watcher?.close();
    clearInterval(purge);
    server.close(() => void app.store.close().finally(() => process.exit(0)));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  if (err instanceof ContentError || err instanceof ConfigError) {
    process.stderr.write(`Frontline cannot start: ${err.message}\n`);
  } else {
    process.stderr.write(`Frontline cannot start: ${(err as Error).name}: ${(err as Error).message}\n`);
  }
  process.exit(1);
});
