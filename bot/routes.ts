/**
 * The routes of a composed app: health and queues, then every channel the
 * app serves (`servedChannels` in compose.ts), each mounting its own routes.
 * Only mounting: every implementation choice is made in `compose.ts`.
 */
import type { Server } from 'restify';
import { MountedChannels } from './channels/host';
import type { App } from './compose';
import { createServer } from './restify-server';
import { Lifecycle } from './lifecycle';

export async function buildServer(app: App): Promise<{ server: Server; mounted: MountedChannels; lifecycle: Lifecycle }> {
  const { config, log, engine } = app;
  const server = createServer({
    log,
    health: () => ({ intents: engine.current.content.intents.size }),
    queues: config.QUEUES_API === 'on' ? () => app.queue.list() : null,
  });
  // /livez and /readyz; SIGTERM drains through it (bot/index.ts).
  const lifecycle = new Lifecycle(server, { contentLoaded: () => engine.current.content.intents.size > 0, ping: () => app.store.ping(), log });
  lifecycle.register(server);
  const mounted = new MountedChannels();
  for (const channel of app.served) mounted.set(channel, await channel.mount(server, app));
  return { server, mounted, lifecycle };
}
