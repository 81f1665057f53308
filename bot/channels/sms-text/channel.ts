/** Text messages: Twilio's incoming message webhook at `/api/sms` (conversation ids `sms:<From>`). */
import type { ChannelModule } from '../host';
import { sms, SmsTextChannel } from './routes';

export const smsTextChannel: ChannelModule<SmsTextChannel> = {
  ...sms,
  mount(server, app) {
    const channel = new SmsTextChannel({
      conversations: app.conversations,
      log: app.log,
      verify: app.channels.twilioVerify,
      sender: app.sms,
      deliveries: app.store.deliveries,
      buckets: app.store.records,
      now: () => app.clock.now(),
      maxChars: app.config.MESSAGE_MAX_CHARS,
      messageRate: { burst: app.config.MESSAGE_RATE_BURST, perMinute: app.config.MESSAGE_RATE_PER_MINUTE },
    });
    channel.register(server);
    app.outbound.register('sms', channel);
    return channel;
  },
};
