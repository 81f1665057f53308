/**
 * The Azure Bot Service channel (`POST /api/messages`, conversation ids
 * `botframework:<channelId>:<id>`), when BOTFRAMEWORK_CHANNEL is on. The SDK
 * is heavy (about a second of CPU and tens of MB) and most deployments, and
 * most demo starts, never receive an activity: it is loaded on the channel's
 * first request or outbound message, not at start.
 */
import type { BotFramework } from './botframework';
import { chat } from './activity';
import type { ChannelModule } from './host';
import type { OutboundChannel } from '../engine/outbound';
import type { Request, Response } from 'restify';

export const botFrameworkChannel: ChannelModule<OutboundChannel | null> = {
  ...chat,
  async mount(server, app) {
    const { config } = app;
    if (config.BOTFRAMEWORK_CHANNEL !== 'on') return null;
    let sdk: BotFramework | null = null;
    // require, not import(): `npm start` loads TypeScript through tsx's CommonJS hook alone (one process, no loader thread).
    const loaded = (): BotFramework => (sdk ??= (require('./botframework') as typeof import('./botframework')).botFramework(options));
    const options = {
      conversations: app.conversations,
      log: app.log,
      appId: config.MicrosoftAppId,
      appPassword: config.MicrosoftAppPassword,
      appType: config.MicrosoftAppType,
      tenantId: config.MicrosoftAppTenantId,
      store: app.store,
      now: () => app.clock.now().getTime(),
      ttlMs: config.STATE_TTL_MINUTES * 60_000,
      maxMessageChars: config.MESSAGE_MAX_CHARS,
    };
    // async: restify tells a promise-returning handler from a callback one by its kind.
    server.post('/api/messages', async (req: Request, res: Response) => loaded().handle(req, res));
    const outbound: OutboundChannel = { write: (conversationId, message) => loaded().write(conversationId, message) };
    app.outbound.register('botframework', outbound);
    return outbound;
  },
};
