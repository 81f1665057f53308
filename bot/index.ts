/**
 * Start-up: read the settings, compose, listen. A broken setting or content
 * file stops start-up with one line that says what to mend.
 */
import { existsSync } from 'node:fs';
import { directLineChannel } from './channels/directline/channel';
import { buildBrain, compose } from './compose';
import { watchContent } from './content/watch';
import { ConfigError, readConfig, type Config } from './config';
import { ContentError } from './content/yaml-file';
import { createLogger, type Logger } from './log';
import { buildServer } from './routes';

/** How long a shutdown waits for turns in flight; the store closes after. */
const DRAIN_MS = 8000;
/** A shutdown that takes longer than this exits anyway (code 1). */
const SHUTDOWN_LIMIT_MS = 9500;

async function main(): Promise<void> {
  // The .env of the working directory (`cp .env.example .env`); a variable set in the environment wins over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  // `npm start` passes --demo: the two-command start is a demo; anything else starts safe.
  const config = readConfig(process.env, process.cwd(), process.argv.includes('--demo') ? 'demo' : undefined);
  const log = createLogger(config.LOG_LEVEL);
  if (config.FRONTLINE_MODE === 'demo') announceDemo(config, log);
  const app = await compose(config, log);
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
  server.listen(config.PORT, config.HOST, () => {
    const host = ['0.0.0.0', '::'].includes(config.HOST) ? 'localhost' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    log.info('listening', { url: `http://${host}:${server.address().port}/`, mode: config.FRONTLINE_MODE, trainMs: app.trainMs });
    // Demo agents' passwords exist only in demo mode (production refuses an agent without a hash).
    const demoAgents = config.FRONTLINE_MODE === 'demo' ? (app.agents?.demoPasswords ?? []) : [];
    if (demoAgents.length) {
      const lines = demoAgents.map((a) => `  ${a.id.padEnd(8)} ${a.password}   ${a.name} (${a.queues.join(', ')})`);
      process.stderr.write(`*** Agent desk: http://${host}:${server.address().port}/agent — demo agents, passwords for this start only:\n${lines.join('\n')}\n`);
      // Logs are shipped: the passwords are for the person at this terminal only.
      log.warn('desk.demo_agents', { agents: demoAgents.map((a) => ({ id: a.id, queues: a.queues })) });
    }
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

/** Demo mode is never a surprise: one loud line on stderr and one in the log. */
function announceDemo(config: Config, log: Logger): void {
  const conveniences = [
    config.DEMO_SIGN_IN === 'true' && 'demo sign-in',
    config.QUEUES_API === 'on' && 'GET /api/queues (personal data)',
    config.BOTFRAMEWORK_CHANNEL === 'on' && !config.MicrosoftAppId && 'unauthenticated /api/messages (loopback replies only)',
    !config.DIRECTLINE_SECRET && 'a made-up Direct Line secret',
    !config.CI_API_URL && 'the demo customers file',
  ].filter((c): c is string => typeof c === 'string');
  process.stderr.write(`*** DEMO MODE: ${conveniences.join(', ')}. Not for real customers: set FRONTLINE_MODE=production. ***\n`);
  log.warn('DEMO_MODE', { host: config.HOST, conveniences, hint: 'set FRONTLINE_MODE=production for real customers' });
}

main().catch((err: unknown) => {
  if (err instanceof ContentError || err instanceof ConfigError) {
    process.stderr.write(`Frontline cannot start: ${err.message}\n`);
  } else {
    process.stderr.write(`Frontline cannot start: ${(err as Error).name}: ${(err as Error).message}\n`);
  }
  process.exit(1);
});
