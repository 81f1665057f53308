/**
 * What the person at the terminal reads at start-up (stderr), once per
 * start however many workers serve: demo mode said aloud, and the demo
 * agents' passwords.
 */
import type { Config } from './config';
import type { DemoPassword } from './desk/agents';
import type { Logger } from './log';

/** Demo mode is never a surprise: one loud line on stderr and one in the log. */
export function announceDemo(config: Config, log: Logger): void {
  const conveniences = [
    config.DEMO_SIGN_IN === 'true' && 'demo sign-in',
    config.QUEUES_API === 'on' && 'GET /api/queues (the waiting contacts, for signed-in agents)',
    config.BOTFRAMEWORK_CHANNEL === 'on' && !config.MicrosoftAppId && 'unauthenticated /api/messages (loopback replies only)',
    !config.DIRECTLINE_SECRET && 'a made-up Direct Line secret',
    !config.CI_API_URL && 'the demo customers file',
  ].filter((c): c is string => typeof c === 'string');
  process.stderr.write(`*** DEMO MODE: ${conveniences.join(', ')}. Not for real customers: set FRONTLINE_MODE=production. ***\n`);
  log.warn('DEMO_MODE', { host: config.HOST, conveniences, hint: 'set FRONTLINE_MODE=production for real customers' });
}

/** The URL a person opens: a wildcard host is reached as localhost. */
export function baseUrl(config: Config, port: number): string {
  const host = ['0.0.0.0', '::'].includes(config.HOST) ? 'localhost' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return `http://${host}:${port}/`;
}

/** The demo agents and their passwords, for the person at this terminal (stderr), once per start. */
export function printDemoAgents(demoAgents: DemoPassword[], base: string, log: Logger): void {
  if (!demoAgents.length) return;
  const lines = demoAgents.map((a) => `  ${a.id.padEnd(8)} ${a.password}   ${a.name} (${a.queues.join(', ')})`);
  process.stderr.write(`*** Agent desk: ${base}agent — demo agents, passwords for this start only:\n${lines.join('\n')}\n`);
  // Logs are shipped: the passwords are for the person at this terminal only.
  log.warn('desk.demo_agents', { agents: demoAgents.map((a) => ({ id: a.id, queues: a.queues })) });
}
