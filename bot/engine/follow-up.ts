/**
 * After the handoff: what the customer writes while waiting goes onto the
 * waiting contact (ContactLog), so the agent who takes it reads it, and the
 * customer hears honestly where it went — not the same line every time.
 * Once an agent holds the contact the bot says nothing: the agent answers.
 * "Never mind" (the content's `leave.words`, alone) before anyone took it
 * withdraws the request: the contact leaves its queue and the bot serves again.
 * A goodbye (`waiting.goodbye_words`, "thanks, bye") is asked about first:
 * leaving loses the place in the queue, so only a yes withdraws it.
 */
import type { TurnContext } from './context';
import { leaving, saysGoodbye } from './interrupt';
import type { FollowUpReceipt } from './ports';
import { redact } from './redact';
import { askYesNo, shortYesNo } from './yes-no';

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
  const askedToLeave = handed.askedToLeave === true;
  delete handed.askedToLeave;
  const answer = askedToLeave ? leaveAnswer(ctx) : null;
  if (answer === false) {
    ctx.say('wait_kept', { queue_label: queueLabel });
    return;
  }
  if (answer === true && (await withdraw(ctx, handed.handoffId))) {
    ctx.say('wait_left', { queue_label: queueLabel });
    state.ended = true;
    ctx.output.ended = true;
    return;
  }
  if (input.text && leaving(ctx.content, input.text)?.rest === '' && (await withdraw(ctx, handed.handoffId))) {
    ctx.say('wait_cancelled', { queue_label: queueLabel });
    state.askedAnythingElse = true;
    return;
  }
  if (!askedToLeave && input.text && saysGoodbye(ctx.content, input.text) && (await stillWaiting(ctx, handed.handoffId))) {
    handed.askedToLeave = true;
    askYesNo(ctx, 'wait_leave_question', { queue_label: queueLabel });
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

/** The contact can still be withdrawn: it waits, nobody holds it, and the contact log can take it out. */
async function stillWaiting(ctx: TurnContext, contactId: string): Promise<boolean> {
  const contacts = ctx.services.contacts;
  return Boolean(contacts?.left) && !(await contacts?.heldByPerson?.(contactId));
}

/** Takes a contact still waiting out of its queue (recorded as abandoned by the desk). */
async function withdraw(ctx: TurnContext, contactId: string): Promise<boolean> {
  if (!(await stillWaiting(ctx, contactId))) return false;
  await ctx.services.contacts!.left!(contactId, ctx.now.toISOString());
  ctx.state.handedOff = null;
  return true;
}

/** The answer to "Do you want to leave the queue?": yes (or goodbye again), no, or null for anything else. */
function leaveAnswer(ctx: TurnContext): boolean | null {
  const { text, digits } = ctx.input;
  if (text && saysGoodbye(ctx.content, text)) return true;
  return shortYesNo(ctx, text ?? '', digits ?? '');
}
