/**
 * The engine's output as a text message: every reply's written text in one
 * `<Message>`, a link as its address, and choices as words to reply with
 * (nothing can be tapped in an SMS). TwiML for Programmable Messaging.
 */
import type { Reply, TurnOutput } from '../../engine/turn';
import { element, twimlDocument, xmlText } from '../twiml-xml';

/** The channel's own lines, from `rules/assistant.yaml` messages. */
export interface TextLines {
  /** "Reply {choices}." */
  choices: string;
  /** The word before the last of a list ("or"). */
  or: string;
}

/** "A", "A or B", "A, B or C". */
export function listed(items: readonly string[], or: string): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} ${or} ${items.at(-1)}` : (items[0] ?? '');
}

/** One reply as written in a text message. */
export function writtenReply(reply: Reply, lines: TextLines): string {
  const parts = [reply.text];
  if (reply.link) parts.push(`${reply.link.label}: ${reply.link.url}`);
  if (reply.choices?.length) parts.push(lines.choices.replace('{choices}', listed(reply.choices.map((c) => c.label), lines.or)));
  return parts.filter(Boolean).join('\n');
}

/** The TwiML answer: one message with every reply, or none when there is nothing to say. */
export function messageTwiml(output: TurnOutput, lines: TextLines): string {
  const text = output.replies.map((r) => writtenReply(r, lines)).filter(Boolean).join('\n\n');
  return text ? twimlDocument(element('Message', {}, xmlText(text))) : twimlDocument();
}
