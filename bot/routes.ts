/**
 * The routes of a composed app: health and queues, then every channel the
 * app serves (`servedChannels` in compose.ts), each mounting its own routes.
 * Only mounting: every implementation choice is made in `compose.ts`.
 */
import type { Server } from 'restify';
import { MountedChannels } from './channels/host';
import type { App } from './compose';
import { registerCallRoutes } from './desk/calls';
import { registerProcessRoutes } from './desk/process-routes';
import { registerDesk, type DeskRoutes } from './desk/routes';
import { createServer } from './restify-server';
import { Lifecycle } from './lifecycle';

export async function buildServer(app: App): Promise<{ server: Server; mounted: MountedChannels; lifecycle: Lifecycle; desk: DeskRoutes | null }> {
  const { config, log, engine } = app;
  const server = createServer({
    log,
    health: () => ({ intents: engine.current.content.intents.size }),
    unavailable: (err) => app.store.unavailable(err),
  });
  // /livez and /readyz; SIGTERM drains through it (bot/index.ts).
  const lifecycle = new Lifecycle(server, { contentLoaded: () => engine.current.content.intents.size > 0, ping: () => app.store.ping(), log });
  lifecycle.register(server);
  const mounted = new MountedChannels();
  for (const channel of app.served) mounted.set(channel, await channel.mount(server, app));
  // The agent desk at /agent with its API; off without agents (production without AGENTS_FILE).
  // Desk features (guided processes, call screen pops) mount on `desk` with the same session and CSRF checks.
  const desk = app.agents
    ? registerDesk(server, {
        desk: app.desk,
        agents: app.agents,
        records: app.store.records,
        events: app.store.events,
        queues: () => engine.current.content.routing.queues,
        now: () => app.clock.now(),
        secureCookies: config.PUBLIC_URL?.startsWith('https:') ?? false,
        trustProxy: config.TRUST_PROXY,
        queuesApi: config.QUEUES_API === 'on',
        log,
      })
    : null;
  if (desk) {
    registerProcessRoutes(desk, app.processes);
    registerCallRoutes(desk, { desk: app.desk, states: engine });
  }
  return { server, mounted, lifecycle, desk };
}
