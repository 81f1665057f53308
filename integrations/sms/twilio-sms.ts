/**
 * Text messages through Twilio's Messages API: `sent` once Twilio accepted
 * the message. Sent after the turn (the conversation is not locked); a
 * request that hangs is abandoned after `requestTimeoutMs` (default 5 s,
 * Twilio's own is 30 s), so sends waiting in the background stay bounded.
 */
import type twilio from 'twilio';
import type { SmsSender } from '../../bot/engine/ports';
import type { SmsSettings } from '../../bot/config';

export class TwilioSms implements SmsSender {
  private readonly client: ReturnType<typeof twilio>;

  constructor(private readonly settings: SmsSettings) {
    // keepAlive off: a few messages per call do not need pooled sockets (and nock needs it, see stack-notes).
    // Loaded here, not at start-up: the REST clients cost a third of a second and most starts send no SMS.
    this.client = (require('twilio') as typeof twilio)(settings.accountSid, settings.authToken, { autoRetry: false, keepAlive: false, timeout: settings.requestTimeoutMs ?? 5000 });
  }

  async send(to: string, body: string): Promise<'sent'> {
    await this.client.messages.create({ to, from: this.settings.from, body });
    return 'sent';
  }
}
