/**
 * The HTTP face of a composed app: health and queues, the Direct Line
 * endpoint and web chat page, and the Bot Framework channel.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'restify';
import { registerBotFramework } from './channels/botframework';
import { DirectLine } from './channels/directline/routes';
import { registerWebChatPage } from './channels/webchat/routes';
import type { App } from './compose';
import { createServer } from './server';

export function buildServer(app: App): { server: Server; directLine: DirectLine } {
  const { config, log, engine } = app;
  const server = createServer({
    log,
    health: () => ({ intents: engine.current.content.intents.size }),
    queues: () => app.queue.list(),
  });
  let secret = config.DIRECTLINE_SECRET;
  if (!secret) {
    secret = randomBytes(32).toString('base64url');
    log.warn('directline.ephemeral_secret', { hint: 'DIRECTLINE_SECRET is not set: the web chat page works, outside Direct Line clients cannot get tokens' });
  }
  const directLine = new DirectLine({
    engine,
    secret,
    log,
    now: () => app.clock.now(),
    tokenTtlSeconds: config.DIRECTLINE_TOKEN_TTL_SECONDS,
    botName: engine.current.content.assistant.name,
  });
  directLine.register(server);
  registerWebChatPage(server, {
    directLine,
    title: engine.current.content.assistant.name,
    locale: engine.current.content.assistant.language,
    demoCustomers: () =>
      config.DEMO_SIGN_IN === 'true' && app.demoProfiles
        ? app.demoProfiles.all().map((p) => ({ id: p.id, name: `${p.firstName} ${p.lastName}` }))
        : [],
  });
  if (config.BOTFRAMEWORK_CHANNEL === 'on') {
    if (!config.MicrosoftAppId) log.warn('botframework.unauthenticated', { hint: 'MicrosoftAppId is not set: /api/messages accepts unauthenticated requests (development only)' });
    registerBotFramework(server, {
      engine,
      log,
      appId: config.MicrosoftAppId,
      appPassword: config.MicrosoftAppPassword,
      appType: config.MicrosoftAppType,
      tenantId: config.MicrosoftAppTenantId,
    });
  }
  return { server, directLine };
}
