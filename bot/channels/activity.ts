/**
 * The Bot Framework Activity protocol, as far as Frontline speaks it, and its
 * translation to and from the engine's turn model. Shared by the Direct Line
 * endpoint and the Azure Bot Service channel; depends on no SDK, so it
 * outlives the archived botbuilder packages (the Microsoft 365 Agents SDK
 * speaks the same protocol).
 */
import type { ChannelDeclaration } from '../engine/capabilities';
import type { Reply, TurnOutput } from '../engine/turn';
import { cutMessage } from './limits';

/** Typed chat, on Direct Line and on the Azure channels alike: buttons shown, links opened. */
export const chat: ChannelDeclaration = { name: 'chat', capabilities: ['buttons', 'links'] };

export interface ChannelAccount {
  id: string;
  name?: string;
  role?: 'user' | 'bot';
}

export interface CardAction {
  type: 'imBack' | 'openUrl' | 'postBack' | 'messageBack';
  title: string;
  value: string;
}

export interface Attachment {
  contentType: string;
  content: unknown;
}

export interface Activity {
  type: string;
  id?: string;
  timestamp?: string;
  channelId?: string;
  conversation?: { id: string };
  from?: ChannelAccount;
  recipient?: ChannelAccount;
  text?: string;
  speak?: string;
  inputHint?: 'acceptingInput' | 'expectingInput' | 'ignoringInput';
  suggestedActions?: { to?: string[]; actions: CardAction[] };
  attachments?: Attachment[];
  name?: string;
  value?: unknown;
  replyToId?: string;
  channelData?: unknown;
}

/** What a customer's activity says, or null when it is not something the engine handles (typing, read receipts). */
export function inboundText(activity: Activity, maxChars?: number): string | null {
  if (activity.type !== 'message') return null;
  const text = typeof activity.text === 'string' ? activity.text.trim() : '';
  if (text) return cutMessage(text, maxChars);
  // A card button that posts a value instead of text.
  if (typeof activity.value === 'string') return cutMessage(activity.value, maxChars);
  return null;
}

function replyToActivity(reply: Reply, last: boolean, output: TurnOutput): Activity {
  const activity: Activity = { type: 'message', text: reply.text };
  if (reply.speak) activity.speak = reply.speak;
  if (reply.choices?.length)
    activity.suggestedActions = { actions: reply.choices.map((c) => ({ type: 'imBack', title: c.label, value: c.label })) };
  if (reply.link)
    activity.attachments = [
      {
        contentType: 'application/vnd.microsoft.card.hero',
        content: { buttons: [{ type: 'openUrl', title: reply.link.label, value: reply.link.url }] },
      },
    ];
  if (last) activity.inputHint = output.ended || output.handoff ? 'ignoringInput' : output.expecting ? 'expectingInput' : 'acceptingInput';
  return activity;
}

/**
 * The engine's output as activities: one message per reply (choices as
 * suggested actions, links as a card button), then — on a handoff — an
 * event the agent desk or a Bot Framework handoff can act on.
 */
export function outboundActivities(output: TurnOutput): Activity[] {
  const out = output.replies.map((r, i) => replyToActivity(r, i === output.replies.length - 1, output));
  if (output.handoff) {
    const { handoff, receipt } = output.handoff;
    out.push({
      type: 'event',
      name: 'handoff.initiate',
      value: {
        queue: receipt.queue,
        queueLabel: handoff.queueLabel,
        position: receipt.position ?? null,
        expectedWaitSeconds: receipt.expectedWaitSeconds ?? null,
      },
    });
  }
  if (output.ended) out.push({ type: 'endOfConversation' });
  return out;
}
