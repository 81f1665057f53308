/**
 * The embedded SMS sender: keeps the messages it would have sent (bounded),
 * for the demo and tests. Nothing leaves the machine, and it says so
 * (`kept`), so a caller is never told a text is on its way. Phone numbers
 * and links stay in memory only.
 */
import type { SmsSender } from '../../bot/engine/ports';

export interface SentSms {
  to: string;
  body: string;
  at: string;
}

export class SmsOutbox implements SmsSender {
  readonly sent: SentSms[] = [];

  async send(to: string, body: string): Promise<'kept'> {
    this.sent.push({ to, body, at: new Date().toISOString() });
    if (this.sent.length > 500) this.sent.shift();
    return 'kept';
  }
}
