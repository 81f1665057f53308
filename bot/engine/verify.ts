/**
 * Identification and verification. A customer the channel could not
 * identify is asked for the phone number on the account; account details
 * are given only after a check (the postcode or date of birth on the
 * profile). Too many failed attempts hand off to a person.
 */
import type { MessageName } from '../domain/messages';
import type { TurnContext } from './context';
import { handOff } from './handoff-stage';
import { findDate, findPostcode } from './slots';

export function startVerification(ctx: TurnContext, goal: 'identified' | 'verified'): void {
  // The CI system failed this turn: asking who they are could only end in "no account found".
  if (!ctx.profile && ctx.profileUnavailable) return accountUnavailable(ctx);
  ctx.state.verifying = { asking: ctx.profile ? 'check' : 'who', goal };
  askVerification(ctx);
}

/**
 * The account cannot be reached (the CI system failed): the customer hears
 * so, honestly, and the flow that needed it is left; everything that needs
 * no account, and a person, stay a message away. Not a failed attempt.
 */
export function accountUnavailable(ctx: TurnContext): void {
  const { state } = ctx;
  const label = ctx.dialogIntent()?.label;
  ctx.did(label ? `Could not ${label}: the customer's account was unavailable (CI system not answering)` : `Could not look up the customer's account: the CI system was not answering`);
  state.dialog = null;
  state.verifying = null;
  ctx.say('account_unavailable');
}

/** Asks the question verification is waiting for: who the customer is, or the check. */
export function askVerification(ctx: TurnContext): void {
  ctx.say(ctx.state.verifying?.asking === 'who' ? 'ask_phone' : 'ask_check');
  ctx.output.expecting = 'digits';
}

/** A phone number from what was typed, said or keyed: 10 digits (US) or a full +E.164 number. */
function phoneFrom(text: string | undefined, digits: string | undefined): string | null {
  const raw = digits ?? text ?? '';
  const only = raw.replace(/[^\d+]/g, '');
  const count = only.replace(/\D/g, '').length;
  return count >= 10 && count <= 15 ? only : null;
}

/** Whether the answer matches the profile's postcode or date of birth. */
export function passesCheck(ctx: TurnContext): boolean {
  const p = ctx.profile;
  if (!p) return false;
  const { text, digits } = ctx.input;
  const answer = digits ?? text ?? '';
  const postcode = findPostcode(answer, ctx.patterns);
  if (postcode && postcode.toUpperCase() === p.address.postcode.toUpperCase()) return true;
  const date = findDate({ text, digits }, ctx.now);
  return Boolean(date && p.dateOfBirth && date === p.dateOfBirth.slice(0, 10));
}

/**
 * Handles the customer's answer while verifying. Resolves true when the
 * customer has reached the goal and the paused dialog may resume.
 */
export async function answerVerification(ctx: TurnContext): Promise<boolean> {
  const { state } = ctx;
  const v = state.verifying!;
  const max = ctx.content.assistant.verification.max_attempts;
  const fail = async (retryMessage: MessageName): Promise<boolean> => {
    state.verifyFailures += 1;
    if (state.verifyFailures >= max) {
      ctx.did(`Verification failed ${state.verifyFailures} times`);
      ctx.say('verification_handoff');
      // The verification desk, not the interrupted flow's queue; and nothing to sell to someone unproven.
      await handOff(ctx, {
        intent: ctx.dialogIntent(),
        reason: `The customer could not be ${v.goal === 'verified' ? 'verified' : 'identified'} after ${state.verifyFailures} attempts`,
        queue: ctx.content.assistant.verification.queue,
        context: 'verification_failed',
      });
      state.verifying = null;
      return false;
    }
    ctx.say(retryMessage);
    ctx.output.expecting = 'digits';
    return false;
  };

  if (v.asking === 'who') {
    const phone = phoneFrom(ctx.input.text, ctx.input.digits);
    // "show me the menu" is not a number that was looked up and not found.
    if (!phone) return fail('phone_not_a_number');
    const found = await ctx.lookUp((profiles) => profiles.byPhone(phone));
    if (!found && ctx.profileUnavailable) {
      accountUnavailable(ctx);
      return false;
    }
    if (!found) return fail('phone_not_found');
    ctx.setProfile(found);
    state.customerId = found.id;
    state.lookedUp = true;
    if (v.goal === 'identified') {
      state.verifying = null;
      return true;
    }
    state.verifying = { asking: 'check', goal: v.goal };
    askVerification(ctx);
    return false;
  }

  // Nothing to check the answer against: not the customer's mistake.
  if (!ctx.profile && ctx.profileUnavailable) {
    accountUnavailable(ctx);
    return false;
  }
  if (!passesCheck(ctx)) return fail('check_failed');
  state.verified = true;
  state.verifying = null;
  ctx.did('Verified the customer');
  ctx.say('verified');
  return true;
}
