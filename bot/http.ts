/**
 * The HTTP face of a composed app: health and queues, the Direct Line
 * endpoint and web chat page, and the Bot Framework channel.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'restify';
import { registerBotFramework } from './channels/botframework';
import { DirectLine } from './channels/directline/routes';
import { VoiceChannel } from './channels/voice/routes';
import { registerWebChatPage } from './channels/webchat/routes';
import type { App } from './compose';
import { createServer } from './server';

export function buildServer(app: App): { server: Server; directLine: DirectLine; voice: VoiceChannel } {
  const { config, log, engine } = app;
  const server = createServer({
    log,
    health: () => ({ intents: engine.current.content.intents.size }),
    queues: config.QUEUES_API === 'on' ? () => app.queue.list() : null,
  });
  let secret = config.DIRECTLINE_SECRET;
  if (!secret) {
    secret = randomBytes(32).toString('base64url');
    log.warn('directline.ephemeral_secret', { hint: 'demo mode without DIRECTLINE_SECRET: the web chat page works, outside Direct Line clients cannot get tokens' });
  }
  const directLine = new DirectLine({
    conversations: app.conversations,
    secret,
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
  // Names and ids do not change while the bot runs: listed once, not per request.
  const demoCustomers =
    config.DEMO_SIGN_IN === 'true' && app.demoProfiles
      ? app.demoProfiles.all().map((p) => ({ id: p.id, name: `${p.firstName} ${p.lastName}` }))
      : [];
  registerWebChatPage(server, {
    directLine,
    title: app.conversations.content().botName,
    locale: app.conversations.content().language,
    demoCustomers,
  });
  if (config.BOTFRAMEWORK_CHANNEL === 'on') {
    if (!config.MicrosoftAppId) log.warn('botframework.unauthenticated', { hint: 'demo mode without MicrosoftAppId: /api/messages accepts unauthenticated requests and replies only to this machine' });
    registerBotFramework(server, {
      conversations: app.conversations,
      log,
      appId: config.MicrosoftAppId,
      appPassword: config.MicrosoftAppPassword,
      appType: config.MicrosoftAppType,
      tenantId: config.MicrosoftAppTenantId,
    });
  }
  const voice = new VoiceChannel({
    conversations: app.conversations,
    log,
    verify:
      config.TWILIO_SIGNATURE_CHECK === 'off'
        ? null
        : { authToken: config.TWILIO_AUTH_TOKEN, publicUrl: config.PUBLIC_URL ?? '' },
    handoff:
      config.taskRouter
        ? { kind: 'taskrouter', workflowSid: config.taskRouter.workflowSid, timeoutSeconds: config.taskRouter.timeoutSeconds }
        : config.VOICE_AGENT_NUMBER
          ? { kind: 'dial', number: config.VOICE_AGENT_NUMBER }
          : { kind: 'enqueue' },
    sms: app.sms,
    deadlineMs: config.VOICE_DEADLINE_MS,
    publicUrl: config.PUBLIC_URL ?? '',
    ...(config.VOICE_TTS_VOICE ? { ttsVoice: config.VOICE_TTS_VOICE } : {}),
  });
  voice.register(server);
  if (config.TWILIO_SIGNATURE_CHECK === 'off')
    log.warn('voice.SIGNATURE_CHECK_OFF', {
      hint: '!!! TWILIO_SIGNATURE_CHECK=off: /api/voice accepts unsigned requests from anyone. Local use only. !!!',
    });
  else if (!config.TWILIO_AUTH_TOKEN || !config.PUBLIC_URL)
    log.warn('voice.not_configured', { hint: 'set TWILIO_AUTH_TOKEN and PUBLIC_URL: until then /api/voice answers 403 to every request' });
  return { server, directLine, voice };
}
