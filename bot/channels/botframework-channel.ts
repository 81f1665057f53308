/**
 * The Azure Bot Service channel (`POST /api/messages`, conversation ids
 * `botframework:<channelId>:<id>`), when BOTFRAMEWORK_CHANNEL is on. The SDK
 * is loaded only then: it is heavy, and most deployments do not use it.
 */
import { chat } from './activity';
import type { ChannelModule } from './host';
import type { OutboundChannel } from '../engine/outbound';

export const botFrameworkChannel: ChannelModule<OutboundChannel | null> = {
  ...chat,
  async mount(server, app) {
    const { config } = app;
    if (config.BOTFRAMEWORK_CHANNEL !== 'on') return null;
    // require, not import(): `npm start` loads TypeScript through tsx's CommonJS hook alone (one process, no loader thread).
    const { registerBotFramework } = require('./botframework') as typeof import('./botframework');
    const botFramework = registerBotFramework(server, {
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
    });
    app.outbound.register('botframework', botFramework);
    return botFramework;
  },
};
