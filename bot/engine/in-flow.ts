/**
 * A message while a question waits (a dialog's slot, or verification): a
 * change of mind, another request, the answer, a correction, or a bad
 * answer asked again; and leaving a flow cleanly, noted for the agent.
 */
import { agentLabelOf } from '../content/schemas';
import type { TurnContext } from './context';
import { acceptAnswer, fitsAnswer, retryAnswer, runDialog } from './dialog-runner';
import { correction, leaving, notKnowing, otherRequest, saysGoodbye } from './interrupt';
import { respond, serve } from './serve';
import { answerVerification } from './verify';

/**
 * A message while a question waits (a dialog's slot, or verification).
 * In order: a change of mind, "I don't know", a goodbye, another request the classifier is sure of,
 * the answer, a correction ("no, I meant …"), any other clear request;
 * only then is it a bad answer, asked again.
 */
export async function inFlow(ctx: TurnContext, text: string): Promise<void> {
  const { state, content } = ctx;
  const current = state.dialog?.intent ?? null;
  const left = leaving(content, text);
  if (left) {
    leaveFlow(ctx, 'changed their mind');
    ctx.say('left_flow');
    if (left.rest) await respond(ctx, left.rest, false);
    else ctx.say('what_now');
    return;
  }
  // "I don't know": a way out, not a wrong answer asked again or a failed verification.
  if (notKnowing(content, text, true)) {
    const verifying = state.verifying !== null;
    leaveFlow(ctx, verifying ? 'did not know the answer to verification' : 'did not know the answer');
    ctx.say(verifying ? 'dont_know_verification' : 'dont_know_answer');
    return;
  }
  // "ok bye then": the customer is leaving, not answering. Three of them were three failed verifications
  // and a handoff nobody needed; now the flow is left (the agent would read why) and the chat ends.
  if (saysGoodbye(content, text)) {
    leaveFlow(ctx, 'said goodbye');
    ctx.say('goodbye');
    state.ended = true;
    ctx.output.ended = true;
    return;
  }
  // "I want to cancel" is a new request, not a wrong ZIP code; digits are an answer.
  const lead = correction(content, text);
  const fits = state.verifying ? /\d/.test(text) : fitsAnswer(ctx);
  // During verification the same request again ("my balance please") starts it over, uncounted.
  const other = state.verifying ? null : current;
  const sure = fits ? null : (otherRequest(ctx.brain, text, other, true) ?? (lead ? otherRequest(ctx.brain, lead, other, false) : null));
  if (sure?.intent === current) {
    state.dialog = null;
    state.verifying = null;
    await serve(ctx, sure.intent, sure.confidence, text);
    return;
  }
  if (sure) {
    leaveFlow(ctx, 'asked for something else');
    await serve(ctx, sure.intent, sure.confidence, text);
    return;
  }
  if (state.verifying) {
    if (await answerVerification(ctx)) await runDialog(ctx);
    return;
  }
  if (acceptAnswer(ctx)) {
    await runDialog(ctx);
    return;
  }
  // Not an answer: a correction, or another request after all.
  if (lead) {
    leaveFlow(ctx, 'corrected what they wanted');
    ctx.say('left_flow');
    await respond(ctx, lead, false);
    return;
  }
  const another = otherRequest(ctx.brain, text, current, false);
  if (another) {
    leaveFlow(ctx, 'asked for something else');
    await serve(ctx, another.intent, another.confidence, text);
    return;
  }
  await retryAnswer(ctx);
}

/** Drops the flow in progress, and anything queued after it; the agent reads where it was left. */
export function leaveFlow(ctx: TurnContext, why: string): void {
  const { state, content } = ctx;
  const active = state.dialog;
  if (active) {
    const label = agentLabelOf(content.intents, active.intent);
    const where = state.verifying ? ' during verification' : active.waiting ? ` when asked for "${active.waiting.slot}"` : '';
    ctx.did(`Started to ${label}; left it${where}: the customer ${why}`);
  }
  for (const p of state.pending) ctx.did(`Did not ${agentLabelOf(content.intents, p.intent)}: the customer ${why}`);
  state.pending = [];
  state.dialog = null;
  state.verifying = null;
}

