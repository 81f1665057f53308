/** Identify/enrich: who the customer is, from the channel's hint or the id found earlier. */
import type { Profile } from '../domain/profile';
import type { TurnContext } from './context';

/**
 * Identify/enrich: find the CI profile from the channel's hint, once it
 * answered (found or nobody); a lookup the CI system failed is tried again
 * on the next turn. Reloads the profile by id on later turns.
 */
export async function identify(ctx: TurnContext): Promise<void> {
  const { state } = ctx;
  if (!state.identity && ctx.input.identity) state.identity = ctx.input.identity;
  let profile: Profile | null = null;
  const { customerId, identity } = state;
  if (customerId) profile = await ctx.lookUp((p) => p.byCustomerId(customerId));
  else if (!state.lookedUp && identity) {
    profile = await ctx.lookUp((p) => (identity.kind === 'phone' ? p.byPhone(identity.value) : p.byCustomerId(identity.value)));
    if (!ctx.profileUnavailable) state.lookedUp = true;
    if (profile) {
      state.customerId = profile.id;
      if (identity.kind === 'customerId' && identity.authenticated && ctx.content.assistant.verification.trust_signed_in)
        state.verified = true;
    }
  }
  ctx.setProfile(profile);
}
