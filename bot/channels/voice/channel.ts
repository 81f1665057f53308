/** The phone: Twilio Voice webhooks under `/api/voice` (conversation ids `voice:<CallSid>`). */
import type { ChannelModule } from '../host';
import { voice, VoiceChannel } from './routes';

export const voiceChannel: ChannelModule<VoiceChannel> = {
  ...voice,
  mount(server, app) {
    const { config } = app;
    const channel = new VoiceChannel({
      conversations: app.conversations,
      log: app.log,
      verify: app.channels.twilioVerify,
      handoff: app.channels.voiceHandoff,
      sms: app.sms,
      deliveries: app.store.deliveries,
      deadlineMs: config.VOICE_DEADLINE_MS,
      maxMessageChars: config.MESSAGE_MAX_CHARS,
      publicUrl: config.PUBLIC_URL ?? '',
      now: () => app.clock.now(),
      ...(config.VOICE_TTS_VOICE ? { ttsVoice: config.VOICE_TTS_VOICE } : {}),
    });
    channel.register(server);
    return channel;
  },
};
