/**
 * Start-up: read the settings, then serve in this process (bot/instance.ts),
 * or with WORKERS > 1 start the workers that serve together (bot/cluster.ts).
 * A broken setting or content file stops start-up with one line that says
 * what to mend.
 */
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { announceDemo, baseUrl, printDemoAgents } from './banner';
import { ConfigError, readConfig, type Config } from './config';
import { ContentError } from './content/yaml-file';
import { AgentDirectory, type DemoPassword } from './desk/agents';
import { demoAgentPasswords, runPrimary, startSeed } from './cluster';
import { createLogger, type Logger } from './log';
import { ClusterBus } from '../integrations/state/cluster-bus';

/** The primary's own limit: past the workers' (bot/instance.ts SHUTDOWN_LIMIT_MS), still within 10 s. */
const CLUSTER_SHUTDOWN_LIMIT_MS = 9800;

async function main(): Promise<void> {
  // The .env of the working directory (`cp .env.example .env`); a variable set in the environment wins over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  // `npm start` passes --demo: the two-command start is a demo; anything else starts safe.
  const config = readConfig(process.env, process.cwd(), process.argv.includes('--demo') ? 'demo' : undefined);
  // A worker's lines say which process wrote them.
  const log = createLogger(config.LOG_LEVEL, undefined, cluster.isWorker ? { pid: process.pid } : undefined);
  if (cluster.isPrimary && config.FRONTLINE_MODE === 'demo') announceDemo(config, log);
  if (cluster.isPrimary && config.WORKERS > 1) return startWorkers(config, log);
  // Loaded here, not above: the primary of several workers never needs the bot itself (require, as
  // botframework-channel.ts explains: tsx's CommonJS hook alone).
  const { serve } = require('./instance') as typeof import('./instance');
  // Workers on SQLite hear each other through the primary; on Redis, through Redis.
  const overrides = cluster.isWorker && !config.REDIS_URL ? { bus: new ClusterBus(process) } : {};
  await serve(config, log, { overrides, deskBanner: cluster.isPrimary });
}

/** The primary: forks the workers, and prints the demo agents' passwords once for all of them. */
function startWorkers(config: Config, log: Logger): void {
  const seed = startSeed();
  runPrimary({
    workers: config.WORKERS,
    seed,
    log,
    limitMs: CLUSTER_SHUTDOWN_LIMIT_MS,
    onListening: (port) => {
      if (config.FRONTLINE_MODE === 'demo') printDemoAgents(demoPasswords(config, seed), baseUrl(config, port), log);
    },
  });
}

/** The demo agents' passwords every worker made up from `seed` (none outside demo mode or without AGENTS_FILE). */
function demoPasswords(config: Config, seed: Buffer): DemoPassword[] {
  if (!config.AGENTS_FILE) return [];
  try {
    return AgentDirectory.load(config.AGENTS_FILE, true, demoAgentPasswords(seed)).demoPasswords;
  } catch {
    return []; // the workers say what is wrong with the file
  }
}

main().catch((err: unknown) => {
  if (err instanceof ContentError || err instanceof ConfigError) {
    process.stderr.write(`Frontline cannot start: ${err.message}\n`);
  } else {
    process.stderr.write(`Frontline cannot start: ${(err as Error).name}: ${(err as Error).message}\n`);
  }
  process.exit(1);
});
