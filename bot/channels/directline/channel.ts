/**
 * Web chat: the Direct Line 3.0 endpoint (with its WebSocket streams and
 * outbound side, conversation ids `directline:<id>`) and the page that talks
 * to it.
 */
import { chat } from '../activity';
import type { ChannelModule } from '../host';
import { registerWebChatPage } from '../webchat/routes';
import { DirectLine } from './routes';

export const directLineChannel: ChannelModule<DirectLine> = {
  ...chat,
  mount(server, app) {
    const { config, log } = app;
    const directLine = new DirectLine({
      conversations: app.conversations,
      store: app.store,
      secret: app.channels.directLineSecret,
      log,
      now: () => app.clock.now(),
      tokenTtlSeconds: config.DIRECTLINE_TOKEN_TTL_SECONDS,
      maxActivityBytes: config.DIRECTLINE_MAX_ACTIVITY_BYTES,
      maxMessageChars: config.MESSAGE_MAX_CHARS,
      messageRate: { burst: config.MESSAGE_RATE_BURST, perMinute: config.MESSAGE_RATE_PER_MINUTE },
      maxConversations: config.DIRECTLINE_MAX_CONVERSATIONS,
      typingDelayMs: config.WEBCHAT_TYPING_DELAY_MS,
      idleMinutes: config.STATE_TTL_MINUTES,
      away: app.away,
      ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
    });
    directLine.register(server);
    app.outbound.register('directline', directLine);
    server.server.on('upgrade', (req, socket, head) => {
      if (!directLine.streams.handleUpgrade(req, socket, head)) socket.destroy();
    });
    // Every instance sweeps; the store's outbox lease gives each gone customer to one of them.
    directLine.away.start();
    server.on('close', () => {
      void directLine.away.stop();
      directLine.close();
    });
    registerWebChatPage(server, {
      directLine,
      title: app.conversations.content().botName,
      locale: app.conversations.content().language,
      demoCustomers: app.channels.demoCustomers,
      tokensPerMinute: config.WEBCHAT_TOKENS_PER_MINUTE,
      buckets: app.store.records,
      now: () => app.clock.now().getTime(),
      trustProxy: config.TRUST_PROXY,
    });
    return directLine;
  },
};
