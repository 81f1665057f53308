/**
 * The embedded SMS sender: keeps the messages it would have sent (bounded),
 * for development and tests. Phone numbers and links stay in memory only.
 */
import type { SmsSender } from '../../bot/engine/ports';

export interface SentSms {
  to: string;
  body: string;
  at: string;
}

export class SmsOutbox implements SmsSender {
  readonly sent: SentSms[] = [];

  async send(to: string, body: string): Promise<void> {
    this.sent.push({ to, body, at: new Date().toISOString() });
    if (this.sent.length > 500) this.sent.shift();
  }
}
