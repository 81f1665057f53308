/** Text messages through Twilio's Messages API. */
import twilio from 'twilio';
import type { SmsSender } from '../../bot/engine/ports';

export class TwilioSms implements SmsSender {
  private readonly client: ReturnType<typeof twilio>;

  constructor(
    accountSid: string,
    authToken: string,
    private readonly from: string,
  ) {
    this.client = twilio(accountSid, authToken, { autoRetry: false });
  }

  async send(to: string, body: string): Promise<void> {
    await this.client.messages.create({ to, from: this.from, body });
  }
}
