/**
 * Links cannot be heard: on the phone they go to the caller by text message,
 * and the caller is told what really happened — sent, kept in the demo
 * outbox, still on its way, or not sent at all.
 */
import type { Content } from '../../content/load';
import type { Step } from '../../content/schemas';
import type { SmsSender } from '../../engine/ports';
import type { Reply } from '../../engine/turn';
import type { Logger } from '../../log';

/** The dialogs with a step that sends a link: on the phone each needs an SMS sender. */
export function linkDialogs(content: Content): string[] {
  const hasLink = (steps: readonly Step[]): boolean =>
    steps.some((s) => ('link' in s && s.link !== undefined) || ('then' in s && (hasLink(s.then) || hasLink(s.else))));
  return [...content.dialogs.values()].filter((d) => hasLink(d.steps)).map((d) => d.dialog);
}

/** Which `rules/assistant.yaml` message tells the caller about the text. */
export type SmsNotice = 'sms_sent' | 'sms_outbox' | 'sms_sending' | 'sms_failed';

export interface SmsLinkOptions {
  sms: SmsSender;
  log: Logger;
  /** How long the caller may wait for the SMS API before hearing "on its way". */
  waitMs: number;
}

/**
 * Texts the replies' links to `to` and says which notice the caller hears,
 * or null when there was nothing to send. Never throws.
 */
export async function textLinks(replies: readonly Reply[], to: string | undefined, opts: SmsLinkOptions, callSid: string): Promise<SmsNotice | null> {
  const links = replies.flatMap((r) => (r.link ? [r.link] : []));
  if (!links.length) return null;
  if (!to) return 'sms_failed';
  const sending = Promise.all(links.map((link) => opts.sms.send(to, `${link.label}: ${link.url}`)));
  const failed = (err: unknown) => opts.log.warn('voice.sms_failed', { callSid, error: (err as Error).name });
  // The caller is waiting: a slow SMS API must not push the answer past Twilio's deadline.
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), opts.waitMs)));
  try {
    const result = await Promise.race([sending, slow]);
    if (result === 'slow') {
      sending.catch(failed);
      return 'sms_sending';
    }
    return result.every((r) => r === 'sent') ? 'sms_sent' : 'sms_outbox';
  } catch (err) {
    failed(err);
    return 'sms_failed';
  } finally {
    clearTimeout(timer);
  }
}
