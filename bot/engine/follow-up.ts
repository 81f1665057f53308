/**
 * After the handoff: what the customer writes while waiting goes onto the
 * waiting contact (ContactLog), so the agent who takes it reads it, and the
 * customer hears honestly where it went — not the same line every time.
 * Once an agent holds the contact the bot says nothing: the agent answers.
 * "Never mind" (the content's `leave.words`, alone) before anyone took it
 * withdraws the request: the contact leaves its queue and the bot serves again.
 */
import type { TurnContext } from './context';
import { leaving } from './interrupt';
import type { FollowUpReceipt } from './ports';
import { redact } from './redact';

export async function followUp(ctx: TurnContext): Promise<void> {
  const { state, input } = ctx;
  const handed = state.handedOff!;
  const queueLabel = ctx.content.routing.queues[handed.queue]?.label ?? handed.queue;
  const said = input.text?.trim() || (input.digits?.trim() ? `[keypad] ${input.digits.trim()}` : '');
  const contacts = ctx.services.contacts;
  if (!said || !contacts) {
    ctx.say('in_queue', { queue_label: queueLabel });
    return;
  }
  if (input.text && (await withdrawn(ctx, input.text, handed.handoffId))) {
    ctx.say('wait_cancelled', { queue_label: queueLabel });
    state.askedAnythingElse = true;
    return;
  }
  let receipt: FollowUpReceipt;
  try {
    receipt = await contacts.append(handed.handoffId, { from: 'customer', text: redact(said), at: ctx.now.toISOString() });
  } catch (err) {
    ctx.services.log.error('handoff.follow_up_failed', { conversationId: state.conversationId, error: (err as Error).name });
    receipt = { status: 'lost' };
  }
  ctx.services.log.info('handoff.follow_up', {
    conversationId: state.conversationId,
    status: receipt.status,
    count: receipt.status === 'lost' ? null : receipt.count,
  });
  if (receipt.status === 'lost') ctx.say('follow_up_lost', { queue_label: queueLabel });
  // An agent holds the conversation: the agent answers, the bot stays silent.
  else if (receipt.status === 'with_agent') return;
  else ctx.say(receipt.count === 1 ? 'follow_up_first' : 'follow_up_more', { queue_label: queueLabel, count: String(receipt.count) });
}

/** "Never mind" alone while the contact still waits: it leaves the queue (recorded as abandoned by the desk). */
async function withdrawn(ctx: TurnContext, text: string, contactId: string): Promise<boolean> {
  const contacts = ctx.services.contacts;
  if (leaving(ctx.content, text)?.rest !== '' || !contacts?.left) return false;
  if (await contacts.heldByPerson?.(contactId)) return false;
  await contacts.left(contactId, ctx.now.toISOString());
  ctx.state.handedOff = null;
  return true;
}
