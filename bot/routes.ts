/**
 * The routes of a composed app: health and queues, the Direct Line
 * endpoint and web chat page, the Bot Framework channel and the phone.
 * Only mounting: every implementation choice is made in `compose.ts`.
 */
import type { Server } from 'restify';
import { registerBotFramework } from './channels/botframework';
import { DirectLine } from './channels/directline/routes';
import { VoiceChannel } from './channels/voice/routes';
import { registerWebChatPage } from './channels/webchat/routes';
import type { App } from './compose';
import { createServer } from './restify-server';

export function buildServer(app: App): { server: Server; directLine: DirectLine; voice: VoiceChannel } {
  const { config, log, engine } = app;
  const server = createServer({
    log,
    health: () => ({ intents: engine.current.content.intents.size }),
    queues: config.QUEUES_API === 'on' ? () => app.queue.list() : null,
  });
  const directLine = new DirectLine({
    conversations: app.conversations,
    secret: app.channels.directLineSecret,
    log,
    now: () => app.clock.now(),
    tokenTtlSeconds: config.DIRECTLINE_TOKEN_TTL_SECONDS,
    ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
  });
  directLine.register(server);
  app.outbound.register('directline', directLine);
  server.server.on('upgrade', (req, socket, head) => {
    if (!directLine.streams.handleUpgrade(req, socket, head)) socket.destroy();
  });
  server.on('close', () => directLine.streams.close());
  registerWebChatPage(server, {
    directLine,
    title: app.conversations.content().botName,
    locale: app.conversations.content().language,
    demoCustomers: app.channels.demoCustomers,
  });
  if (config.BOTFRAMEWORK_CHANNEL === 'on') {
    const botFramework = registerBotFramework(server, {
      conversations: app.conversations,
      log,
      appId: config.MicrosoftAppId,
      appPassword: config.MicrosoftAppPassword,
      appType: config.MicrosoftAppType,
      tenantId: config.MicrosoftAppTenantId,
    });
    app.outbound.register('botframework', botFramework);
  }
  const voice = new VoiceChannel({
    conversations: app.conversations,
    log,
    verify: app.channels.twilioVerify,
    handoff: app.channels.voiceHandoff,
    sms: app.sms,
    deadlineMs: config.VOICE_DEADLINE_MS,
    publicUrl: config.PUBLIC_URL ?? '',
    now: () => app.clock.now(),
    ...(config.VOICE_TTS_VOICE ? { ttsVoice: config.VOICE_TTS_VOICE } : {}),
  });
  voice.register(server);
  return { server, directLine, voice };
}
