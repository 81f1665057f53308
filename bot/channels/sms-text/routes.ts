/**
 * Twilio Programmable Messaging: `POST /api/sms` is the number's incoming
 * message webhook. Signed like the voice webhooks (403 and nothing changes
 * otherwise); one conversation per phone number (`sms:<From>`), the sender's
 * number as the identity hint; answered with TwiML `<Message>`. A message
 * Twilio delivers twice is answered once on any instance (its MessageSid in
 * the store's deliveries, channels/once.ts), and a number that floods the bot
 * gets no more answers until its rate allows.
 */
import type { Request, Response, Server } from 'restify';
import type { ChannelDeclaration } from '../../engine/capabilities';
import type { Conversations } from '../../engine/conversations';
import type { OutboundChannel, OutboundMessage, OutboundResult } from '../../engine/outbound';
import type { SmsSender } from '../../engine/ports';
import type { Deliveries } from '../../engine/store';
import type { Logger } from '../../log';
import { cutMessage, takeMessage, type MessageBuckets, type MessageRate } from '../limits';
import { runOnce } from '../once';
import { twimlDocument } from '../twiml-xml';
import { hasValidSignature } from '../voice/signature';
import { messageTwiml } from './reply';

/** Text messages: links can be opened where they are shown; nothing can be tapped or heard. */
export const sms: ChannelDeclaration = { name: 'sms', capabilities: ['links'] };

export interface SmsTextOptions {
  conversations: Conversations;
  log: Logger;
  /** Null when signature checks are off (development only, announced at start-up). */
  verify: { authToken: string; publicUrl: string } | null;
  /** Sends what an agent writes later (outside a turn). */
  sender: SmsSender;
  /** Where a message's answer is kept, so Twilio's repeat runs nothing on any instance. */
  deliveries: Deliveries;
  /** Where each number's message budget is kept (the store's records: one budget on every instance). */
  buckets: MessageBuckets;
  /** The injected clock, for the rate limit. */
  now: () => Date;
  /** Messages one number may send: a burst, then so many a minute. */
  messageRate?: MessageRate;
  /** The longest message text a turn sees. */
  maxChars?: number;
}

type Params = Record<string, string>;

const EMPTY = twimlDocument();

export class SmsTextChannel implements OutboundChannel {
  constructor(private readonly opts: SmsTextOptions) {}

  register(server: Server): void {
    server.post('/api/sms', async (req: Request, res: Response) => {
      const { verify, log } = this.opts;
      if (verify && !hasValidSignature(req, verify.authToken, verify.publicUrl)) {
        log.warn('sms.bad_signature', { path: req.getPath() });
        res.send(403, { error: { code: 'Forbidden', message: 'invalid Twilio signature' } });
        return;
      }
      const params = (req.body && typeof req.body === 'object' ? req.body : {}) as Params;
      if (!params.MessageSid || !params.From) {
        res.send(400, { error: { code: 'BadRequest', message: 'MessageSid and From are required' } });
        return;
      }
      const twiml = await this.once(params.MessageSid, () => this.turn(params));
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
      res.end(twiml);
    });
  }

  /**
   * An agent's (or the bot's) message to a number that has texted in: by the
   * SMS sender, the agent's name first. Never to a number that did not write:
   * its conversation must be in the store, so the agent's desk may be on any
   * instance. A text cannot show typing, so an agent typing sends nothing.
   */
  async write(conversationId: string, message: OutboundMessage): Promise<OutboundResult> {
    if (!(await this.opts.conversations.known(conversationId))) return 'unknown_conversation';
    if (message.typing) return 'delivered';
    const to = conversationId.slice('sms:'.length);
    await this.opts.sender.send(to, message.from.kind === 'agent' ? `${message.from.name}: ${message.text}` : message.text);
    return 'delivered';
  }

  /**
   * The same message twice (Twilio retries) gets the same answer and runs once, on any instance.
   * A repeat that the first delivery has not answered in 10 s gets an empty answer: the first one replies.
   */
  private async once(messageSid: string, work: () => Promise<string>): Promise<string> {
    const now = () => this.opts.now().getTime();
    const once = await runOnce(this.opts.deliveries, `sms:${messageSid}`, { ttlMs: 15 * 60_000, now }, work);
    return once.status === 'done' ? once.answer : EMPTY;
  }

  private async turn(p: Params): Promise<string> {
    const from = p.From!;
    if (!(await takeMessage(this.opts.buckets, `sms:${from}`, this.opts.now().getTime(), this.opts.messageRate))) {
      this.opts.log.warn('sms.rate_limited', { messageSid: p.MessageSid });
      return EMPTY;
    }
    const text = cutMessage((p.Body ?? '').trim(), this.opts.maxChars);
    if (!text) return EMPTY;
    const output = await this.opts.conversations.turn({
      conversationId: `sms:${from}`,
      channel: sms.name,
      capabilities: sms.capabilities,
      identity: { kind: 'phone', value: from },
      text,
    });
    const content = this.opts.conversations.content();
    return messageTwiml(output, { choices: content.line('choices_written'), or: content.line('list_or') });
  }
}
